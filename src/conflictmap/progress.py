"""How far a long run got: a bar on a terminal, a line every few seconds in a log, nothing
with -q.

- stderr a terminal (and not CI): a rich bar with the number of articles done of the total,
  the rate and the time left.
- stderr not a terminal (a log file, CI, a pipe): one plain line every ``every`` seconds
  ("conflictmap: progress: 1,200 of 5,000 articles (24%), 85/s, about 45 s left"); a run
  shorter than that prints none.
- quiet (-q: the conflictmap logger shows errors only): nothing.

The total is counted in a background thread while the run goes on (one article per text
file, one per line of a JSON Lines file, the articles of a .json file's list are counted as
one), so a run of a large corpus does not wait for it; until it is known the bar and the
lines show the count alone.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
EVERY = 5.0  # seconds between lines when stderr is not a terminal
LINE_SUFFIXES = (".jsonl", ".ndjson")


class Total:
    """The number of articles in some files, counted in a background thread."""

    def __init__(self, files: Callable[[], Iterable[tuple[str, str]]]) -> None:
        self.value: int | None = None
        self._files = files
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._count, name="conflictmap-total",
                                        daemon=True)
        self._thread.start()

    def _count(self) -> None:
        n = 0
        try:
            for path, _name in self._files():
                if self._stop.is_set():
                    return
                n += _articles_in(path)
        except Exception as exc:  # a count is only for the display
            log.debug("cannot count the articles (%s)", exc)
            return
        self.value = n

    def stop(self) -> None:
        self._stop.set()


def _articles_in(path: str) -> int:
    if not path.lower().endswith(LINE_SUFFIXES):
        return 1
    lines, last = 0, b"\n"
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                lines += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 0
    return lines + (last != b"\n")


def quiet() -> bool:
    """True with -q (the conflictmap logger shows errors only)."""
    return not logging.getLogger("conflictmap").isEnabledFor(logging.WARNING)


def track(items: Iterable[T], label: str, *, total: Total | None = None,
          size: Callable[[T], int] = lambda _: 1, stream: TextIO | None = None,
          every: float | None = None, terminal: bool | None = None) -> Iterator[T]:
    """``items`` as they come, with progress on ``stream`` (default stderr); ``size``: how
    many articles an item stands for; ``every``: seconds between lines (default EVERY)."""
    stream = stream if stream is not None else sys.stderr
    every = EVERY if every is None else every
    try:
        if quiet():
            yield from items
            return
        if terminal is None:
            terminal = _isatty(stream) and not os.environ.get("CI")
        if terminal:
            yield from _bar(items, label, total, size, stream)
        else:
            yield from _lines(items, label, total, size, stream, every)
    finally:
        if total is not None:
            total.stop()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _bar(items: Iterable[T], label: str, total: Total | None, size: Callable[[T], int],
         stream: TextIO) -> Iterator[T]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TaskProgressColumn(), TextColumn("{task.fields[rate]}"),
               TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn())
    console = Console(file=stream, force_terminal=True)
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=None, rate="")
        start = time.monotonic()
        done = 0
        for item in items:
            yield item
            done += size(item)
            known = total.value if total is not None else None
            elapsed = time.monotonic() - start
            bar.update(task, completed=done,
                       total=max(known, done) if known is not None else None,
                       rate=f"{done / elapsed:,.0f}/s" if elapsed > 0 else "")


def _lines(items: Iterable[T], label: str, total: Total | None, size: Callable[[T], int],
           stream: TextIO, every: float) -> Iterator[T]:
    start = time.monotonic()
    due = start + every
    done = 0
    for item in items:
        yield item
        done += size(item)
        now = time.monotonic()
        if now >= due:
            due = now + every
            known = total.value if total is not None else None
            stream.write(status_line(label, done, known, now - start) + "\n")
            stream.flush()


def status_line(label: str, done: int, total: int | None, elapsed: float) -> str:
    """"conflictmap: progress: 1,200 of 5,000 articles (24%), 85/s, about 45 s left"."""
    rate = done / elapsed if elapsed > 0 else 0.0
    text = f"conflictmap: progress: {done:,}"
    if total is not None and total >= done and total:
        text += f" of {total:,} {label} ({100 * done // total}%)"
    else:
        text += f" {label}"
    text += f", {rate:,.0f}/s" if rate >= 1 else f", {rate:.2f}/s"
    if total is not None and total > done and rate > 0:
        text += f", about {_duration((total - done) / rate)} left"
    elif total is None:
        text += f", {_duration(elapsed)} so far"
    return text


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def count_files(paths: Sequence[str | Path]) -> Callable[[], Iterable[tuple[str, str]]]:
    """The article files under ``paths`` (what the run reads), listed again for the count
    (skips are not reported twice)."""
    from conflictmap.articles import ArticleReader

    return lambda: ArticleReader(lambda _skip: None).files(paths)
