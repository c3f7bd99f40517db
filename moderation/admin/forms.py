"""The comment change form: the text only, saved through the services."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments.forms import CleanTextField
from comments.limits import NOTE_LIMIT
from comments.models import Comment

from .. import services


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

    # Set per request by CommentAdmin.get_form: who saves, and whether "Save and approve".
    actor = None
    approve = False

    def clean(self):
        data = super().clean()
        changed = {"body", "quote"} & set(self.changed_data)
        if changed and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why you are changing this comment."))
        return data

    def _post_clean(self):
        super()._post_clean()
        if not self._errors:
            self._apply()

    def _apply(self) -> None:
        """Run the service while validating, so a refusal (a quote not in the answered
        comment, a comment approved meanwhile) lands at its field with the moderator's
        text still in the form. The admin's change view is one transaction; the service
        is a savepoint in it, undone on refusal."""
        data = self.cleaned_data
        changed = bool({"body", "quote"} & set(self.changed_data))
        text = (
            {"body": data["body"], "quote": data["quote"], "reason": data["reason"],
             "public_note": data["public_note"]}
            if changed else {}
        )  # fmt: skip
        try:
            if self.approve:
                services.comment_edit_and_approve(comment=self.instance, actor=self.actor, **text)
            elif changed:
                services.comment_edit(comment=self.instance, actor=self.actor, **text)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                self.add_error(None, error)
                return
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        except PermissionDenied as error:
            self.add_error(None, str(error))
