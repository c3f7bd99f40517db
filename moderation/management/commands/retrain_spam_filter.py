"""Retrain the spam filter if enough new decisions came (for cron): ``retrain_if_due``."""

from django.core.management.base import BaseCommand

from moderation.spam.jobs import retrain_if_due


class Command(BaseCommand):
    help = (
        "Retrain the learned spam filter when SPAM_RETRAIN_AFTER new decisions by site "
        "moderators came since the last training; otherwise do nothing. A refused or failed "
        "training leaves the filter in use as it was and says why."
    )

    def handle(self, *args, **options) -> None:
        said = retrain_if_due()
        self.stdout.write(said if said is not None else "Not due: too few new decisions.")
