"""One check of a comment's text: the form, comment_submit and comment_edit say the same."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from comments.forms import CommentForm
from comments.limits import MAX_BODY, MAX_NAME, MAX_QUOTE
from comments.models import Comment
from moderation import services

TOO_LONG = "x" * (MAX_BODY + 1)
BODY_MESSAGE = f"The comment is {MAX_BODY + 1} characters long; the limit is {MAX_BODY}."


def form_errors(**fields) -> dict[str, list[str]]:
    form = CommentForm({"body": "Fine.", **fields})
    assert not form.is_valid()
    return form.errors


def test_an_overlong_comment_reads_the_same_from_the_form_the_service_and_an_edit(
    submit, make, moderator
):
    assert form_errors(body=TOO_LONG)["body"] == [BODY_MESSAGE]
    with pytest.raises(ValidationError) as submitted:
        submit(TOO_LONG)
    assert submitted.value.message_dict["body"] == [BODY_MESSAGE]
    comment = make("A short one.")
    with pytest.raises(ValidationError) as edited:
        services.comment_edit(comment=comment, actor=moderator, reason="tidy", body=TOO_LONG)
    assert edited.value.message_dict["body"] == [BODY_MESSAGE]


def test_an_empty_comment_reads_the_same_from_every_door(submit, make, moderator):
    assert form_errors(body="  \n ")["body"] == ["Please write a comment."]
    with pytest.raises(ValidationError) as submitted:
        submit(" ")
    assert submitted.value.message_dict["body"] == ["Please write a comment."]
    with pytest.raises(ValidationError) as edited:
        services.comment_edit(comment=make("Text."), actor=moderator, reason="r", body="  ")
    assert edited.value.message_dict["body"] == ["Please write a comment."]


def test_name_and_quote_limits_read_the_same_in_the_form_and_the_service(submit, make):
    name = "n" * (MAX_NAME + 1)
    name_message = f"Names can be at most {MAX_NAME} characters; this one has {MAX_NAME + 1}."
    assert form_errors(author_name=name)["author_name"] == [name_message]
    with pytest.raises(ValidationError) as submitted:
        submit("Fine.", author_name=name)
    assert submitted.value.message_dict["author_name"] == [name_message]

    quote = "q" * (MAX_QUOTE + 1)
    quote_message = f"Quotes can be at most {MAX_QUOTE} characters; this one has {MAX_QUOTE + 1}."
    assert form_errors(quote=quote)["quote"] == [quote_message]
    with pytest.raises(ValidationError) as submitted:
        submit("Fine.", quote=quote, parent=make(quote))
    assert submitted.value.message_dict["quote"] == [quote_message]


def test_the_form_still_tells_the_page_the_limits():
    html = str(CommentForm())
    for limit in (MAX_BODY, MAX_NAME, MAX_QUOTE):
        assert f'data-max-length="{limit}"' in html
        # No maxlength: the browser would cut a longer paste without a word.
        assert f'maxlength="{limit}"' not in html


def test_a_status_change_does_not_render_the_text_again(make, moderator):
    comment = make("See https://example.org/a for *this*.", status=Comment.Status.PENDING)
    rendered = Comment.objects.get(pk=comment.pk).body_html
    with mock.patch("comments.models.render_comment", side_effect=AssertionError) as render:
        services.comment_approve(comment=comment, actor=moderator)
        Comment.objects.get(pk=comment.pk).save()  # a full save of an unchanged text
    assert render.call_count == 0
    assert Comment.objects.get(pk=comment.pk).body_html == rendered


def test_a_changed_text_is_rendered_again(make, moderator):
    comment = make("Old words.")
    services.comment_edit(
        comment=comment, actor=moderator, reason="tidy", body="New words: https://example.org"
    )
    html = Comment.objects.get(pk=comment.pk).body_html
    assert "New words" in html and 'href="https://example.org"' in html
    comment = Comment.objects.get(pk=comment.pk)
    comment.body = "Third words."
    comment.save()
    assert "Third words." in Comment.objects.get(pk=comment.pk).body_html
