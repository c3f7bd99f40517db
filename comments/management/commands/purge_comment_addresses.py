"""Forget where old comments came from: blank the address hash and browser after retention.

Comments keep a salted hash of the sender's IP address and their browser's User-Agent,
for throttling and for spotting repeat senders in the moderation queue. Neither is needed
once a comment is old, so this command (run daily, e.g. from cron) blanks both on every
comment submitted more than COMMENTS_ADDRESS_RETENTION_DAYS (default 90) days ago.
Nothing else about the comment changes: not its text, not its status, so no audit event.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comments.models import Comment


def retention_days() -> int:
    return settings.COMMENTS_ADDRESS_RETENTION_DAYS


class Command(BaseCommand):
    help = (
        "Blank the IP address hash and User-Agent of comments older than "
        "COMMENTS_ADDRESS_RETENTION_DAYS (default 90)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help="Keep this many days instead of COMMENTS_ADDRESS_RETENTION_DAYS.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many comments would change; change none.",
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = retention_days() if days is None else days
        if days < 0:
            raise CommandError(f"The retention period cannot be negative ({days} days).")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        old = Comment.objects.filter(submitted_at__lt=cutoff).exclude(ip_hash="", user_agent="")
        if dry_run:
            self.stdout.write(
                f"{old.count()} comment(s) submitted before {cutoff:%Y-%m-%d %H:%M} still "
                f"have an address hash or browser; nothing changed (dry run)."
            )
            return
        # Only these two fields, in one statement: the text, status and audit log stay as
        # they are, and Comment.save (which re-renders the text) is not needed.
        cleared = old.update(ip_hash="", user_agent="")
        self.stdout.write(
            self.style.SUCCESS(
                f"Cleared the address hash and browser of {cleared} comment(s) submitted "
                f"before {cutoff:%Y-%m-%d %H:%M} (kept for {days} days)."
            )
        )
