"""Required literals of a regular expression: a cheap, exact pre-check before a search.

``required(pattern)`` gives a set of lower-case strings such that every match of the
pattern contains at least one of them (or None when no such set is known). A text whose
lower-cased form holds none of them cannot match, so the search can be skipped. Only
consumed literal characters count (lookarounds, classes and optional parts are ignored),
so the test is a necessary condition, never a guess. Texts holding a character that the
regex engine folds differently from ``str.lower`` ("ſ", "K", ...) are always searched.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from re import _casefix as casefix  # type: ignore[attr-defined]
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

from conflictmap import native

log = logging.getLogger(__name__)

_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))
_MULTI_LOWER = "\u0130"  # the one character whose str.lower() is two characters ("İ")


@dataclass(frozen=True, slots=True)
class Literals:
    """Every match contains one of ``words``; a text holding one of ``unsafe`` (characters
    the engine matches to a letter of a word though str.lower() does not give it: "ſ" for
    "s") or "İ" is always searched."""

    words: tuple[str, ...]
    unsafe: frozenset[str]


Required = Literals | None


def required(pattern: re.Pattern[str]) -> Required:
    """Strings one of which every match of ``pattern`` contains (lower-cased), or None."""
    tree = _tree(pattern)
    return None if tree is None else _literals(_sequence(tree))


def first_words(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings (lower-cased) one of which every match of ``pattern`` starts with, after
    what matches no character (``\\b``, look-arounds), or None when that is not known."""
    tree = _tree(pattern)
    found = None if tree is None else _first(tree)
    return tuple(sorted(found)) if found else None


def _tree(pattern: re.Pattern[str]) -> list | None:
    try:
        return list(parser.parse(pattern.pattern, pattern.flags & ~re.UNICODE))
    except (re.error, TypeError, ValueError):
        return None


_ZERO_WIDTH = (c.AT, c.ASSERT, c.ASSERT_NOT)

# (words one of which a match of the items starts with, whether they can match no
# character); None: not known
_Opening = tuple[frozenset[str], bool] | None


def _first(items: list) -> frozenset[str] | None:
    """The words a sequence of parsed items starts with (see :func:`first_words`): None
    when a match may start otherwise, or may be empty."""
    found = _opening(items)
    return None if found is None or found[1] or not found[0] else found[0]


def _opening(items: list) -> _Opening:
    """How a sequence of parsed items opens: the words of its first item that consumes
    characters, together with those of the optional items before it ("(?:the\\s+)?town":
    "the" or "town"); what matches no character (``\\b``, look-arounds) is passed over."""
    words: set[str] = set()
    i = 0
    while i < len(items):
        op, av = items[i]
        if op is c.LITERAL:  # a run of literals: one word
            run = []
            while i < len(items) and items[i][0] is c.LITERAL:
                run.append(chr(items[i][1]).lower())
                i += 1
            words.add("".join(run))
            return frozenset(words), False
        found = _item_opening(op, av)
        if found is None:
            return None
        words |= found[0]
        if not found[1]:
            return frozenset(words), False
        i += 1
    return frozenset(words), True


def branch_opening(alternatives: list[_Opening]) -> _Opening:
    """How an alternation opens, from how each alternative does (words or characters): any
    one's, and it may match nothing when one of them may."""
    if any(a is None for a in alternatives):
        return None
    return (frozenset().union(*(a[0] for a in alternatives if a is not None)),
            any(a[1] for a in alternatives if a is not None))


def repeat_opening(body: _Opening, low: int) -> _Opening:
    """How a repeat opens, from how its body does: it may match nothing when ``low`` is 0."""
    return None if body is None else (body[0], body[1] or low == 0)


def _item_opening(op: object, av: Any) -> _Opening:
    if op in _ZERO_WIDTH:
        return frozenset(), True
    if op is c.SUBPATTERN:
        return _opening(list(av[-1]))
    if op is c.BRANCH:
        return branch_opening([_opening(list(alt)) for alt in av[1]])
    if op in _REPEATS:
        return repeat_opening(_opening(list(av[2])), av[0])
    if op is c.IN and av and all(o is c.LITERAL for o, _ in av):
        return frozenset(chr(v).lower() for _, v in av), False
    return None


