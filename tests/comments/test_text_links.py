"""Links are found word by word (``comments.text._matches``), and nothing rendered changes.

linkify reads only the words that may hold a link, not the whole paragraph: the oracle
here is the way it was done before, linkify over each whole paragraph. For every comment
body of the shared test exports, every line of those files, the XSS payloads and text
made to stress the pipeline, the HTML and the links counted are byte for byte the same.
"""

import contextlib

import nh3
import pytest
from hypothesis import given, settings

from bench.import_scale import write_export
from comments import text
from comments.text import clean_input
from porting.readers.base import Options
from porting.readers.blogger import Blogger
from porting.readers.disqus import Disqus
from porting.readers.wxr import WXR
from porting.records import CommentRecord
from porting.xmlstream import MalformedExport
from tests.security.test_text_properties import READER_TEXT
from tests.security.xss_corpus import XSS_DATA, payloads
from tests.services import needs_shared

TESTDATA = XSS_DATA.parent
EXPORTS = [(WXR, "wxr"), (Blogger, "blogger"), (Disqus, "disqus")]


def whole_paragraph_matches(paragraph: str) -> list:
    if not text._MAYBE_LINK.search(paragraph):
        return []
    return text._linkify().match(paragraph) or []


def rendered_before(body: str) -> str:
    """``render_comment`` as it was: linkify over each whole paragraph."""
    paragraphs = [p for p in text._PARAGRAPH_BREAK.split(body.strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        out, position = [], 0
        for match in whole_paragraph_matches(paragraph):
            if not match.url.lower().startswith(("http://", "https://", "mailto:")):
                continue
            if not text._nh3_keeps(match.url):
                continue
            out.append(text.escape(paragraph[position : match.index]))
            out.append(f'<a href="{text.escape(match.url)}">{text.escape(match.text)}</a>')
            position = match.last_index
        out.append(text.escape(paragraph[position:]))
        html.append("<p>" + "".join(out).replace("\n", "<br>") + "</p>")
    return nh3.clean(
        "".join(html),
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes=text.URL_SCHEMES,
        link_rel=text.LINK_REL,
    )


def web_links_before(body: str) -> list[str]:
    return [
        match.url
        for match in whole_paragraph_matches(body)
        if match.url.lower().startswith(("http://", "https://"))
    ]


def assert_same(body: str) -> None:
    body = clean_input(body)
    assert text.render_comment(body) == rendered_before(body), body
    assert [match.url for match in text._web_links(body)] == web_links_before(body), body


def export_bodies() -> list[str]:
    """The comments of the shared exports, as the import reads them."""
    bodies = []
    for reader, folder in EXPORTS:
        for path in sorted((TESTDATA / folder).glob("*")):
            # A malformed export (there is one on purpose): the comments read before it.
            with contextlib.suppress(MalformedExport):
                for record in reader().read(path, Options()):
                    if isinstance(record, CommentRecord):
                        bodies.append(record.body)
    return bodies


needs_testdata = needs_shared(TESTDATA)


@needs_testdata
def test_the_exports_comments_render_as_before(db):
    bodies = export_bodies()
    assert len(bodies) >= 20
    for body in bodies:
        assert_same(body)


def test_the_benchmark_exports_comments_render_as_before(db, tmp_path):
    path = tmp_path / "export.xml"
    write_export(path, posts=5, comments=300)
    bodies = [r.body for r in WXR().read(path, Options()) if isinstance(r, CommentRecord)]
    assert sum("https://" in body for body in bodies) >= 30  # a fifth hold a link
    for body in bodies:
        assert_same(body)


@needs_testdata
def test_every_line_of_the_test_data_renders_as_before():
    lines = [
        line
        for path in sorted(TESTDATA.rglob("*"))
        if path.is_file() and path.suffix != ".md"
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
    ]
    assert len(lines) > 1000
    for line in lines:
        assert_same(line)


@needs_testdata
def test_the_xss_payloads_render_as_before():
    for payload in payloads():
        assert_same(payload)


@pytest.mark.parametrize(
    "body",
    [
        "see https://example.org/a?b=1&c=<2>#f, www.example.com and example.com.",
        "(example.com) [https://example.org/(x)] «www.example.org»",
        "1.2.3.4 next to example.com, and http://[::1]/ and //example.org",
        "mailto:ann@example.org ann@example.org MAILTO:Bob@Example.org",
        "http://a.b/\u202e x\u00a0example.com\u2028https://example.org\u3000foo.bar",
        "end of a sentence.Next one starts here. e.g. i.e. 3.14 v2.0",
        "a\tb example.com/path...more http://x.org/a.b.c. ftp://example.org",
        "https://example.org/\"quoted\" 'example.org' <https://example.org>",
    ],
)
def test_links_of_every_shape_render_as_before(body):
    assert_same(body)


@settings(max_examples=500, deadline=None)
@given(READER_TEXT)
def test_any_text_renders_as_before(body):
    assert_same(body)
