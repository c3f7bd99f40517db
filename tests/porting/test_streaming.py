"""Reading an export keeps memory flat however long the file is, and forgives undeclared
prefixes without moving line numbers."""

import tracemalloc

from porting import xmlstream
from porting.readers import wxr
from porting.readers.base import Options
from porting.records import CommentRecord

ITEM = """<item><title>Post {n}</title><dc:creator>someone</dc:creator>
<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded><excerpt:encoded></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2024-01-01 09:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_content>{text}</wp:comment_content>
<wp:comment_date_gmt>2024-01-01 10:00:00</wp:comment_date_gmt></wp:comment></item>
"""


def write_export(path, items: int) -> None:
    # No xmlns:excerpt, as in old WordPress.com exports.
    with open(path, "w") as out:
        out.write(
            '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.1/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><link>https://big.example</link>\n'
        )
        for n in range(1, items + 1):
            out.write(ITEM.format(n=n, text="Words about research. " * 20))
        out.write("</channel></rss>\n")


def peak_while_reading(path) -> tuple[int, int]:
    tracemalloc.start()
    comments = 0
    try:
        for record in wxr.WXR().read(path, Options()):
            comments += isinstance(record, CommentRecord)
        return tracemalloc.get_traced_memory()[1], comments
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_file_grows(tmp_path):
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    write_export(small, 30)
    write_export(large, 600)  # twenty times the items
    small_peak, small_count = peak_while_reading(small)
    large_peak, large_count = peak_while_reading(large)
    assert (small_count, large_count) == (30, 600)
    assert large_peak < small_peak * 2, (small_peak, large_peak)


def test_undeclared_prefixes_are_declared_on_the_same_line(tmp_path):
    path = tmp_path / "undeclared.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!-- a comment -->\n<rss\n version="2.0">\n<channel>\n'
        "<item><excerpt:encoded>x</excerpt:encoded><wp:post_id>1</wp:post_id>\n"
        "<broken></item>\n</channel></rss>\n"
    )
    try:
        list(xmlstream.records(path, wxr.NAMESPACES, lambda tag, up: tag == "item",
                               root="rss", format_name="WXR"))  # fmt: skip
    except xmlstream.MalformedExport as error:
        # The error is where the file has it, declarations or not.
        assert (error.line, error.column) == (7, 11)
    else:
        raise AssertionError("a mismatched tag must be refused")