def union(sets: list[Required]) -> Required:
    """The requirement of an alternation of patterns."""
    if not sets or any(s is None for s in sets):
        return None
    return _literals(frozenset(w for s in sets if s is not None for w in s.words))


def may_match(needed: Required, lowered: str) -> bool:
    """False only when ``lowered`` (a lower-cased text) cannot hold a match."""
    if needed is None or any(word in lowered for word in needed.words):
        return True
    return not needed.unsafe.isdisjoint(lowered)


def _literals(words: frozenset[str] | None) -> Required:
    if not words:
        return None
    unsafe = {chr(other) for word in words for ch in set(word)
              for other in casefix._EXTRA_CASES.get(ord(ch), ())}
    unsafe.add(_MULTI_LOWER.lower()[1])  # "i̇": the combining dot left by lower("İ")
    return Literals(tuple(sorted(words)), frozenset(unsafe))


def exact_runs(items: list) -> Iterator[tuple[frozenset[str] | None, object, Any]]:
    """The parsed ``items`` with each run of consecutive items that match one of a few exact
    strings ("ne", "(?:emt|men)") joined into the strings they make ("neemt", "nemen"):
    ``(strings, None, None)`` for a run, ``(None, op, av)`` for any other item, in order."""
    run: set[str] = {""}  # the strings the items since the last break join into
    for op, av in items:
        exact = _exact(op, av)
        if exact is not None and len(run) * len(exact) <= _MAX_EXACT:
            run = {a + b for a in run for b in exact}
            continue
        if "" not in run:
            yield frozenset(run), None, None
        run = {""}
        yield None, op, av
    if "" not in run:
        yield frozenset(run), None, None


def _sequence(items: list, ahead: bool = False) -> Required:
    """Words one of which every match of the items holds (lower-cased), or None; with
    ``ahead``, the words a positive look-ahead looks for count too (they are in the text a
    search reads: the engine looks no further than its end). Consecutive items that match
    one of a few exact strings each ("ne", "(?:emt|men)") give the strings they join into
    ("neemt", "nemen"): a match holds one of those, the items' texts standing side by side."""
    candidates: list[frozenset[str]] = []
    for joined, op, av in exact_runs(items):
        found = joined if joined is not None else _item(op, av, ahead)
        if found:
            candidates.append(found)
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(len(w) for w in s), -len(s)))


_MAX_EXACT = 64  # strings a run of items may join into


def _exact(op: object, av: Any) -> set[str] | None:
    """The strings (lower-cased) an item matches, when they are few and known: a literal, a
    class of literals, a group or an alternation of such, an optional one; ``\\b`` and the
    like match the empty string. None otherwise."""
    if op is c.LITERAL:
        return {chr(av).lower()}
    if op is c.AT:
        return {""}
    if op is c.IN:
        if av and len(av) <= _MAX_EXACT and all(o is c.LITERAL for o, _ in av):
            return {chr(v).lower() for _, v in av}
        return None
    if op is c.SUBPATTERN:
        return _exact_sequence(list(av[-1]))
    if op is c.BRANCH:
        found: set[str] = set()
        for alternative in av[1]:
            exact = _exact_sequence(list(alternative))
            if exact is None:
                return None
            found |= exact
        return found if len(found) <= _MAX_EXACT else None
    if op in _REPEATS:
        low, high, body = av
        if high != 1 or low not in (0, 1):
            return None
        exact = _exact_sequence(list(body))
        return None if exact is None else (exact | {""} if low == 0 else exact)
    return None


def _exact_sequence(items: list) -> set[str] | None:
    """The strings a sequence of items matches, when each item's are known (see _exact)."""
    out = {""}
    for op, av in items:
        exact = _exact(op, av)
        if exact is None or len(out) * len(exact) > _MAX_EXACT:
            return None
        out = {a + b for a in out for b in exact}
    return out


