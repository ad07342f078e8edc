"""A live blog's day headings date the entries under them (helper i7; other wars than its
probe batch). Each case failed before ``date_choice.day_heading``."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.date_choice import day_heading
from conflictmap.events import Extractor
from conflictmap.model import Article, Interval

EN_BLOG = """Ukraine war live: Russian forces press on in Donetsk

Thursday 22 February

10:15
Ukraine's army says fighting goes on near Robotyne.

Saturday 17 February

09:40
Ukrainian troops have withdrawn from Avdiivka, the army's commander said.

Ukraine
"""

NL_BLOG = """Liveblog oorlog in Soedan

woensdag 11 december

Het leger meldt gevechten bij El Fasher.

zondag 8 december

Het leger heeft de stad Singa heroverd, meldt de legerleiding.

Soedan
"""


def _events(text: str, lang: str, day: date) -> list[tuple[str, str, str]]:
    article = Article(id="blog", text=text, published=day.isoformat(),
                      period=Interval(day, day, 1), lang=lang)
    return [(e.change.value, e.place.name, f"{e.period.start}..{e.period.end}")
            for e in Extractor().extract(article)]


@pytest.mark.parametrize(("text", "lang", "day", "want"), [
    (EN_BLOG, "en", date(2024, 2, 22), ("withdrawal", "Avdiivka", "2024-02-10..2024-02-17")),
    (NL_BLOG, "nl", date(2024, 12, 11), ("recapture", "Singa", "2024-12-01..2024-12-08")),
])
def test_entry_under_a_day_heading(text: str, lang: str, day: date,
                                   want: tuple[str, str, str]) -> None:
    assert want in _events(text, lang, day)


def test_heading_is_a_date_alone() -> None:
    day = date(2024, 2, 22)
    period = Interval(day, day, 1)
    text = "Head\n\nOn 17 February the army left.\n\nUkrainian troops withdrew from Avdiivka.\n"
    assert day_heading(text, text.index("Ukrainian"), period, "en") is None
    text = "Head\n\nSaturday 17 February\n\nUkrainian troops withdrew from Avdiivka.\n"
    assert day_heading(text, text.index("Ukrainian"), period, "en") == Interval.spanning(
        date(2024, 2, 17), date(2024, 2, 17))
    text = "Head\n\n1 March\n\nUkrainian troops withdrew from Avdiivka.\n"  # after the article
    assert day_heading(text, text.index("Ukrainian"), period, "en") is None
