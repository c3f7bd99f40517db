"""What storing one comment costs in SQL statements, counted exactly, for the common
submissions: so a round trip added to the posting path shows up here, not in a
benchmark weeks later.

Counted through ``comment_submit`` with the after-commit work run (the cached pages), as a
request runs it. Mail is queued in the outbox inside the insert's transaction (the worker
sends it, outside the count). Inside the test's transaction Django writes
SAVEPOINT/RELEASE where a request writes BEGIN/COMMIT: the same count.
"""

import itertools
from unittest.mock import patch

import pytest
from django.core import mail
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler
from django.test.utils import CaptureQueriesContext

from comments.addresses import address_confirm
from comments.models import Comment
from comments.reasons import describe_all
from comments.services import Submission, comment_submit
from core import outbox
from moderation import rules
from moderation.models import PolicySettings
from moderation.spam import store


@pytest.fixture
def count(django_capture_on_commit_callbacks, settings):
    """count(**comment_submit arguments) -> (comment, the statements it ran), once the
    per-process state a running site has is warm: the policy's rules, the spam filter
    (none trained: the filter is off)."""
    settings.SPAM_MODEL_CHECK_SECONDS = 60
    store.forget()

    def _count(*, post, body="A thought on the method.", parent=None, user=None, **fields):
        submission = Submission(body=body, **fields)
        rules.current()
        store.current()
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            comment = comment_submit(
                post=post, submission=submission, parent=parent, user=user, ip="192.0.2.9"
            )
        outbox.deliver_due()  # the worker's round, not the request's: not counted
        return comment, [" ".join(query["sql"].split())[:90] for query in queries]

    return _count


def kinds(statements: list[str]) -> str:
    return "\n".join(statements)


# The rate limit: a savepoint, the per-address lock, one statement that counts, records
# and forgets attempts, the release.
RATE_LIMIT = 4
# Inside the insert's transaction: its savepoint and release, the comment, its first
# revision, the audit event.
WRITE = 5
# A held comment queues the notices to the staff who moderate it, in one statement.
HELD_NOTICE = 1


def to_staff(outbox: list) -> list:
    return [message for message in outbox if message.to == ["amara@colloquy.example"]]


def to_readers(outbox: list) -> list:
    return [message for message in outbox if message not in to_staff(outbox)]


# The policy asks which spam model is in use (none here), so a model put to use or
# withdrawn anywhere takes effect at the next comment in every process.
SPAM_CHECK = 1
# What the policy asks of every submission before anything is written.
ASK = RATE_LIMIT + SPAM_CHECK


def test_a_first_top_level_comment_from_an_anonymous_reader(post, count):
    comment, statements = count(post=post, author_email="new@example.org")
    assert comment.status == Comment.Status.PENDING
    # + the address's standing (one query), the new-thread lock, the next tree_id.
    assert len(statements) == ASK + 1 + WRITE + 2 + HELD_NOTICE, kinds(statements)
    assert to_readers(mail.outbox) == []  # not returning, not asking: nothing to confirm
    assert len(to_staff(mail.outbox)) == 1  # the post's author hears that it waits


def test_a_reply_from_a_returning_reader_whose_link_is_pending(post, make, count):
    parent = make("Earlier.", email="ruth@example.org")  # approved: Ruth is returning
    first, _ = count(post=post, parent=parent, author_email="ruth@example.org")
    assert first.status == Comment.Status.PENDING
    assert len(to_readers(mail.outbox)) == 1  # the confirmation link

    comment, statements = count(post=post, parent=parent, author_email="Ruth@example.org")
    assert comment.status == Comment.Status.PENDING
    assert describe_all(comment.status_reasons) == ["email not confirmed yet"]
    assert len(to_readers(mail.outbox)) == 1  # one pending link per address: no second mail
    # + the standing, the thread's lock, one statement that makes room and reads the
    # parent's place; no link (the standing says one is pending); the staff's notices.
    assert len(statements) == ASK + 1 + WRITE + 2 + HELD_NOTICE, kinds(statements)


def test_the_confirmation_link_costs_its_reservation_and_its_outbox_row(post, make, count):
    parent = make("Earlier.", email="ruth@example.org")
    comment, statements = count(post=post, parent=parent, author_email="ruth@example.org")
    assert len(to_readers(mail.outbox)) == 1
    # The reservation of the mail, in a savepoint: the address's and the mailbox's locks,
    # the mailbox's pending link, the sender's count in the hour, the address's row and the
    # mailbox's row (9); its place in the outbox (1).
    assert len(statements) == ASK + 1 + WRITE + 2 + HELD_NOTICE + 9 + 1, kinds(statements)


def test_a_reply_from_a_confirmed_regular_is_approved(post, make, count):
    parent = make("Earlier.", email="ruth@example.org")
    address_confirm(address="ruth@example.org")
    comment, statements = count(post=post, parent=parent, author_email="ruth@example.org")
    assert comment.status == Comment.Status.APPROVED
    assert len(statements) == ASK + 1 + WRITE + 2, kinds(statements)


