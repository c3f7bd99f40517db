"""Admin permissions for the roles: moderators work the comments, authors their own posts'."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Moderators": [
        ("comments", "view_comment"), ("comments", "change_comment"),
        ("moderation", "view_moderationevent"), ("moderation", "view_blockedterm"),
        ("moderation", "add_blockedterm"), ("moderation", "change_blockedterm"),
        ("moderation", "delete_blockedterm"), ("moderation", "view_policysettings"),
        ("moderation", "change_policysettings"),
    ],
    "Authors": [("comments", "view_comment"), ("comments", "change_comment")],
}  # fmt: skip


def grant(apps, schema_editor):
    for label in ("comments", "moderation"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codes in GRANTS.items():
        group = Group.objects.get(name=group_name)
        for app_label, codename in codes:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("comments", "0002_moderators_can_moderate"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
