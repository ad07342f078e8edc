"""Read articles: the reading stage's entry point over the formats in ``sources``.

:class:`ArticleReader` walks the inputs (``sources.walk``), reads each file with the module
of its format (``sources.read_file``) and keeps article ids unique across the inputs: a
second article with an id already read is a duplicate (skipped) when its text is the same,
and kept under a new id when it is not. A short item whose words do not tell its language
takes the language most of its folder's articles have. Every file or line that cannot be
used is skipped with a one-line warning that names it and says what was expected; the run
goes on. Nothing an article contains is ever executed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from conflictmap.errors import ArticleError
from conflictmap.model import Article
from conflictmap.sources import (
    ARTICLE_SUFFIXES,
    LINES_SUFFIXES,
    Resume,
    read_file,
)
from conflictmap.sources import is_streamed as is_json_lines
from conflictmap.sources.common import (  # noqa: F401 - the names other modules import from here
    _CONTROL,
    _CONTROL_TEXT,
    _SURROGATE,
    DEFAULT_LANGUAGE,
    EARLIEST_YEAR,
    MAX_ARTICLE_BYTES,
    MAX_FILE_BYTES,
    Skip,
    SkipHandler,
    _clean_field,
    _looks_binary,
    _one_line,
    _warn,
    decode,
    make_article,
    parse_date,
)
from conflictmap.sources.jsonl import json_value as _json  # noqa: F401
from conflictmap.sources.language import (  # noqa: F401
    _WORD,
    SHORT,
    _words,
    decide_language,
    detect_language,
    supported_languages,
)
from conflictmap.sources.text import SUFFIXES as TEXT_SUFFIXES  # noqa: F401
from conflictmap.sources.text import parse_text  # noqa: F401
from conflictmap.sources.walk import listing as _listing  # noqa: F401
from conflictmap.sources.walk import name_suffix

log = logging.getLogger(__name__)

_ARTICLE_SUFFIXES = ARTICLE_SUFFIXES
__all__ = ["LINES_SUFFIXES", "ArticleReader", "Skip", "is_json_lines", "majority",
           "name_suffix", "read_articles"]


def read_articles(
    paths: Iterable[str | Path], on_skip: SkipHandler | None = None
) -> Iterator[Article]:
    """Stream the articles in these files and directories (directories walked, sorted).

    Unusable files and lines are reported to ``on_skip`` (default: a warning) and skipped.
    An article id seen twice is kept once when the text is the same.
    """
    reader = ArticleReader(on_skip)
    for path, name in reader.files(paths):
        yield from reader.read(path, name)


def majority(counts: Counter[str]) -> str:
    """The language a short item whose words do not tell takes: the one most of its
    folder's articles have (the first read of those as many), else the default."""
    return counts.most_common(1)[0][0] if counts else DEFAULT_LANGUAGE


