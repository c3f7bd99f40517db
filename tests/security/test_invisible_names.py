"""Issue 21, item 3 (and issue 23's reserved "Anonymous HH:MM"): reserved names cannot be
slipped past with invisible letters or look-alikes the confusables table leaves out.

The probe posted as "Nia Kowalski\\u3164", "Moderator\\u3164" and "Lin\\u3164" (a Hangul
filler, a letter that renders as nothing) and as "Amara Osᴇi" (U+1D07, a small capital):
all approved at once, and the queue's close-name flag did not fire. The variants here are
generated from whole Unicode categories and names (``unicodedata``), not from a list of
the code points the probe used.
"""

import re
import sys
import unicodedata
from functools import cache

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client

from comments.identity import close_reserved_name, name_key, name_refused
from comments.models import Comment
from comments.templatetags.comment_identity import reserved_name_flag
from tests.factories import UserFactory

RESERVED = ["Nia Kowalski", "Lin", "Amara Osei", "Moderator"]
ANONYMOUS_REFUSAL = "how this site labels comments posted without a name"


@pytest.fixture
def people(db, author):
    author.first_name, author.last_name = "Amara", "Osei"
    author.save()
    nia = UserFactory(username="nkowalski", first_name="Nia", last_name="Kowalski", is_staff=True)
    nia.groups.add(Group.objects.get(name="Moderators"))
    lin = UserFactory(username="lin", first_name="Lin", is_staff=True)
    lin.groups.add(Group.objects.get(name="Authors"))
    return {"amara": author, "nia": nia, "lin": lin}


@cache
def code_points(*categories: str) -> list[str]:
    return [
        chr(point)
        for point in range(sys.maxunicode + 1)
        if unicodedata.category(chr(point)) in categories
    ]


def invisible_characters() -> list[str]:
    """What renders as nothing or only decorates: every format character (Cf), every mark
    (Mn, Me), every letter Unicode names a filler (the Hangul fillers) or a variation
    selector, and unassigned code points (Cn) in the ranges a font may draw as nothing."""
    found = code_points("Cf", "Mn", "Me")
    found += [c for c in code_points("Lo", "Lm") if "FILLER" in unicodedata.name(c, "")]
    found += [
        chr(point) for point in range(0xE0000, 0xE1000) if unicodedata.category(chr(point)) == "Cn"
    ]
    return found


def test_the_generated_sets_hold_what_the_probe_found():
    invisible = set(invisible_characters())
    assert {"\u3164", "\u1160", "\u115f", "\uffa0", "\u200b", "\ufe0f"} <= invisible
    assert "\u1d07" in look_alikes()["e"]


@pytest.mark.parametrize("name", RESERVED)
def test_no_invisible_character_anywhere_makes_a_reserved_name_usable(people, name):
    slipped = []
    for char in invisible_characters():
        for variant in (name + char, char + name, name[:2] + char + name[2:]):
            if not name_refused(variant):
                slipped.append(f"U+{ord(char):04X} in {variant!r}")
    assert slipped == []


@cache
def look_alikes() -> dict[str, list[str]]:
    """For each ASCII letter, every letter (categories L*) whose Unicode name says it is
    that Latin letter in another form: small capitals, modifier letters, mathematical,
    fullwidth, circled, with a stroke, hook, dot or accent (not the digraphs such as "ǋ",
    "N WITH SMALL LETTER J", which read as two letters)."""
    form = re.compile(
        r"(?:LATIN|MATHEMATICAL [A-Z -]+|FULLWIDTH LATIN|MODIFIER|CIRCLED LATIN)"
        r" (?:SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL |SMALL |CAPITAL )?([A-Z])"
        r"(?: WITH (?!SMALL LETTER|CAPITAL LETTER).+)?"
    )
    found: dict[str, list[str]] = {}
    for char in code_points("Lu", "Ll", "Lt", "Lm", "Lo", "So"):
        named = form.fullmatch(unicodedata.name(char, ""))
        if named:
            found.setdefault(named.group(1).lower(), []).append(char)
    return found


@pytest.mark.parametrize("name", RESERVED)
def test_no_look_alike_letter_makes_a_reserved_name_usable(people, name):
    slipped = []
    for position, letter in enumerate(name):
        for char in look_alikes().get(letter.lower(), []):
            variant = name[:position] + char + name[position + 1 :]
            if not name_refused(variant):
                slipped.append(f"U+{ord(char):04X} {unicodedata.name(char)} in {variant!r}")
    assert slipped == []


@pytest.mark.parametrize(
    "typed", ["Nia Kowalski\u3164", "Moderator\u3164", "Lin\u3164", "Amara Os\u1d07i"]
)
def test_the_probes_names_are_refused_through_the_service(people, submit, typed):
    with pytest.raises(ValidationError) as refused:
        submit("Stop your treatment now.", author_name=typed, author_email="nia@example.org")
    assert "author_name" in refused.value.message_dict
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("stored", "close_to"),
    [
        ("Nia Kowalski\u3164", "Nia Kowalski"),
        ("Nia Kowalski\u3164 MD", "Nia Kowalski"),
        ("Amara Os\u1d07i", "Amara Osei"),
        ("Lin\u3164", "Lin"),
    ],
)
def test_the_queue_flags_a_stored_name_close_to_a_reserved_one(people, make, stored, close_to):
    """Comments stored before the fix (or imported) are never rewritten: the queue says."""
    comment = make("Hello.", name=stored, status=Comment.Status.PENDING)
    flagged = close_reserved_name(stored)
    assert flagged is not None and name_key(flagged) == name_key(close_to)
    assert flagged in reserved_name_flag(comment)


@pytest.mark.parametrize(
    "name", ["Ruth Baker", "Nia Kowalska", "Linus", "김민수", "Zoë Ångström", "Anonymous"]
)
def test_other_names_still_pass_and_keep_their_letters(people, name):
    assert not name_refused(name)
    assert name_key("김민수") == "김민수"


def anonymous_labels() -> list[str]:
    """ "Anonymous HH:MM (n)" as the site writes it, with every separator Unicode calls
    punctuation or space, and its shortenings."""
    separators = [":", "."] + code_points("Zs") + [c for c in code_points("Po") if c in ":.·"]
    labels = []
    for hour, minute in [(0, 0), (9, 5), (13, 41), (23, 41)]:
        for sep in separators:
            time = f"{hour:02d}{sep}{minute:02d}"
            labels += [
                f"Anonymous {time}",
                f"Anonymous {time} (2)",
                f"Anon {time}",
                f"anonymous{time}",
            ]
    return labels + [
        "Anon 6:45pm",
        "Anon 1.41",
        "\u0410nonymous 23:41 (2)",
        "Anonymous 23:41\u3164",
    ]


def test_an_anonymous_label_cannot_be_typed_as_a_name(people):
    assert [label for label in anonymous_labels() if not name_refused(label)] == []


def test_typed_anonymous_23_41_2_is_refused_with_a_reason(people, submit):
    with pytest.raises(ValidationError) as refused:
        submit("I agree.", author_name="Anonymous 23:41 (2)", author_email="a@example.org")
    assert ANONYMOUS_REFUSAL in " ".join(refused.value.message_dict["author_name"])
    assert not Comment.objects.exists()


def test_the_queue_page_shows_the_flag_to_a_moderator(people, make):
    make("Stop your treatment.", name="Nia Kowalski\u3164", status=Comment.Status.PENDING)
    moderator = Client()
    moderator.force_login(people["nia"])
    page = moderator.get("/admin/moderation/pendingcomment/").content.decode()
    assert "Name check:" in page
    assert "a name reserved for the blog" in page
