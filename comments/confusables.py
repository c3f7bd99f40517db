"""The part of Unicode's confusables table that name comparison needs, and how it is made.

``comments/identity.py`` compares a name by a key in which every character is replaced by
the ASCII letters or digits it looks like. The whole table (the ``confusable-homoglyphs``
package's data) costs a web process about 15 MiB; the part the key needs is a few
thousand entries, kept in ``confusables_table.py`` and made from the package's data by
``python -m tools.confusables_table`` (``tests/comments/test_confusables_table.py`` checks
that the kept table is the one the installed package gives).
"""

from collections.abc import Mapping


def _letters_first(char: str) -> tuple[bool, str]:
    return (not char.isalpha(), char)


def ascii_prototypes(table: Mapping[str, list[dict]]) -> dict[str, str]:
    """ASCII letters and digits that the table says look alike ("l", "1", "I"; "0", "O"),
    grouped, each mapped to one member of its group (a letter rather than a digit)."""
    parent: dict[str, str] = {}

    def find(char: str) -> str:
        while parent.setdefault(char, char) != char:
            char = parent[char]
        return char

    for char, glyphs in table.items():
        if not (len(char) == 1 and char.isascii() and char.isalnum()):
            continue
        for glyph in glyphs:
            right = glyph["c"]
            if len(right) == 1 and right.isascii() and right.isalnum():
                a, b = sorted((find(char.casefold()), find(right.casefold())), key=_letters_first)
                parent[b] = a
    return {char: find(char) for char in sorted(parent)}


def prototypes(table: Mapping[str, list[dict]], ascii_map: Mapping[str, str]) -> dict[str, str]:
    """Each non-ASCII character the table says looks like ASCII letters or digits, with
    those (case folded, each ASCII character by its group's member)."""
    found: dict[str, str] = {}
    for char, glyphs in table.items():
        if char.isascii():
            continue
        for glyph in glyphs:
            text = glyph["c"].casefold()
            if text.isascii() and text.isalnum():
                found[char] = "".join(ascii_map.get(c, c) for c in text)
                break
    return dict(sorted(found.items()))
