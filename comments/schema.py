"""A discussion as schema.org ``Comment`` data, for the ``BlogPosting`` in a post page's
head (``blog.seo``): the page's approved comments, each reply nested in the comment it
answers, as search engines read discussions.

The JSON is written here directly, one f-string a comment, with the standard library's C
string encoder (``encode_basestring_ascii``: quotes, escapes, and writes everything outside
ASCII as ``\\u`` escapes). Building a dict a comment and ``json.dumps`` of the whole cost
twice the rendering of the comments themselves; this costs about as much again as that
rendering.
"""

from json.encoder import encode_basestring_ascii as json_string

from blog.seo import RawJSON, html_text

from .thread import Discussion


def comments_json(discussion: Discussion, *, url: str, anonymous: str) -> RawJSON:
    """The JSON array of ``discussion``'s shown, approved comments; ``url`` is the page's
    address, to which ``#comment-<id>`` is added; ``anonymous`` the name of a comment with
    none."""
    shown = [entry for entry in discussion.entries if entry.is_visible and not entry.placeholder]
    ids = {entry.id for entry in shown}
    replies: dict[int, list[str]] = {}
    top: list[str] = []
    # Backwards through tree order: every reply is written before the comment it answers.
    for entry in reversed(shown):
        address = json_string(f"{url}#comment-{entry.id}")
        own = replies.pop(entry.id, None)
        nested = f',"comment":[{",".join(reversed(own))}]' if own else ""
        item = (
            f'{{"@type":"Comment","@id":{address},"url":{address},'
            f'"author":{{"@type":"Person","name":{json_string(entry.label or anonymous)}}},'
            f'"dateCreated":"{entry.iso_time}","text":{json_string(html_text(entry.body_html))}'
            f"{nested}}}"
        )
        if entry.parent_id in ids:
            replies.setdefault(entry.parent_id, []).append(item)
        else:
            top.append(item)
    return RawJSON(f"[{','.join(reversed(top))}]")
