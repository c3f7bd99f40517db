"""Demo content for `manage.py seed_demo`: written for Colloquy, about an invented group.

The words are in ``demo_data/blog.toml``; this module puts them in the database.
"""

import datetime
import tomllib
from pathlib import Path
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth import models as auth
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from .models import AuthorProfile, Post, Series

DEMO_PASSWORD = "colloquy-demo"  # noqa: S105 - printed for local demo accounts only

# The prose lives in demo_data/blog.toml: authors, series, posts and one draft.
DATA = tomllib.loads((Path(__file__).parent / "demo_data" / "blog.toml").read_text("utf-8"))
AUTHORS = [(a["username"], a["display_name"], a["bio"]) for a in DATA["authors"]]
SERIES = [(series["name"], series["description"]) for series in DATA["series"]]
POSTS = DATA["posts"]
DRAFT = DATA["draft"]


class Seeded(TypedDict):
    """What ``seed_posts`` made, by username, series name and post slug."""

    users: dict[str, auth.User]
    moderator: auth.User
    series: dict[str, Series]
    posts: dict[str, Post]


def seed_posts(*, now: datetime.datetime | None = None) -> Seeded:
    """Create (or update) the demo accounts, series and posts. Safe to run again."""
    now = now or timezone.now()
    User = get_user_model()
    authors_group = Group.objects.get(name="Authors")
    moderators_group = Group.objects.get(name="Moderators")

    users: dict[str, auth.User] = {}
    for username, display_name, bio in AUTHORS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(authors_group)
        AuthorProfile.objects.update_or_create(
            user=user, defaults={"display_name": display_name, "slug": username, "bio": bio}
        )
        users[username] = user

    # Staff comment under their account's name, so the demo accounts have proper ones.
    moderator, created = User.objects.update_or_create(
        username="moderator",
        defaults={"first_name": "Nia", "last_name": "Kowalski"},
        create_defaults={
            "is_staff": True,
            "email": "moderator@example.org",
            "first_name": "Nia",
            "last_name": "Kowalski",
        },
    )
    if created:
        moderator.set_password(DEMO_PASSWORD)
        moderator.save()
    moderator.groups.add(moderators_group)

    admin = User.objects.filter(username="admin").first()
    if admin is None:
        User.objects.create_superuser(
            "admin", "admin@example.org", DEMO_PASSWORD, first_name="Sam", last_name="Whitfield"
        )
    elif not admin.get_full_name():
        admin.first_name, admin.last_name = "Sam", "Whitfield"
        admin.save()

    series: dict[str, Series] = {}
    for name, description in SERIES:
        series[name], _ = Series.objects.update_or_create(
            name=name, defaults={"slug": name.lower(), "description": description}
        )

    posts: dict[str, Post] = {}
    for spec in POSTS:
        post, _ = Post.objects.update_or_create(
            slug=slugify(spec["title"]),
            defaults={
                "title": spec["title"],
                "author": users[spec["author"]],
                "summary": spec["summary"],
                "body": spec["body"],
                "competing_interests": spec["coi"],
                "postscript": spec.get("postscript", ""),
                "status": Post.Status.PUBLISHED,
                "published_at": (now - datetime.timedelta(days=spec["days_ago"])).replace(
                    hour=9, minute=30, second=0, microsecond=0
                ),
            },
        )
        post.tags.set([series[name] for name in spec["series"]])
        posts[post.slug] = post

    Post.objects.update_or_create(
        slug=slugify(DRAFT["title"]),
        defaults={
            "title": DRAFT["title"],
            "author": users[DRAFT["author"]],
            "body": DRAFT["body"],
            "status": Post.Status.DRAFT,
        },
    )
    return {"users": users, "moderator": moderator, "series": series, "posts": posts}


ACCOUNTS = [
    ("admin", "superuser: everything"),
    ("moderator", "Moderators group: the comment queue"),
    *[(username, f"author {display_name}") for username, display_name, _ in AUTHORS],
]
