"""Issue 16, item 5: a known email address is not a key anyone can use.

Replays the probe's steps through the comment form and the mail outbox only: a regular's
address typed by a stranger (case changed) earns nothing, a stranger replying under
another regular's address cannot get mail into a regular's inbox, and an address earns
trust and mail once its owner follows the confirmation link mailed to it. The form
cannot be used to flood an inbox with confirmation mail.
"""

import itertools
import re
import types

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from comments.models import Comment
from comments.reasons import describe_all
from moderation import services
from moderation.models import PolicySettings

# Readers' mail only here: staff hear of held comments in test_outbox_held.py.
pytestmark = pytest.mark.usefixtures("readers_mail_only")

CONFIRM_LINK = re.compile(r"https?://\S+/notifications/confirm/\S+/")
PHISH = "Your account is locked. Verify it at https://colloquy-security.example/login now."
_addresses = itertools.count(1)


def fresh_ip() -> str:
    return f"192.0.2.{next(_addresses) % 250 + 1}"


def post_url(post) -> str:
    return f"/comments/post/{post.pk}/"


def path_of(link: str) -> str:
    return link.removeprefix(settings.SITE_URL.rstrip("/"))


@pytest.fixture
def regulars(make):
    """Two regulars from before confirmation existed: approved comments, addresses on
    file, nobody ever confirmed them. Marek asked to hear about replies."""
    PolicySettings.objects.update_or_create(pk=1, defaults={"hold_first_comment": True})
    marek = make("Averages are tricky.", name="Marek", email="marek@example.org")
    Comment.objects.filter(pk=marek.pk).update(notify_replies=True)  # test setup, not a state
    helen = make("My trial group had none.", name="Helen", email="helen@example.org")
    return marek, helen


@pytest.fixture
def send(post, mail_on_commit):
    """Post the comment form as a reader (a new address each time), mail sent on commit."""

    def _send(client=None, **fields):
        with mail_on_commit():
            response = (client or Client()).post(post_url(post), fields, REMOTE_ADDR=fresh_ip())
        assert response.status_code == 302, response.content
        return Comment.objects.filter(body=fields["body"]).latest("pk")

    return _send


def confirm_through_mail(client, mailoutbox, address: str) -> str:
    """Follow the confirmation link mailed to ``address``: open it, press the button."""
    [message] = [m for m in mailoutbox if m.to == [address]]
    [link] = CONFIRM_LINK.findall(message.body)
    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "Yes, confirm my address" in page.text
    done = client.post(path_of(link))
    assert done.status_code == 200
    assert "is confirmed" in done.text
    return link


def test_a_regulars_address_with_its_case_changed_is_held(client, post, regulars, send):
    comment = send(author_name="Marek", author_email="MAREK@example.org", body="Not Marek.")
    assert (comment.status, describe_all(comment.status_reasons)) == (
        "pending",
        ["email not confirmed yet"],
    )
    assert "Not Marek." not in client.get(post.get_absolute_url()).text


def test_a_stranger_replying_under_another_regulars_address_reaches_no_inbox(
    client, post, regulars, send, moderator, mailoutbox, mail_on_commit
):
    marek, _helen = regulars
    reply = send(parent=marek.pk, author_name="Colloquy Security Team",
                 author_email="Helen@Example.org", body=PHISH)  # fmt: skip
    assert reply.status == "pending"
    assert PHISH not in client.get(post.get_absolute_url()).text
    # Helen (a returning reader) is offered a confirmation link, nothing of the stranger's;
    # Marek gets nothing.
    [offer] = mailoutbox
    assert offer.to == ["Helen@Example.org"]
    assert "Confirm your email address" in offer.subject
    assert "colloquy-security" not in offer.body and "Security Team" not in offer.body
    mailoutbox.clear()
    # Even when a moderator lets the reply through, Marek never confirmed his address:
    # whoever ticked "notify me" on his comment, nothing goes to it.
    with mail_on_commit():
        services.comment_approve(comment=reply, actor=moderator)
    assert mailoutbox == []


