"""What a run read, skipped and made: the run's log, filled in as its stages consume the
article stream, and the summary ``build`` returns."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from conflictmap.articles import Skip
from conflictmap.incremental import KnownArticle, KnownRun
from conflictmap.model import Article, Event, Interval

log = logging.getLogger(__name__)

A = TypeVar("A", Article, KnownArticle, KnownRun)


@dataclass
class RunLog:
    """What a run read and skipped (filled in as the article stream is consumed)."""

    articles: int = 0
    reports: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    not_read: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    # reports of a change at a place no gazetteer knows (unresolved.py), set apart before
    # consolidation
    unresolved: list[Event] = field(default_factory=list)

    def skip(self, skip: Skip) -> None:
        if skip.not_read:  # left alone by design: counted, listed with -v
            self.not_read[skip.reason] += 1
            log.debug("%s", skip)
            return
        self.skipped[skip.reason] += 1
        log.warning("%s", skip)

    def count(self, articles: Iterable[A]) -> Iterator[A]:
        for article in articles:
            if isinstance(article, KnownRun):
                self.articles += len(article)
                self.languages.update(article.langs)
            else:
                self.articles += 1
                self.languages[article.lang] += 1
            yield article

    @property
    def lang(self) -> str:
        return self.languages.most_common(1)[0][0] if self.languages else "en"


@dataclass(frozen=True)
class BuildSummary:
    articles: int
    skipped: dict[str, int]
    reports: int
    events: int
    events_in_range: int
    places: int
    window: Interval | None
    outputs: tuple[Path, ...]
    unconfident: int = 0  # events below --min-confidence, left out
    not_read: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # corrections applied and unmatched, names left unresolved

    def lines(self) -> list[str]:
        skipped = sum(self.skipped.values())
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        span = (f"{self.window.start} to {self.window.end}" if self.window else "no dated events")
        return [
            f"articles read: {self.articles}" + (f" (skipped {skipped}: {why})" if skipped else ""),
            *not_read_lines(self.not_read),
            f"events found: {self.events} (from {self.reports} reports); "
            f"{self.events_in_range} in range"
            + (f" ({self.unconfident} below the minimum confidence left out)"
               if self.unconfident else ""),
            f"places: {self.places}",
            f"date range: {span}",
            *self.notes,
            *(f"wrote {p}" for p in self.outputs),
        ]


def not_read_lines(not_read: dict[str, int]) -> list[str]:
    """The summary's line on the files the walk left alone, and why (none when none)."""
    if not not_read:
        return []
    why = ", ".join(f"{n} {reason}" for reason, n in sorted(not_read.items()))
    return [f"files not read: {sum(not_read.values())} ({why}); -v lists them"]
