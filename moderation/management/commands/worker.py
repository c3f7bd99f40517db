"""The long-running worker: sends the outbox's mail, the staff digests, periodic jobs.

Run it beside the web processes (compose's ``worker`` service, the local stack): one is
enough, and more are safe (each mail and each digest is taken under a row lock). Another
periodic job is one more line in ``jobs()``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import outbox
from core.worker import Job, run, stop_on_signals
from moderation.staff_mail import send_due_digests

MINUTE = 60.0
HOUR = 3600.0


def jobs() -> list[Job]:
    """What the worker does, and how often (seconds between runs)."""
    return [
        Job("queue moderation digests", MINUTE, send_due_digests),
        Job("send mail", settings.WORKER_MAIL_SECONDS, outbox.deliver_due),
        Job("forget old sent mail", HOUR, outbox.purge_sent),
    ]


class Command(BaseCommand):
    help = (
        "Send queued mail (with retries), queue the staff digests when due and run the "
        "other periodic jobs, until stopped (SIGTERM). --once: one round, then exit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run every job once and exit (cron, tests)."
        )

    def handle(self, *args, once: bool = False, **options):
        listed = jobs()
        if not once:
            self.stdout.write("worker: " + ", ".join(job.name for job in listed))
        failures = run(listed, once=once, stop=None if once else stop_on_signals())
        if once and failures:
            raise CommandError(f"{failures} job(s) failed; see the log.")
