"""The comment list's filters.

Both stay the same size however many comments and posts there are: the reason is matched
in SQL (no reading every held comment's reasons into Python), and "By post" offers the few
posts most recently commented on in the current status, not every post (issue 15).
"""

from django.contrib import admin
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy

from comments import permissions
from comments.models import Comment


class ReasonFilter(admin.SimpleListFilter):
    title = gettext_lazy("policy reason")
    parameter_name = "reason"
    # PostgreSQL regular expressions, matched against each of a comment's reasons.
    KINDS = {
        "first": (r"^first comment", gettext_lazy("First comment from this email")),
        "noemail": (r"^no email", gettext_lazy("No email given")),
        "unconfirmed": (r"^email not confirmed", gettext_lazy("Email not confirmed yet")),
        "spamscore": (r"^spam score", gettext_lazy("Spam score (learned filter)")),
        "links": (r"^\d+ links?$", gettext_lazy("Many links")),
        "blocked": (r"^blocked ", gettext_lazy("Blocked term or domain")),
        "honeypot": (r"^honeypot", gettext_lazy("Honeypot")),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (_pattern, label) in self.KINDS.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.KINDS:
            return queryset
        # One condition in the list's own query: the page and its count stay in SQL.
        matches = RawSQL(  # noqa: S611 - our own SQL; the pattern is a parameter
            "EXISTS (SELECT 1 FROM jsonb_array_elements_text(comments_comment.status_reasons)"
            " AS reason WHERE reason ~ %s)",
            [self.KINDS[self.value()][0]],
            output_field=BooleanField(),
        )
        return queryset.alias(has_reason=matches).filter(has_reason=True)


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
        comments = permissions.moderated_comments(request.user).order_by("-submitted_at")
        status = request.GET.get("status__exact")
        if status in Comment.Status.values:
            comments = comments.filter(status=status)
        newest = comments.values_list("post_id", flat=True)[: self.SCANNED]
        shown = list(dict.fromkeys(newest))[: self.SHOWN]
        chosen = self.lookup_val[0] if self.lookup_val else None
        if chosen and chosen.isdigit() and int(chosen) not in shown:
            shown.append(int(chosen))
        titles = dict(
            permissions.moderated_posts(request.user)
            .filter(pk__in=shown)
            .values_list("pk", "title")
        )
        return [(pk, titles[pk]) for pk in shown if pk in titles]
