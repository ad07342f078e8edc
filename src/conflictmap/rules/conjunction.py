"""Every set of literals a pattern's matches need, not only the best one: a sharper pre-check.

``literals.required`` keeps one set of words one of which every match holds ("controle" for
``\\bcontrole\\s+over\\b...|\\b(?:hebben|heeft)\\b...controle\\s+over\\b``); a sentence
holding "controleren" passes it, and the trigger is then tried at every "hebben" of the
sentence in vain. Every match holds "over" as well: ``all_required`` gives the other sets
too, and ``Conjunction`` keeps a trigger for a sentence only when the sentence holds a word
of each of its sets. Each set is a necessary condition, so the triggers dropped are only
ones that cannot match there: the same answers, fewer searches.

An alternation needs the union of one needed set of each alternative (a match is a match of
one alternative); the sets are chosen around each word the alternatives share, so
"controle" and "over", needed by each of four alternatives, are each a set of the whole.
"""

from __future__ import annotations

from re import _constants as c  # type: ignore[attr-defined]
from typing import Any

from conflictmap.rules.literals import (
    _REPEATS,
    Guarded,
    Literals,
    Required,
    Scanner,
    _literals,
    _tree,
    exact_runs,
)

_EXTRA = 3  # sets beyond the best one kept for a trigger
_MAX_SETS = 24  # sets carried up from one sequence
_SELECTIVE = 3
"""An extra set's shortest word has this many letters at least: "in", "de", "by" are in
nearly every sentence (they drop no trigger) and would make the words found in one
sentence differ from the next's, so that the sets met are computed again each time."""


def all_required(pattern: Guarded) -> list[Literals]:
    """Sets of words (lower-cased) each of which every match of ``pattern`` holds one of,
    best first (as ``literals._sequence`` ranks them: longest shortest word, then fewest)."""
    tree = _tree(pattern.regex)
    if tree is None:
        return []
    found = [_literals(s) for s in _rank(_sets(tree))]
    return [r for r in found if r is not None]


def _rank(sets: list[frozenset[str]]) -> list[frozenset[str]]:
    unique = {s for s in sets if s and all(s)}
    return sorted(unique, key=lambda s: (-min(len(w) for w in s), len(s), sorted(s)))


def _sets(items: list) -> list[frozenset[str]]:
    """The needed sets of a sequence of parsed items (``literals._sequence``'s candidates,
    with every set of a group or a repeat, and the unions of an alternation's)."""
    found: list[frozenset[str]] = []
    for joined, op, av in exact_runs(items):
        if joined is not None:
            found.append(joined)
        else:
            found += _item_sets(op, av)
    return _rank(found)[:_MAX_SETS]


def _item_sets(op: object, av: Any) -> list[frozenset[str]]:
    if op is c.SUBPATTERN:
        return _sets(list(av[-1]))
    if op is c.BRANCH:
        return _branch_sets([_sets(list(alt)) for alt in av[1]])
    if op in _REPEATS:
        low, _, body = av
        return _sets(list(body)) if low >= 1 else []
    return []


def _branch_sets(per: list[list[frozenset[str]]]) -> list[frozenset[str]]:
    """Unions of one needed set per alternative: for each set of any alternative, each
    alternative gives its best set sharing a word with it (else its best set)."""
    if not per or any(not sets for sets in per):
        return []
    out = []
    for pivot in {s for sets in per for s in sets}:
        chosen = [next((s for s in sets if not s.isdisjoint(pivot)), sets[0]) for sets in per]
        out.append(frozenset().union(*chosen))
    return _rank(out)[:_MAX_SETS]


class Conjunction:
    """``Scanner.candidates`` for requirements that are each several sets of words: the
    indices of the requirements all of whose sets ``lowered`` may meet."""

    __slots__ = ("_always", "_needs", "_owners", "_scanner", "_seen")

    def __init__(self, requirements: list[list[Literals]]) -> None:
        flat: list[Required] = []
        self._owners: list[int] = []
        for i, sets in enumerate(requirements):
            for literals in sets:
                flat.append(literals)
                self._owners.append(i)
        self._needs = [len(sets) for sets in requirements]
        self._always = frozenset(i for i, sets in enumerate(requirements) if not sets)
        self._scanner = Scanner(flat)
        self._seen: dict[frozenset[int], frozenset[int]] = {}

    def candidates(self, lowered: str) -> frozenset[int]:
        met = self._scanner.candidates(lowered)
        found = self._seen.get(met)
        if found is None:
            counts = [0] * len(self._needs)
            for k in met:
                counts[self._owners[k]] += 1
            found = self._always.union(
                i for i, n in enumerate(counts) if n and n == self._needs[i])
            if len(self._seen) >= _MAX_SEEN:
                self._seen.clear()
            self._seen[met] = found
        return found


_MAX_SEEN = 65536


def trigger_sets(pattern: Guarded) -> list[Literals]:
    """The sets a trigger is checked for: its best one (``pattern.required``) and up to
    ``_EXTRA`` more; none when it has no best one (it is always searched)."""
    if pattern.required is None:
        return []
    extra = [r for r in all_required(pattern) if r.words != pattern.required.words
             and min(len(w) for w in r.words) >= _SELECTIVE]
    return [pattern.required, *extra[:_EXTRA]]
