"""Settings come from the environment: the embedded default, scale-out switches, production."""
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'layer': s.CHANNEL_LAYERS['default']['BACKEND'], "
    "'db': s.DATABASES['default']['ENGINE'], 'debug': s.DEBUG}))"
)


def run(code_or_args, **env):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("DATABASE_URL", "REDIS_URL", "LEARNKAFKA_PROFILE",
                             "DJANGO_ALLOW_ASYNC_UNSAFE")}
    full_env.update(DJANGO_SETTINGS_MODULE="learnkafka.settings", **env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run([sys.executable, *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_the_embedded_default_is_sqlite_and_the_in_memory_layer():
    out = json.loads(run(PRINT_SETTINGS).stdout)
    assert out == {"layer": "channels.layers.InMemoryChannelLayer",
                   "db": "django.db.backends.sqlite3", "debug": True}


def test_redis_url_and_database_url_switch_to_channels_redis_and_postgresql():
    out = json.loads(run(PRINT_SETTINGS, REDIS_URL="redis://127.0.0.1:6379/0",
                         DATABASE_URL="postgres://u:p@db:5432/learnkafka").stdout)
    assert out["layer"] == "channels_redis.core.RedisChannelLayer"
    assert out["db"] == "django.db.backends.postgresql"


def test_the_production_profile_passes_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 LEARNKAFKA_PROFILE="production",
                 DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-0123456789",
                 DJANGO_ALLOWED_HOSTS="learnkafka.example")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run(PRINT_SETTINGS, LEARNKAFKA_PROFILE="production", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
