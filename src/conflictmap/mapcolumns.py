"""The events as plain columns (:class:`EventColumns`), the one form both render paths draw
from, and the control timeline computed on them (as consolidate.control_timeline)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from conflictmap.model import Actor, Change, ControlSpan, Event, Place, PlaceKind, Status

log = logging.getLogger(__name__)

_EPOCH = date(1970, 1, 1).toordinal()
_CHANGES = (Change.CAPTURE, Change.RECAPTURE, Change.WITHDRAWAL, Change.CONTESTED)
_STATUSES = (Status.REPORTED, Status.CLAIMED, Status.DISPUTED)
_CONTESTED = _CHANGES.index(Change.CONTESTED)
_DISPUTED = _STATUSES.index(Status.DISPUTED)
_STATES = {"held": 1, "contested": 2, "lost": 3}
_HELD, _CONTESTED_STATE, _LOST = 1, 2, 3
_AREA_KINDS = frozenset((PlaceKind.REGION.value, PlaceKind.COUNTRY.value))


def _day(d: date) -> int:
    return d.toordinal() - _EPOCH


def _date(day: int) -> date:
    return date.fromordinal(day + _EPOCH)


# columns a render index written by an older version may lack
_OPTIONAL = frozenset({"confidence", "order", "key", "verified"})


@dataclass(frozen=True)
class EventColumns:
    """What the map needs of a list of events, as parallel lists (one row per event).

    Places, actors, articles and quotes are tables of distinct values; events refer to
    them by index (actors by index + 1, 0 for none). Days are days since 1970-01-01;
    ``change`` and ``status`` index _CHANGES and _STATUSES. Each event's sources are
    ``nsrc`` consecutive rows of ``src_article`` / ``src_quote``.
    """

    place_id: list[str]
    place_name: list[str]
    place_kind: list[str]
    place_lat: list[float]
    place_lon: list[float]
    actor_id: list[str]
    actor_name: list[str]
    actor_side: list[str]
    article_name: list[str]
    article_url: list[str]
    article_title: list[str]
    article_published: list[str]
    quote: list[str]
    id: list[str]
    start: list[int]
    end: list[int]
    precision: list[int]
    geo: list[int]
    place: list[int]
    change: list[int]
    status: list[int]
    actor: list[int]
    losing: list[int]
    nsrc: list[int]
    src_article: list[int]
    src_quote: list[int]
    # Each event's confidence in percent (0-100); None in a render index written before it:
    # read as 50 each (the store's default).
    confidence: list[int] | None = None
    # The events sorted as control_timeline sorts them, (end, start, id), ties in row
    # order; None: sorted when needed.
    order: list[int] | None = None
    # each event's key and verified flag (corrections.py; None in an older render index)
    key: list[str] | None = None
    verified: list[int] | None = None

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> EventColumns:
        builder = ColumnsBuilder()
        builder.add_events(events)
        return builder.columns()

    def with_order(self) -> EventColumns:
        """These columns with ``order`` filled in."""
        end, start, ident = self.end, self.start, self.id
        order = sorted(range(len(self)), key=lambda j: (end[j], start[j], ident[j]))
        return replace(self, order=order)

    def to_json(self) -> dict[str, list[Any] | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EventColumns:
        """The columns of :meth:`to_json`; ValueError when they do not fit together."""
        columns = cls(**{f.name: data[f.name] for f in fields(cls)
                         if f.name not in _OPTIONAL or f.name in data})
        if columns.confidence is None:
            columns = replace(columns, confidence=[50] * len(columns.id))
        columns.check()
        return columns

    def check(self) -> None:
        """ValueError unless the columns fit together: equal lengths, every index within
        its table, the source counts adding up, no event ending before it starts."""
        groups = (
            ("place_id", "place_name", "place_kind", "place_lat", "place_lon"),
            ("actor_id", "actor_name", "actor_side"),
            ("article_name", "article_url", "article_title", "article_published"),
            ("id", "start", "end", "precision", "geo", "place", "change", "status", "actor",
             "losing", "nsrc", "confidence"),
            ("src_article", "src_quote"),
        )
        for names in groups:
            if any(type(getattr(self, name)) is not list for name in names):
                raise ValueError(f"columns {', '.join(names)}: not lists")
            if len({len(getattr(self, name)) for name in names}) != 1:
                raise ValueError(f"columns {', '.join(names)} differ in length")
        bounds = (("place", len(self.place_id)), ("actor", len(self.actor_id) + 1),
                  ("losing", len(self.actor_id) + 1), ("change", len(_CHANGES)),
                  ("status", len(_STATUSES)), ("src_article", len(self.article_name)),
                  ("src_quote", len(self.quote)), ("nsrc", len(self.src_article) + 1),
                  ("confidence", 101))
        for name, bound in bounds:
            values = getattr(self, name)
            if values and not (min(values) >= 0 and max(values) < bound):
                raise ValueError(f"column {name} holds an index out of range")
        if sum(self.nsrc) != len(self.src_article):
            raise ValueError("the source counts do not add up")
        if any(e < s for s, e in zip(self.start, self.end, strict=True)):
            raise ValueError("an event ends before it starts")
        order = self.order
        if order is not None and (type(order) is not list or len(order) != len(self)
                                  or len(set(order)) != len(self)
                                  or (order and not (min(order) >= 0
                                                     and max(order) < len(self)))):
            raise ValueError("the time order is not an order of the events")


class ColumnsBuilder:
    """Event objects (and control spans) into EventColumns, equal values stored once."""

    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = {f.name: [] for f in fields(EventColumns)}
        self._places: dict[tuple[Any, ...], int] = {}
        self._actors: dict[tuple[str, str, str], int] = {}
        self._articles: dict[tuple[str, str, str, str], int] = {}
        self._quotes: dict[str, int] = {}
        # Places and actors already seen, by identity (events share them): id -> (the object,
        # kept alive so that its id is not reused, its index)
        self._seen: dict[int, tuple[object, int]] = {}
        self._change = {c: i for i, c in enumerate(_CHANGES)}
        self._status = {s: i for i, s in enumerate(_STATUSES)}

    def place(self, p: Place) -> int:
        seen = self._seen.get(id(p))
        if seen is not None:
            return seen[1]
        key = (p.id, p.name, p.kind.value, p.lat, p.lon)
        i = self._places.get(key)
        if i is None:
            i = self._places[key] = len(self.cols["place_id"])
            for name, value in zip(("place_id", "place_name", "place_kind", "place_lat",
                                    "place_lon"), key, strict=True):
                self.cols[name].append(value)
        self._seen[id(p)] = (p, i)
        return i

    def actor(self, a: Actor | None) -> int:
        """Actor index + 1 (0: none)."""
        if a is None:
            return 0
        seen = self._seen.get(id(a))
        if seen is not None:
            return seen[1]
        key = (a.id, a.name, a.side)
        i = self._actors.get(key)
        if i is None:
            i = self._actors[key] = len(self.cols["actor_id"])
            for name, value in zip(("actor_id", "actor_name", "actor_side"), key, strict=True):
                self.cols[name].append(value)
        self._seen[id(a)] = (a, i + 1)
        return i + 1

    def add_events(self, events: Iterable[Event]) -> None:
        c = self.cols
        articles, quotes = self._articles, self._quotes
        for e in events:
            c["id"].append(e.id)
            c["start"].append(_day(e.period.start))
            c["end"].append(_day(e.period.end))
            c["precision"].append(e.period.precision)
            # 0 reads back from the store as the place's own (the same region flag)
            c["geo"].append(e.geo_precision or e.place.geo_precision)
            c["place"].append(self.place(e.place))
            c["change"].append(self._change[e.change])
            c["status"].append(self._status[e.status])
            c["actor"].append(self.actor(e.actor))
            c["losing"].append(self.actor(e.losing_actor))
            c["nsrc"].append(len(e.sources))
            c["key"].append(e.key)
            c["verified"].append(int(e.verified))
            c["confidence"].append(percent(e.confidence))
            for s in e.sources:
                key = (s.article, s.url, s.title, s.published)
                a = articles.get(key)
                if a is None:
                    a = articles[key] = len(articles)
                    for name, value in zip(("article_name", "article_url", "article_title",
                                            "article_published"), key, strict=True):
                        c[name].append(value)
                c["src_article"].append(a)
                q = quotes.get(s.quote)
                if q is None:
                    q = quotes[s.quote] = len(quotes)
                    c["quote"].append(s.quote)
                c["src_quote"].append(q)

    def spans(self, timeline: Mapping[str, Sequence[ControlSpan]]) -> list[_Span]:
        return [(self.place(s.place), _day(s.start), _STATES.get(s.state, 0),
                 self.actor(s.holder), s.event_id, _day(s.since or s.start))
                for spans in timeline.values() for s in spans]

    def columns(self) -> EventColumns:
        return EventColumns(**self.cols)


# A control span: (place index, start day, state code (0: not drawn), holder index + 1,
# event id, first day of the event's interval), as consolidate.ControlSpan: the span
# starts when its event's interval ends; from the interval's first day the change may
# have happened (the page shows it as uncertain until the span starts).
_Span = tuple[int, int, int, int, str, int]


def percent(confidence: float) -> int:
    """A confidence (0-1) as a whole percentage, as the page and --min-confidence see it."""
    return min(max(round(confidence * 100), 0), 100)


def timeline_spans(c: EventColumns, last: int | None, min_confidence: int = 0) -> list[_Span]:
    """consolidate.control_timeline(events) for the events of ``c`` that start by day
    ``last`` (all when None) and have a confidence of at least ``min_confidence`` percent:
    every span of the first place, then every span of the next, places in order of their
    first span."""
    end, start, ident = c.end, c.start, c.id
    status, change, actor, losing, place, place_id = (c.status, c.change, c.actor, c.losing,
                                                      c.place, c.place_id)
    if c.order is None:
        order = sorted((j for j in range(len(c)) if status[j] != _DISPUTED
                        and (last is None or start[j] <= last)),
                       key=lambda j: (end[j], start[j], ident[j]))
    elif last is None:
        order = [j for j in c.order if status[j] != _DISPUTED]
    else:
        order = [j for j in c.order if start[j] <= last and status[j] != _DISPUTED]
    if min_confidence:
        confidence = c.confidence or [50] * len(c)
        order = [j for j in order if confidence[j] >= min_confidence]
    # places with one id are one place: number them by id once, group by that number
    numbers: dict[str, int] = {}
    number = [numbers.setdefault(pid, len(numbers)) for pid in place_id]
    by_place: dict[int, list[_Span]] = {}
    for j in order:
        p = place[j]
        if change[j] == _CONTESTED:
            span = (p, end[j], _CONTESTED_STATE, 0, ident[j], start[j])
        elif actor[j]:
            span = (p, end[j], _HELD, actor[j], ident[j], start[j])
        else:
            span = (p, end[j], _LOST, losing[j], ident[j], start[j])
        spans = by_place.get(number[p])
        if spans is None:
            by_place[number[p]] = [span]
        else:
            spans.append(span)
    return [span for spans in by_place.values() for span in spans]


def columns_span(c: EventColumns) -> tuple[date, date] | None:
    """(earliest start, latest end) of the events, as window.data_window."""
    if not len(c):
        return None
    return _date(min(c.start)), _date(max(c.end))
