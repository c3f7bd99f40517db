"""Issue 21, item 4: no DTD, and so no entity, gets into an import, wherever it stands.

The probe: ``<!-- > `` + 70 KB of padding + ``-->`` before
``<!DOCTYPE rss [<!ENTITY pwn "ENTITY-EXPANDED-FROM-DOCTYPE">]>`` made ``import_wxr
--dry-run`` print ``create "Imported ENTITY-EXPANDED-FROM-DOCTYPE"``: the ``>`` in the
comment was taken for the root tag's end. A 6 MB file of nested entities then ran 261 s at
5 GB. Blogger and Disqus share the reader. The files are generated here, not committed.
"""

import tracemalloc

import pytest
from django.core.management.base import CommandError

from .conftest import FIXTURES, run
from .test_malformed import nothing_stored

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
PWN = b'<!DOCTYPE rss [<!ENTITY pwn "ENTITY-EXPANDED-FROM-DOCTYPE">]>\n'
# a0 is 1,000 characters; a1 … a5 each ten of the one before: &a5; is 100 MB of text.
NESTED = (
    b"<!DOCTYPE rss [\n<!ENTITY a0 \"" + b"x" * 1000 + b'">\n'
    + b"".join(
        b"<!ENTITY a%d \"%s\">\n" % (level, b"&a%d;" % (level - 1) * 10) for level in range(1, 6)
    )
    + b"]>\n"
)  # fmt: skip
COMMANDS = {
    "import_wxr": "wxr-minimal.xml",
    "import_blogger": "blogger-takeout.xml",
    "import_disqus": "disqus-matching.xml",
}
MB = 1024 * 1024


def export_with(prolog: bytes, fixture: str, *, in_body: bytes = b"&pwn;") -> bytes:
    """The fixture with ``prolog`` after its XML declaration, and an entity in its text."""
    original = (FIXTURES / fixture).read_bytes()
    rest = original.split(b"?>\n", 1)[1]
    if fixture == "wxr-minimal.xml":
        rest = rest.replace(b"<title>Minimal</title>", b"<title>Imported " + in_body + b"</title>")
    return DECLARATION + prolog + rest


def refused(command: str, path, *args) -> str:
    with pytest.raises(CommandError) as error:
        run(command, path, *args)
    message = str(error.value)
    assert "ENTITY-EXPANDED" not in message
    assert message.endswith("Nothing was imported.")
    assert nothing_stored()
    return message


@pytest.mark.parametrize("command", COMMANDS)
def test_the_probes_comment_bypass_is_refused_with_the_doctype_line(db, tmp_path, command):
    prolog = b"<!-- > " + b"p" * 70_000 + b" -->\n" + PWN
    path = tmp_path / "bypass.xml"
    path.write_bytes(export_with(prolog, COMMANDS[command]))
    message = refused(command, path, "--dry-run")
    assert message.startswith("bypass.xml, line 3, column 1: has a DOCTYPE")


@pytest.mark.parametrize(
    "prolog",
    [
        pytest.param(PWN, id="plain"),
        pytest.param(b"<?pi > ?>\n<!-- - > -->\n" + PWN, id="after a PI and a comment"),
        pytest.param(b"<!-- <!DOCTYPE x> -->\n" + PWN, id="after one in a comment"),
        pytest.param(b"\n\n   " + PWN.replace(b"DOCTYPE", b"DOCTYPE  "), id="spaced"),
        pytest.param(b'<!DOCTYPE rss SYSTEM "http://evil.example/x.dtd">\n', id="external"),
    ],
)
def test_any_doctype_before_the_root_is_refused(db, tmp_path, prolog):
    path = tmp_path / "export.xml"
    path.write_bytes(export_with(prolog, "wxr-minimal.xml"))
    assert "DOCTYPE" in refused("import_wxr", path, "--dry-run")


def test_a_doctype_in_utf_16_is_refused(db, tmp_path):
    path = tmp_path / "utf16.xml"
    text = export_with(PWN, "wxr-minimal.xml").decode("utf-8")
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    message = refused("import_wxr", path, "--dry-run")
    assert message.startswith("utf16.xml, line 2, column ") and "has a DOCTYPE" in message


def test_a_doctype_after_the_root_element_is_refused_as_malformed(db, tmp_path):
    path = tmp_path / "late.xml"
    data = export_with(b"", "wxr-minimal.xml").replace(b"<channel>", b"<channel>" + PWN, 1)
    path.write_bytes(data)
    refused("import_wxr", path, "--dry-run")


def peak_while(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("padding", [0, 20 * MB], ids=["nested entities", "20 MB prolog first"])
def test_nested_entities_are_refused_in_flat_memory(db, tmp_path, padding):
    """The probe's 6 MB file (body ``&a5;`` × 5), behind a prolog of short comments."""
    comments = b"<!-- padding padding padding padding padding padding -->\n"
    prolog = comments * (padding // len(comments)) + NESTED
    body = b"&a5;" * 5 + b"\n" + b" " * (6 * MB)
    path = tmp_path / "nested.xml"
    path.write_bytes(export_with(prolog, "wxr-minimal.xml", in_body=body))
    assert path.stat().st_size > 6 * MB + padding
    messages = []
    peak = peak_while(lambda: messages.append(refused("import_wxr", path, "--dry-run")))
    line = prolog.count(b"\n") - NESTED.count(b"\n") + 2
    assert f"line {line}, column 1: has a DOCTYPE" in messages[0]
    assert peak < 4 * MB, f"peak {peak / MB:.1f} MB"
