"""A filter that cannot turn against readers (issue 24, issue 21 item 5): folds that mean
something, a model that must earn its use, who teaches it, the drift guard, retraining
without a person, and web processes that score without the training libraries."""

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core import mail
from django.core.management import call_command

from bench.spam_corpus import corpus
from comments.addresses import address_confirm
from comments.models import Comment
from comments.reasons import describe
from moderation import services
from moderation.models import PolicySettings, SpamModel, SpamScore
from moderation.spam import gates, jobs, labels, report, store
from moderation.spam.training import Evaluation, _splits, figures_at
from tests.config.test_backup import database_url
from tests.factories import CommentMaker, PostFactory, SuperuserFactory

from .test_spam_filter import READERLY, SPAMMY, call_command_output, decide

ROOT = Path(__file__).resolve().parents[2]
PLAIN = "The trial design seems underpowered for the secondary endpoint."


@pytest.fixture(autouse=True)
def fresh_model(settings):
    settings.SPAM_FILTER_MIN_EACH = 10
    store.forget()
    yield
    store.forget()


@pytest.fixture
def trained(make, moderator):
    decide(make, moderator, corpus(per_source=12, seed=3))
    result = jobs.train()
    assert result.put_to_use, result.refusals
    return result.model


def known_reader(make, email: str = "ruth@example.org") -> str:
    """An address with an approved comment, confirmed: no other rule holds its comments."""
    make("Earlier comment", email=email)
    address_confirm(address=email)
    return email


# -- 1. folds that mean something ----------------------------------------------------------


def test_one_dominant_post_gives_stratified_folds_and_a_sound_model(make, moderator, submit):
    """The issue's replay: most decisions on one busy post, a few on two others."""
    items = corpus(per_source=24, seed=4)
    busy, quiet_a, quiet_b = make, CommentMaker(PostFactory()), CommentMaker(PostFactory())
    decide(busy, moderator, items[:100])
    decide(quiet_a, moderator, items[100:110])
    decide(quiet_b, moderator, items[110:120])

    result = jobs.train()

    figures = result.model.evaluation
    assert figures["grouped_by_post"] is False  # grouping would train on a handful
    assert result.model.calibration_a > 0
    if result.put_to_use:
        assert figures["at_spam"]["legitimate_flagged"] <= 0.01
        writer = known_reader(make)
        comment = submit(PLAIN, author_email=writer, author_name="Ruth")
        assert comment.status == Comment.Status.APPROVED
    else:
        assert not SpamModel.objects.filter(put_to_use=True).exists()


def test_posts_of_even_size_keep_each_post_in_one_fold():
    is_spam = np.array([True, False] * 60)
    groups = np.repeat(np.arange(6), 20)
    splits, folds, grouped = _splits(is_spam, groups, 5)
    assert grouped and folds == 5
    for _fit_on, score_on in splits:
        for fit_group in set(groups[_fit_on]):
            assert fit_group not in set(groups[score_on])


def test_a_post_holding_most_decisions_makes_the_folds_stratified():
    is_spam = np.array([True, False] * 60)
    groups = np.array([0] * 100 + [1] * 10 + [2] * 10)
    _splits_found, folds, grouped = _splits(is_spam, groups, 5)
    assert not grouped and folds == 5


# -- 2. a model must earn the right to act ------------------------------------------------


def evaluation(*, slope=1.0, flagged=0.0, hold_recall=0.9) -> Evaluation:
    found = Evaluation(np.zeros(4), np.array([True, True, False, False]), 5, False, (slope, 0))
    found.figures = {
        "at_spam": {"threshold": 0.9, "legitimate_flagged": flagged, "recall": 0.8},
        "at_hold": {"threshold": 0.5, "recall": hold_recall},
        "rules": {"recall": 0.1, "legitimate_flagged": 0.0, "with_model_recall": 0.85,
                  "with_model_legitimate_flagged": 0.0},
    }  # fmt: skip
    return found


def test_the_floors_each_refuse_a_model_and_say_why():
    assert gates.judge(evaluation()) == []
    [slope] = gates.judge(evaluation(slope=-0.078))
    assert slope["kind"] == "slope"
    assert "not positive" in report.refusal_line(slope)
    [flagged] = gates.judge(evaluation(flagged=0.02))
    assert "file 2.0% of legitimate comments as spam (at most 1.0% allowed)" in (
        report.refusal_line(flagged)
    )
    [hold] = gates.judge(evaluation(hold_recall=0.2))
    assert "catch only 20.0% of spam" in report.refusal_line(hold)
    weak = evaluation()
    weak.figures["rules"]["with_model_recall"] = 0.1  # adds nothing to the blocked terms
    [rules] = gates.judge(weak)
    assert report.refusal_line(rules).startswith("It does not beat the rules alone")


