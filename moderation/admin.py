"""The moderators' screens: the queue, the comment tree, edits with reasons, the audit log.

Thin on purpose: every change goes through ``moderation.services``.
"""

import re
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mptt.admin import MPTTModelAdmin

from comments.forms import CleanTextField
from comments.models import Comment, CommentRevision

from . import services
from .diff import word_diff
from .models import BlockedTerm, ModerationEvent, PendingComment, PolicySettings

Status = Comment.Status


def moderated_comments(user):
    """The comments ``user`` may act on: all for moderators, their posts' for authors."""
    queryset = Comment.objects.select_related("post", "reply_to")
    if user.has_perm("comments.can_moderate"):
        return queryset
    return queryset.filter(post__author=user)


def _run(request, queryset, action, label: str, **kwargs) -> None:
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


class ReasonFilter(admin.SimpleListFilter):
    title = gettext_lazy("policy reason")
    parameter_name = "reason"
    KINDS = {
        "first": (r"^first comment", gettext_lazy("First comment from this email")),
        "noemail": (r"^no email", gettext_lazy("No email given")),
        "links": (r"^\d+ links?$", gettext_lazy("Many links")),
        "blocked": (r"^blocked ", gettext_lazy("Blocked term or domain")),
        "honeypot": (r"^honeypot", gettext_lazy("Honeypot")),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (_fragment, label) in self.KINDS.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.KINDS:
            return queryset
        pattern = re.compile(self.KINDS[self.value()][0])
        ids = [
            pk
            for pk, reasons in queryset.exclude(status_reasons=[]).values_list(
                "pk", "status_reasons"
            )
            if any(pattern.search(reason) for reason in reasons)
        ]
        return queryset.filter(pk__in=ids)


class CommentEditForm(forms.ModelForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the edit"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Required when you change someone else's words. Moderators only."),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    public_note = forms.CharField(
        label=gettext_lazy("Public note"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Shown under the comment as “Edited by a moderator: …”. "
            "E.g. “we removed part of this comment that was not fit for purpose”."
        ),
        widget=forms.TextInput(attrs={"size": 60}),
    )

    class Meta:
        model = Comment
        fields = ["body", "quote"]
        # Browsers send CRLF; compare cleaned text so an untouched comment is unchanged.
        field_classes = {"body": CleanTextField, "quote": CleanTextField}

    def clean(self):
        data = super().clean()
        changed = {"body", "quote"} & set(self.changed_data)
        if changed and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why you are changing this comment."))
        return data


@admin.register(Comment)
class CommentAdmin(MPTTModelAdmin):
    form = CommentEditForm
    mptt_level_indent = 18
    mptt_indent_field = "excerpt"
    list_display = ["excerpt", "writer", "post", "status", "reasons", "submitted_at"]
    list_filter = ["status", ReasonFilter, "post"]
    list_select_related = ["post"]
    search_fields = ["body", "author_name", "author_email"]
    list_per_page = 100
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

    def has_delete_permission(self, request, obj=None):
        return False  # erasure is a separate, logged, superuser-only action

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if not services.can_edit(request.user):
            fields += ["body", "quote"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if services.can_edit(request.user):
            return fieldsets
        return [
            (name, {"fields": [f for f in opts["fields"] if f not in ("reason", "public_note")]})
            for name, opts in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if not ({"body", "quote"} & set(form.changed_data)):
            return
        original = Comment.objects.get(pk=obj.pk)
        services.comment_edit(
            comment=original,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            body=form.cleaned_data["body"],
            quote=form.cleaned_data["quote"],
            public_note=form.cleaned_data["public_note"],
        )

    def save_related(self, request, form, formsets, change):
        pass  # no related objects are edited here

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)

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
        return Truncator(obj.body).chars(90) or "—"

    @admin.display(description=gettext_lazy("writer"))
    def writer(self, obj):
        email = f" <{obj.author_email}>" if obj.author_email else ""
        return f"{obj.display_name}{email}" + (f" ({obj.get_role_display()})" if obj.role else "")

    @admin.display(description=gettext_lazy("policy reasons"))
    def reasons(self, obj):
        return "; ".join(obj.status_reasons) or "—"

    @admin.display(description=gettext_lazy("in reply to"))
    def parent_link(self, obj):
        answered = obj.reply_to or obj.parent
        if answered is None:
            return "—"
        return format_html(
            '<a href="{}">#{} {}</a>: {}',
            reverse("admin:comments_comment_change", args=[answered.pk]),
            answered.pk,
            answered.display_name,
            Truncator(answered.body).chars(200),
        )

    @admin.display(description=gettext_lazy("revisions"))
    def revision_history(self, obj):
        revisions = list(obj.revisions.select_related("edited_by"))
        if not revisions:
            return "—"
        rows, previous = [], None
        for revision in revisions:
            diff = word_diff(previous.body, revision.body) if previous else revision.body
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
                revision.reason,
                revision.quote or "—",
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
                        event.reason,
                    )
                    for event in events
                ),
            )
            or "—"
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["restore_revisions"] = list(obj.revisions.values_list("pk", flat=True))
            context["can_erase"] = request.user.is_superuser
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

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
        if not request.user.is_superuser:
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

    # Bulk actions: each loops over the service, so each comment gets its own event.

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not (request.user.has_perm("comments.can_moderate") or request.user.posts.exists()):
            return {}
        return actions

    @admin.action(description=gettext_lazy("Approve selected comments"))
    def approve_selected(self, request, queryset):
        _run(request, queryset, services.comment_approve, _("approved"))

    @admin.action(description=gettext_lazy("Reject selected comments"))
    def reject_selected(self, request, queryset):
        _run(request, queryset, services.comment_reject, _("rejected"))

    @admin.action(description=gettext_lazy("Mark selected comments as spam"))
    def spam_selected(self, request, queryset):
        _run(request, queryset, services.comment_mark_spam, _("marked as spam"))

    @admin.action(description=gettext_lazy("Not spam: approve selected comments"))
    def not_spam_selected(self, request, queryset):
        _run(request, queryset, services.comment_mark_not_spam, _("marked as not spam"))

    @admin.action(description=gettext_lazy("Remove selected comments (kept, hidden)"))
    def remove_selected(self, request, queryset):
        _run(
            request, queryset, services.comment_remove, _("removed"),
            reason=_("removed from the comment list"),
        )  # fmt: skip

    @admin.action(description=gettext_lazy("Restore selected removed comments"))
    def restore_selected(self, request, queryset):
        _run(request, queryset, services.comment_restore, _("restored"))


