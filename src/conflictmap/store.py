"""The event store: events.geojson, events.csv (ACLED-style), events.gpkg, JSON Lines.

Every file is written atomically: to a temporary file in the same folder, flushed to disk,
then renamed over the target, so an interrupted run leaves the previous output intact.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import math
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from conflictmap import gctools
from conflictmap.corrections import record_flags, with_flags
from conflictmap.errors import InputError
from conflictmap.model import (
    Actor,
    Change,
    Event,
    Interval,
    Place,
    PlaceKind,
    Source,
    Status,
    lonlat,
)

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "geojson", "csv", "gpkg")
CSV_COLUMNS = (
    "event_id", "event_date", "date_start", "date_end", "time_precision", "event_type",
    "sub_event_type", "change", "status", "actor1", "actor2", "country", "admin1", "location",
    "place_id", "latitude", "longitude", "geo_precision", "source", "source_urls", "notes",
    "confidence",
)
# What a spreadsheet takes as the start of a formula (also in full width, which some
# locales' spreadsheets convert), after any leading blanks.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d",
                  "\uff20")
_BLANKS = " \u00a0\u3000\f\v"
_RISKY_FIRST = frozenset("".join(_FORMULA_START) + _BLANKS)  # a cell can only start so


def _file_mode() -> int:
    """0o666 minus the umask: what a plain open() would have created."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


STALE_SECONDS = 5.0  # a temp file untouched this long whose writer process is gone


def _temp_prefix(target: Path) -> str:
    """Temp files are named .<target>.<pid>.<random>: a later run can tell which ones a
    killed run (SIGKILL, power loss) left behind and remove them."""
    return f".{target.name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def remove_stale_temps(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temp files of ``target`` that a killed run left (its process is gone and
    the file has not changed for STALE_SECONDS). Returns what was removed."""
    import time

    path = Path(target)
    removed = []
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{glob_escape(path.name)}.*"):
            parts = leftover.name[len(path.name) + 2:].split(".", 1)
            if len(parts) != 2 or not parts[0].isdigit() or not (
                    parts[1].endswith(".tmp") or ".staged" in parts[1]):
                continue
            pid = int(parts[0])
            with contextlib.suppress(OSError):
                fresh = time.time() - leftover.stat().st_mtime < STALE_SECONDS
                if pid != os.getpid() and not fresh and not _alive(pid):
                    leftover.unlink()
                    removed.append(leftover)
    for leftover in removed:
        log.info("%s: removed a temp file left by an interrupted run", leftover)
    return removed


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file to replace: a symlink is followed (the file it points to is updated, the
    link stays a link), as a plain open() for writing would."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    return target


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[Any]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    The new file gets the old file's permissions (or the umask's default, never mkstemp's
    0600). A target that exists and is not a regular file (``/dev/stdout``, a named pipe)
    is written directly: there is nothing to keep, and renaming over it would replace the
    device node.
    """
    kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
    try:
        info = os.stat(path)  # follows symlinks: /dev/stdout -> /proc/self/fd/1 -> a pipe
    except (FileNotFoundError, NotADirectoryError):
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        with open(path, mode, **kwargs) as handle:
            yield handle
        return
    target = _resolve_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, stat.S_IMODE(info.st_mode) if info is not None else _file_mode())
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(target.parent)


