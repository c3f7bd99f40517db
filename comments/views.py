"""Reader-facing comment endpoints: post, reply page, permalink."""

import logging
from urllib.parse import unquote_to_bytes

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE, get_token
from django.shortcuts import get_object_or_404, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from blog.models import Post
from blog.reading import published_post_by_id
from config.csrf import same_origin_or_token

from . import once
from .addresses import is_confirmed
from .forms import CommentForm
from .identity import commenter
from .models import Comment
from .policy import SubmissionRefused, count_attempt, explain_hold, policy_summary
from .reasons import Kind, reason
from .services import PARENT_UNAVAILABLE, Submission, hash_ip
from .thread import label_of, own_pending_ids, page_of, remember_own, visible_comment

logger = logging.getLogger(__name__)

FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def comment_url(comment: Comment, page: int | None) -> str:
    query = f"?cpage={page}" if page and page > 1 else ""
    return f"{comment.post.get_absolute_url()}{query}#comment-{comment.pk}"


def _form_page(request, post, form, *, parent=None, status=200, repeat_url: str = ""):
    return render(
        request,
        "comments/comment_form_page.html",
        {
            "post": post,
            "form": form,
            "parent": parent,
            "parent_label": label_of(parent) if parent else "",
            "commenter": commenter(request.user, post),
            "policy_summary": policy_summary(),
            "once_key": once.form_key(request),
            "repeat_url": repeat_url,  # the comment this one repeats (once.AlreadyPosted)
        },
        status=status,
    )


def _closed_page(request, post, *, parent=None, kept_text: str = "", status: int = 200):
    """Where the form was: "Comments are closed", and any text the reader sent, to keep."""
    return render(
        request,
        "comments/comment_form_page.html",
        {
            "post": post,
            "parent": parent,
            "parent_label": label_of(parent) if parent else "",  # "Reply to <name>", never blank
            "closed": True,
            "kept_text": kept_text,
        },
        status=status,
    )


def _refusal_page(request, post, message: str, *, status: int):
    """The comment form, empty but for one message: the request itself was unusable."""
    form = CommentForm(data={})
    form.errors.clear()  # "please write a comment" would be beside the point
    form.add_error(None, message)
    return _form_page(request, post, form, status=status)


def _throttled_page(request, post, form, refusal: SubmissionRefused, *, parent=None):
    form.add_error(None, refusal.message)
    response = _form_page(request, post, form, parent=parent, status=429)
    if refusal.retry_after:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def _refused_page(request, post, form):
    """A submission refused before ``comment_submit`` saw it still counts against the
    address's rate limit, as ``comment_submit`` counts its own refusals: no check of the
    form may be probed for free."""
    try:
        count_attempt(
            post=post, user=request.user, ip_hash=hash_ip(request.META.get("REMOTE_ADDR", ""))
        )
    except SubmissionRefused as refusal:
        return _throttled_page(request, post, form, refusal)
    return _form_page(request, post, form, status=400)


def _already_posted(request, post, form, first: Comment, *, parent=None):
    """The writer sent a comment they already posted (Back and Post again, a double
    click): where they were writing, take them to it; elsewhere (the same words as a reply
    to another comment), refuse with a link to it and keep the text."""
    mine = own_pending_ids(request)
    url = comment_url(first, page_of(first, mine=mine | {first.pk}))
    if once.in_same_place(first, parent):
        messages.info(request, _("You already posted this comment: here it is."))
        response = HttpResponseRedirect(url)
        # As after posting: a held comment is shown to its writer, signed in or not.
        if first.pk not in mine and (not request.user.is_authenticated or not first.is_visible):
            remember_own(request, response, first)
        return response
    form.add_error(
        None,
        _("You already posted this comment on this post, at %(time)s. It was not posted again.")
        % {"time": localtime(first.submitted_at).strftime("%H:%M")},
    )
    return _form_page(request, post, form, parent=parent, status=409, repeat_url=url)


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


