"""The one check of a comment's text, and its messages.

The reader's form, ``comment_submit`` and a moderator's ``comment_edit`` all ask
``validate_text``, so a rule and the words that explain it are written once. It takes
text already cleaned (``comments.text.clean_input``/``clean_line``, the quote with
``normalise_whitespace``) and returns the problems by form field; empty means fine.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .limits import MAX_BODY, MAX_NAME, MAX_QUOTE
from .text import normalise_whitespace

# Also the form's "required" message: an empty comment reads the same from every door.
EMPTY_BODY = gettext_lazy("Please write a comment.")


def validate_text(
    *, body: str, quote: str = "", name: str = "", quoted_from: Iterable[str] | None = None
) -> dict[str, list[str]]:
    """Problems with a comment's text, by field.

    ``quoted_from`` is every text the quote may come from (the answered comment's, or all
    its revisions); None when the quote is not to be checked against a source.
    """
    errors: dict[str, list[str]] = {}
    if not body:
        errors["body"] = [str(EMPTY_BODY)]
    elif len(body) > MAX_BODY:
        errors["body"] = [
            _("The comment is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(body), "limit": MAX_BODY}
        ]
    if len(name) > MAX_NAME:
        errors["author_name"] = [
            _("Names can be at most %(limit)d characters; this one has %(length)d.")
            % {"limit": MAX_NAME, "length": len(name)}
        ]
    if len(quote) > MAX_QUOTE:
        errors["quote"] = [
            _("Quotes can be at most %(limit)d characters; this one has %(length)d.")
            % {"limit": MAX_QUOTE, "length": len(quote)}
        ]
    elif quote and quoted_from is not None and not _quoted(quote, quoted_from):
        errors["quote"] = [_("The quote is not in the comment it answers.")]
    return errors


def _quoted(quote: str, sources: Iterable[str]) -> bool:
    return any(quote in normalise_whitespace(text) for text in sources)
