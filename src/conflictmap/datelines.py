"""Datelines: the line opening where a story was filed ("MOSCOW (AP) —", "ABUJA, March 28
(Reuters) - ", "Beiroet - ", "Caïro, 25 januari 2025 - "), in one pattern for every reader of
it: the furniture cut off a sentence (``text``), the filing date (``date_choice``), the end
after which a report's own words begin (``factuality``), and the place, never one that
changed hands (:func:`in_dateline`)."""

from __future__ import annotations

import re

from conflictmap.model import Mention
from conflictmap.rules.literals import Guarded

MONTHS = ("jan(?:uary|uari)?|feb(?:ruary|ruari)?|mar(?:ch)?|maart|apr(?:il)?|may|mei|"
           "june?|juni|july?|juli|aug(?:ust|ustus)?|sept?(?:ember)?|oct(?:ober)?|okt(?:ober)?|"
           "nov(?:ember)?|dec(?:ember)?")
"""The month names and abbreviations of the supported languages, for patterns."""
_CAPS = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\-]+"
_TITLE = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]+"
_DATE = (rf"(?i:(?:{MONTHS})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
         rf"|\d{{1,2}}\s+(?:{MONTHS})\.?(?:\s+\d{{4}})?)")
_DASH = r"(?:\s*[–—]+\s*|\s+-+\s+)(?=[\"'“‘„«]?[A-ZÀ-ÖØ-Þ0-9])"

DATELINE = re.compile(
    # a place in capitals ("ABUJA", "KYIV/HIROSHIMA", "ADDIS ABEBA"), or in title case (one to
    # three words) that a country, a date, an agency or the dash itself follows
    rf"[ \t]*(?P<place>{_CAPS}(?:[ /]{_CAPS})*|{_TITLE}(?:[ /]{_TITLE}){{0,2}})"
    r"(?:,\s+(?P<country>[A-Z][\w.\-]+(?:\s+[A-Z][\w.\-]+)?)"
    rf"(?=\s*[,(–—-]|\s+{_DATE}))?"
    rf"(?:,?\s+(?P<date>{_DATE}))?"
    r"(?:\s*\((?P<agency>[^()\n]{1,40})\))?"
    + _DASH)
"""A dateline at the start of a line (``DATELINE.match(text, line_start)``): its place, an
optional country, date and agency in brackets, then a dash before the report's first word."""



def dateline_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the datelines opening the text's lines: those of
    ``re.compile("^" + DATELINE.pattern, re.MULTILINE).finditer(text)``, found by matching
    at each line's start (the next one at or after a match's end, which may lie on a later
    line) instead of trying the pattern at every position."""
    spans = []
    start = 0
    last = _last_dash(text)  # every match holds a dash: none starts at or after the last
    while start < last:
        m = DATELINE.match(text, start)
        end = start
        if m is not None:
            spans.append(m.span())
            end = m.end()
            if text[end - 1] == "\n":  # it ends with a line break: a line starts there
                start = end
                continue
        line_break = text.find("\n", end)
        if line_break < 0:
            return spans
        start = line_break + 1
    return spans


def has_dash(text: str, start: int, end: int) -> bool:
    """True when text[start:end] holds a dash a dateline can end with (``_DASH``: "–", "—",
    or "-" right after whitespace, as ``\\s`` and ``str.isspace`` both read it): a
    ``DATELINE.match(text, start, end)`` needs one, and most lines have none."""
    if text.find("–", start, end) >= 0 or text.find("—", start, end) >= 0:
        return True
    hyphen = text.find("-", start + 1, end)
    while hyphen >= 0:
        if text[hyphen - 1].isspace():
            return True
        hyphen = text.find("-", hyphen + 1, end)
    return False


def _last_dash(text: str) -> int:
    """The position of the last dash a dateline can end with (``_DASH``: "–", "—", or "-"
    after whitespace), or -1."""
    last = max(text.rfind("–"), text.rfind("—"))
    hyphen = text.rfind("-")
    while hyphen > last:
        if hyphen > 0 and text[hyphen - 1].isspace():
            return hyphen
        hyphen = text.rfind("-", 0, hyphen)
    return last


def in_dateline(text: str, mentions: list[Mention] | tuple[Mention, ...]) -> set[int]:
    """The starts of the mentions inside a dateline: where the story was filed, never a place
    that changed hands."""
    if not mentions:
        return set()
    spans = dateline_spans(text)
    return {m.start for m in mentions if any(a <= m.start < b for a, b in spans)}


def on_byline(text: str, mentions: list[Mention] | tuple[Mention, ...],
              byline: Guarded) -> set[int]:
    """The starts of the mentions inside a byline or dateline (the language's ``byline``,
    matched at a line's start: "Van onze correspondent, Jeruzalem, 10 februari 2025", "Port
    Sudan | 12 May 2024"): where the story was filed, never a place that changed hands."""
    out: set[int] = set()
    reach: dict[int, int] = {}  # a line's start -> the end of its byline (the start: none)
    for m in mentions:
        start = text.rfind("\n", 0, m.start) + 1
        if start not in reach:
            end = text.find("\n", start)
            found = byline.match(text[start:len(text) if end < 0 else end])
            reach[start] = start + found.end() if found is not None else start
        if m.start < reach[start]:  # not "By our correspondent in X. Troops took Y": Y
            out.add(m.start)
    return out
