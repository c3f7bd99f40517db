"""Issue 21, item 10: one deeply nested imported comment no longer aborts a whole import.

5,000 nested ``<b>`` raised ``RecursionError`` in ``porting/text.py`` and the import
stopped. Deep markup is now flattened for that item alone (its text kept), and the
report names the item.
"""

import pytest

from blog.models import Post
from comments.models import Comment
from porting.markdown import html_to_markdown
from porting.text import FLATTENED, MAX_DEPTH, html_to_text

from .conftest import FIXTURES, run

DEEP = 5000


def nested(tag: str, depth: int, inner: str) -> str:
    return f"<{tag}>" * depth + inner + f"</{tag}>" * depth


@pytest.mark.parametrize("tag", ["b", "div", "blockquote", "a href='https://x.example/'", "ul"])
@pytest.mark.parametrize("convert", [html_to_text, html_to_markdown])
def test_deep_markup_is_flattened_with_its_text_kept_and_a_note(convert, tag):
    notes: list[str] = []
    html = "<p>Before.</p>" + nested(tag, DEEP, "Still here.") + "<p>After.</p>"
    html = html.replace(f"</{tag}>", f"</{tag.split()[0]}>")
    result = convert(html, notes=notes)
    assert "Before." in result and "Still here." in result and "After." in result
    assert notes == [FLATTENED]


@pytest.mark.parametrize("convert", [html_to_text, html_to_markdown])
def test_ordinary_nesting_is_untouched_and_unremarked(convert):
    notes: list[str] = []
    html = nested("div", MAX_DEPTH - 1, "<b>Bold</b> and <a href='https://x.example/'>a link</a>")
    assert convert(html, notes=notes) == convert(html)
    assert "https://x.example/" in convert(html)
    assert notes == []


def test_text_after_flattened_markup_stays_outside_it():
    html = nested("b", DEEP, "deep") + "<p>Next paragraph.</p>"
    assert html_to_text(html) == "deep\n\nNext paragraph."


def test_an_import_with_one_deep_comment_imports_everything_and_says_which(db, tmp_path):
    source = (FIXTURES / "wxr-minimal.xml").read_text(encoding="utf-8")
    deep = nested("b", DEEP, "Deep but harmless.")
    source = source.replace(
        "<wp:comment_content>Top.</wp:comment_content>",
        f"<wp:comment_content><![CDATA[{deep}]]></wp:comment_content>",
    ).replace("<p>Body</p>", nested("em", DEEP, "Post body."))
    path = tmp_path / "deep.xml"
    path.write_text(source, encoding="utf-8")

    output = run("import_wxr", path)

    assert "Post body." in Post.objects.get().body
    assert sorted(Comment.objects.values_list("body", flat=True)) == [
        "Deep but harmless.",
        "Reply.",
    ]
    assert f"comment 1: {FLATTENED}" in output
    assert f"“Minimal”: {FLATTENED}" in output
