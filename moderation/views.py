"""The reader-facing pages of notification mail: unsubscribing, confirming an address."""

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments.addresses import address_confirm, is_confirmed
from comments.models import Comment

from .notifications import email_from_confirmation_token, email_from_token


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the token is signed
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    email = email_from_token(token)
    if email is None:
        raise Http404("This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        # Not a state change of a comment, only the reader's own mail preference.
        for comment in Comment.objects.with_email(email).filter(notify_replies=True):
            comment.notify_replies = False
            comment.save(update_fields=["notify_replies"])
        done = True
    return render(request, "moderation/unsubscribe.html", {"done": done})


@require_http_methods(["GET", "POST"])
def confirm_email(request, token: str):
    """The link mailed to a reader's address. GET asks, POST (a button) confirms: mail
    scanners follow links in mail, and a scanner must not confirm for its reader."""
    try:
        email = email_from_confirmation_token(token)
    except signing.SignatureExpired:
        return render(request, "moderation/confirm_email.html", {"problem": "expired"}, status=410)
    except signing.BadSignature:
        return render(request, "moderation/confirm_email.html", {"problem": "invalid"}, status=400)
    done = is_confirmed(email)
    if request.method == "POST" and not done:
        address_confirm(address=email)
        done = True
    return render(request, "moderation/confirm_email.html", {"done": done, "email": email})
