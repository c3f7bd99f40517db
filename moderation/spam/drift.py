"""The drift guard: a live model that files far more than its evaluation said stops filing.

Cross-validation tells what share of comments a model files as spam (``filed_share`` in
its evaluation). When, over its last ``SPAM_DRIFT_WINDOW`` scored comments of the last day
(at least ``SPAM_DRIFT_MIN_COMMENTS``), the model would file more than
``min(expected x SPAM_DRIFT_FACTOR, expected + SPAM_DRIFT_MARGIN)`` (never less than 10%),
filing to spam is paused for that model in every process (``SpamModel.drift_at``): it
still scores and holds, so nothing is buried, and the moderators get one mail. A new model
put to use starts unpaused.

The check runs only when the model is about to file a comment: one query over the model's
recent ``SpamScore`` rows.
"""

import datetime
import logging

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox

from ..models import SpamModel, SpamScore
from .labels import site_moderators

logger = logging.getLogger(__name__)
WINDOW = datetime.timedelta(days=1)
FLOOR = 0.10


def limit_for(expected: float) -> float:
    return max(
        FLOOR,
        min(expected * settings.SPAM_DRIFT_FACTOR, expected + settings.SPAM_DRIFT_MARGIN),
    )


def recent(model_id: int) -> tuple[int, int]:
    """(scored, filed or would have been) among the model's latest scores of the last day."""
    table = SpamScore._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE outcome IN ('filed', 'held_back'))
            FROM (SELECT outcome FROM {table} WHERE spam_model_id = %s AND created_at >= %s
                  ORDER BY id DESC LIMIT %s) AS latest
            """,  # noqa: S608 - our table name; the values are parameters
            [model_id, timezone.now() - WINDOW, settings.SPAM_DRIFT_WINDOW],
        )
        scored, filed = cursor.fetchone()
    return scored, filed


def filing_allowed(model) -> bool:
    """Whether the model may file one more comment as spam; trips the guard if not."""
    scored, filed = recent(model.id)
    scored, filed = scored + 1, filed + 1  # with this comment
    limit = limit_for(model.expected_filed)
    if scored < settings.SPAM_DRIFT_MIN_COMMENTS or filed / scored <= limit:
        return True
    figures = {
        "scored": scored,
        "filed": filed,
        "share": round(filed / scored, 4),
        "expected": round(model.expected_filed, 4),
        "limit": round(limit, 4),
    }
    tripped = SpamModel.objects.filter(pk=model.id, drift_at__isnull=True).update(
        drift_at=timezone.now(), drift=figures
    )
    if tripped:
        logger.warning("Spam filter #%s paused filing to spam: %s", model.id, figures)
        tell_moderators(model.id, figures)  # queued with the pause, in its transaction
    return False


def tell_moderators(model_id: int, figures: dict) -> None:
    """One mail to each moderator, through the outbox: what the guard saw, and where to
    look."""
    recipients = sorted(set(site_moderators().exclude(email="").values_list("email", flat=True)))
    if not recipients:
        return
    review = settings.SITE_URL.rstrip("/") + reverse("admin:moderation_policysettings_spam_review")
    body = _(
        "The learned spam filter #%(model)s filed %(filed)d of the last %(scored)d comments "
        "it scored as spam (%(share).0f%%), where its evaluation expected about "
        "%(expected).0f%%. It has stopped filing comments to spam: until it is trained "
        "again, comments it scores as spam are held for moderation instead.\n\n"
        "Review what it filed: %(link)s"
    ) % {
        "model": model_id,
        "filed": figures["filed"],
        "scored": figures["scored"],
        "share": 100 * figures["share"],
        "expected": 100 * figures["expected"],
        "link": review,
    }
    subject = _("The spam filter stopped filing comments to spam")
    outbox.enqueue_many(
        [outbox.Outgoing(to, subject, body, "spam-drift", None) for to in recipients]
    )
