"""Language words are data: every rules file has the same ``[words]`` keys, and no module
under src/conflictmap (outside rules/) writes a pattern with Dutch or English function words,
or builds a module-level set, tuple or list of words that holds them: a module writes
``%and%``, or unites a ``[words]`` key of every ``rules/<lang>.toml`` (``toponym_words``)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

import conflictmap
from conflictmap import rules, toponym_words
from conflictmap.errors import RulesError
from conflictmap.rules import WORD_KEYS, Words, language_files, load_language, words_at

SRC = Path(conflictmap.__file__).parent
# The [words] lists of function words: articles, conjunctions, prepositions, auxiliaries.
FUNCTION_KEYS = ("and", "or", "article", "definite_article", "possessive", "of", "in",
                 "actor_preposition", "together_with", "relative_pronoun", "perfect_auxiliary",
                 "again", "date_preposition", "month_preposition", "locating_preposition",
                 "as_well_as", "not_a_name")
# Modules that still write such words, and why.
LEFT = {
    "text.py": "page furniture (time stamps, credits, related-links lines) is cut while a "
               "page is split into sentences, before and without the article's language",
}
# Module-level sets of words ("module.py:NAME") that hold function words and stay, and why.
LEFT_SETS = {
    "names.py:ARABIC_ARTICLES": "the article of transliterated Arabic names (al-, an-, at-), "
                                "folded out of every name key: a property of the names, not "
                                "of an article's language",
    "synthetic.py:_TRIGGERS": "the synthetic test corpus is written here, in Dutch and "
                              "English: its sentences, not rules to read a text with",
}


def _function_words() -> frozenset[str]:
    words: set[str] = set()
    for lang in language_files():
        lists = load_language(lang).words
        for key in FUNCTION_KEYS:
            words |= {w.lower() for w in lists[key]}
    return frozenset(words)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _alternatives(pattern: str) -> list[str]:
    """The words of each alternation group in ``pattern`` ("(?:en|and)\\s": en, and)."""
    out = []
    for group in re.finditer(r"\((?:\?[:=!]|\?<[=!])?([^()]*)\)", pattern):
        parts = group.group(1).split("|")
        if len(parts) > 1:
            out += [re.sub(r"\\[sbwW][+*?]?|\\\s|[\s^$?+*]", "", p).lower() for p in parts]
    return out


def function_word_patterns(source: str, words: frozenset[str]) -> list[tuple[int, str]]:
    """(line, word) for each string of ``source`` (not a docstring) that holds an
    alternation with one of ``words``."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        elif isinstance(node, ast.JoinedStr):  # an f-string: its text, "{}" for each field
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        else:
            continue
        found += [(node.lineno, w) for w in _alternatives(text) if w in words and len(w) > 1]
    return found


_SET_CALLS = frozenset({"frozenset", "set", "tuple", "list", "split", "_words"})


def _holds_words(node: ast.expr) -> bool:
    """True for a literal set, tuple or list, a call that builds one from strings
    (``frozenset(...)``, ``"a b".split()``, ``_words("a b")``), or a union of those."""
    if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in _SET_CALLS
    if isinstance(node, ast.BinOp):
        return _holds_words(node.left) or _holds_words(node.right)
    return False


