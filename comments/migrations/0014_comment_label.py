"""Stable labels (issue 23): each comment's label minute and number, stored, and filled in
for the comments already there, numbered in submission order over every status."""

from django.conf import settings
from django.db import migrations, models


def fill_labels(apps, schema_editor) -> None:
    table = schema_editor.quote_name("comments_comment")
    # The minute in the site's zone, as comments.labels.minute_of gives it.
    schema_editor.execute(
        f"""
        UPDATE {table} AS c SET
            label_minute = numbered.minute,
            label_number = CASE WHEN c.author_name = '' THEN numbered.number END
        FROM (
            SELECT id, minute, row_number() OVER (
                PARTITION BY post_id, minute, author_name = '' ORDER BY submitted_at, id
            ) AS number
            FROM (
                SELECT id, post_id, author_name, submitted_at,
                    (EXTRACT(HOUR FROM submitted_at AT TIME ZONE %s) * 60
                     + EXTRACT(MINUTE FROM submitted_at AT TIME ZONE %s))::int AS minute
                FROM {table}
            ) AS timed
        ) AS numbered
        WHERE numbered.id = c.id
        """,
        [settings.TIME_ZONE, settings.TIME_ZONE],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0013_comment_role_team"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="label_minute",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="comment",
            name="label_number",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_labels, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["post", "label_minute", "label_number"], name="comment_label"
            ),
        ),
    ]
