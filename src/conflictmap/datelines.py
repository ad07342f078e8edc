"""Datelines: where a story was filed ("MOSCOW (AP) —"), never a place that changed hands."""

from __future__ import annotations

import re

from conflictmap.model import Mention
from conflictmap.rules.literals import Guarded

# "MOSCOW (AP) —", "BAKOE/JEREVAN (BELGA/AFP) -", "ABUJA, March 28 (Reuters) -": where a story
# was filed, at a line's start in capitals, then the agencies in brackets and a dash
_DATELINE = re.compile(
    r"^[ \t]*(?:[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]*(?:[ /][A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]*)*)"
    r"(?:,[^\n(]{1,40})?\s*\([^)\n]{1,40}\)\s*[-–—]", re.MULTILINE)


def in_dateline(text: str, mentions: list[Mention] | tuple[Mention, ...]) -> set[int]:
    """The starts of the mentions inside a dateline ("MOSCOW (AP) —"): where the story was
    filed, never a place that changed hands."""
    if not mentions:
        return set()
    spans = [(m.start(), m.end()) for m in _DATELINE.finditer(text)]
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
