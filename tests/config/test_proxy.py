"""The reader's address behind a load balancer, and no trust in the header without one."""

from comments.models import Comment
from comments.services import hash_ip
from tests.factories import PostFactory


def post_comment(client, post, **headers):
    client.post(f"/comments/post/{post.pk}/", {"body": "Hello"}, **headers)
    return Comment.objects.latest("pk")


def test_behind_one_proxy_the_forwarded_address_is_the_readers(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # read when the test client builds its middleware
    post = PostFactory()
    comment = post_comment(
        client, post, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9"
    )
    # The proxy appended the reader's address last; what the client claimed is ignored.
    assert comment.ip_hash == hash_ip("203.0.113.9")


def test_without_proxies_the_header_is_ignored(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    post = PostFactory()
    comment = post_comment(
        client, post, REMOTE_ADDR="192.0.2.20", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert comment.ip_hash == hash_ip("192.0.2.20")
