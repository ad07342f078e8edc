"""Calibrated confidence: how likely a report is right, from what the extractor saw.

A trigger's own confidence says how reliable its words are; whether a report is right also
depends on where it stands and what it found: a headline about today's news with a named
gainer, or a dated aside deep in the background paragraphs with nobody named, in an article
that reports a dozen places or names no armed group at all. This module turns those signals
into a probability with a small logistic model whose weights are data
(``rules/confidence.toml``, fitted by ``scripts/fit_confidence.py`` on the tuning half of the
development articles and the project's own probe articles, recalibrated on held-out articles,
and checked on the development set's other half by ``benchmarks/bench_accuracy.py``).

The features are language-neutral: they read the report (``Event``), how the extractor found
its place (the report's ``Trace``: the place as written, its distance from the trigger), its
article and the article's other reports, never the words of a rule, so the same weights serve
every language. Calibrated reports keep no trace.
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conflictmap.errors import RulesError
from conflictmap.model import Article, Change, Event, PlaceKind, Status

log = logging.getLogger(__name__)

FILE_NAME = "confidence.toml"
LEAD_CHARS = 400  # a report this close to the start stands in the headline or the lead
HEAD_LINES = 3  # the article's first non-empty lines: its caption, headline and lead
NEWS_DAYS = 7  # a change that ends this close to the article's date is the article's news
QUOTE_MARKS = frozenset("\"“”„«»‘’‹›")  # a sentence with one of these quotes someone

# Every feature the model knows, in a fixed order (the fitting script writes one weight each).
FEATURES = (
    "trigger",       # the trigger's own confidence
    "recapture", "withdrawal", "contested",
    "claimed", "disputed",
    "region", "site",
    "gainer", "loser",
    "state_gainer",  # the gainer is a state's forces (capture or recapture is a fine line)
    "state_loser",   # the loser is a state's forces
    "week", "month", "year",
    "news", "lead", "repeated", "abroad", "population",
    "position",      # how far into the article the sentence stands (0 start .. 1 end)
    "headline",      # the place's name stands in the article's first lines
    "support",       # the distinct sentences of the article that report the place (log)
    "reports",       # the article's reports (log): a roundup of many places or one story
    "places",        # the article's distinct reported places (log)
    "actorless",     # no report of the article names an armed actor
    "quoted",        # the sentence carries quotation marks (someone's words)
    "article_date",  # dated by the article's own date (the text gave no date)
    # how the extractor found the place (the report's Trace)
    "anaphora",      # the sentence does not name it: "the town", "it", "de haven"
    "variant",       # named otherwise than the gazetteer's name (another spelling, an alias)
    "distance",      # words between the trigger and the place (0 .. 1 at DISTANT_WORDS)
    "partial",       # part of the place ("parts of X", "most of X")
    "length",        # the sentence's words (log, 0 .. 1 at LONG_WORDS)
    "unpopulated",   # the gazetteer gives the place no population (a site, a hamlet)
)
DISTANT_WORDS = 16
LONG_WORDS = 64


def _fold(text: str) -> str:
    """Lower case without accents (as the scorer compares names)."""
    if text.isascii():  # nothing to decompose or drop
        return text.lower()
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What one article's reports say about the article as a whole."""

    country: str  # the country most of its reports are in ("" when none has one)
    reports: int
    places: int
    actors: bool  # some report names a gaining or losing actor
    support: Mapping[str, int]  # place id -> distinct sentences reporting it
    head: str  # the article's first lines, folded (_fold)


def article_facts(article: Article, events: Sequence[Event]) -> ArticleFacts:
    """The :class:`ArticleFacts` of ``article`` and its reports ``events``."""
    sentences: dict[str, set[int]] = {}
    for e in events:
        sentences.setdefault(e.place.id, set()).update(s.start for s in e.sources)
    lines: list[str] = []
    for line in article.text[:2000].splitlines():
        if line.strip():
            lines.append(line)
            if len(lines) == HEAD_LINES:
                break
    head = _fold(" ".join([article.title, *lines]))
    return ArticleFacts(
        country=main_country(events), reports=len(events), places=len(sentences),
        actors=any(e.actor is not None or e.losing_actor is not None for e in events),
        support={place: len(starts) for place, starts in sentences.items()}, head=head)


