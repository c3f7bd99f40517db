"""The audit log, read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from comments.text import isolated

from ..models import ModerationEvent


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "comment_ref",
        "actor_label",
        "action",
        "from_status",
        "to_status",
        "reason_text",
    ]
    list_filter = ["action", "to_status"]
    search_fields = ["reason", "comment_ref"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("reason"), ordering="reason")
    def reason_text(self, obj):
        return isolated(obj.reason)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
