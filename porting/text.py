"""Imported HTML made into what Colloquy stores: plain text for comments, Markdown for posts.

Comments are plain text here (``comments.text`` renders them), so an imported comment's
HTML becomes text with paragraphs, and each link keeps its URL beside its words: nothing
the commenter linked to is lost, and nothing of the old markup reaches a page. Posts are
Markdown, so a post's HTML becomes the Markdown that renders to the same structure
(``porting.markdown``); the renderer and nh3 still have the last word on what is shown.

``whitespace="wordpress"`` reads text the way WordPress displays it (``wpautop``): a blank
line starts a paragraph, a single newline breaks the line. ``whitespace="html"`` reads
it as a browser does: any run of whitespace is one space.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
BLOCK = {
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
DROPPED = {"script", "style", "template", "head", "title", "noscript", "textarea", "select"}
EMBEDS = {"iframe", "embed", "video", "audio", "source", "object"}
LINK_SCHEMES = ("http://", "https://", "mailto:")

# Elements nested deeper than this are flattened: their text joins the deepest element kept,
# so rendering (recursive) never meets a RecursionError (5,000 nested <b>, issue 21 item 10).
MAX_DEPTH = 50
FLATTENED = f"markup nested more than {MAX_DEPTH} deep was flattened (its text is kept)"

# Markers used while rendering text, turned into the output's own syntax at the end.
PARAGRAPH = "\x00"
BREAK = "\x01"


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving HTML parser into ``Node``s: unclosed tags close where HTML closes them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]
        self.dropping = 0
        self.flattened: dict[str, int] = {}  # open tags too deep to keep → how many

    def handle_starttag(self, tag, attrs):
        if self.dropping:
            if tag in DROPPED:
                self.dropping += 1
            return
        if tag in DROPPED:
            self.dropping = 1
            return
        if tag in BLOCK and tag != "li":
            self._close_implicit("p")
        if tag == "li":
            self._close_to("li", stop_at={"ul", "ol"})
        if tag in ("dt", "dd"):
            self._close_to("dt", stop_at={"dl"})
            self._close_to("dd", stop_at={"dl"})
        if tag in ("td", "th"):
            self._close_to("td", stop_at={"tr", "table"})
            self._close_to("th", stop_at={"tr", "table"})
        if tag == "tr":
            self._close_to("tr", stop_at={"table"})
        if tag not in VOID and len(self.stack) > MAX_DEPTH:
            self.flattened[tag] = self.flattened.get(tag, 0) + 1
            return
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and not self.dropping and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if self.dropping:
            if tag in DROPPED:
                self.dropping -= 1
            return
        if tag == "br":  # "</br>" is a line break to browsers too
            self.stack[-1].children.append(Node("br"))
            return
        if self.flattened.get(tag):
            self.flattened[tag] -= 1  # it closes one that was never opened
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.dropping:
            self.stack[-1].children.append(data)

    def _close_implicit(self, tag):
        if len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()

    def _close_to(self, tag, *, stop_at):
        for depth in range(len(self.stack) - 1, 0, -1):
            current = self.stack[depth].tag
            if current in stop_at:
                return
            if current == tag:
                del self.stack[depth:]
                return


def parse_html(html: str, *, notes: list[str] | None = None) -> Node:
    """The HTML as a tree at most ``MAX_DEPTH`` deep; when deeper markup was flattened,
    ``notes`` (the record's, for the import report) says so."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    if builder.flattened and notes is not None:
        notes.append(FLATTENED)
    return builder.root


def link_url(value: str) -> str:
    """The URL if it is one a reader may follow (http, https, mailto), else ""."""
    value = value.strip()
    return value if value.lower().startswith(LINK_SCHEMES) else ""


def _same_link(label: str, url: str) -> bool:
    """Whether a link's words are just its URL, perhaps shortened ("example.org/a/…")."""

    def bare(value: str) -> str:
        value = re.sub(r"^(https?://|mailto:)", "", value.strip().lower())
        return value.removeprefix("www.").rstrip("/").rstrip(".…").rstrip("/")

    label_bare, url_bare = bare(label), bare(url)
    return (
        not label_bare
        or url_bare == label_bare
        or (label.rstrip().endswith(("...", "…")) and url_bare.startswith(label_bare))
    )


def _embed_url(node: Node) -> str:
    url = link_url(node.attrs.get("src", "")) or link_url(node.attrs.get("data", ""))
    if not url:
        for sub in node.children:
            if isinstance(sub, Node) and sub.tag == "param":
                if sub.attrs.get("name", "").lower() in ("movie", "src"):
                    url = link_url(sub.attrs.get("value", ""))
            elif isinstance(sub, Node) and sub.tag == "source":
                url = url or link_url(sub.attrs.get("src", ""))
    return url


# ---------------------------------------------------------------------------------------
# Plain text, for comments


def html_to_text(html: str, *, whitespace: str = "html", notes: list[str] | None = None) -> str:
    """A comment's HTML as plain text with paragraphs; links keep their URLs."""
    out: list[str] = []
    _text_children(parse_html(html, notes=notes), out, whitespace)
    text = "".join(out)
    text = re.sub(rf"[ \t]*{BREAK}[ \t]*", "\n", text)
    parts = text.split(PARAGRAPH)
    if whitespace == "html":
        parts = [re.sub(r"[ \t]*\n[ \t]*", "\n", part).strip() for part in parts]
    else:
        parts = [part.strip("\n") for part in parts]
    return "\n\n".join(part for part in parts if part.strip()).strip()


def _text_children(node: Node, out: list[str], whitespace: str) -> None:
    for sub in node.children:
        if isinstance(sub, str):
            if whitespace == "html":
                out.append(re.sub(r"\s+", " ", sub))
            else:
                out.append(sub.replace("\r\n", "\n").replace("\r", "\n"))
            continue
        tag = sub.tag
        if tag == "br":
            out.append(BREAK)
        elif tag == "a":
            inner: list[str] = []
            _text_children(sub, inner, whitespace)
            label = "".join(inner).replace(PARAGRAPH, " ").replace(BREAK, " ").strip()
            url = link_url(sub.attrs.get("href", ""))
            if url and _same_link(label, url):
                out.append(url)
            elif url:
                out.append(f"{label} ({url})")
            else:
                out.append(label)
        elif tag == "img":
            url = link_url(sub.attrs.get("src", ""))
            alt = re.sub(r"\s+", " ", sub.attrs.get("alt", "")).strip()
            out.append(f"{alt} ({url})" if alt and url else url or alt)
        elif tag in EMBEDS:
            url = _embed_url(sub)
            if url:
                out.append(f"{PARAGRAPH}{url}{PARAGRAPH}")
        elif tag == "blockquote":
            inner = []
            _text_children(sub, inner, whitespace)
            quoted = _join_paragraphs(inner)
            if quoted:
                lines = "\n".join(f"> {line}" if line else ">" for line in quoted.split("\n"))
                out.append(f"{PARAGRAPH}{lines}{PARAGRAPH}")
        elif tag == "li":
            if not (out and out[-1].endswith(BREAK)):
                out.append(BREAK)
            out.append("- ")
            _text_children(sub, out, whitespace)
            out.append(BREAK)
        elif tag in ("ul", "ol"):
            out.append(PARAGRAPH)
            _text_children(sub, out, whitespace)
            out.append(PARAGRAPH)
        elif tag in ("td", "th"):
            _text_children(sub, out, whitespace)
            out.append(" ")
        elif tag == "tr":
            _text_children(sub, out, whitespace)
            out.append(BREAK)
        elif tag == "hr":
            out.append(PARAGRAPH)
        elif tag in BLOCK:
            out.append(PARAGRAPH)
            _text_children(sub, out, whitespace)
            out.append(PARAGRAPH)
        else:
            _text_children(sub, out, whitespace)


def _join_paragraphs(parts: list[str]) -> str:
    text = re.sub(rf"[ \t]*{BREAK}[ \t]*", "\n", "".join(parts))
    pieces = [piece.strip() for piece in text.split(PARAGRAPH)]
    return "\n\n".join(piece for piece in pieces if piece)


# ---------------------------------------------------------------------------------------
# Markdown, for posts
