"""Dates a clause takes from the sentences around it (context_dates.py)."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.events import Extractor
from conflictmap.model import Article, Interval


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _events(extractor: Extractor, text: str, published: str, lang: str = "nl") -> dict:
    year, month = map(int, published.split("-")[:2])
    day = date(year, month, 30)
    article = Article(id="c", text=text, published=published, period=Interval(
        date(year, month, 1), day, 3), lang=lang)
    return {(e.change.value, e.place.name): (e.period.start, e.period.end)
            for e in extractor.extract(article)}


@pytest.mark.parametrize(("text", "place", "start"), [
    # "In dezelfde dagen" opening a paragraph points back into the paragraph before it
    ("Kop\n\nOp 8 december 2024 trokken rebellen Damascus binnen. \"Het regime was weg\", "
     "zegt hij.\n\nIn dezelfde dagen namen Koerdische strijders Deir ez-Zor over.\n\nSyrië\n",
     "Deir ez-Zor", date(2024, 12, 8)),
    ("Kop\n\nOp 12 augustus 2021 viel Herat in handen van de Taliban. \"We vluchtten\", "
     "zegt ze.\n\nDiezelfde dag namen de Taliban ook Ghazni in.\n\nAfghanistan\n",
     "Ghazni", date(2021, 8, 12)),
])
def test_then_opening_a_paragraph_takes_the_date_before_it(extractor: Extractor, text: str,
                                                           place: str, start: date) -> None:
    found = [period for (_, name), period in _events(extractor, text, "2025-09").items()
             if name == place]
    assert found and found[0][0] == start


def test_then_with_a_date_of_its_own_keeps_it(extractor: Extractor) -> None:
    # "the same day" beside the sentence's own "May 2000" is that day, not one told before
    text = ("Headline\n\nIn October 2024 Israeli troops stormed Khiam.\n\nOlder residents "
            "recalled May 2000, when Israel pulled out and Hezbollah fighters entered Bint Jbeil "
            "the same day.\n\nLebanon\n")
    found = _events(extractor, text, "2024-11", "en")
    assert [p for (c, n), p in found.items() if n == "Bint Jbeil"] == [
        (date(2000, 5, 1), date(2000, 5, 31))]


def _day_events(extractor: Extractor, text: str, published: str, lang: str) -> dict:
    day = date.fromisoformat(published)
    article = Article(id="c", text=text, published=published, period=Interval(day, day, 1),
                      lang=lang)
    return {e.place.name: (e.period.start, e.period.end) for e in extractor.extract(article)}


@pytest.mark.parametrize(("lang", "published", "text", "place", "start"), [
    # a new paragraph back to the news after an old year: the article's recent month
    ("en", "2016-10-28", "Headline\n\nIraqi forces pressed on towards Mosul on Friday. The city "
     "was the scene of the army's collapse: in June 2014 IS overran it in a few days.\n\n"
     "Troops recaptured Qayyarah on August 25 after a two-week push.\n\nIraq\n",
     "Qayyarah", date(2016, 8, 25)),
    ("nl", "2022-11-20", "Kop\n\nOekraïense troepen rukken op naar het zuiden. De regio ligt "
     "gevoelig: in maart 2014 annexeerde Rusland de Krim.\n\nOp 11 november heroverde het "
     "leger Cherson.\n\nOekraïne\n", "Kherson", date(2022, 11, 11)),
    # the same paragraph goes on in the year it told ("Then, in autumn 2020 ... in October")
    ("en", "2023-10-05", "Headline\n\nFor years nothing moved. Then, in autumn 2020, Azerbaijan "
     "attacked. Azerbaijani troops captured Hadrut on October 9.\n\nAzerbaijan\n",
     "Hadrut", date(2020, 10, 9)),
    # a paragraph after the old year whose month is not the news's keeps that year
    ("en", "2016-10-28", "Headline\n\nThe army collapsed in the north in June 2014.\n\nIS "
     "fighters captured Tikrit in June, days after the fall of Mosul.\n\nIraq\n",
     "Tikrit", date(2014, 6, 1)),
])
def test_a_paragraph_back_to_the_news_leaves_an_old_year(
        extractor: Extractor, lang: str, published: str, text: str, place: str,
        start: date) -> None:
    found = _day_events(extractor, text, published, lang)
    assert found[place][0] == start


@pytest.mark.parametrize(("lang", "text", "place", "start"), [
    # "ten days later" counts back past a quote's short sentences to the dated one
    ("nl", "Kop\n\nZe vluchtte in de nacht van 8 op 9 mei 1992 de stad uit. \"We hoorden de "
     "tanks.\" Haar man zei: \"Neem de paspoorten mee.\" Die nacht namen Armeense strijders "
     "Sjoesja in.\n\nTien dagen later viel ook Latsjin.\n\nAzerbeidzjan\n", "Lachin",
     date(1992, 5, 19)),
    ("en", "Headline\n\nOn 2 January 2009 the army entered Kilinochchi. \"We ran,\" she said. "
     "\"There was no time.\" That day the rebels fled.\n\nA week later troops took "
     "Elephant Pass.\n\nSri Lanka\n", "Elephant Pass", date(2009, 1, 9)),
])
def test_a_count_of_days_later_reaches_past_a_quote(extractor: Extractor, lang: str, text: str,
                                                    place: str, start: date) -> None:
    found = _day_events(extractor, text, "2012-05-07", lang)
    assert found[place][0] <= start <= found[place][1]
