"""The records every stage passes on: frozen dataclasses and the enums they use.

Coordinates are named fields (``lat``, ``lon``) everywhere; the one place that turns
them into GeoJSON/shapely order (lon, lat) is :func:`lonlat`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Change(StrEnum):
    """What happened to the control of a place."""

    CAPTURE = "capture"
    RECAPTURE = "recapture"
    WITHDRAWAL = "withdrawal"
    CONTESTED = "contested"


class Status(StrEnum):
    """How firmly the text states the change."""

    REPORTED = "reported"
    CLAIMED = "claimed"
    DISPUTED = "disputed"


class PlaceKind(StrEnum):
    TOWN = "town"
    REGION = "region"
    COUNTRY = "country"
    SITE = "site"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Interval:
    """An inclusive date interval and its ACLED-style time precision.

    precision: 1 a day, 2 up to about a week, 3 about a month, 4 a year or more.
    """

    start: date
    end: date
    precision: int

    def __reduce__(self) -> tuple[type[Interval], tuple[date, date, int]]:
        # pickled as its fields (a third of the default's cost): every batch of articles
        # goes to a worker process this way
        return Interval, (self.start, self.end, self.precision)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"interval ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def spanning(cls, start: date, end: date) -> Interval:
        """The interval from ``start`` to ``end``, its precision set by its width."""
        return cls(start, end, precision_for_days((end - start).days + 1))

    @property
    def days(self) -> int:
        """Width in days, counting both ends (a single day is 1)."""
        return (self.end - self.start).days + 1

    def overlaps(self, other: Interval) -> bool:
        return self.start <= other.end and other.start <= self.end

    def intersect(self, other: Interval) -> Interval | None:
        if not self.overlaps(other):
            return None
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Interval.spanning(start, end)


def precision_for_days(days: int) -> int:
    """The time precision code for an interval of this many days."""
    if days <= 1:
        return 1
    if days <= 8:
        return 2
    if days <= 62:
        return 3
    return 4


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from disk.

    ``id`` is unique in a run (the file name, or ``file.jsonl#N`` for line N of a
    JSON Lines file, or the id the file gives). ``published`` keeps the date as
    written ("2024-12" or "2024-12-06"); ``period`` is the interval it allows.
    ``lang_settled``: the language is settled when the article is made: the file declared
    ``lang`` (a JSON field, front matter, a page's ``<html lang>``), or a short item's
    words, title and summary told it. No later guess (a short item's folder language)
    overrides a settled one; it is not part of an article's identity (equality, hash,
    cache key).
    """

    id: str
    text: str
    published: str
    period: Interval
    lang: str
    title: str = ""
    url: str = ""
    source: str = ""
    path: str = ""
    lang_settled: bool = field(default=False, compare=False, repr=False)

    def __reduce__(self) -> tuple[type[Article], tuple[object, ...]]:
        # pickled as its fields, in order (half the default's cost): batches of articles go
        # to worker processes this way, and saved pages come back from those reading ahead
        return Article, (self.id, self.text, self.published, self.period, self.lang,
                         self.title, self.url, self.source, self.path, self.lang_settled)


NEAR_PREFIX = "near:"
"""The id prefix of a place the gazetteer lacks, drawn by a town the text says it lies near
(``near:<town id>:<name key>``, anchored.py): geo_precision 2."""


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer place. ``id`` is stable ("geonames:170063")."""

    id: str
    name: str
    kind: PlaceKind
    lat: float
    lon: float
    country: str = ""
    admin1: str = ""
    population: int = 0

    @property
    def geo_precision(self) -> int:
        """1 a town or site pinpoint, 2 a place drawn by a town it lies near, 3 a region or
        country drawn at its centroid."""
        if self.kind in (PlaceKind.REGION, PlaceKind.COUNTRY):
            return 3
        return 2 if self.id.startswith(NEAR_PREFIX) else 1


def lonlat(lat: float, lon: float) -> tuple[float, float]:
    """The one conversion from (lat, lon) to GeoJSON/shapely order (lon, lat)."""
    return (lon, lat)


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in an article: ``text[start:end] == as_written``."""

    place: Place
    as_written: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Actor:
    """A canonical actor from the lexicon. ``side`` groups actors for colouring."""

    id: str
    name: str
    side: str
    kind: str = "non_state"  # "state" or "non_state"


@dataclass(frozen=True, slots=True)
class Source:
    """One article's report of an event, with the sentence that says it."""

    article: str
    published: str
    quote: str
    start: int
    end: int
    url: str = ""
    title: str = ""
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Trace:
    """How the extractor found one report, for the confidence model (``confidence.py``): the
    place as the sentence writes it ("Kidal", "the town", "it") and the offsets of that
    mention and of the trigger in the article's text. Only an extractor's reports before
    calibration carry one; it is no output and no part of an event's identity."""

    written: str
    place_start: int
    place_end: int
    trigger_start: int
    trigger_end: int


