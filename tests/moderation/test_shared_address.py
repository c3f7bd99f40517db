"""Issue 23, smaller points: a reader behind a shared address (a workplace, a phone
network) is told what was counted, the address's comments, never "You have sent 6
comments" for their first one."""

from django.test import Client

from comments.models import Comment

SHARED = "198.51.100.77"


def test_the_first_comment_from_a_busy_shared_address_is_told_it_is_the_address(post):
    for number in range(5):  # five colleagues, each in their own browser, one address
        Client(REMOTE_ADDR=SHARED).post(
            f"/comments/post/{post.pk}/", {"body": f"Colleague {number} here."}
        )
    response = Client(REMOTE_ADDR=SHARED).post(
        f"/comments/post/{post.pk}/", {"body": "My first comment ever."}
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "You have sent" not in html
    assert "5 comments were sent from your network address in the last minute" in html
    assert "may be shared with other people" in html
    assert "My first comment ever.</textarea>" in html  # the text is kept
    assert not Comment.objects.filter(body="My first comment ever.").exists()
