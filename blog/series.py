"""Renaming and merging series, and who may.

Series are taggit tags (``blog.models.Series``): names are stored without a leading ``#``
and are unique whatever their case, so "#MSBlog" and "msblog" typed into a post are one
series. What people made before that rule, or by two names for one idea ("ResearchSpeak"
and "Research Speak"), a moderator merges: the posts move to the series kept, and the
merged series is deleted, its slugs kept by the survivor to redirect from.

Moderators (``blog.change_series``) and editors manage every series; an author manages a
series only their own posts use, so nobody renames a colleague's series under them.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Post, Series, TaggedPost, clean_series_name
from .permissions import can_edit_any_post, is_active_staff


def manages_all_series(user) -> bool:
    return is_active_staff(user) and (
        user.has_perm("blog.change_series") or can_edit_any_post(user)
    )


def may_manage_series(user, series: Series) -> bool:
    """May rename ``series`` or merge it: moderators and editors; an author when every post
    in it is theirs."""
    if manages_all_series(user):
        return True
    if not (is_active_staff(user) and user.has_perm("blog.change_post")):
        return False
    return not Post.objects.filter(tags=series).exclude(author=user).exists()


def name_problem(name: str, *, series: Series | None = None) -> str:
    """Why ``name`` cannot be a series' (new) name, or "": for forms and the services."""
    name = clean_series_name(name)
    if not name:
        return _("Give the series a name (a leading # is not needed).")
    max_length = Series._meta.get_field("name").max_length
    if max_length is not None and len(name) > max_length:
        return _("Keep the name under 100 characters.")
    clash = Series.objects.filter(name__iexact=name)
    if series is not None:
        clash = clash.exclude(pk=series.pk)
    if (other := clash.first()) is not None:
        return _("There is already a series #%(name)s: merge into it instead.") % {
            "name": other.name
        }
    return ""


@transaction.atomic
def series_rename(*, series: Series, name: str, actor) -> Series:
    """Give ``series`` a new name; its slug follows (the old one redirects)."""
    if not may_manage_series(actor, series):
        raise PermissionDenied(_("You may rename only series that only your posts use."))
    series = Series.objects.select_for_update().get(pk=series.pk)
    if problem := name_problem(name, series=series):
        raise ValidationError({"name": [problem]})
    series.name = clean_series_name(name)
    series.save()
    return series


@transaction.atomic
def series_merge(*, merged: list[Series], into: Series, actor) -> Series:
    """Move every post of the ``merged`` series into ``into`` and delete them.

    A post in both keeps one link. ``into`` keeps its own description (or takes the first
    merged one's, if it has none) and gains the merged series' slugs to redirect from; if
    a merged series held the slug ``into``'s name should have, ``into`` takes it now.
    """
    merged = [series for series in merged if series.pk != into.pk]
    for series in (into, *merged):
        if not may_manage_series(actor, series):
            raise PermissionDenied(
                _("You may merge only series that only your posts use (#%(name)s is not).")
                % {"name": series.name}
            )
    if not merged:
        return into
    ids = [series.pk for series in merged]
    into = Series.objects.select_for_update().get(pk=into.pk)
    merged = list(Series.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    already = TaggedPost.objects.filter(tag=into).values("object_id")
    # A post in both keeps only the survivor's row; the rest move over.
    TaggedPost.objects.filter(tag__in=merged, object_id__in=already).delete()
    for link in TaggedPost.objects.filter(tag__in=merged).order_by("object_id", "pk"):
        if TaggedPost.objects.filter(tag=into, object_id=link.object_id).exists():
            link.delete()  # two merged series on one post
        else:
            link.tag = into
            link.save(update_fields=["tag"])
    former = [*into.former_slugs]
    for series in merged:
        former += [slug for slug in (series.slug, *series.former_slugs) if slug not in former]
        if not into.description:
            into.description = series.description
    Series.objects.filter(pk__in=ids).delete()
    into.former_slugs = former
    into.reslug()  # a slug freed by the merge ("msblog" for "msblog-2") goes to the survivor
    into.former_slugs = [slug for slug in into.former_slugs if slug != into.slug]
    into.save()
    return into
