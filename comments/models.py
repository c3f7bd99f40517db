"""Threaded comments (django-mptt) and the revisions that keep every earlier text."""

from django.conf import settings
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


class CommentQuerySet(TreeQuerySet):
    def visible(self):
        """What every reader may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def for_post(self, post):
        return self.filter(post=post)

    def with_email(self, address: str):
        """Comments written under ``address``, whatever its case: the one SQL comparison of
        readers' addresses (``iexact`` is UPPER() = UPPER(), served by the
        comment_email_status index). An empty address matches nothing."""
        address = normalise_email(address)
        return self.filter(author_email__iexact=address) if address else self.none()


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
        choices=[("", _("Reader")), ("author", _("Author")), ("moderator", _("Moderator"))],
    )
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False, default="")
    quote = models.TextField(_("quote"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Why the policy held (or spammed) it: ["first comment from this email", "3 links"].
    status_reasons = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    notify_replies = models.BooleanField(_("notify me of replies"), default=False)
    edited_at = models.DateTimeField(null=True, blank=True)
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

    objects = TreeManager.from_queryset(CommentQuerySet)()

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
            # The moderation queue finds each held writer's earlier comments by address too.
            models.Index(fields=["ip_hash"], name="comment_ip_hash"),
        ]
        permissions = [("can_moderate", "Can moderate comments")]

    def __str__(self) -> str:
        return f"#{self.pk} by {visible_controls(self.display_name)}"

    def save(self, *args, **kwargs):
        self.body_html = render_comment(self.body)
        super().save(*args, **kwargs)

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

    def of(self, address: str):
        return self.filter(email=normalise_email(address))


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
