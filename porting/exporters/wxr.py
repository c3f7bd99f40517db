"""Writing the blog as WXR 1.2, for WordPress and for ``import_wxr``.

WordPress reads the standard fields: authors, posts (rendered HTML), tags, and comments
with their threads and statuses. What WordPress has no field for goes in ``_colloquy_*``
post and comment meta, which WordPress keeps as hidden custom fields and ``import_wxr``
reads back: the Markdown source, competing interests, postscript, the quote a reply
answers, a rejected status, a moderator's public edit note.

The output is canonical, so exporting, importing into an empty database and exporting
again gives the same bytes: posts in date order (to the second), then slug; comments
depth-first, siblings by date (to the second) and then thread order; numbers in the file
(``wp:post_id``, ``wp:comment_id``) counted from 1 in that order, since database ids do
not survive a move; posts and comments named by their uid (``identity``); no export time.
"""

import re
from collections import defaultdict
from html import escape
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models.functions import TruncSecond
from django.utils import timezone

from blog.models import AuthorProfile, Post, Series
from comments.models import Comment
from porting import identity
from porting.models import ImportedItem

WP_DATE = "%Y-%m-%d %H:%M:%S"
ZERO_DATE = "0000-00-00 00:00:00"
APPROVED: dict[str, str] = {  # by Comment.Status
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "trash",
    Comment.Status.REJECTED: "trash",  # WordPress has no "rejected"; the meta keeps it
    Comment.Status.WITHDRAWN: "trash",  # nor "withdrawn by its writer"; the meta keeps it
}
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def cdata(value: str) -> str:
    value = _NOT_XML.sub("\ufffd", value)
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text(value: str) -> str:
    return xml_escape(_NOT_XML.sub("\ufffd", value))


def wp_dates(value) -> tuple[str, str]:
    if value is None:
        return ZERO_DATE, ZERO_DATE
    local = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
    return local.strftime(WP_DATE), value.astimezone(ZoneInfo("UTC")).strftime(WP_DATE)


def rfc822(value) -> str:
    return value.astimezone(ZoneInfo("UTC")).strftime("%a, %d %b %Y %H:%M:%S +0000")


def iso(value) -> str:
    return value.astimezone(ZoneInfo("UTC")).replace(microsecond=0).isoformat()


def exported_posts(slug: str | None = None):
    posts = Post.objects.select_related("author").prefetch_related("tags")
    if slug is not None:
        posts = posts.filter(slug=slug)
    return posts.order_by(TruncSecond("published_at").asc(nulls_last=True), "slug")


def canonical_comments(post) -> list[Comment]:
    """The post's comments depth-first; siblings by date (to the second), then thread order."""
    comments = list(
        Comment.objects.filter(post=post)
        .select_related("user")
        .annotate(second=TruncSecond("submitted_at"))
        .order_by("tree_id", "lft")
    )
    children = defaultdict(list)
    for comment in comments:
        children[comment.parent_id].append(comment)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.second, c.tree_id, c.lft))
    ordered, stack = [], list(reversed(children[None]))
    while stack:
        comment = stack.pop()
        ordered.append(comment)
        stack.extend(reversed(children[comment.pk]))
    return ordered


