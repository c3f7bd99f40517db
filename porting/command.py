"""What every import command shares: the file, --dry-run, --site, --author, and the report."""

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from porting.readers.base import Format, Options
from porting.writer import ImportFailed, run_import
from porting.xmlstream import MalformedExport


class ImportCommand(BaseCommand):
    format_class: type[Format]

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The export file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read the whole file and report what would be imported; write nothing.",
        )
        parser.add_argument(
            "--site",
            default="",
            metavar="KEY",
            help="Key the imported ids by this instead of the site named in the file "
            "(needed when the file does not name its site and newer exports will follow).",
        )
        parser.add_argument(
            "--author",
            default="",
            metavar="USERNAME",
            help="Owner of posts that name no author and of the drafts that hold comments "
            "matching no post (default: the first superuser).",
        )
        self.add_format_arguments(parser)

    def add_format_arguments(self, parser) -> None:
        pass

    def options_from(self, options) -> Options:
        return Options(
            dry_run=options["dry_run"],
            site=options["site"],
            author=options["author"],
            verbosity=options["verbosity"],
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        import_options = self.options_from(options)
        try:
            report = run_import(
                self.format_class(), path, options=import_options, stdout=self.stdout
            )
        except MalformedExport as error:
            raise CommandError(f"{error}. Nothing was imported.") from None
        except ImportFailed as error:
            raise CommandError(f"{path.name}: {error}.") from None
        for line in report.lines(verbose=options["verbosity"] > 1):
            self.stdout.write(line)


def timezone_option(value: str):
    try:
        return ZoneInfo(value or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"Unknown time zone {value!r}.") from None


class RawOutput:
    """A command's stdout as a plain text stream: no newline added to each write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


class ExportCommand(BaseCommand):
    """What export_wxr and export_json share: --post, --output, and a summary on stderr.

    A subclass sets ``exporter`` (a function writing to a text stream and returning
    totals) and the totals to report in ``summary``.
    """

    exporter: Callable[..., dict[str, int]] = staticmethod(lambda out, *, slug: {})
    summary: tuple[tuple[str, str], ...] = ()  # (totals key, label)

    def add_arguments(self, parser):
        parser.add_argument("--post", metavar="SLUG", help="Export only this post.")
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="Write here instead of standard output."
        )

    def handle(self, *args, post=None, output=None, **options):
        from blog.models import Post

        if post is not None and not Post.objects.filter(slug=post).exists():
            raise CommandError(f"No post with the slug {post!r}.")
        if not output:
            self.exporter(RawOutput(self.stdout), slug=post)
            return
        with open(output, "w", encoding="utf-8", newline="\n") as out:
            totals = self.exporter(out, slug=post)
        counted = ", ".join(f"{totals[key]} {label}(s)" for key, label in self.summary)
        self.stderr.write(f"Wrote {output}: {counted}.")
