"""manage.py export_json [--post SLUG] [--output FILE]: everything, as one JSON document."""

from django.core.management.base import BaseCommand, CommandError

from blog.models import Post
from moderation.importers.command import RawOutput
from moderation.importers.json_export import export_json


class Command(BaseCommand):
    help = (
        "Write posts, comments with their threads, every comment revision and every "
        "moderation event as one JSON document."
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
                totals = export_json(out, slug=post)
            self.stderr.write(
                f"Wrote {output}: {totals['posts']} post(s), {totals['comments']} comment(s), "
                f"{totals['revisions']} revision(s), {totals['events']} event(s)."
            )
        else:
            export_json(RawOutput(self.stdout), slug=post)