@admin.register(PendingComment)
class QueueAdmin(admin.ModelAdmin):
    """Pending comments, oldest first, each with what a moderator needs to decide."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("comments.change_comment")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.view_comment")

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._act(request)
        pending = list(
            moderated_comments(request.user)
            .filter(status=Status.PENDING)
            .select_related("post", "reply_to")
            .order_by("submitted_at", "pk")[:200]
        )
        history = self._history(pending)
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
                "can_act": request.user.has_perm("comments.change_comment"),
            },
        )

    @staticmethod
    def _history(pending):
        """Each pending comment's writer's other comments (by email or address), newest first."""
        emails = {c.author_email.lower() for c in pending if c.author_email}
        hashes = {c.ip_hash for c in pending if c.ip_hash}
        if not (emails or hashes):
            return {}
        condition = Q(ip_hash__in=hashes)
        for email in emails:
            condition |= Q(author_email__iexact=email)
        others = (
            Comment.objects.filter(condition)
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
            _run(request, comments, services.comment_approve, _("approved"))
        elif action == "reject":
            _run(request, comments, services.comment_reject, _("rejected"), reason=reason)
        elif action == "spam":
            _run(request, comments, services.comment_mark_spam, _("marked as spam"))
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


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "comment_ref",
        "actor_label",
        "action",
        "from_status",
        "to_status",
        "reason",
    ]
    list_filter = ["action", "to_status"]
    search_fields = ["reason", "comment_ref"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "outcome", "created_at"]
    list_filter = ["kind", "outcome"]
    search_fields = ["value"]


@admin.register(PolicySettings)
class PolicySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "hold_first_comment", "max_links", "comments_per_minute"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PolicySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
