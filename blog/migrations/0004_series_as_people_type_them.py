"""Series as people type them (issue 23): names lose a leading "#", series whose names
differ only by "#" or case are merged into one, slugs follow the names (no "_1" left over
once the series that held the plain slug is gone; the old slugs redirect), and moderators
may rename and merge series. The case-insensitive uniqueness comes in 0005, once the data
obeys it."""

import re
from collections import defaultdict

import django.contrib.postgres.fields
from django.db import migrations, models
from django.utils.text import slugify


def clean_name(name: str) -> str:
    # blog.models.clean_series_name, as it was when this migration was written.
    folded = re.sub(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*", " ", name)
    return folded.strip().lstrip("#").strip()


def base_slug(name: str) -> str:
    return slugify(name, allow_unicode=True)[:90].strip("-") or "series"


def tidy_series(apps, schema_editor):
    Series = apps.get_model("blog", "Series")
    TaggedPost = apps.get_model("blog", "TaggedPost")
    groups = defaultdict(list)
    for series in Series.objects.order_by("pk"):
        groups[clean_name(series.name).casefold()].append(series)
    for members in groups.values():
        posts = {s.pk: TaggedPost.objects.filter(tag_id=s.pk).count() for s in members}
        # Keep the one typed without "#", then the one with most posts, then the oldest.
        keep = min(
            members, key=lambda s: (s.name.lstrip() != clean_name(s.name), -posts[s.pk], s.pk)
        )
        former = list(keep.former_slugs)
        for other in members:
            if other.pk == keep.pk:
                continue
            for link in TaggedPost.objects.filter(tag_id=other.pk).order_by("pk"):
                if TaggedPost.objects.filter(tag_id=keep.pk, object_id=link.object_id).exists():
                    link.delete()
                else:
                    link.tag_id = keep.pk
                    link.save(update_fields=["tag"])
            former += [slug for slug in (other.slug, *other.former_slugs) if slug not in former]
            keep.description = keep.description or other.description
            other.delete()
        keep.name = clean_name(keep.name) or f"Series {keep.pk}"
        keep.former_slugs = former
        keep.save()
    # Slugs that carry taggit's "_1" because another series held the plain one: now that
    # duplicates are gone, each takes its name's slug if it is free.
    for series in Series.objects.order_by("pk"):
        base = base_slug(series.name)
        if not re.fullmatch(re.escape(base) + r"_\d+", series.slug):
            continue  # its name's slug, or one someone chose: left alone
        if Series.objects.filter(slug=base).exclude(pk=series.pk).exists():
            continue
        series.former_slugs = [*series.former_slugs, series.slug]
        series.slug = base
        series.save(update_fields=["slug", "former_slugs"])
    for series in Series.objects.all():
        kept = [slug for slug in series.former_slugs if slug != series.slug]
        if kept != series.former_slugs:
            series.former_slugs = kept
            series.save(update_fields=["former_slugs"])


def grant_moderators(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="blog", codename="change_series")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_scale_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="series",
            name="former_slugs",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=100),
                blank=True,
                default=list,
                editable=False,
                size=None,
            ),
        ),
        migrations.RunPython(tidy_series, migrations.RunPython.noop),
        migrations.RunPython(grant_moderators, migrations.RunPython.noop),
    ]
