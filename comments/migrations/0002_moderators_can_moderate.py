"""Give the Moderators group (created by blog.0002_roles) the power to moderate comments."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="comments", codename="can_moderate")
    Group.objects.get(name="Moderators").permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial"), ("blog", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