@same_origin_or_token
@require_POST
def post_comment(request, post_id: int):
    post = published_post_by_id(post_id)
    if post is None:
        raise Http404
    if request.content_type not in FORM_CONTENT_TYPES:
        message = _(
            "Comments can only be sent with the comment form. This request was sent as "
            "“%(type)s”, which the form never sends. Please use the form on the post's page."
        ) % {"type": request.content_type or "?"}
        return _refusal_page(request, post, message, status=415)
    if not post.comments_are_open():
        return _closed_page(request, post, kept_text=request.POST.get("body", ""), status=403)
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
        return _refused_page(request, post, form)
    data = form.cleaned_data
    parent = None
    if data["parent"]:
        # Only a comment this page shows: missing, hidden or elsewhere get one answer.
        parent = visible_comment(post.pk, data["parent"])
        if parent is None:
            form.add_error("parent", PARENT_UNAVAILABLE)
            return _refused_page(request, post, form)
    submission = Submission(
        body=data["body"],
        author_name=data["author_name"],
        author_email=data["author_email"],
        quote=data["quote"],
        notify_replies=data["notify_replies"],
        honeypot=data["website"],
    )
    try:
        comment = once.comment_submit_once(
            post=post,
            submission=submission,
            key=once.key_from(request),
            own=own_pending_ids(request),
            parent=parent,
            user=request.user,
            ip=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except once.AlreadyPosted as repeat:
        return _already_posted(request, post, form, repeat.comment, parent=parent)
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(None if field == "__all__" else field, message)
        return _form_page(request, post, form, parent=parent, status=400)
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
        return _throttled_page(request, post, form, refusal, parent=parent)

    if comment.notify_replies and not is_confirmed(comment.author_email):
        messages.info(
            request,
            _("We will email you about replies once you confirm your address: look for our "
              "link in your inbox (we send one at a time, so it may be in an earlier email)."),
        )  # fmt: skip
    if comment.is_visible:
        # The message (a cookie) also makes the next page theirs, fresh, not a shared copy
        # a CDN may hold for a few seconds more: the writer sees their comment at once.
        messages.success(request, _("Thank you. Your comment is posted."))
        response = HttpResponseRedirect(comment_url(comment, page_of(comment)))
        if not request.user.is_authenticated:
            remember_own(request, response, comment)  # its writer hears if it is removed
        return response
    # Held, or filed as spam: the same answer and the same page (the writer sees it
    # "awaiting moderation"), so a spammer cannot tell they were caught. Spam is explained
    # as the address rule would explain a held comment, not by what caught it.
    reasons = comment.status_reasons
    if comment.status != Comment.Status.PENDING:
        reasons = [reason(Kind.FIRST if comment.author_email else Kind.NO_EMAIL)]
    why = " ".join(explain_hold(reasons))
    messages.info(
        request,
        _("Thank you. Your comment is awaiting moderation; only you can see it for now.")
        + (f" {why}" if why else ""),
    )
    page = page_of(comment, mine=own_pending_ids(request) | {comment.pk})
    response = HttpResponseRedirect(comment_url(comment, page))
    remember_own(request, response, comment)
    return response


def _csrf_failure(request, reason: str, post_id: int):
    """The comment came without a valid CSRF token (an expired or blocked cookie, a page
    kept open for days) and without a header saying where it came from (a same-origin
    one needs no token; a cross-site one never gets here, see config/csrf.py): nothing is
    stored, and the text comes back in a fresh form."""
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    if not post.comments_are_open():
        return _closed_page(request, post, kept_text=request.POST.get("body", ""), status=403)
    form = CommentForm(request.POST)
    form.is_valid()  # anything else to fix is shown at once, with its field
    if request.POST.get("csrf_retry") and reason == REASON_NO_CSRF_COOKIE:
        # The cookie set with the last try did not come back: the browser refuses it.
        message = _(
            "Your comment could not be sent because your browser did not keep this site's "
            "cookie. It is below: allow cookies for this site, then press Post again."
        )
    else:
        message = _(
            "Your session expired before your comment was sent. It is below: press Post again."
        )
    form.errors.setdefault(NON_FIELD_ERRORS, form.error_class(error_class="nonfield"))
    form.errors[NON_FIELD_ERRORS].insert(0, message)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(
            pk=form.cleaned_data["parent"], post=post, status=Comment.Status.APPROVED
        ).first()
    # csrf_retry marks the fresh form, so that a second failure can tell a blocked cookie.
    return render(
        request,
        "comments/comment_form_page.html",
        {
            "post": post,
            "form": form,
            "parent": parent,
            "parent_label": label_of(parent) if parent else "",
            "csrf_retry": True,
            "once_key": once.form_key(request),
        },
        status=403,
    )


# Looked up on the view by config/csrf.py (mypy types no attributes set on a function).
post_comment.csrf_failure = _csrf_failure  # type: ignore[attr-defined]


def _database_down(request, post_id: int) -> dict:
    """The database did not answer: what the site's 503 page (config/outage.py) shows. Nothing
    is stored, and the text, name, email, quote and parent come back in the comment form,
    made without a query."""
    form = CommentForm(request.POST)
    form.is_valid()  # anything else to fix is shown at once, with its field
    form.add_error(
        None,
        _(
            "We could not save your comment just now: our database did not answer. "
            "Nothing was posted. Your text is below; please send it again in a minute."
        ),
    )
    return {"comment_form": form, "post": {"pk": post_id}}


# Looked up on the view by config/outage.py (mypy types no attributes set on a function).
post_comment.database_down = _database_down  # type: ignore[attr-defined]


@require_GET
def reply(request, pk: int):
    """The reply form on a page of its own: replying works without JavaScript."""
    comment = get_object_or_404(Comment.objects.visible().select_related("post"), pk=pk)
    if not comment.post.is_published:
        raise Http404
    if not comment.post.comments_are_open():
        return _closed_page(request, comment.post, parent=comment)
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
