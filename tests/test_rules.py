"""The rules files: same shape in every language, valid patterns, clear errors."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictmap.actors import ActorLexicon
from conflictmap.errors import RulesError
from conflictmap.rules import RULES_DIR, language_files, load_file, load_language

LANGS = sorted(language_files())


def _keys(data: dict, prefix: str = "") -> set[str]:
    keys = set()
    for key, value in data.items():
        if key in ("trigger", "actors", "actor_names", "sides", "demonyms", "define"):
            keys.add(prefix + key)
        elif isinstance(value, dict):
            keys |= _keys(value, f"{prefix}{key}.")
        else:
            keys.add(prefix + key)
    return keys


def test_rules_languages_present() -> None:
    assert {"nl", "en"} <= set(LANGS)


def test_rules_every_language_has_the_same_keys() -> None:
    shapes = {lang: _keys(tomllib.loads(path.read_text(encoding="utf-8")))
              for lang, path in language_files().items()}
    first = shapes[LANGS[0]]
    for lang, keys in shapes.items():
        assert keys == first, f"{lang}: {sorted(keys ^ first)}"


@pytest.mark.parametrize("lang", LANGS)
def test_rules_compile_and_name_known_actors_and_sides(lang: str) -> None:
    rules = load_language(lang)
    lexicon = ActorLexicon.load()
    known = set(lexicon.actors)
    assert {actor_id for actor_id, _ in rules.actor_aliases} <= known
    sides = {a.side for a in lexicon.actors.values()}
    assert sides <= {side for side, _ in rules.sides}, sides - {s for s, _ in rules.sides}
    assert len({t.id for t in rules.triggers}) == len(rules.triggers)
    assert all(t.id.startswith(f"{lang}.") for t in rules.triggers)


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (RULES_DIR / "nl.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "nl.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "message"), [
    ('change = "recapture"', 'change = "annexation"', "change must be one of"),
    ("target = \"next\"", "target = \"far\"", "target must be one of"),
    ('before = "gainer"', 'before = "winner"', "before must be one of"),
    ("pattern = '''\\bherover", "pattern = '''(\\bherover", "not a valid regular expression"),
    ("[markers]", "[markerz]", r"expected a table \[markers\]"),
    ('lang = "nl"', 'lang = "nl', "not valid TOML"),
])
def test_rules_malformed_file_names_file_and_line(tmp_path: Path, old: str, new: str,
                                                  message: str) -> None:
    path = _copy_with(tmp_path, old, new)
    with pytest.raises(RulesError, match=message) as info:
        load_file(path)
    assert info.value.path == str(path)
    if "markers" not in message:  # a missing table has no line to point at
        assert info.value.line is not None and info.value.line > 0


def test_rules_unknown_language_lists_the_known_ones() -> None:
    with pytest.raises(RulesError, match="expected one of"):
        load_language("xx")


def _table_sentences() -> list[tuple[str, str]]:
    rows = [line.split("\t")
            for path in sorted((Path(__file__).parent / "data").glob("sentences*.tsv"))
            for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith(("#", "lang\t"))]
    return [(row[0], row[2]) for row in rows]


@pytest.mark.parametrize("lang", LANGS)
def test_rules_keywords_cover_every_trigger_match(lang: str) -> None:
    """The keyword pre-filter must never hide a sentence a trigger would match."""
    rules = load_language(lang)
    for row_lang, text in _table_sentences():
        if row_lang == lang and any(t.pattern.search(text) for t in rules.triggers):
            assert rules.keywords.search(text.lower()), text


# --- required literals: an exact pre-check before each trigger search ----------------


def _table_texts() -> list[str]:
    data = Path(__file__).parent / "data"
    texts = []
    for path in sorted(data.glob("sentences*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith(("#", "lang\t")):
                texts.append(line.split("\t")[2])
    return texts


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_rules_required_literals_never_skip_a_match(lang: str) -> None:
    from conflictmap.rules.literals import may_match

    rules = load_language(lang)
    texts = [*_table_texts(), "ſeized Hama", "İngenomen", "TOOK CONTROL OF", "ſtrijd om"]
    for text in texts:
        lowered = text.lower()
        for trigger in rules.triggers:
            if trigger.pattern.search(text):
                assert may_match(trigger.required, lowered), (trigger.id, text)
        if any(t.pattern.search(text) for t in rules.triggers):
            assert may_match(rules.any_required, lowered), text


def test_rules_required_literals_examples() -> None:
    import re

    from conflictmap.rules.literals import may_match, required

    needed = required(re.compile(r"\b(?:took|seized)\s+control\s+of\b", re.IGNORECASE))
    assert needed is not None and "control" in needed.words
    assert not may_match(needed, "the army advanced")
    seized = required(re.compile(r"\bseized\b", re.IGNORECASE))
    assert re.search(r"\bseized\b", "ſeized", re.IGNORECASE)
    assert may_match(seized, "ſeized")  # the engine folds "ſ" to "s", str.lower does not
    assert required(re.compile(r"\w+")) is None
    assert required(re.compile(r"(?:a|\d)b?")) is None


def _scanner_texts(lang: str) -> list[str]:
    rules = load_language(lang)
    words = sorted({w for t in rules.triggers if t.required for w in t.required.words})
    return [*_table_texts(), "ſeized Hama", "İngenomen", "", " ".join(words),
            "".join(words), "namen namen", "tooktook control"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_rules_scanner_equals_may_match_per_trigger(lang: str) -> None:
    """One regex pass gives exactly the triggers whose literals a text holds."""
    from conflictmap.rules.literals import may_match

    rules = load_language(lang)
    assert rules.scanner is not None
    for text in _scanner_texts(lang):
        lowered = text.lower()
        expected = {i for i, t in enumerate(rules.triggers) if may_match(t.required, lowered)}
        assert rules.scanner.candidates(lowered) == expected, text


@given(words=st.lists(st.text(alphabet="abnmſ ", min_size=1, max_size=4), max_size=6),
       text=st.text(alphabet="abnmſs İ", max_size=40))
def test_rules_scanner_property(words: list[str], text: str) -> None:
    """Requirements whose words overlap and nest ("a", "ab", "bab"), and the characters
    the engine folds differently from str.lower: the scanner agrees with may_match."""
    from conflictmap.rules.literals import Scanner, may_match, required

    patterns = [re.compile(re.escape(w), re.IGNORECASE) for w in words]
    requirements = [required(p) for p in patterns] + [None]
    lowered = text.lower()
    expected = {i for i, r in enumerate(requirements) if may_match(r, lowered)}
    assert Scanner(requirements).candidates(lowered) == expected


_PIECES = ["a", "n", "e", "(?:em|me)", "[ab]", "(?:ne)?", "\\b", "\\s+", "\\w*", "(?:a|n)+",
           "(?:b|)", "(?=n)", "(?!a)", "[^a]", ".", "(?:an|(?:e|b)n)", "m{2}", "(?:ab)?e"]


@given(pattern=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=5).map("".join),
       text=st.text(alphabet="abnemANſ ", max_size=14))
@settings(max_examples=600)
def test_rules_required_joined_runs_never_skip_a_match(pattern: str, text: str) -> None:
    """Runs of items with a few exact strings each join into the strings a match holds
    ("ne(?:em|me)": "neem", "neme"): a text that matches holds one of them."""
    from conflictmap.rules.literals import may_match, required

    regex = re.compile(pattern, re.IGNORECASE)
    if regex.search(text):
        assert may_match(required(regex), text.lower()), (pattern, text)


def test_rules_required_joins_a_run_with_its_alternatives() -> None:
    from conflictmap.rules.literals import required

    needed = required(re.compile(r"\bn(?:eemt|emen)\b", re.IGNORECASE))
    assert needed is not None and set(needed.words) == {"neemt", "nemen"}
