"""The sharper trigger pre-check (rules.conjunction), the parted yes-or-no search
(rules.either) and the remembered clause breaks (triggers.segments): the same answers as
the plain searches."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictmap.rules import load_language
from conflictmap.rules.conjunction import Conjunction, all_required
from conflictmap.rules.either import either, found
from conflictmap.rules.literals import Guarded, may_match
from conflictmap.text import sentence_spans
from conflictmap.triggers import segments

PROBE = Path(__file__).parent / "data" / "probe"


def _sentences(limit: int = 120) -> list[tuple[str, int, int]]:
    out = []
    for path in sorted(PROBE.glob("*.txt"))[:limit]:
        text = path.read_text(encoding="utf-8")
        out += [(text, s, e) for s, e in sentence_spans(text, 0, len(text))]
    return out


_PIECES = ["a", "n", "e", "(?:em|me)", "[ab]", "(?:ne)?", "\\b", "\\s+", "\\w*", "(?:a|n)+",
           "(?:b|)", "(?=n)", "(?!a)", "[^a]", ".", "(?:an|(?:e|b)n)", "m{2}", "(?:ab)?e", "|",
           "(?:na|me|ab)"]


@given(pattern=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join),
       text=st.text(alphabet="abnemANſ ", max_size=14))
@settings(max_examples=600)
def test_conjunction_every_set_is_needed(pattern: str, text: str) -> None:
    """A text that matches holds a word of each set all_required gives."""
    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error:
        return
    if regex.search(text):
        for needed in all_required(Guarded(regex)):
            assert may_match(needed, text.lower()), (pattern, text, needed)


def test_conjunction_finds_the_shared_words_of_an_alternation() -> None:
    regex = re.compile(r"\bcontrole\s+over\b[^.]{1,9}?\bx\b|\b(?:hebben|heeft)\b[^.]{0,9}?"
                       r"\bcontrole\s+over\b", re.IGNORECASE)
    sets = {r.words for r in all_required(Guarded(regex))}
    assert ("controle",) in sets and ("over",) in sets


def test_conjunction_needs_every_set() -> None:
    a = all_required(Guarded(re.compile(r"\bcontrole\s+over\b", re.IGNORECASE)))
    sharp = Conjunction([a, []])
    assert sharp.candidates("te controleren zijn") == {1}
    assert sharp.candidates("controle over de stad") == {0, 1}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_conjunction_drops_only_triggers_that_cannot_match(lang: str) -> None:
    rules = load_language(lang)
    assert rules.sharp is not None
    for text, s, e in _sentences():
        lowered = text[s:e].lower()
        plain, sharp = rules.scanner.candidates(lowered), rules.sharp.candidates(lowered)
        assert sharp <= plain
        for i in plain - sharp:
            assert rules.triggers[i].pattern.regex.search(text, s, e) is None


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_either_answers_as_the_search(lang: str) -> None:
    rules = load_language(lang)
    patterns = [t.veto for t in rules.triggers if t.veto is not None]
    assert any(either(p.regex) is not None for p in patterns)
    for text, s, e in _sentences(40):
        for pattern in patterns:
            for a, b in ((s, e), (max(s, e - 60), e)):
                assert found(pattern, text, a, b) == (pattern.regex.search(text, a, b)
                                                      is not None)


def test_either_parts_only_patterns_with_common_first_words() -> None:
    assert either(re.compile(r"\bpeople\b|\bfled\s+(?:\w+\s+){0,3}?home", re.I)) is None
    parted = either(re.compile(r"\b(?:he|she)\s+(?:\w+\s+){0,3}?fled\b|\bpeople\b", re.I))
    assert parted is not None and parted.cheap is not None
    assert parted.cheap.pattern == r"\bpeople\b"
    assert either(re.compile(r"(a)|\bhe\b", re.I)) is None  # a group: searched whole


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_segments_of_a_later_clause_are_the_sentences(lang: str) -> None:
    rules = load_language(lang)

    def plain(text: str, s: int, e: int) -> list[tuple[int, int]]:
        cuts = [s] + [m.end() for m in rules.markers.clause_break.finditer(text, s, e)] + [e]
        return [(a, b) for a, b in pairwise(cuts) if b > a]

    for text, s, e in _sentences():
        parts = segments(rules, text, s, e)
        assert parts == plain(text, s, e)
        for a, _ in parts[1:]:
            assert segments(rules, text, a, e) == plain(text, a, e)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_conjunction_extra_sets_have_no_common_short_words(lang: str) -> None:
    """"in", "de", "by" are in nearly every sentence: a set holding one drops no trigger."""
    from conflictmap.rules.conjunction import _SELECTIVE, trigger_sets

    for trigger in load_language(lang).triggers:
        for needed in trigger_sets(trigger.pattern)[1:]:
            assert min(len(w) for w in needed.words) >= _SELECTIVE, trigger.id
