"""Files the cache already holds are not read again.

For every article file it reads, a run with a cache stores a *manifest* beside the reports:
the file's stamp (size, modification and change times, inode, and the extraction version)
and, in reading order, what the file gave: each article's id, language and cache key, each
skipped line with its reason, and each duplicate id. The next run stats the file; when the
stamp is the same it replays the manifest instead of opening the file: the articles come
back as :class:`KnownArticle` (their reports are fetched by key), the skips are reported
again, and the ids count for duplicate detection exactly as if the file had been read.

A manifest is only trusted when replaying it gives what reading would: every article's
reports are still cached, and no id became, or stopped being, a duplicate of another file
(a file added or removed before it). Otherwise the file is read as usual. A file that
changes while it is read gets no manifest. So adding one article file to a corpus of a
hundred thousand reads that one file, and changing a rules or gazetteer file (a new
version) reads everything again.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conflictmap.articles import ArticleReader, Skip
from conflictmap.cache import ReportCache, _dumps, _loads, article_key, decode_events
from conflictmap.model import Article, Event

log = logging.getLogger(__name__)

MANIFEST = 1  # bump when the manifest's form changes


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """An article of an unchanged file: its reports are in the cache under ``key``."""

    id: str
    lang: str
    key: bytes
    reports: tuple[Event, ...]


def stamp(path: Path, version: str) -> bytes | None:
    """What identifies this state of the file (None when it cannot be stat'ed)."""
    try:
        info = path.stat()
    except OSError:
        return None
    parts = (MANIFEST, version, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino,
             info.st_dev, info.st_mode)
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"),
                           digest_size=16).digest()


def file_id(path: Path, name: str) -> str:
    """The manifest's row: the file's absolute path and the name articles carry."""
    return f"{os.path.abspath(path)}\x00{name}"


class _Recorder:
    """What one file gave, in order: ["a", id, lang, key hex, where] for an article,
    ["s", reason, message, line] for a skip, ["d", id, line] for a duplicate."""

    def __init__(self, reader: ArticleReader, version: str) -> None:
        self.items: list[list[Any]] = []
        self._reader = reader
        self._version = version
        self._forward = reader.on_skip

    def skip(self, skip: Skip) -> None:
        if skip.reason == "duplicate" and skip.article_id:
            self.items.append(["d", skip.article_id, skip.line])
        else:
            self.items.append(["s", skip.reason, skip.message, skip.line])
        self._forward(skip)

    def article(self, article: Article) -> None:
        key = article_key(article, self._version)
        self.items.append(["a", article.id, article.lang, key.hex(),
                           self._reader.seen[article.id]])


def articles(paths: Iterable[str | Path], reader: ArticleReader, cache: ReportCache,
             version: str) -> Iterator[Article | KnownArticle]:
    """Every article of ``paths`` in reading order: read from the files that changed since
    the last run, replayed from their manifests for the rest. Manifests of the files read
    are stored when the stream is exhausted."""
    fresh: list[tuple[str, bytes, bytes]] = []
    replayed = read = 0
    for path, name in reader.files(paths):
        row = file_id(path, name)
        before = stamp(path, version)
        manifest = cache.get_file(row, before) if before is not None else None
        known = _replay(manifest, name, reader, cache) if manifest is not None else None
        if known is not None:
            replayed += 1
            yield from known
            continue
        read += 1
        recorder = _Recorder(reader, version)
        reader.on_skip = recorder.skip
        try:
            for article in reader.read(path, name):
                recorder.article(article)
                yield article
        finally:
            reader.on_skip = recorder._forward
        if before is not None and stamp(path, version) == before:
            fresh.append((row, before, _dumps(recorder.items)))
    log.info("files: %d read, %d unchanged and not read again", read, replayed)
    try:
        cache.put_files(fresh)
    except Exception as exc:  # a full disk or a locked file costs only the next run's speed
        log.warning("%s: cannot store file manifests (%s); the next run reads every file",
                    cache.path, exc)


def _replay(manifest: bytes, name: str, reader: ArticleReader, cache: ReportCache,
            ) -> list[KnownArticle] | None:
    """The file's articles from its manifest, with its skips reported and its ids taken;
    None (and nothing done) when the manifest cannot stand for reading the file."""
    try:
        items = [_item(item) for item in _loads(manifest)]
    except (ValueError, TypeError, IndexError):
        log.debug("%s: unreadable manifest; reading the file", name)
        return None
    if not _same_duplicates(items, reader.seen):
        return None
    reports = _cached_reports([item[3] for item in items if item[0] == "a"], cache)
    if reports is None:
        log.debug("%s: reports missing from the cache; reading the file", name)
        return None
    known: list[KnownArticle] = []
    for item in items:
        if item[0] == "a":
            _, article_id, lang, key, where = item
            reader.seen[article_id] = where
            known.append(KnownArticle(article_id, lang, key, reports[key]))
        elif item[0] == "d":
            reader.duplicate(item[1], name, item[2])
        else:
            reader.on_skip(Skip(name, item[1], item[2], item[3]))
    return known


def _cached_reports(keys: list[bytes], cache: ReportCache,
                    ) -> dict[bytes, tuple[Event, ...]] | None:
    """Every key's decoded reports, or None when one is missing or does not decode.

    The reports are decoded now rather than as they stream: a run keeps every report
    until consolidation anyway, so this costs no memory at the peak.
    """
    blobs = cache.get_many(keys)
    if len(blobs) != len(set(keys)):
        return None
    try:
        return {key: tuple(decode_events(blob)) for key, blob in blobs.items()}
    except ValueError:
        return None


def _item(item: Any) -> tuple[Any, ...]:
    """One manifest entry, checked (TypeError or ValueError when it is not one)."""
    kind = item[0]
    if kind == "a" and len(item) == 5 and all(isinstance(x, str) for x in item):
        return ("a", item[1], item[2], bytes.fromhex(item[3]), item[4])
    line = item[-1]
    if line is not None and not isinstance(line, int):
        raise TypeError("line")
    if kind == "d" and len(item) == 3 and isinstance(item[1], str):
        return ("d", item[1], line)
    if kind == "s" and len(item) == 4 and isinstance(item[1], str) and isinstance(item[2], str):
        return ("s", item[1], item[2], line)
    raise ValueError(f"not a manifest entry: {str(item)[:60]}")


def _same_duplicates(items: list[tuple[Any, ...]], seen: dict[str, str]) -> bool:
    """True when each id of the manifest is new, or a duplicate, now as it was then."""
    mine: set[str] = set()
    for item in items:
        if item[0] == "a":
            if item[1] in seen or item[1] in mine:
                return False
            mine.add(item[1])
        elif item[0] == "d" and item[1] not in seen and item[1] not in mine:
            return False
    return True
