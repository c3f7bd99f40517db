"""The long-running worker: sends the outbox's mail, the staff digests, periodic jobs.

Run it beside the web processes (compose's ``worker`` service, the local stack): one is
enough, and more are safe (each mail and each digest is taken under a row lock). Another
periodic job is one more line in ``jobs()``.
"""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import outbox
from core.worker import Job, run, stop_on_signals
from moderation.spam.jobs import retrain_if_due
from moderation.staff_mail import send_due_digests

logger = logging.getLogger("moderation.worker")

MINUTE = 60.0
HOUR = 3600.0


def jobs() -> list[Job]:
    """What the worker does, and how often (seconds between runs)."""
    return [
        Job("queue moderation digests", MINUTE, send_due_digests),
        Job("send mail", settings.WORKER_MAIL_SECONDS, outbox.deliver_due),
        Job("forget old sent mail", HOUR, outbox.purge_sent),
        Job("retrain the spam filter when due", 15 * MINUTE, retrain_spam_filter),
    ]


def retrain_spam_filter() -> None:
    """After SPAM_RETRAIN_AFTER new decisions: train, and put the model to use only if it
    earns it (moderation/spam/jobs.py); what happened goes to the log."""
    if (said := retrain_if_due()) is not None:
        logger.info("%s", said)


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
