"""Demo discussions for `manage.py seed_demo`, written for Colloquy (invented people).

The words are in ``demo_data/threads.toml``: for each post, its comments with a key, the
key of the comment they answer, a name, the text, a quote and a status. A name that is a
demo username ("amara") means that author replied while signed in.
"""

import datetime
import tomllib
from pathlib import Path

from django.contrib.auth import get_user_model

from blog.models import Post

from .identity import account_name
from .models import Comment
from .permissions import badge_on_post
from .services import comment_create_as_is

_DATA = Path(__file__).parent / "demo_data" / "threads.toml"
# Post slug → its comments as (key, parent key, name, text, quote, status).
THREADS = {
    slug: [
        (
            row["key"],
            row.get("parent"),
            row["name"],
            row["text"],
            row.get("quote", ""),
            row["status"],
        )  # fmt: skip
        for row in rows
    ]
    for slug, rows in tomllib.loads(_DATA.read_text("utf-8")).items()
}


def seed_comments(posts: dict[str, Post]) -> int:
    """Add the demo threads to posts that have no comments yet; return how many."""
    users = {user.username: user for user in get_user_model().objects.filter(is_staff=True)}
    created = 0
    for slug, rows in THREADS.items():
        post = posts.get(slug)
        if post is None or post.comments.exists():
            continue
        made: dict[str, Comment] = {}
        when = post.published_at
        assert when is not None  # the demo's posts are published
        for index, (key, parent_key, name, text, quote, status) in enumerate(rows):
            when = when + datetime.timedelta(hours=3 + (index * 7) % 11, minutes=index * 13)
            user = users.get(name)
            made[key] = comment_create_as_is(
                post=post,
                parent=made.get(parent_key),
                body=text,
                quote=quote,
                status=status,
                submitted_at=when,
                source="demo content",
                author_name=_display(user) if user else name,
                author_email=""
                if user
                else (f"{name.lower().replace(' ', '.')}@example.org" if name else ""),
                user=user,
                role=badge_on_post(user, post) if user else "",
            )
            created += 1
    return created


def _display(user) -> str:
    return account_name(user) or user.get_username()
