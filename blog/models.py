"""Posts, series (taggit tags with a description), author profiles and daily view counts."""

import datetime
import re
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.functions import Cast, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import GenericTaggedItemBase, TagBase

from .permissions import can_edit_any_post
from .rendering import html_to_text, render_markdown

# What str.splitlines() breaks on: any of these in a title would end a mail header.
LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_LINE_BREAKS = re.compile(r"\s*(?:" + LINE_BREAK.pattern + r")+\s*")


def fold_lines(text: str) -> str:
    """A one-line field's text on one line: each run of line breaks becomes a space.
    Forms refuse a line break (``refuse_line_breaks``); imports and scripts get this."""
    return _LINE_BREAKS.sub(" ", text).strip() if LINE_BREAK.search(text) else text


def refuse_line_breaks(instance, *fields: str) -> None:
    errors = {
        name: _("This is a single line: please remove the line break.")
        for name in fields
        if LINE_BREAK.search(getattr(instance, name))
    }
    if errors:
        raise ValidationError(errors)


def clean_series_name(name: str) -> str:
    """A series' name as stored: people type it as the site shows it ("#GenzymeSpeak"), so
    leading ``#`` are dropped (the hashtag adds one), with surrounding spaces."""
    return fold_lines(name).strip().lstrip("#").strip()