_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=4096)  # place names and their spellings recur from report to report
def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(_fold(text)))


def found_as(event: Event, text: str) -> dict[str, float]:
    """How the place of a report was found, from its ``Trace`` (none: as named, at the
    trigger): ``anaphora``, ``variant`` and ``distance`` of :data:`FEATURES`."""
    trace = event.trace
    if trace is None:
        return {"anaphora": 0.0, "variant": 0.0, "distance": 0.0}
    anaphora = _anaphoric(trace.written, text, trace.place_start)
    name, written = _words(event.place.name), _words(trace.written)
    variant = not anaphora and not (name <= written or written <= name)
    if trace.place_start < trace.trigger_start:
        gap = text[trace.place_end:trace.trigger_start]
    else:
        gap = text[trace.trigger_end:trace.place_start]
    between = len(_WORD.findall(gap))
    return {"anaphora": float(anaphora), "variant": float(variant),
            "distance": min(between, DISTANT_WORDS) / DISTANT_WORDS}


def _anaphoric(written: str, text: str, start: int) -> bool:
    """True when the place was not named ("the town", "het stadje", "it"): no capital
    letter, or only the first one of a sentence before words without capitals ("The town
    was captured", "De stad viel": not a name written at a sentence start, "Kidal")."""
    if not any(ch.isupper() for ch in written):
        return True
    i = start
    while i > 0 and text[i - 1] in " \t\"'“‘«„":  # spaces and opening quotes before it
        i -= 1
    at_start = i == 0 or text[i - 1] in ".!?\n"
    return (at_start and " " in written.strip()
            and not any(ch.isupper() for ch in written.strip()[1:]))


def _log_scaled(n: int, top: int = 16) -> float:
    """log2(n) scaled to 0..1 at ``top`` (1 -> 0.0, 2 -> 0.25, 16 and more -> 1.0)."""
    return min(math.log2(max(n, 1)), math.log2(top)) / math.log2(top)


def features(event: Event, article: Article, facts: ArticleFacts) -> dict[str, float]:
    """The model's inputs for one report of ``article`` (``facts``: its article's)."""
    source = event.sources[0]
    kind = event.place.kind
    precision = event.period.precision
    news = (article.period.start - event.period.end).days <= NEWS_DAYS
    support = facts.support.get(event.place.id, 1)
    name = _fold(event.place.name)
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
        "state_gainer": float(event.actor is not None and event.actor.kind == "state"),
        "state_loser": float(event.losing_actor is not None
                             and event.losing_actor.kind == "state"),
        "week": float(precision == 2),
        "month": float(precision == 3),
        "year": float(precision >= 4),
        "news": float(news),
        "lead": float(source.start < LEAD_CHARS),
        "repeated": float(support > 1),
        "abroad": float(bool(facts.country) and event.place.country != facts.country),
        "population": min(math.log10(event.place.population + 1), 7.0) / 7.0,
        "position": min(source.start / max(len(article.text), 1), 1.0),
        "headline": float(len(name) > 2 and name in facts.head),
        "support": _log_scaled(support, 8),
        "reports": _log_scaled(facts.reports),
        "places": _log_scaled(facts.places),
        "actorless": float(not facts.actors),
        "quoted": float(not QUOTE_MARKS.isdisjoint(source.quote)),
        "article_date": float(event.period.end == article.period.end),
        **found_as(event, article.text),
        "partial": float(event.geo_precision == 2),
        "length": _log_scaled(len(_WORD.findall(source.quote)), LONG_WORDS),
        "unpopulated": float(event.place.population <= 0),
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
    facts = article_facts(article, events)
    return [e.rated(round(model.probability(features(e, article, facts)), 2)) for e in events]


def main_country(events: Sequence[Event]) -> str:
    """The country most of an article's reports are in ("" when none has one)."""
    counts = Counter(e.place.country for e in events if e.place.country)
    return counts.most_common(1)[0][0] if counts else ""
