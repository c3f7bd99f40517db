"""Reasons become data: ``{"kind": ..., "detail": {...}}`` (comments/reasons.py).

The sentences stored before are converted once, by the patterns migration 0008 matched
them with (a sentence no pattern knows is kept as ``{"kind": "other", "detail": {"text":
...}}``), and ``comment_reason_kinds`` now reads each reason's ``kind``. The UPDATE rewrites
the generated ``status_reason_kinds`` column with the new function.
"""

from django.db import migrations

KINDS_FROM_DATA = r"""
CREATE OR REPLACE FUNCTION comment_reason_kinds(reasons jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT reason ->> 'kind' ORDER BY reason ->> 'kind'), '{}')
    FROM jsonb_array_elements(
        CASE WHEN jsonb_typeof(reasons) = 'array' THEN reasons ELSE '[]' END
    ) AS reason
    WHERE jsonb_typeof(reason) = 'object' AND reason ? 'kind'
$$
"""

KINDS_FROM_SENTENCES = r"""
CREATE OR REPLACE FUNCTION comment_reason_kinds(reasons jsonb) RETURNS text[]
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

# One stored sentence (text s) as a reason.
SENTENCE_TO_DATA = r"""
CASE
    WHEN s ~ '^first comment' THEN '{"kind": "first", "detail": {}}'::jsonb
    WHEN s ~ '^no email' THEN '{"kind": "noemail", "detail": {}}'::jsonb
    WHEN s ~ '^email not confirmed' THEN '{"kind": "unconfirmed", "detail": {}}'::jsonb
    WHEN s ~ '^honeypot' THEN '{"kind": "honeypot", "detail": {}}'::jsonb
    WHEN s ~ '^every reader comment is reviewed' THEN '{"kind": "review", "detail": {}}'::jsonb
    WHEN s ~ '^\d+ links?$' THEN jsonb_build_object(
        'kind', 'links', 'detail',
        jsonb_build_object('count', substring(s from '^(\d+)')::int))
    WHEN s ~ '^spam score \d' THEN jsonb_build_object(
        'kind', 'spamscore', 'detail', jsonb_build_object(
            'score', substring(s from '^spam score (\d+(?:\.\d+)?)')::numeric,
            'decisions', coalesce(
                replace(substring(s from 'learned from ([\d,]+) decisions'), ',', '')::int, 0)))
    WHEN s ~ '^blocked link domain: ' THEN jsonb_build_object(
        'kind', 'blocked', 'detail',
        jsonb_build_object('what', 'domain', 'value', substring(s from '^blocked link domain: (.*)$')))
    WHEN s ~ '^blocked term: ' THEN jsonb_build_object(
        'kind', 'blocked', 'detail',
        jsonb_build_object('what', 'term', 'value', substring(s from '^blocked term: (.*)$')))
    WHEN s ~ '^imported reply to comment .*, which is not in the export' THEN jsonb_build_object(
        'kind', 'imported', 'detail', jsonb_build_object(
            'parent', substring(s from '^imported reply to comment (.*), which is not in the export')))
    ELSE jsonb_build_object('kind', 'other', 'detail', jsonb_build_object('text', s))
END
"""

CONVERT = f"""
UPDATE comments_comment SET status_reasons = (
    SELECT jsonb_agg(
        CASE WHEN jsonb_typeof(reason) = 'string'
             THEN (SELECT {SENTENCE_TO_DATA} FROM (SELECT reason #>> '{{}}' AS s) AS text)
             ELSE reason END
        ORDER BY position)
    FROM jsonb_array_elements(status_reasons) WITH ORDINALITY AS reasons (reason, position)
)
WHERE jsonb_typeof(status_reasons) = 'array'
  AND jsonb_path_exists(status_reasons, '$[*] ? (@.type() == "string")')
"""


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0011_confirmation_mail"),
    ]

    operations = [
        migrations.RunSQL(KINDS_FROM_DATA, KINDS_FROM_SENTENCES),
        migrations.RunSQL(CONVERT, migrations.RunSQL.noop),
    ]
