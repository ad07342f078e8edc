"""Extraction time per KB of one article, from 1 KB to 5 MB: flat when extraction is linear
in the article's length.

    python benchmarks/bench_long_article.py [--max-kb 5120] [--shape list|events|both]

Two shapes of long article: ``list``, a list of place names with one capture sentence in
the middle (a casualty list, an index page); ``events``, a capture or fighting sentence
about a town followed by five more place names, on every line. Times are CPU time of this
process (time.process_time); loading the gazetteer and rules is not timed. The
per-article time limit (engines.ARTICLE_SECONDS) is not in force here.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_extract import ACTORS, EVENTS, PLACES, WHEN

from conflictmap.events import Extractor
from conflictmap.model import Article, Interval

SIZES_KB = (1, 4, 16, 64, 256, 1024, 2048, 5120)


def long_article(kb: int, shape: str, lang: str = "en", seed: int = 1) -> Article:
    """An article of about ``kb`` KB of the given shape (see the module's docstring)."""
    rng = random.Random(seed)
    names = [n for towns in PLACES.values() for n in towns]
    parts: list[str] = []
    size = 0
    while size < kb * 1024:
        if shape == "list":
            line = ", ".join(rng.choice(names) for _ in range(20)) + ".\n"
        else:
            country = rng.choice(list(PLACES))
            line = (rng.choice(EVENTS[lang]).format(
                actor=rng.choice(ACTORS[lang]), place=rng.choice(PLACES[country]),
                when=rng.choice(WHEN[lang])) + " "
                + ", ".join(rng.choice(PLACES[country]) for _ in range(5)) + ".\n")
        parts.append(line)
        size += len(line)
    if shape == "list":
        parts.insert(len(parts) // 2, "Russian forces captured Avdiivka on Thursday.\n")
    day = date(2024, 2, 20)
    return Article(id=f"{shape}-{kb}kb", text="".join(parts), published=day.isoformat(),
                   period=Interval(day, day, 1), lang=lang, title="long")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-kb", type=int, default=5120)
    parser.add_argument("--shape", choices=("list", "events", "both"), default="both")
    args = parser.parse_args()
    extractor = Extractor()
    for shape in ("list", "events"):  # loads the gazetteer and rules
        extractor.extract(long_article(2, shape, seed=2))
    shapes = ("list", "events") if args.shape == "both" else (args.shape,)
    for shape in shapes:
        for kb in (k for k in SIZES_KB if k <= args.max_kb):
            article = long_article(kb, shape)
            started = time.process_time()
            events = extractor.extract(article)
            seconds = time.process_time() - started
            size = len(article.text.encode("utf-8")) / 1024
            print(f"{shape:6} {size:8.0f} KB {seconds:8.2f} s {1000 * seconds / size:6.2f} ms/KB "
                  f"{len(events):6d} reports", flush=True)


if __name__ == "__main__":
    main()
