"""A small HTML tree for assertions about what a reader sees, plus an XSS checker.

Only the standard library: html.parser builds the tree; ``find``/``find_all`` select by tag,
class and attributes; ``text`` is the visible text with whitespace collapsed.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list["Node | str"] = field(default_factory=list)

    def iter(self) -> Iterator["Node"]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, Node):
                    walk(child)
                else:
                    parts.append(child)

        walk(self)
        return " ".join("".join(parts).split())

    def find_all(self, tag: str | None = None, *, cls: str | None = None, **attrs) -> list:
        """Descendants (and self) matching tag, a class, and exact attribute values."""
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes)
            and all(node.attrs.get(key.replace("_", "-")) == value for key, value in attrs.items())
        ]

    def find(self, tag: str | None = None, *, cls: str | None = None, **attrs) -> "Node":
        found = self.find_all(tag, cls=cls, **attrs)
        assert found, f"no <{tag or '*'}> with class={cls!r} {attrs!r}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(markup: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root


SAFE_URL_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}
DANGEROUS_ELEMENTS = {
    "script", "style", "iframe", "frame", "object", "embed", "base", "form", "svg", "math",
    "meta", "link",
}  # fmt: skip
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: it ignores tabs and newlines and leading controls."""
    cleaned = re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(0x21))))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def unsafe_markup(markup: str) -> list[str]:
    """Everything in an HTML fragment that could run script or load a foreign document."""
    problems = []
    for node in parse(markup).iter():
        if node.tag in DANGEROUS_ELEMENTS:
            problems.append(f"<{node.tag}> element")
        for name, value in node.attrs.items():
            if name.startswith("on"):
                problems.append(f"{name}= on <{node.tag}>")
            if name in {"style", "srcdoc", "srcset"}:
                problems.append(f"{name}= on <{node.tag}>")
            if name in URL_ATTRIBUTES and value:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_URL_SCHEMES:
                    problems.append(f"{name}={value!r} on <{node.tag}>")
    return problems
