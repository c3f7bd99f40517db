"""The comment list's filters.

Both stay the same size however many comments and posts there are: the reason is the
indexed kinds column PostgreSQL keeps from each comment's reasons (no reason of any held
comment read on a page), and "By post" offers the few posts most recently commented on in
the current status, not every post (issue 15).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from comments import permissions
from comments.models import Comment
from comments.reasons import Kind

from .ids import parse_id


class ReasonFilter(admin.SimpleListFilter):
    title = gettext_lazy("policy reason")
    parameter_name = "reason"
    # The kinds of reasons (comments.reasons.Kind); ``Comment.status_reason_kinds`` holds
    # each comment's.
    KINDS = dict(Kind.choices)

    def lookups(self, request, model_admin):
        return list(self.KINDS.items())

    def queryset(self, request, queryset):
        if self.value() not in self.KINDS:
            return queryset
        # Read from the held comments' (tree order, kinds) index alone, page and count alike.
        return queryset.filter(status_reason_kinds__contains=[self.value()])


class PostFilter(admin.RelatedFieldListFilter):
    """ "By post" lists the posts with the newest comments among those the viewer
    moderates, in the status chosen (the queue's: pending), at most ``SHOWN``, and the post
    already chosen. Listing every post cost seconds at 10,000 posts; an author never
    learns other authors' draft titles here."""

    SHOWN = 20
    # How many of the newest comments are read to find those posts: a bounded walk down
    # the (status, submitted_at) index, however many comments wait.
    SCANNED = 500

    def field_choices(self, field, request, model_admin):
        # Called as the filter is built, before the list is filtered: ?post__id__exact=²
        # or a 5,000-digit id is a 400 here rather than a 500 in int() or the database.
        chosen = parse_id(self.lookup_val[0]) if self.lookup_val else None
        comments = permissions.moderated_comments(request.user).order_by("-submitted_at")
        status = request.GET.get("status__exact")
        if status in Comment.Status.values:
            comments = comments.filter(status=status)
        newest = comments.values_list("post_id", flat=True)[: self.SCANNED]
        shown = list(dict.fromkeys(newest))[: self.SHOWN]
        if chosen and chosen not in shown:
            shown.append(chosen)
        titles = dict(
            permissions.moderated_posts(request.user)
            .filter(pk__in=shown)
            .values_list("pk", "title")
        )
        return [(pk, titles[pk]) for pk in shown if pk in titles]
