"""Who may do what with comments: the one place the rules are written.

- A post's **author** moderates the comments on their own posts (approve, reject, spam,
  remove, restore, reply) and sees their commenters' details.
- A **moderator** (``comments.can_moderate``) does that everywhere, and alone edits
  what readers wrote.
- Only active staff act at all; everyone else, staff with no role included, moderates
  nothing and sees no commenter's email or address.

Post visibility (drafts) is the blog's rule (``blog.permissions``); this module builds on
it. ``moderation`` imports these; the admin, the services and the policy ask nothing else.
"""

from django.db.models import Q

from blog.models import Post
from blog.permissions import is_active_staff

from .models import Comment


def is_moderator(user) -> bool:
    """A moderator of every post's comments (superusers are)."""
    return is_active_staff(user) and user.has_perm("comments.can_moderate")


def role_on_post(user, post) -> str:
    """The badge a comment by ``user`` on ``post`` carries: "author", "moderator" or ""."""
    if user is None or not user.is_authenticated:
        return ""
    if user.pk == post.author_id:
        return "author"
    if is_moderator(user):
        return "moderator"
    return ""


def is_team(user) -> bool:
    """Of the blog's team: active staff (its authors, moderators and other staff), whose
    account vouches for them on every post, not only on their own."""
    return is_active_staff(user)


def badge_on_post(user, post) -> str:
    """The badge a comment by ``user`` on ``post`` carries: "author" (the post's own),
    "moderator", "team" (staff who write for the blog, on a post they did not write) or
    "". Unlike ``role_on_post``, "team" grants no power over the post's comments."""
    role = role_on_post(user, post)
    if not role and is_team(user):
        return "team"
    return role


def can_moderate_post(user, post) -> bool:
    """May act on the comments of ``post``: its author or a moderator, active staff only."""
    return is_active_staff(user) and role_on_post(user, post) != ""


def can_moderate(user, comment: Comment) -> bool:
    return can_moderate_post(user, comment.post)


def can_edit(user, comment: Comment | None = None) -> bool:
    """May change the words of a comment someone else wrote: moderators only."""
    return is_moderator(user)


def can_erase(user) -> bool:
    """Erase what a reader wrote (a data-removal request): active superusers only."""
    return user is not None and user.is_authenticated and user.is_active and user.is_superuser


def may_see_private(user, comment: Comment) -> bool:
    """Email, address hash and user agent: for those who may moderate the comment."""
    return can_moderate(user, comment)


def moderates_anything(user) -> bool:
    """Has comments to act on: a moderator, or an author with at least one post."""
    return is_moderator(user) or (is_active_staff(user) and user.posts.exists())


def may_open_comment_admin(user) -> bool:
    """May open the comment list and the queue (which show only what they moderate)."""
    return is_moderator(user) or (
        is_active_staff(user) and (user.has_perm("comments.view_comment") or user.posts.exists())
    )


def moderated_posts(user):
    """The posts whose comments ``user`` may moderate."""
    if is_moderator(user):
        return Post.objects.all()
    if not is_active_staff(user):
        return Post.objects.none()
    return Post.objects.filter(author=user)


def moderated_comments(user):
    """The comments ``user`` may act on: all for moderators, their posts' for authors."""
    queryset = Comment.objects.select_related("post", "reply_to")
    if is_moderator(user):
        return queryset
    if not is_active_staff(user):
        return queryset.none()
    return queryset.filter(post__author=user)


def readable_comments(user):
    """Comments whose text ``user`` may read in the admin: those they moderate, and the
    published comments of posts they may see. Never another post's held, spam or removed
    text."""
    if is_moderator(user):
        return Comment.objects.all()
    published = Q(status=Comment.Status.APPROVED, post__in=Post.objects.visible_to(user))
    if is_active_staff(user):
        return Comment.objects.filter(Q(post__author=user) | published)
    return Comment.objects.filter(published)
