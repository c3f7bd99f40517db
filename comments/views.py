"""Reader-facing comment endpoints: post, reply page, permalink."""

import logging
from urllib.parse import unquote_to_bytes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from blog.models import Post

from .forms import CommentForm
from .models import Comment
from .policy import SubmissionRefused
from .services import Submission, comment_submit
from .thread import own_pending_ids, page_of, remember_own

logger = logging.getLogger(__name__)

FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def comment_url(comment: Comment, page: int | None) -> str:
    query = f"?cpage={page}" if page and page > 1 else ""
    return f"{comment.post.get_absolute_url()}{query}#comment-{comment.pk}"


def _form_page(request, post, form, *, parent=None, status=200):
    return render(
        request,
        "comments/comment_form_page.html",
        {"post": post, "form": form, "parent": parent},
        status=status,
    )


def _refusal_page(request, post, message: str, *, status: int):
    """The comment form, empty but for one message: the request itself was unusable."""
    form = CommentForm(data={})
    form.errors.clear()  # "please write a comment" would be beside the point
    form.add_error(None, message)
    return _form_page(request, post, form, status=status)


def _undecodable_fields(request) -> list[str]:
    """Fields whose bytes are not UTF-8. Django reads them anyway, each bad byte becoming
    U+FFFD, so a reader's text would be stored garbled without a word; we say so instead.

    Browsers send this form URL-encoded; that is the body we can still see as bytes.
    """
    # (Django refuses URL-encoded bodies that declare another charset.)
    if request.content_type != "application/x-www-form-urlencoded":
        return []
    fields = []
    for pair in request.body.split(b"&"):
        name, _sep, value = pair.partition(b"=")
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            fields.append(unquote_to_bytes(name).decode("utf-8", errors="replace"))
    return fields


@require_POST
def post_comment(request, post_id: int):
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    if request.content_type not in FORM_CONTENT_TYPES:
        message = _(
            "Comments can only be sent with the comment form. This request was sent as "
            "“%(type)s”, which the form never sends. Please use the form on the post's page."
        ) % {"type": request.content_type or "?"}
        return _refusal_page(request, post, message, status=415)
    undecodable = _undecodable_fields(request)
    form = CommentForm(request.POST)
    if not form.is_valid() or undecodable:
        for field in dict.fromkeys(name if name in form.fields else None for name in undecodable):
            form.add_error(
                field,
                _(
                    "Some of this text arrived as bytes that are not valid UTF-8 (shown as "
                    "\ufffd). Please check it and send it again."
                ),
            )
        return _form_page(request, post, form, status=400)
    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = Comment.objects.filter(pk=data["parent"]).first()
        if parent is None:
            form.add_error("parent", _("The comment you are replying to does not exist."))
            return _form_page(request, post, form, status=400)
    submission = Submission(
        body=data["body"],
        author_name=data["author_name"],
        author_email=data["author_email"],
        quote=data["quote"],
        notify_replies=data["notify_replies"],
        honeypot=data["website"],
    )
    try:
        comment = comment_submit(
            post=post,
            submission=submission,
            parent=parent,
            user=request.user,
            ip=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(None if field == "__all__" else field, message)
        shown_parent = parent if parent and parent.status == Comment.Status.APPROVED else None
        return _form_page(request, post, form, parent=shown_parent, status=400)
    except DatabaseError:
        # The database went away mid-write: the transaction rolled back, so nothing is
        # half-stored; give the reader their text back and a reason to try again.
        logger.exception("comment on post %s not saved: database error", post.pk)
        form.add_error(
            None,
            _(
                "We could not save your comment just now: our database did not answer. "
                "Nothing was posted. Your text is below; please send it again in a minute."
            ),
        )
        response = _form_page(request, post, form, parent=parent, status=503)
        response.headers["Retry-After"] = "60"
        return response
    except SubmissionRefused as refusal:
        form.add_error(None, refusal.message)
        response = _form_page(request, post, form, parent=parent, status=429)
        if refusal.retry_after:
            response.headers["Retry-After"] = str(refusal.retry_after)
        return response

    if comment.status == Comment.Status.APPROVED:
        # The message (a cookie) also makes the next page theirs, fresh, not a shared copy
        # a CDN may hold for a few seconds more: the writer sees their comment at once.
        messages.success(request, _("Thank you. Your comment is posted."))
        return HttpResponseRedirect(comment_url(comment, page_of(comment)))
    if comment.status == Comment.Status.PENDING:
        remember_own(request, comment)
        messages.info(
            request,
            _("Thank you. Your comment is awaiting moderation; only you can see it for now."),
        )
        page = page_of(comment, mine=own_pending_ids(request) | {comment.pk})
        return HttpResponseRedirect(comment_url(comment, page))
    # Spam or rejected by policy: say no more than a held comment would.
    messages.info(request, _("Thank you. Your comment is awaiting moderation."))
    return HttpResponseRedirect(post.get_absolute_url() + "#comments")


@require_GET
def reply(request, pk: int):
    """The reply form on a page of its own: replying works without JavaScript."""
    comment = get_object_or_404(
        Comment.objects.select_related("post"), pk=pk, status=Comment.Status.APPROVED
    )
    if not comment.post.is_published:
        raise Http404
    form = CommentForm(initial={"parent": comment.pk, "quote": request.GET.get("quote", "")})
    return _form_page(request, comment.post, form, parent=comment)


@require_GET
def permalink(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if not comment.post.is_published:
        raise Http404
    page = page_of(comment, mine=own_pending_ids(request))
    if page is None:
        raise Http404(_("This comment is not available."))
    return HttpResponseRedirect(comment_url(comment, page))


@never_cache
@require_GET
def csrf_token(request):
    """The reader's CSRF token for the comment form, fetched by comments.js when they start
    writing: the post page itself holds none, so every anonymous reader gets the same bytes
    and a CDN can keep them."""
    response = JsonResponse({"token": get_token(request)})
    response.headers["Cache-Control"] = "private, no-store"
    return response
