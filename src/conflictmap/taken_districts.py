"""Fighting in a district of a town the article says was taken in those days: part of the
taking, not an event of its own (``articleevents.drop_fighting_before_change``). The rule is
:func:`district_of_taken`, for one report and one change; :func:`in_district_of_taken`
answers it for every change at once, from the takings grouped by town."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate

from conflictmap.geodesy import km_between
from conflictmap.model import Change, Event, Interval, Place, PlaceKind, Status

DISTRICT_KM = 8.0
"""How far from a town's point a smaller place may be one of its districts."""
DISTRICT_SHARE = 0.5
"""The most people a district may have, as a share of its town's: not a twin town of about
its size across a river (Lysychansk, 93,000 people, 6 km from Sievierodonetsk, 99,000)."""
DISTRICT_FIGHT_BEFORE_DAYS = 7
"""How long before a taking fighting in one of the town's districts is that taking's."""
FIGHTING_AFTER_DAYS = 2
"""How long after a taking fighting in the town is still that taking's (not a new fight)."""
_TAKINGS = frozenset({Change.CAPTURE, Change.RECAPTURE})


def district_of_taken(fight: Event, change: Event, named: bool = False) -> bool:
    """Fighting in a district of a town the article says was taken in those days ("took the
    airport on Tuesday and then pushed into the districts of A and B"; Aden retaken by Friday):
    part of the taking (up to DISTRICT_FIGHT_BEFORE_DAYS before it, FIGHTING_AFTER_DAYS after),
    not an event of its own (CODEBOOK: it adds contested to the town's acceptable types). A
    district is a place within DISTRICT_KM of the town's point with at most DISTRICT_SHARE of
    its people (a town of unknown size has no districts: two villages side by side; unless
    the report calls the place a district, ``named``)."""
    town, part = change.place, fight.place
    return (change.change in _TAKINGS and fight.status is not Status.DISPUTED
            and town.kind is PlaceKind.TOWN and part.kind is PlaceKind.TOWN
            and _district(town, part, named)
            and (change.period.start - fight.period.end).days <= DISTRICT_FIGHT_BEFORE_DAYS
            and (fight.period.start - change.period.end).days <= FIGHTING_AFTER_DAYS)


# a taken town: the town, its takings' starts in order, and the latest end among the first k
_Takings = tuple[Place, list[date], list[date]]


def takings_by_town(changes: list[Event]) -> list[_Takings]:
    """The takings of towns among ``changes``, by town, for :func:`in_district_of_taken`."""
    by_town: dict[Place, list[Interval]] = {}  # by the place itself: its point and population
    for c in changes:
        if c.change in _TAKINGS and c.place.kind is PlaceKind.TOWN:
            by_town.setdefault(c.place, []).append(c.period)
    out = []
    for town, periods in by_town.items():
        periods.sort(key=lambda p: p.start)
        latest = list(accumulate((p.end for p in periods), max))
        out.append((town, [p.start for p in periods], latest))
    return out


def in_district_of_taken(fight: Event, takings: list[_Takings], named: bool = False) -> bool:
    """``any(district_of_taken(fight, c) for c in changes)``, from ``takings_by_town``
    (changes): a town's takings by bisection, not every pair of a report and a change (a
    long live blog's thousands of both made this grow with the square of its length).
    ``named`` as for district_of_taken ("de havenwijken Tawahi en Mualla")."""
    part = fight.place
    if fight.status is Status.DISPUTED or part.kind is not PlaceKind.TOWN:
        return False
    # (c.start - fight.end).days <= DISTRICT_FIGHT_BEFORE_DAYS and
    # (fight.start - c.end).days <= FIGHTING_AFTER_DAYS
    latest_start = _days_after(fight.period.end, DISTRICT_FIGHT_BEFORE_DAYS)
    earliest_end = _days_after(fight.period.start, -FIGHTING_AFTER_DAYS)
    for town, starts, latest in takings:
        k = bisect_right(starts, latest_start)
        if k and latest[k - 1] >= earliest_end and _district(town, part, named):
            return True
    return False


def _district(town: Place, part: Place, named: bool) -> bool:
    """True when ``part`` may be a district of ``town`` by size and distance."""
    return (part.id != town.id and (town.population > 0 or named)
            and part.population <= town.population * DISTRICT_SHARE
            and km_between(town, part) <= DISTRICT_KM)


def _days_after(day: date, days: int) -> date:
    """``day`` + ``days``, held at the calendar's ends."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
