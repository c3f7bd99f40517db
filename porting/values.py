"""Reading the small values exports are made of: dates, e-mail addresses, URLs, booleans."""

import datetime
import email.utils
import re
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

# Addresses that stand for "no address": Blogger puts this on every comment.
PLACEHOLDER_EMAILS = {"noreply@blogger.com"}
WP_DATE = "%Y-%m-%d %H:%M:%S"
_WP_DATE_USUAL = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)", re.ASCII)


def wp_date(value: str, tz: datetime.tzinfo) -> datetime.datetime | None:
    """A WordPress date ("2014-01-14 17:31:03") in ``tz``; None for "0000-00-00 …" or junk."""
    value = value.strip()
    if not value or value.startswith("0000"):
        return None
    # The usual form without strptime, a tenth of its cost; anything else goes through it.
    usual = _WP_DATE_USUAL.fullmatch(value[:19])
    try:
        if usual:
            year, month, day, hour, minute, second = map(int, usual.groups())
            naive = datetime.datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - tz below
        else:
            naive = datetime.datetime.strptime(value[:19], WP_DATE)
    except ValueError:
        return None
    return naive.replace(tzinfo=tz)


def rfc822_date(value: str) -> datetime.datetime | None:
    """An RSS date ("Tue, 14 Jan 2014 17:31:03 +0000"), or None."""
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def iso_date(value: str, tz: datetime.tzinfo = datetime.UTC) -> datetime.datetime | None:
    """An ISO 8601 / Atom date ("2008-11-11T16:10:00.000-08:00", "…Z"), or None."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def clean_email(value: str) -> str:
    value = value.strip()
    if not value or value.lower() in PLACEHOLDER_EMAILS or len(value) > 254:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


_url_validator = URLValidator(schemes=["http", "https"])


def clean_url(value: str) -> str:
    """An http(s) URL that fits the field, or ""."""
    value = value.strip()
    if not value or len(value) > 500:
        return ""
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value


def truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes")


def slug_from_url(url: str) -> str:
    """The last meaningful path segment of a post's old address ("…/2008/04/about-me.html")."""
    path = unquote(urlsplit(url.strip()).path)
    segments = [segment for segment in path.split("/") if segment]
    while segments and re.fullmatch(r"index\.\w+", segments[-1]):
        segments.pop()
    if not segments:
        return ""
    return re.sub(r"\.(html?|php|aspx?)$", "", segments[-1])


def normalise_url(url: str) -> str:
    """Compare page addresses loosely: no scheme, no "www.", no trailing slash or index page,
    no fragment; the query (WordPress's ``?p=12``) is kept."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port:
        host += f":{parts.port}"
    path = re.sub(r"/index\.\w+$", "/", unquote(parts.path)).rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"
