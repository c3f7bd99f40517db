"""Reading large XML exports in constant memory, and forgiving what real exports get wrong.

``records`` walks a file with ``iterparse`` and hands over one record element at a time
(a WordPress ``item``, an Atom ``entry``), removing it from the tree afterwards, so memory
stays flat on a 200 MB export. Tags come back with their namespace URI replaced by a short
prefix ("wp:comment"), whatever version or scheme of the namespace the file uses.

Real exports are not always well-formed. Old WordPress.com exports use ``excerpt:`` without
declaring it; ``PrefixDeclaringReader`` adds declarations for the prefixes a format is known
to use to the root element, on the same line so line numbers in errors stay true. A file
with a DOCTYPE (where entities are declared) is refused before anything is read
(``refuse_dtd``). Anything else malformed is refused as ``MalformedExport`` with the line
and column.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat


class MalformedExport(Exception):
    """The file is not well-formed XML (or not the expected format); nothing is imported."""

    def __init__(self, path: Path, message: str, line: int | None = None, column=None):
        self.path, self.line, self.column = path, line, column
        where = f", line {line}, column {column}" if line is not None else ""
        super().__init__(f"{path.name}{where}: {message}")


@dataclass(frozen=True)
class Namespaces:
    """How a format names its namespaces: URI patterns to short prefixes, and the
    declarations to add for prefixes a real-world file may use without declaring."""

    patterns: tuple[tuple[re.Pattern, str], ...]
    known: dict[str, str]
    # Every tag of a file is named many times: remember each one's short form.
    _shorts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def short(self, tag: str) -> str:
        short = self._shorts.get(tag)
        if short is None:
            short = self._shorts[tag] = self._shorten(tag)
        return short

    def _shorten(self, tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        uri, _, local = tag[1:].partition("}")
        for pattern, prefix in self.patterns:
            if pattern.match(uri):
                return f"{prefix}:{local}" if prefix else local
        return tag


class PrefixDeclaringReader:
    """A binary file wrapper that declares missing, well-known prefixes on the root element.

    Only the start tag of the root element is rewritten, and only in ASCII-compatible
    encodings (UTF-16 files are passed through as they are).
    """

    HEAD_LIMIT = 1 << 20

    def __init__(self, raw, declarations: dict[str, str]):
        self.raw = raw
        self.declarations = declarations
        self.pending = b""
        self.started = False

    def read(self, size: int = -1) -> bytes:
        if not self.started:
            self.started = True
            self.pending = self._rewrite_head()
        if self.pending:
            if size is None or size < 0:
                data, self.pending = self.pending + self.raw.read(), b""
                return data
            data, self.pending = self.pending[:size], self.pending[size:]
            return data
        return self.raw.read(size)

    def _rewrite_head(self) -> bytes:
        head = self.raw.read(64 * 1024)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:200]:
            return head  # UTF-16: passed through as it is
        while True:
            end = _root_tag_end(head)
            if end is not None or len(head) > self.HEAD_LIMIT:
                break
            more = self.raw.read(64 * 1024)
            if not more:
                break
            head += more
        if end is None:
            return head
        start_tag = head[:end]
        declared = set(re.findall(rb"xmlns:([\w.-]+)\s*=", start_tag[start_tag.rfind(b"<") :]))
        missing = [
            f' xmlns:{prefix}="{uri}"'.encode("ascii")
            for prefix, uri in self.declarations.items()
            if prefix.encode("ascii") not in declared
        ]
        if not missing:
            return head
        insert_at = end - 1 if head[end - 1 : end] == b"/" else end
        return head[:insert_at] + b"".join(missing) + head[insert_at:]


class DoctypeRefused(Exception):
    """args: what was found, and its line and column."""


class _RootReached(Exception):
    pass


def refuse_dtd(path: Path) -> None:
    """Parse the file's prolog as XML does (expat, chunk by chunk) up to the root element,
    and refuse a DOCTYPE, where entities would be declared: ``DoctypeRefused`` with its
    line. An export never has one, and an entity declared there could expand to gigabytes.

    A regular expression over the first bytes took a ``>`` inside a long comment for the
    root tag's end and let a DOCTYPE after it through (issue 21, item 4); this sees what
    the XML parser sees, in any encoding. A DTD cannot stand anywhere after the root
    element starts (the parse that follows refuses that as malformed), so this is the
    one place to look. The parser stops at the DOCTYPE's first byte, before any
    declaration in it is read.
    """
    parser = expat.ParserCreate()
    seen = _Window()

    def refuse(what: str) -> Callable[..., None]:
        def handler(*_args) -> None:
            raise DoctypeRefused(what, *seen.start_of(b"<!", parser))

        return handler

    def root_reached(*_args) -> None:
        raise _RootReached

    parser.StartDoctypeDeclHandler = refuse("has a DOCTYPE")
    parser.EntityDeclHandler = refuse("declares an entity")
    parser.UnparsedEntityDeclHandler = refuse("declares an entity")
    parser.StartElementHandler = root_reached
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    with open(path, "rb") as raw:
        try:
            while chunk := raw.read(64 * 1024):
                seen.add(chunk)
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except (_RootReached, expat.ExpatError):
            # The root element: no DTD. Malformed: the parse that follows says where.
            return


class _Window:
    """The last two chunks fed to expat: expat reports a DOCTYPE at its "[" or ">", and
    the error should name where it starts."""

    def __init__(self) -> None:
        self.bytes, self.offset = b"", 0

    def add(self, chunk: bytes) -> None:
        keep = self.bytes[-64 * 1024 :]
        self.offset += len(self.bytes) - len(keep)
        self.bytes = keep + chunk

    def start_of(self, opening: bytes, parser) -> tuple[int, int]:
        """(line, column) of the last ``opening`` before the parser's position, or the
        parser's own position when it is not in the window (UTF-16, a huge DOCTYPE)."""
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        here = parser.CurrentByteIndex - self.offset
        found = self.bytes.rfind(opening, 0, max(here, 0) + 1)
        if found < 0 or here > len(self.bytes):
            return line, column
        between = self.bytes[found:here]
        if b"\n" not in between:
            return line, column - len(between)
        line_start = self.bytes.rfind(b"\n", 0, found)
        if line_start < 0 and self.offset:
            return line, column  # its line began before the window
        return line - between.count(b"\n"), found - line_start


