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
