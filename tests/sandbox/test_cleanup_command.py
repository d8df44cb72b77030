"""`manage.py sandbox_cleanup` refuses bad input loudly, so a cron job cannot fail silently."""
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from learnkafka.sandbox import services
from learnkafka.sandbox.models import Sandbox

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("days", ["0", "-3"])
def test_days_below_one_is_an_error_and_deletes_nothing(days):
    old = services.sandbox_create(session_key="s1", scenario="playground")
    Sandbox.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=400))
    with pytest.raises(CommandError, match="--days must be at least 1"):
        call_command("sandbox_cleanup", "--days", days)
    assert list(Sandbox.objects.values_list("pk", flat=True)) == [old.pk]


def test_from_the_command_line_days_zero_exits_non_zero_with_the_reason():
    # The way cron meets it: a process whose exit status says it failed.
    done = subprocess.run(
        [sys.executable, "manage.py", "sandbox_cleanup", "--days", "0"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode != 0
    assert "--days must be at least 1" in done.stderr
    assert "Deleted" not in done.stdout
