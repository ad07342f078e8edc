"""Events as flat records (the output contract of EVENTS.md) and back, and the JSON
helpers the writers and readers share."""

from __future__ import annotations

import json
import logging
import math
from datetime import date
from typing import Any

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
    return Event(
        change=Change(record["change"]), status=Status(record.get("status") or "reported"),
        place=place,
        period=Interval(date.fromisoformat(record["date_start"]),
                        date.fromisoformat(record["date_end"]), int(record["time_precision"])),
        actor=_actor(record, "actor"), losing_actor=_actor(record, "losing_actor"),
        sources=sources,
        confidence=_number({"confidence": 0.5 if record.get("confidence") in (None, "")
                            else record["confidence"]}, "confidence", 0, 1),
        geo_precision=int(record.get("geo_precision") or place.geo_precision),
    )


def _feature(event: Event, record: dict[str, Any] | None = None) -> dict[str, Any]:
    lon, lat = lonlat(event.place.lat, event.place.lon)
    return {"type": "Feature", "id": event.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": event_to_record(event) if record is None else record}


def event_line(event: Event) -> bytes:
    """The event's line in a JSON Lines store: its record (:func:`event_to_record`) as
    compact JSON (orjson, or json where orjson refuses a value: store._dumps)."""
    return _dumps(event_to_record(event))


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



def _dumps(value: Any) -> bytes:
    orjson = _orjson()
    if orjson is not None:
        try:
            return orjson.dumps(value)
        except TypeError:  # text orjson refuses (lone surrogates): json writes it or fails
            pass
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


