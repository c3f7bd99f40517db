"""What waits for the signed-in staff member: their queue's count, for the site's header
and the admin home. Readers never reach it (and their cached pages hold nothing of it)."""

from django import template
from django.http import HttpRequest

from comments.permissions import is_moderator
from core import outbox

from .. import staff_mail

register = template.Library()


@register.inclusion_tag("includes/staff_queue.html", takes_context=True)
def staff_queue(context, *, panel: bool = False) -> dict:
    """The count of held comments in the user's queue and a link to it (nothing for who
    has no queue). ``panel``: the admin home's box, which also links to the
    notification settings and tells moderators of mail the outbox could not send."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {"waiting": None}
    shown = {
        "waiting": staff_mail.waiting_for(user),
        "queue_url": staff_mail.queue_url(),
        "panel": panel,
    }
    if panel:
        shown["settings_url"] = staff_mail.settings_url()
        if is_moderator(user):
            shown["undelivered"] = outbox.trouble_count()
    return shown