def _set_strings(node: ast.expr, strings: dict[str, str]) -> list[str]:
    """The strings a set-building expression holds: its constants, the module-level strings it
    names, through literals, building calls and unions, not through other calls (the key in
    ``_union(tables, "and")`` is no word)."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.Name):
        return [strings[node.id]] if node.id in strings else []
    if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
        return [s for e in node.elts for s in _set_strings(e, strings)]
    if isinstance(node, ast.BinOp):
        return _set_strings(node.left, strings) + _set_strings(node.right, strings)
    if isinstance(node, ast.Call) and _holds_words(node):
        inner = [node.func.value] if isinstance(node.func, ast.Attribute) else []
        return [s for a in (*inner, *node.args) for s in _set_strings(a, strings)]
    if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
        return _set_strings(node.elt, strings)
    return []


def function_word_sets(source: str, words: frozenset[str]) -> list[tuple[str, list[str]]]:
    """(name, words) for each module-level assignment of ``source`` that builds a set, tuple
    or list of strings holding two or more of ``words`` ("_X = frozenset({"de", "the"})",
    "_X = _words("in op de het")")."""
    tree = ast.parse(source)
    strings = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
               and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
               for t in n.targets if isinstance(t, ast.Name)}
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if not _holds_words(value):
            continue
        held = sorted({w.lower() for s in _set_strings(value, strings) for w in s.split()}
                      & words)
        held = [w for w in held if len(w) > 1]
        if len(held) >= 2:
            found += [(t.id, held) for t in targets if isinstance(t, ast.Name)]
    return found


def _module_sets(words: frozenset[str]) -> dict[str, list[str]]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "rules":
            continue
        for name, held in function_word_sets(path.read_text(encoding="utf-8"), words):
            found[f"{rel}:{name}"] = held
    return found


def test_the_guard_finds_sets_of_function_words() -> None:
    words = _function_words()
    bad = ('def _words(text):\n    return frozenset(text.split())\n'
           '_A = _words("stad dorp en het de")\n'
           '_B = frozenset({"of", "and", "the"}) | _C\n'
           '_S = "op in"\n_D = frozenset(_S.split())\n'
           '_E: tuple[str, ...] = ("van", "the")\n')
    assert [n for n, _ in function_word_sets(bad, words)] == ["_A", "_B", "_D", "_E"]
    good = ('_A = frozenset({"&", ","}) | _union(t, "and") | _union(t, "or")\n'
            '_B = ("town", "city")\n_C = "de het een"\n_D = frozenset({"in"})\n'
            'KEYS = {"and": 1, "the": 2}\n')
    assert function_word_sets(good, words) == []


def test_no_module_holds_a_set_of_function_words() -> None:
    found = {k: v for k, v in _module_sets(_function_words()).items() if k not in LEFT_SETS}
    assert not found, "language words belong in rules/<lang>.toml [words]:\n" + "\n".join(
        f"{k}: {v}" for k, v in found.items())


def test_left_sets_still_need_their_reason() -> None:
    found = _module_sets(_function_words())
    assert not [k for k in LEFT_SETS if k not in found], "clean now: drop it from LEFT_SETS"


def test_words_tables_have_the_code_keys() -> None:
    for lang, path in language_files().items():
        table = tomllib.loads(path.read_text(encoding="utf-8"))["words"]
        assert sorted(table) == sorted(WORD_KEYS), lang


@pytest.mark.parametrize("lang", sorted(language_files()))
def test_words_lists_are_words(lang: str) -> None:
    lists = load_language(lang).words
    for key in WORD_KEYS:
        assert all(w.strip() == w and w for w in lists[key]), key
        re.compile(lists.alternation(key))


def test_words_compile_a_template() -> None:
    words = Words({"and": ("and",), "phrase": ("as well as",), "none": ()})
    pattern = words.compile(r"^%and%\s+%phrase%%none%?$", re.IGNORECASE)
    assert pattern.match("AND as  well\nas") and not pattern.match("en as well as")
    assert words.compile(r"^%and%\s+%phrase%%none%?$", re.IGNORECASE) is pattern
    assert not words.compile("%none%").search("anything")
    with pytest.raises(RulesError, match=r"'unknown'.*expected one of: and, none, phrase"):
        words.compile("%unknown%")


def test_the_guard_finds_function_words() -> None:
    words = _function_words()
    assert {"and", "en", "the", "de", "van", "of"} <= words
    bad = 'import re\n_X = re.compile(r",?\\s+(?:and|en)\\s+(?:de\\s+|the\\s+)?$")\n'
    assert [w for _, w in function_word_patterns(bad, words)] == ["and", "en", "de", "the"]
    good = '"""A docstring: (and|en)."""\nimport re\n_X = r",?\\s+%and%\\s+"\n_Y = "(a|b)"\n'
    assert function_word_patterns(good, words) == []
    fstring = 'W = "x"\n_X = rf"(?:{W}|in|op)\\s"\n'
    assert [w for _, w in function_word_patterns(fstring, words)] == ["in", "op"]


def test_no_module_writes_function_words_in_a_pattern() -> None:
    words = _function_words()
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "rules" or str(rel) in LEFT:
            continue
        found += [f"{rel}:{line}: {word!r}"
                  for line, word in function_word_patterns(path.read_text(encoding="utf-8"),
                                                           words)]
    assert not found, "language words belong in rules/<lang>.toml [words]:\n" + "\n".join(found)


def test_left_modules_still_need_their_reason() -> None:
    words = _function_words()
    for name in LEFT:
        source = (SRC / name).read_text(encoding="utf-8")
        assert function_word_patterns(source, words), f"{name} is clean now: drop it from LEFT"


_METHODS = frozenset({"match", "fullmatch", "search", "finditer", "findall", "sub", "split"})


def template_misuses(source: str) -> list[tuple[int, str]]:
    """(line, name) where a module-level pattern template ("%and%" in it: a string for
    ``rules.words.compile``) is used as if it were compiled (``_AND.match(...)``)."""
    tree = ast.parse(source)
    templates = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Constant, ast.BinOp)):
            text = "".join(c.value for c in ast.walk(node.value)
                           if isinstance(c, ast.Constant) and isinstance(c.value, str))
            if re.search(r"%[a-z_]+%", text):
                templates |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return [(node.lineno, node.value.id) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in _METHODS
            and isinstance(node.value, ast.Name) and node.value.id in templates]


def test_no_module_uses_a_template_as_a_pattern() -> None:
    assert template_misuses('_AND = r"\\s%and%\\s"\nx = _AND.match("a")\n') == [(2, "_AND")]
    assert template_misuses('_AND = r"\\s%and%\\s"\nx = w.compile(_AND).match("a")\n') == []
    found = [f"{path.relative_to(SRC)}:{line}: {name}"
             for path in sorted(SRC.rglob("*.py"))
             for line, name in template_misuses(path.read_text(encoding="utf-8"))]
    assert not found, "compile a template with rules.words.compile first:\n" + "\n".join(found)


def test_toponym_words_read_the_rules_words() -> None:
    """toponym_words parses only [words] and the calendar of [dates], at import: the same
    lists as load_language."""
    tables = toponym_words.language_tables()
    assert sorted(tables) == sorted(language_files())
    for lang, lists in tables.items():
        loaded = load_language(lang)
        for key in WORD_KEYS:
            assert tuple(lists.get(key, ())) == loaded.words[key], (lang, key)
        dates = loaded.dates
        assert (tuple(lists["months"]), tuple(lists["weekdays"]),
                tuple(lists["month_abbreviations"])) == (
            dates.months, dates.weekdays, dates.month_abbreviations)
        assert words_at(loaded.path) is loaded.words


def test_a_broken_rules_file_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(lang: str) -> None:
        raise RulesError(f"broken {lang}")

    monkeypatch.setattr(rules, "language_files", lambda: {"xx": Path("xx.toml")})
    monkeypatch.setattr(rules, "load_language", broken)
    assert toponym_words._rules_words("zz", "people") == ()
    with pytest.raises(RulesError, match="broken xx"):
        toponym_words._rules_words("xx", "people")
    with pytest.raises(RulesError, match="broken xx"):
        toponym_words.calendar_words.__wrapped__("xx")
