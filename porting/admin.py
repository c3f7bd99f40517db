"""Where imported objects came from: a read-only list, written by the import commands."""

from django.contrib import admin

from .models import ImportedItem


@admin.register(ImportedItem)
class ImportedItemAdmin(admin.ModelAdmin):
    """Where imported objects came from: read-only, written by the import commands."""

    list_display = ["source", "source_key", "kind", "source_id", "object_id"]
    list_filter = ["source", "kind"]
    search_fields = ["source_id", "source_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
