"""The kinds of a comment's status reasons, a column PostgreSQL keeps (issue 15).

``comment_reason_kinds(status_reasons)`` names the kinds its reasons are of, with the
patterns the reason filter matched them by (``moderation.admin.filters.ReasonFilter``): a
reason is of a kind when it matches the kind's pattern (the patterns do not overlap). The
column is computed for every existing comment as it is added (the backfill), and on every
write after. A change of the patterns is a new migration that replaces the function and
rewrites the column (``UPDATE comments_comment SET status_reasons = status_reasons``).
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

REASON_KINDS = r"""
CREATE FUNCTION comment_reason_kinds(reasons jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT kinds.kind ORDER BY kinds.kind), '{}')
    FROM jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(reasons) = 'array' THEN reasons ELSE '[]' END
    ) AS reason
    JOIN (VALUES
        ('first', '^first comment'),
        ('noemail', '^no email'),
        ('unconfirmed', '^email not confirmed'),
        ('spamscore', '^spam score'),
        ('links', '^\d+ links?$'),
        ('blocked', '^blocked '),
        ('honeypot', '^honeypot')
    ) AS kinds (kind, pattern) ON reason ~ kinds.pattern
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_comment_ip_hash_index"),
    ]

    operations = [
        migrations.RunSQL(REASON_KINDS, "DROP FUNCTION comment_reason_kinds(jsonb)"),
        migrations.AddField(
            model_name="comment",
            name="status_reason_kinds",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    "status_reasons",
                    function="comment_reason_kinds",
                    output_field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), size=None
                    ),
                ),
                output_field=django.contrib.postgres.fields.ArrayField(
                    base_field=models.TextField(), size=None
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("status", "pending")),
                fields=["status_reason_kinds"],
                name="comment_pending_reason_kinds",
            ),
        ),
    ]
