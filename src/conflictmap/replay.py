"""The articles of an unchanged file, replayed: :class:`KnownArticle` and
:class:`KnownRun`, and their reports from the cache, from the file's packs (``packs``:
one blob for up to PACK_ARTICLES articles) and the reports table."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from conflictmap import gctools
from conflictmap.cache import ReportCache
from conflictmap.model import Event
from conflictmap.packs import encode_pack, open_pack
from conflictmap.reportrows import decode_events

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """An article of an unchanged file: its reports are in the cache under ``key``
    (a tuple, or ``packs.PackedReports``: built when first read)."""

    id: str
    lang: str
    key: bytes
    reports: Sequence[Event]


@dataclass(frozen=True, slots=True)
class KnownRun(Sequence[KnownArticle]):
    """Consecutive articles of unchanged files, replayed together: a sequence of
    :class:`KnownArticle` held as columns (their ids, languages, cache keys and reports),
    so that a run that consumes them in bulk (``pipeline.stream_events``) makes no object
    per article. Given by :func:`incremental.articles` with ``runs=True``."""

    ids: Sequence[str]
    langs: Sequence[str]
    keys: Sequence[bytes]
    reports: Sequence[Sequence[Event]]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return KnownArticle(self.ids[index], self.langs[index], self.keys[index],
                            self.reports[index])

    def __iter__(self) -> Iterator[KnownArticle]:
        return map(KnownArticle, self.ids, self.langs, self.keys, self.reports)


PACK_ARTICLES = 25_000
"""Articles per pack at most: packing a file of a million articles holds the columns of
25,000 at a time, and each pack stays far below SQLite's blob limit."""


PACK_MIN_ARTICLES = 64
"""Files of fewer articles (a folder of one article per file) are not packed: their rows
are fetched as they are, which is cheaper than a pack's tables for so few."""


def file_reports(row: str, keys: list[bytes], cache: ReportCache,
                 looked_up: dict[bytes, bytes] | None = None,
                 ) -> list[Sequence[Event]] | None:
    """The reports of the file's articles, in order; None when one is not cached.

    They come from the file's packs (``packs.encode_pack``: one blob for up to
    PACK_ARTICLES articles) as far as those hold the articles the manifest names, by the
    digest of their keys, and from the reports table for the rest; those are then packed,
    so the next run reads them in one piece. A pack that does not hold what the manifest
    names is replaced.
    """
    if len(keys) < PACK_MIN_ARTICLES:  # a pack of a few articles costs more than it saves
        rows = cached_reports(keys, cache, looked_up)
        return None if rows is None else [rows[key] for key in keys]
    found: list[Sequence[Event]] = []
    packs = _stored_packs(cache, row)
    last_first, last_count = 0, PACK_ARTICLES  # the last pack used: where a repack starts
    with gctools.paused():
        for first, count, digest, blob in packs:
            if first != len(found) or _keys_digest(keys[first:first + count]) != digest:
                break
            try:
                decoded = open_pack(blob)
            except ValueError as exc:
                log.debug("%s: pack of articles %d+: %s", row, first, exc)
                break
            if len(decoded) != count:
                break
            found.extend(decoded)
            last_first, last_count = first, count
            if len(found) == len(keys):
                return found
    covered = len(found)
    rest = cached_reports(keys[covered:], cache)
    if rest is None:
        return None
    found.extend(rest[key] for key in keys[covered:])
    # Full packs stay; a last one that is not full is packed again with what follows it,
    # so a feed that grows at every run keeps at most one small pack at its end.
    start = last_first if covered and last_count < PACK_ARTICLES else covered
    for first in range(start, len(keys), PACK_ARTICLES):
        end = min(first + PACK_ARTICLES, len(keys))
        if not _store_pack(cache, row, first, keys[first:end], found[first:end],
                           replace_from=first if first == start else None):
            break
    return found


def _keys_digest(keys: list[bytes]) -> bytes:
    return hashlib.blake2b(b"".join(keys), digest_size=16).digest()


def _stored_packs(cache: ReportCache, row: str) -> list[tuple[int, int, bytes, bytes]]:
    try:
        return cache.get_packs(row)
    except sqlite3.Error as exc:
        log.debug("%s: packs unreadable (%s)", row, exc)
        return []


def _store_pack(cache: ReportCache, row: str, first: int, keys: list[bytes],
                reports: list[Sequence[Event]], *, replace_from: int | None) -> bool:
    """Pack those articles' reports; False when the cache cannot take it (an accelerator:
    the run goes on without)."""
    try:
        cache.put_pack(row, first, len(keys), _keys_digest(keys), encode_pack(reports),
                       replace_from=replace_from)
    except sqlite3.Error as exc:
        log.debug("%s: cannot store its pack (%s)", row, exc)
        return False
    return True


def reports_of(keys: list[bytes], cache: ReportCache) -> list[tuple[Event, ...]] | None:
    """The reports of these keys, in order (None when one is not cached)."""
    rows = cached_reports(keys, cache)
    return None if rows is None else [rows[key] for key in keys]


def cached_reports(keys: list[bytes], cache: ReportCache,
                   looked_up: dict[bytes, bytes] | None = None,
                   ) -> dict[bytes, tuple[Event, ...]] | None:
    """Every key's decoded reports, or None when one is missing or does not decode.

    The reports are decoded now rather than as they stream: a run keeps every report
    until consolidation anyway, so this costs no memory at the peak. ``looked_up``: blobs
    fetched ahead (:func:`incremental._looked_up`); a key they lack is asked of the cache.
    """
    reports: dict[bytes, tuple[Event, ...]] = {}
    for i in range(0, len(keys), _CHUNK):  # a chunk's blobs at a time, not the file's
        chunk = keys[i:i + _CHUNK]
        found = {k: looked_up[k] for k in chunk if k in looked_up} if looked_up else {}
        cache.hits += len(found)
        missing = [k for k in chunk if k not in found]
        if missing:
            found |= cache.get_many(missing)
        if len(found) != len(set(chunk)):
            return None
        try:
            with gctools.paused():
                reports.update((key, tuple(decode_events(blob))) for key, blob in found.items())
        except ValueError:
            return None
    return reports


_CHUNK = 2000
