"""Threaded comments (django-mptt) and the revisions that keep every earlier text."""

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from .text import normalise_email, render_comment, visible_controls


class AnyOf(models.Func):
    """``expression = ANY(array)``: a set of ids as one parameter, whatever its size, so a
    prepared query (``core.prepared``) can take any set in its place."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = models.BooleanField()

    def __init__(self, expression, values):
        ids = models.Value(list(values), output_field=ArrayField(models.BigIntegerField()))
        super().__init__(expression, ids)


class EpochSeconds(models.Func):
    """A time as seconds since the epoch (float8): psycopg reads a float far faster than a
    timestamptz, and a page formats thousands of them."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
    output_field = models.FloatField()


class CommentQuerySet(TreeQuerySet):
    def visible(self):
        """What every reader may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """Held for a moderator: the queue."""
        return self.filter(status=Comment.Status.PENDING)

    def for_post(self, post):
        """One post's comments (``post`` is a Post or its id)."""
        return self.filter(post=post)

    def shown_to(self, mine):
        """What one reader sees: every visible comment, and their own (ids in ``mine``)
        whatever their status: held or filed as spam they read "awaiting moderation" (a
        spammer must not learn they were caught), rejected or removed "not published"."""
        own = models.Q(AnyOf(models.F("pk"), mine)) & ~models.Q(status=Comment.Status.WITHDRAWN)
        return self.filter(models.Q(status=Comment.Status.APPROVED) | own)

    def with_email(self, address: str):
        """Comments written under ``address``, whatever its case: the one SQL comparison of
        readers' addresses (``iexact`` is UPPER() = UPPER(), served by the
        comment_email_status index). An empty address matches nothing."""
        address = normalise_email(address)
        return self.filter(author_email__iexact=address) if address else self.none()


# A named class (the same one from_queryset makes at run time) so the manager can be typed.
CommentManager = TreeManager.from_queryset(CommentQuerySet)