def test_the_rules_alone_are_measured_on_the_training_comments(db):
    from moderation.models import BlockedTerm

    BlockedTerm.objects.create(value="viagra")
    from moderation.spam.sample import Sample

    samples = [Sample(SPAMMY), Sample("Win money now"), Sample(READERLY), Sample(PLAIN)]
    found = Evaluation(np.array([0.9, 0.2, 0.1, 0.1]), np.array([1, 1, 0, 0], bool), 2, False,
                       (1, 0), spam_threshold=0.5)  # fmt: skip
    figures = gates.rules_figures(samples, found)
    assert figures["recall"] == 0.5 and figures["legitimate_flagged"] == 0.0
    assert figures["with_model_recall"] == 0.5  # the model's one is the rules' one


def test_a_refused_training_keeps_the_model_in_use_and_says_why(
    trained, make, moderator, settings, submit, client, superuser
):
    settings.SPAM_FILTER_MIN_HOLD_RECALL = 1.01  # no model can reach it
    decide(make, moderator, corpus(per_source=4, seed=9))
    out = call_command_output("train_spam_filter")
    refused = SpamModel.objects.first()
    assert refused.pk != trained.pk and not refused.put_to_use
    assert f"Spam filter #{refused.pk} was saved but NOT put to use:" in out
    assert "(at least 101.0% needed)" in out
    assert f"Spam filter #{trained.pk} stays in use." in out
    assert store.current().id == trained.pk
    client.force_login(superuser)
    html = client.get(f"/admin/moderation/policysettings/{PolicySettings.current().pk}/change/")
    html = html.content.decode()
    assert f"The newest training (spam filter #{refused.pk}" in html
    assert "(at least 101.0% needed)" in html
    assert f"In use: spam filter #{trained.pk}" in html


def test_a_refused_first_training_leaves_the_filter_off(make, moderator, settings, submit):
    settings.SPAM_FILTER_MIN_HOLD_RECALL = 1.01
    decide(make, moderator, corpus(per_source=12, seed=3))
    out = call_command_output("train_spam_filter")
    assert "NOT put to use" in out and "The filter stays off" in out
    assert store.current() is None
    comment = submit(SPAMMY, author_email="seller@example.org")
    assert comment.status == Comment.Status.PENDING  # the other rules, as before


# -- 3. who teaches it (issue 21, item 5) ---------------------------------------------------


def test_an_author_cannot_train_the_filter_against_other_authors_readers(
    trained, other_post, other_author, make, submit
):
    """lin marks 60 "relapse" comments on his post as spam and approves 60 others, then
    the filter is trained: amara's confirmed reader writing about a relapse is published."""
    before = labels.counts()
    on_lins_post = CommentMaker(other_post)
    for n in range(60):
        spam = on_lins_post(f"My relapse number {n} came after the infusion.", status="pending")
        services.comment_mark_spam(comment=spam, actor=other_author)
        ham = on_lins_post(f"Thanks for the post, point {n} was clear.", status="pending")
        services.comment_approve(comment=ham, actor=other_author)

    assert labels.counts() == before  # lin's decisions on his own post teach nothing
    result = jobs.train()
    assert result.put_to_use
    assert (result.model.spam_count, result.model.legitimate_count) == before
    writer = known_reader(make)
    comment = submit("I had a relapse last year and the MRI showed two new lesions.",
                     author_email=writer, author_name="Ruth")  # fmt: skip
    assert comment.status == Comment.Status.APPROVED


def test_decisions_by_a_moderator_or_a_superuser_teach_it(make, moderator, superuser):
    services.comment_mark_spam(comment=make("a", status="pending"), actor=moderator)
    services.comment_approve(comment=make("b", status="pending"), actor=superuser)
    assert labels.counts() == (1, 1)


# -- 4. nothing buried ------------------------------------------------------------------------


def test_a_filed_comment_keeps_its_score_as_a_number(trained, submit):
    comment = submit(SPAMMY, author_email="seller@example.org", author_name="RxStore")
    assert comment.status == Comment.Status.SPAM
    score = SpamScore.objects.get(comment=comment)
    assert score.outcome == SpamScore.Outcome.FILED
    assert score.spam_model_id == trained.pk and 0.5 <= score.score <= 1.0
    assert f"{score.score:.2f}" in describe(comment.status_reasons[0])
    assert score.words and all(weight > 0 for _word, weight in score.words)


