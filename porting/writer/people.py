"""Authors and series from an export: linked to the ones already here, or created.

``People`` keeps who is who for one import: the users of the export's authors, its
series, and who owns what names no author.
"""

import re
from urllib.parse import unquote

from django.contrib.auth.models import User
from django.utils.text import slugify
from django.utils.translation import gettext as _

from blog.models import AuthorProfile, Series, clean_series_name
from comments.text import clean_line
from porting.models import ImportedItem
from porting.records import AuthorRecord, SeriesRecord
from porting.report import Report

from .base import ImportFailed
from .ledger import Ledger

Kind = ImportedItem.Kind


class People:
    def __init__(self, *, ledger: Ledger, report: Report, fallback_username: str = "") -> None:
        self.ledger = ledger
        self.report = report
        self.fallback_username = fallback_username  # ``--author``: "" for the first admin
        self._users: dict[str, User | None] = {}  # an author's source id → its user
        self._authors_read: dict[str, AuthorRecord] = {}
        self._series: dict[str, Series] = {}
        self._fallback: User | None = None

    def author(self, record: AuthorRecord) -> User:
        known = self._users.get(record.source_id)
        if known is not None:
            return known
        existing = self.ledger.item(Kind.AUTHOR, record.source_id)
        user = User.objects.filter(pk=existing.object_id).first() if existing else None
        if user is not None:
            self.report.count("author", "unchanged")
        else:
            user = _matching_user(record)
            if user is not None:
                self.report.count("author", "linked")
            else:
                user = User(
                    username=_free_username(record.username or record.source_id),
                    email=record.email,
                    first_name=record.first_name[:150],
                    last_name=record.last_name[:150],
                )
                user.set_unusable_password()
                user.save()
                self.report.count("author", "created")
            _ensure_profile(user, record)
            self.ledger.remember(Kind.AUTHOR, record.source_id, user, existing=existing)
        self._users[record.source_id] = user
        return user

    def author_record(self, record: AuthorRecord) -> None:
        """An author listed in the file; a second entry with the same login is reported."""
        seen = self._authors_read.setdefault(record.source_id, record)
        if seen is not record and seen != record:
            self.report.duplicates.append(
                _("author %(id)s is listed twice with different details: the first is used")
                % {"id": record.source_id}
            )
        self.author(seen)

    def fallback_author(self) -> User:
        """Who owns posts that name no author, and the drafts that hold unplaced comments."""
        if self._fallback is not None:
            return self._fallback
        if self.fallback_username:
            named = User.objects.filter(username=self.fallback_username).first()
            if named is None:
                raise ImportFailed(f"there is no user named {self.fallback_username!r}")
            user = named
        else:
            admin = User.objects.filter(is_superuser=True).order_by("pk").first()
            if admin is not None:
                user = admin
            else:
                user, created = User.objects.get_or_create(
                    username="imported", defaults={"is_active": False}
                )
                if created:
                    user.set_unusable_password()
                    user.save()
                    self.report.notes.append(
                        _("Posts without an author belong to a new, inactive user “imported”.")
                    )
        self._fallback = user
        return user

    def series(self, record: SeriesRecord) -> Series:
        if record.source_id in self._series:
            return self._series[record.source_id]
        existing = self.ledger.item(Kind.SERIES, record.source_id)
        series = Series.objects.filter(pk=existing.object_id).first() if existing else None
        if series is not None:
            self.report.count("series", "unchanged")
        else:
            # As the blog stores series names: "#MSBlog" is the series MSBlog.
            name = (clean_series_name(clean_line(record.name)) or clean_line(record.name))[:100]
            series = Series.objects.filter(name__iexact=name).first()
            if series is not None:
                self.report.count("series", "linked")
                if not series.description and record.description:
                    series.description = clean_line(record.description)[:300]
                    series.save(update_fields=["description"])
            else:
                series = Series(name=name, description=clean_line(record.description)[:300])
                slug = slugify(unquote(record.slug), allow_unicode=True)[:100]
                if slug and not Series.objects.filter(slug=slug).exists():
                    series.slug = slug
                series.save()
                self.report.count("series", "created")
            self.ledger.remember(Kind.SERIES, record.source_id, series, existing=existing)
        self._series[record.source_id] = series
        return series

    def commenter(self, user_id: str) -> User | None:
        """The user an imported comment was written by (an author of the export), if any."""
        if not user_id:
            return None
        if user_id not in self._users:
            self._users[user_id] = self.ledger.imported(Kind.AUTHOR, user_id, User)
        return self._users[user_id]


def _matching_user(record: AuthorRecord) -> User | None:
    if record.username:
        user = User.objects.filter(username__iexact=record.username).first()
        if user is not None:
            return user
    if record.email:
        users = list(User.objects.filter(email__iexact=record.email)[:2])
        if len(users) == 1:
            return users[0]
    return None


def _free_username(wanted: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", wanted.replace(" ", "-"))[:140] or "author"
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def _ensure_profile(user: User, record: AuthorRecord) -> None:
    if AuthorProfile.objects.filter(user=user).exists():
        return
    display = (
        clean_line(record.display_name)
        or clean_line(f"{record.first_name} {record.last_name}")
        or user.get_username()
    )[:80]
    base = slugify(display)[:40] or slugify(user.get_username())[:40] or "author"
    slug, number = base, 1
    while AuthorProfile.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    AuthorProfile.objects.create(user=user, display_name=display, slug=slug)