class Comment(MPTTModel):
    """One comment. Each top-level comment roots its own tree (``tree_id``), so writing
    into one thread never rewrites another.

    ``parent`` is where the comment sits in the tree; ``reply_to`` is the comment it
    answers. They differ only when a reply deeper than COMMENTS_MAX_DEPTH was attached to
    the deepest allowed ancestor; the quote always comes from ``reply_to``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")
        # Taken back by its writer within the correction window (moderation.writer).
        WITHDRAWN = "withdrawn", _("Withdrawn by its writer")

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="comments")
    parent = TreeForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("name"), max_length=80, blank=True)
    author_email = models.EmailField(_("email"), blank=True)
    # Kept from imported comments (WordPress, Disqus); never shown to readers as a link.
    author_url = models.URLField(_("website"), blank=True, max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    # Who the writer was on this post when they wrote: shown as a badge.
    role = models.CharField(
        max_length=10,
        blank=True,
        choices=[
            ("", _("Reader")),
            ("author", _("Author")),
            ("moderator", _("Moderator")),
            ("team", _("Team")),
        ],
    )
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False, default="")
    quote = models.TextField(_("quote"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Why the policy held (or spammed) it, as data (comments/reasons.py):
    # [{"kind": "first", "detail": {}}, {"kind": "links", "detail": {"count": 3}}].
    status_reasons = models.JSONField(default=list, blank=True)
    # The kinds of those reasons (["first", "links"]), for the queue's reason filter: kept
    # by PostgreSQL from status_reasons, so every writer (the form, imports, COPY, a raw
    # UPDATE) keeps it right, and indexed for held comments. The SQL function is
    # migration 0012's.
    status_reason_kinds = models.GeneratedField(
        expression=models.Func(
            "status_reasons",
            function="comment_reason_kinds",
            output_field=ArrayField(models.TextField()),
        ),
        output_field=ArrayField(models.TextField()),
        db_persist=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    # The citable label of an anonymous comment ("Anonymous 23:42 (2)"), fixed when it is
    # stored (comments.labels): the minute of the day it was submitted, in the site's zone,
    # and its place among the post's anonymous comments of that minute, whatever their
    # status, so approving or removing another comment never renumbers it. A named
    # comment has a minute and no number. Both null: a row written around the app (a
    # benchmark's COPY); the label is then worked out from ``submitted_at``.
    label_minute = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    label_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    ip_hash = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    notify_replies = models.BooleanField(_("notify me of replies"), default=False)
    edited_at = models.DateTimeField(null=True, blank=True)  # by a moderator
    # When its writer last corrected it (moderation.writer): the page says so.
    writer_edited_at = models.DateTimeField(null=True, blank=True)
    edit_note = models.CharField(_("public edit note"), max_length=300, blank=True)
    # Site search (comments.search): kept by PostgreSQL itself, as the posts' is.
    search_vector = models.GeneratedField(
        expression=SearchVector("body", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    # The nested-set fields, declared here so indexes can name them; only tree.py uses them.
    lft = models.PositiveIntegerField(editable=False)
    rght = models.PositiveIntegerField(editable=False)
    tree_id = models.PositiveIntegerField(editable=False)
    level = models.PositiveIntegerField(editable=False)

    objects: ClassVar[CommentManager["Comment"]] = CommentManager()
    # The body as last rendered (or loaded): save() renders only a changed text.
    _rendered_body: str | None
    # What a feed entry shows besides the text, set by comments.feeds.with_labels.
    label: str
    answered_label: str
    quote_shown: bool

    class MPTTMeta:
        # No order_insertion_by: inserts happen under a lock in submission order, so
        # "last child" is already submission order, and a new thread always takes the
        # next tree_id instead of renumbering the trees after it.
        pass

    class Meta:
        ordering = ["tree_id", "lft"]
        indexes = [
            models.Index(fields=["post", "tree_id", "lft"]),
            models.Index(fields=["status", "submitted_at"]),
            # The policy asks "has this email an approved comment?" case-insensitively.
            models.Index(Upper("author_email"), "status", name="comment_email_status"),
            GinIndex(fields=["search_vector"], name="comment_search"),
            # Search walks the newest approved comments when a word is in most of them: the
            # date index alone walked through the held spam wave (the newest) first.
            models.Index(
                fields=["submitted_at"],
                name="comment_approved_newest",
                condition=models.Q(status="approved"),
            ),
            # The queue shows each held comment's other comments from the same address.
            models.Index(fields=["ip_hash"], name="comment_ip_hash"),
            # The next label number of a minute is this index's last entry (tree.insert).
            models.Index(fields=["post", "label_minute", "label_number"], name="comment_label"),
            # The held comments in the list's (tree) order, with their reasons' kinds: the
            # reason filter's count and its page's ids are read from this index alone. A
            # GIN index of the kinds found the rows, but each match is in a heap block of
            # its own, and PostgreSQL 18 reads the heap even for a count: 19,449 blocks,
            # 316 ms for 19,198 matches at a million comments, against 20 ms here.
            models.Index(
                fields=["tree_id", "lft", "id"],
                include=["status_reason_kinds"],
                name="comment_pending_tree_kinds",
                condition=models.Q(status="pending"),
            ),
        ]
        permissions = [("can_moderate", "Can moderate comments")]

    def __str__(self) -> str:
        return f"#{self.pk} by {visible_controls(self.display_name)}"

    @classmethod
    def from_db(cls, db, field_names, values):
        comment = super().from_db(db, field_names, values)
        comment._rendered_body = comment.__dict__.get("body")
        return comment

    def save(self, *args, update_fields=None, **kwargs):
        # Render the text only when it changed: a status change saves just the status.
        if update_fields is None:
            if getattr(self, "_rendered_body", None) != self.body or not self.body_html:
                self.body_html = render_comment(self.body)
        elif "body" in update_fields:
            self.body_html = render_comment(self.body)
            update_fields = {*update_fields, "body_html"}
        super().save(*args, update_fields=update_fields, **kwargs)
        if update_fields is None or "body" in update_fields:
            self._rendered_body = self.body

    @property
    def is_visible(self) -> bool:
        """Whether every reader may see it: the one-row form of ``objects.visible()``."""
        return self.status == self.Status.APPROVED

    def is_shown_to(self, mine) -> bool:
        """The one-row form of ``objects.shown_to(mine)``."""
        return self.is_visible or (self.pk in mine and self.status != self.Status.WITHDRAWN)

    @property
    def display_name(self) -> str:
        return self.author_name or str(_("Anonymous"))

    def get_absolute_url(self) -> str:
        return reverse("comments:permalink", kwargs={"pk": self.pk})


class CommentRevision(models.Model):
    """A comment's text as it was. The first revision is exactly what the reader sent."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    quote = models.TextField(blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "created_at", "id"]

    def __str__(self) -> str:
        return f"Revision of comment {self.comment_id} at {self.created_at:%Y-%m-%d %H:%M}"


class EmailAddressQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class EmailAddress(models.Model):
    """A reader's address that the site has mailed a confirmation link to, or that its
    owner confirmed by following one.

    Typing an address proves nothing, so only a confirmed one earns what an address can
    earn: trust from its approved comments, and mail about replies. One row per address,
    stored normalised (``comments.text.normalise_email``). Functions in
    ``comments.addresses`` read and change it.
    """

    email = models.EmailField(_("email"), unique=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # When the last confirmation link was mailed: at most one is pending per address.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EmailAddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("reader's email address")
        verbose_name_plural = _("readers' email addresses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="email_address_normalised"
            )
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class ConfirmationMail(models.Model):
    """One confirmation link mailed: to which mailbox (the address without its "+tag",
    case-folded) and at whose request (the sender's address hash). Plus-addressing makes
    many addresses of one inbox, so the one-link-per-address rule alone let the form flood
    it (issue 21, item 7); ``comments.addresses`` counts these rows per mailbox and per
    sender. Rows older than a confirmation period are deleted as new ones come."""

    mailbox = models.CharField(max_length=254)
    ip_hash = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["mailbox", "sent_at"], name="confirmmail_mailbox"),
            models.Index(fields=["ip_hash", "sent_at"], name="confirmmail_sender"),
            models.Index(fields=["sent_at"], name="confirmmail_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} at {self.sent_at:%Y-%m-%d %H:%M}"


class ReservedNameQuerySet(models.QuerySet):
    def names(self):
        return self.values_list("name", flat=True)


class ReservedName(models.Model):
    """A name no reader may comment under (a former author, the group's name, a clinic),
    besides the names of the site's own people, which are reserved without a row here."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    note = models.CharField(_("why it is reserved"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    objects = ReservedNameQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("reserved name")

    def __str__(self) -> str:
        return self.name
