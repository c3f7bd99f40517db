"""The contract between comments and whatever decides a new comment's fate.

``settings.COMMENTS_POLICY`` names a callable ``assess(*, comment, honeypot) ->
Assessment``. It may raise ``SubmissionRefused`` (e.g. too many comments from one
address) to turn the submission away with a message. ``settings.COMMENTS_AFTER_INSERT``
optionally names a callable told of every stored comment (the audit log). ``default_policy`` is the
fallback: staff are approved, the honeypot sends to spam, everyone else waits.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Assessment:
    status: str
    reasons: list[str] = field(default_factory=list)


class SubmissionRefused(Exception):
    """The policy turns a submission away; ``message`` is shown to the reader."""

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def default_policy(*, comment, honeypot: str = "") -> Assessment:
    if honeypot:
        return Assessment("spam", ["honeypot field filled in"])
    if comment.user is not None and comment.user.is_staff:
        return Assessment("approved")
    return Assessment("pending", ["every reader comment is reviewed"])


def after_insert(*, comment, assessment: Assessment | None, source: str) -> None:
    """Tell the moderation layer (``COMMENTS_AFTER_INSERT``) that a comment was stored.

    Runs inside the inserting transaction, so an audit row is written with the comment or
    not at all. ``source`` is "reader" for a submission, else where the comment came from.
    """
    hook = getattr(settings, "COMMENTS_AFTER_INSERT", "")
    if hook:
        import_string(hook)(comment=comment, assessment=assessment, source=source)


def after_insert_many(*, comments, sources: list[str]) -> None:
    """``after_insert`` for a batch of imported comments (``COMMENTS_AFTER_INSERT_MANY``)."""
    hook = settings.COMMENTS_AFTER_INSERT_MANY  # base.py: the audit log's bulk hook
    if hook:
        import_string(hook)(comments=comments, sources=sources)
    else:
        for comment, source in zip(comments, sources, strict=True):
            after_insert(comment=comment, assessment=None, source=source)


def assess(*, comment, honeypot: str = "") -> Assessment:
    policy = import_string(getattr(settings, "COMMENTS_POLICY", "comments.policy.default_policy"))
    return policy(comment=comment, honeypot=honeypot)
