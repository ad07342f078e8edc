"""A SQLite cache of per-article reports, so a re-run extracts only new or changed articles.

A row is keyed by a hash of the whole article (id, date, language, title, url, source, path,
text) and of the version string of the extraction (codec + gazetteer + rules versions): a
changed article, gazetteer or rules file simply misses. The value is the article's reports
as compact JSON arrays of their fields (empty for none): lossless, so an event read back from
the cache is equal to the one extracted, and places and actors are shared between events.

The database runs in WAL mode and every batch is one transaction, so a run killed at any
moment leaves a usable cache holding every batch it committed. A file that is not a sound
SQLite database is detected on open and rebuilt with a one-line warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

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

SCHEMA = "2"
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
        try:
            self._db = _connect(self.path)
        except sqlite3.OperationalError:
            raise  # locked, unopenable, read-only: the file may be sound, so keep it
        except sqlite3.DatabaseError as exc:
            log.warning("%s: the cache is unreadable (%s); rebuilding it", self.path, exc)
            _remove(self.path)
            self._db = _connect(self.path)

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """The cached blobs of those keys that are cached (many keys per query)."""
        found: dict[bytes, bytes] = {}
        for i in range(0, len(keys), QUERY_KEYS):
            chunk = keys[i : i + QUERY_KEYS]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, blob FROM reports WHERE key IN ({marks})",
                                    chunk)
            found.update(rows)
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put_many(self, rows: Iterable[tuple[bytes, bytes]]) -> None:
        """Store (key, blob) rows in one transaction."""
        rows = list(rows)
        if not rows:
            return
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO reports (key, blob) VALUES (?, ?)", rows)

    def get_file(self, path: str) -> tuple[bytes, bytes] | None:
        """(stamp, manifest) stored for the file at ``path``, if any."""
        row = self._db.execute("SELECT stamp, manifest FROM files WHERE path = ?",
                               (path,)).fetchone()
        return (bytes(row[0]), bytes(row[1])) if row is not None else None

    def put_files(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (path, stamp, manifest) rows in one transaction; one row per path."""
        rows = list(rows)
        if not rows:
            return
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO files (path, stamp, manifest) "
                                 "VALUES (?, ?, ?)", rows)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM reports").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ReportCache:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


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
        db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('schema', ?)", (SCHEMA,))


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
