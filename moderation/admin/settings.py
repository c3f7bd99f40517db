"""Blocked terms and the moderation policy (with the learned spam filter)."""

from django.contrib import admin

from ..models import BlockedTerm, PolicySettings
from ..spam.admin_views import SpamFilterPolicyAdminMixin


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "outcome", "created_at"]
    list_filter = ["kind", "outcome"]
    search_fields = ["value"]


@admin.register(PolicySettings)
class PolicySettingsAdmin(SpamFilterPolicyAdminMixin, admin.ModelAdmin):
    """The policy, with the learned spam filter's model and a "Retrain now" button."""

    list_display = ["__str__", "hold_first_comment", "max_links", "comments_per_minute"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PolicySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
