"""The comment list's filters."""

import re

from django.contrib import admin
from django.utils.translation import gettext_lazy

from comments import permissions


class ReasonFilter(admin.SimpleListFilter):
    title = gettext_lazy("policy reason")
    parameter_name = "reason"
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


class PostFilter(admin.RelatedFieldListFilter):
    """ "By post" lists only the posts whose comments the viewer moderates: an author never
    learns other authors' draft titles here."""

    def field_choices(self, field, request, model_admin):
        posts = permissions.moderated_posts(request.user).order_by("title")
        return [(post.pk, str(post)) for post in posts]
