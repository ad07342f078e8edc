"""A pattern's top-level alternatives, searched only where their words are.

A pattern ``A|B|C`` whose alternatives each need words of their own (``,\\s+(?=but\\s)``
needs "but") is searched in a window as the alternation of the alternatives whose words the
window holds: an alternative that cannot match anywhere in the window never decides a
match, so the answers are the same (the same matches, in the same order, each found by
the same alternative), and the engine tries fewer alternatives at each position. The
words a positive look-ahead looks for count, since the engine looks no further than the
window's end (``endpos``); those a look-behind looks for do not.

Only patterns without groups are split (dropping an alternative would renumber them), and
only where the source splits plainly at its top-level bars (no verbose mode, comments or
global inline flags); the alternations are compiled when a window first needs them.

A window too long to lower-case search after search is searched with the alternatives whose
words the whole text holds (``Branches.whole``, computed once for a text): those missing from
the text are missing from every window of it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

from conflictmap import native
from conflictmap.rules.literals import (
    _FOLD,
    _REPEATS,
    Scanner,
    _first,
    _foldable,
    _literals,
    _sequence,
    _tree,
    branch_opening,
    repeat_opening,
)

_MAX_ALTERNATIONS = 256  # alternations compiled for one pattern, at most
_COMPILE_AFTER = 256
"""How often windows ask for a set of alternatives before their alternation is compiled;
until then each alternative searches on its own (``Parted``). A compilation costs one to
three milliseconds (the clause breaks' alternatives are long), a parted search a few
microseconds more than the compiled alternation's: most sets are asked for a few times
(20 compilations cost the bench's 1000 articles 20 ms of 1000), the frequent ones are
compiled."""
_MAX_ASKED = 4096  # sets not compiled yet that one pattern counts, at most


class Parted:
    """Searches as the alternation of ``parts`` (compiled alternatives, in the pattern's
    order, each with whether it only matches the empty string) does, without compiling it:
    a match of the alternation starts at the first place where one of them matches, and is
    the first of those in order's match there (the engine tries them in order at each
    place). Each part's matches are all empty or all not (``branches``): after an empty
    match ``finditer`` takes no empty match at the same place (the engine's rule), so there
    the empty parts search from the next place on."""

    __slots__ = ("_parts",)

    def __init__(self, parts: list[tuple[re.Pattern[str], bool]]) -> None:
        self._parts = parts

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize,
               empty_at: int = -1) -> re.Match[str] | None:
        best = None
        for part, empty in self._parts:
            m = part.search(text, pos + 1 if empty and pos == empty_at else pos, endpos)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best

    def finditer(self, text: str, pos: int = 0,
                 endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        empty_at = -1
        while True:
            m = self.search(text, pos, endpos, empty_at)
            if m is None:
                return
            yield m
            pos = m.end()
            empty_at = pos if m.start() == pos else -1


def split_bars(source: str) -> list[str] | None:
    """``source`` cut at its top-level ``|`` (not in a group, a class or after a
    backslash), or None when it cannot be read plainly."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(source, i)
            if i < 0:
                return None
            continue
        if ch == "(":
            if source.startswith("(?#", i):
                return None
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    if depth != 0:
        return None
    parts.append(source[start:])
    return parts


def _class_end(source: str, i: int) -> int:
    """The index after the character class opening at ``source[i]``, or -1."""
    i += 1
    if source.startswith("^", i):
        i += 1
    if source.startswith("]", i):  # a "]" first is a literal
        i += 1
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == "]":
            return i + 1
        i += 1
    return -1


class Branches:
    """The alternation of a pattern's alternatives that may match in a window."""

    __slots__ = ("_all", "_alternatives", "_asked", "_compiled", "_flags", "_guards", "_last",
                 "_openers", "_parts", "_scanner", "regex")

    def __init__(self, regex: re.Pattern[str], alternatives: list[str],
                 scanner: Scanner, openers: list[frozenset[str] | None] | None = None,
                 parts: list[tuple[re.Pattern[str], bool]] | None = None) -> None:
        self.regex = regex
        self._parts = parts  # the alternatives compiled, when each matches always or never
        # the empty string
        self._asked: dict[frozenset[int], tuple[int, Parted]] = {}  # sets not compiled yet
        self._alternatives = alternatives
        self._openers = openers or [None] * len(alternatives)
        self._all = frozenset(range(len(alternatives)))
        self._flags = regex.flags
        self._scanner = scanner
        self._compiled: dict[frozenset[int], re.Pattern[str] | None] = {
            self._all: regex, frozenset(): None}
        self._guards: dict[re.Pattern[str], Any] = {}
        self._last: tuple[str, re.Pattern[str] | None, Any] | None = None

    def pick(self, text: str, pos: int, endpos: int,
             after: int = _COMPILE_AFTER) -> re.Pattern[str] | Parted | None:
        """The pattern to search ``text[pos:endpos]`` with (None: nothing can match): the
        alternatives ``Parted`` until the set has been asked for ``after`` times."""
        pos = max(pos, 0)
        endpos = min(endpos, len(text))
        key = self._scanner.candidates(text[pos:endpos].lower() if endpos > pos else "")
        found = self._compiled.get(key, self)
        if found is self:
            if len(self._compiled) >= _MAX_ALTERNATIONS:
                return self.regex
            near = self._near(key)
            if near is not None:
                return near
            if self._parts is not None:
                asked, parted = self._asked.get(key, (0, None))
                if asked + 1 < after:
                    if parted is None:
                        if len(self._asked) >= _MAX_ASKED:
                            self._asked.clear()
                        parted = Parted([self._parts[i] for i in sorted(key)])
                    self._asked[key] = (asked + 1, parted)
                    return parted
                self._asked.pop(key, None)
            found = self._compiled[key] = self._alternation(sorted(key))
        return found  # type: ignore[return-value]

    def _near(self, key: frozenset[int]) -> re.Pattern[str] | None:
        """A compiled alternation of ``key``'s alternatives and one more, if there is one:
        the one more cannot match in the window, so it finds what ``key``'s own would, and
        a compilation (a millisecond, a hundred searches) is saved."""
        for other in self._compiled:
            if len(other) == len(key) + 1 and key < other:
                return self._compiled[other]
        return None

    def _alternation(self, picked: list[int]) -> re.Pattern[str]:
        """The alternatives ``picked``, behind a look-ahead for the characters their matches
        can open with when those are known ("," or a space for a clause break): the engine
        then passes over every other position at once instead of trying each alternative
        there (the same matches: none starts elsewhere)."""
        source = "|".join(self._alternatives[i] for i in picked)
        openers = [self._openers[i] for i in picked]
        items = frozenset().union(*openers) if all(o is not None for o in openers) else None
        if items and items.isdisjoint(_BROAD):
            source = f"(?=[{''.join(sorted(items))}])(?:{source})"
        return re.compile(source, self._flags)

    def whole(self, text: str) -> tuple[re.Pattern[str] | None, Any]:
        """``pick(text, 0, len(text))``, for any window of ``text`` (an alternative whose
        words the text lacks matches in none of its windows), with the compiled guard of the
        words its matches start with (None: not known, or not built); kept for the last text,
        so a long article is lower-cased once, not once per search."""
        last = self._last
        if last is not None and last[0] is text:
            return last[1], last[2]
        # str.lower() reads one character by its neighbours (a capital sigma at a word's end):
        # a window's lower case is then not a part of the text's
        regex = self.regex if "\u03a3" in text else self.pick(text, 0, len(text), 0)
        guard = None
        if regex is not None:
            guard = self._guards.get(regex, self)
            if guard is self:
                guard = self._guards[regex] = _starts_guard(regex)
        self._last = (text, regex, guard)
        return regex, guard


def _starts_guard(regex: re.Pattern[str]) -> Any:
    """The compiled guard of the words every match of ``regex`` starts with, or None."""
    tree = _tree(regex)
    first = None if tree is None else _first(tree)
    return native.guard(sorted(first), _FOLD) if first and _foldable(first) else None


def branches(regex: re.Pattern[str]) -> Branches | None:
    """The pattern's alternatives, when it has two or more, they can be read apart and one
    of them at least needs words of its own; else None."""
    if regex.groups or regex.flags & re.VERBOSE or re.match(r"\(\?[a-zA-Z-]+\)", regex.pattern):
        return None
    if any(len(ch.lower()) != 1 for ch in regex.pattern):
        # "İstanbul" lower-cases to two characters ("i̇stanbul"), but the pattern matches
        # "istanbul" with re.IGNORECASE: an alternative's words would miss it
        return None
    alternatives = split_bars(regex.pattern)
    if alternatives is None or len(alternatives) < 2:
        return None
    needs = []
    openers = []
    parts: list[tuple[re.Pattern[str], bool]] | None = []
    for alternative in alternatives:
        try:
            part = re.compile(alternative, regex.flags)
        except re.error:
            return None
        low, high = parser.parse(alternative, regex.flags).getwidth()
        if parts is not None and (low > 0 or high == 0):
            parts.append((part, high == 0))
        else:  # empty or not: the engine's steps after an empty match are its own
            parts = None
        tree = _tree(part)
        needs.append(None if tree is None else _literals(_sequence(tree, ahead=True)))
        opening = None if tree is None else _chars_opening(tree)
        openers.append(None if opening is None or opening[1] or not opening[0] else opening[0])
    if all(n is None for n in needs):
        return None
    return Branches(regex, alternatives, Scanner(needs), openers, parts)


# (the items of a character class one of which the first character of a match is, whether
# the items can match no character); None: not known
_Chars = tuple[frozenset[str], bool] | None
_BROAD = frozenset({r"\S", r"\W", r"\D"})  # nearly every character: no look-ahead for them
_CATEGORIES = {c.CATEGORY_SPACE: r"\s", c.CATEGORY_NOT_SPACE: r"\S", c.CATEGORY_DIGIT: r"\d",
               c.CATEGORY_NOT_DIGIT: r"\D", c.CATEGORY_WORD: r"\w", c.CATEGORY_NOT_WORD: r"\W"}


def _chars_opening(items: list) -> _Chars:
    """The first character a match of parsed ``items`` consumes, as character class items
    (``literals._opening`` for characters): what matches no character (``\\b``, look-arounds)
    is passed over, and an optional item adds its own to those of what follows it."""
    found: set[str] = set()
    for op, av in items:
        one = _chars_item(op, av)
        if one is None:
            return None
        found |= one[0]
        if not one[1]:
            return frozenset(found), False
    return frozenset(found), True


def _chars_item(op: object, av: Any) -> _Chars:
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return frozenset(), True
    if op is c.LITERAL:
        return frozenset({re.escape(chr(av))}), False
    if op is c.IN:
        items = set()
        for o, v in av:
            if o is c.LITERAL:
                items.add(re.escape(chr(v)))
            elif o is c.RANGE:
                items.add(f"{re.escape(chr(v[0]))}-{re.escape(chr(v[1]))}")
            elif o is c.CATEGORY and v in _CATEGORIES:
                items.add(_CATEGORIES[v])
            else:  # a negated class, ...
                return None
        return frozenset(items), False
    if op is c.SUBPATTERN:
        # a group that turns a flag on ("(?i:...)") could match what the class would not
        return None if av[1] else _chars_opening(list(av[-1]))
    if op is c.BRANCH:
        return branch_opening([_chars_opening(list(alt)) for alt in av[1]])
    if op in _REPEATS:
        return repeat_opening(_chars_opening(list(av[2])), av[0])
    return None

