"""Write a synthetic news corpus (Dutch and English, several wars) with its expected events.

Usage: python benchmarks/corpus.py --size 10000 --out /tmp/conflictmap-bench/c10000.jsonl
       python benchmarks/corpus.py --size 1000 --format txt --out /tmp/conflictmap-bench/c1000

Prints the number of articles, expected events, bytes and seconds. The templates and the
generator live in ``conflictmap.synthetic`` so tests can import them. Never commit a corpus.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from conflictmap.synthetic import write_folder, write_jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--format", choices=("jsonl", "txt"), default="jsonl")
    parser.add_argument("--out", type=Path, required=True,
                        help="a .jsonl file, or a folder for --format txt")
    args = parser.parse_args()
    expected = args.out.with_name(args.out.name.removesuffix(".jsonl") + ".expected.jsonl")
    started = time.perf_counter()
    writer = write_jsonl if args.format == "jsonl" else write_folder
    events = writer(args.out, args.size, seed=args.seed, expected=expected)
    seconds = time.perf_counter() - started
    size = (args.out.stat().st_size if args.out.is_file()
            else sum(p.stat().st_size for p in args.out.rglob("*.txt")))
    print(f"wrote {args.size:,} articles ({size / 1e6:.1f} MB, {size // args.size} bytes each) "
          f"with {events:,} expected events to {args.out} in {seconds:.1f} s")
    print(f"expected events: {expected}")


if __name__ == "__main__":
    main()
