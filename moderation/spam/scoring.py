"""The policy's step: a new comment's spam probability, and what it means for it."""

from dataclasses import dataclass

from comments.models import Comment
from comments.reasons import Kind, Reason
from comments.reasons import reason as make_reason

from .sample import Sample
from .store import current


@dataclass(frozen=True)
class Verdict:
    status: str  # Comment.Status.SPAM or PENDING
    probability: float
    reason: Reason


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


def is_on() -> bool:
    """Whether a trained model scores new comments (no query within the check interval)."""
    return current() is not None


def thresholds(model, rules) -> tuple[float, float]:
    """(spam, hold): the admin's settings where given, else the model's own."""
    spam = rules.spam_threshold if rules.spam_threshold is not None else model.spam_threshold
    hold = rules.hold_threshold if rules.hold_threshold is not None else model.hold_threshold
    return spam, min(hold, spam)


def spam_reason(probability: float, *, decisions: int) -> Reason:
    """The learned filter's reason: its score as a number, and how many decisions taught it."""
    return make_reason(Kind.SPAM_SCORE, score=round(probability, 4), decisions=decisions)


def verdict(comment: Comment, rules, *, known_email: bool | None = None) -> Verdict | None:
    """Spam or held with the score as the reason; None when the filter is off or the
    score is below the hold threshold (the other rules decide). ``known_email``: see
    ``sample_for``."""
    model = current()
    if model is None:
        return None
    probability = model.probability(sample_for(comment, known_email=known_email))
    spam_at, hold_at = thresholds(model, rules)
    reason = spam_reason(probability, decisions=model.decision_count)
    if probability >= spam_at:
        return Verdict(Comment.Status.SPAM, probability, reason)
    if probability >= hold_at:
        return Verdict(Comment.Status.PENDING, probability, reason)
    return None
