"""The writer's own correction pages: edit or withdraw a comment just posted. They work
without JavaScript (a page each, linked from the comment's "Edit or withdraw"); the
services they call (``moderation.writer``) decide, these only ask and answer."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from comments import own_edit
from comments.labels import label_of
from comments.limits import MAX_BODY
from comments.models import Comment
from comments.policy import SubmissionRefused
from comments.services import hash_ip
from comments.thread import own_pending_ids, page_of, remember_own
from comments.views import comment_url

from .policy import count_attempt
from .reader_info import explain_hold
from .writer import comment_edit_own, comment_withdraw_own


class OwnEditForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        widget=forms.Textarea(attrs={"rows": 8, "data-max-length": MAX_BODY}),
        strip=False,
        required=False,  # the service says "Please write a comment." as the form does
    )


def _comment(request, pk: int) -> tuple[Comment, set[int]]:
    """The comment, and the ids in the reader's signed cookie. One nobody may see is
    "not found" unless it is the reader's own: a refusal would tell a prober it exists."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    own_ids = own_pending_ids(request)
    if not comment.post.is_published or not (
        comment.is_visible or own_edit.is_writer(comment, user=request.user, own_ids=own_ids)
    ):
        raise Http404
    return comment, own_ids


def _page(request, template: str, comment: Comment, *, status: int = 200, **context):
    deadline = timezone.localtime(own_edit.deadline(comment))
    return render(
        request,
        template,
        {
            "comment": comment,
            "post": comment.post,
            "label": label_of(comment),
            "deadline": deadline,
            **context,
        },
        status=status,
    )


def _back_to(request, comment: Comment) -> HttpResponseRedirect:
    mine = own_pending_ids(request) | {comment.pk}
    response = HttpResponseRedirect(comment_url(comment, page_of(comment, mine=mine)))
    remember_own(request, response, comment)  # a correction sent back to the queue shows
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    comment, own_ids = _comment(request, pk)
    form = OwnEditForm(request.POST or None, initial={"body": comment.body})
    problem = own_edit.refusal(comment, user=request.user, own_ids=own_ids)
    if problem:
        # What they typed stays on the page, to keep.
        kept = request.POST.get("body", "") if request.method == "POST" else ""
        return _page(request, "comments/comment_own_edit.html", comment, status=403,
                     problem=problem, kept_text=kept)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            # Corrections count against the address's rate limit, as posts do.
            count_attempt(post=comment.post, user=request.user,
                          ip_hash=hash_ip(request.META.get("REMOTE_ADDR", "")))  # fmt: skip
            comment = comment_edit_own(
                comment=comment, actor=request.user, own_ids=own_ids,
                body=form.cleaned_data["body"],
            )  # fmt: skip
        except PermissionDenied as refusal:  # the window closed, or a reply came meanwhile
            return _page(request, "comments/comment_own_edit.html", comment, status=403,
                         problem=str(refusal), kept_text=form.cleaned_data["body"])  # fmt: skip
        except SubmissionRefused as refusal:
            form.add_error(None, refusal.message)
            response = _page(request, "comments/comment_own_edit.html", comment, status=429,
                             form=form)  # fmt: skip
            if refusal.retry_after:
                response.headers["Retry-After"] = str(refusal.retry_after)
            return response
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for message in problems:
                    form.add_error("body" if field == "body" else None, message)
        else:
            if comment.is_visible:
                messages.success(request, _("Your correction is saved."))
            else:
                reasons = comment.status_reasons
                if comment.status != Comment.Status.PENDING:
                    # Spam is explained as the address rule explains a held comment, as
                    # when it was posted: a spammer must not learn they were caught.
                    reasons = ["first comment from this email" if comment.author_email
                               else "no email given"]  # fmt: skip
                why = " ".join(explain_hold(reasons))
                messages.info(
                    request,
                    _("Your correction is saved. It now waits for a moderator; only you can "
                      "see it for now.") + (f" {why}" if why else ""),
                )  # fmt: skip
            return _back_to(request, comment)
    status = 400 if form.errors else 200
    return _page(request, "comments/comment_own_edit.html", comment, status=status, form=form)


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    comment, own_ids = _comment(request, pk)
    problem = own_edit.refusal(comment, user=request.user, own_ids=own_ids)
    if problem:
        return _page(request, "comments/comment_own_withdraw.html", comment, status=403,
                     problem=problem)  # fmt: skip
    if request.method == "POST":
        try:
            comment_withdraw_own(comment=comment, actor=request.user, own_ids=own_ids)
        except PermissionDenied as refusal:
            return _page(request, "comments/comment_own_withdraw.html", comment, status=403,
                         problem=str(refusal))  # fmt: skip
        messages.success(request, _("Your comment is withdrawn: nobody sees it any more."))
        return HttpResponseRedirect(f"{comment.post.get_absolute_url()}#comments")
    return _page(request, "comments/comment_own_withdraw.html", comment)
