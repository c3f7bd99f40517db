"""The outbox for moderators: every mail the site queued, its state and its last error.

The mail itself is the worker's (``core.outbox``); here moderators see what failed and
may send it again. Read-only otherwise: a mail is never edited by hand.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from comments.permissions import is_moderator
from core import outbox
from core.models import OutboxMail


@admin.register(OutboxMail)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "subject", "state", "attempts", "due_at",
                    "last_error"]  # fmt: skip
    list_filter = ["state", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [field.name for field in OutboxMail._meta.fields]

    def has_module_permission(self, request):
        return is_moderator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_moderator(request.user)

    def has_change_permission(self, request, obj=None):
        return obj is None and is_moderator(request.user)  # the list's action, no form

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Send again at the next round"))
    def send_again(self, request, queryset):
        retried = 0
        for mail in queryset:
            if mail.state != OutboxMail.State.SENT:
                outbox.mail_retry(mail=mail)
                retried += 1
        message = ngettext("%(count)d mail will be sent again.",
                           "%(count)d mails will be sent again.", retried)  # fmt: skip
        self.message_user(request, message % {"count": retried}, messages.SUCCESS)
