"""Merge reports of one control change across articles; derive each place's control timeline."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Protocol

from conflictmap import gctools
from conflictmap.actors import allied_sides
from conflictmap.model import Actor, Change, ControlSpan, Event, Interval, Status

log = logging.getLogger(__name__)

_STATUS_RANK = {Status.REPORTED: 0, Status.CLAIMED: 1, Status.DISPUTED: 2}
# A withdrawal this many days before a capture of the same place is part of that capture
# ("the army left on Saturday; the rebels entered on Sunday").
WITHDRAWAL_LEAD_DAYS = 3
_LEAD = timedelta(days=WITHDRAWAL_LEAD_DAYS)


def _close_in_time(a: Event | _Group, b: Event) -> bool:
    p, q = a.period, b.period
    if p.start <= q.end and q.start <= p.end:  # Interval.overlaps, inline: the hot path
        return True
    kinds = {a.change, b.change}
    if Change.WITHDRAWAL not in kinds or kinds & {Change.CONTESTED} or len(kinds) == 1:
        return False
    withdrawal, taking = (a, b) if a.change is Change.WITHDRAWAL else (b, a)
    gap = (taking.period.start - withdrawal.period.end).days
    return 0 < gap <= WITHDRAWAL_LEAD_DAYS


def _confirmed_after(a: Event | _Group, b: Event) -> bool:
    """Within one article, a withdrawal dated up to WITHDRAWAL_LEAD_DAYS after the other
    side took the place is that change confirmed by the loser ("the army retook X on
    Wednesday"; "the rebels confirmed on Thursday they had withdrawn from X")."""
    kinds = {a.change, b.change}
    if Change.WITHDRAWAL not in kinds or Change.CONTESTED in kinds or len(kinds) == 1:
        return False
    withdrawal, taking = (a, b) if a.change is Change.WITHDRAWAL else (b, a)
    gap = (withdrawal.period.start - taking.period.end).days
    # a taking known only to the month ("held the city in November 2012 before pulling out
    # in early December") is not confirmed by a leaving right after it: the taker left
    span = (taking.period.end - taking.period.start).days
    return 0 < gap <= WITHDRAWAL_LEAD_DAYS and span < CONFIRMED_SPAN_DAYS


CONFIRMED_SPAN_DAYS = 10
"""A taking dated within fewer days than this may be confirmed by a withdrawal told after it."""


_TAKINGS = frozenset({Change.CAPTURE, Change.RECAPTURE})


def _retold(a: Event | _Group, b: Event) -> bool:
    """Within one article, one side's two takings of a place up to WITHDRAWAL_LEAD_DAYS
    apart are one change told twice ("took Walikale on March 19"; "withdrew on Friday, two
    weeks after seizing it"): nothing can have taken it from them in between. A group's
    name and a placeholder ("rebels") are one side (``_agree``); an unnamed taker is not."""
    if (a.change not in _TAKINGS or b.change not in _TAKINGS or a.actor is None
            or b.actor is None or not _agree(a.actor, b.actor)):
        return False
    p, q = (a.period, b.period) if a.period.end < b.period.start else (b.period, a.period)
    return 0 < (q.start - p.end).days <= WITHDRAWAL_LEAD_DAYS


FIGHT_GAP_DAYS = 7
"""Within one article, fighting in a place reported again this many days later is one fight
("stormed Grozny on Tuesday"; "were still battling in the centre on Monday")."""


def _reach(change: Change) -> timedelta:
    """How long after a group's end a report may still join it."""
    return timedelta(days=FIGHT_GAP_DAYS) if change is Change.CONTESTED else _LEAD


def _fight_goes_on(a: Event | _Group, b: Event) -> bool:
    if a.change is not Change.CONTESTED or b.change is not Change.CONTESTED:
        return False
    p, q = (a.period, b.period) if a.period.end < b.period.start else (b.period, a.period)
    return 0 < (q.start - p.end).days <= FIGHT_GAP_DAYS


def _same_change(a: Event | _Group, b: Event) -> bool:
    """Two reports describe one change: same place, compatible change, sides, and dates."""
    return a.place.id == b.place.id and _joins(a, b)


UNSPECIFIED_SIDES = frozenset({"rebels", "jihadists"})
"""The sides of the actors lexicon's placeholders ("rebels (unspecified)", "jihadists
(unspecified)", rules/actors.toml): what a report says when it names no group and the war's
country has no default for the word. Such a side agrees with any non-state side: "the
insurgents took X" and "jihadist fighters took X" in one week are one change, and so are
"rebels took X" and "HTS took X"."""


def _joins(a: Event | _Group, b: Event, across: bool = False) -> bool:
    """:func:`_same_change` for two reports of one place. ``across``: they are two
    articles' readings, which join only when they read the change alike (one article's type
    is never imposed on another's source)."""
    if not _close_in_time(a, b) and (across or not (_confirmed_after(a, b)
                                                    or _retold(a, b) or _fight_goes_on(a, b))):
        return False
    if a.change is not b.change and (across or Change.CONTESTED in (a.change, b.change)):
        return False
    if not across and a.change is Change.CONTESTED and b.change is Change.CONTESTED:
        return True  # one article's fighting for a place: both sides fight, one event
    if _same_side(a.actor, b.losing_actor) or _same_side(b.actor, a.losing_actor):
        return False  # "occupied the town for ten days before they withdrew": two changes
    if not across and _allied(a.actor, b.actor):
        return _agree(a.losing_actor, b.losing_actor)
    return _agree(a.actor, b.actor) and _agree(a.losing_actor, b.losing_actor)


def _allied(a: Actor | None, b: Actor | None) -> bool:
    """Within one article, two non-state gainers of one place in one span of days are one
    coalition's names for it ("Turkish-backed rebels seize Afrin"; "units of the Free Syrian
    Army ... entered Afrin"): one change, not two. So are two sides that actors.toml's
    [allies] pairs, states among them ("Rwandan and Mozambican troops retook X")."""
    return (a is not None and b is not None and a.side != b.side
            and ((a.kind == "non_state" and b.kind == "non_state")
                 or frozenset((a.side, b.side)) in allied_sides()))


def _same_side(a: Actor | None, b: Actor | None) -> bool:
    return a is not None and b is not None and a.side == b.side


def _article_change(a: Change, b: Change) -> Change:
    """The type of one change that one article reports twice: a recapture when either
    report says the place was taken back (CODEBOOK.md), and the taking over the withdrawal
    (the more precise type; the gold accepts both where the text frames both)."""
    if {a, b} == {Change.CAPTURE, Change.RECAPTURE}:
        return Change.RECAPTURE
    return b if a is Change.WITHDRAWAL else a


def _agree(a: Actor | None, b: Actor | None) -> bool:
    """Two reports' actors may be one side: the same side, either unnamed, or a placeholder
    side (UNSPECIFIED_SIDES) with a non-state one."""
    if a is None or b is None or a.side == b.side:
        return True
    if a.side in UNSPECIFIED_SIDES:
        return b.kind == "non_state"
    return b.side in UNSPECIFIED_SIDES and a.kind == "non_state"


def _named(a: Actor | None, b: Actor | None) -> Actor | None:
    """The more specific of two reports' actors: a named group ("HTS") over its side's
    umbrella actor ("Syrian opposition", whose id is the side's id) when both are on
    one side, and any actor over a placeholder (UNSPECIFIED_SIDES); otherwise the first
    report's."""
    if a is None or b is None:
        return a or b
    if a.side == b.side and a.id == a.side and b.id != b.side:
        return b
    if a.side in UNSPECIFIED_SIDES and b.side not in UNSPECIFIED_SIDES:
        return b
    return a


class _Group:
    """Reports of one change being merged: the merged fields so far, without building an
    Event (and hashing its id) at every merge; :meth:`event` builds it once."""

    __slots__ = ("actor", "change", "confidence", "first", "geo_precision", "horizon",
                 "losing_actor", "period", "place", "seen", "sources", "status")

    def __init__(self, first: Event) -> None:
        self.first = first
        self.place = first.place
        self.change = first.change
        self.status = first.status
        self.period = first.period
        self.actor = first.actor
        self.losing_actor = first.losing_actor
        self.sources = list(first.sources)
        self.seen: set[tuple[str, int, int]] | None = None  # made at the first merge
        self.confidence = first.confidence
        self.geo_precision = first.geo_precision
        self.horizon = first.period.end + _reach(first.change)  # the last start that may join

    def add(self, b: Event) -> None:
        """Merge report ``b`` in (the first report's fields win where they tie)."""
        if (self.change is Change.WITHDRAWAL) != (b.change is Change.WITHDRAWAL):
            # The taking completes the change: a withdrawal report does not date it.
            period = b.period if self.change is Change.WITHDRAWAL else self.period
        else:
            # reports that do not overlap joined only as one change told twice (_retold):
            # the span of both estimates
            period = self.period.intersect(b.period) or Interval.spanning(
                min(self.period.start, b.period.start), max(self.period.end, b.period.end))
        self.period = period
        self.horizon = period.end + _reach(self.change)
        if b.change is not self.change:  # only within one article (_joins)
            self.change = _article_change(self.change, b.change)
        self.status = min(self.status, b.status, key=_STATUS_RANK.__getitem__)
        self.actor = _named(self.actor, b.actor)
        self.losing_actor = _named(self.losing_actor, b.losing_actor)
        if self.seen is None:
            self.seen = {(s.article, s.start, s.end) for s in self.sources}
        for source in b.sources:
            where = (source.article, source.start, source.end)
            if where not in self.seen:
                self.seen.add(where)
                self.sources.append(source)
        self.confidence = max(self.confidence, b.confidence)
        self.geo_precision = min(self.geo_precision, b.geo_precision)

    def event(self) -> Event:
        if self.seen is None:  # nothing was merged in: the report as it came
            return self.first
        return Event(self.change, self.status, self.place, self.period, self.actor,
                     self.losing_actor, tuple(self.sources), self.confidence,
                     self.geo_precision)


def _merge(a: Event, b: Event) -> Event:
    """Two reports of one change as one event."""
    group = _Group(a)
    group.add(b)
    return group.event()


def _merge_place(reports: list[Event]) -> list[Event]:
    """Merge one place's reports: each article's reports first (its reading of each change:
    type and sides decided within the article), then the articles' readings that agree.
    Merging adds sources; it never changes the type an article gave a change."""
    by_article: dict[str, list[Event]] = defaultdict(list)
    for report in reports:
        by_article[report.sources[0].article if report.sources else ""].append(report)
    if len(by_article) == 1:
        return _greedy(reports, across=False)
    readings = [e for mine in by_article.values() for e in _greedy(mine, across=False)]
    return _consensus(readings)


def _consensus(readings: list[Event]) -> list[Event]:
    """Merge the articles' readings of one place: the most precise first, each reading into
    the group of most sources it joins. A reading dated only to the month joins the change
    that most articles date to the day, not one outlier it happens to overlap first (whose
    intersection would then date it wrongly); the merged interval stays the intersection
    of the sources'."""
    readings.sort(key=lambda e: (e.period.end - e.period.start, e.period.start, e.period.end,
                                 e.id))
    groups: list[_Group] = []
    earliest: list[Event] = []  # each group's first reading in date order: its place's point
    # readings of two articles join only when they overlap: a group is looked up by the
    # spans of _BUCKET_DAYS days its first interval covers (it only narrows after)
    buckets: dict[int, list[int]] = defaultdict(list)
    for reading in readings:
        near = sorted({i for b in _buckets(reading.period) for i in buckets.get(b, ())})
        joinable = [i for i in near if _joins(groups[i], reading, True)]
        if joinable:
            i = max(joinable, key=lambda i: len(groups[i].sources))
            groups[i].add(reading)
            earliest[i] = min(earliest[i], reading, key=_date_order)
        else:
            for b in _buckets(reading.period):
                buckets[b].append(len(groups))
            groups.append(_Group(reading))
            earliest.append(reading)
    for group, first in zip(groups, earliest, strict=True):
        group.place = first.place  # (an airport told by its town: one id, two points)
    return [g.event() for g in groups]


def _date_order(e: Event) -> tuple[date, date, str]:
    return e.period.start, e.period.end, e.id


_BUCKET_DAYS = 32


def _buckets(period: Interval) -> range:
    """The spans of _BUCKET_DAYS days (numbered from day one) that ``period`` touches."""
    return range(period.start.toordinal() // _BUCKET_DAYS,
                 period.end.toordinal() // _BUCKET_DAYS + 1)


def _greedy(reports: list[Event], across: bool) -> list[Event]:
    """Greedy merge of reports in start order.

    A group can only take a report that starts at most WITHDRAWAL_LEAD_DAYS (for fighting,
    FIGHT_GAP_DAYS) after the group ends, and later reports start later still, so groups
    that ended before that are dropped from the scan: linear in the reports rather than
    quadratic.
    """
    reports.sort(key=_date_order)
    groups: list[_Group] = []
    live: list[_Group] = []
    for report in reports:
        start = report.period.start
        live = [g for g in live if g.horizon >= start]
        for group in live:
            if _joins(group, report, across):
                group.add(report)
                break
        else:
            group = _Group(report)
            live.append(group)
            groups.append(group)
    return [g.event() for g in groups]


class PlaceMemo(Protocol):
    """Merged events remembered per place (``mergedcache.MergedCache``): ``get`` gives a place's
    events when its reports (in reading order) are those they were merged from, else
    None; ``put`` keeps how they were merged."""

    def get(self, place: str, reports: Sequence[Event]) -> list[Event] | None: ...

    def put(self, place: str, reports: Sequence[Event], events: Sequence[Event]) -> None: ...


def consolidate(events: Iterable[Event], memo: PlaceMemo | None = None) -> list[Event]:
    """One event per control change, keeping every source.

    Reports are grouped by place; each article's are merged greedily in date order when
    their intervals overlap (or a withdrawal ends at most WITHDRAWAL_LEAD_DAYS before a
    capture) and their changes and sides agree, then the articles' readings, the most
    precise first, each into the agreeing group of most sources; the merged interval is the
    intersection of the reports' intervals, except that a withdrawal report does
    not narrow the interval of the capture it merges into. Output order is stable: by date,
    then place id, then event id. Each place is merged on its own, so ``memo`` may give a
    place's events merged before from the same reports.
    """
    with gctools.paused():
        by_place: dict[str, list[Event]] = defaultdict(list)
        for event in events:
            by_place[event.place.id].append(event)
        merged = list(merge_places(by_place.items(), memo))
        merged.sort(key=lambda e: (e.period.start, e.place.id, e.id))
    return merged


def merge_places(places: Iterable[tuple[str, list[Event]]], memo: PlaceMemo | None = None,
                 ) -> Iterator[Event]:
    """The merged events of each (place id, its reports in reading order), place after
    place, unsorted: :func:`consolidate` without the grouping and the final sort (which
    ``spill.Spill`` does on disk)."""
    for place, reports in places:
        found = memo.get(place, reports) if memo is not None else None
        if found is None:
            # _merge_place sorts its list: the memo keeps the reading order
            found = _merge_place(list(reports) if memo is not None else reports)
            if memo is not None:
                memo.put(place, reports, found)
        yield from found


def control_timeline(events: Sequence[Event]) -> Mapping[str, list[ControlSpan]]:
    """Who held each place from when, as the events say.

    A span starts at the end of the event's interval (the date by which the
    change had surely happened). Captures and recaptures give the place to the
    gaining actor; a withdrawal without a named gainer marks it "lost" by the
    withdrawing side; contested events mark it contested. Disputed events do
    not change control.
    """
    spans: dict[str, list[ControlSpan]] = defaultdict(list)
    for event in sorted(events, key=lambda e: (e.period.end, e.period.start, e.id)):
        if event.status is Status.DISPUTED:
            continue
        if event.change is Change.CONTESTED:
            state, holder = "contested", None
        elif event.actor is not None:
            state, holder = "held", event.actor
        else:
            state, holder = "lost", event.losing_actor
        spans[event.place.id].append(
            ControlSpan(place=event.place, start=event.period.end, state=state,
                        holder=holder, event_id=event.id, since=event.period.start)
        )
    return dict(spans)


def in_range(events: Iterable[Event], window: Interval | None) -> list[Event]:
    """The events whose interval overlaps the window (all when window is None)."""
    return [e for e in events if window is None or e.period.overlaps(window)]
