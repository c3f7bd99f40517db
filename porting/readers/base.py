"""What every reader is: a format that turns a file into records, knowing no database."""

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from porting.models import ImportedItem


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
    """One export format.

    ``read`` yields records (``porting.records``): the ``SourceInfo`` first, then authors,
    series and posts in the order they can be written, each post's comments after it.
    A comment's ``post_id`` names a post of the file, or (``comments_on`` THREAD) a
    Disqus thread that the writer matches to a post here.
    """

    source: str = ""  # ImportedItem.Source
    name: str = ""  # "WordPress export"
    comments_on: str = ImportedItem.Kind.POST

    @abstractmethod
    def read(self, path: Path, options: Options):
        """Yield the file's records in the order they can be written."""

    @abstractmethod
    def count(self, path: Path) -> int:
        """How many items the file holds (for progress)."""