class ArticleReader:
    """Reads article files one at a time, remembering the article ids seen across files
    (a second article with an id is a duplicate when its text is the same; else it is
    kept as ``id~2``) and each folder's languages (for a short item's)."""

    def __init__(self, on_skip: SkipHandler | None = None) -> None:
        self.on_skip = on_skip or _warn
        # article id -> where it was first read, and its text's digest after a NUL: one
        # string, so that a cache manifest that keeps where an id was read keeps both
        self.seen: dict[str, str] = {}
        self.folder_langs: dict[str, Counter[str]] = {}
        # (language, whether it is its folder's majority) of the last article given one
        self.decided_lang: tuple[str, bool] = ("", False)
        self.renamed = 0  # articles kept under a new id (id~2)
        self._prefetcher: Any = None  # sources.prefetch.Prefetcher, made when first asked

    def files(self, paths: Iterable[str | Path]) -> Iterator[tuple[str, str]]:
        """(path, name) of every article file, in reading order; ``name`` is the path
        relative to the folder given, after the folder's name when several folders are
        given (the article's ``path``). The paths are strings (a Path for each of 100,000
        files costs more than reading the folder)."""
        from conflictmap.sources.walk import expand

        return expand(paths, ARTICLE_SUFFIXES, lambda skip: self.on_skip(skip))

    def duplicate(self, article_id: str, name: str, line: int | None, digest: str = "") -> bool:
        """True (and reported) when ``article_id`` was read before; else it is remembered
        (with ``digest``, its text's)."""
        first = self.seen.get(article_id)
        if first is not None:
            self.on_skip(Skip(name, "duplicate", f"duplicate article id {article_id!r} "
                              f"(first read from {first.partition(chr(0))[0]})", line,
                              article_id))
            return True
        where = name if line is None else f"{name}:{line}"
        self.seen[article_id] = f"{where}\x00{digest}" if digest else where
        return False

    def _unique(self, article: Article, name: str, line: int | None) -> Article | None:
        """The article, under a new id (``id~2``) when its id was read before with another
        text; None (reported) when it is a duplicate: the same id and the same text."""
        digest = hashlib.blake2b(article.text.encode("utf-8", "surrogatepass"),
                                 digest_size=12).hexdigest()
        first = self.seen.get(article.id)
        if first is not None and first.partition("\x00")[2] != digest:
            n = 2
            while f"{article.id}~{n}" in self.seen:
                n += 1
            log.info("%s: article id %r was read before (%s) with another text; kept as "
                     "%r", _one_line(name), article.id, first.partition("\x00")[0],
                     f"{article.id}~{n}")
            article = replace(article, id=f"{article.id}~{n}")
            self.renamed += 1
        if self.duplicate(article.id, name, line, digest):
            return None
        return article

    def languages(self, name: str) -> Counter[str]:
        """The languages of the articles read so far from the folder of the file ``name``
        (a short item that took the folder's language is not counted)."""
        return self.folder_langs.setdefault(os.path.dirname(name), Counter())

    def _language(self, article: Article, name: str) -> Article:
        """A short item whose words do not tell its language takes its folder's majority,
        unless its language is settled (``Article.lang_settled``: declared, or told by its
        words, title and summary when it was made)."""
        counts = self.languages(name)
        if len(article.text) < SHORT and not article.lang_settled:
            lang, _ = decide_language(article.text, article.title)
            if lang is None:
                chosen = majority(counts)
                log.debug("%s: short text; language %s (%s)", _one_line(article.id), chosen,
                          "the majority of its folder" if counts else "by default")
                self.decided_lang = (chosen, True)
                return replace(article, lang=chosen) if chosen != article.lang else article
        counts[article.lang] += 1
        self.decided_lang = (article.lang, False)
        return article

    def prefetch(self, files: Iterable[tuple[str | os.PathLike[str], str]]) -> None:
        """Read these files ahead in worker processes when their format is costly (saved
        pages); :meth:`read` then takes what was read. Files not read after all cost only
        the work."""
        if self._prefetcher is None:
            from conflictmap.sources.prefetch import Prefetcher

            self._prefetcher = Prefetcher()
        self._prefetcher.submit(files)

    def close(self) -> None:
        """Stop the workers reading ahead (if any)."""
        if self._prefetcher is not None:
            self._prefetcher.close()
            self._prefetcher = None

    def read(self, path: str | Path, name: str, after: Resume = (0, 0)) -> Iterator[Article]:
        """The usable articles of one file; everything else goes to ``on_skip``.
        ``after``: for a JSON Lines file, the (byte offset, line number) to go on from."""
        from conflictmap.sources.prefetch import file_skip, parse_file

        handler = self.on_skip
        if not is_json_lines(path):  # read whole (by a worker, when read ahead)
            found = self._prefetcher.take(path, name) if self._prefetcher else None
            for kind, item, line in found if found is not None else parse_file(str(path), name):
                if kind == "s":
                    handler(item)  # type: ignore[arg-type]
                    continue
                kept = self._unique(self._language(item, name), name, line)  # type: ignore[arg-type]
                if kept is not None:
                    yield kept
            return
        try:
            for article, line in read_file(Path(path), name, handler, after):
                kept = self._unique(self._language(article, name), name, line)
                if kept is not None:
                    yield kept
        except (ArticleError, OSError) as exc:
            skip = file_skip(exc, name)
            assert skip is not None
            handler(skip)
