"""An admin site with the spam filter's mixin on the policy page, as PolicySettingsAdmin
will have it once hooked in (moderation/spam/admin_views.py says how)."""

from django.contrib import admin
from django.urls import include, path

from moderation.models import PolicySettings
from moderation.spam.admin_views import SpamFilterPolicyAdminMixin

site = admin.AdminSite(name="spamadmin")


class PolicyAdmin(SpamFilterPolicyAdminMixin, admin.ModelAdmin):
    pass


site.register(PolicySettings, PolicyAdmin)
urlpatterns = [path("spam-admin/", site.urls), path("", include("config.urls"))]
