"""factuality._twice: two matches of a pattern in a text, found with two searches instead of
the list of every match (the same answer as ``finditer``, empty matches too)."""

from __future__ import annotations

import re

from conflictmap.factuality import _twice
from conflictmap.rules import load_language
from conflictmap.rules.literals import Guarded

TEXTS = ["", "x", "the party leader won the election, voters said", "election",
         "a b", "De coalitiepartners en de kiezers. " * 80, "no such words here at all " * 90]


def _listed(pattern: Guarded, text: str) -> bool:
    found = pattern.finditer(text)
    return next(found, None) is not None and next(found, None) is not None


def test_twice_as_finditer() -> None:
    patterns = [Guarded(re.compile(p, re.IGNORECASE))
                for p in (r"\belection\b|\bvoters?\b", r"(?=\w)", r"\b", r"a|b", r"kiezers")]
    patterns += [load_language(lang).markers.civil_domain for lang in ("en", "nl")]
    for pattern in patterns:
        for text in TEXTS:
            assert _twice(pattern, text) == _listed(pattern, text), (pattern, text[:40])
