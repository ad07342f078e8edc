"""Score extracted events against a gold file (EVENTS.md, "Scoring").

A predicted event matches a gold event when one of its sources is the gold's file, its
place lies within 10 km of the gold point (60 km when either is a region or a site), and
its change is among the gold's ``acceptable_types``. Each gold event is matched at most
once. Precision counts predicted (event, source article) pairs; recall counts gold events.
Matching is greedy over all candidate pairs, best first: strict type agreement, then date
overlap, then distance.
"""

from __future__ import annotations

import json
import logging
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from conflictmap.errors import InputError
from conflictmap.model import Change, Event, Interval

log = logging.getLogger(__name__)

TOWN_RADIUS_KM = 10.0
AREA_RADIUS_KM = 60.0
_AREA_KINDS = ("region", "site")
_REQUIRED = ("file", "place", "lat", "lon", "event_type", "date_earliest", "date_latest")


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One hand-annotated event of a gold file."""

    line: int
    file: str
    place: str
    place_kind: str
    lat: float
    lon: float
    event_type: Change
    acceptable: tuple[Change, ...]
    interval: Interval
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class Pair:
    """A predicted (event, source article) pair."""

    event: Event
    article: str


@dataclass(frozen=True, slots=True)
class Match:
    pair: Pair
    gold: GoldEvent
    distance_km: float
    strict: bool
    date_overlap: bool


@dataclass(frozen=True, slots=True)
class Score:
    """The outcome of :func:`evaluate`."""

    matches: tuple[Match, ...]
    false_positives: tuple[Pair, ...]
    false_negatives: tuple[GoldEvent, ...]
    n_predicted: int
    n_gold: int

    @property
    def precision(self) -> float:
        return len(self.matches) / self.n_predicted if self.n_predicted else 0.0

    @property
    def recall(self) -> float:
        return len(self.matches) / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def strict_type_agreement(self) -> float:
        return _share(m.strict for m in self.matches)

    @property
    def date_overlap(self) -> float:
        return _share(m.date_overlap for m in self.matches)

    @property
    def median_width_days(self) -> float:
        widths = [m.pair.event.period.days for m in self.matches]
        return float(statistics.median(widths)) if widths else 0.0


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def _gold_event(obj: object, path: Path, line: int) -> GoldEvent:
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object per line", path, line)
    missing = [k for k in _REQUIRED if k not in obj]
    if missing:
        raise InputError(f"missing field(s) {', '.join(missing)}; expected {', '.join(_REQUIRED)}",
                         path, line)
    try:
        change = Change(obj["event_type"])
        acceptable = tuple(Change(t) for t in obj.get("acceptable_types") or [obj["event_type"]])
        interval = Interval(date.fromisoformat(obj["date_earliest"]),
                            date.fromisoformat(obj["date_latest"]), 1)
        lat, lon = float(obj["lat"]), float(obj["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"lat/lon {lat}, {lon} out of range")
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(f"bad value ({exc}); expected event types {[c.value for c in Change]}, "
                         "ISO dates and numeric lat/lon", path, line) from exc
    return GoldEvent(line=line, file=str(obj["file"]), place=str(obj["place"]),
                     place_kind=str(obj.get("place_kind", "town")), lat=lat, lon=lon,
                     event_type=change, acceptable=acceptable, interval=interval,
                     evidence=str(obj.get("evidence", "")))


def read_gold(path: str | Path) -> list[GoldEvent]:
    """Every gold event of a JSON Lines file; InputError names the file and line if malformed."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read gold file: {exc}", path) from exc
    gold = []
    for n, line in enumerate(data.splitlines(), 1):
        try:
            raw = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 ({exc.reason}); expected UTF-8 JSON Lines",
                             path, n) from None
        if not raw.strip():
            continue
        gold.append(_gold_event(_json_line(raw, path, n), path, n))
    return gold


def _json_line(raw: str, path: Path, line: int) -> object:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg}); expected one object per line",
                         path, line) from None
    except (RecursionError, ValueError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:80]
        raise InputError(f"not usable JSON ({reason}); expected one flat object per line",
                         path, line) from None


def _pairs(events: Iterable[Event]) -> list[Pair]:
    pairs = []
    for event in events:
        for article in dict.fromkeys(s.article for s in event.sources):
            pairs.append(Pair(event, article))
    return pairs


def _same_file(article: str, gold_file: str) -> bool:
    return article == gold_file or Path(article).name == Path(gold_file).name


def _candidate(pair: Pair, gold: GoldEvent) -> Match | None:
    if not _same_file(pair.article, gold.file) or pair.event.change not in gold.acceptable:
        return None
    place = pair.event.place
    distance = haversine_km(place.lat, place.lon, gold.lat, gold.lon)
    area = gold.place_kind in _AREA_KINDS or place.kind.value in _AREA_KINDS
    if distance > (AREA_RADIUS_KM if area else TOWN_RADIUS_KM):
        return None
    return Match(pair, gold, distance, pair.event.change is gold.event_type,
                 pair.event.period.overlaps(gold.interval))


def match(events: Iterable[Event], gold: Sequence[GoldEvent]) -> Score:
    """Match predicted events to gold events (each at most once, greedily, best first)."""
    pairs = _pairs(events)
    candidates = [c for p in pairs for g in gold if (c := _candidate(p, g)) is not None]
    candidates.sort(key=lambda c: (not c.strict, not c.date_overlap, c.distance_km))
    used_pairs: set[int] = set()
    used_gold: set[int] = set()
    matches = []
    for c in candidates:
        if id(c.pair) in used_pairs or c.gold.line in used_gold:
            continue
        used_pairs.add(id(c.pair))
        used_gold.add(c.gold.line)
        matches.append(c)
    fps = tuple(p for p in pairs if id(p) not in used_pairs)
    fns = tuple(g for g in gold if g.line not in used_gold)
    return Score(tuple(matches), fps, fns, len(pairs), len(gold))


def evaluate(events: Iterable[Event], gold_path: str | Path) -> Score:
    """Score ``events`` against the gold file at ``gold_path``."""
    return match(events, read_gold(gold_path))


def _describe(event: Event, article: str) -> str:
    actor = event.actor.id if event.actor else "-"
    return (f"{article}: {event.change.value} {event.place.name} ({event.place.id}) "
            f"{event.period.start}..{event.period.end} actor={actor} "
            f"rule={event.sources[0].rule if event.sources else ''}")


def format_score(score: Score) -> str:
    """A plain-text report: the figures, then false positives and false negatives."""
    lines = [
        f"precision             {score.precision:.3f}  ({len(score.matches)}/{score.n_predicted} "
        "predicted event-article pairs)",
        f"recall                {score.recall:.3f}  ({len(score.matches)}/{score.n_gold} "
        "gold events)",
        f"F1                    {score.f1:.3f}",
        f"strict type agreement {score.strict_type_agreement:.3f}",
        f"date overlap          {score.date_overlap:.3f}",
        f"median width (days)   {score.median_width_days:.1f}",
        f"false positives ({len(score.false_positives)}):",
    ]
    lines += [f"  {_describe(p.event, p.article)}" for p in score.false_positives]
    lines.append(f"false negatives ({len(score.false_negatives)}):")
    lines += [f"  {g.file}:{g.line} {g.event_type.value} {g.place} "
              f"{g.interval.start}..{g.interval.end}  \"{g.evidence}\""
              for g in score.false_negatives]
    return "\n".join(lines)
