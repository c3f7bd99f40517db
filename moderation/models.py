"""The audit log of every decision about a comment, and the policy's settings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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
        WRITER_EDITED = "writer_edited", _("corrected by its writer")
        WITHDRAWN = "withdrawn", _("withdrawn by its writer")

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
        if self.actor is not None:  # no query without an actor_id
            return self.actor.get_username()
        # A writer's own correction without an account: proven by their cookie.
        if self.action in (self.Action.WRITER_EDITED, self.Action.WITHDRAWN):
            return "its writer"
        return "policy"


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
    own_edit_minutes = models.PositiveSmallIntegerField(
        _("minutes a writer may correct or withdraw their comment"),
        default=15,
        help_text=_("After posting, until someone replies. 0: writers cannot change "
                    "their comments; moderators always can."),
    )  # fmt: skip
    # The learned spam filter (moderation/spam/): blank means the thresholds that
    # cross-validation chose at the last training (at most 1% of legitimate to spam).
    spam_threshold = models.FloatField(
        _("spam score that sends a comment to spam"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Between 0 and 1. Leave blank to use the threshold chosen by "
                    "cross-validation at the last training."),
    )  # fmt: skip
    hold_threshold = models.FloatField(
        _("spam score that holds a comment"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Between 0 and 1, below the spam threshold. Leave blank for the "
                    "trained model's own."),
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("moderation policy")
        verbose_name_plural = _("moderation policy")

    def __str__(self) -> str:
        return str(_("Moderation policy"))

    def clean(self):
        spam, hold = self.spam_threshold, self.hold_threshold
        if spam is not None and hold is not None and hold > spam:
            raise ValidationError(
                {"hold_threshold": _("The hold threshold cannot be above the spam threshold.")}
            )

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


class SpamModel(models.Model):
    """One trained spam filter, as plain numbers: no pickle, nothing that runs on load.

    ``moderation/spam/`` writes and reads these rows; the newest one is the filter every
    web process uses. The weights are a sparse vector over the hashed feature space:
    ``weight_index`` (int32) and ``weight_value`` (float32) as raw little-endian bytes.
    """

    created_at = models.DateTimeField(default=timezone.now)
    spam_count = models.PositiveIntegerField(_("spam decisions"))
    legitimate_count = models.PositiveIntegerField(_("legitimate decisions"))
    # Feature settings (n-gram ranges, hash sizes): plain numbers, checked on load.
    features = models.JSONField()
    weight_index = models.BinaryField()
    weight_value = models.BinaryField()
    intercept = models.FloatField()
    # Platt scaling fitted on out-of-fold scores: probability = 1 / (1 + exp(-(a * s + b))).
    calibration_a = models.FloatField()
    calibration_b = models.FloatField()
    spam_threshold = models.FloatField()
    hold_threshold = models.FloatField()
    # Cross-validated figures: {"folds": 5, "at_spam": {...}, "at_hold": {...}}.
    evaluation = models.JSONField(default=dict)
    seconds = models.FloatField(_("training time (s)"), default=0)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # Every model is saved; the newest one put to use is the filter. A model is put to use
    # only when its cross-validated figures earn it (``spam/gates.py``); otherwise
    # ``refusals`` says why, as data: [{"kind": "slope", "detail": {...}}, …].
    put_to_use = models.BooleanField(_("put to use"), default=False)
    refusals = models.JSONField(default=list, blank=True)
    # The drift guard (``spam/drift.py``): when set, the model still scores and holds, but
    # files nothing to spam; ``drift`` holds the figures that tripped it.
    drift_at = models.DateTimeField(_("filing to spam paused"), null=True, blank=True)
    drift = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("spam filter model")
        indexes = [
            models.Index(
                fields=["-id"], condition=models.Q(put_to_use=True), name="spam_model_in_use"
            )
        ]

    def __str__(self) -> str:
        return f"Spam filter #{self.pk} ({self.decision_count} decisions)"

    @property
    def decision_count(self) -> int:
        return self.spam_count + self.legitimate_count


class SpamScore(models.Model):
    """What the learned filter made of one new comment: its score as a number, what the
    model did with it and, for a comment it held or filed, the words that weighed most
    (``[["viagra", 1.93], …]``). One row per comment the filter scored; the drift guard
    counts them and the review list of filed comments reads them."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("left to the other rules")
        HELD = "held", _("held")
        FILED = "filed", _("filed as spam")
        HELD_BACK = "held_back", _("held (filing to spam paused)")

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, related_name="spam_assessment"
    )
    spam_model = models.ForeignKey(
        SpamModel, on_delete=models.SET_NULL, null=True, related_name="scores"
    )
    score = models.FloatField(_("spam score"))
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    words = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["spam_model", "-id"]),
            models.Index(
                fields=["-id"], condition=models.Q(outcome="filed"), name="spam_score_filed"
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.comment_id}: {self.score:.2f} ({self.outcome})"
