"""`manage.py sandbox_cleanup [--days 90]`: forget sandboxes nobody touched for a while.

Every visitor gets a sandbox row; run this from cron so the table stays small.
Bad input raises CommandError, so the process exits non-zero and cron reports it.
"""
from django.core.management.base import BaseCommand, CommandError

from learnkafka.sandbox.services import sandbox_delete_stale


class Command(BaseCommand):
    help = "Delete sandboxes not updated for --days days (default 90)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError(f"--days must be at least 1 (got {days}); nothing was deleted")
        deleted = sandbox_delete_stale(older_than_days=days)
        self.stdout.write(f"Deleted {deleted} sandbox(es) untouched for {days} days.")
