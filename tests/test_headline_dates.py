"""A headline with no time word takes the date the body gives its change (helper dates2)."""

from __future__ import annotations

from datetime import date

from conflictmap.events import Extractor
from conflictmap.model import Article, Interval

DAY = Interval.spanning(date(2024, 5, 12), date(2024, 5, 12))


def _extract(text: str, lang: str = "en") -> list:
    return Extractor().extract(Article(id="x", text=text, published="2024-05-12", period=DAY,
                                       lang=lang))


def test_a_headline_takes_the_bodys_date() -> None:
    events = _extract("Army regains Wad Madani, a year after losing it\n\n"
                      "In December 2023 the RSF seized Wad Madani. By mid-January the army "
                      "had retaken Wad Madani.\n\nSudan")
    retakes = [e for e in events if e.place.name.startswith("Wad") and e.actor is not None
               and e.actor.id == "saf"]
    assert retakes and {e.period.start.year for e in retakes} == {2024}
    assert all(e.period.start.month == 1 for e in retakes)


def test_a_headline_of_todays_news_keeps_its_week() -> None:
    events = _extract("Army regains Wad Madani\n\nThe army retook Wad Madani on Saturday, "
                      "a year after losing it to the RSF.\n\nSudan")
    assert events and all(e.period.start >= date(2024, 5, 5) for e in events)
