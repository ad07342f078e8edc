"""A SQLite cache of per-article reports, so a re-run extracts only new or changed articles.

A row is keyed by a hash of the whole article (id, date, language, title, url, source, path,
text) and of the version string of the extraction (codec + gazetteer + rules versions): a
changed article, gazetteer or rules file simply misses. The value is the article's reports
as compact JSON arrays of their fields (empty for none): lossless, so an event read back from
the cache is equal to the one extracted, and places and actors are shared between events.

The database runs in WAL mode and every batch is one transaction, so a run killed at any
moment leaves a usable cache holding every batch it committed. A file that is not a sound
SQLite database is detected on open and rebuilt with a one-line warning. SQLite checks its
pages, not what a row holds, so every stored blob carries a checksum (:func:`_seal`), checked
on read: a damaged row is not believed, what it held is made again (one warning a run).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from conflictmap import gctools
from conflictmap.model import (
    Actor,
    Article,
    Change,
    Event,
    Interval,
    Place,
    PlaceKind,
    Source,
    Status,
)

try:  # orjson is optional: 3-5x faster on the hot path, same JSON
    import orjson

    def _dumps(obj: object) -> bytes:
        return orjson.dumps(obj)

    _loads = orjson.loads
except ImportError:  # pragma: no cover - exercised where orjson is absent
    import json

    def _dumps(obj: object) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    _loads = json.loads

log = logging.getLogger(__name__)

SCHEMA = "3"  # 3: every blob sealed with a checksum (_seal)
ENV_VAR = "CONFLICTMAP_CACHE"
DEFAULT_NAME = Path(".cache") / "conflictmap.sqlite"
QUERY_KEYS = 500  # host parameters per SELECT (SQLite allows 999 on old builds)
BUSY_TIMEOUT = 30.0  # seconds to wait for another process's write lock


def default_path(beside: Path | None = None) -> Path:
    """$CONFLICTMAP_CACHE, else .cache/conflictmap.sqlite beside ``beside`` (or in the cwd)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    base = Path(beside).resolve().parent if beside else Path.cwd()
    return base / DEFAULT_NAME


def article_key(article: Article, version: str) -> bytes:
    """A 20-byte hash of everything extraction reads from the article, and of ``version``."""
    parts = (version, article.id, article.published, str(article.period.start),
             str(article.period.end), article.lang, article.title, article.url,
             article.source, article.path, article.text)
    data = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=20).digest()


def encode_events(events: Sequence[Event]) -> bytes:
    """One article's reports as compact JSON (b"" when it has none); see :func:`decode_events`."""
    return _dumps([_event_row(e) for e in events]) if events else b""


def _event_row(e: Event) -> list[Any]:
    p = e.place
    return [e.change.value, e.status.value,
            [p.id, p.name, p.kind.value, p.lat, p.lon, p.country, p.admin1, p.population],
            e.period.start.isoformat(), e.period.end.isoformat(), e.period.precision,
            _actor_row(e.actor), _actor_row(e.losing_actor),
            [[s.article, s.published, s.quote, s.start, s.end, s.url, s.title, s.rule]
             for s in e.sources],
            e.confidence, e.geo_precision, e.id]


def _actor_row(actor: Actor | None) -> list[str] | None:
    return None if actor is None else [actor.id, actor.name, actor.side, actor.kind]


def decode_events(blob: bytes) -> list[Event]:
    """The events :func:`encode_events` encoded, equal field for field; ValueError if garbled."""
    if not blob:
        return []
    try:
        rows = _loads(blob)
        if not isinstance(rows, list):
            raise TypeError(f"expected a list, found {type(rows).__name__}")
        return [_event(row) for row in rows]
    except (TypeError, KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"not an encoded report ({exc})") from None


def _event(row: list[Any]) -> Event:
    change, status, place, start, end, precision, actor, losing, sources, conf, geo, eid = row
    if not isinstance(eid, str):
        raise TypeError(f"expected an event id, found {type(eid).__name__}")
    return Event.restore(
        eid, _CHANGES[change], _STATUSES[status], _place(tuple(place)),
        _interval(start, end, precision), _actor(actor), _actor(losing),
        tuple(Source(sys.intern(a), sys.intern(pub), q, st, en, u, t, sys.intern(r))
              for a, pub, q, st, en, u, t, r in sources),
        conf, geo)


