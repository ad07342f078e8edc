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