def test_a_passed_comment_is_scored_too(trained, make, submit):
    writer = known_reader(make)
    comment = submit(READERLY, author_email=writer)
    assert comment.status == Comment.Status.APPROVED
    assert SpamScore.objects.get(comment=comment).outcome == SpamScore.Outcome.PASSED


def test_erasing_a_filed_comment_erases_the_words_kept_with_its_score(
    trained, submit, superuser, make
):
    comment = submit(SPAMMY, author_email="seller@example.org")
    make("A reply to it.", parent=comment)  # so the erased comment keeps its place
    services.comment_erase(comment=comment, actor=superuser, reason="request 12")
    score = SpamScore.objects.get(comment=comment)
    assert score.words == [] and score.score > 0.5


REVIEW = "/admin/moderation/policysettings/spam-review/"
NOT_SPAM = "/admin/moderation/policysettings/spam-review/not-spam/"


def test_moderators_review_what_the_model_filed_and_not_spam_publishes_it(
    trained, submit, client, moderator
):
    comment = submit(SPAMMY, author_email="seller@example.org", author_name="RxStore")
    score = SpamScore.objects.get(comment=comment)
    client.force_login(moderator)
    html = client.get(REVIEW).content.decode()
    assert SPAMMY.split(" http")[0] in html and "RxStore" in html
    assert f"{score.score:.2f}" in html
    assert f"<code>{score.words[0][0]}</code>" in html  # the word that weighed most

    response = client.post(NOT_SPAM, {"comment": comment.pk})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert labels.latest_labels()[comment.pk] is False  # a decision that teaches
    assert SPAMMY.split(" http")[0] not in client.get(REVIEW).content.decode()


def test_an_author_reviews_only_their_own_posts_filed_comments(
    trained, submit, client, other_author
):
    comment = submit(SPAMMY, author_email="seller@example.org")  # on amara's post
    client.force_login(other_author)
    assert SPAMMY.split(" http")[0] not in client.get(REVIEW).content.decode()
    assert client.post(NOT_SPAM, {"comment": comment.pk}).status_code == 403
    assert client.post(NOT_SPAM, {"comment": "²"}).status_code == 400
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_the_writer_of_a_filed_comment_reads_awaiting_moderation(trained, client, post):
    response = client.post(
        f"/comments/post/{post.pk}/",
        {"body": SPAMMY, "author_name": "RxStore", "author_email": "seller@example.org"},
        follow=True,
    )
    assert Comment.objects.get(author_email="seller@example.org").status == Comment.Status.SPAM
    html = response.content.decode()
    assert "awaiting moderation" in html and "spam" not in html.split("<main")[-1].lower()


# -- the drift guard ---------------------------------------------------------------------------


def test_a_model_filing_far_more_than_predicted_stops_filing_and_tells_moderators(
    trained, submit, settings, moderator, mail_on_commit, client
):
    settings.SPAM_DRIFT_MIN_COMMENTS = 5
    evaluation = {**trained.evaluation, "filed_share": 0.05}  # it expected to file 5%
    SpamModel.objects.filter(pk=trained.pk).update(evaluation=evaluation)
    store.forget()
    filed = [submit(SPAMMY, author_email=f"s{n}@example.org") for n in range(4)]
    assert {c.status for c in filed} == {Comment.Status.SPAM}
    with mail_on_commit():
        fifth = submit(SPAMMY, author_email="s5@example.org")

    assert fifth.status == Comment.Status.PENDING  # held, not filed
    assert "filing to spam is paused" in describe(fifth.status_reasons[0])
    model = SpamModel.objects.get(pk=trained.pk)
    assert model.drift_at is not None and model.drift["filed"] == 5
    [message] = [m for m in mail.outbox if "stopped filing" in m.subject]
    assert moderator.email in message.to
    assert "stopped filing" in message.subject and "filed 5 of the last 5" in message.body
    with mail_on_commit():
        sixth = submit(SPAMMY, author_email="s6@example.org")
    assert sixth.status == Comment.Status.PENDING
    # One mail, not one per comment.
    assert len([m for m in mail.outbox if "stopped filing" in m.subject]) == 1
    client.force_login(moderator)
    html = client.get(f"/admin/moderation/policysettings/{PolicySettings.current().pk}/change/")
    assert "Filing to spam is paused" in html.content.decode()


