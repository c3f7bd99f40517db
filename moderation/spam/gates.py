"""Whether a trained model may act: its cross-validated figures against floors and the rules.

A model is put to use only if, out of fold:

- its calibration slope is positive (a negative one means higher scores mean *less*
  spam: the model is inverted);
- at its spam threshold it files at most 1% of legitimate comments;
- at its hold threshold it holds at least ``SPAM_FILTER_MIN_HOLD_RECALL`` of the spam;
- it beats the rules alone: with it, more spam is filed than the blocked terms file
  alone, for at most 1% more of the legitimate comments.

``judge`` returns the reasons it may not, as data ({"kind", "detail"}); ``report`` makes
the words.
"""

import numpy as np
from django.conf import settings

from comments.models import Comment

from ..policy import rules_alone
from .sample import Sample

MAX_LEGITIMATE_TO_SPAM = 0.01


def _share(flags: np.ndarray, among: np.ndarray) -> float:
    return float(flags[among].mean()) if among.any() else 0.0


def rules_figures(samples: list[Sample], evaluation) -> dict:
    """What the blocked terms and link limit alone do with the training comments, and what
    they do with the model filing beside them (at its spam threshold, out of fold)."""
    outcomes = [rules_alone(comment=Comment(body=s.body, author_name=s.name)) for s in samples]
    is_spam = evaluation.is_spam
    rules_spam = np.array([o == Comment.Status.SPAM for o in outcomes], dtype=bool)
    with_model = rules_spam | (evaluation.probabilities >= evaluation.spam_threshold)
    return {
        "recall": round(_share(rules_spam, is_spam), 4),
        "legitimate_flagged": round(_share(rules_spam, ~is_spam), 4),
        "with_model_recall": round(_share(with_model, is_spam), 4),
        "with_model_legitimate_flagged": round(_share(with_model, ~is_spam), 4),
    }


def judge(evaluation) -> list[dict]:
    """Why the model may not be put to use; [] when it may."""
    figures = evaluation.figures
    refusals = []
    slope = evaluation.calibration[0]
    if not slope > 0:
        refusals.append({"kind": "slope", "detail": {"slope": round(slope, 4)}})
    at_spam, at_hold = figures["at_spam"], figures["at_hold"]
    if at_spam["legitimate_flagged"] > MAX_LEGITIMATE_TO_SPAM:
        refusals.append({
            "kind": "legitimate_flagged",
            "detail": {"share": round(at_spam["legitimate_flagged"], 4),
                       "limit": MAX_LEGITIMATE_TO_SPAM, "threshold": at_spam["threshold"]},
        })  # fmt: skip
    floor = settings.SPAM_FILTER_MIN_HOLD_RECALL
    if at_hold["recall"] < floor:
        refusals.append({
            "kind": "hold_recall",
            "detail": {"recall": round(at_hold["recall"], 4), "floor": floor,
                       "threshold": at_hold["threshold"]},
        })  # fmt: skip
    rules = figures.get("rules")
    if rules is not None and (
        rules["with_model_recall"] <= rules["recall"]
        or rules["with_model_legitimate_flagged"]
        > rules["legitimate_flagged"] + MAX_LEGITIMATE_TO_SPAM
    ):
        refusals.append({"kind": "rules", "detail": dict(rules)})
    return refusals
