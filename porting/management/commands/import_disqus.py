"""manage.py import_disqus FILE: bring in a Disqus export's comments, onto posts already here."""

from porting.command import ImportCommand
from porting.readers.disqus import Disqus


class Command(ImportCommand):
    help = (
        "Import a Disqus export: each thread is matched to a post here by its identifier "
        "or address (import the posts first); comments keep their threads, deleted ones "
        "are removed, spam stays spam. Idempotent."
    )
    format_class = Disqus

    def add_format_arguments(self, parser):
        parser.add_argument(
            "--unmatched",
            choices=["draft", "skip"],
            default="draft",
            help="What to do with a thread that matches no post: keep its comments on a "
            "draft post (default), or leave them out. Either way the report lists them.",
        )

    def options_from(self, options):
        import_options = super().options_from(options)
        import_options.unmatched = options["unmatched"]
        return import_options
