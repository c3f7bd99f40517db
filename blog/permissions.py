"""Who may edit a post and who may see a draft: the blog's half of the permission rules.

``comments.permissions`` builds on these; nothing here knows about comments. A draft is
visible to its author and to those who may edit it, never to staff as such.
"""


def is_active_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.is_staff


def can_edit_any_post(user) -> bool:
    return is_active_staff(user) and (user.is_superuser or user.has_perm("blog.edit_any_post"))


def can_edit_post(user, post) -> bool:
    """Editors edit every post; an author their own (with the right to change posts)."""
    if can_edit_any_post(user):
        return True
    return is_active_staff(user) and post.author_id == user.pk and user.has_perm("blog.change_post")


def may_see_post(user, post) -> bool:
    """Published posts for everyone; a draft for its author and those who may edit it."""
    if post.is_published:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return post.author_id == user.pk or can_edit_post(user, post)
