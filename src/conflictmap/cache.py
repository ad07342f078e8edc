"""A SQLite cache of per-article reports, so a re-run extracts only new or changed articles.

A row is keyed by a hash of the whole article (id, date, language, title, url, source, path,
text) and of the version string of the extraction (codec + gazetteer + rules versions): a
changed article, gazetteer or rules file simply misses. The value is the article's reports
(``reportrows``: compact JSON, lossless). Beside them it keeps the manifests of the files
read (``incremental``), packs of many articles' reports (``packs``) and each place's merged
events (``mergedcache``); this module is the store: the database, its schema, and the
queries, one transaction per batch.

The database runs in WAL mode and every batch is one transaction, so a run killed at any
moment leaves a usable cache holding every batch it committed. A file that is not a sound
SQLite database is detected on open and rebuilt with a one-line warning. SQLite checks its
pages, not what a row holds, so every stored blob carries a checksum (``sealed.seal``),
checked on read: a damaged row is not believed, what it held is made again (one warning a
run).
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from conflictmap.model import Article
from conflictmap.sealed import seal, unseal

log = logging.getLogger(__name__)

SCHEMA = "3"  # 3: every blob sealed with a checksum (sealed.seal)
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
                                 [(key, seal(blob)) for key, blob in rows])

    def get_files(self, paths: Sequence[str]) -> dict[str, tuple[bytes, bytes]]:
        """(stamp, manifest) stored for each of these files that has them, many per query."""
        return self._pairs("files", "path", "stamp", "manifest", paths)

    def _opened(self, blob: bytes) -> bytes | None:
        """A sealed blob's value; None (one warning per cache) when its checksum does not
        hold: the row is damaged, and what it held is made again."""
        value = unseal(blob)
        if value is None:
            self.damaged += 1
            if self.damaged == 1:
                log.warning("%s: a damaged cache row (its checksum does not match); "
                            "extracting what it held again", self.path)
        return value

    def put_files(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (path, stamp, manifest) rows in one transaction; one row per path."""
        self._put("files", ("path", "stamp", "manifest"),
                  ((path, stamp, seal(manifest)) for path, stamp, manifest in rows))

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
                             "VALUES (?, ?, ?, ?, ?)", (path, first, count, keys, seal(pack)))

    def get_merged(self, places: Sequence[str]) -> dict[str, tuple[bytes, bytes]]:
        """(digest, recipe) of the merged events stored for each of these places
        (``mergedcache.MergedCache``)."""
        return self._pairs("merges", "place", "digest", "recipe", places)

    def put_merged(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (place, digest, recipe) rows in one transaction; one row per place."""
        self._put("merges", ("place", "digest", "recipe"),
                  ((place, digest, seal(recipe)) for place, digest, recipe in rows))

    def get_merged_rows(self, places: Sequence[str]) -> dict[str, tuple[bytes, bytes]]:
        """(digest, encoded events) stored for each of these places
        (``mergedcache.MergedCache``)."""
        return self._pairs("merged_rows", "place", "digest", "events", places)

    def put_merged_rows(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (place, digest, encoded events) rows in one transaction."""
        self._put("merged_rows", ("place", "digest", "events"),
                  ((place, digest, seal(events)) for place, digest, events in rows))

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
