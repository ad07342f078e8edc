"""The cyclic garbage collector around bulk phases.

Decoding a cache's reports, consolidating them and parsing a store allocate millions of
small acyclic objects (events, sources, lists, strings). Each allocation counts towards
the collector's next pass, and each pass walks the objects allocated so far, so leaving it
on costs more than the work itself (2.6x when parsing 100,000 events). The phases wrapped
in :func:`paused` make no reference cycles, so nothing is kept that a collection would
have freed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_ONE_COMMAND = False


def one_command() -> None:
    """This process runs one command and ends (the ``conflictmap`` command): what a
    :func:`paused` block allocated is kept out of the collector's reach after it (gc.freeze)
    instead of being walked by the next collection, only to be found live. Not for a
    library call: a long-lived process would never collect cycles frozen with it."""
    global _ONE_COMMAND
    _ONE_COMMAND = True


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic GC for the block (re-entrant: an inner block leaves it paused)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if _ONE_COMMAND:
                gc.freeze()
            gc.enable()


def skip_exit_collection() -> None:
    """Move every live object out of the collector's reach before the process ends: the
    interpreter's final collection would otherwise walk them all (0.2 s for the reports
    of a 100,000-article run) only to find nothing to free."""
    gc.freeze()
