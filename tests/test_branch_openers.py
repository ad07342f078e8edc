"""rules.branches: the look-ahead for the characters an alternation's matches open with
changes no match, and is left out when those characters are not known."""

from __future__ import annotations

import re

from conflictmap.rules.branches import _chars_opening, branches
from conflictmap.rules.literals import _tree

TEXTS = [
    "Troops took the town, and they held it; later: the army left.",
    "De rebellen namen de stad in , terwijl het leger zich terugtrok - zei men.",
    "A quiet sentence without any break at all",
    ",  and then; : — ",
]


def _openers(source: str, flags: int = re.IGNORECASE) -> tuple[frozenset[str], bool] | None:
    tree = _tree(re.compile(source, flags))
    assert tree is not None
    return _chars_opening(tree)


def test_openers_of_items() -> None:
    assert _openers(r",?\s+and\s") == (frozenset({",", r"\s"}), False)
    assert _openers(r"(?=,?\s+as\s)(?<!\bwell)\s") == (frozenset({r"\s"}), False)
    assert _openers(r";|:\s") == (frozenset({";", ":"}), False)
    assert _openers(r"[a-c\d-]x") == (frozenset({"a-c", r"\d", r"\-"}), False)
    assert _openers(r"\s*") == (frozenset({r"\s"}), True)  # may match nothing
    assert _openers(r"[^a]x") is None  # a negated class: not known
    assert _openers(r"(?i:a)b", 0) is None  # a group turning a flag on


def test_alternations_match_as_the_pattern() -> None:
    for source in [r";|:\s|\s[–—-]\s|,?\s+and\s+(?=then\b)|,\s+(?=terwijl\b)",
                   r"\s+now\s|,\s+which\b|(?=,?\s+as\s)(?<!\bwell)\s",
                   r"[a-c]\w+\sfoo|\bbar\b|\s*baz"]:  # the last: no look-ahead (empty match)
        regex = re.compile(source, re.IGNORECASE)
        found = branches(regex)
        assert found is not None
        for text in TEXTS:
            for pos in range(0, len(text), 7):
                picked = found.pick(text, pos, len(text))
                got = [] if picked is None else [m.span() for m in picked.finditer(text, pos)]
                assert got == [m.span() for m in regex.finditer(text, pos)], (source, text, pos)