def test_a_model_filing_what_it_predicted_keeps_filing(trained, submit, settings):
    settings.SPAM_DRIFT_MIN_COMMENTS = 5
    evaluation = {**trained.evaluation, "filed_share": 0.9}
    SpamModel.objects.filter(pk=trained.pk).update(evaluation=evaluation)
    store.forget()
    found = [submit(SPAMMY, author_email=f"s{n}@example.org").status for n in range(8)]
    assert found == [Comment.Status.SPAM] * 8
    assert SpamModel.objects.get(pk=trained.pk).drift_at is None


# -- 7. retraining without a person -------------------------------------------------------------


def test_retrain_if_due_trains_after_enough_new_decisions(make, moderator, settings):
    settings.SPAM_RETRAIN_AFTER = 40
    decide(make, moderator, corpus(per_source=4, seed=1))  # 20 decisions
    assert jobs.retrain_if_due() is None
    assert call_command_output("retrain_spam_filter").startswith("Not due")
    decide(make, moderator, corpus(per_source=10, seed=3))
    said = jobs.retrain_if_due()
    assert "new decisions since the last training" in said and "is in use now" in said
    assert jobs.retrain_if_due() is None  # the count starts again


def test_a_failed_retraining_leaves_the_site_as_it_was(trained, make, moderator, settings,
                                                       monkeypatch):  # fmt: skip
    from moderation.spam import training

    settings.SPAM_RETRAIN_AFTER = 10
    decide(make, moderator, corpus(per_source=3, seed=8))

    def broken(**kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(training, "fit_and_save", broken)
    said = jobs.retrain_if_due()
    assert "failed (MemoryError('out of memory'))" in said and "stays as it was" in said
    assert store.current().id == trained.pk
    assert SpamModel.objects.count() == 1


def test_a_refused_retraining_leaves_the_site_as_it_was(trained, make, moderator, settings):
    settings.SPAM_RETRAIN_AFTER = 10
    settings.SPAM_FILTER_MIN_HOLD_RECALL = 1.01
    decide(make, moderator, corpus(per_source=3, seed=8))
    said = call_command_output("retrain_spam_filter")
    assert "NOT put to use" in said and f"#{trained.pk} stays in use" in said
    assert store.current().id == trained.pk


# -- 6. web workers stay light ---------------------------------------------------------------

LIGHT = """
import sys
from config.wsgi import application  # noqa: F401 - what gunicorn imports
from blog.models import Post
from comments.models import Comment
from moderation.models import PolicySettings
from moderation.spam import scoring
comment = Comment(post=Post.objects.get(), body=sys.argv[1], author_email="x@example.org")
found = scoring.verdict(comment, PolicySettings.current())
heavy = sorted(m for m in ("numpy", "scipy", "sklearn") if m in sys.modules)
print(found.outcome, round(found.probability, 4), ",".join(heavy) or "none")
"""


@pytest.mark.django_db(transaction=True)
def test_a_web_process_scores_a_comment_without_the_training_libraries():
    moderator = SuperuserFactory(username="root-light")
    make = CommentMaker(PostFactory())
    decide(make, moderator, corpus(per_source=12, seed=3))
    model = jobs.train().model
    assert model.put_to_use
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", LIGHT, SPAMMY], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    outcome, probability, heavy = done.stdout.split()
    assert heavy == "none"
    assert outcome == "filed"
    here = store.load(model).probability(scoring_sample(SPAMMY))
    assert float(probability) == pytest.approx(here, abs=1e-3)


def scoring_sample(text: str):
    from moderation.spam.sample import Sample

    return Sample(body=text)


def test_figures_at_counts_what_a_threshold_flags():
    found = figures_at(np.array([0.9, 0.6, 0.7, 0.1]), np.array([1, 1, 0, 0], bool), 0.65)
    assert found["recall"] == 0.5 and found["legitimate_flagged"] == 0.5


def test_the_workers_round_retrains_when_due(make, moderator, settings, caplog):
    """The worker (manage.py worker --once, as cron or compose runs it) is where the
    retraining happens without a person: one round trains once enough decisions came."""
    settings.SPAM_RETRAIN_AFTER = 40
    decide(make, moderator, corpus(per_source=10, seed=3))
    before = SpamModel.objects.count()

    with caplog.at_level("INFO", logger="moderation.worker"):
        call_command("worker", "--once", stdout=io.StringIO())

    assert SpamModel.objects.count() == before + 1
    assert any("new decisions since the last training" in m for m in caplog.messages)
