"""``{% comment_thread post %}``: the discussion under a post, for blog's post page."""

from django import template
from django.template.loader import render_to_string

from ..forms import CommentForm
from ..render import render_entries
from ..thread import discussion_for, own_pending_ids

register = template.Library()


def _page_number(request) -> int:
    try:
        return int(request.GET.get("cpage", 1))
    except (TypeError, ValueError):
        return 1


@register.simple_tag(takes_context=True)
def comment_thread(context, post):
    request = context.get("request")
    discussion = discussion_for(post, page=_page_number(request), mine=own_pending_ids(request))
    comments_open = post.comments_are_open()
    return render_to_string(
        "comments/thread.html",
        {
            "post": post,
            "discussion": discussion,
            "form": CommentForm(),
            "comments_open": comments_open,
            "entries_html": render_entries(discussion.entries, comments_open=comments_open),
        },
        request=request,
    )
