"""The spam filter on the admin's policy page: the current model and "Retrain now".

Hooked into ``PolicySettingsAdmin`` by putting ``SpamFilterPolicyAdminMixin`` first in
its bases. The mixin adds one URL (``admin:moderation_policysettings_retrain_spam_filter``,
POST only, for whoever may change the policy) and shows a summary above the policy form:
when the model was trained, on how many decisions, its cross-validated figures and the
thresholds in force, or why the filter is off.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from ..models import PolicySettings, SpamModel
from . import labels, report
from .training import train


def summary_context() -> dict:
    """What the policy page shows about the filter."""
    model = SpamModel.objects.defer("weight_index", "weight_value").first()
    spam, legitimate = labels.counts()
    rules = PolicySettings.current()
    context = {
        "spam_model": model,
        "spam_decisions": {"spam": spam, "legitimate": legitimate},
        "spam_minimum": settings.SPAM_FILTER_MIN_EACH,
    }
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


def retrain(request, *, back_to: str):
    """POST: train on every decision now; say what happened; go back to the policy page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not can_retrain(request.user):
        raise PermissionDenied(_("You may not change the moderation policy."))
    result = train(actor=request.user)
    lines = report.training_lines(result)
    if result.model is not None:
        messages.success(request, " ".join(lines))
    else:
        messages.warning(request, " ".join(lines))
    return HttpResponseRedirect(back_to)


class SpamFilterPolicyAdminMixin:
    """For ``PolicySettingsAdmin``: ``class PolicySettingsAdmin(SpamFilterPolicyAdminMixin,
    admin.ModelAdmin)``."""

    change_form_template = "admin/moderation/spam_policy_change_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "retrain-spam-filter/",
                self.admin_site.admin_view(self.retrain_spam_filter_view),
                name="{}_{}_retrain_spam_filter".format(*info),
            )
        ] + super().get_urls()

    def retrain_spam_filter_view(self, request):
        if not can_retrain(request.user):  # before anything is read or created
            raise PermissionDenied(_("You may not change the moderation policy."))
        info = self.opts.app_label, self.opts.model_name
        back_to = reverse(
            "{}:{}_{}_change".format(self.admin_site.name, *info),
            args=[PolicySettings.current().pk],
        )
        return retrain(request, back_to=back_to)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        info = self.opts.app_label, self.opts.model_name
        if object_id is None or not self.has_view_or_change_permission(request):
            # Django refuses such a request itself; reading the summary would create the
            # policy row on the way.
            return super().changeform_view(request, object_id, form_url, extra_context)
        extra_context = {
            **(extra_context or {}),
            **summary_context(),
            "spam_can_retrain": can_retrain(request.user),
            "spam_retrain_url": reverse(
                "{}:{}_{}_retrain_spam_filter".format(self.admin_site.name, *info)
            ),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)
