"""Commenters' e-mail and IP addresses never reach a public page or feed, the address is
stored only as a salted hash, and even that is blanked after the retention period.
"""

import datetime
import ipaddress
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from blog.demo import seed_posts
from blog.models import AuthorProfile, Post, Series
from comments.demo import seed_comments
from comments.models import Comment
from comments.services import hash_ip
from comments.thread import discussion_for
from moderation.models import ModerationEvent
from moderation.services import comment_approve

# Readers who write in with their own addresses; the last one stays in the queue.
READERS = [
    ("Ruth", "ruth.private@example.net", "198.51.100.23", "Thanks, this helped me decide."),
    ("", "anon.sender@example.net", "2001:db8::1234", "Is the 2019 trial data public?"),
    ("Sam", "SAM.Upper@Example.NET", "203.0.113.99", "My neurologist said the same."),
    ("Held", "held.reader@example.net", "192.0.2.77", "Still waiting for moderation."),
]
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; privacy-test) Gecko/20100101 Firefox/128.0"
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")


@pytest.fixture
def demo_site(db, settings, client):
    """The demo content, plus comments sent through the form from known addresses."""
    settings.COMMENTS_THREADS_PER_PAGE = 2  # several comment pages per post
    seeded = seed_posts()
    seed_comments(seeded["posts"])
    post = next(iter(seeded["posts"].values()))
    submitted = []
    for name, email, address, body in READERS:
        response = client.post(
            reverse("comments:post", args=[post.pk]),
            {"author_name": name, "author_email": email, "body": body, "notify_replies": "on"},
            REMOTE_ADDR=address,
            HTTP_USER_AGENT=USER_AGENT,
        )
        assert response.status_code == 302
        comment = Comment.objects.get(body=body)
        if name != "Held":
            comment_approve(comment=comment, actor=seeded["moderator"])
        submitted.append((comment, address))
    client.cookies.clear()  # from here on, a stranger
    return submitted


def public_urls() -> list[str]:
    """Every page and feed a reader (or a crawler) can reach without signing in."""
    posts = list(Post.objects.published())
    urls = ["/", "/?page=2", reverse("blog:feed"), reverse("blog:series_list"), "/sitemap.xml",
            "/robots.txt"]  # fmt: skip
    for post in posts:
        pages = discussion_for(post).num_pages
        urls += [f"{post.get_absolute_url()}?cpage={page}" for page in range(1, pages + 1)]
        urls.append(reverse("comments:feed", args=[post.slug]))
        words = [word for word in re.findall(r"[a-z]{5,}", post.title.lower())]
        urls += [f"{reverse('blog:search')}?q={word}" for word in words[:1]]
    urls.append(f"{reverse('blog:search')}?q=treatment")
    for series in Series.objects.all():
        urls += [reverse("blog:series", args=[series.slug]),
                 reverse("blog:series_feed", args=[series.slug])]  # fmt: skip
    urls += [reverse("blog:author", args=[profile.slug]) for profile in AuthorProfile.objects.all()]
    months = Post.objects.published().annotate(month=TruncMonth("published_at"))
    for month in months.values_list("month", flat=True).distinct():
        urls.append(reverse("blog:month_archive", args=[month.year, month.month]))
    for comment in Comment.objects.visible():
        urls += [reverse("comments:reply", args=[comment.pk]), comment.get_absolute_url()]
    return urls


def secrets_of(submitted) -> list[str]:
    """What must never be shown: every commenter's e-mail, and every address we saw."""
    emails = set(Comment.objects.exclude(author_email="").values_list("author_email", flat=True))
    emails |= set(Comment.objects.filter(user__isnull=False).values_list("user__email", flat=True))
    addresses = set()
    for _comment, address in submitted:
        parsed = ipaddress.ip_address(address)
        addresses |= {address, str(parsed), parsed.exploded}
    hashes = set(Comment.objects.exclude(ip_hash="").values_list("ip_hash", flat=True))
    return sorted({*emails, *addresses, *hashes} - {""})


def test_no_public_page_shows_an_email_or_an_address(client, demo_site, settings):
    settings.SITE_URL = "https://blog.example.org"  # canonical links: a name, not an address
    secrets = secrets_of(demo_site)
    assert len(secrets) >= 2 * len(READERS)
    urls = public_urls()
    assert len(urls) > 50
    leaks = {}
    for url in urls:
        response = client.get(url, follow=True, HTTP_USER_AGENT=USER_AGENT)
        assert response.status_code == 200, url
        page = response.content.decode().lower()
        found = [secret for secret in secrets if secret.lower() in page]
        found += IPV4.findall(page)  # no dotted quad at all: no page has a reason to show one
        if found:
            leaks[url] = found
    assert leaks == {}


