"""Admin sign-in throttling (django-axes, config/login_throttle.py): after
AXES_FAILURE_LIMIT failures for one username from one address, that pair is refused, even
with the right password, with a page that says why; a successful sign-in before the limit
starts the count again. An address is refused for every username only after
AXES_ADDRESS_FAILURE_LIMIT failures over AXES_ADDRESS_WINDOW_HOURS; a username alone is
never locked, so nobody can lock staff out from afar (issue 16 item 12).
"""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

LOCKED = "Too many failed sign-in attempts."
WRONG = "Please enter the correct username and password for a staff account."


@pytest.fixture
def limit() -> int:
    assert settings.AXES_FAILURE_LIMIT == 5
    return settings.AXES_FAILURE_LIMIT


def sign_in(username: str, password: str, address: str):
    """One try at the admin's sign-in form, from ``address``."""
    return Client(REMOTE_ADDR=address).post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def refused(response) -> bool:
    return response.status_code == 429 and LOCKED in response.content.decode()


def test_right_password_signs_in(author):
    assert signed_in(sign_in("amara", "pw", "198.51.100.1"))


def test_wrong_password_is_an_ordinary_error_below_the_limit(author, limit):
    for attempt in range(limit - 1):
        response = sign_in("amara", "wrong", f"198.51.100.{attempt + 1}")
        assert response.status_code == 200
        assert WRONG in response.content.decode()


def test_failures_for_one_username_from_one_address_lock_that_pair_only(
    author, other_author, limit
):
    """The issue's steps: five wrong passwords for ``admin`` from one address."""
    for attempt in range(limit):
        sign_in("amara", f"guess{attempt}", "198.51.100.1")

    response = sign_in("amara", "pw", "198.51.100.1")  # the right password, same address
    assert refused(response)
    assert "/admin/" not in response.get("Location", "")
    # The real amara, elsewhere, is not locked out; nor is lin from the same address.
    assert signed_in(sign_in("amara", "pw", "203.0.113.50"))
    assert signed_in(sign_in("lin", "pw", "198.51.100.1"))


def test_failures_for_one_username_from_many_addresses_lock_nobody_out(author, limit):
    for attempt in range(limit * 3):
        sign_in("amara", f"guess{attempt}", f"198.51.100.{attempt + 1}")

    assert signed_in(sign_in("amara", "pw", "198.51.100.200"))


@pytest.fixture
def address_limit() -> int:
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    assert settings.AXES_ADDRESS_WINDOW_HOURS == 24
    return settings.AXES_ADDRESS_FAILURE_LIMIT


def test_many_failures_from_one_address_lock_the_address(author, limit, address_limit):
    for attempt in range(address_limit - 1):
        sign_in(f"nobody{attempt}", "guess", "203.0.113.7")
    # Spraying usernames: below the address's limit, a right password still works.
    assert signed_in(sign_in("amara", "pw", "203.0.113.7"))
    sign_in("nobody-last", "guess", "203.0.113.7")

    assert refused(sign_in("amara", "pw", "203.0.113.7"))
    # The same account from elsewhere is fine: it was the address that misbehaved.
    assert signed_in(sign_in("amara", "pw", "203.0.113.8"))


def test_the_address_window_is_longer_than_the_pairs(author, limit, address_limit):
    for attempt in range(address_limit):
        sign_in(f"nobody{attempt}", "guess", "203.0.113.9")
    # Long after the pair's cool-off, the address is still refused ...
    later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert refused(sign_in("amara", "pw", "203.0.113.9"))
    # ... until its window has passed.
    later = timezone.now() + datetime.timedelta(hours=25)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert signed_in(sign_in("amara", "pw", "203.0.113.9"))


def test_the_lockout_page_is_clear_and_looks_like_the_admin(author, limit):
    for _attempt in range(limit):
        sign_in("amara", "wrong", "192.0.2.10")

    html = sign_in("amara", "pw", "192.0.2.10").content.decode()

    assert "sign-in is paused for this account and this address" in html
    assert "Please wait and try again later" in html
    assert 'class="errornote"' in html


def test_a_successful_sign_in_before_the_limit_resets_the_count(author, limit):
    for _attempt in range(limit - 1):
        sign_in("amara", "wrong", "192.0.2.20")
    assert signed_in(sign_in("amara", "pw", "192.0.2.20"))

    for _attempt in range(limit - 1):
        sign_in("amara", "wrong", "192.0.2.20")

    # 2 × (limit - 1) failures in all, but never limit in a row: still allowed.
    assert signed_in(sign_in("amara", "pw", "192.0.2.20"))


def test_the_limit_is_exact(author, limit):
    for _attempt in range(limit - 1):
        sign_in("amara", "wrong", "192.0.2.30")
    assert signed_in(sign_in("amara", "pw", "192.0.2.30"))
    for _attempt in range(limit):
        sign_in("amara", "wrong", "192.0.2.30")
    assert refused(sign_in("amara", "pw", "192.0.2.30"))
