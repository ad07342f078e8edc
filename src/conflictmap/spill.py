"""Consolidation on disk: reports spilled by place, merged one place at a time, and the
merged events read back in output order.

``conflictmap extract`` writes its events as a stream: with a :class:`Spill` it holds one
place's reports at a time, not the corpus's, so its memory does not grow with the corpus.
The spill is a temporary SQLite database (journal off, a small page cache, sorts in
temporary files) in $TMPDIR, removed when the run ends: table ``reports`` holds each
article's reports of one place as one encoded blob (``reportrows.encode_events``), or, for
reports the cache holds, only their articles' cache keys (read back through ``fetch`` if
the place is merged again), in reading order; table ``merged`` holds the merged events with
their sort key. SQLite sorts both (``ORDER BY``) in bounded memory, spilling sorted runs to
temporary files.

The order is that of :func:`conflictmap.consolidate.consolidate`: places as their ids
sort, each place's reports in reading order, and events by (start, place id, event id),
ties in merge order. Keys are compared as UTF-8 bytes, which sort as the code points do.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from conflictmap.errors import ConflictmapError
from conflictmap.model import Event
from conflictmap.packs import report_places
from conflictmap.reportrows import EncodedReports, decode_events, encode_events
from conflictmap.store import event_line

log = logging.getLogger(__name__)
T = TypeVar("T")

ROWS = 2048  # rows written per executemany
CACHE_KB = 16 * 1024  # SQLite page cache and sorter memory, per spill


class SpillError(ConflictmapError, OSError):
    """The temporary consolidation database cannot be written (a full or read-only disk)."""


def _key(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class Spill:
    """Reports by place, then merged events by output order, in a temporary database.

    Use: :meth:`add` each article's reports in reading order; :meth:`places` gives
    (place id, its reports in reading order) place by place (:meth:`place_rows` gives the
    rows undecoded, :meth:`reports` decodes one place's); :meth:`keep` (or
    :meth:`keep_encoded`) takes merged events; :meth:`events` gives them back sorted.
    ``folder``: where the temporary database goes (default: $TMPDIR); ``fetch``: cached
    articles' reports by key, for reports added with a ``ref``; ``events``: False when
    only the merged events' JSON lines (:meth:`lines`) will be read back."""

    def __init__(self, folder: str | os.PathLike[str] | None = None, *,
                 fetch: Callable[[list[bytes]], dict[bytes, list[Event]]] | None = None,
                 events: bool = True) -> None:
        try:
            self.folder = Path(tempfile.mkdtemp(prefix="conflictmap-spill-", dir=folder))
        except OSError as exc:
            where = folder or tempfile.gettempdir()
            raise SpillError(f"{where}: cannot make a temporary folder for consolidation "
                             f"({exc.strerror or exc}); expected a writable folder: set "
                             f"TMPDIR to one") from None
        self._db = sqlite3.connect(self.folder / "spill.sqlite", isolation_level=None)
        try:
            self._guard(self._setup)
        except SpillError:
            self.close()
            raise
        self._fetch = fetch
        self.keeps_events = events  # False: merged events are kept as their JSON lines only
        self._rows: list[tuple[bytes, bytes | None, bytes | None]] = []
        self._refs: dict[str, list[bytes]] = {}  # place -> keys not yet written
        self._ref_size = 0
        self._pending = 0  # articles in _refs
        self._merged: list[tuple[str, bytes, str, bytes]] = []
        self.reported = 0  # reports added

    def _setup(self) -> None:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE",
                       f"cache_size=-{CACHE_KB}", "locking_mode=EXCLUSIVE"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE reports(place BLOB NOT NULL, blob BLOB, ref BLOB)")
        # kept: each merged event encoded, or its JSON line for a spill of lines only
        self._db.execute("CREATE TABLE merged(start TEXT NOT NULL, place BLOB NOT NULL, "
                         "id TEXT NOT NULL, kept BLOB NOT NULL)")

    def _guard(self, action: Callable[..., T], *args: Any) -> T:
        """Run ``action``; a database error becomes one SpillError line naming the folder."""
        try:
            return action(*args)
        except sqlite3.Error as exc:
            raise SpillError(f"{self.folder}: cannot write the temporary consolidation "
                             f"database ({exc}); expected room on that disk: free some, or "
                             f"set TMPDIR to a folder with more") from None

    def add(self, reports: Sequence[Event], ref: bytes = b"") -> None:
        """One article's reports (call in reading order). ``ref``: the article's key in the
        cache that ``fetch`` reads (keys -> each article's reports), when the cache holds
        these reports: only the key is written (a place's keys in a row together), and the
        reports are read back from the cache if they are needed. Every ref has one length."""
        if not reports:
            return
        if ref:
            self.add_known((ref,), (reports,))
            return
        self.reported += len(reports)
        if (isinstance(reports, EncodedReports) and not reports.decoded
              and len(set(reports.places)) == 1):
            # all at one place, as the worker encoded them: they go to disk as they are
            self._row(reports.places[0], reports.blob)
        else:
            by_place: dict[str, list[Event]] = {}
            for event in reports:
                by_place.setdefault(event.place.id, []).append(event)
            for place, events in by_place.items():
                self._row(place, encode_events(events))
        if len(self._rows) + self._pending >= ROWS:
            self._write_reports()

    def _row(self, place: str, blob: bytes) -> None:
        """An article's encoded reports at one place; the place's earlier keys go first
        (reading order)."""
        if place in self._refs:
            self._rows.append((_key(place), None, b"".join(self._refs.pop(place))))
        self._rows.append((_key(place), blob, None))

    def add_known(self, refs: Sequence[bytes], articles: Sequence[Sequence[Event]]) -> None:
        """:meth:`add` for many cached articles in reading order: ``refs[i]`` is the
        cache key of ``articles[i]``'s reports (one loop, no call per article)."""
        size = self._ref_size or (len(refs[0]) if refs else 0)
        pending = self._refs
        for ref, reports in zip(refs, articles, strict=True):
            places = report_places(reports)
            if not places:
                continue
            if len(ref) != size:
                raise ValueError(f"refs of {len(ref)} bytes, not {size}")
            self._ref_size = size
            self.reported += len(places)
            for place in dict.fromkeys(places) if len(places) > 1 else places:
                found = pending.get(place)
                if found is None:
                    pending[place] = [ref]
                else:
                    found.append(ref)
            self._pending += 1
            if len(self._rows) + self._pending >= ROWS:
                self._write_reports()

    def _write_reports(self) -> None:
        self._rows.extend((_key(p), None, b"".join(keys)) for p, keys in self._refs.items())
        self._refs.clear()
        self._pending = 0
        self._guard(self._db.executemany, "INSERT INTO reports VALUES (?, ?, ?)", self._rows)
        self._rows.clear()

    def places(self) -> Iterator[tuple[str, list[Event]]]:
        """(place id, its reports in reading order), place after place as the ids sort."""
        for place, rows in self.place_rows():
            yield place, self.reports(place, rows)

    def place_rows(self) -> Iterator[tuple[str, list[tuple[bytes | None, bytes | None]]]]:
        """(place id, its rows as stored: (encoded reports, None) or (None, articles' cache
        keys end to end), in reading order), place after place as the ids sort; nothing is
        decoded (:meth:`reports` does it)."""
        if self._rows or self._refs:
            self._write_reports()
        place = b""
        rows: list[tuple[bytes | None, bytes | None]] = []
        for key, blob, ref in self._select(
                "SELECT place, blob, ref FROM reports ORDER BY place, rowid"):
            if key != place:
                if rows:
                    yield place.decode("utf-8", "surrogatepass"), rows
                place, rows = key, []
            rows.append((blob, ref))
        if rows:
            yield place.decode("utf-8", "surrogatepass"), rows

    def reports(self, place: str, rows: list[tuple[bytes | None, bytes | None]]) -> list[Event]:
        """The place's reports in reading order, from its :meth:`place_rows`."""
        size = self._ref_size
        runs = [[ref[i:i + size] for i in range(0, len(ref), size)] if blob is None and ref
                else [] for blob, ref in rows]
        articles = {}
        if any(runs):
            if self._fetch is None:
                raise ValueError("a spill with article keys needs a fetch")
            articles = self._fetch([key for run in runs for key in run])
        out: list[Event] = []
        for (blob, _), run in zip(rows, runs, strict=True):
            if blob is not None:
                out.extend(decode_events(blob))
            for key in run:
                out.extend(e for e in articles[key] if e.place.id == place)
        return out

    def keep(self, events: Iterable[Event], lines: Iterable[bytes] | None = None) -> None:
        """Merged events, to come back from :meth:`events` (or, for a spill made with
        ``events=False``, as their JSON lines from :meth:`lines`) in output order.
        ``lines``: their ``store.event_line``, when the caller has them already."""
        events = list(events)
        if self.keeps_events:
            kept = [encode_events((event,)) for event in events]
        else:
            kept = [event_line(e) for e in events] if lines is None else list(lines)
        self._keep((event.period.start.isoformat(), event.place.id, event.id, form)
                   for event, form in zip(events, kept, strict=True))

    def keep_encoded(self, events: Iterable[tuple[str, str, str, bytes, bytes]]) -> None:
        """Merged events already encoded: (start date, place id, event id,
        ``encode_events((event,))``, ``store.event_line(event)``) each, as :meth:`keep`
        takes them (only the form this spill keeps is read)."""
        if self.keeps_events:
            self._keep((start, place, eid, blob) for start, place, eid, blob, _ in events)
        else:
            self._keep((start, place, eid, line) for start, place, eid, _, line in events)

    def _keep(self, events: Iterable[tuple[str, str, str, bytes]]) -> None:
        merged = self._merged
        for start, place, event_id, kept in events:
            merged.append((start, _key(place), event_id, kept))
            if len(merged) >= ROWS:
                self._write_merged()

    def _write_merged(self) -> None:
        self._guard(self._db.executemany, "INSERT INTO merged VALUES (?, ?, ?, ?)",
                    self._merged)
        self._merged.clear()

    def events(self) -> Iterator[Event]:
        """The kept events by (start, place id, event id), ties in the order kept (not for
        a spill made with ``events=False``, which keeps their lines only)."""
        if not self.keeps_events:
            raise ValueError("this spill keeps the events' lines only")
        for (blob,) in self._sorted():
            yield from decode_events(blob)

    def lines(self) -> Iterator[bytes]:
        """The kept events' JSON lines (``store.event_line``), in :meth:`events`' order,
        for a spill made with ``events=False``: what a JSON Lines store holds, without
        decoding an event."""
        if self.keeps_events:
            raise ValueError("this spill keeps the events, not their lines")
        for (line,) in self._sorted():
            yield line

    def _sorted(self) -> Iterator[tuple[bytes, ...]]:
        if self._merged:
            self._write_merged()
        yield from self._select("SELECT kept FROM merged ORDER BY start, place, id, rowid")

    def _select(self, sql: str) -> Iterator[tuple[bytes, ...]]:
        """The rows of a query, fetched in blocks (the sort it needs may fill the disk)."""
        cursor = self._guard(self._db.execute, sql)
        while rows := self._guard(cursor.fetchmany, 256):
            yield from rows

    def close(self) -> None:
        """Remove the temporary database (also when the run was interrupted)."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
