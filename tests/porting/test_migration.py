"""ImportedItem moved from moderation to porting without its table being touched."""

import pytest

from porting.models import ImportedItem
from tests.migrations import latest, migrate

BEFORE = [("moderation", "0003_importeditem"), ("porting", None)]


@pytest.mark.django_db(transaction=True)
def test_migrating_from_the_old_layout_keeps_imported_items():
    leaves = latest()
    old_apps = migrate(BEFORE)
    OldItem = old_apps.get_model("moderation", "ImportedItem")
    OldItem.objects.create(
        source="wxr", source_key="https://old.example.org", kind="post", source_id="7",
        object_id=41, digest="d" * 64,
    )  # fmt: skip
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="moderation", model="importeditem")

    migrate(leaves)

    item = ImportedItem.objects.get()
    assert (item.source_key, item.source_id, item.object_id) == (
        "https://old.example.org", "7", 41
    )  # fmt: skip
    assert ImportedItem._meta.db_table == "moderation_importeditem"
    assert ContentType.objects.filter(app_label="porting", model="importeditem").exists()
    assert not ContentType.objects.filter(app_label="moderation", model="importeditem").exists()
