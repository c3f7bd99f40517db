"""Training runs: on demand (the command, the admin's button) and when due (cron, worker).

Light to import (no scikit-learn until a training really runs), so the admin and the
worker can hold these names without carrying the training libraries around.

``retrain_if_due()`` is what a scheduler calls: after ``SPAM_RETRAIN_AFTER`` new decisions
by site moderators since the last training, it trains. A refused model is saved (it says
why, and restarts the count) but not put to use; a failed training saves nothing. Either
way the model in use, or none, stays as it was, and the returned text says what happened.
"""

import logging
import time

from django.conf import settings

from ..models import SpamModel
from . import labels
from .report import TrainingResult, training_lines

logger = logging.getLogger(__name__)


def model_in_use() -> SpamModel | None:
    return SpamModel.objects.filter(put_to_use=True).defer("weight_index", "weight_value").first()


def train(*, actor=None, minimum: int | None = None) -> TrainingResult:
    """Train on every site moderator's decision and save the model, if there are enough;
    it is put to use only if its cross-validated figures earn it."""
    started = time.perf_counter()
    minimum = settings.SPAM_FILTER_MIN_EACH if minimum is None else minimum
    rows = labels.training_set()
    spam = sum(row.is_spam for row in rows)
    result = TrainingResult(
        spam_count=spam,
        legitimate_count=len(rows) - spam,
        minimum=max(minimum, 2),
        seconds=0.0,
        previous=model_in_use(),
    )
    if result.enough:
        from .training import fit_and_save  # scikit-learn: only when a training runs

        result.model, result.refusals = fit_and_save(
            samples=[row.sample for row in rows],
            is_spam=[row.is_spam for row in rows],
            groups=[row.post_id for row in rows],
            counts=(result.spam_count, result.legitimate_count),
            actor=actor,
            started=started,
        )
    result.seconds = time.perf_counter() - started
    return result


def decisions_since_last_training() -> int:
    """Site moderators' decisions since the newest model was trained (all, if none)."""
    newest = SpamModel.objects.order_by("-id").values_list("created_at", flat=True).first()
    found = labels.decisions()
    return (found.filter(created_at__gt=newest) if newest else found).count()


def retrain_if_due() -> str | None:
    """Train if ``SPAM_RETRAIN_AFTER`` decisions came since the last training: what happened
    in words, or None when it was not due. Never raises: a failed training is reported and
    leaves the site as it was."""
    due = decisions_since_last_training()
    if due < settings.SPAM_RETRAIN_AFTER:
        return None
    try:
        result = train()
    except Exception as error:  # the site keeps its model; the next run tries again
        logger.exception("Retraining the spam filter failed")
        return (
            f"Retraining the spam filter after {due:,} new decisions failed ({error!r}); "
            "the filter in use, if any, stays as it was."
        )
    return "\n".join([f"{due:,} new decisions since the last training.", *training_lines(result)])
