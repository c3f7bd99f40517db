"""The reason filter reads held comments from one B-tree index alone (Comment.Meta says why)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0009_comment_approved_newest"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="comment",
            name="comment_pending_reason_kinds",
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("status", "pending")),
                fields=["tree_id", "lft", "id"],
                include=("status_reason_kinds",),
                name="comment_pending_tree_kinds",
            ),
        ),
    ]