def _item(op: object, av: Any, ahead: bool = False) -> Required:
    if op is c.SUBPATTERN:
        return _sequence(list(av[-1]), ahead)
    if op is c.BRANCH:
        alternatives = [_sequence(list(alt), ahead) for alt in av[1]]
        if any(a is None for a in alternatives):
            return None
        return frozenset().union(*alternatives)  # type: ignore[arg-type]
    if op in _REPEATS:
        low, _, body = av
        return _sequence(list(body), ahead) if low >= 1 else None
    if ahead and op is c.ASSERT and av[0] == 1:  # (?=...)
        return _sequence(list(av[1]), ahead)
    return None


class Scanner:
    """Which of several requirements a lower-cased text may meet, in one regex pass.

    ``candidates(lowered)`` is exactly ``{i for i, r in enumerate(requirements) if
    may_match(r, lowered)}``: a zero-width look-ahead tries every position and reports the
    longest required word starting there; every shorter word starting there is a prefix of
    it, so the words a found word contains (precomputed) complete the set. The words are
    one regex factored by common prefixes, so each position tries one branch per letter.
    """

    __slots__ = ("_always", "_closure", "_met", "_pattern", "_trie", "_unsafe", "_unsafe_any",
                 "_unsafe_ascii")

    def __init__(self, requirements: list[Required]) -> None:
        words = sorted({w for r in requirements if r is not None for w in r.words},
                       key=lambda w: (-len(w), w))
        self._pattern = (re.compile(f"(?=({trie_pattern(words, space=None)}))")
                         if words else None)
        self._trie = native.trie(words, spaces=False) if words else None
        self._closure = {w: frozenset(i for i, r in enumerate(requirements)
                                      if r is not None and any(x in w for x in r.words))
                         for w in words}
        self._always = frozenset(i for i, r in enumerate(requirements) if r is None)
        self._met: dict[frozenset[str], frozenset[int]] = {}  # words found -> requirements met
        self._unsafe = [(i, r.unsafe) for i, r in enumerate(requirements) if r is not None]
        self._unsafe_any = frozenset().union(*(u for _, u in self._unsafe))
        # the unsafe characters are ("ſ", "ı", the combining dot): an ASCII text has none
        self._unsafe_ascii = any(ch.isascii() for ch in self._unsafe_any)

    def candidates(self, lowered: str) -> frozenset[int]:
        """The indices of the requirements ``lowered`` may meet."""
        if self._pattern is None:
            met = self._always
        else:
            words = frozenset(self._trie.found(lowered) if self._trie is not None
                              else self._pattern.findall(lowered))
            met = self._met.get(words)  # the same few words, sentence after sentence
            if met is None:
                if len(self._met) >= _MAX_MET:
                    self._met.clear()
                met = self._met[words] = self._always.union(
                    *(self._closure[word] for word in words))
        if ((self._unsafe_ascii or not lowered.isascii())
                and not self._unsafe_any.isdisjoint(lowered)):
            return met.union(i for i, unsafe in self._unsafe if not unsafe.isdisjoint(lowered))
        return met


_MAX_MET = 65536  # sets of found words remembered by one scanner


def _fold_pairs() -> list[tuple[int, int]]:
    """(code point, representative) for every character re.IGNORECASE takes for another
    one beyond their lower case ("ſ" for "s": re._casefix), as the compiled Trie reads them."""
    pairs = []
    for char, others in casefix._EXTRA_CASES.items():
        rep = min(char, *others)
        if char != rep:
            pairs.append((char, rep))
    return sorted(pairs)


_FOLD = _fold_pairs()


_SPOTS = 64
"""Places to try one by one; from this many on, the pattern searches from the first (the
compiled loop's most). A match tried at a place costs about what a search costs per
character, and most patterns open with ``\\b`` and an alternation the engine tries at every
position: tens of places cost less than a search over the rest of a sentence or an article."""


def _foldable(words: Iterable[str]) -> bool:
    """False for a word with the combining dot that lower-casing "İ" leaves: the engine
    folds "İ" to a plain "i", which the compiled trie would not take for it."""
    return not any("\u0307" in w for w in words)


