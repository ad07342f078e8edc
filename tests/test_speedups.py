"""The compiled text scans (``_speedups.c``) equal their pure-Python twins.

Each compiled scan is checked against the Python (or regex) it replaces: on generated texts
over alphabets chosen to reach the edge cases (accented and Greek letters, digits that are
and are not decimal, the characters re.IGNORECASE takes for others, whitespace of every
kind, quotes, bullets), and on the sample articles and every sentence of the phrasing
tables. A last test extracts the tables and the sample articles in a process without the
compiled scans and compares every event.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictmap import articles, native, text, toponyms
from conflictmap.actors import ActorLexicon
from conflictmap.rules import load_language
from conflictmap.rules.literals import Guarded, matches_at, trie_pattern

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.skipif(
    native.speedups is None and os.environ.get(native.PURE_ENV, "") not in ("", "0"),
    reason=f"{native.PURE_ENV} is set: the compiled scans are switched off")

LETTERS = list("abcdeklmnosxzABCKLMSZ") + list("éëïÉÖçñßſıİKµΣσςΑαβϐ")
DIGITS = [*"0159", "²", "½", "٣", "Ⅻ"]  # decimal, a digit, numeric, Arabic, Roman
SPACES = [" ", " ", "  ", "\n", "\t", "\u00a0", "\u2009", "\u3000", "\r"]
PUNCT = [*".,!?…:;-'’\"“”„«»()[]•·|–—_/&", "\u0307", "\u0301"]
ALPHABET = LETTERS + DIGITS + SPACES + PUNCT


def _sample_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "articles").glob("*.txt"))]
    for path in sorted(DATA.glob("sentences*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and not line.startswith("lang\t"):
                texts.append(line.split("\t")[2])
    return texts


SAMPLES = _sample_texts()
texts = st.lists(st.sampled_from(ALPHABET), max_size=100).map("".join)
words_text = st.lists(st.sampled_from(["Hama", "al-Sham", "Deir ez-Zor", "van", "De", "de",
                                       "Oekraïne", "z'n", "T.", "St.", "jan.", "2024", "U.S.",
                                       "rock-'n'-roll", "Kyiv’s", "HTS-strijders"]),
                      max_size=20).map(" ".join)


def test_speedups_compiled_module_is_built() -> None:
    """`make test` installs with a C compiler: the compiled scans must be there."""
    assert native.speedups is not None, (
        "conflictmap._speedups is not built; reinstall with a C compiler (pip install -e .)")


# -- toponyms.tokenize ------------------------------------------------------------------------
def _tokens(value: str) -> tuple:
    assert native.speedups is not None
    return native.speedups.tokenize(value, toponyms.CONNECTORS)


@given(st.one_of(texts, words_text))
@settings(max_examples=400)
def test_speedups_tokenize_equals_python(value: str) -> None:
    assert _tokens(value) == toponyms.word_lists(value)


def test_speedups_tokenize_equals_python_on_samples() -> None:
    for value in SAMPLES:
        assert _tokens(value) == toponyms.word_lists(value), value[:80]


def test_speedups_tokenize_every_character_between_words() -> None:
    """Each character of the alphabet alone, and set off by spaces, between two words."""
    for ch in ALPHABET:
        for value in (f"Ab{ch}Cd", f"Ab {ch} Cd", f"{ch}Ab", f"ab{ch}", f"ab-{ch}d"):
            assert _tokens(value) == toponyms.word_lists(value), repr(value)


@pytest.mark.parametrize("value", ["", " ", "...", "a", "Ab-Cd", "al-Sham", "el-Fasher",
                                   "x-Y", "Bergen op Zoom", "123 abc", "_a_", "²a", "a\u0301b"])
def test_speedups_tokenize_edges(value: str) -> None:
    assert _tokens(value) == toponyms.word_lists(value)


# -- text.sentence_spans ----------------------------------------------------------------------
sentence_text = st.lists(st.sampled_from(
    ["Hama fell.", "Gen.", "Dr.", "A.", "a.", "e.g.", "dec.", " ", "  ", "\n", "\n\n", "!", "?",
     "…", "...", '"', "'", "”", "»", ")", "(", "“", "‘", "«", "¡", "¿", "-", "•", "·", " • ",
     "\t·\t", "Zo", "zo", "1", "É", "ß", "Ø", "×", "Þ", "\u00a0", "ab", "U.S."]),
    max_size=30).map("".join)


def _py_spans(value: str) -> list[tuple[int, int]]:
    """text.sentence_spans without the compiled scan: the Python scan, then the furniture."""
    return text.page_furniture(value, text.sentence_spans_py(value, 0, len(value)))


@given(st.one_of(texts, sentence_text), st.data())
@settings(max_examples=400)
def test_speedups_sentence_spans_equal_python(value: str, data: st.DataObject) -> None:
    assert native.speedups is not None
    assert text.sentence_spans(value) == _py_spans(value)
    start = data.draw(st.integers(0, len(value) + 2))
    end = data.draw(st.integers(0, len(value) + 2))
    limit = data.draw(st.integers(2, 30))
    got = native.speedups.sentence_spans(value, start, end, text._ABBREVIATIONS, limit)
    old = text.MAX_SENTENCE_CHARS
    try:
        text.MAX_SENTENCE_CHARS = limit
        want = text.sentence_spans_py(value, start, end)
    finally:
        text.MAX_SENTENCE_CHARS = old
    assert got == want


def test_speedups_sentence_spans_every_stop_context() -> None:
    """Every stop, closer, gap, opener and next character in turn."""
    for stop in (".", "!", "?", "…", "..", ".”", ".)", "?!'", " •", " · "):
        for gap in ("", " ", "\n", "  ", "\u00a0", "\t"):
            for opener in ["", *ALPHABET]:
                for first in ("B", "b", "1", "É", "×", "ß", ""):
                    value = f"Zo{stop}{gap}{opener}{first}x"
                    assert text.sentence_spans(value) == _py_spans(value), repr(value)


def test_speedups_sentence_spans_equal_python_on_samples() -> None:
    for value in SAMPLES:
        assert text.sentence_spans(value) == _py_spans(value)


def test_speedups_sentence_spans_long_runs() -> None:
    value = ("woord " * 500) + "\n" + ("x" * 2000) + ". Volgende zin."
    assert text.sentence_spans(value) == _py_spans(value)


# -- article text checks ----------------------------------------------------------------------
@given(st.one_of(texts, st.lists(st.sampled_from(["\ud800", "\udfff", "\x00", "\x07", "\x0b",
                                                  "\x0c", "\x1f", "\x7f", "\x80", "\t", "a",
                                                  "é", "€", "😀"]), max_size=40).map("".join)),
       st.integers(0, 50))
def test_speedups_article_checks_equal_regexes(value: str, limit: int) -> None:
    assert native.speedups is not None
    assert native.speedups.has_surrogates(value) == bool(articles._SURROGATE.search(value))
    assert native.speedups.count_controls(value, limit) == len(
        articles._CONTROL_TEXT.findall(value[:limit]))


# -- tries: keyword starts, scanner words, actor positions -----------------------------------
word_lists = st.lists(st.text(alphabet=st.sampled_from(list("abkcs -'ſıé")), min_size=1,
                              max_size=6), min_size=1, max_size=8)
lower_texts = st.lists(st.sampled_from([*"abkcs -'ſıé\n\t_0.", "  "]),
                       max_size=60).map("".join)


@given(word_lists, word_lists, lower_texts)
@settings(max_examples=400)
def test_speedups_trie_starts_equal_keyword_regex(starts: list[str], inside: list[str],
                                                  value: str) -> None:
    assert native.speedups is not None
    pattern = re.compile(rf"\b{trie_pattern(starts)}|{trie_pattern(inside)}")
    first = native.trie(starts, spaces=True)
    second = native.trie(inside, spaces=True)
    if first is None or second is None:
        return  # words the compiled trie declines (double spaces, odd whitespace)
    assert first.starts(value, second) == [m.start() for m in pattern.finditer(value)]
    only = re.compile(rf"\b{trie_pattern(starts)}")
    assert first.starts(value) == [m.start() for m in only.finditer(value)]


@given(word_lists, lower_texts)
@settings(max_examples=300)
def test_speedups_trie_found_equals_lookahead_findall(words: list[str], value: str) -> None:
    trie = native.trie(words, spaces=False)
    assert trie is not None
    pattern = re.compile(f"(?=({trie_pattern(words, space=None)}))")
    assert trie.found(value) == set(pattern.findall(value))


# Texts of one byte a character (Latin-1) take their own path through the tries (tables made
# at build); the same text with one wider character after it takes the general path.
LATIN1_WORDS = st.lists(st.text(alphabet=st.sampled_from([*"abks -éÉßÿµ", "ſ", "K", "μ", "Ÿ"]),
                                min_size=1, max_size=5), min_size=1, max_size=8)
LATIN1_TEXTS = st.lists(st.sampled_from([chr(c) for c in range(256)] + ["ab", "ks", "  "]),
                        max_size=40).map("".join)


@given(LATIN1_WORDS, LATIN1_TEXTS, st.sampled_from(["plain", "spaces", "fold"]), st.data())
@settings(max_examples=500)
def test_speedups_trie_one_byte_texts_equal_the_general_path(
        words: list[str], value: str, kind: str, data: st.DataObject) -> None:
    from conflictmap.rules.literals import _FOLD

    trie = (native.guard(words, _FOLD) if kind == "fold"
            else native.trie(words, spaces=kind == "spaces"))
    if trie is None:
        return  # words the compiled trie declines
    # the words themselves in other cases, among any Latin-1 characters
    cased = st.tuples(st.sampled_from(words), st.sampled_from(
        [str.upper, str.lower, str.title, str.swapcase])).map(lambda wc: wc[1](wc[0]))
    value += "".join(data.draw(st.lists(st.one_of(cased, LATIN1_TEXTS), max_size=6)))
    wide = value + "\u0101"  # no word holds it: answers within ``value`` are the same
    n = len(value)
    pos = data.draw(st.integers(0, n))
    end = data.draw(st.integers(pos, n))
    assert trie.where(value, pos, end) == trie.where(wide, pos, end)
    assert trie.where(value, pos, end, 2, end) == trie.where(wide, pos, end, 2, end)
    assert trie.any(value, pos, end) == trie.any(wide, pos, end)
    assert trie.at(value) == trie.at(wide)
    assert trie.found(value) == trie.found(wide)
    assert trie.starts(value) == trie.starts(wide)
    assert trie.starts(value, trie) == [p for p in trie.starts(wide, trie) if p < n]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_speedups_rules_keywords_and_scanner_on_samples(lang: str) -> None:
    rules = load_language(lang)
    for value in SAMPLES:
        lowered = value.lower()
        assert rules.hot_words.starts(lowered) == [
            m.start() for m in rules.keywords.finditer(lowered)]
        scanner = rules.scanner
        assert scanner._trie.found(lowered) == set(scanner._pattern.findall(lowered))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_speedups_actor_positions_give_finditer(lang: str) -> None:
    lexicon = ActorLexicon.load()
    index = lexicon._index(lang)
    assert index.starts is not None
    extra = ["the Russian army", "Russische troepen", "de rebellen van HTS", "pro-Assad forces",
             "Turkish-backed rebels", "anti-junta forces", "IS", "is", "the  army", "x-M23"]
    for value in [*SAMPLES, *extra]:
        lowered = value.lower()
        got = [m.span() for m in matches_at(index.pattern, lowered, index.starts.at(lowered))]
        assert got == [m.span() for m in index.pattern.finditer(lowered)], value[:80]
        compiled = [m.span() for m in index.starts.matches_at(index.pattern, lowered)]
        assert compiled == got, value[:80]


@given(st.lists(st.sampled_from(["de", "rebellen", "russische", "troepen", "the", "army",
                                 "hts", "-", " ", "  ", "\n", "x", "pro-assad", "forces", ","]),
                max_size=25).map("".join))
@settings(max_examples=300, deadline=None)  # the first example loads the actor lexicon
def test_speedups_actor_positions_property(value: str) -> None:
    index = ActorLexicon.load()._index("en")
    got = [m.span() for m in matches_at(index.pattern, value, index.starts.at(value))]
    assert got == [m.span() for m in index.pattern.finditer(value)]
    assert [m.span() for m in index.starts.matches_at(index.pattern, value)] == got


# -- Guarded patterns -------------------------------------------------------------------------
GUARD_PATTERNS = [
    r"\bclaim\w*|\bsaid\b|\baccording to\b",
    r"\bnot\b(?!\s+only)|n't\b|\bfailed to\b",
    r"(?-i:\bmay\b)|\bkill\w*",
    r"\bsince\s+(?:\w+\s+)?\d{4}\b",
    r"(?<!not )\bconfirm\w*|\badmit\w*",
    r"(?:\b(?:most|much)\s+of)\s+(?:the\s+)?$",
    r"\bstraße\b|\bİstanbul\b|\bstrasse\b",
    r"\bkelvin\b|\bσας\b",
    r"Hama|Homs",
    r"(?<!x)\b(?:ab|a)\w*",
    r"(?:the\s+)?town",
    r"[–—-]\s*a",
    r"(?:ab)+c|\bs\b",
    r"(?=a)a\w|(?<=\s)b",
    r"a\b",
    r"(?-i:A)b|k",
    r"\bthe\s+(?:\w+\s+)?town\b|\ba\s+ab\b",  # first words and a literal after them
    r"(?:^|[,.]\s*|\b(?:the|a)\s+)(?:town|ab)\b",  # optional openings: their words or the next
    r"(?:x|)(?:ab|s)?\b(?:the|k)",
    # alternatives searched only where their words are (rules.branches)
    r";|,?\s+(?=(?:but|the)\s)|\s+ab\b|(?<=town)\s+(?=a\b)|\s[–—-]\s",
    r"\bsince\b\s+(?=\d)|\s+(?=ſ)|(?-i:\bA\b)\s*(?:b|k)|(?!town)\w+(?=\s+said)",
]
guard_texts = st.lists(st.sampled_from(
    ["claim", "CLAIMS", "said", "ſaid", "SAİD", "according to", "According  to", "not", "NOT",
     "n't", "failed to", "may", "May", "MAY", "kill", "KİLL", "since", "2024", "most of", "of",
     "the", "confirm", "not confirm", "admit", "straße", "STRASSE", "İstanbul", "istanbul",
     "ıstanbul", "Kelvin", "KELVIN", "σας", "ΣΑΣ", "hama", "HOMS", " ", ",", ".", "\n", "x",
     "a", "ab", "abab", "ababc", "A", "Ab", "b", "k", "K", "s", "ſ", "–", "-a", "town",
     "the town", "xab", "ba"]),
    max_size=14).map(" ".join)


@given(st.sampled_from(GUARD_PATTERNS), st.booleans(), guard_texts, st.data())
@settings(max_examples=500)
def test_speedups_guarded_equals_pattern(source: str, ignore: bool, value: str,
                                         data: st.DataObject) -> None:
    regex = re.compile(source, re.IGNORECASE if ignore else 0)
    guarded = Guarded(regex)
    pos = data.draw(st.integers(-2, len(value) + 2))
    endpos = data.draw(st.integers(-2, len(value) + 2))
    assert _span(guarded.search(value, pos, endpos)) == _span(regex.search(value, pos, endpos))
    assert _span(guarded.match(value, pos, endpos)) == _span(regex.match(value, pos, endpos))
    assert ([m.span() for m in guarded.finditer(value, pos, endpos)]
            == [m.span() for m in regex.finditer(value, pos, endpos)])
    assert guarded.findall(value) == regex.findall(value)
    assert _span(guarded.search(value)) == _span(regex.search(value))


@given(st.sampled_from(GUARD_PATTERNS), st.booleans(), guard_texts, st.data())
@settings(max_examples=300)
def test_speedups_guarded_long_windows_equal_pattern(source: str, ignore: bool, value: str,
                                                     data: st.DataObject) -> None:
    """Windows past ``_CHECK_REACH`` are searched with the alternatives whose words the whole
    text holds (``Branches.whole``, kept for the last text): the pattern's answers, whatever
    the window, the same text searched again or another one."""
    from conflictmap.rules import literals

    regex = re.compile(source, re.IGNORECASE if ignore else 0)
    reach = literals._CHECK_REACH
    literals._CHECK_REACH = -1  # every window is a long one
    try:
        guarded = Guarded(regex)
        for text in (value, value, value.upper() + " ΣΑΣ " + value, value):
            pos = data.draw(st.integers(-2, len(text) + 2))
            endpos = data.draw(st.integers(-2, len(text) + 2))
            assert (_span(guarded.search(text, pos, endpos))
                    == _span(regex.search(text, pos, endpos)))
            assert ([m.span() for m in guarded.finditer(text, pos, endpos)]
                    == [m.span() for m in regex.finditer(text, pos, endpos)])
    finally:
        literals._CHECK_REACH = reach


def test_speedups_guarded_branches() -> None:
    """A pattern without first words whose alternatives need words of their own is split
    at its top-level bars (not those in groups or classes, nor escaped ones)."""
    from conflictmap.rules.branches import branches, split_bars

    assert split_bars(r"a|(?:b|c)|[|\]]|\||[^]|]x") == ["a", "(?:b|c)", r"[|\]]", r"\|",
                                                         "[^]|]x"]
    assert split_bars(r"a|(b") is None and split_bars(r"a)|b") is None
    assert split_bars(r"a(?#|)|b") is None
    assert branches(re.compile(r"(a)|\sb")) is None  # groups would be renumbered
    assert branches(re.compile(r"\s+a|\s+b|\w")) is not None
    assert branches(re.compile(r"\s|\w")) is None  # no words to look for
    guarded = Guarded(re.compile(r";|,\s+(?=but\s)|\s+(?=and\s+took\b)", re.IGNORECASE))
    assert guarded._branches is not None
    value = "they came; but, BUT left and took it"
    for pos, endpos in ((0, 99), (0, 9), (10, 30), (12, 36), (-3, 5), (20, 10)):
        assert ([m.span() for m in guarded.finditer(value, pos, endpos)]
                == [m.span() for m in guarded.regex.finditer(value, pos, endpos)])
        assert (_span(guarded.search(value, pos, endpos))
                == _span(guarded.regex.search(value, pos, endpos)))


@pytest.mark.parametrize(("source", "expected"), [
    (r"\bclaim\w*|\bsaid\b|\baccording to\b", ("according to", "claim", "said")),
    (r"(?<!not )\bconfirm\w*|\badmit\w*", ("admit", "confirm")),
    (r"(?:the\s+)?town", ("the", "town")),  # an optional word, or the one after it
    (r"(?:the\s+)?\w+", None),
    (r"(?:^|[,;]\s*|\b(?:but|and)\s+)(?:as|if)\b", (",", ";", "and", "as", "but", "if")),
    (r"(?:^|(?<=\.\s))(?:that|these)\s", ("th",)),  # zero-width alternatives passed over
    (r"a?", None),  # may match no character
    (r"(?:a|)b", ("a", "b")),  # an empty alternative: the word after it
    (r"[–—-]\s*a", ("-", "–", "—")),
    (r"(?:ab)+c", ("ab",)),
    (r"\w+ed", None),
    (r"(?-i:May)|\bKill", ("kill", "may")),
])
def test_speedups_first_words(source: str, expected: tuple[str, ...] | None) -> None:
    from conflictmap.rules.literals import first_words

    assert first_words(re.compile(source, re.IGNORECASE)) == expected


def test_speedups_guarded_tries_many_spots_by_searching(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past a few places to try, the pattern searches from the first of them."""
    from conflictmap.rules import literals

    regex = re.compile(r"\bab\w*c")
    guarded = Guarded(regex)
    value = "ab " * 20 + "abxc ab"
    for spots in (1, 3, 100):
        monkeypatch.setattr(literals, "_SPOTS", spots)
        assert _span(guarded.search(value)) == _span(regex.search(value))
        assert [m.span() for m in guarded.finditer(value, 5, 70)] == [
            m.span() for m in regex.finditer(value, 5, 70)]
    # first words ("the") and a literal every match holds after them ("town"): with many
    # places, the literal is looked for first
    regex = re.compile(r"\bthe\s+(?:\w+\s+)?town\b", re.IGNORECASE)
    guarded = Guarded(regex)
    assert guarded._starts is not None and guarded._check is not None
    for value in ("the " * 10 + "the old TOWN", "the " * 10 + "the old city", "the town"):
        for spots in (1, 3, 100):
            monkeypatch.setattr(literals, "_SPOTS", spots)
            assert _span(guarded.search(value)) == _span(regex.search(value))
            assert [m.span() for m in guarded.finditer(value, 2)] == [
                m.span() for m in regex.finditer(value, 2)]


