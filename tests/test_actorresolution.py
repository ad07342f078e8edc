"""What actor a mention stands for (actorresolution): generic nouns against the actors the
article named before, places named as where things happen left out, backers left out."""

from __future__ import annotations

from datetime import date

from conflictmap.events import Extractor
from conflictmap.model import Article, Interval


def _losers(text: str, lang: str = "en", day: date = date(2024, 10, 28)) -> set[str | None]:
    events = Extractor().extract(Article(id="x", text=text, published=day.isoformat(),
                                         period=Interval.spanning(day, day), lang=lang))
    return {e.losing_actor.id if e.losing_actor else None for e in events}


def test_the_army_after_a_country_named_as_a_place_is_the_places_own() -> None:
    assert _losers("Ukrainian drones hit refineries deep inside Russia this week. The army "
                   "pulled out of Selydove on Monday.\n\nUkraine") == {"ukraine"}


def test_the_army_after_a_country_that_acts_is_that_countrys() -> None:
    events = Extractor().extract(Article(
        id="x", text="Russia pressed its offensive. The army took Selydove on Monday.\n\nUkraine",
        published="2024-10-28", period=Interval.spanning(date(2024, 10, 28), date(2024, 10, 28)),
        lang="en"))
    assert {e.actor.id for e in events if e.actor} == {"russia"}
