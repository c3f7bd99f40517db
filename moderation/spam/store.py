"""The newest SpamModel, loaded once per process and swapped when another is saved.

Every web node reads the same rows. A process keeps the model it loaded (or that there
is none) and, at most every ``SPAM_MODEL_CHECK_SECONDS``, asks the database for the
newest model's id (one indexed query); only a different id loads the row again. So a
training in one process (the admin's button, cron on another machine) reaches every
process within that time, and the process that trained uses its model at once. (Asking
on every submission while there is no model would cost each one a query, on exactly
the sites too small to have a model.)

Loading reads JSON numbers and raw little-endian arrays (``numpy.frombuffer``) and
checks them: no pickle, no ``numpy.load``, nothing in a row can name code to run.
"""

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings

from ..models import SpamModel
from .sample import Sample

if TYPE_CHECKING:
    from .features import Featuriser

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModel:
    id: int
    spam_count: int
    legitimate_count: int
    featuriser: "Featuriser"
    weights: np.ndarray
    intercept: float
    calibration: tuple[float, float]
    spam_threshold: float
    hold_threshold: float

    @property
    def decision_count(self) -> int:
        return self.spam_count + self.legitimate_count

    def probabilities(self, samples: list[Sample]) -> np.ndarray:
        scores = self.featuriser.transform(samples) @ self.weights + self.intercept
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * scores + b)))

    def probability(self, sample: Sample) -> float:
        positions, values = self.featuriser.row(sample)
        score = float(values @ self.weights[positions]) + self.intercept
        a, b = self.calibration
        return 1.0 / (1.0 + math.exp(-(a * score + b)))


def _finite(*numbers) -> bool:
    return all(isinstance(n, int | float) and math.isfinite(n) for n in numbers)


def load(row: SpamModel) -> LoadedModel:
    """A usable model from a stored row, or ValueError if the row is not one of ours."""
    from .features import Featuriser  # scikit-learn: imported once there is a model

    featuriser = Featuriser(row.features)
    index = np.frombuffer(bytes(row.weight_index), dtype="<i4")
    values = np.frombuffer(bytes(row.weight_value), dtype="<f4")
    if len(index) != len(values):
        raise ValueError("spam model: weights and their positions differ in length")
    if len(index) and (index.min() < 0 or index.max() >= featuriser.n_features):
        raise ValueError("spam model: a weight outside the feature space")
    if not np.isfinite(values).all():
        raise ValueError("spam model: a weight that is not a number")
    numbers = (row.intercept, row.calibration_a, row.calibration_b)
    if not _finite(*numbers, row.spam_threshold, row.hold_threshold):
        raise ValueError("spam model: a parameter that is not a number")
    weights = np.zeros(featuriser.n_features, dtype=np.float32)
    weights[index] = values
    return LoadedModel(
        id=row.pk,
        spam_count=row.spam_count,
        legitimate_count=row.legitimate_count,
        featuriser=featuriser,
        weights=weights,
        intercept=float(row.intercept),
        calibration=(float(row.calibration_a), float(row.calibration_b)),
        spam_threshold=float(row.spam_threshold),
        hold_threshold=float(row.hold_threshold),
    )


class _Current:
    """This process's model and when the database was last asked for a newer one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.model: LoadedModel | None = None
        self.refused: int | None = None  # the id of a row that failed to load
        self.checked_at = -math.inf

    def get(self) -> LoadedModel | None:
        now = time.monotonic()
        if now - self.checked_at < settings.SPAM_MODEL_CHECK_SECONDS:
            return self.model
        with self.lock:
            newest = SpamModel.objects.order_by("-id").values_list("id", flat=True).first()
            if newest is None:
                self.model = None
            elif newest == self.refused:
                pass
            elif self.model is None or self.model.id != newest:
                try:
                    self.model, self.refused = load(SpamModel.objects.get(pk=newest)), None
                except ValueError:
                    # A row we cannot trust turns the filter off; the other rules decide.
                    logger.exception("Spam filter #%s not loaded; the filter is off", newest)
                    self.model, self.refused = None, newest
            self.checked_at = now
            return self.model

    def forget(self) -> None:
        with self.lock:
            self.model, self.refused, self.checked_at = None, None, -math.inf

    def look_again_if_off(self) -> None:
        with self.lock:
            if self.model is None:
                self.checked_at = -math.inf


_current = _Current()


def current() -> LoadedModel | None:
    """The newest trained model, or None while the filter is off (no model yet)."""
    return _current.get()


def forget() -> None:
    """Drop this process's model: the next ``current()`` asks the database."""
    _current.forget()


def trained_here() -> None:
    """A model was saved in this transaction: where the filter is off, the next
    ``current()`` asks the database at once and finds it (a retrain replaces a working
    model when the transaction commits, ``forget``)."""
    _current.look_again_if_off()
