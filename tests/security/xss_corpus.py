"""The public XSS payloads, stored as approved comments, for the page and browser tests.

``../shared/testdata/xss`` (next to the repository, not in it) holds the payloadbox list
and html5lib's sanitizer cases. Each payload becomes an approved comment with the payload
as its name and body, answered by one that quotes it whole.

Thousands of comments through ``comment_create_as_is`` one by one would take a minute;
``store_thread`` bulk-inserts exactly the fields that service stores (name, body, quote
cleaned the same way, ``body_html`` rendered by the same function, a valid nested set),
and ``test_xss_pages.py`` checks that claim against the service itself.
"""

import datetime
import json
import re

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from comments.limits import MAX_NAME
from comments.models import Comment
from comments.text import clean_input, clean_line, normalise_whitespace, render_comment
from tests.services import TESTDATA, needs_shared

XSS_DATA = TESTDATA / "xss"
PAYLOAD_LIST = XSS_DATA / "payloadbox-xss-payload-list.txt"
HTML5LIB_CASES = XSS_DATA / "html5lib-sanitizer-tests1.json"
needs_payloads = needs_shared(PAYLOAD_LIST, HTML5LIB_CASES)

# What makes a payload dangerous if it reached the page unescaped: an event handler, a
# script URL, or an element that runs script or styles (SVG, MathML, frames, <style>).
DANGEROUS = re.compile(r"\bon\w+\s*=|javascript:|data:|<svg|<math|<iframe|<style", re.I)


def payloads() -> list[str]:
    """Every distinct payload of both files, in file order."""
    lines = PAYLOAD_LIST.read_text(encoding="utf-8").splitlines()
    cases = [case["input"] for case in json.loads(HTML5LIB_CASES.read_text(encoding="utf-8"))]
    return list(dict.fromkeys(text for text in lines + cases if text.strip()))


def browser_sample(every: list[str], size: int = 300) -> list[str]:
    """Every dangerous-looking payload, topped up with others to at least ``size``."""
    dangerous = [text for text in every if DANGEROUS.search(text)]
    others = [text for text in every if not DANGEROUS.search(text)]
    return dangerous + others[: max(0, size - len(dangerous))]


def stored_fields(payload: str) -> dict[str, str]:
    """The name, body and quote ``comment_create_as_is`` stores for this payload."""
    return {
        "author_name": clean_line(payload)[:MAX_NAME],
        "body": clean_input(payload),
        # The service normalises the quote's whitespace; cleaning it first keeps a NUL out
        # of PostgreSQL (see test_create_as_is_cleans_the_quote).
        "quote": normalise_whitespace(clean_input(payload)),
    }


def store_thread(post, texts: list[str]) -> list[tuple[Comment, str, str | None]]:
    """One approved thread on ``post`` carrying ``texts``: (comment, text, quoted text).

    The first text is the root; each next one is a comment with that text as its name and
    body, answering the comment before it and quoting all of that one's text. Like a reply
    beyond the maximum depth, each sits directly under the root (``parent``) while
    ``reply_to`` names the comment it answers. A last comment quotes the last text.
    """
    tree_id = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    clock = timezone.now() - datetime.timedelta(days=1)
    quoted = [None, *texts]
    written = [*texts, "The last word."]
    # Ids taken up front, so each row names its parent and the comment it answers and one
    # INSERT writes them all (PostgreSQL checks the foreign keys at commit).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Comment._meta.db_table, len(written)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    comments = []
    for position, (text, quote) in enumerate(zip(written, quoted, strict=True)):
        fields = stored_fields(text)
        comments.append(
            Comment(
                pk=ids[position], parent_id=None if position == 0 else ids[0],
                reply_to_id=None if position == 0 else ids[position - 1],
                post=post, author_name=fields["author_name"], body=fields["body"],
                body_html=render_comment(fields["body"]),
                quote=stored_fields(quote)["quote"] if quote is not None else "",
                status=Comment.Status.APPROVED,
                submitted_at=clock + datetime.timedelta(milliseconds=position),
                tree_id=tree_id, level=min(position, 1),
                lft=1 if position == 0 else 2 * position,
                rght=2 * len(written) if position == 0 else 2 * position + 1,
            )
        )  # fmt: skip
    Comment.objects.bulk_create(comments, batch_size=1000)
    return list(zip(comments, written, quoted, strict=True))