def test_public_pages_show_the_submitted_comments(client, demo_site):
    """The test above looks where the comments are: they are on the pages it reads."""
    comment, _address = demo_site[0]
    html = client.get(comment.get_absolute_url(), follow=True).content.decode()
    assert comment.body in html and "Ruth" in html
    held, _address = demo_site[-1]
    assert held.body not in html


def test_addresses_are_stored_only_as_a_salted_hash(demo_site):
    for comment, address in demo_site:
        comment.refresh_from_db()
        assert comment.ip_hash == hash_ip(address)
        assert re.fullmatch(r"[0-9a-f]{40,64}", comment.ip_hash)  # an HMAC, in hex
        assert address not in comment.ip_hash
        # Nowhere else in the row either.
        row = Comment.objects.filter(pk=comment.pk).values().get()
        assert not [field for field, value in row.items() if address in str(value)]
    assert len({comment.ip_hash for comment, _ in demo_site}) == len(READERS)


def test_the_hash_is_salted_with_the_secret_key(settings):
    plain = hash_ip("198.51.100.23")
    settings.SECRET_KEY = "another-key"
    assert hash_ip("198.51.100.23") != plain


# -- retention ------------------------------------------------------------------------------


KEPT_FIELDS = ("pk", "body", "body_html", "status", "quote", "author_email", "submitted_at",
               "edited_at", "edit_note")  # fmt: skip


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_comment_addresses", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def aged(make):
    """Comments 200, 100 and 10 days old, each with an address hash and a browser."""
    now = timezone.now()
    comments = {}
    for days in (200, 100, 10):
        comments[days] = make(
            f"Written {days} days ago.",
            ip=f"198.51.100.{days % 256}",
            user_agent=USER_AGENT,
            submitted_at=now - datetime.timedelta(days=days),
            status=Comment.Status.PENDING if days == 100 else Comment.Status.APPROVED,
        )
    return comments


def addresses(comments) -> dict[int, tuple[bool, bool]]:
    """For each age: (has an address hash, has a user agent)."""
    rows = Comment.objects.filter(pk__in=[c.pk for c in comments.values()])
    by_pk = {row.pk: (bool(row.ip_hash), bool(row.user_agent)) for row in rows}
    return {days: by_pk[comment.pk] for days, comment in comments.items()}


def test_purge_blanks_addresses_older_than_the_default_90_days(aged, settings):
    assert settings.COMMENTS_ADDRESS_RETENTION_DAYS == 90  # base.py's default
    untouched = list(Comment.objects.values(*KEPT_FIELDS))
    events = ModerationEvent.objects.count()

    output = purge()

    assert addresses(aged) == {200: (False, False), 100: (False, False), 10: (True, True)}
    assert "Cleared the address hash and browser of 2 comment(s)" in output
    assert "(kept for 90 days)" in output
    # Nothing else changed: text, status (a held comment stays held), times, the audit log.
    assert list(Comment.objects.values(*KEPT_FIELDS)) == untouched
    assert ModerationEvent.objects.count() == events


def test_purge_follows_the_setting(aged, settings):
    settings.COMMENTS_ADDRESS_RETENTION_DAYS = 5
    assert "of 3 comment(s)" in purge()
    assert addresses(aged) == {200: (False, False), 100: (False, False), 10: (False, False)}


def test_purge_days_option_overrides_the_setting(aged, settings):
    settings.COMMENTS_ADDRESS_RETENTION_DAYS = 5
    purge("--days", "150")
    assert addresses(aged) == {200: (False, False), 100: (True, True), 10: (True, True)}


def test_purge_twice_changes_nothing_more(aged):
    purge()
    assert "of 0 comment(s)" in purge()


def test_purge_dry_run_changes_nothing(aged):
    output = purge("--dry-run")
    assert "2 comment(s)" in output and "nothing changed" in output
    assert addresses(aged) == {200: (True, True), 100: (True, True), 10: (True, True)}


def test_purge_clears_a_lone_user_agent_too(make):
    old = make(
        "Old.", user_agent=USER_AGENT, submitted_at=timezone.now() - datetime.timedelta(days=400)
    )
    purge()
    old.refresh_from_db()
    assert (old.ip_hash, old.user_agent) == ("", "")


def test_purge_refuses_a_negative_period():
    with pytest.raises(CommandError, match="cannot be negative"):
        purge("--days", "-1")
