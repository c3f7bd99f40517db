"""manage.py import_blogger FILE: bring in a Blogger export (Settings → Back up content)."""

from porting.command import ImportCommand
from porting.readers.blogger import Blogger


class Command(ImportCommand):
    help = (
        "Import a Blogger export (Atom): posts, labels as series, comments with their "
        "threads. Settings and template entries are left out. Idempotent."
    )
    format_class = Blogger

    def add_format_arguments(self, parser):
        parser.add_argument("--pages", action="store_true", help="Import pages as posts too.")

    def options_from(self, options):
        import_options = super().options_from(options)
        import_options.pages = options["pages"]
        return import_options
