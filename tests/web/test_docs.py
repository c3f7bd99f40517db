"""The README a newcomer reads to the end: short, its links, make targets and commands real,
no issue numbers in headings; the licence an adopter needs."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
GUIDES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md"]
DOCS = sorted((ROOT / "docs").glob("*.md"))

# Written on other branches of this round (deployment, production settings, mail, spam,
# the conversation): remove each name once it has been merged.
LINK = re.compile(r"\]\(([^)\s]+)\)|<img src=\"([^\"]+)\"")


def test_the_readme_is_short():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= 300, len(lines)


def headings(text: str) -> list[str]:
    """The Markdown headings of ``text``, not the comment lines of its code blocks."""
    found, in_code = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif line.startswith("#") and not in_code:
            found.append(line)
    return found


def code(text: str) -> str:
    """The code in ``text``: fenced blocks and `inline` spans."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    return "\n".join(blocks + re.findall(r"`([^`\n]+)`", text))


def test_no_heading_names_an_issue():
    for path in [ROOT / "README.md", *DOCS]:
        for line in headings(path.read_text()):
            assert not re.search(r"\bissues?\s+\d+|#\d+\b", line, re.IGNORECASE), (
                f"{path.name}: {line}"
            )


def test_every_relative_link_leads_to_a_file_of_the_repository():
    for path in [*GUIDES, *DOCS]:
        for match in LINK.finditer(path.read_text()):
            target = (match.group(1) or match.group(2)).split("#")[0]
            if not target or re.match(r"[a-z]+:", target):
                continue  # an anchor on the same page, or another site
            resolved = (path.parent / target).resolve()
            assert resolved.exists(), f"{path.name}: {target}"


def test_the_make_targets_and_commands_the_guides_name_exist():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))
    commands = set(get_commands())
    for path in [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]:
        text = code(path.read_text())
        for target in re.findall(r"\bmake ([a-z][\w-]*)", text):
            assert target in targets, f"{path.name}: make {target}"
        for command in re.findall(r"manage\.py ([a-z_]+)", text):
            assert command in commands, f"{path.name}: manage.py {command}"


def test_the_licence_is_bsd_3_clause_for_the_contributors():
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("BSD 3-Clause License")
    assert "Copyright (c) 2026, the Colloquy contributors" in licence
    assert "Neither the name of the copyright holder" in licence
