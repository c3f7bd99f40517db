"""A reply whose quote was taken away by a moderator (issue 16, item 6), in a browser:
the note reads as a note on a phone and a desktop, in light and dark, and passes axe."""

import pytest

from comments.models import Comment
from moderation import services
from tests.factories import AuthorFactory, CommentMaker, PostFactory, UserFactory

from .test_accessibility import blocking_violations, report


@pytest.fixture
def thread(roles):
    moderator = UserFactory(username="mod", is_staff=True)
    moderator.groups.add(roles["Moderators"])
    post = PostFactory(author=AuthorFactory(username="amara"), slug="removed-quote")
    make = CommentMaker(post)
    source = make("Call me on SECRET-PHONE 555-0100 about the trial.", name="Ann")
    make("Please do not post numbers here.", parent=source, quote="SECRET-PHONE 555-0100")
    services.comment_remove(comment=source, actor=moderator, reason="personal data")
    return post


@pytest.mark.parametrize("viewport", ["desktop_page", "phone_page"])
def test_removed_quote_reads_as_a_note_and_passes_axe(request, viewport, thread):
    page = request.getfixturevalue(viewport)
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert page.goto(thread.get_absolute_url()).status == 200
        note = page.locator(".quote-removed")
        assert note.inner_text().strip() == "quoted text removed by a moderator"
        assert note.is_visible()
        assert "SECRET-PHONE" not in page.content()
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= page.viewport_size["width"], width
        if found := blocking_violations(page):
            problems[f"{viewport} ({scheme})"] = found
    assert not problems, report(problems)
    assert Comment.objects.filter(quote="SECRET-PHONE 555-0100").exists()
