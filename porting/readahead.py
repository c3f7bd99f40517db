"""An export's records read ahead in a thread of their own while the import writes them.

The writes stay where they were, on the import's thread: its one transaction lives on
that thread's connection (Django's connections are per thread), so all-or-nothing holds
as before. What moves is the reading: parsing the XML and building records is Python
work, and while the import's thread waits for PostgreSQL (psycopg lets go of the GIL
then) the reader parses what comes next.

Records cross in chunks (one queue operation per ``CHUNK`` records, not per record) and
at most ``CHUNKS`` chunks wait, so memory stays flat whatever the file's size. An error
in the reader (a malformed file) is raised on the import's thread, where the next record
would have been taken; an import that stops early stops the reader too.
"""

import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import translation

CHUNK = 100  # records per hand-over
CHUNKS = 8  # chunks waiting at most


@dataclass
class _End:
    error: BaseException | None = None


def read_ahead(records: Iterable, *, chunk: int = CHUNK, chunks: int = CHUNKS) -> Iterator:
    """Yield ``records`` as they are, produced by a thread of their own up to
    ``chunk * chunks`` records ahead of the caller."""
    waiting: queue.Queue = queue.Queue(maxsize=chunks)
    stop = threading.Event()
    reader = threading.Thread(
        target=_produce,
        args=(records, waiting, stop, chunk, translation.get_language()),
        name="import-reader",
        daemon=True,
    )
    reader.start()
    try:
        while not isinstance(batch := waiting.get(), _End):
            yield from batch
        if batch.error is not None:
            raise batch.error
    finally:
        stop.set()
        reader.join()


def _produce(records, waiting: queue.Queue, stop: threading.Event, chunk: int, language):
    # The reader's notes are translated in the import's language, not the default one.
    with translation.override(language):
        iterator = iter(records)
        try:
            _hand_over(iterator, waiting, stop, chunk)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()  # a generator's file is closed by the thread that ran it


def _hand_over(iterator, waiting: queue.Queue, stop: threading.Event, chunk: int) -> None:
    batch: list = []
    end = _End()
    try:
        for record in iterator:
            batch.append(record)
            if len(batch) >= chunk:
                if not _put(waiting, batch, stop):
                    return
                batch = []
    except BaseException as error:  # noqa: BLE001 - raised again on the import's thread
        end = _End(error)  # after the records read before it
    if _put(waiting, batch, stop):
        _put(waiting, end, stop)


def _put(waiting: queue.Queue, item, stop: threading.Event) -> bool:
    """Put ``item`` when there is room; False if the import stopped meanwhile."""
    while not stop.is_set():
        try:
            waiting.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
