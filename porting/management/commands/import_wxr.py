"""manage.py import_wxr FILE: bring in a WordPress export (WXR 1.0–1.2)."""

from porting.command import ImportCommand, timezone_option
from porting.readers.wxr import WXR


class Command(ImportCommand):
    help = (
        "Import a WordPress export (WXR): authors, posts, tags and categories as series, "
        "comments with their threads. Idempotent: run it again with a newer export to add "
        "and update."
    )
    format_class = WXR

    def add_format_arguments(self, parser):
        parser.add_argument("--pages", action="store_true", help="Import pages as posts too.")
        parser.add_argument(
            "--timezone",
            default="",
            metavar="ZONE",
            help="The blog's time zone, for dates the export gives only in local time "
            "(default: TIME_ZONE). Dates with a GMT value do not need it.",
        )

    def options_from(self, options):
        import_options = super().options_from(options)
        import_options.pages = options["pages"]
        import_options.timezone = timezone_option(options["timezone"])
        return import_options
