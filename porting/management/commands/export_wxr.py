"""manage.py export_wxr [--post SLUG] [--output FILE]: the blog as a WordPress export."""

from porting.command import ExportCommand
from porting.exporters.wxr import export_wxr


class Command(ExportCommand):
    help = (
        "Write the blog (or one post) as WXR 1.2, which WordPress and import_wxr read: "
        "authors, posts, series as tags, comments with their threads and statuses."
    )
    exporter = staticmethod(export_wxr)
    summary = (("posts", "post"), ("comments", "comment"), ("authors", "author"))
