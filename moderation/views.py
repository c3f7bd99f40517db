"""The one reader-facing moderation page: unsubscribing from notification mail."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments.models import Comment

from .notifications import email_from_token


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the token is signed
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    email = email_from_token(token)
    if email is None:
        raise Http404("This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        # Not a state change of a comment, only the reader's own mail preference.
        for comment in Comment.objects.filter(author_email__iexact=email, notify_replies=True):
            comment.notify_replies = False
            comment.save(update_fields=["notify_replies"])
        done = True
    return render(request, "moderation/unsubscribe.html", {"done": done})
