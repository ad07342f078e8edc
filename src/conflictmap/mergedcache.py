"""Each place's consolidated events, remembered in the cache by what its reports are
(:class:`MergedCache`): a run that changed a few articles merges again only the places
their reports are at."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conflictmap.model import Actor, Event
from conflictmap.packs import report_places
from conflictmap.reportrows import CHANGES, STATUSES, event_row, interval_of
from conflictmap.sealed import checksum, dumps, loads

if TYPE_CHECKING:
    from conflictmap.cache import ReportCache

log = logging.getLogger(__name__)


class MergedCache:
    """Each place's consolidated events, remembered by what its reports are: the cache
    keys of the articles they came from, in reading order, with their places in those
    articles' reports (a key says what an article's reports are: it hashes the article and
    the extraction version), and the code that merges them. A run that changed a few
    articles merges again only the places their reports are at.

    What is stored for a place is how its events were made from its reports: per event,
    the reports whose sources it holds, which report's actor and losing actor it took, and
    its merged fields and id. Rebuilding the events from the reports at hand makes no new
    source, place or actor and hashes nothing. Use as ``consolidate(reports, memo)`` after
    :meth:`note` for each article, then :meth:`flush`.

    The events themselves are stored too, encoded, for consolidation on disk
    (``spill.Spill``): :meth:`encoded` gives them without the place's reports, which then
    need not be decoded at all."""

    def __init__(self, cache: ReportCache) -> None:
        self._cache = cache
        self._version = _merge_version()
        self._digests: dict[str, Any] = {}
        self._readable = True
        self._fresh: list[tuple[str, bytes, bytes]] = []
        self._fresh_rows: list[tuple[str, bytes, bytes]] = []
        self.merged = 0  # places merged in this run
        self.replayed = 0  # places whose events were rebuilt as the last run made them

    def note(self, key: bytes, reports: Sequence[Event]) -> None:
        """The article with this cache key gave these reports (call in reading order)."""
        self.note_all((key,), (reports,))

    def note_all(self, keys: Sequence[bytes], articles: Sequence[Sequence[Event]]) -> None:
        """:meth:`note` for many articles in reading order (one loop, no call per
        article): ``keys[i]`` gave ``articles[i]``."""
        digests = self._digests
        version = self._version
        for key, reports in zip(keys, articles, strict=True):
            for i, place in enumerate(report_places(reports)):
                digest = digests.get(place)
                if digest is None:
                    digest = digests[place] = hashlib.blake2b(version, digest_size=16)
                digest.update(key)
                digest.update(i.to_bytes(4, "little"))

    def get(self, place: str, reports: Sequence[Event]) -> list[Event] | None:
        """The place's events as the last run merged them from these same reports (the
        place's reports in reading order), or None."""
        found = self._stored(place, self._cache.get_merged)
        if found is None:
            return None
        try:
            events = _rebuilt(loads(found), reports)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            log.debug("%s: merged events do not fit its reports (%s)", place, exc)
            return None
        self.replayed += 1
        return events

    def _stored(self, place: str, lookup: Callable[[Sequence[str]], dict[str, tuple[
            bytes, bytes]]]) -> bytes | None:
        """What ``lookup`` stored for the place when its reports were these, or None."""
        digest = self._digests.get(place)
        if digest is None or not self._readable:
            return None
        try:  # one place at a time: what is held does not grow with the places
            found = lookup([place]).get(place)
        except sqlite3.Error as exc:
            log.debug("merged events unreadable (%s); merging every place", exc)
            self._readable = False
            return None
        return found[1] if found is not None and found[0] == digest.digest() else None

    def put(self, place: str, reports: Sequence[Event], events: Sequence[Event],
            lines: Sequence[bytes] | None = None) -> None:
        """Remember how the place's events were made from its reports; ``lines``: the
        events' JSON lines (``store.event_line``), when the caller has them already."""
        digest = self._digests.get(place)
        if digest is None:
            return
        self.merged += 1
        recipe = _recipe(reports, events)
        if recipe is not None:
            self._fresh.append((place, digest.digest(), dumps(recipe)))
        self._fresh_rows.append((place, digest.digest(), _sealed(events, lines)))
        if len(self._fresh_rows) >= FLUSH_PLACES:
            self.flush()

    def encoded(self, place: str, rows: bool = True,
                ) -> list[tuple[str, str, bytes, bytes]] | None:
        """The place's events as the last run merged them from the same reports, each as
        (start date, id, ``encode_events((event,))``, its JSON line), without its reports;
        or None. Without ``rows``, the encoded events are b"" (only the lines are read)."""
        found = self._stored(place, self._cache.get_merged_rows)
        if found is None:
            return None
        try:
            events = _unsealed(found, rows)
        except (ValueError, TypeError) as exc:
            log.debug("%s: stored merged events unreadable (%s)", place, exc)
            return None
        self.replayed += 1
        return events

    def flush(self) -> None:
        """Store what this run merged (an accelerator: a cache that cannot take it is
        logged, and the next run merges again)."""
        try:
            self._cache.put_merged(self._fresh)
            self._cache.put_merged_rows(self._fresh_rows)
        except sqlite3.Error as exc:
            log.debug("cannot store merged events (%s)", exc)
        self._fresh = []
        self._fresh_rows = []


