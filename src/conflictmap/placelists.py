"""Lists of places after a generic plural noun ("took several villages, such as X",
"provinciehoofdsteden, waaronder X", "Several villages were retaken. They include A, B and
C."): where such a list opens and which places it names. The generic noun, the list openers
and a next sentence's opening words are the rules files' ``[place_roles]``
(``placereference.place_roles``); split from placeroles.py."""

from __future__ import annotations

import re

from conflictmap.model import Mention
from conflictmap.placereference import place_roles
from conflictmap.rules import words_at

_LIST_GAP = r"\s*(?:,|,?\s*(?:%and%|&))\s*(?:%definite_article%\s+)?"
_FIRST_GAP = r"\s*(?:%definite_article%\s+)?"
_LIST_WINDOW = 140  # characters before a name searched for a generic noun and a list opener


def opens_list(text: str, rules_path: str, start: int, low: int) -> bool:
    """True when a list after a generic plural noun begins right before ``start`` ("took
    several villages, such as X", "provinciehoofdsteden, waaronder X"; not before ``low``)."""
    roles = place_roles(rules_path)
    return roles is not None and roles.opener.search(
        text, max(low, start - _LIST_WINDOW), start) is not None


def _run(text: str, rules_path: str, start: int, end: int,
         places: list[Mention] | tuple[Mention, ...]) -> list[Mention]:
    """The places listed from ``start`` ("A, B en C"), up to ``end``."""
    out: list[Mention] = []
    at = start
    words = words_at(rules_path)
    for p in places:
        if p.start < at:
            continue
        gap = words.compile(_LIST_GAP if out else _FIRST_GAP, re.IGNORECASE)
        if p.end > end or not gap.fullmatch(text, at, p.start):
            break
        out.append(p)
        at = p.end
    return out


def listed_places(text: str, rules_path: str, clause: tuple[int, int], sentence_end: int,
                  next_sentence: tuple[int, int] | None,
                  places: list[Mention] | tuple[Mention, ...]) -> list[Mention]:
    """The places a clause with a generic plural noun lists after it: after a colon that ends
    the clause ("took two villages: A and B"), or at the start of the next sentence
    ("Several villages were retaken. They include A, B and C.")."""
    roles = place_roles(rules_path)
    if roles is None:
        return []
    start, end = clause
    if text[start:end].rstrip().endswith(":") and roles.opener.search(
            text, max(start, end - _LIST_WINDOW), end):
        return _run(text, rules_path, end, sentence_end, places)
    if next_sentence is not None and roles.generic.search(text, start, end):
        ns, ne = next_sentence
        opening = roles.next_list.match(text[ns:ne])
        if opening is not None:
            return _run(text, rules_path, ns + opening.end(), ne, places)
    return []