@dataclass(frozen=True, slots=True)
class Event:
    """One change of (or fight over) control of one place, with all its sources."""

    change: Change
    status: Status
    place: Place
    period: Interval
    actor: Actor | None
    losing_actor: Actor | None
    sources: tuple[Source, ...]
    confidence: float = 0.5
    geo_precision: int = 1
    # set only by an analyst's corrections file (corrections.py): verified by a person,
    # changed by one, and the key the analyst knows a changed event by
    verified: bool = False
    corrected: bool = False
    origin: str = ""
    trace: Trace | None = field(default=None, compare=False, repr=False)

    id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", _event_id(self))

    @classmethod
    def restore(cls, event_id: str, change: Change, status: Status, place: Place,
                period: Interval, actor: Actor | None, losing_actor: Actor | None,
                sources: tuple[Source, ...], confidence: float, geo_precision: int) -> Event:
        """The event with these fields and the id computed for them before (no re-hashing):
        only for records this program wrote itself (the report cache)."""
        event = object.__new__(cls)
        put = object.__setattr__  # one call per field: this runs for every cached report
        put(event, "change", change)
        put(event, "status", status)
        put(event, "place", place)
        put(event, "period", period)
        put(event, "actor", actor)
        put(event, "losing_actor", losing_actor)
        put(event, "sources", sources)
        put(event, "confidence", confidence)
        put(event, "geo_precision", geo_precision)
        put(event, "verified", False)
        put(event, "corrected", False)
        put(event, "origin", "")
        put(event, "trace", None)
        put(event, "id", event_id)
        return event

    def rated(self, confidence: float) -> Event:
        """``replace(self, confidence=confidence, trace=None)`` without hashing the id again
        (neither is part of it, nor of equality): calibration rates every report so."""
        event = object.__new__(Event)
        put = object.__setattr__
        for name in _RATED_KEEPS:
            put(event, name, getattr(self, name))
        put(event, "confidence", confidence)
        put(event, "trace", None)
        return event

    @property
    def key(self) -> str:
        """The event's stable key (:func:`report_key` of its first source, or the key a
        correction kept): what a corrections file names it by."""
        if self.origin:
            return self.origin
        if not self.sources:
            return report_key("", self.place.id, self.change)
        first = min(self.sources, key=lambda s: (s.published, s.article, s.start))
        return report_key(first.article, self.place.id, self.change)

    @property
    def keys(self) -> frozenset[str]:
        """Every key the event answers to: each source's report key, and its own key."""
        found = {report_key(s.article, self.place.id, self.change) for s in self.sources}
        found.add(self.key)
        return frozenset(found)

    @property
    def acled_event_type(self) -> str:
        return acled_types(self)[0]

    @property
    def acled_sub_event_type(self) -> str:
        return acled_types(self)[1]


_RATED_KEEPS = tuple(name for name in Event.__slots__ if name not in ("confidence", "trace"))


def _event_id(event: Event) -> str:
    """A stable content hash: the same input gives the same id."""
    parts = [
        event.change.value,
        event.place.id,
        event.period.start.isoformat(),
        event.period.end.isoformat(),
        event.actor.id if event.actor else "",
        event.losing_actor.id if event.losing_actor else "",
    ]
    parts += sorted(f"{s.article}:{s.start}:{s.end}" for s in event.sources)
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


def report_key(article: str, place_id: str, change: Change | str) -> str:
    """The stable key of one article's report of a change at a place: "r" and 12 hex
    digits of a hash of (article id, place id, change). It survives rebuilds, re-extraction
    in another order, new articles and changed date rules (the date is not part of it)."""
    text = f"{article}\x1f{place_id}\x1f{Change(change).value}"
    return "r" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def acled_types(event: Event) -> tuple[str, str]:
    """ACLED event type and sub-event type for a control change (ACLED codebook; EVENTS.md).

    A capture is "Government regains territory" only when the gainer is a state force and
    "Non-state actor overtakes territory" only when it is a named non-state actor; with no
    named gainer neither can be said, and the fight is an "Armed clash".
    """
    if event.change is Change.CONTESTED:
        return ("Battles", "Armed clash")
    if event.change is Change.WITHDRAWAL:
        return ("Strategic developments", "Non-violent transfer of territory")
    if event.actor is None:
        return ("Battles", "Armed clash")
    if event.actor.kind == "state":
        return ("Battles", "Government regains territory")
    return ("Battles", "Non-state actor overtakes territory")


@dataclass(frozen=True, slots=True)
class ControlSpan:
    """Who held a place from ``start`` until the next span (or forever).

    ``state`` is "held" (by ``holder``/``side``), "contested", or "lost" (the
    text says who left but not who took over). ``since``: the first day of the event's
    interval, from which the change may have happened (None: ``start``).
    """

    place: Place
    start: date
    state: str
    holder: Actor | None
    event_id: str
    since: date | None = None
