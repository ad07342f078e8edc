"""Where extraction time goes, without a profiler: the CPU time of a few cost centres.

    python benchmarks/bench_breakdown.py [--articles 1000] [--seed 1]

cProfile charges every Python call a fixed cost, so a function called often, and what it
calls, look dearer than they are (``Guarded.search``, 80 thousand calls per 1000
articles: about 0.3 s under the profiler, about 0.1 s without, nearly all of it the
regex engine's; its own Python layer is some 50 ns a call). This wraps only the named
functions, each with one timer (which adds its own cost, a fraction of a microsecond a
call), on the articles of ``bench_extract.py`` after the same warm-up, and prints their
total times and calls next to the whole extraction's. Nested centres count in each of
them (``find_places`` holds ``_spans``); ``finditer`` counts the search only when the
matches are found at once (the compiled guard's), not an iterator's later steps.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import random
import time
from collections.abc import Callable
from typing import Any

from bench_extract import make_article

from conflictmap.events import Extractor

CENTRES = [
    ("conflictmap.toponyms", None, "find_places"),
    ("conflictmap.toponyms", None, "_spans"),
    ("conflictmap.triggers", None, "_breaks"),
    ("conflictmap.triggers", None, "_blocked"),
    ("conflictmap.rules.branches", "Branches", "pick"),
    ("conflictmap.rules.branches", "Branches", "_alternation"),
    ("conflictmap.rules.literals", "Guarded", "search"),
    ("conflictmap.rules.literals", "Guarded", "finditer"),
    ("conflictmap.rules.literals", "Scanner", "candidates"),
]


def _wrap(owner: Any, name: str, label: str, totals: dict[str, list[float]]) -> None:
    original: Callable[..., Any] = getattr(owner, name)
    entry = totals.setdefault(label, [0.0, 0.0])
    clock = time.process_time

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return original(*args, **kwargs)
        finally:
            entry[0] += clock() - start
            entry[1] += 1

    setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    articles = [make_article(n, rng) for n in range(args.articles)]
    extractor = Extractor()
    for lang in ("en", "nl"):  # as bench_extract.py: rules and caches loaded, not timed
        for article in [a for a in articles if a.lang == lang][:20]:
            extractor.extract(article)
    totals: dict[str, list[float]] = {}
    for module, cls, name in CENTRES:
        mod = importlib.import_module(module)
        owner = getattr(mod, cls) if cls else mod
        # a module-level function is wrapped where it is defined: callers that imported
        # it by name elsewhere are not counted (they call the original)
        _wrap(owner, name, f"{module.rsplit('.', 1)[-1]}.{cls + '.' if cls else ''}{name}",
              totals)
    start = time.process_time()
    for article in articles:
        extractor.extract(article)
    whole = time.process_time() - start
    print(f"{len(articles)} articles: {whole:.3f} s in all (with the timers' own cost)")
    for label, (spent, calls) in sorted(totals.items(), key=lambda t: -t[1][0]):
        print(f"{label:40s} {spent * 1000:8.1f} ms {int(calls):8d} calls "
              f"{spent / whole:6.1%}")


if __name__ == "__main__":
    main()