def test_a_confirmed_address_earns_trust_and_mail_through_the_link_mailed_to_it(
    client, post, author, regulars, send, mailoutbox, mail_on_commit
):
    marek, _helen = regulars
    # Marek comments again and asks for replies: held (not confirmed), one mail to him.
    held = send(client, author_name="Marek", author_email="marek@example.org",
                body="Me again.", notify_replies="on")  # fmt: skip
    assert (held.status, describe_all(held.status_reasons)) == (
        "pending",
        ["email not confirmed yet"],
    )
    [message] = mailoutbox
    assert message.to == ["marek@example.org"]
    assert "Confirm your email address" in message.subject
    assert "Me again." not in message.body  # no commenter's words in someone's inbox
    confirm_through_mail(client, mailoutbox, "marek@example.org")
    mailoutbox.clear()

    # Now his address vouches for him, whatever its case...
    again = send(author_name="Marek", author_email="Marek@EXAMPLE.org", body="Confirmed now.")
    assert (again.status, describe_all(again.status_reasons)) == ("approved", [])
    # ...and replies to his comments reach him.
    answerer = Client()
    answerer.force_login(author)
    with mail_on_commit():
        answerer.post(post_url(post), {"body": "Good point, Marek.", "parent": marek.pk})
    [notice] = mailoutbox
    assert notice.to == ["marek@example.org"]
    assert "Good point, Marek." in notice.body


def test_a_stranger_under_a_confirmed_regulars_address_reaches_only_confirmed_inboxes(
    regulars, send, mailoutbox
):
    """Helen confirmed; Marek did not. A reply under Helen's address goes through (her
    address vouches for its writer, as designed) but still mails nothing to Marek."""
    marek, _helen = regulars
    send(author_email="helen@example.org", body="Helen asks.", notify_replies="on")
    confirm_through_mail(Client(), mailoutbox, "helen@example.org")
    mailoutbox.clear()
    reply = send(parent=marek.pk, author_name="Colloquy Security Team",
                 author_email="helen@example.org", body=PHISH)  # fmt: skip
    assert reply.status == "approved"
    assert mailoutbox == []


def test_the_form_mails_one_confirmation_per_address_however_often_it_is_sent(
    regulars, send, mailoutbox
):
    addresses = [
        "marek@example.org",
        "MAREK@example.org",
        " Marek@Example.ORG ",
        "marek@example.org",
    ]
    for number, address in enumerate(addresses):
        send(author_email=address, body=f"Flood {number}", notify_replies="on")
    send(author_email="other@example.org", body="Someone else.", notify_replies="on")
    assert sorted(m.to[0].lower() for m in mailoutbox) == [
        "marek@example.org",
        "other@example.org",
    ]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
        lambda token: token.rsplit(":", 2)[0],  # cut short
        lambda token: token.replace(token.split(":", 1)[0], "eyJ4IjoxfQ"),  # other payload
    ],
    ids=["signature", "cut short", "payload"],
)
def test_an_altered_link_is_refused_and_confirms_nothing(client, regulars, send, mailoutbox,
                                                         tamper):  # fmt: skip
    send(author_email="marek@example.org", body="Asking.", notify_replies="on")
    [link] = CONFIRM_LINK.findall(mailoutbox[0].body)
    token = link.rstrip("/").rsplit("/", 1)[1]
    bad = path_of(link).replace(token, tamper(token))
    for method in (client.get, client.post):
        response = method(bad)
        assert response.status_code == 400
        assert "This confirmation link is not valid" in response.text
    again = send(author_email="marek@example.org", body="Still not confirmed?")
    assert describe_all(again.status_reasons) == ["email not confirmed yet"]


def test_an_expired_link_is_refused_and_confirms_nothing(client, regulars, send, mailoutbox,
                                                         monkeypatch):  # fmt: skip
    send(author_email="marek@example.org", body="Asking.", notify_replies="on")
    [link] = CONFIRM_LINK.findall(mailoutbox[0].body)
    hours = settings.COMMENTS_EMAIL_CONFIRMATION_HOURS
    real_time = signing.time.time
    # The signer's clock, an hour past the link's lifetime.
    later = types.SimpleNamespace(time=lambda: real_time() + (hours + 1) * 3600)
    monkeypatch.setattr(signing, "time", later)
    for method in (client.get, client.post):
        response = method(path_of(link))
        assert response.status_code == 410
        assert "This confirmation link has expired" in response.text
    monkeypatch.undo()
    again = send(author_email="marek@example.org", body="Still not confirmed?")
    assert describe_all(again.status_reasons) == ["email not confirmed yet"]
