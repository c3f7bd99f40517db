"""The audit log of every decision about a comment, and the policy's settings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models import Comment


class ModerationEvent(models.Model):
    """One decision about one comment. Append-only: never updated, never deleted."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        IMPORTED = "imported", _("imported")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SPAM = "spam", _("marked as spam")
        NOT_SPAM = "not_spam", _("marked as not spam")
        REMOVED = "removed", _("removed")
        RESTORED = "restored", _("restored")
        EDITED = "edited", _("edited")
        REVISION_RESTORED = "revision_restored", _("revision restored")
        ERASED = "erased", _("erased for a data-removal request")

    # Kept when a comment is erased: the event outlives the row it describes.
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    comment_ref = models.PositiveBigIntegerField(_("comment id"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation_events",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["comment_ref", "created_at"])]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.get_action_display()} comment {self.comment_ref}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Moderation events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Moderation events are append-only.")

    @property
    def actor_label(self) -> str:
        return self.actor.get_username() if self.actor_id else "policy"


class BlockedTerm(models.Model):
    """A word, phrase or link domain that sends a comment to spam or to the queue."""

    class Kind(models.TextChoices):
        TERM = "term", _("word or phrase")
        DOMAIN = "domain", _("link domain")

    class Outcome(models.TextChoices):
        SPAM = "spam", _("send to spam")
        HOLD = "pending", _("hold for moderation")

    value = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TERM)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SPAM)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="one_blocked_term_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        if self.kind == self.Kind.DOMAIN:
            self.value = self.value.removeprefix("www.")
        super().save(*args, **kwargs)


class PolicySettings(models.Model):
    """The moderation policy's knobs, editable in the admin without a deploy. One row."""

    hold_first_comment = models.BooleanField(
        _("hold a reader's first comment"),
        default=True,
        help_text=_("Hold comments from an email with no approved comment yet or whose "
                    "owner has not confirmed it, and all comments without an email."),
    )  # fmt: skip
    max_links = models.PositiveSmallIntegerField(_("hold comments with more links than"), default=2)
    comments_per_minute = models.PositiveSmallIntegerField(
        _("comments per minute from one address"),
        default=5,
        help_text=_("Further comments are turned away with a message to wait."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("moderation policy")
        verbose_name_plural = _("moderation policy")

    def __str__(self) -> str:
        return str(_("Moderation policy"))

    @classmethod
    def current(cls) -> "PolicySettings":
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row


class SubmissionAttempt(models.Model):
    """One use of the comment form from one address, stored or refused: what the rate limit
    counts. Refusals count as posts do, so probing the form's checks costs what posting
    costs. Kept for the rate limit's window only (``policy.count_attempt`` forgets older
    ones), and only as the salted address hash.
    """

    ip_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ip_hash", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.ip_hash[:8]}… at {self.at:%H:%M:%S}"


class PendingComment(Comment):
    """The moderation queue in the admin: comments awaiting a decision."""

    class Meta:
        proxy = True
        verbose_name = _("moderation queue")
        verbose_name_plural = _("moderation queue")
