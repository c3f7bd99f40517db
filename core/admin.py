"""Each staff member's own notification settings, in the admin.

There is no list: the entry opens the signed-in user's own settings (made on first visit
with the defaults), and nobody sees or changes anyone else's.
"""

from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from .models import NotificationPreference


def _is_active_staff(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    fields = ["held_comments", "last_digest_at"]
    readonly_fields = ["last_digest_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NotificationPreference]:
        return super().get_queryset(request).filter(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_active_staff(request.user)

    def has_view_permission(
        self, request: HttpRequest, obj: NotificationPreference | None = None
    ) -> bool:
        return _is_active_staff(request.user) and (obj is None or obj.user_id == request.user.pk)

    def has_change_permission(
        self, request: HttpRequest, obj: NotificationPreference | None = None
    ) -> bool:
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: NotificationPreference | None = None
    ) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponseRedirect:
        mine, _ = NotificationPreference.objects.get_or_create(user=request.user)
        return HttpResponseRedirect(
            reverse("admin:core_notificationpreference_change", args=[mine.pk])
        )
