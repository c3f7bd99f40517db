"""``{% comment_thread post %}``: the discussion under a post, for blog's post page."""

from django import template
from django.template.loader import render_to_string

from blog.pagination import comment_page_number

from ..forms import CommentForm
from ..identity import commenter
from ..policy import policy_summary
from ..render import render_entries
from ..thread import discussion_for, own_pending_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_thread(context, post):
    request = context.get("request")
    discussion = discussion_for(
        post, page=comment_page_number(request), mine=own_pending_ids(request)
    )
    comments_open = post.comments_are_open()
    return render_to_string(
        "comments/thread.html",
        {
            "post": post,
            "discussion": discussion,
            "form": CommentForm(),
            "commenter": commenter(getattr(request, "user", None), post),
            "policy_summary": policy_summary(),
            "comments_open": comments_open,
            "entries_html": render_entries(discussion.entries, comments_open=comments_open),
            # The page cache renders with a placeholder token: pass the page's own on.
            "csrf_token": context.get("csrf_token"),
        },
        request=request,
    )
