"""Bulk actions on comments: each loops over a service, one event per comment."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments import permissions

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


# name: (service, description, what the message says was done, extra keyword arguments)
BULK_ACTIONS = {
    "approve_selected": (
        "comment_approve",
        gettext_lazy("Approve selected comments"),
        gettext_lazy("approved"),
        {},
    ),
    "reject_selected": (
        "comment_reject",
        gettext_lazy("Reject selected comments"),
        gettext_lazy("rejected"),
        {},
    ),
    "spam_selected": (
        "comment_mark_spam",
        gettext_lazy("Mark selected comments as spam"),
        gettext_lazy("marked as spam"),
        {},
    ),
    "not_spam_selected": (
        "comment_mark_not_spam",
        gettext_lazy("Not spam: approve selected comments"),
        gettext_lazy("marked as not spam"),
        {},
    ),
    "remove_selected": (
        "comment_remove",
        gettext_lazy("Remove selected comments (kept, hidden)"),
        gettext_lazy("removed"),
        {"reason": gettext_lazy("removed from the comment list")},
    ),
    "restore_selected": (
        "comment_restore",
        gettext_lazy("Restore selected removed comments"),
        gettext_lazy("restored"),
        {},
    ),
}


def _bulk_action(name: str):
    """The admin action ``name`` of BULK_ACTIONS: its service on each selected comment."""
    service, description, label, extra = BULK_ACTIONS[name]

    def action(modeladmin, request, queryset):
        kwargs = {key: str(value) for key, value in extra.items()}
        run_on_each(request, queryset, getattr(services, service), str(label), **kwargs)

    action.__name__ = action.__qualname__ = name
    return admin.action(description=description)(action)


class BulkActions:
    """The comment list's actions, offered to those with comments to act on."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not permissions.moderates_anything(request.user):
            return {}
        return actions


for _name in BULK_ACTIONS:
    setattr(BulkActions, _name, _bulk_action(_name))
