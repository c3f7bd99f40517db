"""Names nobody can fake: the names of the blog's own people, and names that claim a role.

A reader's name is free text, but may not be, or look like, the display name, full name
or username of an author, moderator or staff user, or a name moderators reserved
(``ReservedName``). Two names are "the same" when their *keys* match: NFKC; every
default-ignorable code point removed (the Unicode property: format characters, variation
selectors, and the letters that render as nothing, such as the Hangul fillers U+3164 and
U+1160), and controls and unassigned code points; accents and every other mark stripped,
case folded, each character replaced by its confusables prototype (Cyrillic "а" → "a",
from the ``confusable-homoglyphs`` data) or, for the Latin letters the table leaves out
(small capitals such as "ᴇ", letters with a stroke or hook), by the letter its Unicode name
says it is; punctuation and repeated spaces collapsed, and leading titles ("Dr", "Prof")
dropped. "Anonymous" (or "Anon") followed by a time is reserved too: it is how the site
labels comments posted without a name ("Anonymous 23:41 (2)").

The reserved keys are on the posting path, so they are built once and kept in the cache
(one cache read a submission, no query); saving a user, an author profile, a group
membership or a reserved name drops them (``comments.signals``).
"""

import difflib
import re
import unicodedata
from functools import cache as memoise

import regex
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from .confusables_table import ASCII_PROTOTYPES, PROTOTYPES

CACHE_KEY = "comments:reserved-names:v2"  # v2: keys drop ignorables, read letter names
CACHE_SECONDS = 24 * 3600

# Words that claim a place on the site's side of the conversation, alone ("Admin") or
# beside a name ("Amara (Author)", "Moderator Jo").
ROLE_WORDS = (
    "author", "moderator", "mod", "admin", "administrator", "site admin", "staff",
    "webmaster", "site owner", "editor", "blog team", "official",
)  # fmt: skip
TITLES = {"dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "mx", "sir", "dame"}


# Characters a name's key drops: Default_Ignorable_Code_Point (Unicode's own list of what
# renders as nothing: variation selectors, Hangul fillers…), every other "other" (format
# characters, controls, private use, surrogates, unassigned), and all marks.
_DROPPED = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{C}\p{M}]+")
# "LATIN LETTER SMALL CAPITAL E", "LATIN SMALL LETTER E WITH STROKE": the letter in the name.
# Not "N WITH SMALL LETTER J" (ǋ), which reads as two letters.
_LATIN_NAME = re.compile(
    r"LATIN (?:SMALL CAPITAL |SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL |SMALL |CAPITAL )?([A-Z])"
    r"(?: WITH (?!SMALL LETTER|CAPITAL LETTER).+)?"
)
# The key of "Anonymous 23:41 (2)", "Anon 6:45pm", "anonymous 0941": digits may have become
# their look-alike letters in the key ("1" → "i", "0" → "o").
_ANONYMOUS_TIME = re.compile(r"anon(?:ymous)?\s?[0-9io]{1,2}\s?[0-9io]{2}(?:\s?[ap]m)?\b")


def refusal_message(name: str = "") -> str:
    if name and looks_like_anonymous_label(name):
        return _(
            "Names like “Anonymous 23:41” are how this site labels comments posted without "
            "a name. Leave the name empty to get one, or choose another name."
        )
    return _("This name belongs to one of the blog's authors. Choose another name, or sign in.")


def account_name(user) -> str:
    """The name a signed-in user comments under: their author profile's display name,
    else their full name; "" when they have neither (they are asked to set one)."""
    profile = getattr(user, "author_profile", None)
    if profile is not None and profile.display_name.strip():
        return profile.display_name.strip()
    return user.get_full_name().strip()


def commenter(user, post) -> dict | None:
    """Who a signed-in user comments as on ``post``: {"name", "role", "badge"}; None for a
    reader without an account (the form asks for a name)."""
    if user is None or not user.is_authenticated:
        return None
    from .permissions import badge_on_post

    role = badge_on_post(user, post)
    badges = {"author": _("Author"), "moderator": _("Moderator"), "team": _("Team")}
    return {"name": account_name(user), "role": role, "badge": badges.get(role, "")}


def no_account_name_message() -> str:
    return _(
        "Your account has no name to show with your comment. Set your first and last name "
        "(or your author profile's display name) in the admin, then post again."
    )


@memoise
def _prototype(char: str) -> str:
    """The ASCII letters or digits ``char`` looks like (comments/confusables_table.py), or
    ``char`` itself."""
    if char.isascii():
        return ASCII_PROTOTYPES.get(char, char)
    return PROTOTYPES.get(char) or _latin_letter(char)