FLUSH_PLACES = 256  # merged places held before they are written


def _sealed(events: Sequence[Event], lines: Sequence[bytes] | None = None) -> bytes:
    """A place's merged events as one blob: two checksums, then [start, id] of each event,
    a NUL, their JSON lines (``store.event_line``) one per line break, a NUL, and their
    rows. JSON holds neither a raw NUL nor a raw line break, so the parts split where
    they were joined; the first checksum covers the keys and the lines, the second the
    rows, so the lines are read (and checked) without the rows."""
    from conflictmap.store import event_line

    if lines is None:
        lines = [event_line(e) for e in events]
    head = (dumps([[e.period.start.isoformat(), e.id] for e in events]) + b"\0"
            + b"\n".join(lines))
    rows = dumps([event_row(e) for e in events])
    return checksum(head) + checksum(rows) + head + b"\0" + rows


def _unsealed(blob: bytes, rows: bool = True) -> list[tuple[str, str, bytes, bytes]]:
    """(start, id, encoded event, JSON line) of each event :func:`_sealed` sealed, the
    encoded event b"" unless ``rows``; ValueError when a checksum does not hold,
    TypeError when the form is not that."""
    body = blob[32:]
    keys_part, nul, rest = body.partition(b"\0")
    lines_part, nul2, rows_part = rest.partition(b"\0")
    if not (nul and nul2):
        raise TypeError("not the three parts of merged events")
    if checksum(body[:len(keys_part) + 1 + len(lines_part)]) != blob[:16]:
        raise ValueError("checksum")
    keys = loads(keys_part)
    lines = lines_part.split(b"\n") if keys else []
    if type(keys) is not list or len(lines) != len(keys):
        raise TypeError("not a list of merged events with their lines")
    encoded: list[bytes] = [b""] * len(keys)
    if rows:
        if checksum(rows_part) != blob[16:32]:
            raise ValueError("checksum")
        found = loads(rows_part)
        if type(found) is not list or len(found) != len(keys) or not all(
                type(row) is list for row in found):
            raise TypeError("not a list of merged events' rows")
        encoded = [dumps([row]) for row in found]
    out = []
    for key, event, line in zip(keys, encoded, lines, strict=True):
        if not (type(key) is list and len(key) == 2 and type(key[0]) is str
                and type(key[1]) is str and line):
            raise TypeError("a merged event's fields")
        out.append((key[0], key[1], event, line))
    return out


