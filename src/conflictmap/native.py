"""The compiled text scans (``_speedups.c``), when they were built.

``speedups`` is the extension module, or None: without a C compiler at install time, or with
``CONFLICTMAP_PURE_PYTHON=1`` in the environment, every scan runs its pure-Python twin, which
is the specification the compiled one must equal (``tests/test_speedups.py``). Nothing but
speed depends on which one runs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

PURE_ENV = "CONFLICTMAP_PURE_PYTHON"


def _load() -> ModuleType | None:
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        log.debug("%s is set: the pure-Python text scans run", PURE_ENV)
        return None
    try:
        from conflictmap import _speedups
    except ImportError as exc:  # not built: no compiler at install time
        log.debug("compiled text scans not available (%s): the pure-Python ones run", exc)
        return None
    return _speedups


speedups: ModuleType | None = _load()


def trie(words: Iterable[str], spaces: bool) -> Any | None:
    """A compiled ``Trie`` of ``words`` as ``rules.literals.trie_pattern`` reads them (with
    ``spaces``, a " " matches a run of whitespace), or None where the compiled scans are not
    built or cannot read these words the regex's way: an empty word (the regex would match
    everywhere), or, with ``spaces``, two spaces in a row or another whitespace character
    (where the regex's backtracking could pick another path than the trie's one walk)."""
    if speedups is None:
        return None
    words = list(words)
    for word in words:
        lowered = word.lower()
        if not lowered:
            return None
        if spaces and ("  " in lowered or any(ch.isspace() and ch != " " for ch in lowered)):
            return None
    return speedups.Trie(words, spaces=spaces)


def guard(words: Iterable[str], fold: list[tuple[int, int]]) -> Any | None:
    """A compiled ``Trie`` of ``words`` (literal spaces) whose ``any(text, pos, endpos)``
    compares characters as re.IGNORECASE does, ``fold`` naming the characters it takes for
    another (``rules.literals.Guarded``); None without the compiled scans or for an empty
    word (it is in every text)."""
    if speedups is None:
        return None
    words = list(words)
    if not all(words) or any(char < 128 for char, _ in fold):
        return None  # an ASCII character folded to another one: not how the Trie reads them
    return speedups.Trie(words, fold=fold)
