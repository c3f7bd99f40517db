"""Train the spam filter on every site moderator's decision; put it to use only if it earns it.

A refused model is saved with its reasons (shown here and on the admin's policy page);
the filter in use, if any, stays as it was.
"""

from django.core.management.base import BaseCommand

from moderation.spam import report
from moderation.spam.jobs import train


class Command(BaseCommand):
    help = (
        "Train the learned spam filter on site moderators' decisions (approved / not spam → "
        "legitimate, spam → spam); put it to use in every web process only if its "
        "cross-validated figures earn it, else say why and keep the filter in use."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--minimum",
            type=int,
            default=None,
            help="Decisions needed of each kind (default: settings.SPAM_FILTER_MIN_EACH).",
        )

    def handle(self, *args, minimum: int | None = None, **options) -> None:
        result = train(minimum=minimum)
        for line in report.training_lines(result):
            self.stdout.write(line)
