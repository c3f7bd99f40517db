"""The policy's step: a new comment's spam probability, and what it means for it.

``verdict`` scores a comment with the model in use; the policy turns the verdict into the
comment's status and reason (``reason`` is the one place the filter's reason is made), and
the audit hook stores it with ``record`` (the score as a number, what the model did, the
words that weighed most). Plain Python: nothing here imports NumPy or scikit-learn.
"""

from dataclasses import dataclass

from comments.models import Comment
from comments.policy import Assessment
from comments.reasons import Kind, Reason
from comments.reasons import reason as make_reason
from core.dbcopy import insert_object

from ..models import SpamScore
from . import drift
from .sample import Sample
from .store import LoadedModel, current

Outcome = SpamScore.Outcome


@dataclass(frozen=True)
class Verdict:
    status: str | None  # Comment.Status.SPAM or PENDING; None: the other rules decide
    probability: float
    reason: Reason | None
    outcome: str  # SpamScore.Outcome
    model_id: int
    words: tuple = ()


@dataclass(frozen=True)
class LearnedAssessment(Assessment):
    """The policy's assessment with the filter's verdict, for the audit hook to store."""

    spam: Verdict | None = None


def sample_for(comment: Comment, *, known_email: bool | None = None) -> Sample:
    """``known_email``: whether the address has another approved comment, if the caller
    has read it already (the policy has); else it is read here."""
    email = comment.author_email.strip()
    known = False
    if known_email is not None:
        known = bool(email) and known_email
    elif email:
        others = Comment.objects.filter(author_email__iexact=email, status=Comment.Status.APPROVED)
        known = (others.exclude(pk=comment.pk) if comment.pk else others).exists()
    return Sample(body=comment.body, name=comment.author_name, known_email=known)


def model_in_use() -> LoadedModel | None:
    """The model in use, or None while the filter is off (one query)."""
    return current()


def is_on() -> bool:
    return current() is not None


def thresholds(model, rules) -> tuple[float, float]:
    """(spam, hold): the admin's settings where given, else the model's own."""
    spam = rules.spam_threshold if rules.spam_threshold is not None else model.spam_threshold
    hold = rules.hold_threshold if rules.hold_threshold is not None else model.hold_threshold
    return spam, min(hold, spam)


def reason(probability: float, model: LoadedModel, *, paused: bool = False) -> Reason:
    """A verdict's reason: the score as a number, how many decisions taught the model, and
    whether filing to spam was paused (``comments.reasons.describe`` makes the words)."""
    detail: dict = {"score": round(probability, 4), "decisions": model.decision_count}
    if paused:
        detail["paused"] = True
    return make_reason(Kind.SPAM_SCORE, **detail)


def verdict(
    comment: Comment,
    rules,
    *,
    known_email: bool | None = None,
    model: LoadedModel | None = None,
) -> Verdict | None:
    """What the model in use makes of the comment; None when the filter is off.

    At or above the spam threshold the comment is filed as spam, unless the drift guard
    has paused filing (then it is held); at or above the hold threshold it is held; below
    it the other rules decide (``status`` None)."""
    model = model or current()
    if model is None:
        return None
    sample = sample_for(comment, known_email=known_email)
    probability = model.probability(sample)
    spam_at, hold_at = thresholds(model, rules)
    if probability >= spam_at:
        if not model.paused and drift.filing_allowed(model):
            status, outcome = Comment.Status.SPAM, Outcome.FILED
        else:
            status, outcome = Comment.Status.PENDING, Outcome.HELD_BACK
    elif probability >= hold_at:
        status, outcome = Comment.Status.PENDING, Outcome.HELD
    else:
        return Verdict(None, probability, None, Outcome.PASSED, model.id)
    return Verdict(
        status,
        probability,
        reason(probability, model, paused=outcome == Outcome.HELD_BACK),
        outcome,
        model.id,
        tuple(tuple(pair) for pair in model.weighed_words(sample)),
    )


def record(*, comment: Comment, verdict: Verdict) -> None:
    """Keep the verdict of a stored comment: its score, outcome and weightiest words."""
    score = SpamScore(
        comment=comment,
        spam_model_id=verdict.model_id,
        score=verdict.probability,
        outcome=verdict.outcome,
        words=[list(pair) for pair in verdict.words],
    )
    insert_object(score)  # one per comment scored: the INSERT is built once


def forget_words(*, comment: Comment) -> None:
    """An erased comment keeps its score (the drift guard counts it) but not its words."""
    SpamScore.objects.filter(comment=comment).exclude(words=[]).update(words=[])
