"""A headline repeated as a line of its own, and a headline over a body that tells an earlier
taking too, are dated by the body's change of the headline's type; fighting that goes on a
day after a taking is part of it."""

from __future__ import annotations

from datetime import date

from conflictmap.events import Extractor
from conflictmap.model import Article, Change, Interval

DAY = Interval.spanning(date(2011, 3, 14), date(2011, 3, 14))


def _extract(text: str, lang: str = "nl") -> list:
    return Extractor().extract(Article(id="x", text=text, published="2011-03-14", period=DAY,
                                       lang=lang))


def test_a_repeated_headline_takes_the_date_of_the_bodys_change_of_its_type() -> None:
    events = _extract("Leger herovert Brega\n\nLeger herovert Brega\n\n"
                      "Het Libische leger heeft zondag Brega heroverd op de rebellen. De "
                      "rebellen namen Brega begin maart in.\n\nLibië")
    retakes = [e for e in events if e.change is Change.RECAPTURE]
    assert retakes and all(e.period == Interval.spanning(date(2011, 3, 13), date(2011, 3, 13))
                           for e in retakes)


def test_fighting_the_day_after_a_taking_is_part_of_it() -> None:
    events = _extract("Het leger heeft zaterdag Brega heroverd op de rebellen. In Brega zelf "
                      "werd zondag nog gevochten rond de markt.\n\nLibië")
    assert [e.change for e in events] == [Change.RECAPTURE]


def test_fighting_a_week_after_a_taking_is_its_own() -> None:
    events = _extract("Het leger heeft op 1 maart Brega heroverd op de rebellen. In Brega "
                      "werd zondag weer gevochten.\n\nLibië")
    assert {e.change for e in events} == {Change.RECAPTURE, Change.CONTESTED}
