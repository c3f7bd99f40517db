"""Stable identities for exported posts and comments, so exports can be imported again.

Database ids do not survive a move: restoring an export into an empty database gives
every row a new id. An export therefore names each post and comment by a uid,
``colloquy:<site>/<kind>/<id>/<unix time>``, made once where the object was born (its id
and its creation second, so a later row that reuses an id gets a different uid). An
object that came in from such an export keeps the uid it came with (its ImportedItem),
so export → import → export gives the same file, and importing a newer export of the
same site updates instead of duplicating.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings

from blog.models import Post
from comments.models import Comment
from porting.models import ImportedItem

PREFIX = "colloquy:"
_UID = re.compile(r"^colloquy:(?P<site>.+)/(?P<kind>post|comment)/(?P<pk>\d+)/(?P<stamp>-?\d+)$")


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def site_id() -> str:
    parts = urlsplit(site_url())
    return (parts.netloc + parts.path).rstrip("/") or "localhost"


def make_uid(kind: str, pk: int, stamp) -> str:
    return f"{PREFIX}{site_id()}/{kind}/{pk}/{int(stamp.timestamp())}"


def uids_for(kind: str, objects) -> dict[int, str]:
    """The uid of each object: the one it was imported with, else one made here."""
    objects = list(objects)
    known: dict[int, str] = {}
    rows = (
        ImportedItem.objects.filter(
            kind=kind, object_id__in=[obj.pk for obj in objects], source_id__startswith=PREFIX
        )
        .order_by("id")
        .values_list("object_id", "source_id")
    )
    for object_id, source_id in rows:
        known.setdefault(object_id, source_id)
    stamp = "created_at" if kind == ImportedItem.Kind.POST else "submitted_at"
    return {
        obj.pk: known.get(obj.pk) or make_uid(kind, obj.pk, getattr(obj, stamp)) for obj in objects
    }


def local_object(kind: str, uid: str):
    """The object of this site that ``uid`` was made for, if it is still here.

    Importing a site's own export back into it must not duplicate what is already there.
    """
    match = _UID.match(uid)
    if not match or match["kind"] != kind or match["site"] != site_id():
        return None
    model, stamp = (Post, "created_at") if kind == "post" else (Comment, "submitted_at")
    obj = model.objects.filter(pk=int(match["pk"])).first()
    if obj is None or int(getattr(obj, stamp).timestamp()) != int(match["stamp"]):
        return None
    return obj
