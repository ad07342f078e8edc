"""rules.branches.Parted: a set of a pattern's alternatives searched one by one finds what
their compiled alternation finds (search and finditer, empty matches too), so a set asked
for a few times is searched without compiling its alternation."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

from conflictmap.rules import load_language
from conflictmap.rules.branches import Parted, branches

TEXTS = [
    "Troops took the town, and they held it; later: the army left, then withdrew.",
    "De rebellen namen de stad in , terwijl het leger zich terugtrok - zei men.",
    "A quiet sentence without any break at all",
    ",  and then; : — , then ,then",
    "as well as the town, as the troops came, such as the army",
]
SOURCES = [
    r";|:\s|\s[–—-]\s|,?\s+and\s+(?=then\b)|,\s+(?=terwijl\b)",
    r"\s+now\s|,\s+which\b|(?=,?\s+as\s)(?<!\bwell)\s",
    r";|(?=,\s*then\b)|,\s*then\b|\bas\b|(?=\s)",  # empty matches next to others
]


def _spans(found: object, text: str, pos: int, endpos: int) -> list[tuple[int, int]]:
    return [m.span() for m in found.finditer(text, pos, endpos)]  # type: ignore[attr-defined]


def test_parted_finds_what_the_alternation_finds() -> None:
    for source in SOURCES:
        regex = re.compile(source, re.IGNORECASE)
        found = branches(regex)
        assert found is not None and found._parts is not None, source
        count = len(found._parts)
        for size in range(1, count + 1):
            for picked in combinations(range(count), size):
                alternation = found._alternation(list(picked))
                parted = Parted([found._parts[i] for i in picked])
                for text in TEXTS:
                    for pos in range(0, len(text), 5):
                        for endpos in (len(text), len(text) - 3, pos + 12):
                            assert (_spans(parted, text, pos, endpos)
                                    == _spans(alternation, text, pos, endpos)), (source, picked)
                            a = alternation.search(text, pos, endpos)
                            b = parted.search(text, pos, endpos)
                            assert (a and a.span()) == (b and b.span()), (source, picked, text)


def test_an_alternative_empty_or_not_is_not_parted() -> None:
    found = branches(re.compile(r"\bbar\b|,?\s*(?=then\b)", re.IGNORECASE))
    assert found is not None and found._parts is None


def test_clause_breaks_parted_as_compiled() -> None:
    """The rules' clause breaks (one English alternative is an empty look-ahead) on the
    sentences of the main table."""
    rows = [line.split("\t") for line in
            Path(__file__).with_name("data").joinpath("sentences.tsv").read_text(
                encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for lang in ("en", "nl"):
        found = load_language(lang).markers.clause_break._branches
        assert found is not None and found._parts is not None
        texts = [r[2] for r in rows if len(r) > 2 and r[0] == lang][:300]
        assert texts
        for text in texts:
            key = found._scanner.candidates(text.lower())
            if not key:
                continue
            alternation = found._alternation(sorted(key))
            parted = Parted([found._parts[i] for i in sorted(key)])
            assert (_spans(parted, text, 0, len(text))
                    == _spans(alternation, text, 0, len(text))), text
