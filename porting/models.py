"""Where each imported object came from, so importing a file twice changes nothing."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    """Where an imported object came from: the key that makes importing a file twice a no-op.

    One row per item of a source (a WordPress site, a Blogger blog, a Disqus forum) and the
    object it became here. ``digest`` is a hash of the item as last imported, so a newer
    export changes only what changed in the source.
    """

    class Source(models.TextChoices):
        WXR = "wxr", _("WordPress (WXR)")
        BLOGGER = "blogger", _("Blogger")
        DISQUS = "disqus", _("Disqus")

    class Kind(models.TextChoices):
        AUTHOR = "author", _("author")
        SERIES = "series", _("series")
        POST = "post", _("post")
        THREAD = "thread", _("discussion thread")
        COMMENT = "comment", _("comment")

    source = models.CharField(max_length=10, choices=Source.choices)
    # The site the export came from: its base URL, Blogger blog id or Disqus forum.
    source_key = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=300)
    # The User, Series, Post or Comment it became (a thread becomes a Post).
    object_id = models.PositiveBigIntegerField()
    # The item's address on the old site: Disqus threads are matched to posts by it.
    source_url = models.CharField(max_length=500, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "source_key", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key", "kind", "source_id"],
                name="one_imported_item_per_source_id",
            )
        ]
        # The table and index keep the names they had when this model lived in moderation.
        db_table = "moderation_importeditem"
        indexes = [models.Index(fields=["kind", "object_id"], name="moderation__kind_d489a3_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} → {self.object_id}"
