"""Progress on a terminal: items done of the total, and the rate. Silent anywhere else."""

import time


class Progress:
    """``done/total items (percent) · rate/s`` rewritten in place, at most ten times a second.

    Disabled (every method a no-op) unless ``enabled``: commands pass ``stdout.isatty()``,
    so logs and pipes get the report and nothing else.
    """

    INTERVAL = 0.1

    def __init__(self, stream, *, total: int = 0, enabled: bool, label: str = "items"):
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.label = label
        self.done = 0
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.shown = False

    def advance(self, count: int = 1) -> None:
        if not count:
            return
        self.done += count
        if self.enabled and time.monotonic() - self.shown_at >= self.INTERVAL:
            self._show()

    def finish(self) -> None:
        if self.enabled and (self.shown or self.done):
            self._show()
            self._write("\n")

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done / elapsed
        if self.total:
            percent = min(100, self.done * 100 // self.total)
            return f"{self.done}/{self.total} {self.label} ({percent}%) · {rate:,.0f}/s"
        return f"{self.done} {self.label} · {rate:,.0f}/s"

    def _show(self) -> None:
        self.shown_at = time.monotonic()
        self.shown = True
        self._write("\r" + self.line() + "\x1b[K")

    def _write(self, text: str) -> None:
        try:  # a management command's OutputWrapper would end every write with a newline
            self.stream.write(text, ending="")
        except TypeError:
            self.stream.write(text)
        self.stream.flush()