def free_slug(others: models.QuerySet, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` … : the first that none of ``others`` holds."""
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


class SeriesQuerySet(models.QuerySet):
    def in_use(self):
        """Series with at least one published post: what lists, the subscribe page and the
        sitemap offer. An empty series (only drafts, or none left after a merge) would
        lead to an empty page. Its newest published post, one short walk down the
        (status, published_at) index per series: EXISTS became a hash join of every post
        with every tag (55 ms at 10,000 posts, 0.4 ms so)."""
        newest = (
            Post.objects.published()
            .filter(tags=models.OuterRef("pk"))
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return self.alias(newest=models.Subquery(newest)).filter(newest__isnull=False)


# What SeriesQuerySet.as_manager() builds, named so the manager can be typed.
SeriesManager = models.Manager.from_queryset(SeriesQuerySet)


class Series(TagBase):
    """A series of posts, shown as a hashtag (#ResearchSpeak) with a one-line explanation.

    Names are unique whatever their case and never start with ``#``; the slug follows the
    name (a rename re-slugs, and the slugs it had are kept in ``former_slugs`` to redirect).
    Renames and merges: ``blog.series``.
    """

    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("One line shown on the series page, e.g. “A post for people who work at …”"),
    )
    former_slugs = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, editable=False
    )

    objects: ClassVar[SeriesManager["Series"]] = SeriesManager()
    # The name as loaded or last saved: a rename re-slugs (set by from_db and save).
    _stored_name: str | None

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="series_name_unique_in_any_case")
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        series = super().from_db(db, field_names, values)
        series._stored_name = series.__dict__.get("name")
        return series

    def save(self, *args, **kwargs):
        self.name = clean_series_name(self.name) or self.name.strip()  # "#" alone stays
        renamed = getattr(self, "_stored_name", self.name) != self.name
        if not self.slug or renamed:
            self.reslug()
        super().save(*args, **kwargs)
        self._stored_name = self.name

    def reslug(self) -> None:
        """The slug of the name: ``msblog``, or ``msblog-2`` while another series holds
        that; an earlier slug is kept to redirect from."""
        base = self.slugify(self.name)
        slug = free_slug(Series.objects.exclude(pk=self.pk), base)
        if self.slug and self.slug != slug and self.slug not in self.former_slugs:
            self.former_slugs = [*self.former_slugs, self.slug]
        self.slug = slug

    def get_absolute_url(self) -> str:
        return reverse("blog:series", kwargs={"slug": self.slug})

    @property
    def hashtag(self) -> str:
        return "#" + self.name.replace(" ", "")

    def slugify(self, tag, i=None):
        # taggit's slug of a name without letters or digits ("#!") is empty, and an empty
        # slug has no URL: every page showing the hashtag would fail to render.
        slug = slugify(tag, allow_unicode=True)[:90].strip("-") or "series"
        return slug if i is None else f"{slug}-{i}"


class TaggedPost(GenericTaggedItemBase):
    tag = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta(GenericTaggedItemBase.Meta):
        indexes = [
            # taggit's object_id is an integer and Post.id a bigint, so a series' posts are
            # joined ON post.id = object_id::bigint, which the object_id index cannot serve:
            # a series page scanned the series' every tag row per post (30 ms at 10,000).
            models.Index("tag", Cast("object_id", models.BigIntegerField()), name="tag_post")
        ]


class PostSeriesManager(_TaggableManager):
    """``post.tags``: one post's series, by name (the series' own order, as the anonymous
    reader's prepared query gives them).

    taggit builds the ORM query for one post's tags (joins, ``distinct``, ``order_by``)
    every time ``post.tags`` is read, and the prefetch for a list of posts reads it once per
    post only to replace its rows: about 1.4 ms of CPU per post under cProfile, a fifth of a
    list page. Here the query is only described (the ORM's deferred filter, as its own
    related managers do) and built if someone runs or chains on it.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        # Names as people type them ("#MSBlog, #msblog") are the series' stored names.
        names = (clean_series_name(tag) if isinstance(tag, str) else tag for tag in tags)
        return super()._to_tag_model_instances([tag for tag in names if tag != ""], tag_kwargs)

    def get_queryset(self, extra_filters=None):
        if self.instance is None or extra_filters:  # Post.tags, and the prefetch's query
            return super().get_queryset(extra_filters)
        kept = getattr(self.instance, "_prefetched_objects_cache", {})
        if self.prefetch_cache_name in kept:
            return kept[self.prefetch_cache_name]
        queryset = self.through.tag_model().objects.all()
        queryset._defer_next_filter = True
        return queryset.filter(
            tagged_items__content_type_id=ContentType.objects.get_for_model(self.model).pk,
            tagged_items__object_id=self.instance.pk,
        )


class AuthorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    display_name = models.CharField(_("display name"), max_length=80)
    slug = models.SlugField(unique=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=1000)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.display_name = fold_lines(self.display_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("blog:author", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        refuse_line_breaks(self, "display_name")


class PostQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """Posts a reader may see: published, with a publish time that has come (by
        ``now``, the present unless given: a prepared query's stand-in)."""
        now = now or timezone.now()
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=now)

    def visible_to(self, user):
        """What ``user`` may open: published posts, plus drafts they wrote or may edit
        (``permissions.may_see_post`` for one post)."""
        if can_edit_any_post(user):
            return self
        if user is None or not user.is_authenticated or not user.is_active:
            return self.published()
        return self.filter(
            models.Q(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())
            | models.Q(author=user)
        )

    def for_listing(self):
        return self.select_related("author__author_profile").prefetch_related("tags")


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    summary = models.TextField(_("summary"), max_length=600, blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(editable=False, default="")
    # The rendered body as plain text: what search indexes and quotes in its snippets.
    body_text = models.TextField(editable=False, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("publish date"), null=True, blank=True)
    competing_interests = models.CharField(
        _("competing interests"),
        max_length=300,
        blank=True,
        help_text=_("Declared competing interests, e.g. “CoI: multiple”. Blank: none declared."),
    )
    postscript = models.TextField(_("postscript"), blank=True, help_text=_("Markdown."))
    postscript_html = models.TextField(editable=False, default="")
    comments_open = models.BooleanField(_("comments open"), default=True)
    comments_close_at = models.DateTimeField(
        _("close comments at"),
        null=True,
        blank=True,
        help_text=_("After this time no new comments are accepted."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body_text", weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    tags = TaggableManager(
        through=TaggedPost,
        manager=PostSeriesManager,
        ordering=["name"],  # for a list's prefetch too: otherwise in the order rows come
        blank=True,
        verbose_name=_("series"),
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            GinIndex(fields=["search_vector"]),
            # The sitemap index's lastmod: the newest change among published posts.
            models.Index(fields=["status", "-updated_at"], name="post_status_updated"),
        ]
        permissions = [("edit_any_post", "Can edit posts of any author")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("blog:post", kwargs={"slug": self.slug})

    def fill_derived(self) -> None:
        """What saving works out from the fields a writer sets: for ``save`` and for an
        import's ``bulk_create`` of new posts."""
        self.title = fold_lines(self.title)
        if not self.slug:
            self.slug = self._unique_slug()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.body_html = render_markdown(self.body)
        self.body_text = html_to_text(self.body_html)
        self.postscript_html = render_markdown(self.postscript) if self.postscript else ""

    def clean(self):
        super().clean()
        refuse_line_breaks(self, "title")

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def comments_are_open(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        if not self.comments_open or not self.is_published:
            return False
        return self.comments_close_at is None or at < self.comments_close_at

    def _unique_slug(self) -> str:
        # A title with no ASCII letters slugifies to "", which has no URL; two posts with the
        # same title (an import, a series of "Update"s) would collide on the unique slug.
        base = slugify(self.title)[:190].strip("-") or "post"
        return free_slug(Post.objects.exclude(pk=self.pk), base)


class PostDailyViews(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="daily_views")
    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "date"], name="one_row_per_post_day")
        ]
        ordering = ["date"]
        verbose_name_plural = "post daily views"

    def __str__(self) -> str:
        return f"{self.post} on {self.date}: {self.count}"

    @classmethod
    def record(cls, post: Post, date: datetime.date | None = None) -> None:
        """Count one view atomically: one upsert, safe under concurrent readers."""
        cls.add({(post.pk, date or timezone.localdate()): 1})

    @classmethod
    def add(cls, counts: dict[tuple[int, datetime.date], int]) -> None:
        """Add views: {(post id, date): n}, each as an atomic upsert. Views of a post
        deleted meanwhile are dropped."""
        table, posts = cls._meta.db_table, Post._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"""
                INSERT INTO {table} (post_id, date, count)
                SELECT %s, %s, %s WHERE EXISTS (SELECT 1 FROM {posts} WHERE id = %s)
                ON CONFLICT (post_id, date) DO UPDATE SET count = {table}.count + EXCLUDED.count
                """,  # noqa: S608 - table names are ours, values are parameters
                [(post_id, date, n, post_id) for (post_id, date), n in counts.items()],
            )
