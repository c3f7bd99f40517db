"""The moderation queue: held comments, oldest first, with what a moderator needs."""

from collections import defaultdict

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from comments import permissions
from comments.models import Comment
from comments.permissions import moderated_comments

from .. import services
from ..models import PendingComment
from .actions import run_on_each

Status = Comment.Status


@admin.register(PendingComment)
class QueueAdmin(admin.ModelAdmin):
    """Pending comments, oldest first, each with what a moderator needs to decide."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and permissions.moderates_anything(request.user)

    def has_view_permission(self, request, obj=None):
        return obj is None and permissions.may_open_comment_admin(request.user)

    def get_urls(self):
        # The queue is one page. The proxy has no add, change, delete or history view of
        # its own: Django's would edit every raw field behind the services' back.
        return [
            path("", self.admin_site.admin_view(self.changelist_view),
                 name="moderation_pendingcomment_changelist"),
            path("<path:object_id>/change/", self.admin_site.admin_view(self.to_queue),
                 name="moderation_pendingcomment_change"),
        ]  # fmt: skip

    def to_queue(self, request, object_id):
        """Old links to a queued comment's change page land on the queue, changing nothing."""
        return HttpResponseRedirect(reverse("admin:moderation_pendingcomment_changelist"))

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._act(request)
        pending = list(
            moderated_comments(request.user)
            .filter(status=Status.PENDING)
            .select_related("post", "reply_to")
            .annotate(versions=Count("revisions"))
            .order_by("submitted_at", "pk")[:200]
        )
        history = self._history(pending, request.user)
        for comment in pending:
            comment.history = history.get(comment.pk, [])
        return TemplateResponse(
            request,
            "admin/moderation/queue.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Moderation queue"),
                "pending": pending,
                "opts": self.model._meta,
                "can_act": permissions.moderates_anything(request.user),
            },
        )

    @staticmethod
    def _history(pending, user):
        """Each pending comment's writer's other comments (by email or address), newest first,
        among those ``user`` may read: an author never sees other posts' held text."""
        emails = {c.author_email.lower() for c in pending if c.author_email}
        hashes = {c.ip_hash for c in pending if c.ip_hash}
        if not (emails or hashes):
            return {}
        condition = Q(ip_hash__in=hashes)
        for email in emails:
            condition |= Q(author_email__iexact=email)
        others = (
            permissions.readable_comments(user)
            .filter(condition)
            .select_related("post")
            .order_by("-submitted_at")[:1000]
        )
        by_email, by_hash = defaultdict(list), defaultdict(list)
        for other in others:
            # An empty email or address is nobody's identity: never group by it.
            if other.author_email:
                by_email[other.author_email.lower()].append(other)
            if other.ip_hash:
                by_hash[other.ip_hash].append(other)
        result = {}
        for comment in pending:
            seen = {comment.pk}
            mine = []
            same_email = (
                by_email.get(comment.author_email.lower(), []) if comment.author_email else []
            )
            same_address = by_hash.get(comment.ip_hash, []) if comment.ip_hash else []
            for other in same_email + same_address:
                if other.pk not in seen:
                    seen.add(other.pk)
                    mine.append(other)
            result[comment.pk] = sorted(mine, key=lambda c: c.submitted_at, reverse=True)[:10]
        return result

    def _act(self, request):
        action = request.POST.get("action", "")
        ids = request.POST.getlist("selected") or [request.POST.get("comment", "")]
        comments = moderated_comments(request.user).filter(
            pk__in=[int(pk) for pk in ids if pk.isdigit()]
        )
        reason = request.POST.get("reason", "").strip()
        if action == "approve":
            run_on_each(request, comments, services.comment_approve, _("approved"))
        elif action == "reject":
            run_on_each(request, comments, services.comment_reject, _("rejected"), reason=reason)
        elif action == "spam":
            run_on_each(request, comments, services.comment_mark_spam, _("marked as spam"))
        elif action == "approve_reply":
            comment = comments.first()
            if comment is None:
                messages.error(request, _("That comment is not in your queue."))
            else:
                try:
                    _approved, reply = services.comment_approve_and_reply(
                        comment=comment,
                        actor=request.user,
                        body=request.POST.get("reply", ""),
                        quote=request.POST.get("quote", ""),
                    )
                    messages.success(
                        request,
                        format_html(
                            '{} <a href="{}">{}</a>',
                            _("Approved, and your reply is published."),
                            reply.get_absolute_url(),
                            _("See it"),
                        ),
                    )
                except (ValidationError, PermissionDenied) as error:
                    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.error(request, _("Choose an action."))
        return HttpResponseRedirect(request.path)
