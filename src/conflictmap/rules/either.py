"""Whether a pattern matches in a window at all, cheap alternatives first.

``A|B`` has a match in a window exactly when ``A`` or ``B`` has one there (the engine tries
the alternatives at each position; which one wins, and where, does not matter to a yes or
no). A veto such as ``%AID_LEAVING%|...|\\bcivilians\\b|\\bpeople\\b|...`` is asked only
that, and the engine tries its thirty alternatives at every position where any of them may
start (one of them starts with "he", "i", found in most windows): the alternatives that
are a few plain words (``\\bpeople\\b``, ``\\b(?:thousands|hundreds)\\b``,
``\\bleft\\s+\\d``) are searched first as one pattern, tried only where their words are,
and the others only when those find nothing. The same answer, mostly without the long alternation.

Only patterns without groups (no back-reference can then tie two alternatives) that split
plainly at their top-level bars (``branches.split_bars``; no verbose mode, no global inline
flags) are parted, and only those whose matches may start with a word of one or two
letters or without a known word: the others are tried only where their first words are.
"""

from __future__ import annotations

import re
import sys
from re import _constants as c  # type: ignore[attr-defined]
from typing import Any

from conflictmap.rules.literals import _REPEATS, Guarded, _first, _tree

_COMMON = 3
"""A first word shorter than this ("i", "he") is in nearly every window: a pattern one of
whose alternatives starts with one is searched over the whole window, each place trying
every alternative, and is parted."""
_SHORT = (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY, c.CATEGORY, c.AT)


class Either:
    """A pattern's plain alternatives (``cheap``) and the others (``rest``), each compiled
    and guarded; None for a part with no alternatives."""

    __slots__ = ("cheap", "rest")

    def __init__(self, cheap: Guarded | None, rest: Guarded | None) -> None:
        self.cheap = cheap
        self.rest = rest

    def found(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> bool:
        """``regex.search(text, pos, endpos) is not None``."""
        if self.cheap is not None and self.cheap.search(text, pos, endpos) is not None:
            return True
        return self.rest is not None and self.rest.search(text, pos, endpos) is not None


def either(regex: re.Pattern[str]) -> Either | None:
    """The pattern parted into its plain and other alternatives, or None when it cannot be
    parted or one of the parts would be empty (then the whole pattern is as cheap)."""
    from conflictmap.rules.branches import split_bars

    if regex.groups or regex.flags & re.VERBOSE or re.match(r"\(\?[a-zA-Z-]+\)", regex.pattern):
        return None
    tree = _tree(regex)
    first = None if tree is None else _first(tree)
    if first and min(len(word) for word in first) >= _COMMON:
        return None  # the whole pattern is tried only where its (rarer) first words are
    alternatives = split_bars(regex.pattern)
    if alternatives is None or len(alternatives) < 2:
        return None
    cheap: list[str] = []
    rest: list[str] = []
    for alternative in alternatives:
        try:
            compiled = re.compile(alternative, regex.flags)
        except re.error:
            return None
        tree = _tree(compiled)
        plain = tree is not None and _first(tree) is not None and _plain(tree)
        (cheap if plain else rest).append(alternative)
    if not cheap or not rest:
        return None
    return Either(Guarded(re.compile("|".join(cheap), regex.flags)),
                  Guarded(re.compile("|".join(rest), regex.flags)))


def _plain(items: list) -> bool:
    """True for parsed items whose matching costs little where they may start: no lazy
    scans, and a repeat only of one character (``\\s+``, ``\\w*``), not of a group."""
    for op, av in items:
        if op in _SHORT:
            continue
        if op is c.SUBPATTERN:
            if not _plain(list(av[-1])):
                return False
        elif op is c.BRANCH:
            if not all(_plain(list(alt)) for alt in av[1]):
                return False
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if not _plain(list(av[1])):
                return False
        elif op in _REPEATS and op is not c.MIN_REPEAT:
            body = list(av[2])
            if len(body) != 1 or body[0][0] not in _SHORT:
                return False
        else:
            return False
    return True


def found(pattern: Guarded, text: str, pos: int = 0, endpos: int = sys.maxsize) -> bool:
    """``pattern.search(text, pos, endpos) is not None``, the plain alternatives first
    (parted once per pattern, on first use)."""
    parted: Any = _PARTED.get(pattern, _PARTED)
    if parted is _PARTED:
        parted = _PARTED[pattern] = either(pattern.regex)
    if parted is None:
        return pattern.search(text, pos, endpos) is not None
    return parted.found(text, pos, endpos)  # type: ignore[no-any-return]


_PARTED: dict[Guarded, Any] = {}