def test_speedups_trie_search_and_matches_arguments() -> None:
    """Trie.search and Trie.matches, the compiled loops of Guarded.search and finditer."""
    from conflictmap.rules.literals import _FOLD

    trie = native.guard(["ab"], _FOLD)
    regex = re.compile(r"ab\w*", re.IGNORECASE)
    value = "xx AB abc ab"
    assert _span(trie.search(regex, value, 0, len(value), 6)) == (3, 5)
    assert _span(trie.search(regex, value, 4, 100, 1)) == (6, 9)  # from the first place
    assert [m.span() for m in trie.matches(regex, value, 0, 12, 6)] == [(3, 5), (6, 9), (10, 12)]
    assert [m.span() for m in trie.matches(regex, value, 0, 12, 2)] == [(3, 5), (6, 9), (10, 12)]
    with pytest.raises(ValueError, match="limit must be at least 1"):
        trie.search(regex, value, 0, 12, 0)
    with pytest.raises(TypeError, match="takes 5 or 6 arguments"):
        trie.matches(regex, value)
    with pytest.raises(TypeError, match=r"matches_at\(\) takes 2 arguments"):
        trie.matches_at(regex)
    with pytest.raises(TypeError, match="check must be a Trie or None"):
        trie.search(regex, value, 0, 12, 1, "ab")
    # past the limit, a check whose words the window lacks answers "no match" at once
    check = native.guard(["abc"], _FOLD)
    assert _span(trie.search(regex, value, 0, 12, 1, check)) == (3, 5)
    assert trie.search(regex, value, 0, 8, 1, check) is None
    assert list(trie.matches(regex, value, 0, 8, 1, check)) == []
    assert _span(trie.search(regex, value, 0, 8, 6, check)) == (3, 5)  # under the limit


