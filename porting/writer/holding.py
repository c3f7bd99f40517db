"""Draft posts that hold imported comments whose post is not here, so nothing is dropped,
and the free slugs every new post of an import takes."""

from urllib.parse import unquote

from django.utils.text import slugify
from django.utils.translation import gettext as _

from blog.models import Post
from comments.text import clean_line
from porting.report import Report

from .ledger import Ledger
from .people import People


class HoldingPosts:
    def __init__(self, *, ledger: Ledger, report: Report, people: People) -> None:
        self.ledger = ledger
        self.report = report
        self.people = people  # the fallback author owns the drafts

    def make(self, *, kind: str, source_id: str, title: str, explanation: str,
             url: str = "", closed: bool = False) -> Post:  # fmt: skip
        """A draft for the comments of ``source_id`` (a post or thread missing here)."""
        body = _(
            "Comments imported from %(source)s whose post is not on this site "
            "(%(why)s). Nobody sees this draft; move its comments or delete it."
        ) % {"source": self.report.label, "why": explanation}
        if url:
            body += "\n\n" + _("Old address: <%(url)s>") % {"url": url}
        post = Post(
            title=clean_line(title)[:200],
            slug=free_slug("", title),
            author=self.people.fallback_author(),
            body=body,
            status=Post.Status.DRAFT,
            comments_open=not closed,
        )
        post.save()
        self.ledger.remember(kind, source_id, post, url=url)
        self.report.holding_posts.append(f"“{post.title}” (/{post.slug}/)")
        return post


def free_slug(wanted: str, title: str) -> str:
    return free_slugs([(wanted, title)])[0]


def free_slugs(wanted: list[tuple[str, str]]) -> list[str]:
    """A free slug for each (slug wanted, title), none given twice: one query for the lot
    when the slugs wanted are free."""
    bases = [_slug_base(slug, title) for slug, title in wanted]
    taken = set(Post.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    chosen = []
    for base in bases:
        slug, number = base, 1
        while slug in taken or (number > 1 and Post.objects.filter(slug=slug).exists()):
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        chosen.append(slug)
    return chosen


def _slug_base(wanted: str, title: str) -> str:
    base = slugify(unquote(wanted))[:190].strip("-") or slugify(title)[:190].strip("-")
    return base or "post"
