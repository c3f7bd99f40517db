"""The reader's comment form. The text is checked by ``comments.validation`` (as the
services check it); rules about posts and parents are in services."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .limits import MAX_BODY, MAX_NAME, MAX_QUOTE
from .text import clean_input, clean_line, normalise_whitespace
from .validation import EMPTY_BODY, validate_text

MAX_ID = 2**63 - 1


class CleanTextField(forms.CharField):
    """Strips control characters before any validation sees the text, but refuses a NUL.

    Pasted text brings stray controls (form feeds, escape codes) that a reader never meant;
    a NUL is never typed or pasted, only sent by a broken or hostile client, so it gets a
    clear error rather than a silent repair.
    """

    default_error_messages = {
        "null_characters_not_allowed": _(
            "This text contains a NUL character, which is not allowed. "
            "Please remove it and send it again."
        ),
    }

    def __init__(self, *, one_line: bool = False, limit: int | None = None, **kwargs):
        self.one_line = one_line
        self.limit = limit  # for comments.js; clean() checks it, with validate_text
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if "\x00" in value:
            raise ValidationError(
                self.error_messages["null_characters_not_allowed"],
                code="null_characters_not_allowed",
            )
        return clean_line(value) if self.one_line else clean_input(value)

    def widget_attrs(self, widget):
        # No maxlength: the browser would cut a longer paste without a word. comments.js
        # counts against data-max-length as the reader types; the server refuses what is
        # over and gives the text back.
        attrs = super().widget_attrs(widget)
        if self.limit is not None and not widget.is_hidden:
            attrs["data-max-length"] = str(self.limit)
            attrs["data-too-long"] = _("%(over)s characters too long: shorten it before posting.")
        return attrs


class CommentForm(forms.Form):
    author_name = CleanTextField(
        one_line=True,
        label=_("Name"),
        required=False,
        limit=MAX_NAME,
        help_text=_("Optional. Leave it empty to comment as “Anonymous”."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    author_email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        help_text=_(
            "Optional, never shown. Needed for reply notifications, which start once you "
            "follow the link we email to it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = CleanTextField(
        label=_("Comment"),
        limit=MAX_BODY,
        error_messages={"required": EMPTY_BODY},
        help_text=_("Plain text. Leave a blank line between paragraphs; links work as they are."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    quote = CleanTextField(
        label=_("Quoting"),
        required=False,
        limit=MAX_QUOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: words from the comment you are answering."),
    )
    notify_replies = forms.BooleanField(label=_("Email me when someone replies"), required=False)
    parent = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        # A hidden field: "ensure this value is at least 1" would mean nothing to a reader.
        error_messages={
            key: _("That is not a comment you can reply to.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    # Honeypot: hidden from people (and from screen readers); bots fill it in.
    website = forms.CharField(
        required=False,
        strip=False,  # only whitespace is still filled in: a person leaves it empty
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        problems = validate_text(
            body=data.get("body", ""),
            name=data.get("author_name", ""),
            quote=normalise_whitespace(data.get("quote", "")),
        )
        for field, messages in problems.items():
            if field not in self.errors:  # a field's own error (required, NUL) says enough
                for message in messages:
                    self.add_error(field, message)
        if data.get("notify_replies") and not data.get("author_email"):
            self.add_error("author_email", _("Give an email address to hear about replies."))
        return data
