"""Admin for posts, series and author profiles. Authors see and edit only their own posts."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .charts import views_chart
from .models import AuthorProfile, Post, PostDailyViews, Series, clean_series_name
from .permissions import can_edit_any_post, is_active_staff, may_see_post
from .series import manages_all_series, may_manage_series, name_problem, series_merge, series_rename

CHART_DAYS = 42

# The back office is titled for the site ("Colloquy admin"), not "Django administration".
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = format_lazy(_("{site} admin"), site=settings.SITE_NAME)
admin.site.index_title = _("Posts, comments and moderation")


def view_on_site(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
    """Django's "view on site" redirect (``/admin/r/<type>/<id>/``), for what the viewer may
    see only: a draft's URL (its slug) is not given to staff who may not open the draft,
    nor a comment's on it (issue 21, item 8). Served under the admin's own URL, in front of
    Django's, by config/urls.py."""
    try:
        content_type = ContentType.objects.get(pk=content_type_id)
        found = content_type.get_object_for_this_type(pk=object_id)
    except (ObjectDoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such object.") from error
    post = found if isinstance(found, Post) else getattr(found, "post", None)
    if isinstance(post, Post) and not may_see_post(request.user, post):
        raise Http404("No such object.")
    return shortcut(request, content_type_id, object_id)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at", "comments_open"]
    list_filter = ["status", "tags"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "views_by_day"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "summary", "body", "preview", "tags"]}),
        (_("Publishing"), {"fields": ["status", "published_at"]}),
        (_("Declarations"), {"fields": ["competing_interests", "postscript"]}),
        (_("Comments"), {"fields": ["comments_open", "comments_close_at"]}),
        (_("Readership"), {"fields": ["views_by_day"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("author")
        # Authors change their own posts; editors, and those who may only look (the
        # Moderators, for context while moderating), see them all.
        if can_edit_any_post(request.user) or not request.user.has_perm("blog.change_post"):
            return queryset
        return queryset.filter(author=request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_edit_any_post(request.user):
            fields.append("author")
        return fields

    def save_model(self, request, obj, form, change):
        if not change and (obj.author_id is None or not can_edit_any_post(request.user)):
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        if not obj.pk:
            return _("Save to see a preview.")
        # body_html was sanitised by nh3 when the post was saved; escaping it again would
        # show raw HTML tags instead of the formatted post.
        return format_html(
            '<div class="colloquy-preview">{}</div>',
            mark_safe(obj.body_html),  # noqa: S308 - sanitised on save
        )

    @admin.display(description=_("Views by day"))
    def views_by_day(self, obj):
        if not obj.pk:
            return "—"
        today = timezone.localdate()
        start = today - datetime.timedelta(days=CHART_DAYS - 1)
        counts = dict(
            PostDailyViews.objects.filter(post=obj, date__gte=start).values_list("date", "count")
        )
        dates = [start + datetime.timedelta(days=offset) for offset in range(CHART_DAYS)]
        return views_chart([(date, counts.get(date, 0)) for date in dates])


class SeriesForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = ["name", "description"]
        help_texts = {"name": _("As shown after the #, e.g. ResearchSpeak (a # typed is dropped).")}

    def clean_name(self) -> str:
        name = clean_series_name(self.cleaned_data["name"])
        if problem := name_problem(name, series=self.instance if self.instance.pk else None):
            raise forms.ValidationError(problem)
        return name


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    """Series as moderators tidy them: rename (the slug follows) and merge duplicates, both
    through ``blog.series``. Authors may do so for series only their own posts use."""

    form = SeriesForm
    list_display = ["hashtag", "slug", "post_count", "description"]
    search_fields = ["name"]
    readonly_fields = ["slug", "former_slugs"]
    actions = ["merge_series"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(posts=Count("tagged_items"))

    @admin.display(description=_("series"), ordering="name")
    def hashtag(self, obj) -> str:
        return obj.hashtag

    @admin.display(description=_("posts"), ordering="posts")
    def post_count(self, obj) -> int:
        return obj.posts

    def has_change_permission(self, request, obj=None) -> bool:
        user = request.user
        if obj is not None:
            return may_manage_series(user, obj)
        return manages_all_series(user) or (
            is_active_staff(user) and user.has_perm("blog.change_post")
        )

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            renamed = series_rename(series=obj, name=obj.name, actor=request.user)
            obj.slug, obj.former_slugs = renamed.slug, renamed.former_slugs
            obj._stored_name = renamed.name
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Merge the selected series into one"), permissions=["change"])
    def merge_series(self, request, queryset):
        chosen = list(queryset.order_by("name"))
        if len(chosen) < 2:
            self.message_user(request, _("Select two or more series to merge."), messages.WARNING)
            return None
        into = next((s for s in chosen if str(s.pk) == request.POST.get("into")), None)
        if into is None:
            return TemplateResponse(
                request,
                "admin/blog/series/merge.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Merge series"),
                    "opts": self.model._meta,
                    "chosen": chosen,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        try:
            kept = series_merge(merged=chosen, into=into, actor=request.user)
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return None
        # Names as typed: "Research Speak" and "ResearchSpeak" are one hashtag.
        names = ", ".join(f"“{s.name}”" for s in chosen if s.pk != kept.pk)
        self.message_user(
            request,
            _("Merged %(names)s into %(kept)s: its posts moved, the merged series are gone.")
            % {"names": names, "kept": kept.hashtag},
            messages.SUCCESS,
        )
        return None


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "slug"]
    prepopulated_fields = {"slug": ["display_name"]}
    search_fields = ["display_name", "user__username"]
