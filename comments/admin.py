"""Admin for the comments app's own settings: the names readers may not use."""

from django.contrib import admin

from .models import ReservedName
from .permissions import is_moderator


@admin.register(ReservedName)
class ReservedNameAdmin(admin.ModelAdmin):
    list_display = ["name", "note", "created_at"]
    search_fields = ["name", "note"]
    fields = ["name", "note"]

    # Moderators keep the list: the power to moderate is the power to reserve a name.
    def has_view_permission(self, request, obj=None):
        return is_moderator(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_moderator(request.user) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_moderator(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_moderator(request.user) or super().has_delete_permission(request, obj)

    def has_module_permission(self, request):
        return is_moderator(request.user) or super().has_module_permission(request)
