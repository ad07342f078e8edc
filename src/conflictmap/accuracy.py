"""Accuracy reports over a scored run: figures by group, type confusion, calibration.

:func:`evaluate.match` gives one score; an analyst tuning the rules needs to know where it
comes from. This module slices a run by article group (language, war, a development split),
by place kind, and by confidence, with the same matching rules.

The development split is fixed by the article's file name (:func:`dev_half`), so that a rule
tuned on one half can be checked on the other, which it has never been tuned on.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from conflictmap.evaluate import GoldEvent, Pair, Score, match
from conflictmap.model import Change, Event

HALVES = ("tune", "check")
# Confidence buckets of the calibration table: [low, high)
BUCKETS = ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))
MISSED = "missed"


def dev_half(file_name: str) -> str:
    """'tune' or 'check': a fixed split of a development set by the SHA-1 of a file's base name."""
    digest = hashlib.sha1(Path(file_name).name.encode("utf-8")).hexdigest()
    return HALVES[int(digest, 16) % 2]


@dataclass(frozen=True, slots=True)
class Figures:
    """Precision, recall and F1 of one slice of a run."""

    label: str
    matched: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (f"{self.label:<28} F1 {self.f1:.3f}  P {self.precision:.3f}  "
                f"R {self.recall:.3f}  ({self.matched} matched, {self.predicted} predicted, "
                f"{self.gold} gold)")


def figures(score: Score, label: str = "all") -> Figures:
    return Figures(label, len(score.matches), score.n_predicted, score.n_gold)


def by_group(score: Score, group: Callable[[str], str]) -> list[Figures]:
    """Figures per group of articles (``group`` maps an article's file name to its group)."""
    matched: Counter[str] = Counter(group(Path(m.gold.file).name) for m in score.matches)
    gold: Counter[str] = Counter(group(Path(m.gold.file).name) for m in score.matches)
    gold.update(group(Path(g.file).name) for g in score.false_negatives)
    predicted: Counter[str] = Counter(group(Path(m.pair.article).name) for m in score.matches)
    predicted.update(group(Path(p.article).name) for p in score.false_positives)
    labels = sorted(set(gold) | set(predicted))
    return [Figures(k, matched[k], predicted[k], gold[k]) for k in labels]


def by_place_kind(score: Score) -> list[Figures]:
    """Recall by the gold place's kind, precision by the predicted place's kind."""
    gold: Counter[str] = Counter(m.gold.place_kind for m in score.matches)
    gold.update(g.place_kind for g in score.false_negatives)
    hit_gold: Counter[str] = Counter(m.gold.place_kind for m in score.matches)
    predicted: Counter[str] = Counter(m.pair.event.place.kind.value for m in score.matches)
    predicted.update(p.event.place.kind.value for p in score.false_positives)
    hit_pred: Counter[str] = Counter(m.pair.event.place.kind.value for m in score.matches)
    out = []
    for kind in sorted(set(gold) | set(predicted)):
        # matched counts differ by side when a site is predicted as a town: report both
        out.append(Figures(f"{kind} (gold {hit_gold[kind]}/{gold[kind]})", hit_pred[kind],
                           predicted[kind], gold[kind]))
    return out


def type_confusion(events: Iterable[Event], gold: Sequence[GoldEvent]) -> Counter[tuple[str, str]]:
    """(gold change, predicted change or "missed"): place, article and dates matched, any type."""
    anything = tuple(Change)
    loose = [GoldEvent(g.line, g.file, g.place, g.place_kind, g.lat, g.lon, g.event_type,
                       anything, g.interval, g.evidence, g.place_as_written, g.certainty)
             for g in gold]
    score = match(events, loose)
    table: Counter[tuple[str, str]] = Counter(
        (m.gold.event_type.value, m.pair.event.change.value) for m in score.matches)
    table.update((g.event_type.value, MISSED) for g in score.false_negatives)
    return table


@dataclass(frozen=True, slots=True)
class Bucket:
    """Predicted pairs whose confidence lies in [low, high), and how many were right."""

    low: float
    high: float
    predicted: int
    right: int

    @property
    def share(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0


def calibration(score: Score) -> list[Bucket]:
    """How often a predicted pair is right, by its event's confidence."""
    right = {id(m.pair) for m in score.matches}
    pairs: list[Pair] = [m.pair for m in score.matches] + list(score.false_positives)
    out = []
    for low, high in BUCKETS:
        inside = [p for p in pairs if low <= p.event.confidence < high]
        out.append(Bucket(low, min(high, 1.0), len(inside), sum(id(p) in right for p in inside)))
    return out


def at_least(score: Score, threshold: float) -> Bucket:
    """The predicted pairs at or above a confidence threshold, and how many were right."""
    right = {id(m.pair) for m in score.matches}
    pairs = [m.pair for m in score.matches] + list(score.false_positives)
    inside = [p for p in pairs if p.event.confidence >= threshold]
    return Bucket(threshold, 1.0, len(inside), sum(id(p) in right for p in inside))


def format_confusion(table: Counter[tuple[str, str]]) -> list[str]:
    cols = [c.value for c in Change] + [MISSED]
    lines = ["gold \\ predicted".ljust(14) + "".join(c.rjust(12) for c in cols)]
    for row in (c.value for c in Change):
        lines.append(row.ljust(14) + "".join(str(table[(row, c)]).rjust(12) for c in cols))
    return lines


def format_calibration(buckets: Sequence[Bucket]) -> list[str]:
    lines = ["confidence     predicted   right   share"]
    for b in buckets:
        lines.append(f"[{b.low:.1f}, {b.high:.1f}{']' if b.high >= 1.0 else ')'}   "
                     f"{b.predicted:>9} {b.right:>7}   {b.share:.3f}")
    return lines