def _recipe(reports: Sequence[Event], events: Sequence[Event]) -> list[list[Any]] | None:
    """How ``events`` were made from ``reports``: per event, ``[k]`` for report k as it is,
    or ``[id, change, status, start, end, precision, actor, losing actor, confidence,
    geo precision, sources]``: an actor as 2k (report k's actor) or 2k + 1 (its losing
    actor), -1 for none; the sources as (report, source) index pairs, the first being the
    report whose place the event has. None when an event holds a source or an actor that
    no report has (nothing is remembered then)."""
    as_is = {id(e): k for k, e in enumerate(reports)}
    sources = {id(s): (k, j) for k, e in enumerate(reports) for j, s in enumerate(e.sources)}
    actors: dict[int, int] = {}
    for k, e in enumerate(reports):
        if e.actor is not None:
            actors.setdefault(id(e.actor), 2 * k)
        if e.losing_actor is not None:
            actors.setdefault(id(e.losing_actor), 2 * k + 1)
    out: list[list[Any]] = []
    for e in events:
        if id(e) in as_is:
            out.append([as_is[id(e)]])
            continue
        try:
            held = [sources[id(s)] for s in e.sources]
            actor = -1 if e.actor is None else actors[id(e.actor)]
            loser = -1 if e.losing_actor is None else actors[id(e.losing_actor)]
        except KeyError:
            return None
        if not held or reports[held[0][0]].place != e.place:
            return None
        p = e.period
        out.append([e.id, e.change.value, e.status.value, p.start.isoformat(),
                    p.end.isoformat(), p.precision, actor, loser, e.confidence,
                    e.geo_precision, [x for pair in held for x in pair]])
    return out


def _rebuilt(recipe: Any, reports: Sequence[Event]) -> list[Event]:
    """The events a :func:`_recipe` says, from the same reports (ValueError, TypeError,
    KeyError or IndexError when it does not fit them: every report's sources must be among
    the events', as merging keeps them)."""
    if type(recipe) is not list or not all(type(row) is list for row in recipe):
        raise TypeError("not a list of merged events")
    out: list[Event] = []
    restore = Event.restore
    for row in recipe:
        if len(row) == 1:
            out.append(reports[_index(row[0], len(reports))])
            continue
        eid, change, status, start, end, precision, actor, loser, conf, geo, held = row
        if not (type(eid) is str and type(geo) is int and type(conf) in (int, float)
                and type(held) is list and held and len(held) % 2 == 0):
            raise TypeError("a merged event's fields")
        sources = tuple(reports[_index(held[i], len(reports))].sources[_index(held[i + 1])]
                        for i in range(0, len(held), 2))
        out.append(restore(eid, CHANGES[change], STATUSES[status], reports[held[0]].place,
                           interval_of(start, end, precision), _actor_at(reports, actor),
                           _actor_at(reports, loser), sources, conf, geo))
    covered = {(s.article, s.start, s.end) for e in out for s in e.sources}
    if any((s.article, s.start, s.end) not in covered for e in reports for s in e.sources):
        raise ValueError("a report is in no merged event")
    return out


def _index(value: Any, size: int | None = None) -> int:
    if type(value) is not int or value < 0 or (size is not None and value >= size):
        raise IndexError(f"not an index: {value!r}")
    return value


def _actor_at(reports: Sequence[Event], ref: Any) -> Actor | None:
    if ref == -1:
        return None
    report = reports[_index(ref, 2 * len(reports)) >> 1]
    actor = report.losing_actor if ref & 1 else report.actor
    if actor is None:
        raise ValueError("no actor there")
    return actor


@lru_cache(maxsize=1)
def _merge_version() -> bytes:
    """What merged events depend on besides their reports: the merging code, the event
    model (ids), this module (the recipes' form), the report rows (the events' form) and
    the records (their JSON lines)."""
    from conflictmap import consolidate, model, records, reportrows

    digest = hashlib.blake2b(b"merged", digest_size=16)
    for path in (consolidate.__file__, model.__file__, __file__, reportrows.__file__,
                 records.__file__):
        digest.update(Path(str(path)).read_bytes())
    return digest.digest()
