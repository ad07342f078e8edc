"""Many articles' reports as one blob of columns (a *pack*): how the cache keeps the
reports of a replayed file, read back in one piece (``incremental``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from conflictmap import gctools
from conflictmap.model import Actor, Change, Event, Interval, Place, Source, Status
from conflictmap.reportrows import (
    CHANGES,
    STATUSES,
    EncodedReports,
    actor_of,
    interval_of,
    place_of,
)
from conflictmap.sealed import checksum, dumps, loads

PACK = 2  # bump when the form of a pack changes


def encode_pack(articles: Sequence[Sequence[Event]]) -> bytes:
    """Many articles' reports as one blob of columns (see :func:`decode_pack`).

    Places, actors, intervals and the strings sources share (article ids, dates, urls,
    titles, rules) are stored once, in tables; each report and each source is a row of
    small integers into them, its id and its quote. Decoding it builds a file's reports
    with about a third of the objects (and none of the per-row lookups) of one row per
    article.
    """
    tables: dict[str, dict[Any, int]] = {name: {} for name in
                                         ("places", "actors", "periods", "strings", "codes")}

    def ref(table: str, value: Any) -> int:
        index = tables[table]
        if value not in index:
            index[value] = len(index)
        return index[value]

    def actor(a: Actor | None) -> int:
        return 0 if a is None else 1 + ref("actors", (a.id, a.name, a.side, a.kind))

    counts: list[int] = []
    rows: dict[str, list[Any]] = {name: [] for name in (
        "change", "status", "place", "period", "actor", "loser", "conf", "geo", "id",
        "nsrc", "art", "pub", "quote", "start", "end", "url", "title", "rule")}
    for reports in articles:
        counts.append(len(reports))
        for e in reports:
            p = e.place
            rows["change"].append(ref("codes", e.change.value))
            rows["status"].append(ref("codes", e.status.value))
            rows["place"].append(ref("places", (p.id, p.name, p.kind.value, p.lat, p.lon,
                                                p.country, p.admin1, p.population)))
            rows["period"].append(ref("periods", (e.period.start.isoformat(),
                                                  e.period.end.isoformat(),
                                                  e.period.precision)))
            rows["actor"].append(actor(e.actor))
            rows["loser"].append(actor(e.losing_actor))
            rows["conf"].append(e.confidence)
            rows["geo"].append(e.geo_precision)
            rows["id"].append(e.id)
            rows["nsrc"].append(len(e.sources))
            for src in e.sources:
                for column, value in (("art", src.article), ("pub", src.published),
                                      ("url", src.url), ("title", src.title),
                                      ("rule", src.rule)):
                    rows[column].append(ref("strings", value))
                rows["quote"].append(src.quote)
                rows["start"].append(src.start)
                rows["end"].append(src.end)
    place_ids = [row[0] for row in tables["places"]]
    index = dumps({"pack": PACK, "counts": counts, "places": place_ids, "at": rows["place"]})
    body = index + b"\0" + dumps({"counts": counts, "rows": rows,
                                   **{name: list(found) for name, found in tables.items()}})
    return checksum(body) + body


def decode_pack(blob: bytes) -> list[tuple[Event, ...]]:
    """Each article's reports as :func:`encode_pack` packed them, equal field for field,
    built now; ValueError if the blob is not a pack of this form."""
    packed = open_pack(blob)
    if packed:
        packed[0]._pack.article(0)  # build (and check) the columns now
    return [tuple(reports) for reports in packed]


def open_pack(blob: bytes) -> list[PackedReports]:
    """Each article's reports in a pack: their places and counts now, the reports built
    when first read.

    A pack is a checksum (SHA-256), a small index (each article's count of reports and
    each report's place) and the columns of the reports. The checksum over both is
    checked here, so a damaged pack is found (and replaced) at once; the index gives
    every article's places and count without parsing the columns. A run that
    consolidates on disk reads only those for the articles of unchanged files
    (``spill.Spill`` keeps their keys), so their columns are never parsed. The columns
    are parsed and checked (lengths, indices, codes, ids, and that they say what the
    index says) at the first read of a report, all of the pack's together. ValueError if
    the blob is not a pack of this form, there or then."""
    try:
        body = blob[16:]
        if len(blob) < 16 or checksum(body) != blob[:16]:
            raise ValueError("checksum")
        head, nul, columns = body.partition(b"\0")
        index = loads(head)
        if not nul or not isinstance(index, dict) or index.get("pack") != PACK:
            raise ValueError("not a pack of this version")
        counts, ids, at = index["counts"], index["places"], index["at"]
        if not isinstance(ids, list) or (ids and set(map(type, ids)) != {str}):
            raise TypeError("place ids")
        if _ints(counts, "counts", 0, None) != len(at):
            raise ValueError("counts and places differ")
        _ints(at, "at", 0, len(ids))
    except (TypeError, KeyError, IndexError, ValueError, AttributeError) as exc:
        raise ValueError(f"not a pack of reports ({exc})") from None
    pack = _Pack(columns, counts, ids, at)
    places = list(map(ids.__getitem__, at))  # each report's place id
    out: list[PackedReports] = []
    taken = 0
    for number, n in enumerate(counts):
        out.append(PackedReports(pack, number, tuple(places[taken:taken + n])))
        taken += n
    return out


class PackedReports(Sequence[Event]):
    """One article's reports from a pack (:func:`open_pack`): ``places`` (each report's
    place id) and the count are known at once; the reports themselves are built at the
    first read of any of the pack's, all together. Equal to the tuple of its reports."""

    __slots__ = ("_index", "_pack", "places")

    def __init__(self, pack: _Pack, index: int, places: tuple[str, ...]) -> None:
        self._pack = pack
        self._index = index
        self.places = places

    def __len__(self) -> int:
        return len(self.places)

    def __getitem__(self, item: Any) -> Any:
        return self._pack.article(self._index)[item]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._pack.article(self._index))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedReports):
            other = tuple(other)
        return tuple(self) == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"PackedReports({len(self)} reports at {', '.join(self.places) or 'no place'})"


