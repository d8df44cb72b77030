"""Settings for LearnKafka, read from the environment.

The embedded default (no variables set) is SQLite plus Channels' in-memory
layer, so `make run` needs nothing else. `DATABASE_URL` switches to PostgreSQL
and `REDIS_URL` to channels-redis, so several Daphne processes can share one
classroom. `LEARNKAFKA_PROFILE=production` turns on the deploy hardening that
`manage.py check --deploy` asks for.
"""
import os
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

PROFILE = os.environ.get("LEARNKAFKA_PROFILE", "development")
PRODUCTION = PROFILE == "production"

# A development key is fine on a laptop; production refuses to start without one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    "" if PRODUCTION else "dev-only-insecure-key-learnkafka-do-not-deploy-0123456789abcdef"
)
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when LEARNKAFKA_PROFILE=production")

DEBUG = os.environ.get("DJANGO_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    # daphne must precede staticfiles so `runserver` serves ASGI (daphne.E001).
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_components",
    "django_htmx",
    "learnkafka.core",
    "learnkafka.sandbox",
    "learnkafka.lessons",
    "learnkafka.quizzes",
    "learnkafka.payrace",
    "learnkafka.interview",
    "learnkafka.classroom",
    "learnkafka.gateway",
]
# The classroom (issue 13): instructors log in with Django's auth.
LOGIN_URL = "classroom:login"
LOGIN_REDIRECT_URL = "classroom:home"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "learnkafka.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "learnkafka.urls"
ASGI_APPLICATION = "learnkafka.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # django-components replaces APP_DIRS with its own loader chain.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                        "django_components.template_loader.Loader",
                    ],
                )
            ],
            "builtins": ["django_components.templatetags.component_tags"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Many requests at once (a server's first minute, a class arriving) each
    # save a session and create a sandbox. By default SQLite answers a second
    # writer "database is locked" (a 500) once a deferred transaction wants
    # to write: WAL lets readers and one writer work side by side, IMMEDIATE
    # takes the write lock up front so a writer waits its turn (up to
    # `timeout` s) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file-backed SQLite database, one per test process, so a Daphne
    # subprocess started by the browser tests sees the same data and two test runs
    # on one machine never share a file.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("LEARNKAFKA_TEST_DB")
        or str(Path(tempfile.gettempdir()) / f"learnkafka-test-{os.getpid()}.sqlite3")
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # One channel per process carries every frame of every simulation it
            # mirrors (sandbox/node.py); channels_redis drops silently past
            # capacity (100 by default), so give it room. A frame lost anyway
            # shows as a gap in frame numbers and resyncs that simulation's sockets.
            # redis-py 8 reads with a 5 s socket timeout by default, the same as
            # channels_redis's blocking pop: every idle receive then failed with
            # "Timeout reading from ...". A longer socket timeout fixes that.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                       "capacity": 5000},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Sessions identify anonymous learners: their sandboxes and progress hang off it.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 365
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "django_components.finders.ComponentsFileSystemFinder",
]

COMPONENTS = {
    "dirs": [BASE_DIR / "learnkafka" / "components"],
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Every line is written once, by the root's handler. Django's own defaults give
# the "django" and "django.server" loggers handlers of their own, so under
# `runserver` each line also came out a second time (issue 16): naming those
# loggers here with no handlers leaves them propagating to the root only.
# Requests Django refuses as suspicious (bad Host, too many fields, too big a
# body) are logged as one line, not a traceback each (core/logfilters.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_security": {"()": "learnkafka.core.logfilters.OneLineSecurityErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "filters": ["one_line_security"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
    },
}

# The Kafka wire-protocol gateway (learnkafka/gateway, issue 15): real Kafka
# clients on a learner's simulated cluster. Broker b listens on
# LEARNKAFKA_GATEWAY_PORT + b - 1; 0 turns the gateway off.
GATEWAY_PORT = int(os.environ.get("LEARNKAFKA_GATEWAY_PORT", "9092"))
GATEWAY_BIND = os.environ.get("LEARNKAFKA_GATEWAY_BIND", "127.0.0.1")
GATEWAY_HOST = os.environ.get("LEARNKAFKA_GATEWAY_HOST", GATEWAY_BIND)  # advertised in Metadata
