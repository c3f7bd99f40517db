"""manage.py export_wxr [--post SLUG] [--output FILE]: the blog as a WordPress export."""

from django.core.management.base import BaseCommand, CommandError

from blog.models import Post
from moderation.importers.command import RawOutput
from moderation.importers.wxr_export import export_wxr


class Command(BaseCommand):
    help = (
        "Write the blog (or one post) as WXR 1.2, which WordPress and import_wxr read: "
        "authors, posts, series as tags, comments with their threads and statuses."
    )

    def add_arguments(self, parser):
        parser.add_argument("--post", metavar="SLUG", help="Export only this post.")
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="Write here instead of standard output."
        )

    def handle(self, *args, post=None, output=None, **options):
        if post is not None and not Post.objects.filter(slug=post).exists():
            raise CommandError(f"No post with the slug {post!r}.")
        if output:
            with open(output, "w", encoding="utf-8", newline="\n") as out:
                totals = export_wxr(out, slug=post)
            self.stderr.write(
                f"Wrote {output}: {totals['posts']} post(s), {totals['comments']} comment(s), "
                f"{totals['authors']} author(s)."
            )
        else:
            export_wxr(RawOutput(self.stdout), slug=post)