def test_speedups_trie_unbuilt_or_failed_build_finds_nothing() -> None:
    """A Trie never built, or whose building failed half-way, answers "nothing" (its
    one-byte tables are only made once the words are all in)."""
    assert native.speedups is not None
    trie = native.speedups.Trie(["abc"])
    with pytest.raises(TypeError, match="must be str"):
        trie.__init__(["x", 5])  # "x" is in, where "a" led before: "a" must not find it
    unbuilt = native.speedups.Trie.__new__(native.speedups.Trie)
    for t in (trie, unbuilt):
        assert t.where("abc x") == [] and t.starts("abc x") == [] and not t.any("abc x")
        assert t.found("abc x") == set()


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return None if match is None else match.span()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_speedups_every_rules_pattern_guards_the_samples_exactly(lang: str) -> None:
    rules = load_language(lang)
    patterns = [getattr(rules.markers, k) for k in rules.markers.__slots__]
    patterns += [t.pattern for t in rules.triggers] + [t.veto for t in rules.triggers if t.veto]
    patterns += [p for _, p in rules.dates.patterns]
    guarded = [p for p in patterns if p.checked]
    assert len(guarded) > len(patterns) // 2  # most rules have literals to check
    for value in SAMPLES:
        for pattern in guarded:
            assert ([m.span() for m in pattern.finditer(value)]
                    == [m.span() for m in pattern.regex.finditer(value)]), pattern.pattern