_CHANGES = {c.value: c for c in Change}
_STATUSES = {s.value: s for s in Status}


@lru_cache(maxsize=65536)
def _place(fields: tuple[Any, ...]) -> Place:
    pid, name, kind, lat, lon, country, admin1, population = fields
    return Place(pid, name, PlaceKind(kind), lat, lon, country, admin1, population)


@lru_cache(maxsize=65536)
def _interval(start: str, end: str, precision: int) -> Interval:
    return Interval(date.fromisoformat(start), date.fromisoformat(end), precision)


def _actor(fields: list[str] | None) -> Actor | None:
    return None if fields is None else _actor_of(*fields)


@lru_cache(maxsize=4096)
def _actor_of(actor_id: str, name: str, side: str, kind: str) -> Actor:
    return Actor(actor_id, name, side, kind)


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
    index = _dumps({"pack": PACK, "counts": counts, "places": place_ids, "at": rows["place"]})
    body = index + b"\0" + _dumps({"counts": counts, "rows": rows,
                                   **{name: list(found) for name, found in tables.items()}})
    return _check(body) + body


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
        if len(blob) < 16 or _check(body) != blob[:16]:
            raise ValueError("checksum")
        head, nul, columns = body.partition(b"\0")
        index = _loads(head)
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


class EncodedReports(Sequence[Event]):
    """One article's reports as a worker encoded them (:func:`encode_events`), with each
    report's place id: decoded at the first read, so that reports which only go to disk
    by place (``spill.Spill``) are never decoded. Equal to the tuple of its reports."""

    __slots__ = ("_events", "blob", "places")

    def __init__(self, blob: bytes, places: tuple[str, ...]) -> None:
        self.blob = blob
        self.places = places
        self._events: list[Event] | None = None

    @property
    def decoded(self) -> bool:
        """True once read: the blob is dropped then (the events hold what it held)."""
        return self._events is not None

    def _decoded(self) -> list[Event]:
        if self._events is None:
            events = decode_events(self.blob)
            if [e.place.id for e in events] != list(self.places):
                raise ValueError("encoded reports are not at the places given with them")
            self._events = events
            self.blob = b""
        return self._events

    def __len__(self) -> int:
        return len(self.places)

    def __getitem__(self, item: Any) -> Any:
        return self._decoded()[item]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"EncodedReports({len(self)} reports at {', '.join(self.places) or 'no place'})"


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
            data = _loads(columns)
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
    places = [_place(tuple(row)) for row in data["places"]]
    periods = [_interval(*row) for row in data["periods"]]
    actors: list[Actor | None] = [None, *(_actor_of(*row) for row in data["actors"])]
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
    changes = [_CHANGES.get(c) for c in codes]
    statuses = [_STATUSES.get(c) for c in codes]
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


