"""The comment list and change form: read-only but for the text; changes go through the
services, bulk actions included."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mptt.admin import MPTTModelAdmin

from comments import permissions
from comments.models import Comment, CommentRevision
from comments.permissions import moderated_comments
from comments.reasons import describe_all
from comments.text import isolated, visible_controls

from .. import services
from ..diff import word_diff
from ..models import ModerationEvent
from .actions import BulkActions
from .filters import PostFilter, ReasonFilter
from .forms import CommentEditForm
from .paging import IdsFirstPaginator

Status = Comment.Status


class RefusedUnderLock(Exception):
    """A service refused a save the change form had found valid."""


@admin.register(Comment)
class CommentAdmin(BulkActions, MPTTModelAdmin):
    form = CommentEditForm
    mptt_level_indent = 18
    mptt_indent_field = "excerpt"
    list_display = ["excerpt", "writer", "post", "status", "reasons", "submitted_at"]
    list_filter = ["status", ReasonFilter, ("post", PostFilter)]
    list_select_related = ["post"]
    search_fields = ["body", "author_name", "author_email"]
    list_per_page = 100
    paginator = IdsFirstPaginator
    # "N results (M total)" counted every comment the viewer moderates on each filtered
    # page: a million rows. The filtered count stays; "Show all" replaces the total.
    show_full_result_count = False
    actions = [
        "approve_selected", "reject_selected", "spam_selected", "not_spam_selected",
        "remove_selected", "restore_selected",
    ]  # fmt: skip
    readonly_fields = [
        "post", "parent_link", "writer", "status", "reasons", "submitted_at", "edited_at",
        "edit_note", "revision_history", "event_log",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["post", "parent_link", "writer", "status", "reasons", "submitted_at"]}),
        (gettext_lazy("Text"), {"fields": ["quote", "body", "reason", "public_note"]}),
        (gettext_lazy("History"),
         {"fields": ["edited_at", "edit_note", "revision_history", "event_log"]}),
    ]  # fmt: skip

    def get_queryset(self, request):
        return moderated_comments(request.user)

    def has_add_permission(self, request):
        return False  # comments come from readers, replies from the queue or the site

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.may_open_comment_admin(request.user)
        return permissions.can_moderate(request.user, obj)

    def has_change_permission(self, request, obj=None):
        # Only the words change here, through comment_edit; the rest is read-only.
        if obj is None:
            return permissions.moderates_anything(request.user)
        return permissions.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # erasure is a separate, logged, superuser-only action

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if not permissions.can_edit(request.user, obj):
            fields += ["body", "quote"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if permissions.can_edit(request.user, obj):
            return fieldsets
        return [
            (name, {"fields": [f for f in opts["fields"] if f not in ("reason", "public_note")]})
            for name, opts in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        """Save through the services, which check again under the row lock."""
        try:
            if form.approving():
                services.comment_edit_and_approve(
                    comment=obj, actor=request.user, **form.text_changes()
                )
            elif form.text_changes():
                services.comment_edit(comment=obj, actor=request.user, **form.text_changes())
        except (ValidationError, PermissionDenied) as refusal:
            raise RefusedUnderLock from refusal

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedUnderLock:
            # Another moderator acted between the form's check and the save, which was
            # rolled back: validating again shows why, beside the moderator's text.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        pass  # no related objects are edited here

    def response_change(self, request, obj):
        if "_approve" in request.POST:
            messages.success(request, _("Comment #%(id)s approved.") % {"id": obj.pk})
            return HttpResponseRedirect(reverse("admin:moderation_pendingcomment_changelist"))
        return super().response_change(request, obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/restore-revision/<int:revision_pk>/",
                self.admin_site.admin_view(self.restore_revision_view),
                name="comments_comment_restore_revision",
            ),
            path(
                "<int:pk>/erase/",
                self.admin_site.admin_view(self.erase_view),
                name="comments_comment_erase",
            ),
            *super().get_urls(),
        ]

    # Columns and read-only fields

    @admin.display(description=gettext_lazy("comment"))
    def excerpt(self, obj):
        return isolated(Truncator(obj.body).chars(90)) if obj.body else "—"

    @admin.display(description=gettext_lazy("writer"))
    def writer(self, obj):
        email = format_html(" &lt;{}&gt;", isolated(obj.author_email)) if obj.author_email else ""
        role = f" ({obj.get_role_display()})" if obj.role else ""
        return format_html("{}{}{}", isolated(obj.display_name), email, role)

    @admin.display(description=gettext_lazy("policy reasons"))
    def reasons(self, obj):
        return isolated("; ".join(describe_all(obj.status_reasons))) if obj.status_reasons else "—"

    @admin.display(description=gettext_lazy("in reply to"))
    def parent_link(self, obj):
        answered = obj.reply_to or obj.parent
        if answered is None:
            return "—"
        return format_html(
            '<a href="{}">#{} {}</a>: {}',
            reverse("admin:comments_comment_change", args=[answered.pk]),
            answered.pk,
            isolated(answered.display_name),
            isolated(Truncator(answered.body).chars(200)),
        )

    @admin.display(description=gettext_lazy("revisions"))
    def revision_history(self, obj):
        revisions = list(obj.revisions.select_related("edited_by"))
        if not revisions:
            return "—"
        rows, previous = [], None
        for revision in revisions:
            body = visible_controls(revision.body)
            diff = word_diff(visible_controls(previous.body), body) if previous else body
            restore = ""
            if revision.body != obj.body or revision.quote != obj.quote:
                restore = format_html(
                    '<button type="submit" form="restore-{}" class="button">{}</button>',
                    revision.pk,
                    _("Restore this version"),
                )
            rows.append((
                revision.created_at.strftime("%Y-%m-%d %H:%M"),
                revision.edited_by.get_username() if revision.edited_by else _("the writer"),
                isolated(revision.reason),
                isolated(revision.quote) if revision.quote else "—",
                diff,
                restore,
            ))  # fmt: skip
            previous = revision
        return format_html(
            '<table class="revisions"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th></th></tr></thead><tbody>{}</tbody></table>",
            _("When"), _("By"), _("Why"), _("Quote"), _("Text (changes from the version before)"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                '<td class="revision-text">{}</td><td>{}</td></tr>',
                rows,
            ),
        )  # fmt: skip

    @admin.display(description=gettext_lazy("moderation events"))
    def event_log(self, obj):
        events = ModerationEvent.objects.filter(comment_ref=obj.pk).select_related("actor")
        return (
            format_html_join(
                "",
                "<div>{} · {} · {} {} → {} · {}</div>",
                (
                    (
                        event.created_at.strftime("%Y-%m-%d %H:%M"),
                        event.actor_label,
                        event.get_action_display(),
                        event.from_status or "∅",
                        event.to_status or "∅",
                        isolated(event.reason),
                    )
                    for event in events
                ),
            )
            or "—"
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["restore_revisions"] = list(obj.revisions.values_list("pk", flat=True))
            context["can_erase"] = permissions.can_erase(request.user)
            context["can_save_and_approve"] = obj.status == Status.PENDING and (
                permissions.can_edit(request.user, obj)
            )
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    # Custom views

    def restore_revision_view(self, request, pk, revision_pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = get_object_or_404(moderated_comments(request.user), pk=pk)
        revision = get_object_or_404(CommentRevision, pk=revision_pk, comment=comment)
        reason = request.POST.get("reason", "").strip() or _("restored an earlier version")
        try:
            services.comment_restore_revision(
                comment=comment,
                revision=revision,
                actor=request.user,
                reason=reason,
                public_note=request.POST.get("public_note", comment.edit_note),
            )
            messages.success(request, _("The earlier version is back."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[pk]))

    def erase_view(self, request, pk):
        if not permissions.can_erase(request.user):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=pk)
        error = ""
        if request.method == "POST":
            try:
                services.comment_erase(
                    comment=comment, actor=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Comment %(id)s erased.") % {"id": pk})
                return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
            except ValidationError as exc:
                error = " ".join(exc.messages)
        return TemplateResponse(
            request,
            "admin/comments/comment/erase.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Erase comment %(id)s") % {"id": pk},
                "comment": comment,
                "error": error,
                "opts": self.model._meta,
            },
        )
