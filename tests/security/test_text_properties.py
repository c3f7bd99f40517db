"""Properties of the text pipeline (comments.text), whatever a reader types.

``render_comment(clean_input(text))`` is well-formed HTML made only of paragraphs, line
breaks and links we made, and shows exactly the cleaned text: nothing a reader wrote is
dropped or added, except the control characters ``clean_input`` removes on purpose.
"""

import html
import re
from html.parser import HTMLParser

from hypothesis import example, given, settings
from hypothesis import strategies as st

from comments.text import (
    LINK_REL,
    clean_input,
    clean_line,
    normalise_whitespace,
    render_comment,
)

# Controls clean_input removes: C0 and C1 except tab and newline, DEL, lone surrogates.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# What Python's str.splitlines() (and a reader's eye) takes for a line break.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

# Text that stresses the pipeline: markup and entities, URLs and e-mail addresses in every
# shape linkify knows, whitespace of every kind, controls, and any Unicode at all.
FRAGMENTS = st.sampled_from([
    "<", ">", "&", '"', "'", "&amp;", "&lt;script&gt;", "&#x3C;", "&#60", "<script>",
    "</p>", "<br>", "<a href='javascript:alert(1)'>", "<!--", "-->", "<![CDATA[", "]]>",
    "http://", "https://example.org/a?b=1&c=<2>#f", "www.example.com", "example.com",
    "mailto:ann@example.org", "ann@example.org", "javascript:alert(1)", "data:text/html,x",
    "ftp://example.org", "//example.org", "http://[::1]/", "http://xn--bcher-kva.example",
    "https://example.org/(x)", "http://a.b/\u202e", "\n", "\n\n", "\r\n", "\r", "\t", " ",
    "\u00a0", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85", "\x00", "\x1b[31m", "\x7f",
    "\ufeff", "\u200b", "\u202e", "\ud800", "\udfff", "\ufffd", "😀", "e\u0301", "ﬁ", "İ",
])  # fmt: skip
ANY_CHARACTER = st.characters(codec=None, categories=None)  # surrogates and controls too
READER_TEXT = st.lists(
    st.one_of(FRAGMENTS, st.text(ANY_CHARACTER, max_size=12), st.text(max_size=20)), max_size=25
).map("".join)

PROPERTIES = settings(max_examples=300, deadline=None)


class Rendered(HTMLParser):
    """Reads rendered HTML: its tags in order, whether they balance, and its visible text."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=False)
        self.problems: list[str] = []
        self.open: list[str] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()
        if self.open:
            self.problems.append(f"never closed: {self.open}")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "br":
            self.text.append(" ")
            if attributes:
                self.problems.append(f"<br {attributes}>")
            return
        if tag == "p":
            if self.open or attributes:
                self.problems.append(f"<p {attributes}> inside {self.open}")
            self.text.append(" ")
        elif tag == "a":
            if self.open != ["p"]:
                self.problems.append(f"<a> inside {self.open}")
            if set(attributes) != {"href", "rel"} or attributes["rel"] != LINK_REL:
                self.problems.append(f"<a {attributes}>")
            elif not attributes["href"].lower().startswith(("http://", "https://", "mailto:")):
                self.problems.append(f"<a href={attributes['href']!r}>")
        else:
            self.problems.append(f"<{tag}>")
        self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()
        if tag == "p":
            self.text.append(" ")

    def handle_data(self, data):
        if not self.open:
            self.problems.append(f"text outside a paragraph: {data!r}")
        self.text.append(data)

    def handle_entityref(self, name):
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name):
        self.text.append(html.unescape(f"&#{name};"))

    def handle_comment(self, data):
        self.problems.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.problems.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.problems.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.problems.append(f"<![{data}]>")


def words(text: str) -> str:
    return " ".join(text.split())


@PROPERTIES
@given(READER_TEXT)
@example("Visit http://example.org/<script>alert(1)</script> now")
@example("a\n\n\n b\n c \r\n\r\nd")
@example("<p>&amp;</p> \x00\x0c")
@example("www.example.com/x?a=1&b=2 and mailto:a@b.example")
def test_rendered_text_is_well_formed_safe_and_shows_every_word(text):
    cleaned = clean_input(text)
    rendered = Rendered(render_comment(cleaned))
    assert rendered.problems == []
    assert words("".join(rendered.text)) == words(cleaned)


@PROPERTIES
@given(READER_TEXT)
def test_cleaning_drops_only_control_characters(text):
    cleaned = clean_input(text)
    assert not CONTROL.search(cleaned)
    assert cleaned == CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


@PROPERTIES
@given(READER_TEXT)
def test_a_cleaned_line_has_no_line_breaks(text):
    line = clean_line(text)
    assert not any(mark in line for mark in LINE_BREAKS)
    assert not CONTROL.search(line)
    assert line == line.strip()
    assert words(line) == words(clean_input(text))


@PROPERTIES
@given(READER_TEXT)
def test_normalising_whitespace_is_idempotent(text):
    once = normalise_whitespace(text)
    assert normalise_whitespace(once) == once
    assert "  " not in once and once == once.strip()
