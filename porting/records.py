"""What a reader of an export hands to the import: one small record per thing found.

Readers (``wxr``, ``blogger``, ``disqus``) turn their format into these records and know
nothing of the database; ``porting.writer`` turns records into users, series, posts and
comments. Bodies are already converted: Markdown for posts, plain text for comments.
"""

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field, fields

from django.core.serializers.json import DjangoJSONEncoder


@dataclass
class SourceInfo:
    """Which site the export comes from: the key its ids are unique within."""

    key: str
    label: str  # "WordPress export blog.xml": named in every imported comment's audit event
    url: str = ""


@dataclass
class AuthorRecord:
    source_id: str
    username: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class SeriesRecord:
    name: str
    description: str = ""
    slug: str = ""  # the slug it had, kept if it is free here

    @property
    def source_id(self) -> str:
        return self.name.casefold()


@dataclass
class PostRecord:
    source_id: str
    title: str
    body: str  # Markdown
    status: str  # blog.Post.Status
    published_at: datetime.datetime | None
    author: AuthorRecord | None = None
    slug: str = ""
    summary: str = ""
    series: list[SeriesRecord] = field(default_factory=list)
    url: str = ""  # the post's address on the old site
    comments_open: bool = True
    comments_close_at: datetime.datetime | None = None
    competing_interests: str = ""
    postscript: str = ""
    notes: list[str] = field(default_factory=list)

    def digest(self) -> str:
        data = asdict(self)
        data["author"] = self.author.source_id if self.author else ""
        data["series"] = [series.name for series in self.series]
        data.pop("notes")
        return _digest(data)


@dataclass
class ThreadRecord:
    """A Disqus thread: the page a discussion belonged to, to be matched to a post."""

    source_id: str
    identifier: str = ""
    url: str = ""
    title: str = ""
    created_at: datetime.datetime | None = None
    closed: bool = False


@dataclass
class CommentRecord:
    source_id: str
    post_id: str  # the source id of its post (a Disqus thread's id for Disqus)
    parent_id: str  # "" for a top-level comment
    body: str  # plain text
    status: str  # comments.Comment.Status
    # None: the export gave no (readable) date; the writer stands the import's time in.
    submitted_at: datetime.datetime | None
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    ip: str = ""
    user_agent: str = ""
    ip_hash: str = ""  # from our own exports, which carry the hash and not the address
    user_id: str = ""  # an AuthorRecord's source id, for comments written by an author
    role: str = ""
    quote: str = ""
    reply_to_id: str = ""  # the comment it answers, when deeper than its tree parent
    edit_note: str = ""
    edited_at: datetime.datetime | None = None
    notes: list[str] = field(default_factory=list)
    # False when the export gave no date and the import's time stood in for it: that
    # time must not make a second run look like a change.
    dated: bool = True

    def digest(self, *, with_id: bool = True) -> str:
        # Every field is a plain value (notes, the one list, is left out): no deep copy.
        data = {name: getattr(self, name) for name in _COMMENT_FIELDS if name != "notes"}
        if not self.dated:
            data.pop("submitted_at")
        if not with_id:
            data.pop("source_id")
        return _digest(data)

    def to_json(self) -> str:
        data = {name: getattr(self, name) for name in _COMMENT_FIELDS}
        return json.dumps(data, cls=DjangoJSONEncoder)

    @classmethod
    def from_json(cls, value: str | dict) -> "CommentRecord":
        data = json.loads(value) if isinstance(value, str) else dict(value)
        for name in ("submitted_at", "edited_at"):
            if data.get(name):
                data[name] = datetime.datetime.fromisoformat(data[name])
        known = {f.name for f in fields(cls)}
        return cls(**{key: item for key, item in data.items() if key in known})


_COMMENT_FIELDS = tuple(f.name for f in fields(CommentRecord))


@dataclass
class Skipped:
    """Something in the file that is deliberately not imported, counted in the report."""

    what: str  # "attachment", "settings entry", "pingback", …
    source_id: str = ""
    title: str = ""
    post_id: str = ""  # a skipped post: its comments are skipped with it
    comments: int = 0  # how many comments went with it


def _digest(data: dict) -> str:
    encoded = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def digest_of(*parts: str) -> str:
    """A short stable id for an item that has none in the file."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
