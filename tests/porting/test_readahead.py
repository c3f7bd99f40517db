"""The export is parsed in a thread of its own, a bounded distance ahead of the writes."""

import threading

import pytest
from django.utils import translation

from bench.import_scale import write_export
from comments.models import Comment
from porting.readahead import read_ahead
from porting.readers.wxr import WXR

from .conftest import run


def test_records_come_in_order_from_another_thread_a_bounded_way_ahead():
    made, threads = [], set()

    def records():
        for number in range(1000):
            threads.add(threading.current_thread())
            made.append(number)
            yield number

    taken = []
    for number in read_ahead(records(), chunk=10, chunks=3):
        taken.append(number)
        # Three chunks waiting, one being filled, one being handed over: never more.
        assert len(made) - len(taken) <= 10 * 5
    assert taken == list(range(1000))
    assert threading.current_thread() not in threads


def test_an_error_in_the_reader_is_raised_where_its_record_would_be():
    def records():
        yield from range(25)
        raise ValueError("line 3, column 7: mismatched tag")

    taken = []
    with pytest.raises(ValueError, match="mismatched tag"):
        for number in read_ahead(records(), chunk=10):
            taken.append(number)
    assert taken == list(range(25))


def test_stopping_early_stops_the_reader_and_closes_its_file():
    closed = threading.Event()

    def records():
        try:
            number = 0
            while True:
                yield number
                number += 1
        finally:
            closed.set()

    ahead = read_ahead(records(), chunk=10, chunks=2)
    assert next(ahead) == 0
    ahead.close()
    assert closed.is_set()
    assert not any(thread.name == "import-reader" for thread in threading.enumerate())


def test_the_reader_speaks_the_language_of_the_import():
    def records():
        yield translation.get_language()

    with translation.override("de"):
        assert list(read_ahead(records())) == ["de"]


def test_an_import_reads_its_file_in_a_thread_of_its_own(db, tmp_path, monkeypatch):
    readers = set()
    read = WXR.read

    def watched(self, path, options):
        for record in read(self, path, options):
            readers.add(threading.current_thread())
            yield record

    monkeypatch.setattr(WXR, "read", watched)
    path = tmp_path / "export.xml"
    write_export(path, posts=3, comments=40)
    assert "comments: 40 created" in run("import_wxr", path)
    assert Comment.objects.count() == 40
    assert readers and threading.current_thread() not in readers
