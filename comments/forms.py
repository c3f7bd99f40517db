"""The reader's comment form. Field checks here; rules about posts and parents in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_BODY, MAX_NAME, MAX_QUOTE
from .text import clean_input, clean_line

MAX_ID = 2**63 - 1


class CleanTextField(forms.CharField):
    """Strips control characters (NUL included) before any validation sees the text."""

    def __init__(self, *, one_line: bool = False, **kwargs):
        self.one_line = one_line
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return clean_line(value) if self.one_line else clean_input(value)


class CommentForm(forms.Form):
    author_name = CleanTextField(
        one_line=True,
        label=_("Name"),
        required=False,
        max_length=MAX_NAME,
        help_text=_("Optional. Leave it empty to comment as “Anonymous”."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    author_email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        help_text=_("Optional, never shown. Needed for reply notifications."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = CleanTextField(
        label=_("Comment"),
        max_length=MAX_BODY,
        error_messages={"required": _("Please write a comment.")},
        help_text=_("Plain text. Leave a blank line between paragraphs; links work as they are."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    quote = CleanTextField(
        label=_("Quoting"),
        required=False,
        max_length=MAX_QUOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: words from the comment you are answering."),
    )
    notify_replies = forms.BooleanField(label=_("Email me when someone replies"), required=False)
    parent = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("That is not a comment you can reply to.")},
    )
    # Honeypot: hidden from people (and from screen readers); bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("notify_replies") and not data.get("author_email"):
            self.add_error("author_email", _("Give an email address to hear about replies."))
        return data
