"""Mail waiting to leave (the outbox) and what each staff member wants to be mailed.

A mail is a row written in the transaction of whatever caused it, so a rolled-back request
leaves none; the worker (``core.outbox.deliver_due``) sends it later, outside any
reader's request. Rows are kept after sending for a while, so moderators see what went.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMail(models.Model):
    """One message to one address, queued until the worker delivers it or gives up."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed: gave up")

    # What the mail is about ("reply", "confirmation", "held", "digest"...): for the list.
    kind = models.CharField(_("kind"), max_length=40)
    to = models.EmailField(_("to"), max_length=254)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    # Extra headers (List-Unsubscribe...) and the Message-ID fixed when the mail is queued,
    # so a mail retried after a crash is recognisably the same message.
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mail in the outbox")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker's one question, "what is due?", reads only queued rows.
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(state="queued"),
                name="core_outbox_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.subject} → {self.to}"


class NotificationPreference(models.Model):
    """How a staff member hears about comments that wait for them: each at once (the
    default, also for staff with no row), a digest at an interval, or not by mail."""

    class HeldComments(models.TextChoices):
        EACH = "each", _("a mail for each held comment")
        HOURLY = "hourly", _("a digest at most every hour")
        DAILY = "daily", _("a digest at most every day")
        WEEKLY = "weekly", _("a digest at most every week")
        NEVER = "never", _("no mail (the admin home still shows the count)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    held_comments = models.CharField(
        _("comments held for moderation"),
        max_length=10,
        choices=HeldComments.choices,
        default=HeldComments.EACH,
    )
    # The last digest sent: the next one says what happened since.
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("my notification settings")
        verbose_name_plural = _("my notification settings")

    def __str__(self) -> str:
        return str(self.user)
