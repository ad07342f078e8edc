"""Datelines: one pattern for every reader (furniture, filing day, place filter)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictmap.datelines import DATELINE, dateline_spans
from conflictmap.events import Extractor
from conflictmap.model import Article, Interval

# line opening -> (place, country, date, agency); None: no dateline
CASES = [
    ("MOSCOW (AP) — Russian troops", ("MOSCOW", None, None, "AP")),
    ("ABUJA, March 28 (Reuters) - The army", ("ABUJA", None, "March 28", "Reuters")),
    ("KARSK, Country Dec 5 - Forces took", ("KARSK", "Country", "Dec 5", None)),
    ("ADEN, Yemen (AP) - Al-Qaeda militants", ("ADEN", "Yemen", None, "AP")),
    ("BAKU/YEREVAN, Aug 26 - Azerbaijani soldiers", ("BAKU/YEREVAN", None, "Aug 26", None)),
    ("Kabul (AFP) - The Taliban", ("Kabul", None, None, "AFP")),
    ("Caïro, 25 januari 2025 - Het Sudanese leger", ("Caïro", None, "25 januari 2025", None)),
    ("Addis Abeba - Tigrese strijders", ("Addis Abeba", None, None, None)),
    ("ABUJA – Het Nigeriaanse leger", ("ABUJA", None, None, None)),
    ("Oekraïne - live", None),
    ("The army - which had retreated", None),
]


@pytest.mark.parametrize(("line", "want"), CASES)
def test_dateline_parts(line: str, want: tuple[str | None, ...] | None) -> None:
    m = DATELINE.match(line)
    got = m and (m.group("place"), m.group("country"), m.group("date"), m.group("agency"))
    assert got == want


def test_a_title_case_dateline_is_no_town_of_a_site() -> None:
    text = ("Beiroet - Syrische rebellen hebben donderdag de grensovergang Bab al-Hawa aan de "
            "grens met Turkije ingenomen.\n\nSyrië")
    day = date(2012, 7, 20)
    events = Extractor().extract(Article(id="x", text=text, published=day.isoformat(),
                                         period=Interval.spanning(day, day), lang="nl"))
    assert all(e.place.country != "LB" for e in events)


_PIECES = ["MOSCOW", "Kabul", "ADDIS ABEBA", "Caïro", "BAKU/YEREVAN", ",", ", Yemen", " ",
           "\t", "\n", "\n\n", "(AP)", " (Reuters)", "March 28", "25 januari 2025", " - ",
           " — ", "–", "-", "\n- ", "The army", "Russian", "troops", "x", "\u00c9", "a-b",
           "\n-", "MOSCOW-"]


@given(st.lists(st.sampled_from(_PIECES), max_size=16).map("".join))
@settings(max_examples=400)
def test_dateline_spans_are_those_of_the_line_pattern(text: str) -> None:
    """Matching at line starts finds the datelines the multiline pattern finds, also those
    that run over a line break."""
    line_pattern = re.compile("^" + DATELINE.pattern, re.MULTILINE)
    assert dateline_spans(text) == [m.span() for m in line_pattern.finditer(text)]


def test_dateline_spans_over_a_line_break() -> None:
    text = "KYIV (AP) —\nBAKU - Troops\nx\nMOSCOW —\n\nThe army"
    line_pattern = re.compile("^" + DATELINE.pattern, re.MULTILINE)
    spans = [m.span() for m in line_pattern.finditer(text)]
    assert dateline_spans(text) == spans and len(spans) == 3


@pytest.mark.parametrize(("lang", "published", "text", "place", "start", "end"), [
    # a dateline a day before the page's date: "this morning" and "on Sunday" count from it
    ("en", "2017-07-10", "Iraq declares victory\n\nBy a staff reporter\n\nMOSUL, July 9 - "
     "Iraqi troops took Tal Afar this morning, officers said.\n\n"
     "Iraq\n", "Tal Afar", date(2017, 7, 9), date(2017, 7, 9)),
    ("nl", "2024-12-09", "Rebellen in Damascus\n\nDoor onze correspondent\n\nBeiroet, 8 "
     "december - Rebellen hebben vanochtend Damascus ingenomen.\n\nSyrië\n",
     "Damascus", date(2024, 12, 8), date(2024, 12, 8)),
    ("en", "2021-08-16", "Taliban in the capital\n\nKABUL, Aug. 15 (Reuters) - Taliban "
     "fighters entered Kabul on Sunday.\n\nAfghanistan\n",
     "Kabul", date(2021, 8, 15), date(2021, 8, 15)),
    # no news time word: the week up to the filing day
    ("en", "2016-10-18", "Headline\n\nKIRKUK, Oct 16 - Peshmerga fighters have captured "
     "Bashiqa, a commander said.\n\nIraq\n", "Bashiqa", date(2016, 10, 9), date(2016, 10, 16)),
    # a dateline of the page's own day, or one too far back to be the filing day: the page's
    ("en", "2017-07-10", "Headline\n\nMOSUL, July 10 - Iraqi troops took Tal Afar this "
     "morning.\n\nIraq\n", "Tal Afar", date(2017, 7, 10), date(2017, 7, 10)),
    ("en", "2017-07-20", "Headline\n\nMOSUL, July 9 - Iraqi troops took Tal Afar this "
     "morning.\n\nIraq\n", "Tal Afar", date(2017, 7, 20), date(2017, 7, 20)),
])
def test_a_dateline_days_before_the_page_is_the_filing_day(
        lang: str, published: str, text: str, place: str, start: date, end: date) -> None:
    day = date.fromisoformat(published)
    article = Article(id="d", text=text, published=published, period=Interval(day, day, 1),
                      lang=lang)
    found = {(e.place.name, e.period.start, e.period.end) for e in Extractor().extract(article)}
    assert (place, start, end) in found
