"""Ids typed into the admin's forms and URLs: ASCII digits within the column's range, or a
clear 400 (``BadRequest``), never a 500.

``str.isdigit()`` says yes to "²" and to a 5,000-digit number, which ``int()`` then refuses
(or the database does); issue 21, item 9.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import BadRequest

# Our primary keys are BigAutoField: 1 … 2**63 - 1 (PostgreSQL's bigint).
LARGEST = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: str) -> int:
    """``value`` as a primary key, or ``BadRequest`` naming what was wrong."""
    if not _ASCII_DIGITS.fullmatch(value) or not 1 <= int(value) <= LARGEST:
        shown = value if len(value) <= 20 else f"{value[:20]}… ({len(value)} characters)"
        raise BadRequest(f"Not a comment or post id: {shown!r} (ids are whole numbers).")
    return int(value)


def parse_ids(values: Iterable[str]) -> list[int]:
    """Every non-empty value as an id (an empty one is "nothing chosen", not an error)."""
    return [parse_id(value) for value in values if value != ""]
