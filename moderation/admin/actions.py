"""Bulk actions on comments: each loops over a service, one event per comment."""

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments import permissions
from comments.models import Comment

from .. import services


def run_on_each(request, queryset, action, label: str, **kwargs) -> None:
    """Apply one service to each selected comment; report what worked and what did not."""
    done, failed = 0, []
    for comment in queryset:
        try:
            action(comment=comment, actor=request.user, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            failed.append(f"#{comment.pk}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    if done:
        messages.success(
            request, _("%(count)d comment(s) %(label)s.") % {"count": done, "label": label}
        )
    if failed:
        messages.warning(request, _("Not changed: %(list)s") % {"list": "; ".join(failed)})


# A mixin of a ModelAdmin: the type checker sees the ModelAdmin it is mixed into.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Comment]
else:
    _ModelAdmin = object


class BulkActions(_ModelAdmin):
    """The comment list's actions, offered to those with comments to act on. Each one
    runs its service on every selected comment."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not permissions.moderates_anything(request.user):
            return {}
        return actions

    @admin.action(description=gettext_lazy("Approve selected comments"))
    def approve_selected(self, request, queryset):
        run_on_each(request, queryset, services.comment_approve, _("approved"))

    @admin.action(description=gettext_lazy("Reject selected comments"))
    def reject_selected(self, request, queryset):
        run_on_each(request, queryset, services.comment_reject, _("rejected"))

    @admin.action(description=gettext_lazy("Mark selected comments as spam"))
    def spam_selected(self, request, queryset):
        run_on_each(request, queryset, services.comment_mark_spam, _("marked as spam"))

    @admin.action(description=gettext_lazy("Not spam: approve selected comments"))
    def not_spam_selected(self, request, queryset):
        run_on_each(request, queryset, services.comment_mark_not_spam, _("marked as not spam"))

    @admin.action(description=gettext_lazy("Remove selected comments (kept, hidden)"))
    def remove_selected(self, request, queryset):
        run_on_each(
            request,
            queryset,
            services.comment_remove,
            _("removed"),
            reason=_("removed from the comment list"),
        )

    @admin.action(description=gettext_lazy("Restore selected removed comments"))
    def restore_selected(self, request, queryset):
        run_on_each(request, queryset, services.comment_restore, _("restored"))
