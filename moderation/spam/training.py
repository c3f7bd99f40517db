"""Training: cross-validate, pick the thresholds, fit on everything, save a SpamModel.

The classifier is logistic regression on the hashed features, fitted by scikit-learn's
``SGDClassifier(loss="log_loss")`` with balanced class weights (ten times faster than
liblinear here, for the same figures); its scores are calibrated into probabilities by
Platt scaling fitted on the out-of-fold scores of the cross-validation (what
``CalibratedClassifierCV(method="sigmoid", ensemble=False)`` does), so the figures we
report and the calibration come from one pass.

Cross-validation keeps each post's comments in one fold when there are enough posts:
a new post's comments are what the filter meets next, and figures from comments of the
posts it trained on would flatter it. The spam threshold is the lowest score at which at
most ``MAX_LEGITIMATE_TO_SPAM`` of the legitimate comments went to spam in that
cross-validation.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold, StratifiedKFold

from ..models import SpamModel
from . import labels as labels_module
from . import store
from .features import DEFAULT_PARAMS, Featuriser, Sample

MAX_LEGITIMATE_TO_SPAM = 0.01
# Cross-validation on the posts trained on flatters a little; aim under the target.
THRESHOLD_TARGET = 0.005
MIN_SPAM_THRESHOLD = 0.5
DEFAULT_HOLD_THRESHOLD = 0.5
FOLDS = 5
ALPHA = 1e-5  # L2 regularisation; 1e-4 and liblinear's C=10 gave the same figures
EPOCHS = 20


@dataclass
class Evaluation:
    """Out-of-fold probabilities and what they mean at the chosen thresholds."""

    probabilities: np.ndarray
    is_spam: np.ndarray
    folds: int
    grouped: bool
    calibration: tuple[float, float]
    spam_threshold: float = 0.0
    hold_threshold: float = 0.0
    figures: dict = field(default_factory=dict)


def _classifier() -> SGDClassifier:
    # A fixed seed and epoch count: the same decisions train the same model.
    return SGDClassifier(
        loss="log_loss", alpha=ALPHA, class_weight="balanced", max_iter=EPOCHS, tol=None,
        random_state=0,
    )  # fmt: skip


def _sigmoid(a: float, b: float, scores: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(a * scores + b)))


def figures_at(probabilities, is_spam, threshold: float) -> dict:
    """Precision, recall and the share of legitimate comments at or above ``threshold``."""
    flagged = probabilities >= threshold
    spam, legit = is_spam.sum(), (~is_spam).sum()
    true_pos = int((flagged & is_spam).sum())
    false_pos = int((flagged & ~is_spam).sum())
    return {
        "threshold": round(float(threshold), 4),
        "precision": float(true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0),
        "recall": float(true_pos / spam if spam else 0.0),
        "legitimate_flagged": float(false_pos / legit if legit else 0.0),
        "spam": int(spam),
        "legitimate": int(legit),
    }


def choose_spam_threshold(probabilities, is_spam, target: float = THRESHOLD_TARGET) -> float:
    """The lowest threshold at which at most ``target`` of the legitimate are flagged."""
    legit = np.sort(probabilities[~is_spam])[::-1]
    allowed = math.floor(target * len(legit))
    if allowed >= len(legit):
        return MIN_SPAM_THRESHOLD
    # Just above the first legitimate comment that must not be flagged.
    bound = float(np.nextafter(legit[allowed], 2.0))
    return float(min(max(bound, MIN_SPAM_THRESHOLD), 0.999))


def _splits(is_spam: np.ndarray, groups: np.ndarray | None, folds: int = FOLDS):
    """Folds by post when there are at least three posts with decisions, else stratified."""
    n_groups = len(set(groups.tolist())) if groups is not None else 0
    smallest = int(min(is_spam.sum(), (~is_spam).sum()))
    if n_groups >= 3:
        folds = min(folds, n_groups)
        return list(GroupKFold(n_splits=folds).split(is_spam, is_spam, groups)), folds, True
    folds = max(2, min(folds, smallest))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return list(splitter.split(is_spam, is_spam)), folds, False


def cross_validate(
    samples: list[Sample], is_spam, groups=None, *, params: dict | None = None, folds=FOLDS
) -> Evaluation:
    is_spam = np.asarray(is_spam, dtype=bool)
    groups = np.asarray(groups) if groups is not None else None
    matrix = Featuriser(params).transform(samples)
    scores = np.zeros(len(samples))
    splits, folds, grouped = _splits(is_spam, groups, folds)
    for train, test in splits:
        if len(set(is_spam[train].tolist())) < 2:  # a fold of one class cannot train
            scores[test] = 0.0
            continue
        scores[test] = (
            _classifier().fit(matrix[train], is_spam[train]).decision_function(matrix[test])
        )
    platt = LogisticRegression(C=1e4).fit(scores.reshape(-1, 1), is_spam)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    probabilities = _sigmoid(a, b, scores)
    evaluation = Evaluation(probabilities, is_spam, folds, grouped, (a, b))
    evaluation.spam_threshold = choose_spam_threshold(probabilities, is_spam)
    evaluation.hold_threshold = min(DEFAULT_HOLD_THRESHOLD, evaluation.spam_threshold)
    evaluation.figures = {
        "folds": folds,
        "grouped_by_post": grouped,
        "at_spam": figures_at(probabilities, is_spam, evaluation.spam_threshold),
        "at_hold": figures_at(probabilities, is_spam, evaluation.hold_threshold),
    }
    return evaluation


def fit_weights(samples: list[Sample], is_spam, *, params: dict | None = None):
    """The final classifier on every sample: (sparse weight index, values, intercept)."""
    featuriser = Featuriser(params)
    model = _classifier().fit(featuriser.transform(samples), np.asarray(is_spam, dtype=bool))
    weights = model.coef_[0].astype(np.float32)
    index = np.flatnonzero(weights).astype("<i4")
    return index, weights[index].astype("<f4"), float(model.intercept_[0])


@dataclass
class TrainingResult:
    spam_count: int
    legitimate_count: int
    minimum: int
    seconds: float
    model: SpamModel | None = None

    @property
    def enough(self) -> bool:
        return min(self.spam_count, self.legitimate_count) >= self.minimum


def train(*, actor=None, minimum: int | None = None) -> TrainingResult:
    """Train on every moderator decision and save the model, if there are enough."""
    started = time.perf_counter()
    minimum = settings.SPAM_FILTER_MIN_EACH if minimum is None else minimum
    rows = labels_module.training_set()
    is_spam = np.array([row.is_spam for row in rows], dtype=bool)
    result = TrainingResult(
        spam_count=int(is_spam.sum()),
        legitimate_count=int((~is_spam).sum()),
        minimum=max(minimum, 2),
        seconds=0.0,
    )
    if not result.enough:
        result.seconds = time.perf_counter() - started
        return result
    samples = [row.sample for row in rows]
    evaluation = cross_validate(samples, is_spam, [row.post_id for row in rows])
    index, values, intercept = fit_weights(samples, is_spam)
    result.seconds = time.perf_counter() - started
    with transaction.atomic():
        result.model = SpamModel.objects.create(
            spam_count=result.spam_count,
            legitimate_count=result.legitimate_count,
            features=dict(DEFAULT_PARAMS),
            weight_index=index.tobytes(),
            weight_value=values.tobytes(),
            intercept=intercept,
            calibration_a=evaluation.calibration[0],
            calibration_b=evaluation.calibration[1],
            spam_threshold=evaluation.spam_threshold,
            hold_threshold=evaluation.hold_threshold,
            evaluation=evaluation.figures,
            seconds=round(result.seconds, 3),
            trained_by=actor if actor is not None and actor.is_authenticated else None,
        )
        store.trained_here()  # the first model: used here at once
        transaction.on_commit(store.forget)  # this process scores with it from now on
    return result
