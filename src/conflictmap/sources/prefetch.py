"""Files of a costly format (saved pages: finding a page's main text costs more than
extracting its events) are read ahead in worker processes, in reading order, so that a
cold build over thousands of pages reads them on every core instead of one. What a worker
gives is exactly what reading the file here gives (:func:`parse_file`), applied in order
by the reader; a worker that fails costs only the speed (the file is read here)."""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from conflictmap.errors import ArticleError
from conflictmap.sources import format_of, read_file
from conflictmap.sources.common import Skip

log = logging.getLogger(__name__)

MIN_FILES = 16
"""Fewer costly files than this are read in this process (a pool costs a second to start)."""

Parsed = list[tuple[str, object, int | None]]  # ("a", Article, line) or ("s", Skip, None)


def file_skip(exc: BaseException, name: str) -> Skip | None:
    """The one-line skip for what reading a file raised (None: not a reading error)."""
    if isinstance(exc, ArticleError):
        return Skip(name, exc.reason, exc.detail)
    if isinstance(exc, IsADirectoryError):
        return Skip(name, "directory", "is a directory, expected an article file")
    if isinstance(exc, PermissionError):
        return Skip(name, "unreadable", "permission denied, expected a readable file")
    if isinstance(exc, FileNotFoundError):
        return Skip(name, "missing", "vanished before it could be read (or a broken symlink), "
                    "expected an article file")
    if isinstance(exc, OSError):
        return Skip(name, "unreadable", f"cannot read ({exc.strerror or exc}), expected a "
                    "readable article file")
    return None


def parse_file(path: str, name: str) -> Parsed:
    """A whole file's articles and skips, in order (what ``ArticleReader.read`` applies)."""
    found: Parsed = []
    try:
        for article, line in read_file(Path(path), name, lambda s: found.append(("s", s, None))):
            found.append(("a", article, line))
    except (ArticleError, OSError) as exc:
        skip = file_skip(exc, name)
        assert skip is not None
        found.append(("s", skip, None))
    return found


def costly(name: str) -> bool:
    return bool(getattr(format_of(name), "COSTLY", False))


class Prefetcher:
    """Costly files submitted ahead (:meth:`submit`), taken in reading order (:meth:`take`)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[tuple[str, str], Future[Parsed]] = {}
        self.broken = False

    def submit(self, files: Iterable[tuple[str | os.PathLike[str], str]]) -> None:
        wanted = [(str(path), name) for path, name in files if costly(name)]
        wanted = [key for key in wanted if key not in self._futures]
        if self.broken or self.workers < 2 or len(wanted) < MIN_FILES:
            return
        if self._pool is None:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(self.workers,
                                             mp_context=multiprocessing.get_context(method))
        for key in wanted:
            self._futures[key] = self._pool.submit(parse_file, *key)

    def take(self, path: str | os.PathLike[str], name: str) -> Parsed | None:
        """What a worker read of this file (None: it was not submitted, or the worker
        failed: read it here)."""
        future = self._futures.pop((str(path), name), None)
        if future is None:
            return None
        try:
            return future.result()
        except Exception as exc:  # a broken pool: the rest is read in this process
            log.debug("%s: read ahead failed (%s); reading it here", name, exc)
            self.broken = True
            return None

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        self._futures.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
