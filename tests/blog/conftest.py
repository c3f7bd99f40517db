"""Fixtures for the blog tests: the people who use the blog, and a browser's User-Agent."""

import pytest

from tests.factories import AuthorFactory, AuthorProfileFactory, SuperuserFactory

# What Firefox sends: a reader whose visit counts as a view.
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
)


@pytest.fixture
def author(db):
    """A staff member of the Authors group, with a public profile."""
    user = AuthorFactory(username="amara")
    AuthorProfileFactory(user=user, display_name="Dr Amara Osei", slug="amara")
    return user


@pytest.fixture
def other_author(db):
    user = AuthorFactory(username="lin")
    AuthorProfileFactory(user=user, display_name="Prof Lin", slug="lin")
    return user


@pytest.fixture
def superuser(db):
    return SuperuserFactory(username="boss")


@pytest.fixture
def browser_user_agent():
    return BROWSER_USER_AGENT


@pytest.fixture
def reader(client, browser_user_agent):
    """An anonymous reader's browser."""
    client.defaults["HTTP_USER_AGENT"] = browser_user_agent
    return client