class WXRWriter:
    def __init__(self, out, *, slug: str | None = None):
        self.out = out
        self.slug = slug
        self.comment_numbers: dict[int, int] = {}
        self.next_comment = 1

    def write(self) -> dict[str, int]:
        # Posts are read in chunks, never all at once: the header is built from queries.
        posts = exported_posts(self.slug)
        authors = self._authors(posts)
        self.author_numbers = {user.pk: number for number, user in enumerate(authors, start=1)}
        w = self.out.write
        w('<?xml version="1.0" encoding="UTF-8" ?>\n')
        w("<!-- A WordPress eXtended RSS file (WXR 1.2) written by Colloquy's export_wxr. -->\n")
        w('<rss version="2.0"\n')
        w('\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n')
        w('\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n')
        w('\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n')
        w('\txmlns:dc="http://purl.org/dc/elements/1.1/"\n')
        w('\txmlns:wp="http://wordpress.org/export/1.2/"\n')
        w(">\n<channel>\n")
        site = identity.site_url()
        w(f"\t<title>{text(settings.SITE_NAME)}</title>\n")
        w(f"\t<link>{text(site)}</link>\n")
        w(f"\t<description>{text(settings.SITE_TAGLINE)}</description>\n")
        w(f"\t<language>{text(settings.LANGUAGE_CODE)}</language>\n")
        w("\t<wp:wxr_version>1.2</wp:wxr_version>\n")
        w(f"\t<wp:base_site_url>{text(site)}</wp:base_site_url>\n")
        w(f"\t<wp:base_blog_url>{text(site)}</wp:base_blog_url>\n")
        for number, user in enumerate(authors, start=1):
            self._author(number, user)
        series = sorted(
            Series.objects.filter(
                tagged_items__content_type=ContentType.objects.get_for_model(Post),
                tagged_items__object_id__in=posts.values("pk"),
            ).distinct(),
            key=lambda tag: (tag.name.casefold(), tag.pk),
        )
        for number, tag in enumerate(series, start=1):
            w("\t<wp:tag>")
            w(f"<wp:term_id>{number}</wp:term_id>")
            w(f"<wp:tag_slug>{cdata(tag.slug)}</wp:tag_slug>")
            w(f"<wp:tag_name>{cdata(tag.name)}</wp:tag_name>")
            if tag.description:
                w(f"<wp:tag_description>{cdata(tag.description)}</wp:tag_description>")
            w("</wp:tag>\n")
        w("\t<generator>Colloquy</generator>\n")
        number = 0
        for number, post in enumerate(posts.iterator(chunk_size=100), start=1):
            self._post(number, post, identity.uids_for(ImportedItem.Kind.POST, [post])[post.pk])
        w("</channel>\n</rss>\n")
        return {"posts": number, "comments": self.next_comment - 1, "authors": len(authors)}

    def _authors(self, posts):
        User = get_user_model()
        ids = set(posts.values_list("author_id", flat=True))
        ids |= set(
            Comment.objects.filter(post__in=posts.values("pk"), user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        if self.slug is None:
            ids |= set(AuthorProfile.objects.values_list("user_id", flat=True))
        return list(
            User.objects.filter(pk__in=ids).select_related("author_profile").order_by("username")
        )

    def _author(self, number: int, user) -> None:
        profile = getattr(user, "author_profile", None)
        display = profile.display_name if profile else (user.get_full_name() or user.username)
        w = self.out.write
        w("\t<wp:author>")
        w(f"<wp:author_id>{number}</wp:author_id>")
        w(f"<wp:author_login>{cdata(user.username)}</wp:author_login>")
        w(f"<wp:author_email>{cdata(user.email)}</wp:author_email>")
        w(f"<wp:author_display_name>{cdata(display)}</wp:author_display_name>")
        w(f"<wp:author_first_name>{cdata(user.first_name)}</wp:author_first_name>")
        w(f"<wp:author_last_name>{cdata(user.last_name)}</wp:author_last_name>")
        w("</wp:author>\n")

    def _meta(self, tag: str, key: str, value: str) -> None:
        self.out.write(
            f"\t\t<wp:{tag}><wp:meta_key>{cdata(key)}</wp:meta_key>"
            f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:{tag}>\n"
        )

    def _post(self, number: int, post: Post, uid: str) -> None:
        w = self.out.write
        local, gmt = wp_dates(post.published_at)
        if post.status != Post.Status.PUBLISHED:
            status = "draft"
        elif post.published_at and post.published_at > timezone.now():
            status = "future"
        else:
            status = "publish"
        w("\t<item>\n")
        w(f"\t\t<title>{text(escape(post.title, quote=False))}</title>\n")
        w(f"\t\t<link>{text(identity.site_url() + post.get_absolute_url())}</link>\n")
        if post.published_at:
            w(f"\t\t<pubDate>{rfc822(post.published_at)}</pubDate>\n")
        w(f"\t\t<dc:creator>{cdata(post.author.username)}</dc:creator>\n")
        w(f'\t\t<guid isPermaLink="false">{text(uid)}</guid>\n')
        w("\t\t<description></description>\n")
        w(f"\t\t<content:encoded>{cdata(post.body_html)}</content:encoded>\n")
        w(f"\t\t<excerpt:encoded>{cdata(escape(post.summary, quote=False))}</excerpt:encoded>\n")
        w(f"\t\t<wp:post_id>{number}</wp:post_id>\n")
        w(f"\t\t<wp:post_date>{cdata(local)}</wp:post_date>\n")
        w(f"\t\t<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n")
        comment_status = "open" if post.comments_open else "closed"
        w(f"\t\t<wp:comment_status>{comment_status}</wp:comment_status>\n")
        w("\t\t<wp:ping_status>closed</wp:ping_status>\n")
        w(f"\t\t<wp:post_name>{cdata(post.slug)}</wp:post_name>\n")
        w(f"\t\t<wp:status>{status}</wp:status>\n")
        w("\t\t<wp:post_parent>0</wp:post_parent>\n")
        w("\t\t<wp:menu_order>0</wp:menu_order>\n")
        w("\t\t<wp:post_type>post</wp:post_type>\n")
        w("\t\t<wp:post_password></wp:post_password>\n")
        w("\t\t<wp:is_sticky>0</wp:is_sticky>\n")
        for tag in sorted(post.tags.all(), key=lambda tag: (tag.name.casefold(), tag.pk)):
            w(f'\t\t<category domain="post_tag" nicename={quoteattr(tag.slug)}>')
            w(f"{cdata(tag.name)}</category>\n")
        self._meta("postmeta", "_colloquy_markdown", post.body)
        if post.competing_interests:
            self._meta("postmeta", "_colloquy_competing_interests", post.competing_interests)
        if post.postscript:
            self._meta("postmeta", "_colloquy_postscript", post.postscript)
        if post.comments_close_at:
            self._meta("postmeta", "_colloquy_comments_close_at", iso(post.comments_close_at))
        comments = canonical_comments(post)
        uids = identity.uids_for(ImportedItem.Kind.COMMENT, comments)
        self.comment_numbers = {}  # replies are always on their parent's post
        for comment in comments:
            self.comment_numbers[comment.pk] = self.next_comment
            self.next_comment += 1
        for comment in comments:
            self._comment(comment, uids)
        w("\t</item>\n")

    def _comment(self, comment: Comment, uids: dict[int, str]) -> None:
        w = self.out.write
        local, gmt = wp_dates(comment.submitted_at)
        parent = 0 if comment.parent_id is None else self.comment_numbers.get(comment.parent_id, 0)
        user_number = self.author_numbers.get(comment.user_id, 0)
        w("\t\t<wp:comment>\n")
        w(f"\t\t\t<wp:comment_id>{self.comment_numbers[comment.pk]}</wp:comment_id>\n")
        w(f"\t\t\t<wp:comment_author>{cdata(comment.author_name)}</wp:comment_author>\n")
        w(
            f"\t\t\t<wp:comment_author_email>{cdata(comment.author_email)}</wp:comment_author_email>\n"
        )
        w(f"\t\t\t<wp:comment_author_url>{cdata(comment.author_url)}</wp:comment_author_url>\n")
        w("\t\t\t<wp:comment_author_IP></wp:comment_author_IP>\n")
        w(f"\t\t\t<wp:comment_date>{cdata(local)}</wp:comment_date>\n")
        w(f"\t\t\t<wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>\n")
        # Comment text is plain text; escaped, WordPress shows it as written.
        body = escape(comment.body, quote=False)
        w(f"\t\t\t<wp:comment_content>{cdata(body)}</wp:comment_content>\n")
        w(f"\t\t\t<wp:comment_approved>{APPROVED[comment.status]}</wp:comment_approved>\n")
        w("\t\t\t<wp:comment_type>comment</wp:comment_type>\n")
        w(f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n")
        w(f"\t\t\t<wp:comment_user_id>{user_number}</wp:comment_user_id>\n")
        meta = [("_colloquy_uid", uids[comment.pk])]
        if comment.status == Comment.Status.REJECTED:
            meta.append(("_colloquy_status", comment.status))
        if comment.quote:
            meta.append(("_colloquy_quote", comment.quote))
        if comment.reply_to_id and comment.reply_to_id != comment.parent_id:
            reply_to = Comment.objects.filter(pk=comment.reply_to_id).first()
            if reply_to is not None and reply_to.post_id == comment.post_id:
                meta.append(("_colloquy_reply_to", uids.get(reply_to.pk, "")))
        if comment.role:
            meta.append(("_colloquy_role", comment.role))
        if comment.edit_note:
            meta.append(("_colloquy_edit_note", comment.edit_note))
        if comment.edited_at:
            meta.append(("_colloquy_edited_at", iso(comment.edited_at)))
        if comment.user_agent:
            meta.append(("_colloquy_user_agent", comment.user_agent))
        if comment.ip_hash:
            meta.append(("_colloquy_ip_hash", comment.ip_hash))
        for key, value in meta:
            w(
                f"\t\t\t<wp:commentmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
                f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:commentmeta>\n"
            )
        w("\t\t</wp:comment>\n")


def export_wxr(out, *, slug: str | None = None) -> dict[str, int]:
    """Write WXR 1.2 to ``out`` (a text stream); return how many of each thing it wrote."""
    return WXRWriter(out, slug=slug).write()
