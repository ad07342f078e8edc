"""A headline with no time word takes the date the body gives its change, also when the page
repeats it as a line of its own or the body tells an earlier taking too; fighting that goes on a
day after a taking is part of it."""

from __future__ import annotations

from datetime import date

from conflictmap.events import Extractor
from conflictmap.model import Article, Change, Interval


def _extract(text: str, lang: str = "en", day: date = date(2024, 5, 12)) -> list:
    return Extractor().extract(Article(id="x", text=text, published=day.isoformat(),
                                       period=Interval.spanning(day, day), lang=lang))


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
    retakes = [e for e in events if e.actor is not None and e.actor.id == "saf"]
    assert retakes and all(e.period.start >= date(2024, 5, 5) for e in retakes)
    # the loss a year before is a change of its own, dated then
    assert all(e.period.end < date(2024, 5, 5) for e in events if e not in retakes)


LIBYA_DAY = date(2011, 3, 14)


def test_a_repeated_headline_takes_the_date_of_the_bodys_change_of_its_type() -> None:
    events = _extract("Leger herovert Brega\n\nLeger herovert Brega\n\n"
                      "Het Libische leger heeft zondag Brega heroverd op de rebellen. De "
                      "rebellen namen Brega begin maart in.\n\nLibië", "nl", LIBYA_DAY)
    retakes = [e for e in events if e.change is Change.RECAPTURE]
    assert retakes and all(e.period == Interval.spanning(date(2011, 3, 13), date(2011, 3, 13))
                           for e in retakes)


def test_fighting_the_day_after_a_taking_is_part_of_it() -> None:
    events = _extract("Het leger heeft zaterdag Brega heroverd op de rebellen. In Brega zelf "
                      "werd zondag nog gevochten rond de markt.\n\nLibië", "nl", LIBYA_DAY)
    assert [e.change for e in events] == [Change.RECAPTURE]


def test_fighting_a_week_after_a_taking_is_its_own() -> None:
    events = _extract("Het leger heeft op 1 maart Brega heroverd op de rebellen. In Brega "
                      "werd zondag weer gevochten.\n\nLibië", "nl", LIBYA_DAY)
    assert {e.change for e in events} == {Change.RECAPTURE, Change.CONTESTED}


def test_a_headline_does_not_take_the_date_of_a_taking_years_before() -> None:
    events = _extract("Kidal gevallen: rebellen verliezen hun bolwerk\n\nDe laatste strijders "
                      "in de stad gaven zich vandaag over aan het leger.\n\n"
                      "Islamisten namen Kidal begin 2012 in.\n\nMali", "nl", date(2023, 11, 15))
    assert {e.period.start.year for e in events} == {2012, 2023}


def test_a_headline_over_an_old_english_background_keeps_its_week() -> None:
    events = _extract("Gharyan falls\n\nThe last soldiers in the town surrendered on Tuesday, "
                      "residents said. Islamist fighters first took Gharyan in 2017.\n\nLibya")
    assert any(e.period.start >= date(2024, 5, 1) for e in events)


def test_a_headline_takes_the_sides_of_the_bodys_one_change() -> None:
    # the headline names the gainer loosely ("militias"), the body by its allegiance: one
    # change, so one side, and the reports merge into one event
    events = _extract("Libische milities heroveren Brega\n\nTroepen die loyaal zijn aan de "
                      "eenheidsregering in Tripoli hebben Brega heroverd.\n\nLibië", "nl",
                      date(2016, 6, 10))
    retakes = [e for e in events if e.change is Change.RECAPTURE]
    assert len(retakes) == 2 and len({e.actor.side for e in retakes if e.actor}) == 1


def test_a_headline_keeps_its_side_when_the_body_tells_the_other_sides_taking() -> None:
    # the body's change is the opponent's (its loser is the headline's gainer): two changes
    events = _extract("Rebels seize Kindu\n\nThe army took Kindu from the rebels on Friday, "
                      "officials said.\n\nCongo")
    sides = {e.actor.side for e in events if e.actor is not None}
    assert len(sides) == 2
