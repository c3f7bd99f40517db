"""Posts from an export: created, updated from a newer export, or linked to one here.

A mixin of ``ImportRun``. An id belongs to one item of a file: a second post (or page)
with an id already read in this run is never an update of the first. If it is the same
post repeated it is imported once; otherwise it is kept apart under ``<id>#2`` and the
comments that follow it go with it. Both are listed in the report.
"""

from urllib.parse import unquote

from django.utils.text import slugify
from django.utils.translation import gettext as _

from blog.models import Post, TaggedPost
from comments.text import clean_input, clean_line
from porting import identity
from porting.models import ImportedItem
from porting.records import PostRecord

Kind = ImportedItem.Kind


class Posts:
    def post(self, record: PostRecord) -> None:
        self._renamed_post = None
        if not self._keep_apart(record):
            return
        digest = record.digest()
        existing = self.item(Kind.POST, record.source_id)
        title = clean_line(record.title)[:200] or _("Untitled")
        for note in record.notes:
            self.report.notes.append(f"“{title}”: {note}")
        if existing is not None:
            post = Post.objects.filter(pk=existing.object_id).first()
            if post is None:
                self.report.count("post", "erased")
                self.report.notes.append(
                    _("“%(title)s” was deleted here; it and its comments are left out.")
                    % {"title": title}
                )
                self.skipped_posts.add(record.source_id)
                return
            if existing.digest != digest:
                self._fill_post(post, record, title)
                post.save()
                post.tags.set([self.series(series) for series in record.series])
                self.remember(Kind.POST, record.source_id, post, digest=digest,
                              url=record.url, existing=existing)  # fmt: skip
                self.report.count("post", "updated")
                self.report.actions.append(f"update “{title}” (/{post.slug}/)")
            else:
                self.report.count("post", "unchanged")
            self._posts[record.source_id] = post.pk
            return
        post = identity.local_object("post", record.source_id)
        if post is not None:
            self.report.count("post", "linked")
            self.report.actions.append(f"link “{title}” to /{post.slug}/, already here")
        else:
            post = Post(slug=_free_slug(record.slug, title))
            self._fill_post(post, record, title)
            post.save()
            _tag_new_post(post, [self.series(series) for series in record.series])
            self.report.count("post", "created")
            if record.published_at is None and post.status == Post.Status.PUBLISHED:
                self.report.notes.append(f"“{title}”: " + _("has no date: published now"))
            self.report.actions.append(f"create “{title}” (/{post.slug}/, {post.status})")
        self.remember(Kind.POST, record.source_id, post, digest=digest, url=record.url)
        self._posts[record.source_id] = post.pk

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
        post.author = self.author(record.author) if record.author else self.fallback_author()
        post.body = clean_input(record.body)
        post.summary = clean_input(record.summary)
        post.status = record.status
        post.published_at = record.published_at
        post.comments_open = record.comments_open
        post.comments_close_at = record.comments_close_at
        post.competing_interests = clean_line(record.competing_interests)[:300]
        post.postscript = clean_input(record.postscript)

    def holding_post(self, *, kind: str, source_id: str, title: str, explanation: str,
                     url: str = "", closed: bool = False) -> Post:  # fmt: skip
        """A draft that keeps comments whose post is not here, so nothing is dropped."""
        body = _(
            "Comments imported from %(source)s whose post is not on this site "
            "(%(why)s). Nobody sees this draft; move its comments or delete it."
        ) % {"source": self.label, "why": explanation}
        if url:
            body += "\n\n" + _("Old address: <%(url)s>") % {"url": url}
        post = Post(
            title=clean_line(title)[:200],
            slug=_free_slug("", title),
            author=self.fallback_author(),
            body=body,
            status=Post.Status.DRAFT,
            comments_open=not closed,
        )
        post.save()
        self.remember(kind, source_id, post, url=url)
        self.report.holding_posts.append(f"“{post.title}” (/{post.slug}/)")
        return post

    def missing_post(self, post_id: str) -> Post:
        """Comments on a post not read in this run: the post of an earlier import, or a
        draft holding post."""
        post = self.imported(Kind.POST, post_id, Post)
        if post is not None:
            return post
        return self.holding_post(
            kind=Kind.POST,
            source_id=post_id,
            title=_("Comments on a post missing from the export (%(id)s)") % {"id": post_id},
            explanation=_("the post with id %(id)s is not in the export") % {"id": post_id},
        )

    def post_for(self, post_id: str) -> Post | None:
        """The post an imported comment goes on, None if its post was left out."""
        if post_id in self.skipped_posts:
            return None
        if post_id not in self._posts:
            if self.fmt.comments_on == Kind.THREAD:
                post = self.thread_post(post_id)
            else:
                post = self.missing_post(post_id)
            self._posts[post_id] = post.pk if post is not None else None
        pk = self._posts[post_id]
        if pk is None:
            return None
        if pk not in self._recent:
            if len(self._recent) >= 256:
                self._recent.clear()
            self._recent[pk] = Post.objects.only("id", "title", "slug", "author_id").get(pk=pk)
        return self._recent[pk]


def _tag_new_post(post: Post, series: list) -> None:
    """A new post's series in one INSERT: taggit's ``set`` reads the post's tags first and
    adds each in a savepoint of its own (six statements a post), for a post with none."""
    unique = list({item.pk: item for item in series}.values())
    TaggedPost.objects.bulk_create([TaggedPost(content_object=post, tag=item) for item in unique])


def _free_slug(wanted: str, title: str) -> str:
    base = slugify(unquote(wanted))[:190].strip("-") or slugify(title)[:190].strip("-")
    base = base or "post"
    slug, number = base, 1
    while Post.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug
