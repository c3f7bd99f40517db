"""``{% comment_thread post %}``: the discussion under a post, for blog's post page."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from blog.seo import absolute_url
from core.pagination import comment_page_number

from ..forms import CommentForm
from ..identity import commenter
from ..policy import policy_summary
from ..render import render_entries
from ..schema import comments_json
from ..thread import Discussion, discussion_for, own_pending_ids

register = template.Library()

# The empty comment form of a page without a CSRF token (an anonymous reader's, the same
# for everyone) depends only on the language: rendered once per process and language, as
# Django's form rendering costs a few hundred gettext calls a page. The post's id is
# filled in.
_blank_forms: dict[tuple, str] = {}
_POST_ID_STAND_IN = 987654321987


def blank_form_html(post) -> str:
    # The policy's words for readers (beside the form) change when a moderator changes the
    # policy: they are part of the key, so the next page shows the new ones.
    summary = tuple(policy_summary())
    key = (get_language(), summary)
    html = None if settings.DEBUG else _blank_forms.get(key)  # DEBUG: edits show
    if html is None:
        stand_in = type(post)(pk=_POST_ID_STAND_IN)
        html = _blank_forms[key] = render_to_string(
            "comments/form.html",
            {
                "post": stand_in,
                "form": CommentForm(),
                "heading": gettext("Leave a comment"),
                "policy_summary": summary,
            },
        )
    return mark_safe(html.replace(f"/{_POST_ID_STAND_IN}/", f"/{int(post.pk)}/"))  # noqa: S308


def _discussion(context, post) -> Discussion:
    """The discussion this page shows, built once per page render: the page's head asks
    for it (``comments_schema``) before the thread is rendered, and the query runs once.
    ``render_context`` is Django's per-render store for template tags."""
    key = ("comments.discussion", post.pk)
    found = context.render_context.get(key)
    if found is None:
        request = context.get("request")
        user = getattr(request, "user", None)
        found = discussion_for(
            post,
            page=comment_page_number(request),
            mine=own_pending_ids(request),
            viewer_id=user.pk if user is not None and user.is_authenticated else None,
        )
        context.render_context[key] = found
    return found


@register.simple_tag(takes_context=True)
def comments_schema(context, post) -> dict:
    """The page's approved comments as schema.org ``Comment``s (replies nested in the
    comment they answer) and the post's ``commentCount``, for its ``BlogPosting`` data."""
    discussion = _discussion(context, post)
    page = f"?cpage={discussion.page}" if discussion.page > 1 else ""
    url = f"{absolute_url(post.get_absolute_url())}{page}"
    comments = comments_json(discussion, url=url, anonymous=gettext("Anonymous"))
    return {"commentCount": discussion.approved_count, "comment": comments}


@register.simple_tag(takes_context=True)
def comment_thread(context, post):
    request = context.get("request")
    discussion = _discussion(context, post)
    comments_open = post.comments_are_open()
    csrf_token = context.get("csrf_token")
    form_html = blank_form_html(post) if comments_open and not csrf_token else ""
    return render_to_string(
        "comments/thread.html",
        {
            "post": post,
            "discussion": discussion,
            "form": None if form_html else CommentForm(),
            "commenter": commenter(getattr(request, "user", None), post),
            "policy_summary": policy_summary(),
            "comments_open": comments_open,
            "entries_html": render_entries(discussion.entries, comments_open=comments_open),
            # An anonymous reader's page renders without a token (""): pass it on.
            "csrf_token": csrf_token,
            "form_html": form_html,
        },
        request=request,
    )
