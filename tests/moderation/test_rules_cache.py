"""The policy's settings and blocked terms are read from the cache on each submission, and
a change in the admin applies to the very next one."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation.models import BlockedTerm, PolicySettings


def tables_read(queries) -> str:
    return " ".join(q["sql"] for q in queries)


def test_a_submission_reads_no_policy_table_once_the_rules_are_cached(submit):
    submit("The first one fills the cache.", author_email="a@example.org")
    with CaptureQueriesContext(connection) as queries:
        comment = submit("The second one reads it.", author_email="b@example.org")
    assert comment.status == "pending"  # first comment from this email: the rules still apply
    sql = tables_read(queries)
    assert "moderation_policysettings" not in sql
    assert "moderation_blockedterm" not in sql


def test_a_blocked_term_added_in_the_admin_applies_to_the_next_comment(
    submit, superuser, client, django_capture_on_commit_callbacks
):
    assert submit("Buy cheap pills now.").status != "spam"  # cached: no terms yet
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:moderation_blockedterm_add"),
            {"value": "cheap pills", "kind": "term", "outcome": "spam"},
        )
    assert response.status_code == 302, response.content[:2000]
    assert submit("More cheap pills here.").status == "spam"
    with django_capture_on_commit_callbacks(execute=True):
        BlockedTerm.objects.all().delete()
    assert submit("Still cheap pills, now allowed.").status != "spam"


def test_a_settings_change_applies_to_the_next_comment(submit):
    submit("Warm the cache.", author_email="c@example.org")
    rules = PolicySettings.current()
    rules.hold_first_comment = False
    rules.save()
    assert submit("No longer held.", author_email="d@example.org").status == "approved"
