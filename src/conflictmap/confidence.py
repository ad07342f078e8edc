"""Calibrated confidence: how likely a report is right, from what the extractor saw.

A trigger's own confidence says how reliable its words are; whether a report is right also
depends on where it stands and what it found: a headline about today's news with a named
gainer, or a dated aside deep in the background paragraphs with nobody named. This module
turns those signals into a probability with a small logistic model whose weights are data
(``rules/confidence.toml``, fitted by ``scripts/fit_confidence.py`` on the tuning half of the
development articles and checked on the other half by ``benchmarks/bench_accuracy.py``).

The features are language-neutral: they read the report (``Event``) and its article, never
the words of a rule, so the same weights serve every language.
"""

from __future__ import annotations

import logging
import math
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from conflictmap.errors import RulesError
from conflictmap.model import Article, Change, Event, PlaceKind, Status

log = logging.getLogger(__name__)

FILE_NAME = "confidence.toml"
LEAD_CHARS = 400  # a report this close to the start stands in the headline or the lead
NEWS_DAYS = 7  # a change that ends this close to the article's date is the article's news

# Every feature the model knows, in a fixed order (the fitting script writes one weight each).
FEATURES = (
    "trigger",       # the trigger's own confidence
    "recapture", "withdrawal", "contested",
    "claimed", "disputed",
    "region", "site",
    "gainer", "loser",
    "week", "month", "year",
    "news", "lead", "repeated", "abroad", "population",
)


def features(event: Event, article: Article, repeats: int, country: str = "") -> dict[str, float]:
    """The model's inputs for one report of ``article`` (``repeats``: its place's reports;
    ``country``: the country most of the article's reports are in)."""
    source = event.sources[0]
    kind = event.place.kind
    precision = event.period.precision
    news = (article.period.start - event.period.end).days <= NEWS_DAYS
    return {
        "trigger": event.confidence,
        "recapture": float(event.change is Change.RECAPTURE),
        "withdrawal": float(event.change is Change.WITHDRAWAL),
        "contested": float(event.change is Change.CONTESTED),
        "claimed": float(event.status is Status.CLAIMED),
        "disputed": float(event.status is Status.DISPUTED),
        "region": float(kind in (PlaceKind.REGION, PlaceKind.COUNTRY)),
        "site": float(kind is PlaceKind.SITE),
        "gainer": float(event.actor is not None),
        "loser": float(event.losing_actor is not None),
        "week": float(precision == 2),
        "month": float(precision == 3),
        "year": float(precision >= 4),
        "news": float(news),
        "lead": float(source.start < LEAD_CHARS),
        "repeated": float(repeats > 1),
        "abroad": float(bool(country) and event.place.country != country),
        "population": min(math.log10(event.place.population + 1), 7.0) / 7.0,
    }


@dataclass(frozen=True, slots=True)
class Model:
    """A logistic model: P(right) = 1 / (1 + exp(-(intercept + sum(w * x))))."""

    intercept: float
    weights: tuple[tuple[str, float], ...]

    def probability(self, x: dict[str, float]) -> float:
        z = self.intercept + sum(w * x.get(name, 0.0) for name, w in self.weights)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def read_model(path: Path) -> Model | None:
    """The model of a ``confidence.toml``; None (raw trigger confidence) when there is none."""
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        intercept = float(data["intercept"])
        raw = data["weights"]
        if not isinstance(raw, dict):
            raise TypeError("[weights] must be a table")
        unknown = sorted(set(raw) - set(FEATURES))
        if unknown:
            raise KeyError(f"unknown feature(s) {', '.join(unknown)}")
        weights = tuple((name, float(raw[name])) for name in FEATURES if name in raw)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise RulesError(f"bad confidence model ({exc}); expected 'intercept = <number>' and a "
                         f"[weights] table with numbers for {', '.join(FEATURES)}", path) from None
    return Model(intercept, weights)


@lru_cache(maxsize=8)
def _cached(path: str, mtime: float) -> Model | None:
    del mtime  # part of the cache key only
    return read_model(Path(path))


def load_model(rules_dir: Path) -> Model | None:
    path = rules_dir / FILE_NAME
    return _cached(str(path), path.stat().st_mtime if path.exists() else 0.0)


def calibrate(model: Model | None, article: Article, events: Sequence[Event]) -> list[Event]:
    """``events`` (one article's reports) with their confidence set by ``model``, in whole
    percent (as the map and --min-confidence compare it)."""
    if model is None or not events:
        return list(events)
    repeats = Counter(e.place.id for e in events)
    country = main_country(events)
    return [replace(e, confidence=round(
        model.probability(features(e, article, repeats[e.place.id], country)), 2))
        for e in events]


def main_country(events: Sequence[Event]) -> str:
    """The country most of an article's reports are in ("" when none has one)."""
    counts = Counter(e.place.country for e in events if e.place.country)
    return counts.most_common(1)[0][0] if counts else ""
