"""Queue the moderators' and authors' digests that are due; run it from cron (the worker
calls the same function every minute). The worker sends what is queued."""

from django.core.management.base import BaseCommand

from moderation.staff_mail import send_due_digests


class Command(BaseCommand):
    help = (
        "Queue a digest of held comments (and of comments the spam filter filed) for each "
        "staff member whose chosen interval has passed. `manage.py worker` sends them."
    )

    def handle(self, *args, **options):
        queued = send_due_digests()
        self.stdout.write(f"{queued} digest(s) queued.")
