"""Two web nodes behind one PostgreSQL and one Redis behave as one site: caches,
sessions and rate limits live in the shared services, never in a process."""

import http.client
import json
import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission

from comments.models import Comment
from comments.services import comment_create_as_is
from tests.factories import PostFactory, UserFactory
from tests.faults.test_load import start_gunicorn, stop
from tests.services import REDIS, needs_redis

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


pytestmark = needs_redis


class Browser:
    """A reader with a cookie jar, talking to whichever node it is told."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port, method, path, fields=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"User-Agent": "Mozilla/5.0", "Host": "localhost"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        conn.close()
        return response.status, text, dict(response.getheaders())

    def form_token(self, port, path) -> str:
        status, text, _ = self.request(port, "GET", path)
        assert status == 200, (status, text[:500])
        found = TOKEN.search(text)
        if found:
            return found.group(1)
        # An anonymous post page holds no token: fetched as comments.js does.
        status, text, _ = self.request(port, "GET", "/comments/token/")
        return json.loads(text)["token"]


@pytest.fixture
def two_nodes(transactional_db):
    import redis

    redis.Redis(*REDIS, db=7).flushdb()
    shared = {"TEST_CACHE_URL": "redis://127.0.0.1:6379/7", "TEST_POST_PAGE_CACHE_SECONDS": "300"}
    first, first_port = start_gunicorn(workers=2, extra_env=shared)
    second, second_port = start_gunicorn(workers=2, extra_env=shared)
    yield first_port, second_port
    stop(first)
    stop(second)
    redis.Redis(*REDIS, db=7).flushdb()


def test_approval_on_one_node_shows_on_the_others_cached_page(two_nodes):
    one, two = two_nodes
    post = PostFactory(title="Shared")
    held = comment_create_as_is(
        post=post, parent=None, body="Waiting on node one.", status="pending",
        submitted_at=post.published_at, source="test",
    )  # fmt: skip
    reader = Browser()
    _, page, _ = reader.request(two, "GET", post.get_absolute_url())
    assert "Waiting on node one." not in page
    _, again, _ = Browser().request(two, "GET", post.get_absolute_url())  # cached now

    moderator = UserFactory(username="mod", is_staff=True)
    moderator.set_password("pw-for-tests")
    moderator.save()
    # Transactional tests flush the migration-made groups: grant the powers directly.
    moderator.user_permissions.add(
        *Permission.objects.filter(codename__in=["can_moderate", "view_comment", "change_comment"])
    )
    staff = Browser()
    token = staff.form_token(one, "/admin/login/")
    status, _, headers = staff.request(
        one, "POST", "/admin/login/",
        {"csrfmiddlewaretoken": token, "username": "mod", "password": "pw-for-tests",
         "next": "/admin/"},
    )  # fmt: skip
    assert status == 302, headers
    # The session started on node one is valid on node two.
    status, _, _ = staff.request(two, "GET", "/admin/")
    assert status == 200
    token = staff.form_token(one, "/admin/moderation/pendingcomment/")
    status, _, _ = staff.request(
        one, "POST", "/admin/moderation/pendingcomment/",
        {"csrfmiddlewaretoken": token, "action": "approve", "comment": held.pk},
    )  # fmt: skip
    assert status == 302
    assert Comment.objects.get(pk=held.pk).status == "approved"
    _, after, _ = Browser().request(two, "GET", post.get_absolute_url())
    assert "Waiting on node one." in after


def test_rate_limit_counts_submissions_to_both_nodes(two_nodes):
    one, two = two_nodes
    post = PostFactory()
    reader = Browser()
    token = reader.form_token(one, post.get_absolute_url())
    statuses = []
    for number in range(6):  # the default limit is 5 a minute from one address
        node = one if number % 2 == 0 else two
        status, text, _ = reader.request(
            node, "POST", f"/comments/post/{post.pk}/",
            {"csrfmiddlewaretoken": token, "body": f"Comment number {number}"},
        )  # fmt: skip
        statuses.append(status)
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert "Please wait a minute" in text
    assert Comment.objects.filter(post=post).count() == 5
