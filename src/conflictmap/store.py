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
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[Any]:
    """Open a temporary file beside ``path``; on success rename it over ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        kwargs = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
    return record


def _actor(record: dict[str, Any], prefix: str) -> Actor | None:
    actor_id = record.get(prefix)
    if not actor_id:
        return None
    return Actor(id=str(actor_id), name=str(record.get(f"{prefix}_name") or actor_id),
                 side=str(record.get(f"{prefix}_side") or actor_id),
                 kind=str(record.get(f"{prefix}_kind") or "non_state"))


def record_to_event(record: dict[str, Any]) -> Event:
    """Rebuild an Event from :func:`event_to_record` output; KeyError/ValueError if malformed."""
    place = Place(
        id=str(record["place_id"]), name=str(record["place"]),
        kind=PlaceKind(record.get("place_kind") or "town"),
        lat=float(record["lat"]), lon=float(record["lon"]),
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
    return Event(
        change=Change(record["change"]), status=Status(record.get("status") or "reported"),
        place=place,
        period=Interval(date.fromisoformat(record["date_start"]),
                        date.fromisoformat(record["date_end"]), int(record["time_precision"])),
        actor=_actor(record, "actor"), losing_actor=_actor(record, "losing_actor"),
        sources=sources, confidence=float(record.get("confidence") or 0.5),
        geo_precision=int(record.get("geo_precision") or place.geo_precision),
    )


def _feature(event: Event) -> dict[str, Any]:
    lon, lat = lonlat(event.place.lat, event.place.lon)
    return {"type": "Feature", "id": event.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": event_to_record(event)}


def dump_jsonl(events: Iterable[Event], handle: TextIO) -> int:
    count = 0
    for event in events:
        handle.write(json.dumps(event_to_record(event), ensure_ascii=False) + "\n")
        count += 1
    return count


def dump_geojson(events: Iterable[Event], handle: TextIO) -> None:
    collection = {"type": "FeatureCollection", "features": [_feature(e) for e in events]}
    json.dump(collection, handle, ensure_ascii=False)
    handle.write("\n")


def neutralise_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
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
    row: dict[str, Any] = {key: neutralise_cell(value) for key, value in text.items()}
    row |= {"time_precision": event.period.precision, "latitude": event.place.lat,
            "longitude": event.place.lon, "geo_precision": event.geo_precision,
            "confidence": round(event.confidence, 3)}
    return row


def dump_csv(events: Iterable[Event], handle: TextIO) -> None:
    writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        writer.writerow(csv_row(event))


def write_jsonl(events: Iterable[Event], path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as handle:
        dump_jsonl(events, handle)


def write_geojson(events: Iterable[Event], path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as handle:
        dump_geojson(events, handle)


def write_csv(events: Iterable[Event], path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as handle:
        dump_csv(events, handle)


def write_gpkg(events: Sequence[Event], path: str | os.PathLike[str]) -> None:
    """A GeoPackage layer 'events' (EPSG:4326) that QGIS and ogr2ogr open."""
    import geopandas as gpd
    from shapely.geometry import Point

    rows = []
    for event in events:
        record = event_to_record(event)
        record["sources"] = json.dumps(record["sources"], ensure_ascii=False)
        record["quotes"] = " | ".join(s.quote for s in event.sources)
        rows.append(record)
    geometry = [Point(*lonlat(e.place.lat, e.place.lon)) for e in events]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs="EPSG:4326")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".gpkg", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        frame.to_file(tmp, layer="events", driver="GPKG", engine="pyogrio")
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def read_events(path: str | os.PathLike[str]) -> list[Event]:
    """Read events written by conflictmap (.geojson, .jsonl or .gpkg)."""
    source = Path(path)
    suffix = source.suffix.lower()
    try:
        if suffix == ".gpkg":
            return _read_gpkg(source)
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such events file", source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the events file ({exc})", source) from None
    if suffix in (".geojson", ".json"):
        return _read_geojson(text, source)
    if suffix in (".jsonl", ".ndjson"):
        return _read_jsonl(text, source)
    raise InputError(f"unknown events file type {suffix!r}; expected .geojson, .jsonl or .gpkg",
                     source)


def _read_jsonl(text: str, source: Path) -> list[Event]:
    events = []
    for number, line in enumerate(io.StringIO(text), start=1):
        if line.strip():
            events.append(_parse_record(line, source, number))
    return events


def _parse_record(line: str, source: Path, number: int) -> Event:
    try:
        return record_to_event(json.loads(line))
    except json.JSONDecodeError as exc:
        raise InputError(f"expected one JSON event per line ({exc.msg})", source, number) from None
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(f"not a conflictmap event record ({exc!s} missing or invalid)",
                         source, number) from None


def _read_geojson(text: str, source: Path) -> list[Event]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid GeoJSON ({exc.msg})", source, exc.lineno) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise InputError("expected a GeoJSON FeatureCollection with 'features'", source)
    events = []
    for i, feature in enumerate(features, start=1):
        try:
            events.append(record_to_event(feature["properties"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise InputError(f"feature {i} is not a conflictmap event ({exc!s})", source) from None
    return events


def _read_gpkg(source: Path) -> list[Event]:
    import pyogrio

    if not source.exists():
        raise InputError("no such events file", source)
    frame = pyogrio.read_dataframe(source, layer="events", read_geometry=False)
    frame = frame.astype(object)
    records = frame.where(frame.notna(), None).to_dict(orient="records")
    return [record_to_event(r) for r in records]
