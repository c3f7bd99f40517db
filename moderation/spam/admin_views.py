"""The spam filter in the admin: the policy page's summary, "Retrain now", and the review
list of comments the model filed as spam.

Hooked into ``PolicySettingsAdmin`` by putting ``SpamFilterPolicyAdminMixin`` first in
its bases. The mixin adds three URLs:

- ``admin:moderation_policysettings_retrain_spam_filter`` (POST, for whoever may change
  the policy): train now and say what happened;
- ``admin:moderation_policysettings_spam_review``: the comments the model filed as spam,
  newest first, with the score and the words that weighed most, for anyone who moderates
  comments (authors see their own posts' only);
- ``admin:moderation_policysettings_spam_not_spam`` (POST): "Not spam" publishes the
  comment through ``comment_mark_not_spam`` (a decision, which teaches the filter when a
  site moderator makes it).

The summary above the policy form says which model is in use, its cross-validated
figures, whether its filing is paused by the drift guard, and, when the newest training
was refused, why.
"""

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from comments import permissions
from comments.models import Comment

from .. import services
from ..models import PolicySettings, SpamModel, SpamScore
from . import labels, report
from .jobs import train

PER_PAGE = 50


def summary_context() -> dict:
    """What the policy page shows about the filter."""
    light = SpamModel.objects.defer("weight_index", "weight_value")
    model = light.filter(put_to_use=True).first()
    newest = light.first()
    spam, legitimate = labels.counts()
    rules = PolicySettings.current()
    context = {
        "spam_model": model,
        "spam_decisions": {"spam": spam, "legitimate": legitimate},
        "spam_minimum": settings.SPAM_FILTER_MIN_EACH,
        "spam_filed": SpamScore.objects.filter(
            outcome=SpamScore.Outcome.FILED, comment__status=Comment.Status.SPAM
        ).count(),
    }
    if newest is not None and not newest.put_to_use:
        context["spam_refused"] = newest
        context["spam_refusals"] = report.refusal_lines(newest.refusals)
    if model is not None:
        context["spam_thresholds"] = {
            "spam": rules.spam_threshold if rules.spam_threshold is not None
            else model.spam_threshold,
            "spam_from_model": rules.spam_threshold is None,
            "hold": min(
                rules.hold_threshold if rules.hold_threshold is not None
                else model.hold_threshold,
                rules.spam_threshold if rules.spam_threshold is not None
                else model.spam_threshold,
            ),
            "hold_from_model": rules.hold_threshold is None,
        }  # fmt: skip
        context["spam_figures"] = report.evaluation_lines(model.evaluation)
    return context


def can_retrain(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("moderation.change_policysettings")


def retrain(request: HttpRequest, *, back_to: str) -> HttpResponse:
    """POST: train on every decision now; say what happened; go back to the policy page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not can_retrain(request.user):
        raise PermissionDenied(_("You may not change the moderation policy."))
    result = train(actor=request.user)
    lines = report.training_lines(result)
    if result.put_to_use:
        messages.success(request, " ".join(lines))
    else:
        messages.warning(request, " ".join(lines))
    return HttpResponseRedirect(back_to)


def filed(user) -> QuerySet[SpamScore]:
    """The comments the model filed as spam that are still spam, for ``user`` to review."""
    return (
        SpamScore.objects.filter(
            outcome=SpamScore.Outcome.FILED,
            comment__status=Comment.Status.SPAM,
            comment__in=permissions.moderated_comments(user).values("pk"),
        )
        .select_related("comment", "comment__post")
        .order_by("-id")
    )


def review(request: HttpRequest, *, admin_context: dict, not_spam_url: str) -> HttpResponse:
    if not permissions.moderates_anything(request.user):
        raise PermissionDenied(_("You do not moderate comments."))
    page = Paginator(filed(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "admin/moderation/spam_review.html",
        {
            **admin_context,
            "title": _("Filed as spam by the learned filter"),
            "page": page,
            "scores": list(page.object_list),
            "not_spam_url": not_spam_url,
        },
    )


def not_spam(request: HttpRequest, *, back_to: str) -> HttpResponse:
    """POST ``comment``: publish a comment the model filed, as this moderator's decision."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    raw = request.POST.get("comment", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return HttpResponseBadRequest(_("Which comment? Send its id."))
    comment = Comment.objects.filter(pk=int(raw)).select_related("post").first()
    if comment is None or not permissions.can_moderate(request.user, comment):
        raise PermissionDenied(_("You may not moderate this comment."))
    try:
        # The admin's views are for signed-in staff only (admin_view).
        services.comment_mark_not_spam(comment=comment, actor=cast(User, request.user))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Published: the comment is not spam."))
    return HttpResponseRedirect(back_to)


# A mixin of a ModelAdmin: the type checker sees the ModelAdmin it is mixed into.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[PolicySettings]
else:
    _ModelAdmin = object


class SpamFilterPolicyAdminMixin(_ModelAdmin):
    """For ``PolicySettingsAdmin``: ``class PolicySettingsAdmin(SpamFilterPolicyAdminMixin,
    admin.ModelAdmin)``."""

    change_form_template = "admin/moderation/spam_policy_change_form.html"

    def _url_name(self, suffix: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def get_urls(self) -> list:
        return [
            path(
                "retrain-spam-filter/",
                self.admin_site.admin_view(self.retrain_spam_filter_view),
                name=self._url_name("retrain_spam_filter"),
            ),
            path(
                "spam-review/",
                self.admin_site.admin_view(self.spam_review_view),
                name=self._url_name("spam_review"),
            ),
            path(
                "spam-review/not-spam/",
                self.admin_site.admin_view(self.not_spam_view),
                name=self._url_name("spam_not_spam"),
            ),
        ] + super().get_urls()

    def _reverse(self, suffix: str, *args) -> str:
        return reverse(f"{self.admin_site.name}:{self._url_name(suffix)}", args=args)

    def retrain_spam_filter_view(self, request: HttpRequest) -> HttpResponse:
        if not can_retrain(request.user):  # before anything is read or created
            raise PermissionDenied(_("You may not change the moderation policy."))
        return retrain(request, back_to=self._reverse("change", PolicySettings.current().pk))

    def spam_review_view(self, request: HttpRequest) -> HttpResponse:
        return review(
            request,
            admin_context={**self.admin_site.each_context(request), "opts": self.opts},
            not_spam_url=self._reverse("spam_not_spam"),
        )

    def not_spam_view(self, request: HttpRequest) -> HttpResponse:
        page = request.POST.get("page", "")
        back_to = self._reverse("spam_review")
        if page.isascii() and page.isdigit() and len(page) < 6:
            back_to += f"?page={page}"
        return not_spam(request, back_to=back_to)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None or not self.has_view_or_change_permission(request):
            # Django refuses such a request itself; reading the summary would create the
            # policy row on the way.
            return super().changeform_view(request, object_id, form_url, extra_context)
        extra_context = {
            **(extra_context or {}),
            **summary_context(),
            "spam_can_retrain": can_retrain(request.user),
            "spam_retrain_url": self._reverse("retrain_spam_filter"),
            "spam_review_url": self._reverse("spam_review"),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)
