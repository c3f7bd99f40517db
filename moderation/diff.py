"""Word-level differences between two versions of a comment, as safe HTML."""

import difflib
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> SafeString:
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("{}", "".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("<del>{}</del>", "".join(before[a1:a2])))
        if b2 > b1:
            parts.append(("<ins>{}</ins>", "".join(after[b1:b2])))
    return format_html_join("", "{}", ((format_html(template, text),) for template, text in parts))
