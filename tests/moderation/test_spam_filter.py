"""The learned spam filter: what it learns from, when it is on, what the policy does with
its score, how a model is stored, loaded and shared between processes."""

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.spam_corpus import corpus
from comments.addresses import address_confirm
from comments.models import Comment
from comments.reasons import describe_all
from moderation import services
from moderation.models import ModerationEvent, PolicySettings, SpamModel
from moderation.policy import assess_text
from moderation.spam import labels, store
from moderation.spam.features import Featuriser, Sample
from moderation.spam.jobs import train
from tests.config.test_backup import database_url
from tests.factories import CommentMaker, PostFactory, SuperuserFactory

ROOT = Path(__file__).resolve().parents[2]
SPAMMY = "Buy cheap viagra online without prescription, lowest prices http://pills-now.xyz/buy"
READERLY = "Has anyone tried the new infusion schedule? My neurologist thought it was worth a go."
SCORE_REASON = re.compile(r"^spam score (0|1)\.\d\d \(learned from [\d,]+ decisions\)$")


@pytest.fixture(autouse=True)
def fresh_model(settings):
    """Each test starts with no model loaded in this process."""
    settings.SPAM_FILTER_MIN_EACH = 10
    store.forget()
    yield
    store.forget()


def decide(make, moderator, items):
    """Moderators' decisions about comments from the corpus: approve or mark spam."""
    comments = []
    for item in items:
        comment = make(item.text, status=Comment.Status.PENDING, name=item.name)
        action = services.comment_mark_spam if item.is_spam else services.comment_approve
        comments.append(action(comment=comment, actor=moderator))
    return comments


@pytest.fixture
def trained(make, moderator):
    """A model learned from 60 decisions (spam and legitimate, five kinds of blog)."""
    decide(make, moderator, corpus(per_source=12, seed=3))
    result = train()
    assert result.put_to_use, result.refusals
    return result.model


# -- labels come only from moderators' decisions -----------------------------------------


def test_labels_come_from_the_latest_decision_by_a_moderator(make, moderator):
    approved = services.comment_approve(comment=make("a", status="pending"), actor=moderator)
    spam = services.comment_mark_spam(comment=make("b", status="pending"), actor=moderator)
    rejected = services.comment_reject(comment=make("c", status="pending"), actor=moderator)
    removed = services.comment_remove(
        comment=make("d", status="pending"), actor=moderator, reason="off topic"
    )
    relabelled = services.comment_mark_spam(comment=make("e", status="pending"), actor=moderator)
    services.comment_mark_not_spam(comment=relabelled, actor=moderator)
    changed_mind = services.comment_approve(comment=make("f", status="pending"), actor=moderator)
    services.comment_mark_spam(comment=changed_mind, actor=moderator)
    rejected_then_spam = services.comment_reject(
        comment=make("g", status="pending"), actor=moderator
    )
    services.comment_mark_spam(comment=rejected_then_spam, actor=moderator)
    make("never decided", status="pending")
    make("imported as spam", status="spam")  # the import's event has no actor

    assert labels.latest_labels() == {
        approved.pk: False,
        spam.pk: True,
        relabelled.pk: False,
        changed_mind.pk: True,
        rejected_then_spam.pk: True,
    }
    assert rejected.pk not in labels.latest_labels()
    assert removed.pk not in labels.latest_labels()
    assert labels.counts() == (3, 2)


def test_the_filters_own_decisions_do_not_train_it(trained, submit):
    before = labels.counts()
    comment = submit(SPAMMY, author_email="x@example.org", author_name="RxStore")
    assert comment.status == "spam"
    assert labels.counts() == before


def test_training_reads_what_the_reader_sent_not_a_moderators_edit(make, moderator):
    comment = make("Original words with a link http://spam-site.top", status="pending")
    services.comment_edit(comment=comment, actor=moderator, reason="link", body="Tidied words")
    services.comment_mark_spam(comment=comment, actor=moderator)
    [row] = labels.training_set()
    assert row.sample.body.startswith("Original words") and row.is_spam


# -- off below the minimum ----------------------------------------------------------------


def test_below_the_minimum_no_model_is_saved_and_the_filter_stays_off(make, moderator, submit):
    decide(make, moderator, corpus(per_source=2, seed=1))  # about five of each
    out = call_command_output("train_spam_filter")
    assert SpamModel.objects.count() == 0
    assert "needs at least 10 of each" in out and "filter stays off" in out
    comment = submit(SPAMMY, author_email="seller@example.org")
    assert comment.status == "pending"
    assert not any("spam score" in reason for reason in describe_all(comment.status_reasons))


