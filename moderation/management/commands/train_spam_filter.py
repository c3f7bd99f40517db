"""Train the spam filter on every moderator decision; run it from cron next to the digest."""

from django.core.management.base import BaseCommand

from moderation.spam import report
from moderation.spam.training import train


class Command(BaseCommand):
    help = (
        "Train the learned spam filter on moderators' decisions (approved / not spam → "
        "legitimate, spam → spam) and save it for every web process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--minimum",
            type=int,
            default=None,
            help="Decisions needed of each kind (default: settings.SPAM_FILTER_MIN_EACH).",
        )

    def handle(self, *args, minimum=None, **options):
        result = train(minimum=minimum)
        for line in report.training_lines(result):
            self.stdout.write(line)
