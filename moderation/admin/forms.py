"""The comment change form: the text only. It validates with the services' read-only
checks; ``CommentAdmin.save_model`` saves through the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from comments.forms import CleanTextField
from comments.limits import NOTE_LIMIT
from comments.models import Comment

from .. import refusals


class CommentEditForm(forms.ModelForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the edit"),
        required=False,
        max_length=NOTE_LIMIT,
        help_text=gettext_lazy("Required when you change someone else's words. Moderators only."),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    public_note = forms.CharField(
        label=gettext_lazy("Public note"),
        required=False,
        max_length=NOTE_LIMIT,
        help_text=gettext_lazy(
            "Shown under the comment as “Edited by a moderator: …”. "
            "E.g. “we removed part of this comment that was not fit for purpose”."
        ),
        widget=forms.TextInput(attrs={"size": 60}),
    )

    class Meta:
        model = Comment
        fields = ["body", "quote"]
        # Browsers send CRLF; compare cleaned text so an untouched comment is unchanged.
        field_classes = {"body": CleanTextField, "quote": CleanTextField}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for field, errors in self._problems(data).items():
            self.add_error(field if field in self.fields else None, errors)
        return data

    def _problems(self, data: dict) -> dict[str, list[str]]:
        """What the services would refuse, asked read-only before anything is saved."""
        problems: dict[str, list[str]] = {}
        if self.text_changes():
            problems = refusals.edit_problems(comment=self.instance, **self.text_changes())
        if self.approving() and (refusal := refusals.approval_problem(comment=self.instance)):
            problems.setdefault("__all__", []).append(refusal)
        return problems

    def approving(self) -> bool:
        """The moderator pressed "Save and approve"."""
        return "_approve" in self.data

    def text_changes(self) -> dict[str, str]:
        """The edit for ``comment_edit``'s keyword arguments; empty when the words stand."""
        if not {"body", "quote"} & set(self.changed_data):
            return {}
        data = self.cleaned_data
        return {
            "body": data.get("body", ""),
            "quote": data.get("quote", ""),
            "reason": data.get("reason", ""),
            "public_note": data.get("public_note", ""),
        }
