"""Which page of a post's discussion a request asks for.

The post page (``blog.views``) and the thread's template tag (``comments``) both read the
same ``cpage`` parameter; it lives here, in neither view, so neither imports the other's view.
"""


def comment_page_number(request) -> int:
    """The ``cpage`` the discussion under a post is showing (1 when absent or bad)."""
    try:
        return max(1, int(request.GET.get("cpage", 1)))
    except (TypeError, ValueError):
        return 1
