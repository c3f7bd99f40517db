"""Issue 16 item 11: a commenter named ``Bob \\u202egro.elpmaxe@nimda`` showed in the
moderator's comment list as "Bob admin@example.org …". Every admin rendering of what a
reader wrote shows direction controls as what they are, isolated from the text around."""

import re

from django.test import Client
from django.urls import reverse

from comments.models import Comment
from moderation import services

TRICK = "Bob \u202egro.elpmaxe@nimda"
SHOWN = "Bob ⟨U+202E⟩gro.elpmaxe@nimda"
CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_direction_controls_are_neutralised_on_every_admin_screen(make, moderator):
    parent = make(f"Parent by {TRICK}.", name=TRICK, email="bob\u202e@example.org")
    make(f"Earlier {TRICK}.", name=TRICK, email="bob\u202e@example.org",
         status=Comment.Status.REJECTED)  # fmt: skip
    held = make(f"Body with {TRICK}.", name=TRICK, email="bob\u202e@example.org",
                parent=parent, quote=f"Parent by {TRICK}.",
                status=Comment.Status.PENDING)  # fmt: skip
    services.comment_edit(comment=held, actor=moderator, reason=f"Note {TRICK}",
                          body=f"Edited {TRICK}.")  # fmt: skip
    client = Client()
    client.force_login(moderator)
    pages = {
        "comment list": reverse("admin:comments_comment_changelist"),
        "change page": reverse("admin:comments_comment_change", args=[held.pk]),
        "history": reverse("admin:comments_comment_history", args=[held.pk]),
        "queue": reverse("admin:moderation_pendingcomment_changelist"),
        "events": reverse("admin:moderation_moderationevent_changelist"),
    }
    for label, url in pages.items():
        page = client.get(url).content.decode()
        # The body's textarea holds the text as stored, for editing: it is its own box.
        outside_the_form = re.sub(r"<textarea.*?</textarea>|<input[^>]*>", "", page, flags=re.S)
        assert not CONTROLS.search(outside_the_form), label
    queue = client.get(pages["queue"]).content.decode()
    assert f"<bdi>{SHOWN}</bdi>" in queue
    changelist = client.get(pages["comment list"]).content.decode()
    assert f"<bdi>{SHOWN}</bdi>" in changelist