class ReportCache:
    """Reports by article key. Use as a context manager.

    Raises sqlite3.OperationalError (or OSError) when the file cannot be used as it is
    (locked, unopenable, read-only); a file that is not a sound database is rebuilt.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.hits = 0
        self.misses = 0
        self.damaged = 0  # rows whose checksum did not hold, dropped as misses
        try:
            self._db = _connect(self.path)
        except sqlite3.OperationalError:
            raise  # locked, unopenable, read-only: the file may be sound, so keep it
        except sqlite3.DatabaseError as exc:
            log.warning("%s: the cache is unreadable (%s); rebuilding it", self.path, exc)
            _remove(self.path)
            self._db = _connect(self.path)

    def get_many(self, keys: Sequence[bytes], *, count: bool = True) -> dict[bytes, bytes]:
        """The cached blobs of those keys that are cached (many keys per query).
        ``count``: add them to ``hits`` and ``misses`` (not for a look-ahead)."""
        found: dict[bytes, bytes] = {}
        for i in range(0, len(keys), QUERY_KEYS):
            chunk = keys[i : i + QUERY_KEYS]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, blob FROM reports WHERE key IN ({marks})",
                                    chunk)
            for key, blob in rows:
                value = self._opened(blob)
                if value is not None:
                    found[key] = value
        if count:
            self.hits += len(found)
            self.misses += len(keys) - len(found)
        return found

    def put_many(self, rows: Iterable[tuple[bytes, bytes]]) -> None:
        """Store (key, blob) rows in one transaction."""
        rows = list(rows)
        if not rows:
            return
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO reports (key, blob) VALUES (?, ?)",
                                 [(key, _seal(blob)) for key, blob in rows])

    def get_files(self, paths: Sequence[str]) -> dict[str, tuple[bytes, bytes]]:
        """(stamp, manifest) stored for each of these files that has them, many per query."""
        return self._pairs("files", "path", "stamp", "manifest", paths)

    def _opened(self, blob: bytes) -> bytes | None:
        """A sealed blob's value; None (one warning per cache) when its checksum does not
        hold: the row is damaged, and what it held is made again."""
        value = _unseal(blob)
        if value is None:
            self.damaged += 1
            if self.damaged == 1:
                log.warning("%s: a damaged cache row (its checksum does not match); "
                            "extracting what it held again", self.path)
        return value

    def put_files(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (path, stamp, manifest) rows in one transaction; one row per path."""
        self._put("files", ("path", "stamp", "manifest"),
                  ((path, stamp, _seal(manifest)) for path, stamp, manifest in rows))

    def _pairs(self, table: str, key: str, first: str, second: str,
               wanted: Sequence[str]) -> dict[str, tuple[bytes, bytes]]:
        """key -> (first, second) of the table's rows with those keys, many per query."""
        found: dict[str, tuple[bytes, bytes]] = {}
        for i in range(0, len(wanted), QUERY_KEYS):
            chunk = wanted[i : i + QUERY_KEYS]
            marks = ",".join("?" * len(chunk))
            for name, a, b in self._db.execute(
                    f"SELECT {key}, {first}, {second} FROM {table} WHERE {key} IN ({marks})",
                    chunk):
                value = self._opened(b)
                if value is not None:
                    found[name] = (bytes(a), value)
        return found

    def _put(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]],
             ) -> None:
        """Insert or replace rows in one transaction."""
        rows = list(rows)
        if not rows:
            return
        with self._db:
            self._db.executemany(f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) "
                                 f"VALUES ({', '.join('?' * len(columns))})", rows)

    def get_packs(self, path: str) -> list[tuple[int, int, bytes, bytes]]:
        """(first, count, keys digest, pack) of each pack stored for the file at ``path``,
        in order of their first article."""
        rows = self._db.execute("SELECT first, count, keys, pack FROM packs WHERE path = ? "
                                "ORDER BY first", (path,))
        out = []
        for a, n, k, p in rows:
            pack = self._opened(p)
            if pack is None:  # the packs after it are of no use either: read the file
                break
            out.append((int(a), int(n), bytes(k), pack))
        return out

    def put_pack(self, path: str, first: int, count: int, keys: bytes, pack: bytes,
                 *, replace_from: int | None = None) -> None:
        """Store the pack of the file's articles ``first`` to ``first + count`` (``keys``:
        the digest of their cache keys), after deleting the file's packs from
        ``replace_from`` on; one transaction."""
        with self._db:
            if replace_from is not None:
                self._db.execute("DELETE FROM packs WHERE path = ? AND first >= ?",
                                 (path, replace_from))
            self._db.execute("INSERT OR REPLACE INTO packs (path, first, count, keys, pack) "
                             "VALUES (?, ?, ?, ?, ?)", (path, first, count, keys, _seal(pack)))

    def get_merged(self, places: Sequence[str]) -> dict[str, tuple[bytes, bytes]]:
        """(digest, recipe) of the merged events stored for each of these places
        (:class:`MergedCache`)."""
        return self._pairs("merges", "place", "digest", "recipe", places)

    def put_merged(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (place, digest, recipe) rows in one transaction; one row per place."""
        self._put("merges", ("place", "digest", "recipe"),
                  ((place, digest, _seal(recipe)) for place, digest, recipe in rows))

    def get_merged_rows(self, places: Sequence[str]) -> dict[str, tuple[bytes, bytes]]:
        """(digest, encoded events) stored for each of these places (:class:`MergedCache`)."""
        return self._pairs("merged_rows", "place", "digest", "events", places)

    def put_merged_rows(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (place, digest, encoded events) rows in one transaction."""
        self._put("merged_rows", ("place", "digest", "events"),
                  ((place, digest, _seal(events)) for place, digest, events in rows))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM reports").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ReportCache:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


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
            events = _rebuilt(_loads(found), reports)
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
            self._fresh.append((place, digest.digest(), _dumps(recipe)))
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
    head = (_dumps([[e.period.start.isoformat(), e.id] for e in events]) + b"\0"
            + b"\n".join(lines))
    rows = _dumps([_event_row(e) for e in events])
    return _check(head) + _check(rows) + head + b"\0" + rows


def _seal(blob: bytes) -> bytes:
    """``blob`` as the cache stores it: its checksum (:func:`_check`), then itself. SQLite
    checks its pages, not what a row holds: bytes changed inside a row pass its integrity
    checks, and would change the outputs on every later run."""
    return _check(blob) + blob


def _unseal(sealed: bytes) -> bytes | None:
    """What :func:`_seal` sealed; None when the checksum does not hold."""
    sealed = bytes(sealed)
    if len(sealed) < 16 or _check(sealed[16:]) != sealed[:16]:
        return None
    return sealed[16:]


def _check(data: bytes) -> bytes:
    """A 16-byte checksum (SHA-256: hardware on most CPUs, unlike BLAKE2b)."""
    return hashlib.sha256(data).digest()[:16]


def _unsealed(blob: bytes, rows: bool = True) -> list[tuple[str, str, bytes, bytes]]:
    """(start, id, encoded event, JSON line) of each event :func:`_sealed` sealed, the
    encoded event b"" unless ``rows``; ValueError when a checksum does not hold,
    TypeError when the form is not that."""
    body = blob[32:]
    keys_part, nul, rest = body.partition(b"\0")
    lines_part, nul2, rows_part = rest.partition(b"\0")
    if not (nul and nul2):
        raise TypeError("not the three parts of merged events")
    if _check(body[:len(keys_part) + 1 + len(lines_part)]) != blob[:16]:
        raise ValueError("checksum")
    keys = _loads(keys_part)
    lines = lines_part.split(b"\n") if keys else []
    if type(keys) is not list or len(lines) != len(keys):
        raise TypeError("not a list of merged events with their lines")
    encoded: list[bytes] = [b""] * len(keys)
    if rows:
        if _check(rows_part) != blob[16:32]:
            raise ValueError("checksum")
        found = _loads(rows_part)
        if type(found) is not list or len(found) != len(keys) or not all(
                type(row) is list for row in found):
            raise TypeError("not a list of merged events' rows")
        encoded = [_dumps([row]) for row in found]
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
        out.append(restore(eid, _CHANGES[change], _STATUSES[status], reports[held[0]].place,
                           _interval(start, end, precision), _actor_at(reports, actor),
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
    model (ids), this module (the recipes' form) and the records (their JSON lines)."""
    from conflictmap import consolidate, model, records

    digest = hashlib.blake2b(b"merged", digest_size=16)
    for path in (consolidate.__file__, model.__file__, __file__, records.__file__):
        digest.update(Path(str(path)).read_bytes())
    return digest.digest()


def _connect(path: Path) -> sqlite3.Connection:
    """Open (or create) the cache; sqlite3.DatabaseError if the file is not sound."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        status = db.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {status}")
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS reports (key BLOB PRIMARY KEY, blob BLOB "
                       "NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stamp BLOB "
                       "NOT NULL, manifest BLOB NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS packs (path TEXT NOT NULL, first INTEGER "
                       "NOT NULL, count INTEGER NOT NULL, keys BLOB NOT NULL, pack BLOB NOT "
                       "NULL, PRIMARY KEY (path, first))")
            db.execute("CREATE TABLE IF NOT EXISTS merges (place TEXT PRIMARY KEY, digest "
                       "BLOB NOT NULL, recipe BLOB NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS merged_rows (place TEXT PRIMARY KEY, "
                       "digest BLOB NOT NULL, events BLOB NOT NULL)")
            _check_schema(db)
    except BaseException:
        db.close()
        raise
    return db


def _check_schema(db: sqlite3.Connection) -> None:
    row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
    if row is None or row[0] != SCHEMA:
        if row is not None:
            log.info("cache schema %s is not %s; emptying the cache", row[0], SCHEMA)
        db.execute("DELETE FROM reports")
        db.execute("DELETE FROM files")
        db.execute("DELETE FROM packs")
        db.execute("DELETE FROM merges")
        db.execute("DELETE FROM merged_rows")
        db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('schema', ?)", (SCHEMA,))


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
