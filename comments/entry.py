"""One comment as the discussion page works it out (``comments.thread`` builds them).

A ``Node`` is one comment of the post as the thread's shape needs it: what the first query
reads of every comment (``COLUMNS``) plus what ``build`` works out for each. An ``Entry``
is a comment on the page shown: its node's fields, its texts (``TEXT_COLUMNS``, the second
query) and what the page shows of it. Nodes are made and dropped a thread at a time
(``thread._threads``); only the page's become entries (``entries_for``).
"""

from html import escape  # the stdlib one: Django's wraps it for lazy strings, at a cost

from django.utils.translation import gettext

from .labels import label_anonymous
from .models import Comment

# What the first query reads of every comment of the post, by name: the thread's shape
# and what labels, placeholders and reply counts need (model fields, and the annotations
# of build(): ``*_ts``, seconds since the epoch, as floats). No text: a post with 5,000
# comments shows a page of them, and reading every body took 5 MiB of a worker's memory.
COLUMNS = (
    "id", "parent_id", "reply_to_id", "tree_id", "level", "author_name", "role", "status",
    "label_minute", "label_number", "user_id", "submitted_ts", "edited_ts", "writer_edited_ts",
)  # fmt: skip
# What the second query reads of the comments on the page only, after the id: the texts
# (``quoted_text``: the answered comment's current text, for quoting comments).
TEXT_COLUMNS = ("body_html", "quote", "edit_note", "quoted_text")


class Node:
    """One comment of the post: its place in the thread, and whether the reader sees it."""

    __slots__ = (
        *COLUMNS, "shown", "placeholder", "own_pending", "own_refused", "reply_count",
        "reply_to", "answered", "label",
    )  # fmt: skip

    # The row's columns (COLUMNS), set in __init__.
    id: int
    parent_id: int | None
    reply_to_id: int | None
    tree_id: int
    level: int
    author_name: str
    role: str
    status: str
    label_minute: int | None
    label_number: int | None
    user_id: int | None
    submitted_ts: float
    edited_ts: float | None
    writer_edited_ts: float | None
    # What build() works out.
    shown: bool
    placeholder: bool
    own_pending: bool
    own_refused: bool
    reply_count: int
    reply_to: "Node | None"
    answered: bool
    label: str

    def __init__(self, row: tuple, words: dict[str, str] | None = None) -> None:
        for name, value in zip(COLUMNS, row, strict=True):
            setattr(self, name, value)
        if words is not None:
            # One string for each status, role and name the page repeats, not one a row.
            self.status = words.setdefault(self.status, self.status)
            self.role = words.setdefault(self.role, self.role)
            self.author_name = words.setdefault(self.author_name, self.author_name)
        self.shown = self.placeholder = self.own_pending = self.own_refused = False
        self.answered = False
        self.reply_count = 0  # shown replies below it, at any depth
        self.reply_to = None
        self.label = self.author_name  # anonymous ones get theirs in labels.label_anonymous()

    @property
    def is_visible(self) -> bool:
        return self.status == Comment.Status.APPROVED


class Entry(Node):
    """One comment as the page shows it: its node's fields plus its texts and what the page
    works out.

    Everything a reader wrote is escaped once, here, into the ``*_html`` fields
    (``name_html``, ``quote_html``, ``note_html``, ``refusal_html``; ``body_html`` was
    sanitised when it was written); ``render.render_entry`` interpolates only those,
    translated words it escaped itself, and numbers.
    """

    __slots__ = (
        *TEXT_COLUMNS, "iso_time", "local_time_html", "edited_iso", "edited_local_html",
        "quote_outdated", "indent", "show_in_reply_to", "quote_removed", "name_html",
        "quote_html", "note_html", "refusal_reason", "refusal_html", "edit_until_ts",
        "edit_until_html", "writer_edited_iso", "writer_edited_local_html", "quote_changed",
    )  # fmt: skip

    # The texts (TEXT_COLUMNS): empty until add_texts().
    body_html: str
    quote: str
    edit_note: str
    quoted_text: str | None
    # What the page works out.
    reply_to: "Entry | None"  # an entry answers an entry
    name_html: str
    quote_html: str
    note_html: str
    refusal_reason: str
    refusal_html: str
    quote_removed: bool
    quote_changed: bool
    quote_outdated: bool
    indent: int
    show_in_reply_to: bool
    iso_time: str
    local_time_html: str
    edited_iso: str
    edited_local_html: str
    writer_edited_iso: str
    writer_edited_local_html: str
    edit_until_ts: float | None
    edit_until_html: str

    def __init__(self, node: Node) -> None:  # noqa: PLW0231 - copies the node instead
        for name in Node.__slots__:
            setattr(self, name, getattr(node, name))
        self.reply_to = None  # thread.entries_for() points it at the answered entry
        self.body_html = self.quote = self.edit_note = ""
        self.quoted_text = None
        self.quote_removed = self.quote_changed = False
        self.edit_until_ts = None
        self.refusal_reason = self.refusal_html = self.name_html = ""

    def add_texts(self, texts: tuple) -> None:
        """The texts of a comment on the page: a TEXT_COLUMNS row."""
        self.body_html, self.quote, self.edit_note, self.quoted_text = texts


def entries_for(nodes: list[Node]) -> list[Entry]:
    """The entries of ``nodes`` (a page's), each answering the entry of the comment it
    answers; one answering a comment off the page (rare: threads answer within themselves)
    gets an entry of that comment too, for its name."""
    made = {id(node): Entry(node) for node in nodes}
    for node in nodes:
        source = node.reply_to
        if source is not None:
            if id(source) not in made:
                made[id(source)] = Entry(source)
            made[id(node)].reply_to = made[id(source)]
    _name(list(made.values()))
    return [made[id(node)] for node in nodes]


def _name(entries: list[Entry]) -> None:
    """Labels and escaped names: for a page's entries, not every comment of the post."""
    label_anonymous(entries)
    anonymous = escape(gettext("Anonymous"))
    for entry in entries:
        entry.name_html = escape(entry.label) if entry.label else anonymous
