"""Issue 23, smaller points: the sign-in lock page wears the site's style (not "Django
administration") and says how long to wait, for the pair's lock and the address's."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.blog.markup import parse


def sign_in(username: str, password: str, address: str):
    return Client(REMOTE_ADDR=address).post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )


def minutes_to_wait(html: str) -> int:
    wait = parse(html).find("p", cls="lock-wait").text.replace("\xa0", " ")
    found = re.search(r": in (?:(\d+) hours?)?(?:, )?(?:(\d+) minutes?)?", wait)
    hours, minutes = (int(part or 0) for part in found.groups())
    return hours * 60 + minutes


@pytest.fixture
def limit() -> int:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.25  # hours
    return settings.AXES_FAILURE_LIMIT


def test_the_pair_lock_page_is_the_sites_and_says_the_wait(author, limit):
    for _attempt in range(limit):
        sign_in("amara", "wrong", "192.0.2.10")
    response = sign_in("amara", "pw", "192.0.2.10")
    assert response.status_code == 429
    html = response.content.decode()
    page = parse(html)
    assert "Django administration" not in html
    assert page.find("a", cls="site-name").text == settings.SITE_NAME
    assert page.find("h1").text == "Sign-in paused"
    assert "paused for this account and this address" in page.find(role="alert").text
    assert minutes_to_wait(html) in (14, 15)  # "in 14 minutes" once a few seconds passed
    assert f"at {timezone.localtime(timezone.now() + datetime.timedelta(minutes=15)):%H:%M}" in (
        page.find("p", cls="lock-wait").text
    )


def test_the_address_lock_page_says_the_addresss_wait(author):
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    for attempt in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        sign_in(f"nobody{attempt}", "guess", "203.0.113.7")
    html = sign_in("amara", "pw", "203.0.113.7").content.decode()
    assert "paused for every account from this address" in html
    # The first failure leaves the 24-hour window in a little under 24 hours.
    assert 23 * 60 <= minutes_to_wait(html) <= 24 * 60
