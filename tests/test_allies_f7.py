"""actors.toml's [allies]: two allied sides' gainers of one place in one article are one change."""

from __future__ import annotations

from datetime import date

from conflictmap.consolidate import consolidate
from conflictmap.model import Actor, Change, Event, Interval, Place, PlaceKind, Source, Status

TURKEY = Actor("turkey", "Turkish armed forces", "turkey", "state")
FSA = Actor("syria_opposition", "Syrian opposition forces", "syria_opposition", "non_state")
RWANDA = Actor("rwanda", "Rwanda Defence Force", "rwanda", "state")
MOZ = Actor("mozambique_gov", "Mozambican army", "mozambique_gov", "state")
SYRIA = Actor("syria_gov", "Syrian government forces", "syria_gov", "state")
PLACE = Place("geonames:1", "Karsk", PlaceKind.TOWN, 36.5, 36.8, "SY")


def _event(start: str, end: str, article: str, actor: Actor) -> Event:
    return Event(Change.CAPTURE, Status.REPORTED, PLACE,
                 Interval(date.fromisoformat(start), date.fromisoformat(end), 1), actor, None,
                 (Source(article, "2018-03", "q", 0, 1),))


def test_allied_state_and_rebel_gainers_in_one_article_are_one_change() -> None:
    assert len(consolidate([_event("2018-03-11", "2018-03-18", "a", TURKEY),
                            _event("2018-03-18", "2018-03-18", "a", FSA)])) == 1
    assert len(consolidate([_event("2021-08-02", "2021-08-09", "a", RWANDA),
                            _event("2021-08-08", "2021-08-08", "a", MOZ)])) == 1


def test_unallied_and_cross_article_gainers_stay_apart() -> None:
    assert len(consolidate([_event("2018-03-11", "2018-03-18", "a", TURKEY),
                            _event("2018-03-18", "2018-03-18", "a", SYRIA)])) == 2
    assert len(consolidate([_event("2018-03-11", "2018-03-18", "a", TURKEY),
                            _event("2018-03-18", "2018-03-18", "b", FSA)])) == 2
