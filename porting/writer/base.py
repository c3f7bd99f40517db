"""What a reader and the writer agree on: the options of a run, and what a format is."""

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from blog.models import Post
from porting.models import ImportedItem

if TYPE_CHECKING:
    from .run import ImportRun

Kind = ImportedItem.Kind


class ImportFailed(Exception):
    """The import cannot finish; everything it wrote is rolled back."""


@dataclass
class Options:
    dry_run: bool = False
    pages: bool = False
    site: str = ""  # overrides the source key read from the file
    timezone: datetime.tzinfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))
    author: str = ""  # username for posts without one, and for holding posts
    unmatched: str = "draft"  # Disqus threads that match no post: "draft" or "skip"
    verbosity: int = 1


class Format(ABC):
    """One export format: how to read it, and where its comments' posts are.

    ``read`` yields records (``porting.records``): the ``SourceInfo`` first, then authors,
    series and posts in the order they can be written, each post's comments after it.
    """

    source: str = ""  # ImportedItem.Source
    name: str = ""  # "WordPress export"

    @abstractmethod
    def read(self, path: Path, options: Options):
        """Yield the file's records in the order they can be written."""

    @abstractmethod
    def count(self, path: Path) -> int:
        """How many items the file holds (for progress)."""

    def post_for_comment(self, run: "ImportRun", post_id: str) -> Post | None:
        """The post a comment belongs to; a draft holding post if it is not here."""
        post = run.imported(Kind.POST, post_id, Post)
        if post is not None:
            return post
        return run.holding_post(
            kind=Kind.POST,
            source_id=post_id,
            title=_("Comments on a post missing from the export (%(id)s)") % {"id": post_id},
            explanation=_("the post with id %(id)s is not in the export") % {"id": post_id},
        )
