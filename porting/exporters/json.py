"""Writing the blog as one JSON document: posts, their comment threads (nested), every
revision of every comment, and every moderation event.

It is the complete record a WXR file cannot hold (revisions, the audit log, rejected and
removed comments with their reasons), for archiving and for other tools. Database ids are
given alongside uids (see ``identity``). It is written post by post, so memory stays flat.
IP addresses are only ever kept as salted hashes, which mean nothing outside this site,
so they are left out.
"""

import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from blog.models import Post, Series
from comments.models import CommentRevision
from moderation.models import ModerationEvent
from porting import identity
from porting.exporters.wxr import canonical_comments, exported_posts
from porting.models import ImportedItem

FORMAT = "colloquy-export"
VERSION = 1


def _dump(value, indent: int) -> str:
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + " " * indent)


def _event(event: ModerationEvent) -> dict:
    return {
        "id": event.pk,
        "comment_id": event.comment_ref,
        "action": event.action,
        "actor": event.actor.get_username() if event.actor is not None else None,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "reason": event.reason,
        "created_at": event.created_at,
    }


def _comment(comment, uids, revisions, events) -> dict:
    return {
        "id": comment.pk,
        "uid": uids[comment.pk],
        "parent_id": comment.parent_id,
        "reply_to_id": comment.reply_to_id,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": comment.author_url,
        "user": comment.user.get_username() if comment.user_id else None,
        "role": comment.role,
        "body": comment.body,
        "quote": comment.quote,
        "status": comment.status,
        "status_reasons": comment.status_reasons,
        "submitted_at": comment.submitted_at,
        "edited_at": comment.edited_at,
        "edit_note": comment.edit_note,
        "revisions": [
            {
                "body": revision.body,
                "quote": revision.quote,
                "edited_by": revision.edited_by.get_username() if revision.edited_by_id else None,
                "reason": revision.reason,
                "created_at": revision.created_at,
            }
            for revision in revisions.get(comment.pk, [])
        ],
        "events": [_event(event) for event in events.get(comment.pk, [])],
        "replies": [],
    }


def _post(post, uid: str) -> dict:
    return {
        "id": post.pk,
        "uid": uid,
        "slug": post.slug,
        "title": post.title,
        "author": post.author.get_username(),
        "status": post.status,
        "published_at": post.published_at,
        "summary": post.summary,
        "body": post.body,
        "competing_interests": post.competing_interests,
        "postscript": post.postscript,
        "comments_open": post.comments_open,
        "comments_close_at": post.comments_close_at,
        "series": sorted(tag.name for tag in post.tags.all()),
    }


def export_json(out, *, slug: str | None = None) -> dict[str, int]:
    """Write the JSON document to ``out`` (a text stream); return how much it holds."""
    posts = exported_posts(slug)
    series = Series.objects.all()
    if slug is not None:
        series = series.filter(
            tagged_items__content_type=ContentType.objects.get_for_model(Post),
            tagged_items__object_id__in=posts.values("pk"),
        ).distinct()
    header = {
        "format": FORMAT,
        "version": VERSION,
        "site": {"name": settings.SITE_NAME, "url": identity.site_url()},
        "series": [
            {"name": tag.name, "slug": tag.slug, "description": tag.description}
            for tag in series.order_by("name")
        ],
    }
    out.write("{\n")
    for key, value in header.items():
        out.write(f'  "{key}": {_dump(value, 2)},\n')
    out.write('  "posts": [')
    totals = {"posts": 0, "comments": 0, "revisions": 0, "events": 0}
    for number, post in enumerate(posts.iterator(chunk_size=100)):
        comments = canonical_comments(post)
        ids = [comment.pk for comment in comments]
        uids = identity.uids_for(ImportedItem.Kind.COMMENT, comments)
        revisions: dict[int, list[CommentRevision]] = {}
        events: dict[int, list[ModerationEvent]] = {}
        for revision in CommentRevision.objects.filter(comment_id__in=ids).select_related(
            "edited_by"
        ):
            revisions.setdefault(revision.comment_id, []).append(revision)
        for event in ModerationEvent.objects.filter(comment_ref__in=ids).select_related("actor"):
            events.setdefault(event.comment_ref, []).append(event)
        nodes = {c.pk: _comment(c, uids, revisions, events) for c in comments}
        roots: list[dict] = []
        for comment in comments:
            parent = None if comment.parent_id is None else nodes.get(comment.parent_id)
            (parent["replies"] if parent else roots).append(nodes[comment.pk])
        data = _post(post, identity.uids_for(ImportedItem.Kind.POST, [post])[post.pk])
        data["comments"] = roots
        out.write(("," if number else "") + "\n    " + _dump(data, 4))
        totals["posts"] += 1
        totals["comments"] += len(comments)
        totals["revisions"] += sum(len(items) for items in revisions.values())
        totals["events"] += sum(len(items) for items in events.values())
    out.write("\n  ]" if totals["posts"] else "]")
    if slug is None:
        # Events that outlived their comment (erased for a data request) belong nowhere else.
        orphans = ModerationEvent.objects.filter(comment__isnull=True).select_related("actor")
        out.write(',\n  "events_without_comment": ')
        out.write(_dump([_event(event) for event in orphans.order_by("created_at", "id")], 2))
    out.write("\n}\n")
    return totals
