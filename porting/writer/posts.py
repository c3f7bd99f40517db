"""Posts from an export: created, updated from a newer export, or linked to one here.

``PostWriter`` writes the posts and knows, for the comments that follow, which post each
source id became (``post_for``). An id belongs to one item of a file: a second post (or
page) with an id already read in this run is never an update of the first. If it is the same
post repeated it is imported once; otherwise it is kept apart under ``<id>#2`` and the
comments that follow it go with it. Both are listed in the report.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from blog.models import Post, Series, TaggedPost
from comments.text import clean_input, clean_line
from core import pagecache
from porting import identity
from porting.models import ImportedItem
from porting.records import PostRecord
from porting.report import Report

from .holding import HoldingPosts, free_slugs
from .ledger import Ledger, key
from .people import People
from .threads import Threads

Kind = ImportedItem.Kind
POST_BATCH = 100  # posts written together
RECENT_POSTS = 256  # light Post objects kept for the comments being placed


Waiting = tuple[PostRecord, str, str]  # a post read, not yet written: (record, digest, title)


class PostWriter:
    def __init__(self, *, ledger: Ledger, report: Report, people: People,
                 holding: HoldingPosts, threads: Threads | None = None) -> None:  # fmt: skip
        self.ledger = ledger
        self.report = report
        self.people = people
        self.holding = holding
        self.threads = threads  # Disqus: comments name threads, not posts
        self.skipped: set[str] = set()  # source ids of posts left out, with their comments
        # Source id → post id (None: no post). Ids only: a 200 MB export's post bodies
        # must not pile up in memory; ``_recent`` keeps a few light Post objects.
        self._posts: dict[str, int | None] = {}
        self._recent: dict[int, Post] = {}
        # Posts read in this run, source id → digest: an id is never used twice.
        self._posts_read: dict[str, str] = {}
        self._posts_waiting: list[Waiting] = []
        self._renamed_post: tuple[str, str] | None = None

    def skip(self, post_id: str) -> None:
        """The export left this post out: its comments go nowhere."""
        self.skipped.add(post_id)

    def post(self, record: PostRecord) -> None:
        """A post read from the file: written with the others of its batch (``flush_posts``)."""
        self._renamed_post = None
        if not self._keep_apart(record):
            return
        title = clean_line(record.title)[:200] or _("Untitled")
        for note in record.notes:
            self.report.notes.append(f"“{title}”: {note}")
        self._posts_waiting.append((record, record.digest(), title))
        if len(self._posts_waiting) >= POST_BATCH:
            self.flush_posts()

    def flush_posts(self) -> None:
        """Write the posts waiting, in file order: new ones together, in a few statements;
        one imported before (updated or unchanged) or of this site's own export (linked)
        on its own."""
        waiting, self._posts_waiting = self._posts_waiting, []
        known = self.ledger.items(
            Kind.POST, [record.source_id for record, _digest, _title in waiting]
        )
        new: list[Waiting] = []
        for record, digest, title in waiting:
            existing = known.get(key(record.source_id))
            local = None if existing else identity.local_object("post", record.source_id)
            if existing is None and local is None:
                new.append((record, digest, title))
                continue
            self._create_posts(new)
            new = []
            if existing is not None:
                self._known_post(record, existing, digest, title)
            elif local is not None:
                self.report.count("post", "linked")
                self.report.actions.append(f"link “{title}” to /{local.slug}/, already here")
                self.ledger.remember(
                    Kind.POST, record.source_id, local, digest=digest, url=record.url
                )
                self._posts[record.source_id] = local.pk
        self._create_posts(new)

    def _known_post(self, record: PostRecord, existing: ImportedItem, digest: str,
                    title: str) -> None:  # fmt: skip
        """A post imported before: updated if the export changed it."""
        post = Post.objects.filter(pk=existing.object_id).first()
        if post is None:
            self.report.count("post", "erased")
            self.report.notes.append(
                _("“%(title)s” was deleted here; it and its comments are left out.")
                % {"title": title}
            )
            self.skip(record.source_id)
            return
        if existing.digest != digest:
            self._fill_post(post, record, title)
            post.save()
            post.tags.set(self._series_of(record))
            self.ledger.remember(Kind.POST, record.source_id, post, digest=digest,
                                 url=record.url, existing=existing)  # fmt: skip
            self.report.count("post", "updated")
            self.report.actions.append(f"update “{title}” (/{post.slug}/)")
        else:
            self.report.count("post", "unchanged")
        self._posts[record.source_id] = post.pk

    def _create_posts(self, new: list[Waiting]) -> None:
        """New posts, their series and their ``ImportedItem`` rows: a statement each."""
        if not new:
            return
        slugs = free_slugs([(record.slug, title) for record, _digest, title in new])
        posts = []
        for (record, _digest, title), slug in zip(new, slugs, strict=True):
            post = Post(slug=slug)
            self._fill_post(post, record, title)
            post.fill_derived()
            posts.append(post)
        Post.objects.bulk_create(posts)  # no save(): the page cache is retired here
        _tag_new_posts(
            [(post, self._series_of(record))
             for post, (record, _digest, _title) in zip(posts, new, strict=True)]
        )  # fmt: skip
        # What saving a post does through ``blog.signals``, for these posts not saved.
        post_ids = [post.pk for post in posts]
        transaction.on_commit(lambda: _retire_pages(post_ids))
        for post, (record, _digest, title) in zip(posts, new, strict=True):
            self.report.count("post", "created")
            if record.published_at is None and post.status == Post.Status.PUBLISHED:
                self.report.notes.append(f"“{title}”: " + _("has no date: published now"))
            self.report.actions.append(f"create “{title}” (/{post.slug}/, {post.status})")
            self._posts[record.source_id] = post.pk
        self.ledger.remember_many(
            Kind.POST,
            [(record.source_id, post, digest, record.url)
             for post, (record, digest, _title) in zip(posts, new, strict=True)],
        )  # fmt: skip

    def _keep_apart(self, record: PostRecord) -> bool:
        """Give a post whose id this file already used an id of its own; False to skip it."""
        wanted, digest = record.source_id, record.digest()
        title = clean_line(record.title)[:200] or _("Untitled")
        number = 1
        while (seen := self._posts_read.get(record.source_id)) is not None:
            if seen == digest:
                self.report.duplicates.append(
                    _("post %(id)s (“%(title)s”) appears twice, identical: imported once")
                    % {"id": wanted, "title": title}
                )
                self._renamed_post = (wanted, record.source_id)
                return False
            number += 1
            record.source_id = f"{wanted}#{number}"
        self._posts_read[record.source_id] = digest
        if number > 1:
            self._renamed_post = (wanted, record.source_id)
            self.report.duplicates.append(
                _("post id %(id)s is used by two different posts: “%(title)s” is kept apart "
                  "as %(new)s")
                % {"id": wanted, "title": title, "new": record.source_id}
            )  # fmt: skip
        return True

    def post_id_of(self, post_id: str) -> str:
        """The id a comment's post was imported under (a kept-apart duplicate's, after it)."""
        if self._renamed_post and self._renamed_post[0] == post_id:
            return self._renamed_post[1]
        return post_id

    def _fill_post(self, post: Post, record: PostRecord, title: str) -> None:
        post.title = title
        author = record.author
        post.author = self.people.author(author) if author else self.people.fallback_author()
        post.body = clean_input(record.body)
        post.summary = clean_input(record.summary)
        post.status = record.status
        post.published_at = record.published_at
        post.comments_open = record.comments_open
        post.comments_close_at = record.comments_close_at
        post.competing_interests = clean_line(record.competing_interests)[:300]
        post.postscript = clean_input(record.postscript)

    def missing_post(self, post_id: str) -> Post:
        """Comments on a post not read in this run: the post of an earlier import, or a
        draft holding post."""
        post = self.ledger.imported(Kind.POST, post_id, Post)
        if post is not None:
            return post
        return self.holding.make(
            kind=Kind.POST,
            source_id=post_id,
            title=_("Comments on a post missing from the export (%(id)s)") % {"id": post_id},
            explanation=_("the post with id %(id)s is not in the export") % {"id": post_id},
        )

    def post_for(self, post_id: str) -> Post | None:
        """The post an imported comment goes on, None if its post was left out."""
        if post_id in self.skipped:
            return None
        if post_id not in self._posts:
            post: Post | None
            if self.threads is not None:
                post = self.threads.thread_post(post_id)
            else:
                post = self.missing_post(post_id)
            self._posts[post_id] = post.pk if post is not None else None
        pk = self._posts[post_id]
        if pk is None:
            return None
        if pk not in self._recent:
            self.load_posts([post_id])
        return self._recent[pk]

    def load_posts(self, post_ids: Iterable[str]) -> None:
        """Keep the posts of these source ids (those written already) for ``post_for``, in
        one query: a batch of comments on fifty posts asked for them one by one."""
        pks = {pk for post_id in post_ids if (pk := self._posts.get(post_id)) is not None}
        pks -= set(self._recent)
        if not pks:
            return
        if len(self._recent) + len(pks) > RECENT_POSTS:
            self._recent.clear()
        self._recent.update(Post.objects.only("id", "title", "slug", "author_id").in_bulk(pks))

    def _series_of(self, record: PostRecord) -> list[Series]:
        return [self.people.series(series) for series in record.series]


def _retire_pages(post_ids: list[int]) -> None:
    for post_id in post_ids:
        pagecache.bump(post_id, withdraw=True)


def _tag_new_posts(tagged: list[tuple[Post, list[Series]]]) -> None:
    """New posts' series in one INSERT: taggit's ``set`` reads a post's tags first and adds
    each in a savepoint of its own (six statements a post), for posts with none."""
    TaggedPost.objects.bulk_create(
        TaggedPost(content_object=post, tag=item)
        for post, series in tagged
        for item in {item.pk: item for item in series}.values()
    )
