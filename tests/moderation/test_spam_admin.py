"""The policy page's spam filter section: the current model, and "Retrain now"."""

import re

import pytest
from django.contrib.auth.models import Permission

from bench.spam_corpus import corpus
from moderation.models import PolicySettings, SpamModel
from tests.factories import UserFactory

from .test_spam_filter import decide

PAGE = "/admin/moderation/policysettings/{}/change/"
RETRAIN = "/admin/moderation/policysettings/retrain-spam-filter/"


@pytest.fixture(autouse=True)
def small_minimum(settings):
    settings.SPAM_FILTER_MIN_EACH = 10


def page(client):
    return client.get(PAGE.format(PolicySettings.current().pk)).content.decode()


def test_without_a_model_the_page_says_the_filter_is_off(client, superuser):
    client.force_login(superuser)
    html = page(client)
    assert "The filter is off" in html and "at least 10 comments as spam" in html
    assert "Decisions by site moderators available now: 0 spam, 0 legitimate." in html
    assert "Retrain now" in html


def test_retrain_now_trains_and_the_page_shows_the_model(client, superuser, make, moderator):
    decide(make, moderator, corpus(per_source=12, seed=3))
    client.force_login(superuser)
    response = client.post(RETRAIN, follow=True)
    model = SpamModel.objects.get()
    assert model.trained_by == superuser
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == PAGE.format(PolicySettings.current().pk)
    assert f"Spam filter #{model.pk} is in use now" in html  # the message
    assert f"In use: spam filter #{model.pk}" in html
    assert f"from {model.decision_count} decisions" in html
    assert re.search(r"Spam at a score of <strong>0\.\d{3}</strong> \(from cross-valid", html)
    assert "recall" in html and "precision" in html


def test_retrain_below_the_minimum_says_the_filter_stays_off(client, superuser, make, moderator):
    decide(make, moderator, corpus(per_source=1, seed=1))
    client.force_login(superuser)
    html = client.post(RETRAIN, follow=True).content.decode()
    assert "stays off" in html
    assert not SpamModel.objects.exists()


def test_retrain_needs_a_post_and_the_power_to_change_the_policy(client, moderator, superuser):
    client.force_login(superuser)
    assert client.get(RETRAIN).status_code == 405
    staff = UserFactory(username="viewer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_policysettings"))
    client.force_login(staff)
    assert client.post(RETRAIN).status_code == 403
    assert "Retrain now" not in page(client)
    assert not SpamModel.objects.exists()