# -- whole extraction, with and without the compiled scans -----------------------------------
_DUMP = """
import json, sys
from pathlib import Path
from conflictmap.events import Extractor
from conflictmap.model import Article, Interval
from conflictmap.articles import read_articles
from conflictmap.store import event_to_record
from datetime import date
rows = json.loads(sys.stdin.read())
ex = Extractor()
out = []
for lang, published, text in rows:
    day = date.fromisoformat(published if len(published) == 10 else published + "-01")
    article = Article(id="row", text=text, published=published, period=Interval(day, day, 1),
                      lang=lang)
    out.append([event_to_record(e) for e in ex.extract(article)])
for article in read_articles([Path(sys.argv[1])]):
    out.append([event_to_record(e) for e in ex.extract(article)])
print(json.dumps(out, sort_keys=True))
"""


@pytest.mark.slow
def test_speedups_extraction_equals_pure_python() -> None:
    rows = []
    for path in sorted(DATA.glob("sentences*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and not line.startswith("lang\t"):
                lang, published, value, _expected, *context = line.split("\t")
                rows.append([lang, published, f"{value}\n\n{context[0]}" if context and context[0]
                             else value])
    results = {}
    for pure in ("1", "0"):
        env = {**os.environ, native.PURE_ENV: pure}
        done = subprocess.run([sys.executable, "-c", _DUMP, str(ROOT / "articles")],
                              input=json.dumps(rows), capture_output=True, text=True, env=env,
                              check=True)
        results[pure] = json.loads(done.stdout)
    assert results["0"] == results["1"]
    assert sum(len(events) for events in results["0"]) > 500  # the tables do extract


def test_speedups_guarded_long_windows_dotted_capital_i() -> None:
    """"İstanbul" lower-cases to two characters, yet matches "istanbul" with re.IGNORECASE:
    such a pattern is not split into alternatives (a case hypothesis found)."""
    from conflictmap.rules import literals

    regex = re.compile(r"\bstraße\b|\bİstanbul\b|\bstrasse\b", re.IGNORECASE)
    reach = literals._CHECK_REACH
    literals._CHECK_REACH = -1
    try:
        guarded = Guarded(regex)
        for text in ("istanbul", "claim ISTANBUL", "İstanbul straße"):
            assert ([m.span() for m in guarded.finditer(text)]
                    == [m.span() for m in regex.finditer(text)])
    finally:
        literals._CHECK_REACH = reach