def call_command_output(*args, **kwargs) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_train_command_prints_counts_figures_and_time(make, moderator):
    decide(make, moderator, corpus(per_source=12, seed=3))
    spam, legit = labels.counts()
    out = call_command_output("train_spam_filter")
    assert "is in use now, in every web process" in out
    assert f"Decisions used: {spam} spam, {legit} legitimate." in out
    assert re.search(r"At the spam threshold 0\.\d{3}: precision [\d.]+%, recall [\d.]+%", out)
    assert re.search(r"Took \d+\.\d s\.", out)
    model = SpamModel.objects.get()
    assert (model.spam_count, model.legitimate_count) == (spam, legit)


# -- in the policy ------------------------------------------------------------------------


def test_a_high_score_sends_to_spam_with_the_score_as_reason(trained, submit):
    comment = submit(SPAMMY, author_email="seller@example.org", author_name="RxStore")
    assert comment.status == "spam"
    [reason] = describe_all(comment.status_reasons)
    assert SCORE_REASON.match(reason) and f"from {trained.decision_count} decisions" in reason
    event = ModerationEvent.objects.get(comment=comment)
    assert event.reason == reason and event.actor is None


def test_thresholds_in_the_policy_settings_are_respected(trained, submit, make):
    make("Earlier comment", email="ruth@example.org")  # a known reader: nothing else holds
    address_confirm(address="ruth@example.org")
    model = store.current()
    probability = model.probability(Sample(body=SPAMMY, name="Ruth", known_email=True))
    rules = PolicySettings.current()

    rules.spam_threshold, rules.hold_threshold = min(probability + 0.01, 1.0), 0.0
    rules.save()
    held = submit(SPAMMY, author_email="ruth@example.org", author_name="Ruth")
    assert held.status == "pending"
    assert [r for r in describe_all(held.status_reasons) if SCORE_REASON.match(r)]

    rules.spam_threshold = rules.hold_threshold = min(probability + 0.01, 1.0)
    rules.save()
    below = submit(SPAMMY, author_email="ruth@example.org", author_name="Ruth")
    assert (below.status, describe_all(below.status_reasons)) == ("approved", [])

    rules.spam_threshold = max(probability - 0.01, 0.0)
    rules.save()
    assert submit(SPAMMY, author_email="ruth@example.org", author_name="Ruth").status == "spam"


def test_a_low_score_leaves_the_other_rules_in_charge(trained, submit, make):
    rules = PolicySettings.current()
    rules.spam_threshold, rules.hold_threshold = 0.999, 0.999
    rules.save()
    new_reader = submit(READERLY, author_email="new@example.org")
    assert new_reader.status == "pending"  # the first-comment rule still holds it
    assert describe_all(new_reader.status_reasons) == ["first comment from this email"]
    make("Earlier comment", email="known@example.org")
    address_confirm(address="known@example.org")
    assert submit(READERLY, author_email="known@example.org").status == "approved"


def test_a_writers_correction_the_filter_passes_stays_published(trained, make):
    # A passing verdict has no reason: it must not hold the correction with an empty one.
    rules = PolicySettings.current()
    rules.spam_threshold, rules.hold_threshold = 0.999, 0.999
    rules.save()
    corrected = make(READERLY + " (Corrected: every eight weeks.)", status=Comment.Status.APPROVED)
    assessment = assess_text(comment=corrected)
    assert (assessment.status, assessment.reasons) == (Comment.Status.APPROVED, [])


def test_the_policy_reason_is_shown_in_the_queue(trained, submit, client, superuser):
    rules = PolicySettings.current()
    rules.spam_threshold, rules.hold_threshold = 1.0, 0.0
    rules.save()
    held = submit(SPAMMY, author_email="seller@example.org")
    [score] = [r for r in describe_all(held.status_reasons) if SCORE_REASON.match(r)]
    client.force_login(superuser)
    page = client.get("/admin/moderation/pendingcomment/").content.decode()
    assert score in page


def test_not_spam_restores_the_comment_and_counts_as_a_decision(trained, submit, moderator):
    comment = submit(SPAMMY, author_email="seller@example.org", author_name="RxStore")
    assert comment.status == "spam"
    services.comment_mark_not_spam(comment=comment, actor=moderator)
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert labels.latest_labels()[comment.pk] is False


