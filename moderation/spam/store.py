"""The spam model in use, loaded once per process and swapped the moment another is.

Every web node reads the same rows. On every assessment a process asks the database which
model is in use and whether its filing to spam is paused (one indexed query on a table of
a few rows); only a different model id loads the row again. So a model put to use, or
withdrawn, by a training anywhere (the admin's button, cron, the worker) or paused by the
drift guard in another process takes effect in every process at the next comment.

Loading reads JSON numbers and raw little-endian arrays (``array.array``) and checks them:
no pickle, nothing in a row can name code to run. Nothing here imports NumPy, SciPy or
scikit-learn: a web worker scores with plain Python over the stored weights.
"""

import logging
import math
import sys
import threading
from array import array
from bisect import bisect_left
from dataclasses import dataclass, replace
from itertools import pairwise

from django.db import connection

from ..models import SpamModel
from .features import Featuriser
from .sample import Sample

logger = logging.getLogger(__name__)
# Which model is in use, and is its filing paused: asked on every assessment, as written
# SQL (the ORM would build the same statement each time) over the partial index.
IN_USE = (
    f"SELECT id, drift_at FROM {SpamModel._meta.db_table} "  # noqa: S608 - our table
    "WHERE put_to_use ORDER BY id DESC LIMIT 1"
)


class Weights:
    """The model's weights by column of the feature space, kept as they are stored: the
    columns that have one, in order, and their values (8 bytes a weight). A comment's few
    hundred columns are found by bisection. An array of the whole space took 2 MiB of every
    web worker (4 bytes for each of its 540,672 columns) for a model of 13,000 weights."""

    __slots__ = ("columns", "values", "size")

    def __init__(self, columns: array, values: array, size: int) -> None:
        self.columns, self.values, self.size = columns, values, size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, column: int) -> float:
        at = bisect_left(self.columns, column)
        found = at < len(self.columns) and self.columns[at] == column
        return self.values[at] if found else 0.0

    def dot(self, row: dict[int, float]) -> float:
        """The sum of ``value × weight`` over a featuriser's row."""
        columns, values, count = self.columns, self.values, len(self.columns)
        total = 0.0
        for column, value in row.items():
            at = bisect_left(columns, column)
            if at < count and columns[at] == column:
                total += value * values[at]
        return total

    def dense(self) -> array:
        """Every column's weight, zeros included (float32), as training made them."""
        weights = array("f", [0.0]) * self.size
        for column, value in zip(self.columns, self.values, strict=True):
            weights[column] = value
        return weights


@dataclass(frozen=True)
class LoadedModel:
    id: int
    spam_count: int
    legitimate_count: int
    featuriser: Featuriser
    weights: Weights
    intercept: float
    calibration: tuple[float, float]
    spam_threshold: float
    hold_threshold: float
    expected_filed: float = 0.0  # the share of comments cross-validation filed as spam
    paused: bool = False  # the drift guard: hold instead of filing to spam

    @property
    def decision_count(self) -> int:
        return self.spam_count + self.legitimate_count

    def raw_score(self, sample: Sample) -> float:
        return self.weights.dot(self.featuriser.row(sample)) + self.intercept

    def calibrated(self, score: float) -> float:
        a, b = self.calibration
        z = a * score + b
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def probability(self, sample: Sample) -> float:
        return self.calibrated(self.raw_score(sample))

    def probabilities(self, samples: list[Sample]) -> list[float]:
        return [self.probability(sample) for sample in samples]

    def weighed_words(self, sample: Sample, limit: int = 6) -> list[list]:
        """The words (and facts about the comment) that pushed its score up most:
        ``[["viagra", 1.93], …]``, for the moderators' review."""
        found = self.featuriser.contributions(sample, self.weights)
        top = sorted(found.items(), key=lambda item: item[1], reverse=True)[:limit]
        return [[word, round(weight, 3)] for word, weight in top if weight > 0]


def _little_endian(kind: str, data: bytes) -> array:
    values = array(kind)
    values.frombytes(data)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def load(row: SpamModel) -> LoadedModel:
    """A usable model from a stored row, or ValueError if the row is not one of ours."""
    featuriser = Featuriser(row.features)
    index_bytes, value_bytes = bytes(row.weight_index), bytes(row.weight_value)
    if len(index_bytes) % 4 or len(value_bytes) % 4:
        raise ValueError("spam model: weights of a length that is not whole numbers")
    index = _little_endian("i", index_bytes)
    values = _little_endian("f", value_bytes)
    if len(index) != len(values):
        raise ValueError("spam model: weights and their positions differ in length")
    if len(index) and (min(index) < 0 or max(index) >= featuriser.n_features):
        raise ValueError("spam model: a weight outside the feature space")
    if any(earlier >= later for earlier, later in pairwise(index)):
        raise ValueError("spam model: weight positions not in increasing order")
    if not all(math.isfinite(v) for v in values):
        raise ValueError("spam model: a weight that is not a number")
    numbers = (row.intercept, row.calibration_a, row.calibration_b)
    if not all(
        isinstance(n, int | float) and math.isfinite(n)
        for n in (*numbers, row.spam_threshold, row.hold_threshold)
    ):
        raise ValueError("spam model: a parameter that is not a number")
    weights = Weights(index, values, featuriser.n_features)
    expected = (row.evaluation or {}).get("filed_share", 0.0)
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
        expected_filed=float(expected) if isinstance(expected, int | float) else 0.0,
        paused=row.drift_at is not None,
    )


class _Current:
    """This process's model, checked against the database on every use."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.model: LoadedModel | None = None
        self.refused: int | None = None  # the id of a row that failed to load

    def get(self) -> LoadedModel | None:
        with connection.cursor() as cursor:
            cursor.execute(IN_USE)
            newest = cursor.fetchone()
        with self.lock:
            if newest is None:
                self.model = None
                return None
            pk, drift_at = newest
            if pk == self.refused:
                return None
            if self.model is None or self.model.id != pk:
                try:
                    self.model, self.refused = load(SpamModel.objects.get(pk=pk)), None
                except (ValueError, SpamModel.DoesNotExist):
                    # A row we cannot trust turns the filter off; the other rules decide.
                    logger.exception("Spam filter #%s not loaded; the filter is off", pk)
                    self.model, self.refused = None, pk
                    return None
            if self.model.paused != (drift_at is not None):
                self.model = replace(self.model, paused=drift_at is not None)
            return self.model

    def forget(self) -> None:
        with self.lock:
            self.model, self.refused = None, None


_current = _Current()


def current() -> LoadedModel | None:
    """The model in use (one query), or None while the filter is off."""
    return _current.get()


def forget() -> None:
    """Drop this process's loaded model: the next ``current()`` loads it again."""
    _current.forget()
