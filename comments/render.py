"""The discussion's HTML, built in Python.

A post page may carry thousands of comments; Django's template engine costs about
100 µs a comment, an f-string a few. Each comment's text was rendered and sanitised
when it was written (``body_html``), and what else a reader wrote was escaped once when
the entries were built (``entry.Entry``'s ``*_html`` fields): here only those, the
translated words (escaped once per process and language, in ``Words``) and integers are joined.
"""

from dataclasses import dataclass, field
from html import escape  # the stdlib one: Django's wraps it for lazy strings, at a cost

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Words:
    """Everything translated or reversed that each comment needs, computed once."""

    anonymous: str
    author: str
    moderator: str
    team: str
    awaiting: str
    not_published: str
    moderator_reason: str
    removed: str
    withdrawn: str
    edited: str
    earlier_version: str
    quoting: str
    quote_removed: str
    removed_comment: str
    in_reply_to: str
    reply: str
    to: str
    parent: str
    link_title: str
    permalink_prefix: str
    reply_suffix: str
    edited_by_writer: str
    quote_changed: str
    edit: str
    edit_until: str
    cancel: str
    # "3 replies hidden", by count: a page has a few distinct counts and many threads.
    hidden_labels: dict[int, str] = field(default_factory=dict)

    @classmethod
    def current(cls) -> "Words":
        """This language's words: made once per process and language (a settings change,
        in tests, forgets them)."""
        language = get_language()
        found = _WORDS.get(language)
        if found is None:
            found = _WORDS[language] = cls._made()
        return found

    @classmethod
    def _made(cls) -> "Words":
        permalink = reverse("comments:permalink", args=[0])
        return cls(
            anonymous=escape(_("Anonymous")),
            author=escape(_("Author")),
            moderator=escape(_("Moderator")),
            team=escape(_("Team")),
            awaiting=escape(_("Awaiting moderation")),
            not_published=escape(_("Not published")),
            moderator_reason=escape(_("A moderator did not publish this comment. Their reason:")),
            removed=escape(_("This comment was removed by a moderator.")),
            withdrawn=escape(_("This comment was withdrawn by its writer.")),
            edited=escape(_("Edited by a moderator")),
            earlier_version=escape(_("quoted from an earlier version")),
            quoting=escape(_("quoting")),
            quote_removed=escape(_("quoted text removed by a moderator")),
            removed_comment=escape(_("a removed comment")),
            in_reply_to=escape(_("in reply to")),
            reply=escape(_("Reply")),
            to=escape(_("to")),
            parent=escape(_("Jump to parent")),
            link_title=escape(_("Link to this comment")),
            permalink_prefix=permalink[: permalink.rindex("0/")],
            reply_suffix=reverse("comments:reply", args=[0])[len(permalink) - 1 :],
            edited_by_writer=escape(_("Edited by its writer")),
            quote_changed=escape(_("the quoted words were since changed by their writer")),
            edit=escape(_("Edit or withdraw")),
            # "%(time)s" stays in: filled in per comment with a time the page wrote.
            edit_until=escape(_("you can until %(time)s")),
            cancel=escape(_("Cancel")),
        )

    def replies_hidden(self, count: int) -> str:
        label = self.hidden_labels.get(count)
        if label is None:
            label = self.hidden_labels[count] = escape(
                ngettext("%(count)d reply hidden", "%(count)d replies hidden", count)
                % {"count": count}
            )
        return label


def _source_name(entry, words: Words) -> str:
    """The answered comment's name, unless that comment is no longer shown."""
    reply_to = entry.reply_to
    if reply_to is None:
        return f"<bdi>{words.anonymous}</bdi>"
    if not reply_to.is_visible:
        return words.removed_comment
    return f"<bdi>{reply_to.name_html}</bdi>"


def _parent_target(entry) -> int | None:
    """Where "Jump to parent" leads: the comment answered if it is on the page, else the
    tree parent (always shown, if only as a placeholder, when a reply to it is)."""
    reply_to = entry.reply_to
    if reply_to is not None and reply_to.shown:
        return reply_to.id
    return entry.parent_id


