"""manage.py export_json [--post SLUG] [--output FILE]: everything, as one JSON document."""

from porting.command import ExportCommand
from porting.exporters.json import export_json


class Command(ExportCommand):
    help = (
        "Write posts, comments with their threads, every comment revision and every "
        "moderation event as one JSON document."
    )
    exporter = staticmethod(export_json)
    summary = (("posts", "post"), ("comments", "comment"), ("revisions", "revision"),
               ("events", "event"))  # fmt: skip