_CHECK_REACH = 2000
"""A window longer than this is searched with the alternatives the whole text holds
(``Guarded._wide``) rather than lower-cased for its own."""
_ANCHORED_REACH = 200
"""How far past ``pos`` an anchored match (``match``, ``fullmatch``) looks for its literals
first: beyond that the scan, repeated at each position of an article, costs more than the
match it saves (a match at a position mostly fails at once; 2000 characters cost a
clause's ``\\s*,\\s*(?:toen|...)`` check 19 us a call)."""


class Guarded:
    """A compiled pattern that first checks, in compiled code, where a match can start (the
    places of the words every match opens with: ``first_words``) or, failing that, that the
    text holds one of the literals every match contains (``required``), and answers "no
    match" at once when it cannot: the same answers as the pattern, most of them without
    running it.

    Texts are compared as re.IGNORECASE does (each character's simple lower case, and the
    characters it takes for one another), so the check never misses a match whatever the
    pattern's flags. Patterns without such literals, and builds without the compiled scans,
    search as the plain pattern does."""

    __slots__ = ("_branches", "_check", "_starts", "_whole", "pattern", "regex", "required")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.pattern = regex.pattern
        tree = _tree(regex)
        self.required: Required = None if tree is None else _literals(_sequence(tree))
        first = None if tree is None else _first(tree)
        self._check: Any = None
        self._starts: Any = None
        if first and _foldable(first):
            self._starts = native.guard(sorted(first), _FOLD)
        if self.required is not None and _foldable(self.required.words):
            # with first words, the literals decide only where those words are many
            # ("the", "de"): one scan of the window instead of the pattern's search
            self._check = native.guard(self.required.words, _FOLD)
        self._branches: Any = None
        self._whole: Any = None  # Branches for long windows (False: none), read when needed
        if self._starts is None:  # tried at every position: with fewer alternatives
            from conflictmap.rules.branches import branches

            self._branches = branches(regex)

    @property
    def checked(self) -> bool:
        """True when checks run before the pattern (first words, literals, or the words of its
        alternatives)."""
        return self._starts is not None or self._check is not None or self._branches is not None

    @property
    def flags(self) -> int:
        return self.regex.flags

    @property
    def groups(self) -> int:
        return self.regex.groups

    @property
    def groupindex(self) -> Any:
        return self.regex.groupindex

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        starts = self._starts
        if endpos - pos > _CHECK_REACH and len(text) - pos > _CHECK_REACH:  # a long window
            regex, starts = self._wide(text)
            if regex is None:
                return None
        else:
            regex = self.regex
        if starts is not None:
            # a match starts where one of its first words does: try those places only, or,
            # when there are many, search from the first of them (Trie.search)
            return starts.search(regex, text, pos, endpos,  # type: ignore[no-any-return]
                                 _SPOTS, self._check)
        if self._check is not None and not self._check.any(text, pos, endpos):
            return None
        if regex is self.regex and self._branches is not None:
            regex = self._pick(text, pos, endpos)
        return None if regex is None else regex.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not self._may_start(text, pos, endpos):
            return None
        return self.regex.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0,
                  endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not self._may_start(text, pos, endpos):
            return None
        return self.regex.fullmatch(text, pos, endpos)

    def _may_start(self, text: str, pos: int, endpos: int) -> bool:
        """False when no match can start at ``pos`` (before ``endpos``)."""
        if self._starts is not None:
            return bool(self._starts.where(text, pos, endpos, 1, max(pos, 0) + 1))
        if self._check is None or min(endpos, len(text)) - pos > _ANCHORED_REACH:
            return True  # a scan to the end of a long text costs more than the anchored match
        return self._check.any(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0,
                 endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        starts = self._starts
        if endpos - pos > _CHECK_REACH and len(text) - pos > _CHECK_REACH:  # a long window
            regex, starts = self._wide(text)
            if regex is None:
                return iter(())
        else:
            regex = self.regex
        if starts is not None:  # matches_at the first words' places (Trie.matches)
            return iter(starts.matches(regex, text, pos, endpos, _SPOTS, self._check))
        if self._check is not None and not self._check.any(text, pos, endpos):
            return iter(())
        if regex is self.regex and self._branches is not None:
            regex = self._pick(text, pos, endpos)
        return iter(()) if regex is None else regex.finditer(text, pos, endpos)

    def _pick(self, text: str, pos: int, endpos: int) -> Any:
        """The pattern, or the alternation of those of its alternatives whose words
        text[pos:endpos] holds (``rules.branches``; None: none), for a search there."""
        if self._branches is None or min(endpos, len(text)) - pos > _CHECK_REACH:
            return self.regex  # lower-casing the rest of a long text, search after search,
        return self._branches.pick(text, pos, endpos)  # would cost its square

    def _wide(self, text: str) -> tuple[re.Pattern[str] | None, Any]:
        """For a window longer than ``_CHECK_REACH``: the alternation of the alternatives
        whose words the whole text holds (``Branches.whole``, once per text; None: none) and
        the guard of where its matches start (its own first words', else the pattern's)."""
        if self._whole is None:  # the first long window: the alternatives, read once
            from conflictmap.rules.branches import branches

            found = self._branches if self._starts is None else branches(self.regex)
            self._whole = found if found is not None else False
        if self._whole is False:
            return self.regex, self._starts
        regex, starts = self._whole.whole(text)
        return regex, (starts if starts is not None else self._starts)

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        if self._starts is not None:
            if not self._starts.where(text, pos, endpos, 1):
                return []
        elif self._check is not None and not self._check.any(text, pos, endpos):
            return []
        return self.regex.findall(text, pos, endpos)

    def sub(self, repl: Any, text: str, count: int = 0) -> str:
        return self.regex.sub(repl, text, count)

    def __repr__(self) -> str:
        return f"Guarded({self.regex!r})"


def matches_at(regex: re.Pattern[str], text: str, spots: Iterable[int],
               endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
    """``regex.finditer(text, ..., endpos)``, trying only ``spots`` (ascending: every place
    a match can start): the first match at or after the last one's end is the one finditer
    finds, since it tries the places in between in vain. The specification of the compiled
    loops ``Trie.matches`` and ``Trie.matches_at`` (tests/test_speedups.py)."""
    end = 0
    for spot in spots:
        if spot < end:
            continue
        found = regex.match(text, spot, endpos)
        if found is not None:
            yield found
            end = max(found.end(), spot + 1)


class WordStarts:
    """Where words start in a lower-cased text: the start of every match of ``pattern``,
    ``\\b`` + the trie of ``words`` (at a word boundary) or the trie of ``inside`` (anywhere),
    as ``pattern.finditer`` finds them (longest first, not overlapping; a space in a word
    matches a run of whitespace). The compiled tries give the same list when built."""

    __slots__ = ("_inside", "_trie", "pattern")

    def __init__(self, words: list[str], inside: list[str] | None = None) -> None:
        body = rf"\b{trie_pattern(words)}"
        self.pattern = re.compile(body + (f"|{trie_pattern(inside)}" if inside else ""))
        self._trie: Any = native.trie(words, spaces=True)
        self._inside: Any = native.trie(inside, spaces=True) if inside else None
        if self._trie is None or (inside and self._inside is None):
            self._trie = self._inside = None

    def starts(self, lowered: str) -> list[int]:
        """The start of every match in ``lowered``, in order."""
        if self._trie is not None:
            return self._trie.starts(lowered, self._inside)  # type: ignore[no-any-return]
        return [m.start() for m in self.pattern.finditer(lowered)]


def trie_pattern(words: Iterable[str], space: str | None = r"\s+") -> str:
    """One regex for many words, factored by common prefixes (far faster than a flat
    alternation); greedy, so at a position the longest word starting there wins. A space
    in a word matches ``space`` (None: a space only). The words are lower-cased: compile
    with IGNORECASE or search lower-cased text."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word.lower():
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_body(root, space) or "(?!x)x"


def _trie_body(node: dict[str, dict], space: str | None) -> str:
    branches = [(space if ch == " " and space is not None else re.escape(ch))
                + _trie_body(child, space) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
