"""Clear answers to requests Django will not read."""

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

from comments.limits import MAX_BODY


class UnreadableRequestMiddleware:
    """Says why a request was refused when Django will not read it: a NUL byte in the query
    string (400), or a form post Django refuses.

    Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, more fields than
    DATA_UPLOAD_MAX_NUMBER_FIELDS, a URL-encoded body in another charset than UTF-8 or a
    malformed multipart body, and the first code to
    touch ``request.POST`` (CsrfViewMiddleware) gets the exception: the reader would see a
    bare "Bad Request (400)". Placed before CsrfViewMiddleware, this reads the form first
    and answers such a request itself, saying what was wrong. Nothing else is changed:
    CSRF and the view still run on every request this lets through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            # No field anywhere holds a NUL, and PostgreSQL refuses one in any text: without
            # this, /search/?q=%00 or an admin filter of %00 would be a 500.
            return refusal(
                _("Address not readable"),
                _(
                    "This address contains a NUL character (%00), which no page of this "
                    "site accepts. Please remove it from the address and try again."
                ),
                status=400,
            )
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 - parsed here, where its failure can be explained
            except RequestDataTooBig:
                return refusal(
                    _("Too much to read"),
                    _(
                        "What your browser sent is larger than this site accepts (%(limit)s). "
                        "If you were posting a comment: the limit is %(max_body)d characters. "
                        "Your browser's Back button should still have your text."
                    )
                    % {
                        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
                        "max_body": MAX_BODY,
                    },
                    status=413,
                )
            except (TooManyFieldsSent, TooManyFilesSent):
                return refusal(
                    _("Too many form fields"),
                    _(
                        "Your browser sent more form fields than any form on this site has "
                        "(the limit is %(limit)d). Please go back and send the form again."
                    )
                    % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
                    status=400,
                )
            except (BadRequest, MultiPartParserError) as error:
                # E.g. a URL-encoded form in another charset than UTF-8, a broken multipart.
                return refusal(
                    _("Form not readable"),
                    _("Your browser sent a form this site could not read (%(reason)s).")
                    % {"reason": error},
                    status=400,
                )
        return self.get_response(request)


def refusal(title: str, message: str, *, status: int) -> HttpResponse:
    """A page of its own, like 500.html: it must not depend on anything that could fail.

    Its response passes out through ``core.headers``, which adds the CSP.
    """
    response = HttpResponse(
        format_html(
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>{}</title></head><body><main><h1>{}</h1><p>{}</p></main></body></html>",
            title,
            title,
            message,
        ),
        status=status,
    )
    return response
