"""Datelines: the line opening where a story was filed ("MOSCOW (AP) —", "ABUJA, March 28
(Reuters) - ", "Beiroet - ", "Caïro, 25 januari 2025 - "), in one pattern for every reader of
it: the furniture cut off a sentence (``text``), the filing date (``date_choice``), the end
after which a report's own words begin (``factuality``), and the place, never one that
changed hands (:func:`in_dateline`)."""

from __future__ import annotations

import re

from conflictmap.model import Mention

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

_LINE_DATELINE = re.compile(r"^" + DATELINE.pattern, re.MULTILINE)


def in_dateline(text: str, mentions: list[Mention] | tuple[Mention, ...]) -> set[int]:
    """The starts of the mentions inside a dateline: where the story was filed, never a place
    that changed hands."""
    if not mentions:
        return set()
    spans = [(m.start(), m.end()) for m in _LINE_DATELINE.finditer(text)]
    return {m.start for m in mentions if any(a <= m.start < b for a, b in spans)}