@contextlib.contextmanager
def atomic_files(directory: str | os.PathLike[str]) -> Iterator[Callable[[str], Path]]:
    """Write several files as one step: all of them replace the old ones, or none does.

    ``stage(name)`` gives a temporary path in ``directory`` to write ``name`` to (with any
    writer, atomic or not); when the block ends without an exception every staged file is
    renamed over its target, otherwise every staged file is removed and the old outputs
    stay as they were::

        with atomic_files(out_dir) as stage:
            write_geojson(events, stage("events.geojson"))
            write_csv(events, stage("events.csv"))
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []

    def stage(name: str) -> Path:
        target = _resolve_target(folder / name)
        remove_stale_temps(target)
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target),
                                   suffix=f".staged{target.suffix}", dir=target.parent)
        os.close(fd)
        os.unlink(tmp)  # writers (GDAL) may refuse an existing file; the name is ours
        staged.append((Path(tmp), target))
        return Path(tmp)

    try:
        yield stage
        for tmp, target in staged:
            if not tmp.exists():
                raise FileNotFoundError(f"staged output {target.name} was never written")
            mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _file_mode()
            os.chmod(tmp, mode)
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            for leftover in (tmp, *_sidecars(tmp)):
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
    _fsync_directory(folder)


def _sidecars(path: Path) -> list[Path]:
    """SQLite's journal files that GDAL may leave beside a GeoPackage."""
    return [path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm")]


def _actor_fields(prefix: str, actor: Actor | None) -> dict[str, Any]:
    return {
        prefix: actor.id if actor else None,
        f"{prefix}_name": actor.name if actor else None,
        f"{prefix}_side": actor.side if actor else None,
        f"{prefix}_kind": actor.kind if actor else None,
    }


def event_to_record(event: Event) -> dict[str, Any]:
    """The output contract of EVENTS.md as a flat JSON-able dict."""
    place = event.place
    record: dict[str, Any] = {
        "id": event.id,
        "change": event.change.value,
        "status": event.status.value,
        "place": place.name,
        "place_id": place.id,
        "place_kind": place.kind.value,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "admin1": place.admin1,
        "population": place.population,
        "geo_precision": event.geo_precision,
        "date_start": event.period.start.isoformat(),
        "date_end": event.period.end.isoformat(),
        "time_precision": event.period.precision,
    }
    record |= _actor_fields("actor", event.actor)
    record |= _actor_fields("losing_actor", event.losing_actor)
    record["sources"] = [
        {"article": s.article, "published": s.published, "quote": s.quote, "start": s.start,
         "end": s.end, "url": s.url, "title": s.title, "rule": s.rule}
        for s in event.sources
    ]
    record["acled_event_type"] = event.acled_event_type
    record["acled_sub_event_type"] = event.acled_sub_event_type
    record["confidence"] = round(event.confidence, 3)
    record |= record_flags(event)  # the key and the analyst's flags (corrections.py)
    return record


def _actor(record: dict[str, Any], prefix: str) -> Actor | None:
    actor_id = record.get(prefix)
    if not actor_id:
        return None
    def field(key: str, default: object) -> str:
        value = record.get(f"{prefix}_{key}")
        return str(default if value is None else value)

    return Actor(id=str(actor_id), name=field("name", actor_id), side=field("side", actor_id),
                 kind=field("kind", "non_state") or "non_state")


def _number(record: dict[str, Any], key: str, low: float, high: float) -> float:
    value = float(record[key])
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{key} {value!r} is not a number in [{low}, {high}]")
    return value


def record_to_event(record: dict[str, Any]) -> Event:
    """Rebuild an Event from :func:`event_to_record` output; KeyError/ValueError if malformed."""
    if not isinstance(record, dict):
        raise TypeError(f"expected a JSON object, found {type(record).__name__}")
    place = Place(
        id=str(record["place_id"]), name=str(record["place"]),
        kind=PlaceKind(record.get("place_kind") or "town"),
        lat=_number(record, "lat", -90, 90), lon=_number(record, "lon", -180, 180),
        country=str(record.get("country") or ""), admin1=str(record.get("admin1") or ""),
        population=int(record.get("population") or 0),
    )
    sources_raw = record.get("sources") or []
    if isinstance(sources_raw, str):
        sources_raw = json.loads(sources_raw)
    sources = tuple(
        Source(article=str(s["article"]), published=str(s.get("published", "")),
               quote=str(s.get("quote", "")), start=int(s.get("start", 0)),
               end=int(s.get("end", 0)), url=str(s.get("url") or ""),
               title=str(s.get("title") or ""), rule=str(s.get("rule") or ""))
        for s in sources_raw
    )
    return with_flags(Event(
        change=Change(record["change"]), status=Status(record.get("status") or "reported"),
        place=place,
        period=Interval(date.fromisoformat(record["date_start"]),
                        date.fromisoformat(record["date_end"]), int(record["time_precision"])),
        actor=_actor(record, "actor"), losing_actor=_actor(record, "losing_actor"),
        sources=sources,
        confidence=_number({"confidence": 0.5 if record.get("confidence") in (None, "")
                            else record["confidence"]}, "confidence", 0, 1),
        geo_precision=int(record.get("geo_precision") or place.geo_precision),
    ), record)


def _feature(event: Event, record: dict[str, Any] | None = None) -> dict[str, Any]:
    lon, lat = lonlat(event.place.lat, event.place.lon)
    return {"type": "Feature", "id": event.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": event_to_record(event) if record is None else record}


def event_line(event: Event) -> bytes:
    """The event's line in a JSON Lines store: its record (:func:`event_to_record`) as
    compact JSON (orjson, or json where orjson refuses a value: store._dumps)."""
    return _dumps(event_to_record(event))


def dump_jsonl(events: Iterable[Event], handle: TextIO) -> int:
    """One event per line (:func:`event_line`); the number of events."""
    return write_lines(map(event_line, events), handle)


def write_lines(lines: Iterable[bytes], handle: TextIO) -> int:
    """Lines :func:`event_line` made (without their line breaks), one per line, as
    :func:`dump_jsonl` writes them; the number of lines."""
    count = 0
    block: list[bytes] = []
    for line in lines:
        block.append(line)
        count += 1
        if len(block) >= 1024:  # written in blocks: one write per line costs more
            handle.write(b"\n".join(block).decode("utf-8") + "\n")
            block.clear()
    if block:
        handle.write(b"\n".join(block).decode("utf-8") + "\n")
    return count


def dump_geojson(events: Iterable[Event], handle: TextIO,
                 records: Sequence[dict[str, Any]] | None = None) -> None:
    """One FeatureCollection, written as the events come (a stream holds a block of
    features, not the collection); ``records``: the events' :func:`event_to_record` dicts,
    when the caller has them."""
    # orjson, or json where orjson cannot write a value (store._dumps), feature by feature:
    # the bytes of dumping the whole collection at once, not json.dump's pure-Python encoder.
    pairs: Iterable[tuple[Event, dict[str, Any] | None]] = (
        zip(events, records, strict=True) if records is not None
        else ((e, None) for e in events))
    handle.write('{"type":"FeatureCollection","features":[')
    block: list[str] = []
    joiner = ""
    for event, record in pairs:
        block.append(_dumps(_feature(event, record)).decode("utf-8"))
        if len(block) >= 1024:
            handle.write(joiner + ",".join(block))
            joiner, block = ",", []
    if block:
        handle.write(joiner + ",".join(block))
    handle.write("]}\n")


def neutralise_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe.

    A formula start after leading blanks counts too (" =1+1"), as do the full-width signs.
    """
    if not isinstance(value, str) or not value or value[0] not in _RISKY_FIRST:
        return value  # most cells: the first character is neither a formula sign nor blank
    if value.startswith(_FORMULA_START) or value.lstrip(_BLANKS).startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(event: Event) -> dict[str, Any]:
    """One ACLED-style row (actor1 gains, actor2 loses)."""
    notes = " | ".join(f"{s.article}: {s.quote}" for s in event.sources)
    text = {
        "event_id": event.id,
        "event_date": event.period.end.isoformat(),
        "date_start": event.period.start.isoformat(),
        "date_end": event.period.end.isoformat(),
        "event_type": event.acled_event_type,
        "sub_event_type": event.acled_sub_event_type,
        "change": event.change.value,
        "status": event.status.value,
        "actor1": event.actor.name if event.actor else "",
        "actor2": event.losing_actor.name if event.losing_actor else "",
        "country": event.place.country,
        "admin1": event.place.admin1,
        "location": event.place.name,
        "place_id": event.place.id,
        "source": "; ".join(dict.fromkeys(s.title or s.article for s in event.sources)),
        "source_urls": " ".join(dict.fromkeys(s.url for s in event.sources if s.url)),
        "notes": notes,
    }
    # A lone CR is not quoted by the csv module (the line ends in LF) but ends a row in
    # spreadsheets and other readers: every line break becomes LF, which is quoted.
    row: dict[str, Any] = {key: neutralise_cell(value.replace("\r\n", "\n").replace("\r", "\n")
                                                if "\r" in value else value)
                           for key, value in text.items()}
    row |= {"time_precision": event.period.precision, "latitude": event.place.lat,
            "longitude": event.place.lon, "geo_precision": event.geo_precision,
            "confidence": round(event.confidence, 3)}
    return row


def dump_csv(events: Iterable[Event], handle: TextIO) -> None:
    """ACLED-compatible rows (acled.py: ACLED's columns in ACLED's order, then ours)."""
    from conflictmap.acled import CSV_COLUMNS as columns
    from conflictmap.acled import csv_cells

    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(map(csv_cells, events))


def write_jsonl(events: Iterable[Event], path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as handle:
        dump_jsonl(events, handle)


def write_geojson(events: Iterable[Event], path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as handle:
        dump_geojson(events, handle)


def write_csv(events: Iterable[Event], path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as handle:
        dump_csv(events, handle)


def dump_gpkg(events: Sequence[Event], path: str | os.PathLike[str],
              records: Sequence[dict[str, Any]] | None = None) -> None:
    """Write a GeoPackage layer 'events' (EPSG:4326) at ``path`` (not atomic by itself).
    ``records``: the events' :func:`event_to_record` dicts, when the caller has them."""
    import geopandas as gpd
    import pandas as pd

    # Columns built directly (no list of row dicts) and points made in one go: the same
    # frame for about half the peak memory.
    columns: dict[str, list[Any]] = {}
    for i, event in enumerate(events):
        record = dict(records[i]) if records is not None else event_to_record(event)
        record["sources"] = _dumps(record["sources"]).decode("utf-8")
        record["quotes"] = " | ".join(s.quote for s in event.sources)
        if not columns:
            columns = {key: [] for key in record}
        for key, value in record.items():
            columns[key].append(value)
    if columns:
        xy = [lonlat(e.place.lat, e.place.lon) for e in events]
        geometry = gpd.points_from_xy([x for x, _ in xy], [y for _, y in xy])
        del xy
        frame = gpd.GeoDataFrame(columns, geometry=geometry, crs="EPSG:4326")
    else:
        frame = gpd.GeoDataFrame([], geometry=[], crs="EPSG:4326")
    del columns
    arrow = _arrow_writes()
    for name in ("date_start", "date_end"):  # dates as dates (GDAL Date; DateTime w/o Arrow)
        if name in frame:
            days = pd.to_datetime(frame[name], format="%Y-%m-%d")
            frame[name] = days.dt.date if arrow else days
    frame.to_file(path, layer="events", driver="GPKG", engine="pyogrio", use_arrow=arrow)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _arrow_writes() -> bool:
    """pyogrio writes through Arrow when pyarrow is installed: the same layer, 2.5x faster
    (0.25 s instead of 0.63 s for 21,000 events)."""
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def write_gpkg(events: Sequence[Event], path: str | os.PathLike[str]) -> None:
    """A GeoPackage layer 'events' (EPSG:4326) that QGIS and ogr2ogr open, atomically."""
    with atomic_files(Path(path).parent) as stage:
        dump_gpkg(events, stage(Path(path).name))


def read_events(path: str | os.PathLike[str]) -> list[Event]:
    """Read events written by conflictmap (.geojson, .jsonl or .gpkg)."""
    return scan_events(path)[0]


def scan_events(path: str | os.PathLike[str], until: date | None = None,
                ) -> tuple[list[Event], int]:
    """(events, number of records in the file): every record is checked as
    :func:`read_events` checks it, but only the events that start on or before ``until``
    (all when None) are built and returned, in file order.

    ``conflictmap render --from A --to B`` needs no event that starts after B: such an
    event is neither drawn nor part of the control history up to B.
    """
    with gctools.paused():
        return _scan(Path(path), until)


def _scan(source: Path, until: date | None) -> tuple[list[Event], int]:
    suffix = source.suffix.lower()
    decoder = _Decoder(until)
    data = None
    try:
        if suffix == ".gpkg":
            return _read_gpkg(source, decoder), decoder.records
        if suffix in (".geojson", ".json"):
            data = _orjson_loads(source.read_bytes())
        text = source.read_text(encoding="utf-8") if data is None else ""
    except FileNotFoundError:
        raise InputError("no such events file", source) from None
    except InputError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the events file ({_short(exc)})", source) from None
    if data is not None:
        try:
            return _geojson_events(data.pop(), source, decoder), decoder.records
        except _Reparse:
            decoder = _Decoder(until)
            text = source.read_text(encoding="utf-8")
    if suffix in (".geojson", ".json"):
        return _read_geojson(text, source, decoder), decoder.records
    if suffix in (".jsonl", ".ndjson"):
        return _read_jsonl(text, source, decoder), decoder.records
    raise InputError(f"unknown events file type {suffix!r}; expected .geojson, .jsonl or .gpkg",
                     source)


def _short(exc: BaseException) -> str:
    text = " ".join(str(getattr(exc, "strerror", None) or exc).split())
    return text if len(text) <= 160 else text[:157] + "..."


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _orjson() -> Any:
    """orjson when installed (about twice as fast as json on a large store), else None."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        return None
    return orjson


def _orjson_loads(raw: bytes) -> list[Any] | None:
    """[the document] as orjson reads it, or None where json must read it (no orjson, or
    orjson refuses it: json then says what is wrong, or reads NaN and such). orjson
    checks UTF-8 as strictly as Python's codec, so it reads only what read_text would."""
    orjson = _orjson()
    if orjson is None:
        return None
    try:
        return [orjson.loads(raw)]
    except orjson.JSONDecodeError:
        return None


class _Reparse(Exception):
    """orjson read a number json reads otherwise: parse the text again with json."""


# orjson turns an integer literal beyond 64 bits into a float; json keeps it an int.
_BIG = float(2**63)


def _has_big_float(value: Any) -> bool:
    """Whether a parsed value holds a float that may come from such an integer literal."""
    if type(value) is float:
        return not -_BIG < value < _BIG
    if type(value) is dict:
        return any(_has_big_float(v) for v in value.values())
    if type(value) is list:
        return any(_has_big_float(v) for v in value)
    return False


_CHANGE = {c.value: c for c in Change}
_STATUS = {s.value: s for s in Status}
_KIND = {k.value: k for k in PlaceKind}
_FIELDS = itemgetter(
    "date_start", "date_end", "time_precision",
    "place_id", "place", "place_kind", "lat", "lon", "country", "admin1", "population",
    "change", "status",
    "actor", "actor_name", "actor_side", "actor_kind",
    "losing_actor", "losing_actor_name", "losing_actor_side", "losing_actor_kind",
    "confidence", "geo_precision", "sources")
_SOURCE_FIELDS = itemgetter("article", "published", "quote", "start", "end", "url", "title",
                            "rule")


class _Decoder:
    """record_to_event for a whole file: the places, actors and intervals that many events
    share are built once and shared (equal values, as record_to_event would build them).

    The fast path takes records of the plain shape conflictmap writes (each field of the
    type it writes); any other record goes through :func:`record_to_event` itself, so
    errors and results are the same. Records that start after ``until`` are checked the
    same way but not built.
    """

    def __init__(self, until: date | None = None, *, checked: bool = False) -> None:
        self.until = until
        self.records = 0
        # checked: the values come from json (no orjson big-integer floats to look for)
        self.checked = checked
        self._places: dict[tuple, Place] = {}
        self._actors: dict[tuple, Actor] = {}
        self._intervals: dict[tuple, Interval] = {}
        self._until_iso = until.isoformat() if until is not None else None

    def event(self, record: Any) -> Event | None:
        """The event of one record, None if it starts after ``until``; raises what
        record_to_event raises."""
        self.records += 1
        if type(record) is dict:
            try:
                return self._fast(record)
            except _Reparse:
                raise
            except Exception:
                pass
        if not self.checked and _has_big_float(record):
            raise _Reparse
        event = record_to_event(record)
        if self.until is not None and event.period.start > self.until:
            return None
        return event

    def _fast(self, r: dict[str, Any]) -> Event | None:
        # Every field in one call; a record without one of them is not of the plain shape
        # (KeyError: record_to_event, which knows the defaults, reads it).
        f = _FIELDS(r)
        period = self._interval(f[0:3])
        place = self._place(f[3:11])
        change = _CHANGE[f[11]]
        status = _STATUS[f[12] or "reported"]
        actor = self._actor(f[13:17]) if f[13] else None
        losing = self._actor(f[17:21]) if f[17] else None
        confidence = f[21]
        if confidence is None or confidence == "":
            confidence = 0.5
        elif type(confidence) is not float or not 0 <= confidence <= 1:
            raise ValueError("not a plain confidence")
        geo = f[22] or place.geo_precision
        if type(geo) is not int:
            raise ValueError("not a plain geo_precision")
        raw = f[23] or []
        if type(raw) is str:  # a GeoPackage column
            raw = json.loads(raw)
        if type(raw) is not list:
            raise ValueError("not a plain source list")
        until = self.until
        if until is not None and period.start > until:
            for s in raw:  # checked as if built
                self._source_fields(s)
            return None
        sources = tuple([Source(*self._source_fields(s)) for s in raw])
        event = Event(change, status, place, period, actor, losing, sources, confidence, geo)
        return with_flags(event, r) if "verified" in r or "corrected" in r else event

    @staticmethod
    def _source_fields(s: Any) -> tuple[Any, ...]:
        article, published, quote, start, end, url, title, rule = _SOURCE_FIELDS(s)
        url, title, rule = url or "", title or "", rule or ""
        if (type(article) is not str or type(published) is not str or type(quote) is not str
                or type(start) is not int or type(end) is not int or type(url) is not str
                or type(title) is not str or type(rule) is not str):
            raise ValueError("not a plain source")
        return article, published, quote, start, end, url, title, rule

    def _interval(self, key: tuple[Any, ...]) -> Interval:
        interval = self._intervals.get(key)
        if interval is None:
            start, end, precision = key
            if type(start) is not str or type(end) is not str or type(precision) is not int:
                raise ValueError("not a plain interval")
            interval = self._intervals[key] = Interval(
                date.fromisoformat(start), date.fromisoformat(end), precision)
        return interval

    def _place(self, key: tuple[Any, ...]) -> Place:
        place = self._places.get(key)
        if place is None:
            pid, name, kind, lat, lon, country, admin1, population = key
            if (type(pid) is not str or type(name) is not str or type(lat) is not float
                    or type(lon) is not float or not (-90 <= lat <= 90 and -180 <= lon <= 180)
                    or not (lat and lon)  # 0.0 == -0.0: keep the sign as written
                    or (country is not None and type(country) is not str)
                    or (admin1 is not None and type(admin1) is not str)
                    or (population is not None and type(population) is not int)):
                raise ValueError("not a plain place")
            place = self._places[key] = Place(
                pid, name, _KIND[kind or "town"], lat, lon, country or "", admin1 or "",
                population or 0)
        return place

    def _actor(self, key: tuple[Any, ...]) -> Actor:
        """(id, name, side, kind) as written, the id not empty."""
        actor = self._actors.get(key)
        if actor is None:
            for value in key:
                if value is not None and type(value) is not str:
                    raise ValueError("not a plain actor")
            actor_id, name, side, kind = key
            actor = self._actors[key] = _actor(
                {"a": actor_id, "a_name": name, "a_side": side, "a_kind": kind}, "a")
        return actor


def _read_jsonl(text: str, source: Path, decoder: _Decoder | None = None) -> list[Event]:
    decoder = decoder or _Decoder()
    orjson = _orjson()
    events = []
    for number, line in enumerate(io.StringIO(text), start=1):
        if line.strip():
            event = _parse_line(line, source, number, decoder, orjson)
            if event is not None:
                events.append(event)
    return events


def _parse_line(line: str, source: Path, number: int, decoder: _Decoder,
                orjson: Any) -> Event | None:
    if orjson is not None:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            pass  # json says what is wrong, or reads what orjson does not (NaN, big numbers)
        else:
            try:
                return _decode_record(record, decoder, source, number)
            except _Reparse:
                decoder.records -= 1
    decoder.checked, checked = True, decoder.checked
    try:
        return _parse_record(line, source, number, decoder)
    finally:
        decoder.checked = checked


def _decode_record(record: Any, decoder: _Decoder, source: Path, number: int) -> Event | None:
    try:
        return decoder.event(record)
    except _Reparse:
        raise
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise InputError(f"not a conflictmap event record ({_short(exc)} missing or invalid)",
                         source, number) from None


def _parse_record(line: str, source: Path, number: int,
                  decoder: _Decoder | None = None) -> Event | None:
    try:
        record = _loads(line)
    except ValueError as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else _short(exc)
        raise InputError(f"expected one JSON event per line ({msg})", source, number) from None
    if decoder is None:
        decoder = _Decoder(checked=True)
    return _decode_record(record, decoder, source, number)


def _read_geojson(text: str, source: Path, decoder: _Decoder | None = None) -> list[Event]:
    orjson = _orjson()
    if orjson is not None:
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # json says what is wrong, or reads what orjson does not (NaN, big numbers)
        else:
            try:
                return _geojson_events(data, source, decoder or _Decoder())
            except _Reparse:
                pass
    try:
        data = _loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid GeoJSON ({exc.msg})", source, exc.lineno) from None
    except ValueError as exc:
        raise InputError(f"invalid GeoJSON ({_short(exc)})", source) from None
    if decoder is None:
        decoder = _Decoder()
    decoder.records, decoder.checked = 0, True
    return _geojson_events(data, source, decoder)


def _geojson_events(data: Any, source: Path, decoder: _Decoder) -> list[Event]:
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise InputError("expected a GeoJSON FeatureCollection with 'features'", source)
    events = []
    event = decoder.event
    for i, feature in enumerate(features, start=1):
        features[i - 1] = None  # each record is freed once read: a lower peak of memory
        try:
            found = event(feature["properties"])
        except _Reparse:
            raise
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(f"feature {i} is not a conflictmap event ({_short(exc)})",
                             source) from None
        if found is not None:
            events.append(found)
    return events


def _read_gpkg(source: Path, decoder: _Decoder | None = None) -> list[Event]:
    import pyogrio

    if not source.exists():
        raise InputError("no such events file", source)
    try:
        frame = pyogrio.read_dataframe(source, layer="events", read_geometry=False)
    except Exception as exc:  # pyogrio's DataSourceError etc.: not a GeoPackage we wrote
        raise InputError(f"not a conflictmap GeoPackage with a layer 'events' ({_short(exc)})",
                         source) from None
    for name in ("date_start", "date_end"):  # Date fields back to ISO text
        if name in frame and str(frame[name].dtype).startswith("datetime64"):
            frame[name] = frame[name].dt.strftime("%Y-%m-%d")
    frame = frame.astype(object)
    records = frame.where(frame.notna(), None).to_dict(orient="records")
    decoder = decoder or _Decoder()
    decoder.checked = True  # the values come from GDAL, not orjson
    events = []
    for i, record in enumerate(records, start=1):
        try:
            event = decoder.event(record)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(f"feature {i} is not a conflictmap event ({_short(exc)})",
                             source) from None
        if event is not None:
            events.append(event)
    return events


# ---- the render index: what `conflictmap render` needs, beside events.geojson ----

RENDER_INDEX_FORMAT = "conflictmap-render-index"
RENDER_INDEX_VERSION = 1


def render_index_path(events_file: str | os.PathLike[str]) -> Path:
    """events.geojson -> events.render.json beside it."""
    path = Path(events_file)
    return path.with_name(f"{path.stem}.render.json")


def _file_sha1(path: Path) -> str:
    import hashlib

    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha1").hexdigest()


def _dumps(value: Any) -> bytes:
    orjson = _orjson()
    if orjson is not None:
        try:
            return orjson.dumps(value)
        except TypeError:  # text orjson refuses (lone surrogates): json writes it or fails
            pass
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_render_index(events: Sequence[Event], geojson: str | os.PathLike[str],
                       path: str | os.PathLike[str]) -> None:
    """The render index of ``events``, which ``geojson`` (already written, closed) holds.

    Line 1 is a header naming the GeoJSON file's size and SHA-1 and the SHA-1 of line 2,
    the payload (render.index_payload: the events as columns, the page frames, the side
    labels). ``conflictmap render`` uses it only while both digests match; otherwise it
    reads the GeoJSON. Not atomic by itself: write it to a path from atomic_files.
    """
    from conflictmap.render import index_payload

    source = Path(geojson)
    payload = _dumps(index_payload(events))
    header = {"format": RENDER_INDEX_FORMAT, "version": RENDER_INDEX_VERSION,
              "store": {"size": source.stat().st_size, "sha1": _file_sha1(source)},
              "payload": {"size": len(payload), "sha1": _sha1(payload)}}
    with open(path, "wb") as handle:
        handle.write(json.dumps(header).encode("ascii") + b"\n")
        handle.write(payload)
        handle.write(b"\n")
        handle.flush()
        os.fsync(handle.fileno())


def write_indexed_geojson(events: Sequence[Event], path: str | os.PathLike[str]) -> None:
    """``path`` (a .geojson) and its render index beside it, replaced together, as
    ``conflictmap build`` writes them."""
    target = Path(path)
    with atomic_files(target.parent) as stage:
        geojson = stage(target.name)
        write_geojson(events, geojson)
        write_render_index(events, geojson, stage(render_index_path(target).name))


def _sha1(data: bytes) -> str:
    import hashlib

    return hashlib.sha1(data).hexdigest()


class _Stale(Exception):
    """The render index does not belong to the events file as it is now."""


def read_render_index(events_file: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The payload of the render index beside ``events_file`` (a .geojson), or None: when
    there is none (silently), or it is damaged, of another version, or not of the file as
    it is now (one warning line). Never raises."""
    source = Path(events_file)
    if source.suffix.lower() != ".geojson":
        return None
    path = render_index_path(source)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("%s: cannot read the render index (%s); reading %s", path, _short(exc),
                    source.name)
        return None
    try:
        return _index_payload(raw, source)
    except _Stale as exc:
        log.warning("%s: %s; reading %s instead", path, exc, source.name)
    except Exception as exc:  # a damaged index is only a slower render
        log.warning("%s: not a usable render index (%s); reading %s instead", path,
                    _short(exc), source.name)
    return None


def _index_payload(raw: bytes, source: Path) -> dict[str, Any]:
    line, _, payload = raw.partition(b"\n")
    header = json.loads(line)
    if not isinstance(header, dict) or header.get("format") != RENDER_INDEX_FORMAT:
        raise ValueError("not a render index")
    if header.get("version") != RENDER_INDEX_VERSION:
        raise _Stale(f"render index version {header.get('version')!r}, expected "
                     f"{RENDER_INDEX_VERSION}")
    store, body = header["store"], header["payload"]
    payload = payload[:-1] if payload.endswith(b"\n") else payload
    if len(payload) != body["size"] or _sha1(payload) != body["sha1"]:
        raise ValueError("its digest does not match its content")
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise _Stale(f"cannot read {source.name} ({_short(exc)})") from None
    if size != store["size"] or _file_sha1(source) != store["sha1"]:
        raise _Stale(f"out of date ({source.name} has changed since the index was written)")
    orjson = _orjson()
    with gctools.paused():
        data = orjson.loads(payload) if orjson is not None else json.loads(payload)
    if not isinstance(data, dict):
        raise ValueError("the payload is not an object")
    return data
