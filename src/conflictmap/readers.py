"""Reading events files that conflictmap wrote (.geojson, .jsonl, .gpkg)."""

from __future__ import annotations

import io
import json
import logging
import os
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from conflictmap import gctools
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
)
from conflictmap.outputset import finish_pending
from conflictmap.records import _actor, _loads, _orjson, _short, record_to_event

log = logging.getLogger(__name__)

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
    finish_pending(source.parent)  # a set an interrupted build left half replaced
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
        return Event(change, status, place, period, actor, losing, sources, confidence, geo)

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


