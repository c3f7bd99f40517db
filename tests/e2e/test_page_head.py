"""A post's schema.org data in Chromium: a data block the Content-Security-Policy lets be
(browsers never run it) and that parses as the BlogPosting with its comments."""

from tests.factories import CommentMaker, PostFactory


def test_the_schema_data_parses_in_the_browser_without_a_csp_violation(
    desktop_page, console_problems, transactional_db
):
    post = PostFactory(title="Relapse rates, explained", slug="relapse-rates")
    make = CommentMaker(post)
    question = make("Is the </script> trial open?", name="Ruth")
    make("It is.", parent=question, name="Amara")

    desktop_page.goto(post.get_absolute_url())
    data = desktop_page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )

    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Relapse rates, explained"
    assert data["commentCount"] == 2
    (comment,) = data["comment"]
    assert comment["text"] == "Is the </script> trial open?"
    assert comment["comment"][0]["author"]["name"] == "Amara"
    assert list(console_problems) == []  # no CSP violation, no error