def _prolog_end(head: bytes) -> int:
    """Where the prolog's declaration, comments and processing instructions end."""
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        match = _SKIPPABLE.match(head, position)
        if not match:
            return position
        position = match.end()


_SKIPPABLE = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->)", re.S)


def _root_tag_end(head: bytes) -> int | None:
    """Offset of the ``>`` that closes the root start tag in ``head``, if it is there.

    None while the prolog is not all in ``head`` (a comment or declaration still open):
    a ``>`` inside a comment is not the root tag's end."""
    position = _prolog_end(head)
    while position < len(head) and head[position : position + 1].isspace():
        position += 1
    if head[position : position + 1] != b"<" or head[position + 1 : position + 2] in (b"!", b"?"):
        return None
    quote = None
    for index in range(position + 1, len(head)):
        char = head[index : index + 1]
        if quote:
            if char == quote:
                quote = None
        elif char in (b'"', b"'"):
            quote = char
        elif char == b">":
            return index
    return None


def records(
    path: Path,
    namespaces: Namespaces,
    is_record: Callable[[str, list[str]], bool],
    *,
    root: str,
    format_name: str,
) -> Iterator[tuple[str, ET.Element]]:
    """Yield ``(short_tag, element)`` for each complete record element, then drop it.

    ``is_record(tag, ancestors)`` decides which elements are records, given the short tags
    of the open elements above it (root first). A record's children are complete when it
    is yielded; after the caller is done with it, it is removed from its parent. A file
    whose root element is not ``root`` is refused as not being a ``format_name``.
    """
    stack: list[ET.Element] = []
    tags: list[str] = []
    try:
        refuse_dtd(path)
    except DoctypeRefused as error:
        what, line, column = error.args
        message = f"{what} (exports never do; it could declare entities)"
        raise MalformedExport(path, message, line, column) from None
    with open(path, "rb") as raw:
        reader = PrefixDeclaringReader(raw, namespaces.known)
        try:
            # Not defusedxml: ``refuse_dtd`` refused every DTD (defusedxml's rule), so no
            # entity is declared, and ElementTree never fetches external ones.
            events = ET.iterparse(reader, events=("start", "end"))  # noqa: S314
            for event, element in events:
                if event == "start":
                    tag = namespaces.short(element.tag)
                    if not stack and tag != root:
                        raise MalformedExport(
                            path, f"not {format_name} (the root element is <{tag}>)"
                        )
                    stack.append(element)
                    tags.append(tag)
                    continue
                stack.pop()
                tag = tags.pop()
                if is_record(tag, tags):
                    yield tag, element
                    element.clear()
                    if stack:
                        stack[-1].remove(element)
        except ET.ParseError as error:
            line, column = error.position
            message = str(error).rsplit(": line ", 1)[0]
            raise MalformedExport(path, message, line, column + 1) from None


def text(element: ET.Element | None) -> str:
    """The element's text (CDATA included), or "" when it is absent or empty."""
    if element is None:
        return ""
    return "".join(element.itertext())


def child(element: ET.Element, namespaces: Namespaces, tag: str) -> ET.Element | None:
    for sub in element:
        if namespaces.short(sub.tag) == tag:
            return sub
    return None


def fields(element: ET.Element, namespaces: Namespaces) -> dict[str, ET.Element]:
    """Each short tag among the element's children → its first child with that tag.

    For a record read field by field (a comment has twenty): one pass over the children
    instead of one per field.
    """
    found: dict[str, ET.Element] = {}
    for sub in element:
        found.setdefault(namespaces.short(sub.tag), sub)
    return found


def children(element: ET.Element, namespaces: Namespaces, tag: str) -> list[ET.Element]:
    return [sub for sub in element if namespaces.short(sub.tag) == tag]


def child_text(element: ET.Element, namespaces: Namespaces, tag: str) -> str:
    return text(child(element, namespaces, tag)).strip()


def count(path: Path, namespaces: Namespaces, counted, *, root: str, format_name: str) -> int:
    """How many elements ``counted`` accepts: the total a progress bar counts towards."""
    return sum(1 for _ in records(path, namespaces, counted, root=root, format_name=format_name))
