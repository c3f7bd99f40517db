"""The contract between comments and whatever decides a new comment's fate.

``settings.COMMENTS_POLICY`` names a callable ``assess(*, comment, honeypot) ->
Assessment``. It may raise ``SubmissionRefused`` (e.g. too many comments from one
address) to turn the submission away with a message. ``settings.COMMENTS_AFTER_INSERT``
optionally names a callable told of every stored comment (the audit log). ``default_policy`` is the
fallback: staff are approved, the honeypot sends to spam, everyone else waits.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from django.utils.translation import get_language


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


def assess(*, comment, honeypot: str = "") -> Assessment:
    policy = import_string(getattr(settings, "COMMENTS_POLICY", "comments.policy.default_policy"))
    return policy(comment=comment, honeypot=honeypot)


# What readers are told about moderation. ``settings.COMMENTS_READER_INFO`` names a module
# with ``policy_summary() -> list[str]`` (beside the form), ``explain_hold(reasons) ->
# list[str]`` (to the writer of a held comment) and ``refusal_reasons(ids) -> {id: str}``
# (the moderator's reason, to the writer of a rejected or removed comment).
SUMMARY_CACHE_KEY = "comments:policy-summary"


def _reader_info():
    name = getattr(settings, "COMMENTS_READER_INFO", "")
    return import_module(name) if name else None


def policy_summary() -> list[str]:
    """Kept in the cache, per language: every post page shows it, and it changes only when
    the policy does (the provider then calls ``forget_policy_summary``)."""
    info = _reader_info()
    if info is None:
        return []
    known = cache.get(SUMMARY_CACHE_KEY) or {}
    language = get_language()
    if language not in known:
        known[language] = info.policy_summary()
        cache.set(SUMMARY_CACHE_KEY, known, 3600)
    return known[language]


def forget_policy_summary() -> None:
    cache.delete(SUMMARY_CACHE_KEY)


def explain_hold(reasons: list[str]) -> list[str]:
    info = _reader_info()
    return info.explain_hold(reasons) if info is not None else []


def refusal_reasons(ids) -> dict[int, str]:
    info = _reader_info()
    return info.refusal_reasons(ids) if info is not None and ids else {}
