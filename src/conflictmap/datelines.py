"""Datelines: where a story was filed ("MOSCOW (AP) —"), never a place that changed hands."""

from __future__ import annotations

import re

from conflictmap.model import Mention

# "MOSCOW (AP) —", "BAKOE/JEREVAN (BELGA/AFP) -", "ABUJA, March 28 (Reuters) -": where a story
# was filed, at a line's start in capitals, then the agencies in brackets and a dash
# ... or with no agency, a name in capitals and a spaced dash ("BEIROET - Rebellen ..."), or a
# name as written with the agencies in capitals ("Beiroet (ANP) -")
_DATELINE = re.compile(
    r"^[ \t]*(?:[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]*(?:[ /][A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]*)*)"
    r"(?:,[^\n(]{1,40})?\s*\([^)\n]{1,40}\)\s*[-–—]"
    r"|^[ \t]*[A-ZÀ-ÖØ-Þ]{2}[A-ZÀ-ÖØ-Þ'’.-]+(?:[ /][A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]*)*[ \t]+[-–—][ \t]"
    r"|^[ \t]*[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:[ /][A-ZÀ-ÖØ-Þ][\w'’.-]*)*\s*"
    r"\([A-Z][A-Z/ ]{1,30}\)\s*[-–—]", re.MULTILINE)


def in_dateline(text: str, mentions: list[Mention] | tuple[Mention, ...]) -> set[int]:
    """The starts of the mentions inside a dateline ("MOSCOW (AP) —"): where the story was
    filed, never a place that changed hands."""
    if not mentions:
        return set()
    spans = [(m.start(), m.end()) for m in _DATELINE.finditer(text)]
    return {m.start for m in mentions if any(a <= m.start < b for a, b in spans)}
