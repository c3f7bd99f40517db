"""Training: cross-validate, pick the thresholds, judge the model, fit, save a SpamModel.

The one module that imports scikit-learn (and NumPy, SciPy): the commands, the admin's
"Retrain now" and the worker call it; web processes scoring comments never import it.

The classifier is logistic regression on the hashed features of ``features.py``, fitted by
scikit-learn's ``SGDClassifier(loss="log_loss")`` with balanced class weights; its scores
are calibrated into probabilities by Platt scaling fitted on the out-of-fold scores of the
cross-validation, so the figures we report and the calibration come from one pass.

Folds (``_splits``): a new post's comments are what the filter meets next, so each post's
comments stay in one fold (stratified group folds), but only when that leaves every fold
meaningful: every training part holds at least half of each class, every test part some
of each. When one post holds most decisions (a spam wave lands on one post), grouping
would train two folds on a handful of comments; then the folds are stratified instead.

The spam threshold is the lowest score at which at most ``THRESHOLD_TARGET`` of the
legitimate comments went to spam out of fold. ``gates.judge`` then decides whether the
model may act; it is saved either way, with its reasons.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from django.db import transaction
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import LeaveOneGroupOut, StratifiedGroupKFold, StratifiedKFold

from ..models import SpamModel
from . import store
from .features import DEFAULT_PARAMS, Featuriser
from .sample import Sample

MAX_LEGITIMATE_TO_SPAM = 0.01
# Out-of-fold figures on the posts trained on flatter a little; aim under the target.
THRESHOLD_TARGET = 0.005
MIN_SPAM_THRESHOLD = 0.5
DEFAULT_HOLD_THRESHOLD = 0.5
FOLDS = 5
ALPHA = 1e-5  # L2 regularisation
EPOCHS = 20
TRAIN_FLOOR = 0.5  # a fold's training part holds at least this share of each class


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


def matrix(samples: list[Sample], params: dict | None = None) -> sp.csr_matrix:
    """The samples' feature rows (``features.Featuriser.row``) as one sparse matrix."""
    featuriser = Featuriser(params)
    indptr: list[int] = [0]
    indices: list[int] = []
    values: list[float] = []
    for row in featuriser.rows(samples):
        columns = sorted(row)
        indices.extend(columns)
        values.extend(row[c] for c in columns)
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int32), indptr),
        shape=(len(samples), featuriser.n_features),
    )


def _sigmoid(a: float, b: float, scores: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(a * scores + b, -700, 700)))


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


def recall_at(probabilities, is_spam, share: float) -> float:
    """The share of spam caught when at most ``share`` of the legitimate is flagged."""
    legit = np.sort(probabilities[~is_spam])[::-1]
    allowed = math.floor(share * len(legit) + 1e-9)
    if allowed >= len(legit):
        return 1.0
    return float((probabilities[is_spam] > legit[allowed]).mean()) if is_spam.any() else 0.0


def choose_spam_threshold(probabilities, is_spam, target: float = THRESHOLD_TARGET) -> float:
    """The lowest threshold at which at most ``target`` of the legitimate are flagged."""
    legit = np.sort(probabilities[~is_spam])[::-1]
    allowed = math.floor(target * len(legit))
    if allowed >= len(legit):
        return MIN_SPAM_THRESHOLD
    # Just above the first legitimate comment that must not be flagged.
    bound = float(np.nextafter(legit[allowed], 2.0))
    return float(min(max(bound, MIN_SPAM_THRESHOLD), 0.999))


def _meaningful(splits, is_spam: np.ndarray) -> bool:
    """Every training part holds at least TRAIN_FLOOR of each class, every test part both."""
    for fit_on, score_on in splits:
        for label in (True, False):
            total = int((is_spam == label).sum())
            if (is_spam[fit_on] == label).sum() < TRAIN_FLOOR * total:
                return False
            if not (is_spam[score_on] == label).any():
                return False
    return True


