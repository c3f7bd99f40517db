"""One comment as the discussion page shows it (``comments.thread`` builds the entries).

An entry is the row the page's one query reads (``COLUMNS``) plus what the page works out
about it, each declared with its type.
"""

from .models import Comment

# What the query reads of each comment, by name: model fields, and the annotations of
# build() (``*_ts``: seconds since the epoch, as floats; the answered comment's text).
COLUMNS = (
    "id", "parent_id", "reply_to_id", "tree_id", "level", "author_name", "role", "body_html",
    "quote", "status", "edit_note", "label_minute", "label_number", "user_id",
    "submitted_ts", "edited_ts", "writer_edited_ts", "quoted_text",
)  # fmt: skip


class Entry:
    """One comment as the page shows it: the row's columns (COLUMNS) plus what the page
    works out.

    Everything a reader wrote is escaped once, here, into the ``*_html`` fields
    (``name_html``, ``quote_html``, ``note_html``, ``refusal_html``; ``body_html`` was
    sanitised when it was written); ``render.render_entry`` interpolates only those,
    translated words it escaped itself, and numbers.
    """

    __slots__ = (
        *COLUMNS, "shown", "placeholder", "own_pending", "reply_count", "reply_to",
        "iso_time", "local_time_html", "edited_iso", "edited_local_html", "quote_outdated",
        "indent", "show_in_reply_to", "quote_removed", "label", "name_html", "quote_html",
        "note_html", "own_refused", "refusal_reason", "refusal_html", "answered",
        "edit_until_ts", "edit_until_html", "writer_edited_iso", "writer_edited_local_html",
        "quote_changed",
    )  # fmt: skip

    # The row's columns (COLUMNS), set in __init__.
    id: int
    parent_id: int | None
    reply_to_id: int | None
    tree_id: int
    level: int
    author_name: str
    role: str
    body_html: str
    quote: str
    status: str
    edit_note: str
    label_minute: int | None
    label_number: int | None
    user_id: int | None
    submitted_ts: float
    edited_ts: float | None
    writer_edited_ts: float | None
    quoted_text: str | None
    # What the page works out.
    shown: bool
    placeholder: bool
    own_pending: bool
    own_refused: bool
    reply_count: int
    reply_to: "Entry | None"
    label: str
    name_html: str
    quote_html: str
    note_html: str
    refusal_reason: str
    refusal_html: str
    quote_removed: bool
    quote_changed: bool
    quote_outdated: bool
    answered: bool
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

    def __init__(self, row: tuple) -> None:
        for name, value in zip(COLUMNS, row, strict=True):
            setattr(self, name, value)
        self.shown = self.placeholder = self.own_pending = self.own_refused = False
        self.quote_removed = self.quote_changed = self.answered = False
        self.edit_until_ts = None
        self.refusal_reason = self.refusal_html = self.name_html = ""
        self.reply_count = 0  # shown replies below it, at any depth
        self.reply_to = None
        self.label = self.author_name  # anonymous ones get theirs in labels.label_anonymous()

    @property
    def is_visible(self) -> bool:
        return self.status == Comment.Status.APPROVED
