"""Writes comments/confusables_table.py from the installed confusable-homoglyphs data.

    python -m tools.confusables_table

Run it after upgrading confusable-homoglyphs; tests/comments/test_confusables_table.py
fails until the kept table matches the package.
"""

from pathlib import Path

from confusable_homoglyphs.confusables import confusables_data

from comments.confusables import ascii_prototypes, prototypes

TARGET = Path(__file__).resolve().parent.parent / "comments" / "confusables_table.py"


def _dict(name: str, mapping: dict[str, str]) -> list[str]:
    return [f"{name} = {{", *(f"    {_quoted(k)}: {_quoted(v)}," for k, v in mapping.items()), "}"]


def _quoted(text: str) -> str:
    """A string literal in double quotes, invisible characters escaped (as repr does)."""
    assert '"' not in text and "\\" not in text and "'" not in text
    return '"' + repr(text)[1:-1] + '"'


def render() -> str:
    ascii_map = ascii_prototypes(confusables_data)
    lines = [
        '"""Made by ``python -m tools.confusables_table`` from the confusable-homoglyphs data',
        '(Unicode\'s confusables.txt); see comments/confusables.py. Do not edit."""',
        "",
        *_dict("ASCII_PROTOTYPES", ascii_map),
        *_dict("PROTOTYPES", prototypes(confusables_data, ascii_map)),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