def render_entry(entry, words: Words, *, comments_open: bool) -> str:
    pk = entry.id
    classes = f"comment indent-{entry.indent}"
    # data-level: the list is flat, so collapsing a thread (reading.js) hides the items
    # after it until one at the same level or higher.
    opening = (
        f' data-comment-id="{pk}" data-level="{entry.level}" data-replies="{entry.reply_count}"'
    )
    if entry.reply_count:
        opening += f' data-replies-hidden="{words.replies_hidden(entry.reply_count)}"'
    if entry.placeholder:
        gone = words.withdrawn if entry.status == "withdrawn" else words.removed
        return (
            f'<li id="comment-{pk}" class="{classes} comment-placeholder"{opening}>'
            f'<p class="comment-removed">{gone}</p></li>'
        )
    role = entry.role
    if entry.own_pending:
        classes += " comment-pending"
    elif entry.own_refused:
        classes += " comment-refused"
    if role in ("author", "moderator", "team"):
        classes += f" comment-by-{role}"
    parts = [
        f'<li id="comment-{pk}" class="{classes}"{opening}>'
        f'<article aria-labelledby="comment-{pk}-by">'
        f'<header class="comment-header"><span id="comment-{pk}-by" class="comment-author">'
        f"<bdi>{entry.name_html}</bdi></span>"
    ]
    if role == "author":
        parts.append(f' <span class="badge badge-author">{words.author}</span>')
    elif role == "moderator":
        parts.append(f' <span class="badge badge-moderator">{words.moderator}</span>')
    elif role == "team":
        parts.append(f' <span class="badge badge-team">{words.team}</span>')
    parts.append(
        f' <a class="comment-permalink" href="{words.permalink_prefix}{pk}/"'
        f' title="{words.link_title}"><time datetime="{entry.iso_time}">{entry.local_time_html}'
        "</time></a>"
    )
    reply_to = entry.reply_to
    if entry.show_in_reply_to:
        parts.append(
            f' <span class="in-reply-to">{words.in_reply_to}'
            f' <a href="#comment-{entry.reply_to_id}">{_source_name(entry, words)}</a>'
            "</span>"
        )
    if entry.own_pending:
        parts.append(f' <strong class="badge badge-pending">{words.awaiting}</strong>')
    elif entry.own_refused:
        parts.append(f' <strong class="badge badge-refused">{words.not_published}</strong>')
    parts.append("</header>")
    if entry.own_refused:
        reason = entry.refusal_html or "—"
        parts.append(f'<p class="refusal-reason">{words.moderator_reason} {reason}</p>')
    if entry.quote_removed:
        # The source no longer shows these words: neither does the quote.
        said = words.quote_changed if entry.quote_changed else words.quote_removed
        parts.append(
            f'<blockquote class="comment-quote quote-removed"><p><em>{said}</em></p></blockquote>'
        )
    elif entry.quote:
        source = entry.reply_to_id
        parts.append(
            f'<blockquote class="comment-quote" cite="#comment-{source}"><p>{entry.quote_html}'
            "</p><footer>"
        )
        if reply_to is not None:
            parts.append(
                f'<a href="#comment-{source}">{words.quoting} <bdi>{reply_to.name_html}</bdi></a>'
            )
        if entry.quote_outdated:
            parts.append(f' <em class="quote-outdated">({words.earlier_version})</em>')
        parts.append("</footer></blockquote>")
    parts.append(f'<div class="comment-body">{entry.body_html}</div>')
    if entry.edited_ts or entry.note_html:
        note = f": {entry.note_html}" if entry.note_html else ""
        when = (
            f' <time datetime="{entry.edited_iso}">({entry.edited_local_html})</time>'
            if entry.edited_ts
            else ""
        )
        parts.append(f'<p class="comment-edited">{words.edited}{note}{when}</p>')
    if entry.writer_edited_ts:
        parts.append(
            f'<p class="comment-edited comment-edited-by-writer">{words.edited_by_writer}'
            f' <time datetime="{entry.writer_edited_iso}">({entry.writer_edited_local_html})'
            "</time></p>"
        )
    can_reply = comments_open and not entry.own_pending and not entry.own_refused
    if can_reply or entry.parent_id is not None or entry.edit_until_ts:
        parts.append('<footer class="comment-actions">')
        if can_reply:
            parts.append(
                f'<a class="reply-link" href="{words.permalink_prefix}{pk}{words.reply_suffix}"'
                f' data-reply-to="{pk}">{words.reply}<span class="visually-hidden">'
                f" {words.to} <bdi>{entry.name_html}</bdi></span></a>"
            )
        if entry.parent_id is not None:
            parts.append(
                f' <a class="parent-link" href="#comment-{_parent_target(entry)}">'
                f"{words.parent}</a>"
            )
        if entry.edit_until_ts:
            # The writer's own, still in its correction window (comments.own_edit).
            until = words.edit_until.replace("%(time)s", entry.edit_until_html)
            parts.append(
                f' <a class="edit-link" href="{words.permalink_prefix}{pk}/edit/"'
                f' data-cancel="{words.cancel}">{words.edit}</a>'
                f' <span class="edit-until">({until})</span>'
            )
        parts.append("</footer>")
    parts.append("</article></li>")
    return "".join(parts)


_WORDS: dict[str, Words] = {}


@receiver(setting_changed)
def _forget_words(**kwargs) -> None:
    _WORDS.clear()


def render_entries(entries, *, comments_open: bool) -> SafeString:
    if not entries:
        return mark_safe("")
    words = Words.current()
    return mark_safe(  # noqa: S308 - every piece is escaped above or sanitised on save
        "".join(render_entry(entry, words, comments_open=comments_open) for entry in entries)
    )
