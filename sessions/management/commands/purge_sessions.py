import datetime
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sessions.models import Session
from sessions.retention import delete_session


class Command(BaseCommand):
    help = (
        "Delete sessions (participants, answers, photos) whose date is longer ago than the "
        "retention period: --older-than 90d, or RETENTION_DAYS from the environment."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", help="e.g. 90d (default: RETENTION_DAYS days)")
        parser.add_argument("--dry-run", action="store_true", help="only list what would go")

    def handle(self, older_than=None, dry_run=False, **options):
        days = settings.RETENTION_DAYS
        if older_than:
            match = re.fullmatch(r"(\d+)d?", older_than.strip())
            if not match:
                raise CommandError("--older-than takes a number of days, e.g. 90d")
            days = int(match[1])
        cutoff = timezone.localdate() - datetime.timedelta(days=days)
        sessions = list(Session.objects.filter(date__lt=cutoff))
        for session in sessions:
            self.stdout.write(f"{'Would delete' if dry_run else 'Deleting'} {session}")
            if not dry_run:
                delete_session(session)
        self.stdout.write(f"{len(sessions)} session(s) older than {days} days ({cutoff}).")