def report_places(reports: Sequence[Event]) -> Sequence[str]:
    """Each report's place id, without building packed or decoding encoded reports."""
    if isinstance(reports, (PackedReports, EncodedReports)):
        return reports.places
    return [event.place.id for event in reports]


class _Pack:
    """A pack's columns (checksummed, not parsed yet), built into reports at the first
    read, then dropped; ValueError then if they are not what the index says."""

    __slots__ = ("_articles", "_at", "_columns", "_counts", "_ids")

    def __init__(self, columns: bytes, counts: list[int], ids: list[str], at: list[int]) -> None:
        self._columns: bytes | None = columns
        self._counts = counts
        self._ids = ids
        self._at = at
        self._articles: list[tuple[Event, ...]] = []

    def article(self, index: int) -> tuple[Event, ...]:
        if self._columns is not None:
            with gctools.paused():
                self._articles = self._build(self._columns)
            self._columns = None
        return self._articles[index]

    def _build(self, columns: bytes) -> list[tuple[Event, ...]]:
        try:
            data = loads(columns)
            if not isinstance(data, dict):
                raise TypeError("not a pack's columns")
            tables = _checked(data)
            if (data["counts"] != self._counts or data["rows"]["place"] != self._at
                    or [place.id for place in tables.places] != self._ids):
                raise ValueError("the columns are not what the index says")
            return _built(data, tables)
        except (TypeError, KeyError, IndexError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a pack of reports ({exc})") from None


class _Tables(NamedTuple):
    changes: list[Change]
    statuses: list[Status]
    places: list[Place]
    periods: list[Interval]
    actors: list[Actor | None]
    strings: list[str]


_REPORT_COLUMNS = ("change", "status", "place", "period", "actor", "loser", "conf", "geo",
                   "id", "nsrc")
_SOURCE_COLUMNS = ("art", "pub", "quote", "start", "end", "url", "title", "rule")


def _checked(data: dict[str, Any]) -> _Tables:
    """The pack's tables, once every column is seen to fit them (ValueError, TypeError,
    KeyError otherwise): then :func:`_built` cannot fail."""
    codes = data["codes"]
    places = [place_of(tuple(row)) for row in data["places"]]
    periods = [interval_of(*row) for row in data["periods"]]
    actors: list[Actor | None] = [None, *(actor_of(*row) for row in data["actors"])]
    strings = [sys.intern(s) for s in data["strings"]]
    if strings and set(map(type, strings)) != {str}:
        raise TypeError("strings")
    r = data["rows"]
    counts = data["counts"]
    n = _ints(counts, "counts", 0, None)
    _same_length(r, _REPORT_COLUMNS, n)
    sources = _ints(r["nsrc"], "nsrc", 1, None)
    _same_length(r, _SOURCE_COLUMNS, sources)
    for column, size in (("change", len(codes)), ("status", len(codes)),
                         ("place", len(places)), ("period", len(periods)),
                         ("actor", len(actors)), ("loser", len(actors)),
                         ("art", len(strings)), ("pub", len(strings)), ("url", len(strings)),
                         ("title", len(strings)), ("rule", len(strings))):
        _ints(r[column], column, 0, size)
    changes = [CHANGES.get(c) for c in codes]
    statuses = [STATUSES.get(c) for c in codes]
    if (any(changes[c] is None for c in set(r["change"]))
            or any(statuses[c] is None for c in set(r["status"]))):
        raise ValueError("a report's change or status")
    if r["id"] and set(map(type, r["id"])) != {str}:
        raise TypeError("a report's id")
    return _Tables(changes, statuses, places, periods, actors, strings)  # type: ignore[arg-type]


def _ints(column: list[Any], name: str, low: int, high: int | None) -> int:
    """The sum of a column of ints in [low, high) (ValueError if one is not)."""
    if not isinstance(column, list) or (column and set(map(type, column)) != {int}):
        raise ValueError(f"column {name}: expected integers")
    if column and (min(column) < low or (high is not None and max(column) >= high)):
        raise ValueError(f"column {name}: a value out of range")
    return sum(column)


def _same_length(rows: dict[str, Any], columns: tuple[str, ...], n: int) -> None:
    if any(not isinstance(rows[c], list) or len(rows[c]) != n for c in columns):
        raise ValueError("columns of different lengths")


def _built(data: dict[str, Any], tables: _Tables) -> list[tuple[Event, ...]]:
    """The reports of a pack that :func:`_checked` passed, as tuples per article."""
    changes, statuses, places, periods, actors, strings = tables
    r = data["rows"]
    sources = [Source(strings[a], strings[p], q, st, en, strings[u], strings[t], strings[rl])
               for a, p, q, st, en, u, t, rl in zip(r["art"], r["pub"], r["quote"], r["start"],
                                                     r["end"], r["url"], r["title"], r["rule"],
                                                     strict=True)]
    restore = Event.restore
    events: list[Event] = []
    taken = 0
    for c, s, pl, pe, a, lo, conf, geo, eid, n in zip(
            r["change"], r["status"], r["place"], r["period"], r["actor"], r["loser"],
            r["conf"], r["geo"], r["id"], r["nsrc"], strict=True):
        events.append(restore(eid, changes[c], statuses[s], places[pl], periods[pe],
                              actors[a], actors[lo], tuple(sources[taken:taken + n]), conf,
                              geo))
        taken += n
    out: list[tuple[Event, ...]] = []
    taken = 0
    for n in data["counts"]:
        out.append(tuple(events[taken:taken + n]))
        taken += n
    return out
