"""Imported HTML: plain text for comments, Markdown for posts, safe either way."""

import json
from html.parser import HTMLParser

import pytest

from blog.rendering import render_markdown
from comments.text import render_comment
from porting.markdown import html_to_markdown
from porting.text import html_to_text

from .conftest import TESTDATA

DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "base"}


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.problems.append(name)
            if name in ("href", "src") and not (value or "").startswith(("http", "mailto:")):
                self.problems.append(f"{name}={value}")


def unsafe(html: str) -> list[str]:
    """What in ``html`` a browser would run or load: tags, handlers, odd URLs."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.problems


@pytest.mark.parametrize(
    ("html", "whitespace", "text"),
    [
        ("<p>One.</p><p>Two.</p>", "html", "One.\n\nTwo."),
        ("Line\none\n\nPara", "wordpress", "Line\none\n\nPara"),
        ("a\n  b", "html", "a b"),
        ("A<br>B<br/><br />C", "html", "A\nB\n\nC"),
        ('<a href="https://x.example/p">the paper</a>', "html", "the paper (https://x.example/p)"),
        ('<a href="https://x.example/p">https://x.example/p</a>', "html", "https://x.example/p"),
        (
            '<a href="https://x.example/a/long/path">x.example/a/…</a>',
            "html",
            "https://x.example/a/long/path",
        ),
        ('<a href="javascript:alert(1)">click</a>', "html", "click"),
        (
            '<img src="https://x.example/i.png" alt="chart">',
            "html",
            "chart (https://x.example/i.png)",
        ),
        ("<script>alert(1)</script><style>p{}</style>Kept", "html", "Kept"),
        ("<blockquote>Quoted\ntext</blockquote>Answer", "wordpress", "> Quoted\n> text\n\nAnswer"),
        ("<ul><li>one</li><li>two</li></ul>", "html", "- one\n- two"),
        ("&lt;b&gt; is &amp; stays text", "html", "<b> is & stays text"),
        ('<iframe src="https://video.example/v/1"></iframe>', "html", "https://video.example/v/1"),
        ("a  b\n\n\nc", "wordpress", "a  b\n\n\nc"),  # our own exports: kept exactly
    ],
)
def test_html_to_text(html, whitespace, text):
    assert html_to_text(html, whitespace=whitespace) == text


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>A <strong>b</strong> and <em>em</em>.</p><p>Two</p>", "A **b** and *em*.\n\nTwo"),
        ('<a href="https://x.example/(p)">link</a>', "[link](<https://x.example/(p)>)"),
        ("<h1>Title</h1><h3>Small</h3>", "## Title\n\n### Small"),
        ("<ol start='3'><li>c</li><li>d</li></ol>", "3. c\n4. d"),
        ("<pre>code *not* emphasis\n  indented</pre>", "```\ncode *not* emphasis\n  indented\n```"),
        ("<p>1. no list, # no heading, *no em*</p>", "1\\. no list, # no heading, \\*no em\\*"),
        ("<p>- not an item</p>", "\\- not an item"),
        ("Old<br><br>school", "Old\n\nschool"),
        ("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>",
         "| a | b |\n| --- | --- |\n| 1 | 2 |"),
    ],
)  # fmt: skip
def test_html_to_markdown(html, markdown):
    assert html_to_markdown(html) == markdown


def test_markdown_renders_the_structure_back():
    html = render_markdown(
        html_to_markdown(
            "<p>See <a href='https://x.example'>this</a>.</p><blockquote><p>Quote</p></blockquote>"
            "<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>"
        )
    )
    assert '<a href="https://x.example" rel="noopener">this</a>' in html
    assert "<blockquote>\n<p>Quote</p>\n</blockquote>" in html
    assert html.count("<ul>") == 2


def payloads():
    lines = (TESTDATA / "xss" / "payloadbox-xss-payload-list.txt").read_text(errors="replace")
    cases = json.loads((TESTDATA / "xss" / "html5lib-sanitizer-tests1.json").read_text())
    return [line for line in lines.splitlines() if line.strip()][::7] + [
        case["input"] for case in cases
    ]


def test_xss_payloads_come_out_harmless():
    for payload in payloads():
        comment = render_comment(html_to_text(payload))
        post = render_markdown(html_to_markdown(payload, whitespace="wordpress"))
        assert unsafe(comment) == [], payload
        assert unsafe(post) == [], payload
