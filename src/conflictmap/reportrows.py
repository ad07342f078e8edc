"""One article's reports as the cache stores them: compact JSON arrays of their fields
(empty for none), lossless, so an event read back is equal to the one extracted, and
places and actors are shared between the events read back (:func:`place_of`,
:func:`interval_of`, :func:`actor_of` keep one of each)."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from conflictmap.model import Actor, Change, Event, Interval, Place, PlaceKind, Source, Status
from conflictmap.sealed import dumps, loads


def encode_events(events: Sequence[Event]) -> bytes:
    """One article's reports as compact JSON (b"" when it has none); see :func:`decode_events`."""
    return dumps([event_row(e) for e in events]) if events else b""


def event_row(e: Event) -> list[Any]:
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
        rows = loads(blob)
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
        eid, CHANGES[change], STATUSES[status], place_of(tuple(place)),
        interval_of(start, end, precision), _actor(actor), _actor(losing),
        tuple(Source(sys.intern(a), sys.intern(pub), q, st, en, u, t, sys.intern(r))
              for a, pub, q, st, en, u, t, r in sources),
        conf, geo)


CHANGES = {c.value: c for c in Change}
STATUSES = {s.value: s for s in Status}


@lru_cache(maxsize=65536)
def place_of(fields: tuple[Any, ...]) -> Place:
    pid, name, kind, lat, lon, country, admin1, population = fields
    return Place(pid, name, PlaceKind(kind), lat, lon, country, admin1, population)


@lru_cache(maxsize=65536)
def interval_of(start: str, end: str, precision: int) -> Interval:
    return Interval(date.fromisoformat(start), date.fromisoformat(end), precision)


def _actor(fields: list[str] | None) -> Actor | None:
    return None if fields is None else actor_of(*fields)


@lru_cache(maxsize=4096)
def actor_of(actor_id: str, name: str, side: str, kind: str) -> Actor:
    return Actor(actor_id, name, side, kind)


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
