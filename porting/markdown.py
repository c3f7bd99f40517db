"""Imported post HTML made into the Markdown that renders to the same structure.

The HTML is parsed by ``porting.text`` (which also makes comments plain text); the
renderer and nh3 still have the last word on what is shown.
"""

import re

from porting.text import BLOCK, BREAK, EMBEDS, PARAGRAPH, Node, _embed_url, link_url, parse_html

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^([ \t]*)([#+=-]+|\d+[.)])(?=[ \t]|$)", re.M)


def _escape(text: str) -> str:
    return _ENTITY_LIKE.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", text))


def _escape_line_starts(text: str) -> str:
    def fix(match):
        marker = match.group(2)
        if marker[0].isdigit():
            return f"{match.group(1)}{marker[:-1]}\\{marker[-1]}"
        return f"{match.group(1)}\\{marker}"

    return _LINE_START.sub(fix, text)


def html_to_markdown(html: str, *, whitespace: str = "html", notes: list[str] | None = None) -> str:
    """A post's HTML as Markdown for ``blog.rendering.render_markdown`` (``notes``: see
    ``parse_html``)."""
    blocks = _md_blocks(parse_html(html, notes=notes).children, whitespace)
    return "\n\n".join(blocks).strip()


def _md_blocks(children: list, whitespace: str) -> list[str]:
    blocks: list[str] = []
    inline: list = []

    def flush():
        if inline:
            text = _md_inline(inline, whitespace)
            # Two line breaks in a row ("<br><br>") are how old editors made paragraphs.
            text = re.sub(rf"{BREAK}\s*{BREAK}[\s{BREAK}]*", PARAGRAPH, text)
            for paragraph in text.split(PARAGRAPH):
                paragraph = _finish_paragraph(paragraph)
                if paragraph:
                    blocks.append(paragraph)
            inline.clear()

    for sub in children:
        if isinstance(sub, Node) and (sub.tag in BLOCK or sub.tag in EMBEDS):
            flush()
            blocks.extend(_md_block(sub, whitespace))
        else:
            inline.append(sub)
    flush()
    return blocks


def _finish_paragraph(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split(BREAK)]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return _escape_line_starts("\\\n".join(lines))


def _md_block(node: Node, whitespace: str) -> list[str]:
    tag = node.tag
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        level = max(2, int(tag[1]))
        text = _md_inline(node.children, whitespace)
        text = re.sub(r"\s+", " ", text.replace(PARAGRAPH, " ").replace(BREAK, " ")).strip()
        return [f"{'#' * level} {text}"] if text else []
    if tag == "hr":
        return ["---"]
    if tag == "pre":
        code = "".join(_plain(node)).strip("\n")
        fence = "```"
        while fence in code:
            fence += "`"
        return [f"{fence}\n{code}\n{fence}"] if code.strip() else []
    if tag == "blockquote":
        inner = "\n\n".join(_md_blocks(node.children, whitespace))
        return [_prefix_lines(inner, "> ", ">")] if inner.strip() else []
    if tag in ("ul", "ol"):
        return [_md_list(node, whitespace)] if node.children else []
    if tag == "table":
        return [_md_table(node, whitespace)]
    if tag in EMBEDS:
        url = _embed_url(node)
        return [f"[Embedded content]({_md_url(url)})"] if url else []
    return _md_blocks(node.children, whitespace)


def _prefix_lines(text: str, prefix: str, blank: str) -> str:
    return "\n".join(f"{prefix}{line}" if line else blank for line in text.split("\n"))


def _md_list(node: Node, whitespace: str) -> str:
    items = []
    number = int(node.attrs.get("start", "1") or 1) if node.tag == "ol" else 0
    for sub in node.children:
        if isinstance(sub, str):
            if sub.strip():
                sub = Node("li", children=[sub])
            else:
                continue
        if sub.tag != "li":
            sub = Node("li", children=[sub])
        marker = f"{number}." if node.tag == "ol" else "-"
        number += 1
        body = "\n\n".join(_md_blocks(sub.children, whitespace)) or ""
        indent = " " * (len(marker) + 1)
        lines = body.split("\n")
        first = f"{marker} {lines[0]}".rstrip()
        rest = [f"{indent}{line}" if line else "" for line in lines[1:]]
        items.append("\n".join([first, *rest]))
    return "\n".join(items)


def _md_table(node: Node, whitespace: str) -> str:
    rows: list[list[str]] = []

    def collect(current: Node):
        for sub in current.children:
            if isinstance(sub, Node):
                if sub.tag == "tr":
                    cells = [
                        _md_inline(cell.children, whitespace)
                        for cell in sub.children
                        if isinstance(cell, Node) and cell.tag in ("td", "th")
                    ]
                    rows.append(
                        [
                            re.sub(
                                r"\s+", " ", c.replace(PARAGRAPH, " ").replace(BREAK, " ")
                            ).strip()
                            for c in cells
                        ]
                    )
                else:
                    collect(sub)

    collect(node)
    rows = [row for row in rows if row]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _plain(node: Node) -> list[str]:
    out = []
    for sub in node.children:
        if isinstance(sub, str):
            out.append(sub)
        elif sub.tag == "br":
            out.append("\n")
        else:
            out.extend(_plain(sub))
    return out


def _md_url(url: str) -> str:
    url = url.strip()
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def _md_inline(children: list, whitespace: str) -> str:
    out = []
    for sub in children:
        if isinstance(sub, str):
            if whitespace == "wordpress":
                text = sub.replace("\r\n", "\n").replace("\r", "\n")
                text = re.sub(r"\n[ \t]*\n\s*", PARAGRAPH, text)
                text = _escape(text).replace("\n", BREAK)
            else:
                text = _escape(re.sub(r"\s+", " ", sub))
            out.append(text)
            continue
        tag = sub.tag
        if tag == "br":
            out.append(BREAK)
        elif tag in ("strong", "b"):
            out.append(_wrap(_md_inline(sub.children, whitespace), "**"))
        elif tag in ("em", "i", "cite"):
            out.append(_wrap(_md_inline(sub.children, whitespace), "*"))
        elif tag in ("del", "s", "strike"):
            out.append(_wrap(_md_inline(sub.children, whitespace), "~~"))
        elif tag in ("code", "kbd", "samp", "tt"):
            code = re.sub(r"\s+", " ", "".join(_plain(sub)))
            if code.strip():
                ticks = "`"
                while ticks in code:
                    ticks += "`"
                pad = " " if code.startswith("`") or code.endswith("`") else ""
                out.append(f"{ticks}{pad}{code}{pad}{ticks}")
        elif tag == "a":
            label = _md_inline(sub.children, whitespace).replace(PARAGRAPH, " ")
            label = label.replace(BREAK, " ").strip()
            url = link_url(sub.attrs.get("href", ""))
            if url:
                title = sub.attrs.get("title", "").replace('"', "'").strip()
                title_part = f' "{title}"' if title else ""
                out.append(f"[{label or _escape(url)}]({_md_url(url)}{title_part})")
            else:
                out.append(label)
        elif tag == "img":
            url = link_url(sub.attrs.get("src", ""))
            alt = _escape(re.sub(r"\s+", " ", sub.attrs.get("alt", "")).strip())
            if url:
                out.append(f"![{alt}]({_md_url(url)})")
            else:
                out.append(alt)
        elif tag in ("sub", "sup"):
            out.append(_md_inline(sub.children, whitespace))
        else:
            out.append(_md_inline(sub.children, whitespace))
    return "".join(out)


def _wrap(text: str, marker: str) -> str:
    stripped = text.strip()
    if not stripped or PARAGRAPH in stripped:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"
