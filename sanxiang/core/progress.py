"""A progress bar for long commands, on stderr (stdout stays the command's output).

On a terminal it redraws one line (``\\r``): label, bar, percent, count and time left. Anywhere
else (cron, a log file, a pipe) it writes a plain line at most every ``every`` seconds and a last
one when done, so logs stay readable. No dependency: the commands' needs are small.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import IO, Any

WIDTH = 24


class Progress:
    """``with Progress("生成 PDF", total=n) as bar: ... bar.advance()``; ``total=None`` when the
    amount is not known in advance (a count without percent)."""

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        stream: Any = None,
        every: float = 5.0,
        tty: bool | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        # A command's ``self.stderr`` (Django's OutputWrapper) would end every write with a
        # newline: write to the stream it wraps.
        target = stream if stream is not None else sys.stderr
        self.stream: IO[str] = getattr(target, "_out", target)
        self.tty = tty if tty is not None else _is_tty(self.stream)
        self.every = every
        self.began = time.monotonic()
        self._last = 0.0
        self._written = ""

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def update(self, done: int) -> None:
        self.done = done
        self._draw()

    def close(self) -> None:
        self._draw(force=True)
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()

    def line(self) -> str:
        """What the bar says now (without the terminal's carriage return)."""
        elapsed = time.monotonic() - self.began
        if self.total is None:
            return f"{self.label}：{self.done}（用时 {elapsed:.0f} 秒）"
        share = min(1.0, self.done / self.total) if self.total else 1.0
        filled = round(WIDTH * share)
        bar = "#" * filled + "-" * (WIDTH - filled)
        left = ""
        if 0 < self.done < self.total:
            left = f"，剩余约 {elapsed / self.done * (self.total - self.done):.0f} 秒"
        return f"{self.label} [{bar}] {share:4.0%} {self.done}/{self.total}{left}"

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.tty:
            if force or now - self._last >= 0.1:
                self.stream.write("\r" + self.line() + "\033[K")
                self.stream.flush()
                self._last = now
        elif force or now - self._last >= self.every:
            text = self.line()
            if text != self._written:  # the last line of an empty run says nothing new
                self.stream.write(text + "\n")
                self.stream.flush()
                self._written = text
            self._last = now


def _is_tty(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
