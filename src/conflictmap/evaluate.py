"""Score extracted events against a gold file (EVENTS.md, "Scoring").

The rules are those of the project's reference scorer (``shared/eval/score.py``), so that
``conflictmap eval`` and the scorer give the same figures. A predicted (event, source article)
pair matches a gold event when the article is the gold's file (by base name); the place is the
gold's by name (its canonical or written name), or lies within 10 km of a gold town, 25 km of a
gold site, or 60 km of a gold region's centroid when the prediction is a region too (a gold
event without coordinates matches by name only); the change is among the gold's
``acceptable_types``; and the date intervals overlap. Each gold event is matched at most once
and each pair at most once, by a maximum matching in which a strict type agreement is tried
first. Precision counts every predicted pair (negative articles included); recall counts gold
events.
"""

from __future__ import annotations

import json
import logging
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from conflictmap.errors import InputError
from conflictmap.geodesy import km
from conflictmap.model import Change, Event, Interval

log = logging.getLogger(__name__)

TOWN_RADIUS_KM = 10.0
SITE_RADIUS_KM = 25.0
REGION_RADIUS_KM = 60.0
_REQUIRED = ("file", "place", "event_type", "date_earliest", "date_latest")


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One hand-annotated event of a gold file."""

    line: int
    file: str
    place: str
    place_kind: str
    lat: float | None
    lon: float | None
    event_type: Change
    acceptable: tuple[Change, ...]
    interval: Interval
    evidence: str = ""
    place_as_written: str = ""
    certainty: str = "high"

    @property
    def names(self) -> frozenset[str]:
        """The gold place's names, folded as the scorer folds them."""
        return frozenset(n for n in (fold_name(self.place), fold_name(self.place_as_written)) if n)


@dataclass(frozen=True, slots=True)
class Pair:
    """A predicted (event, source article) pair."""

    event: Event
    article: str


@dataclass(frozen=True, slots=True)
class Match:
    pair: Pair
    gold: GoldEvent
    distance_km: float | None
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
        lat, lon = _coordinates(obj.get("lat"), obj.get("lon"))
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(f"bad value ({exc}); expected event types {[c.value for c in Change]}, "
                         "ISO dates and numeric (or null) lat/lon", path, line) from exc
    return GoldEvent(line=line, file=str(obj["file"]), place=str(obj["place"]),
                     place_kind=str(obj.get("place_kind", "town")), lat=lat, lon=lon,
                     event_type=change, acceptable=acceptable, interval=interval,
                     evidence=str(obj.get("evidence", "")),
                     place_as_written=str(obj.get("place_as_written") or ""),
                     certainty=str(obj.get("certainty") or "high"))


def _coordinates(lat: object, lon: object) -> tuple[float | None, float | None]:
    """A gold point, or (None, None) where the annotator could not place it (scored by name)."""
    if lat is None or lon is None:
        return None, None
    flat, flon = float(lat), float(lon)  # type: ignore[arg-type]
    if not (-90 <= flat <= 90 and -180 <= flon <= 180):
        raise ValueError(f"lat/lon {flat}, {flon} out of range")
    return flat, flon


def fold_name(name: str) -> str:
    """A place name without accents, case, spaces or punctuation (the scorer's ``norm``)."""
    ascii_ = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in ascii_ if ch.isalnum())


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


def _distance(pair: Pair, gold: GoldEvent) -> float | None:
    """How far the prediction lies from the gold point, or None when the gold has none."""
    if gold.lat is None or gold.lon is None:
        return None
    place = pair.event.place
    return km(place.lat, place.lon, gold.lat, gold.lon)


def _place_ok(pair: Pair, gold: GoldEvent, distance: float | None) -> bool:
    if fold_name(pair.event.place.name) in gold.names:
        return True
    if distance is None:
        return False
    if gold.place_kind == "town":
        return distance <= TOWN_RADIUS_KM
    if gold.place_kind == "site":
        return distance <= SITE_RADIUS_KM
    return pair.event.place.kind.value == "region" and distance <= REGION_RADIUS_KM


def _candidate(pair: Pair, gold: GoldEvent) -> Match | None:
    if not _same_file(pair.article, gold.file) or pair.event.change not in gold.acceptable:
        return None
    if not pair.event.period.overlaps(gold.interval):
        return None
    distance = _distance(pair, gold)
    if not _place_ok(pair, gold, distance):
        return None
    return Match(pair, gold, distance, pair.event.change is gold.event_type, True)


def match(events: Iterable[Event], gold: Sequence[GoldEvent]) -> Score:
    """Match predicted pairs to gold events: a maximum matching, strict types tried first."""
    pairs = _pairs(events)
    by_file: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        by_file.setdefault(Path(pair.article).name, []).append(i)
    options: list[list[Match]] = []
    for g in gold:
        row = [c for i in by_file.get(Path(g.file).name, ())
               if (c := _candidate(pairs[i], g)) is not None]
        row.sort(key=lambda c: not c.strict)  # stable: the pairs' own order breaks ties
        options.append(row)
    owner: dict[int, int] = {}  # id(pair) -> gold index (Kuhn's augmenting paths)
    chosen: dict[int, Match] = {}

    def augment(gi: int, seen: set[int]) -> bool:
        for c in options[gi]:
            key = id(c.pair)
            if key in seen:
                continue
            seen.add(key)
            if key not in owner or augment(owner[key], seen):
                owner[key] = gi
                chosen[gi] = c
                return True
        return False

    for gi in range(len(gold)):
        augment(gi, set())
    matched = set(owner.values())  # a gold once matched stays matched: only its pair may change
    matches = tuple(chosen[gi] for gi in sorted(matched))
    fps = tuple(p for p in pairs if id(p) not in owner)
    fns = tuple(g for gi, g in enumerate(gold) if gi not in matched)
    return Score(matches, fps, fns, len(pairs), len(gold))


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
