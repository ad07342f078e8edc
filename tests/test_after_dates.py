"""Dates counted from another change (after_dates.py): the count's unit and looseness, and the
main clause after a phrase that opens its sentence."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.after_dates import _later
from conflictmap.events import Extractor
from conflictmap.model import Article, Interval

DAY = Interval(date(2024, 3, 10), date(2024, 3, 10), 1)


@pytest.mark.parametrize(("n", "days", "months", "start", "end"), [
    (3, 1, 0, "2024-03-13", "2024-03-13"),  # days: exact
    (2, 7, 0, "2024-03-24", "2024-03-24"),  # weeks: exact
    (1, 0, 1, "2024-03-26", "2024-04-25"),  # a month: loose by half a month either way
    (1, 0, 12, "2024-09-11", "2025-09-06"),  # a year: loose by 180 days either way
])
def test_after_dates_later_counts_its_unit(n: int, days: int, months: int, start: str,
                                           end: str) -> None:
    got = _later(DAY, n, days, months)
    assert (str(got.start), str(got.end)) == (start, end)


@pytest.mark.parametrize(("lang", "text", "place", "day"), [
    ("en", "Rebels captured Hama on 5 December. A day after the fall of Hama, they entered "
           "Homs.", "Homs", "2024-12-06"),
    ("nl", "Op 5 december namen de rebellen Hama in. Twee dagen na Hama viel ook Homs.",
     "Homs", "2024-12-07"),
    # no change of that place told before: the sentence's own time, not a count from nothing
    ("en", "A day after the fall of Hama, the rebels entered Homs.", "Homs", None),
])
def test_after_dates_main_clause_counts_from_the_change_told_before(
        lang: str, text: str, place: str, day: str | None) -> None:
    published = date(2024, 12, 10)
    article = Article(id="a", text=text, published=published.isoformat(),
                      period=Interval(published, published, 1), lang=lang)
    events = [e for e in Extractor().extract(article) if e.place.name == place]
    assert events
    if day is None:
        assert all(e.period.start != e.period.end for e in events)
    else:
        assert {str(e.period.start) for e in events} == {day}