def _splits(
    is_spam: np.ndarray, groups: np.ndarray | None, folds: int = FOLDS, *, each_group=False
):
    """Stratified folds by post when every fold stays meaningful, else stratified folds;
    ``each_group``: every group in turn is the test fold (leave-one-source-out)."""
    smallest = int(min(is_spam.sum(), (~is_spam).sum()))
    if each_group and groups is not None:
        splits = list(LeaveOneGroupOut().split(is_spam, is_spam, groups))
        return splits, len(splits), True
    n_groups = len(set(groups.tolist())) if groups is not None else 0
    if n_groups >= 3:
        k = min(folds, n_groups)
        splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=0)
        splits = list(splitter.split(is_spam, is_spam, groups))
        if _meaningful(splits, is_spam):
            return splits, k, True
    k = max(2, min(folds, smallest))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=0)
    return list(splitter.split(is_spam, is_spam)), k, False


def cross_validate(
    samples: list[Sample],
    is_spam,
    groups=None,
    *,
    params: dict | None = None,
    folds: int = FOLDS,
    each_group: bool = False,
    group_name: str = "post",
) -> Evaluation:
    is_spam = np.asarray(is_spam, dtype=bool)
    groups = np.asarray(groups) if groups is not None else None
    rows = matrix(samples, params)
    scores = np.zeros(len(samples))
    splits, folds, grouped = _splits(is_spam, groups, folds, each_group=each_group)
    for fit_on, score_on in splits:
        if len(set(is_spam[fit_on].tolist())) < 2:  # a group of one class left out
            raise ValueError("a fold with one class only to train on")
        model = _classifier().fit(rows[fit_on], is_spam[fit_on])
        scores[score_on] = model.decision_function(rows[score_on])
    platt = LogisticRegression(C=1e4).fit(scores.reshape(-1, 1), is_spam)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    probabilities = _sigmoid(a, b, scores)
    evaluation = Evaluation(probabilities, is_spam, folds, grouped, (a, b))
    evaluation.spam_threshold = choose_spam_threshold(probabilities, is_spam)
    evaluation.hold_threshold = min(DEFAULT_HOLD_THRESHOLD, evaluation.spam_threshold)
    at_spam = figures_at(probabilities, is_spam, evaluation.spam_threshold)
    filed = (
        at_spam["recall"] * at_spam["spam"] + at_spam["legitimate_flagged"] * at_spam["legitimate"]
    )
    evaluation.figures = {
        "folds": folds,
        "grouped_by_post": grouped,
        "split": f"each {group_name} held out"
        if each_group
        else f"by {group_name}"
        if grouped
        else "stratified",
        "calibration_slope": round(a, 4),
        "at_spam": at_spam,
        "at_hold": figures_at(probabilities, is_spam, evaluation.hold_threshold),
        "filed_share": round(filed / len(is_spam), 4),
        "curve": {
            f"{share:g}": round(recall_at(probabilities, is_spam, share), 4)
            for share in (0.005, 0.01, 0.02)
        },
    }
    return evaluation


def fit_weights(
    samples: list[Sample], is_spam, *, params: dict | None = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """The final classifier on every sample: (sparse weight index, values, intercept)."""
    model = _classifier().fit(matrix(samples, params), np.asarray(is_spam, dtype=bool))
    weights = model.coef_[0].astype(np.float32)
    index = np.flatnonzero(weights).astype("<i4")
    return index, weights[index].astype("<f4"), float(model.intercept_[0])


def fit_and_save(
    *, samples: list[Sample], is_spam, groups, counts: tuple[int, int], actor, started: float
) -> tuple[SpamModel, list[dict]]:
    """Cross-validate, judge, fit and save one model; put it to use if it earned it."""
    from . import gates  # the policy's rules: read only when training

    evaluation = cross_validate(samples, is_spam, groups)
    evaluation.figures["rules"] = gates.rules_figures(samples, evaluation)
    refusals = gates.judge(evaluation)
    index, values, intercept = fit_weights(samples, is_spam)
    with transaction.atomic():
        model = SpamModel.objects.create(
            spam_count=counts[0],
            legitimate_count=counts[1],
            features=dict(DEFAULT_PARAMS),
            weight_index=index.tobytes(),
            weight_value=values.tobytes(),
            intercept=intercept,
            calibration_a=evaluation.calibration[0],
            calibration_b=evaluation.calibration[1],
            spam_threshold=evaluation.spam_threshold,
            hold_threshold=evaluation.hold_threshold,
            evaluation=evaluation.figures,
            seconds=round(time.perf_counter() - started, 3),
            trained_by=actor if actor is not None and actor.is_authenticated else None,
            put_to_use=not refusals,
            refusals=refusals,
        )
        transaction.on_commit(store.forget)
    return model, refusals
