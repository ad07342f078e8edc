"""Language words are data: every rules file has the same ``[words]`` keys, and no module
under src/conflictmap (outside rules/) writes a pattern with Dutch or English function words:
a module writes ``%and%`` and takes the words from ``rules.<lang>.toml``."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

import conflictmap
from conflictmap.errors import RulesError
from conflictmap.rules import WORD_KEYS, Words, language_files, load_language

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
