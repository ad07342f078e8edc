"""A month-dated page whose furniture gives the day is dated that day (helper dates2)."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.clause_dates import stamp_day
from conflictmap.model import Article, Interval
from conflictmap.rules import load_language

MAY = Interval.spanning(date(2024, 5, 1), date(2024, 5, 31))


@pytest.mark.parametrize(("lang", "text", "day"), [
    ("en", "Army enters Sinja\n\nPort Sudan | 12 May 2024\n\nThe army entered Sinja on Saturday.",
     date(2024, 5, 12)),
    ("nl", "Leger trekt Sinja binnen\n\n12 mei 2024 • 09:34 • Bijgewerkt 14 mei 2024, 10:02\n\n"
           "Het leger trok zaterdag Sinja binnen.", date(2024, 5, 14)),
    ("en", "Army enters Sinja on 3 May\n\nThe army entered Sinja on Saturday.", None),
    ("en", "Army enters Sinja\n\nOn 3 May the army entered Sinja, officials said | photo", None),
])
def test_stamp_day(lang: str, text: str, day: date | None) -> None:
    article = Article(id="x", text=text, published="2024-05", period=MAY, lang=lang)
    got = stamp_day(article, load_language(lang)).period
    assert got == (Interval.spanning(day, day) if day else MAY)


def test_a_stamp_line_taken_out_still_dates_the_page() -> None:
    from conflictmap.sources.text import parse_text

    text = (" date 2024-02 Army leaves Marinka\n\nKyiv | 18 February 2024 | 11:20\n\n"
            "Ukrainian troops withdrew from Marinka overnight, the army said.\n")
    article = parse_text("x.txt", text, "x.txt")
    assert "11:20" not in article.text
    assert article.period == Interval.spanning(date(2024, 2, 18), date(2024, 2, 18))