def test_a_signed_in_reader(post, reader, count):
    comment, statements = count(post=post, user=reader)
    assert comment.author_email == reader.email
    # As an anonymous top-level comment (the account's address is read like a typed one),
    # and the account's author profile for its name.
    assert len(statements) == ASK + 1 + 1 + WRITE + 2 + HELD_NOTICE, kinds(statements)


def test_the_posts_author_replying(post, author, make, count):
    parent = make("A question for the author.")
    comment, statements = count(post=post, parent=parent, user=author)
    assert comment.status == Comment.Status.APPROVED
    # Trusted: no rate limit, no policy query. The account's author profile for its name;
    # the thread's lock and the room in it.
    assert len(statements) == 1 + WRITE + 2, kinds(statements)


def test_without_a_rate_limit_or_held_first_comments(post, make, count):
    rules = PolicySettings.current()
    rules.comments_per_minute, rules.hold_first_comment = 0, False
    rules.save()
    parent = make("Earlier.")
    comment, statements = count(post=post, parent=parent, author_email="new@example.org")
    assert comment.status == Comment.Status.APPROVED
    # Nothing asks about the address: the spam model check and the write alone.
    assert len(statements) == SPAM_CHECK + WRITE + 2, kinds(statements)


@pytest.fixture
def reader(db):
    from tests.factories import UserFactory

    return UserFactory(username="reader", email="reader@example.org")


def test_the_one_query_about_an_address_says_what_the_separate_ones_said(make):
    from comments.addresses import is_confirmed, standing

    make("Approved.", email="Ruth@Example.org")
    make("Held.", email="ann@example.org", status=Comment.Status.PENDING)
    address_confirm(address="ann@example.org")
    for address in ["ruth@example.ORG", " RUTH@example.org", "ann@example.org", "new@x.org"]:
        read = standing(address)
        assert read.approved_comment == Comment.objects.with_email(address).visible().exists()
        assert read.confirmed == is_confirmed(address)
        assert read.link_sent_at is None
    assert standing("") == standing("  ")
    assert not standing("").approved_comment


# A reply sent with the form, as ``make bench``'s posting clients send it: everything the
# request costs in SQL, and one statement built by the ORM on the way (building one cost
# about as much CPU as the database took to run it; 16 clients on 2 cores are CPU-bound).
@pytest.fixture
def form_reply(client, post, make, django_capture_on_commit_callbacks, settings):
    """form_reply() -> the response; the first one warms what a running site has warm
    (the rules, the reserved names, the spam filter's check, the prepared queries)."""
    settings.SPAM_MODEL_CHECK_SECONDS = 60
    store.forget()
    rules.current()  # stores the settings row: its save would drop the cached rules later
    make("Earlier.", email="ruth@example.org")  # approved: Ruth is returning, unconfirmed
    parent = make("A question.")

    answers = itertools.count(1)

    def _post():
        # A new text each time: the same one again would be a repeat (comments.once).
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/comments/post/{post.pk}/",
                {"body": f"An answer, number {next(answers)}.", "author_name": "Ruth",
                 "parent": parent.pk, "author_email": "ruth@example.org"},
            )  # fmt: skip

    return _post


def test_a_reply_through_the_form(form_reply):
    form_reply()
    with CaptureQueriesContext(connection) as queries:
        response = form_reply()
    assert response.status_code == 302
    statements = [" ".join(query["sql"].split())[:90] for query in queries]
    # The post and the parent; whether it repeats the writer's last comment (comments.once:
    # the writer's lock is taken only outside a transaction, so not here); comment_submit's
    # as above (a link is pending since the first: no mail; the staff's notices of a held
    # comment); the thread's page.
    assert len(statements) == 2 + 1 + ASK + 1 + WRITE + 2 + HELD_NOTICE + 1, kinds(statements)


def test_a_reply_through_the_form_builds_one_statement_with_the_orm(form_reply):
    form_reply()
    compiled = []

    def counting(original):
        def as_sql(self, *args, **kwargs):
            made = original(self, *args, **kwargs)
            compiled.append(made[0][0] if isinstance(made, list) else made[0])  # inserts: a list
            return made

        return as_sql

    with (
        patch.object(SQLCompiler, "as_sql", counting(SQLCompiler.as_sql)),
        patch.object(SQLInsertCompiler, "as_sql", counting(SQLInsertCompiler.as_sql)),
    ):
        assert form_reply().status_code == 302
    # The comment's INSERT (its save() sends what retires the post's cached pages); the
    # look-ups, the page's count, the revision and the audit event are built once.
    assert [sql.split("(")[0] for sql in compiled] == ['INSERT INTO "comments_comment" ']


def test_a_reply_through_the_form_reads_the_rules_from_the_shared_cache_once(form_reply):
    form_reply()
    with patch.object(rules.cache, "get", wraps=rules.cache.get) as get:
        assert form_reply().status_code == 302
    reads = [call for call in get.call_args_list if call.args[0] == rules.CACHE_KEY]
    assert len(reads) == 1  # the rate limit, the policy and the held message share it
