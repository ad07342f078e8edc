"""Reading is a stage of its own: each format is one module here that turns a file's bytes
into :class:`~conflictmap.model.Article` s (``text``: text and Markdown, ``jsondoc``: JSON,
``jsonl``: JSON Lines, streamed, ``html``: saved web pages). A module declares its
``SUFFIXES`` and whether it is ``STREAMED`` (read as it goes, from an offset: a file that
only grew is read on from where it ended), and gives ``read(raw, name, on_skip)`` or, when
streamed, ``read_stream(path, name, on_skip, after)``. The walk over the inputs
(``walk``), the reader that keeps ids unique (``articles.ArticleReader``) and the cache
that replays unchanged files (``incremental``) are the same for every format, so a new
format is one new module listed in FORMATS.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from conflictmap.model import Article
from conflictmap.sources import html, jsondoc, jsonl, text
from conflictmap.sources.common import MAX_ARTICLE_BYTES, Skip, SkipHandler
from conflictmap.sources.walk import name_suffix

FORMATS: tuple[ModuleType, ...] = (text, jsondoc, jsonl, html)
_BY_SUFFIX = {suffix: module for module in FORMATS for suffix in module.SUFFIXES}
ARTICLE_SUFFIXES = frozenset(_BY_SUFFIX)
LINES_SUFFIXES = tuple(sorted(s for m in FORMATS if m.STREAMED for s in m.SUFFIXES))

Resume = tuple[int, int]


def format_of(name: str) -> ModuleType:
    """The module that reads a file of this name (text for a file of no known kind that
    was given by name)."""
    return _BY_SUFFIX.get(name_suffix(os.path.basename(name)), text)


def is_streamed(path: str | os.PathLike[str]) -> bool:
    """True for a file read as a stream (JSON Lines: one article per line)."""
    return name_suffix(os.path.basename(path)) in LINES_SUFFIXES


def resumable(path: str | os.PathLike[str]) -> bool:
    """True when a streamed file that grew can be read on from a byte offset (not a
    UTF-16 one: it is read whole)."""
    try:
        return is_streamed(path) and jsonl.wide(path) is None
    except OSError:
        return False


def read_file(path: Path, name: str, on_skip: SkipHandler, after: Resume = (0, 0),
              ) -> Iterator[tuple[Article, int | None]]:
    """(article, its line or None) for every usable article of one file; what cannot be
    used goes to ``on_skip``, or raises ArticleError (the whole file) or OSError."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        # A FIFO, socket or device would block or never end: never opened.
        on_skip(Skip(name, "special", "not a regular file (a pipe, socket or device), "
                     "expected an article file"))
        return
    module = format_of(str(path))
    if module.STREAMED:
        yield from module.read_stream(path, name, on_skip, after)
        return
    if after != (0, 0):
        raise ValueError(f"{name}: only a JSON Lines file is read from an offset")
    if info.st_size == 0:
        on_skip(Skip(name, "empty", "empty file, expected a dated article"))
        return
    if info.st_size > MAX_ARTICLE_BYTES:
        on_skip(Skip(name, "size", f"{info.st_size:,} bytes is over the {MAX_ARTICLE_BYTES:,}"
                     "-byte limit for one article (use JSON Lines for many articles)"))
        return
    with path.open("rb") as handle:
        raw = handle.read(MAX_ARTICLE_BYTES + 1)  # the file may have grown since stat()
    if len(raw) > MAX_ARTICLE_BYTES:
        on_skip(Skip(name, "size", f"over the {MAX_ARTICLE_BYTES:,}-byte limit for one "
                     "article (use JSON Lines for many articles)"))
        return
    if not raw:
        on_skip(Skip(name, "empty", "empty file, expected a dated article"))
        return
    yield from module.read(raw, name, on_skip)