@memoise
def _latin_letter(char: str) -> str:
    """The letter a Latin letter's Unicode name says it is ("ᴇ" → "e", "ŀ" → "l"), for
    the forms the confusables table and NFKC leave alone or split into two (``ŀ`` → "l·")."""
    if char.isascii() or not char.isalpha():
        return char
    named = _LATIN_NAME.fullmatch(unicodedata.name(char, ""))
    return _prototype(named.group(1).casefold()) if named else char


def _words(name: str) -> list[str]:
    text = "".join(_latin_letter(c) for c in _DROPPED.sub("", name))
    text = _DROPPED.sub("", unicodedata.normalize("NFKC", text))
    text = unicodedata.normalize("NFD", text.casefold())
    text = _DROPPED.sub("", text)  # the accents NFD has split off
    text = unicodedata.normalize("NFC", text)
    text = "".join(_prototype(c) for c in text)
    # Punctuation and symbols separate words; what is left are letters and digits.
    return "".join(c if c.isalnum() else " " for c in text).split()


def name_key(name: str) -> str:
    """What a name reads as, for comparing names (see the module docstring)."""
    words = _words(name)
    while len(words) > 1 and words[0] in TITLES:
        words.pop(0)
    return " ".join(words)


@memoise
def _role_keys() -> tuple[str, ...]:
    return tuple(" ".join(_words(word)) for word in ROLE_WORDS)


def claims_role(name: str) -> bool:
    """ "Moderator", "Admin", "Dr Amara Osei (Author)", "Site admin Jo"."""
    key = " ".join(_words(name))
    return any(
        key == role or key.startswith(role + " ") or key.endswith(" " + role)
        for role in _role_keys()
    )


def _reserved_people() -> list[tuple[str, int]]:
    """(name, user id) for every name of every author, moderator and staff user."""
    from blog.models import AuthorProfile

    User = get_user_model()
    people = User.objects.filter(
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(author_profile__isnull=False)
        | Q(posts__isnull=False)
        | Q(groups__permissions__codename="can_moderate")
        | Q(user_permissions__codename="can_moderate")
    ).distinct()
    # The name the site shows first: where two names read the same, the first is kept.
    names = list(AuthorProfile.objects.filter(user__in=people).values_list("display_name", "user"))
    for user in people.only("pk", "username", "first_name", "last_name"):
        if user.get_full_name():
            names.append((user.get_full_name(), user.pk))
        names.append((user.get_username(), user.pk))
    return names


def reserved_names() -> dict[str, tuple[str, frozenset[int]]]:
    """key → (the name as the site knows it, ids of the users it belongs to; empty for a
    name moderators reserved). Cached; built with three queries when the cache is cold."""
    found = cache.get(CACHE_KEY)
    if found is not None:
        return found
    from .models import ReservedName

    found = {}
    entries = [*_reserved_people(), *((name, None) for name in ReservedName.objects.names())]
    for name, user_id in entries:
        key = name_key(name)
        if not key:
            continue
        shown, owners = found.get(key, (name, frozenset()))
        found[key] = (shown, owners | ({user_id} if user_id is not None else set()))
    cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def forget_reserved_names() -> None:
    cache.delete(CACHE_KEY)


def looks_like_anonymous_label(name: str) -> bool:
    """ "Anonymous 23:41 (2)", "Anon 6:45pm", "Аnonymous 23.41" (Cyrillic А): a name that
    reads as the label the site gives a comment posted without a name."""
    return bool(_ANONYMOUS_TIME.match(" ".join(_words(name))))


def name_refused(name: str, user=None) -> bool:
    """Whether ``name`` may not be used by ``user`` (None: a reader with no account).

    A user may use their own names; no one may claim a role by name, the role comes with
    the account (the badge), nor an anonymous comment's label.
    """
    if not name.strip():
        return False
    if claims_role(name) or looks_like_anonymous_label(name):
        return True
    match = reserved_names().get(name_key(name))
    if match is None:
        return False
    owners = match[1]
    return not (user is not None and user.pk in owners)


def close_reserved_name(name: str) -> str | None:
    """The reserved name ``name`` is, contains or nearly spells, for the moderation queue
    to flag ("Amara Osei MD", "Dr Amara 0sei"); None when it is not close to any."""
    key = name_key(name)
    if not key:
        return None
    if claims_role(name) or looks_like_anonymous_label(name):
        return name
    reserved = reserved_names()
    if key in reserved:
        return reserved[key][0]
    padded = f" {key} "
    for other, (shown, _owners) in reserved.items():
        if len(other) >= 3 and f" {other} " in padded:
            return shown
        if len(other) >= 5 and difflib.SequenceMatcher(None, key, other).ratio() >= 0.85:
            return shown
    return None
