"""The loop of the long-running worker: periodic jobs, each at its own interval.

A job is a name, an interval and a function without arguments; the worker command lists
them. The loop runs each job when it is due, logs a job that fails and carries on (one
broken job, or a database that is away for a while, stops nothing else), and drops
database connections that broke, so the next round reconnects. It stops between jobs on
SIGTERM or SIGINT, so a deployment's stop never cuts a mail in half.
"""

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: float  # seconds between the starts of two runs
    run: Callable[[], object]


def _drop_broken_connections() -> None:
    """Close connections that broke or aged (as Django does between requests), unless a
    caller's transaction is open around the loop (a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def run_job(job: Job) -> bool:
    """Run one job; True when it finished, False when it raised (and was logged)."""
    _drop_broken_connections()
    try:
        result = job.run()
    except Exception:
        logger.exception("job %r failed", job.name)
        return False
    finally:
        _drop_broken_connections()
    if result:
        logger.info("job %r: %s", job.name, result)
    return True


def run(
    jobs: Sequence[Job],
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run ``jobs`` until ``stop`` is set (or one round with ``once``); returns how many
    runs failed."""
    stop = stop or threading.Event()
    next_run = {job.name: 0.0 for job in jobs}
    failures = 0
    while not stop.is_set():
        for job in jobs:
            if stop.is_set():
                break
            if once or clock() >= next_run[job.name]:
                failures += not run_job(job)
                next_run[job.name] = clock() + job.every
        if once:
            break
        wait = min(next_run.values()) - clock() if next_run else 1.0
        stop.wait(max(wait, 0.05))
    return failures


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (the main thread's handlers)."""
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        logger.info("worker stopping (signal %s)", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stop
