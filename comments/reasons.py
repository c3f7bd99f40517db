"""Why a comment has its status: reasons as data, words made only when they are shown.

The policy (``moderation.policy``), the spam filter and imports store each reason as
``{"kind": <Kind>, "detail": {...}}`` in ``Comment.status_reasons``, e.g.
``{"kind": "links", "detail": {"count": 3}}`` or
``{"kind": "spamscore", "detail": {"score": 0.97, "decisions": 2000}}``. PostgreSQL keeps
the kinds in ``Comment.status_reason_kinds`` for the queue's filter (the SQL function is
migration 0012's). Code that decides reads ``kind`` and ``detail``; ``describe`` makes the
words, in the language active when the page is rendered.
"""

from typing import Any, TypedDict

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class Kind(models.TextChoices):
    FIRST = "first", gettext_lazy("First comment from this email")
    NO_EMAIL = "noemail", gettext_lazy("No email given")
    UNCONFIRMED = "unconfirmed", gettext_lazy("Email not confirmed yet")
    SPAM_SCORE = "spamscore", gettext_lazy("Spam score (learned filter)")
    LINKS = "links", gettext_lazy("Many links")
    BLOCKED = "blocked", gettext_lazy("Blocked term or domain")
    HONEYPOT = "honeypot", gettext_lazy("Honeypot")
    REVIEW = "review", gettext_lazy("Every comment is reviewed")
    IMPORTED = "imported", gettext_lazy("Placed by an import")
    # A sentence stored before reasons were data that no pattern recognised: kept as text.
    OTHER = "other", gettext_lazy("Other")


class Reason(TypedDict):
    kind: str
    detail: dict[str, Any]


def reason(kind: Kind, **detail: Any) -> Reason:
    return {"kind": kind.value, "detail": detail}


def kinds(reasons: list[Any]) -> list[str]:
    return [r["kind"] for r in reasons or () if isinstance(r, dict) and "kind" in r]


def detail(reasons: list[Any], kind: Kind) -> dict[str, Any] | None:
    """The detail of the first reason of ``kind``, or None when there is none."""
    for r in reasons or ():
        if isinstance(r, dict) and r.get("kind") == kind:
            return r.get("detail") or {}
    return None


def spam_score(reasons: list[Any]) -> float | None:
    """The learned filter's score recorded with the decision, if it took part."""
    found = detail(reasons, Kind.SPAM_SCORE)
    return float(found["score"]) if found and "score" in found else None


def describe(r: Reason | str) -> str:
    """One reason in words, for moderators (the queue, the comment list, the audit log)."""
    if isinstance(r, str):
        return r
    kind, d = r.get("kind"), r.get("detail") or {}
    if kind == Kind.FIRST:
        return _("first comment from this email")
    if kind == Kind.NO_EMAIL:
        return _("no email given")
    if kind == Kind.UNCONFIRMED:
        return _("email not confirmed yet")
    if kind == Kind.SPAM_SCORE:
        words = _("spam score %(score).2f (learned from %(count)s decisions)") % {
            "score": float(d.get("score", 0)),
            "count": f"{int(d.get('decisions', 0)):,}",
        }
        if d.get("paused"):
            words += " " + _("(filing to spam is paused: held instead)")
        return words
    if kind == Kind.LINKS:
        count = int(d.get("count", 0))
        return ngettext("%(count)d link", "%(count)d links", count) % {"count": count}
    if kind == Kind.BLOCKED:
        if d.get("what") == "domain":
            return _("blocked link domain: %(value)s") % {"value": d.get("value", "")}
        return _("blocked term: %(value)s") % {"value": d.get("value", "")}
    if kind == Kind.HONEYPOT:
        return _("honeypot field filled in")
    if kind == Kind.REVIEW:
        return _("every reader comment is reviewed")
    if kind == Kind.IMPORTED:
        return _(
            "imported reply to comment %(id)s, which is not in the export: placed at the top level"
        ) % {"id": d.get("parent", "")}
    return str(d.get("text") or kind or "")


def describe_all(reasons: list[Any]) -> list[str]:
    return [describe(r) for r in reasons or ()]