# -- storage: plain numbers, loaded without running code -----------------------------------


def test_loading_runs_no_code(trained, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("loading a model must not unpickle anything")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    monkeypatch.setattr(np, "load", refuse)
    row = SpamModel.objects.get(pk=trained.pk)
    assert isinstance(row.features, dict) and isinstance(bytes(row.weight_value), bytes)
    model = store.load(row)
    assert 0.0 <= model.probability(Sample(body=SPAMMY)) <= 1.0


@pytest.mark.parametrize(
    "features",
    [
        {"analyzer": "os.system"},
        "cos\nsystem\n(S'echo pwned'\ntR.",
        {"version": 1, "word_ngrams": [1, 2], "char_ngrams": [2, 5], "word_bits": 18,
         "char_bits": 18, "meta_bits": 14, "meta_weight": 0.5, "preprocessor": "builtins.eval"},
        {"version": 1, "word_ngrams": "(1, 2)", "char_ngrams": [2, 5], "word_bits": 18,
         "char_bits": 18, "meta_bits": 14, "meta_weight": 0.5},
    ],
)  # fmt: skip
def test_a_row_that_is_not_plain_numbers_is_refused_and_the_filter_stays_off(
    trained, features, submit
):
    SpamModel.objects.filter(pk=trained.pk).update(features=features)
    with pytest.raises(ValueError):
        store.load(SpamModel.objects.get(pk=trained.pk))
    store.forget()
    comment = submit(SPAMMY, author_email="seller@example.org")
    assert comment.status == "pending"  # the existing rules, not an error page


def test_weight_positions_out_of_order_are_refused(trained, submit):
    from array import array

    row = SpamModel.objects.get(pk=trained.pk)
    positions = array("i")
    positions.frombytes(bytes(row.weight_index))
    positions[0], positions[1] = positions[1], positions[0]
    SpamModel.objects.filter(pk=trained.pk).update(weight_index=positions.tobytes())
    with pytest.raises(ValueError, match="increasing order"):
        store.load(SpamModel.objects.get(pk=trained.pk))
    store.forget()
    assert submit(SPAMMY, author_email="seller@example.org").status == "pending"


def test_a_worker_keeps_only_the_weights_the_model_has(trained):
    """Not an array of the whole feature space (2 MiB in every web worker): the stored
    positions and values, looked up by bisection, with the same weight for every column."""
    model = store.load(trained)
    dense = model.weights.dense()
    assert len(model.weights.columns) == len(model.weights.values) < len(dense) // 10
    assert model.weights.columns.itemsize + model.weights.values.itemsize == 8
    for column in [*model.weights.columns[:50], 0, 1, len(dense) - 1, *range(1000, 1100)]:
        assert model.weights[column] == dense[column]


def test_scoring_one_comment_gives_the_same_numbers_as_the_training_matrix(trained):
    from moderation.spam.training import matrix

    model = store.load(trained)
    samples = [Sample(i.text, i.name, known_email=n % 2 == 0) for n, i in enumerate(corpus(5))]
    weights = np.frombuffer(model.weights.dense().tobytes(), dtype=np.float32).astype(np.float64)
    batch = matrix(samples) @ weights + model.intercept
    one_by_one = [model.raw_score(sample) for sample in samples]
    assert np.allclose(batch, one_by_one, atol=1e-4)


def test_the_ip_address_is_not_a_feature():
    from moderation.spam.scoring import sample_for

    featuriser = Featuriser()
    a = featuriser.row(Sample(body="same words", name="Ann"))
    comment = Comment(body="same words", author_name="Ann", ip_hash="ab" * 32)
    assert featuriser.row(sample_for(comment)) == a


def test_a_model_put_to_use_is_used_at_the_next_comment(trained, make, moderator):
    assert store.current().id == trained.pk
    decide(make, moderator, corpus(per_source=4, seed=9))
    newer = train().model
    assert newer.put_to_use
    assert store.current().id == newer.pk  # no interval: the next assessment sees it
    SpamModel.objects.filter(pk=newer.pk).update(put_to_use=False)  # withdrawn
    assert store.current().id == trained.pk


WORKER = """
import sys, django
django.setup()
from moderation.spam import store
from moderation.spam.features import Sample
print("ready", flush=True)
for line in sys.stdin:
    model = store.current()
    if model is None:
        print("off", flush=True)
    else:
        print(model.id, round(model.probability(Sample(body=line.strip())), 6), flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_a_model_saved_in_one_process_is_used_by_another():
    # No group fixtures: an earlier transactional test may have flushed the groups.
    moderator = SuperuserFactory(username="root-two-processes")
    make = CommentMaker(PostFactory())
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),  # socket (the embedded server) or TCP
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER], cwd=ROOT, env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip

    def ask(text: str) -> str:
        worker.stdin.write(text + "\n")
        worker.stdin.flush()
        return worker.stdout.readline().strip()

    try:
        assert worker.stdout.readline().strip() == "ready"
        assert ask(SPAMMY) == "off"
        decide(make, moderator, corpus(per_source=12, seed=3))
        first = train().model
        model_id, probability = ask(SPAMMY).split()
        assert int(model_id) == first.pk
        here = store.load(first).probability(Sample(body=SPAMMY))
        assert float(probability) == pytest.approx(here, abs=1e-5)
        decide(make, moderator, corpus(per_source=4, seed=9))
        second = train().model
        assert int(ask(SPAMMY).split()[0]) == second.pk
    finally:
        worker.stdin.close()
        worker.wait(timeout=30)


# -- evaluating on a labelled CSV ---------------------------------------------------------


def test_evaluate_command_cross_validates_a_csv(tmp_path, db):
    path = tmp_path / "labelled.csv"
    rows = ["CONTENT,CLASS,AUTHOR"] + [
        '"{}",{},"{}"'.format(i.text.replace('"', '""'), int(i.is_spam), i.name)
        for i in corpus(per_source=20, seed=5)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = call_command_output(
        "evaluate_spam_filter", str(path), "--text-column", "CONTENT",
        "--label-column", "CLASS", "--name-column", "AUTHOR", "--folds", "3",
    )  # fmt: skip
    assert re.search(r"100 comments: \d+ spam, \d+ legitimate", out)
    assert "Cross-validation: 3 folds (stratified)." in out
    assert re.search(r"precision [\d.]+%, recall [\d.]+%, legitimate comments at or above", out)
    assert SpamModel.objects.count() == 0  # evaluation saves nothing


def test_evaluate_command_names_a_missing_column(tmp_path):
    path = tmp_path / "labelled.csv"
    path.write_text("text,label\nhello,ham\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column 'CONTENT'; its columns are: text, label"):
        call_command("evaluate_spam_filter", str(path), "--text-column", "CONTENT")


def test_scoring_on_the_posting_path_costs_two_queries(trained, django_assert_num_queries, make):
    from moderation.spam.scoring import verdict

    rules = PolicySettings.current()
    comment = Comment(post=make("x").post, body=READERLY, author_email="reader@example.org")
    verdict(comment, rules)  # loads the model
    # "which model is in use?" and "has this email an approved comment?"
    with django_assert_num_queries(2):
        assert verdict(comment, rules) is not None
    store.forget()
    SpamModel.objects.all().delete()
    with django_assert_num_queries(1):  # no model: "is there one now?"
        assert verdict(comment, rules) is None


def test_a_hold_threshold_above_the_spam_threshold_is_refused(db):
    from django.core.exceptions import ValidationError

    rules = PolicySettings.current()
    rules.spam_threshold, rules.hold_threshold = 0.8, 0.9
    with pytest.raises(ValidationError, match="cannot be above the spam threshold"):
        rules.full_clean()
    rules.hold_threshold = 0.6
    rules.full_clean()


def test_evaluate_command_holds_out_each_source_in_turn(tmp_path, db):
    path = tmp_path / "labelled.csv"
    rows = ["source,text,label"] + [
        '{},"{}",{}'.format(i.source, i.text.replace('"', '""'), int(i.is_spam))
        for i in corpus(per_source=20, seed=5)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = call_command_output(
        "evaluate_spam_filter", str(path), "--group-column", "source", "--leave-one-group-out"
    )
    assert "Cross-validation: 5 folds (each source held out)." in out
    assert re.search(r"Calibration slope: \d+\.\d{3}\.", out)
    assert re.search(r"at most 0\.5% / 1% / 2% of legitimate comments flagged: [\d.]+% / ", out)
    with pytest.raises(CommandError, match="needs --group-column"):
        call_command("evaluate_spam_filter", str(path), "--leave-one-group-out")
