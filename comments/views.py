"""Reader-facing comment endpoints: post, reply page, permalink."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blog.models import Post

from .forms import CommentForm
from .models import Comment
from .policy import SubmissionRefused
from .services import Submission, comment_submit
from .thread import own_pending_ids, page_of, remember_own


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


@require_POST
def post_comment(request, post_id: int):
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
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
    except SubmissionRefused as refusal:
        form.add_error(None, refusal.message)
        response = _form_page(request, post, form, parent=parent, status=429)
        if refusal.retry_after:
            response.headers["Retry-After"] = str(refusal.retry_after)
        return response

    if comment.status == Comment.Status.APPROVED:
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
