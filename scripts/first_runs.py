"""Record how the extractor did on text its rules had never seen: the confidence features and
the right/wrong label of every report it made on a probe batch's first run.

    PYTHONPATH=/path/to/old/checkout/src python scripts/first_runs.py \\
        --commit a334940 --batch a9 --batch d9 ... >> tests/data/confidence/first_runs.tsv

Each probe batch (``tests/data/probe/PREFIX*.txt``) was written blind, with its gold, before
the extractor ran on it; the rules were then mended on it, so the current extractor fits it
(its probe precision is far above what the same rules reach on new reporting). Run with the
sources of the commit the batch was first run on, this script records that first run: one
line per report, its output pair and whether the pair matched gold (the reference scorer's
rules), and its features as ``conflictmap.confidence`` computes them. The features are the
same at every commit the file records (the header names them; ``fit_confidence`` refuses a
file whose header differs from ``FEATURES``).

``scripts/fit_confidence.py`` fits the model on the tune half and the probe as they are read
now, then rescales its logit on these first runs: the probe's articles teach which reports
are surer than others, the first runs how sure any report is on text the rules were not
written for.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_confidence import PROBE, corpus_data, event_of

from conflictmap.confidence import FEATURES
from conflictmap.evaluate import read_gold
from conflictmap.events import Extractor

HEADER = ("batch", "commit", "article", "pair", "right", *FEATURES)


def batch_rows(batch: str, commit: str, extractor: Extractor,
               probe: Path = PROBE) -> list[list[str]]:
    """One row per report of the batch's articles, as the given sources read them."""
    paths = sorted(probe.glob(f"{batch}[0-9]*.txt"))
    if not paths:
        raise SystemExit(f"no probe articles {probe}/{batch}NN.txt")
    names = {p.name for p in paths}
    gold = [g for g in read_gold(probe / "gold.jsonl") if g.file in names]
    rows, _, reports, events, labels = corpus_data(batch, paths, gold, extractor, 0, 0)
    where: dict[tuple[str, str, int, int], list[int]] = {}
    for i, e in enumerate(events):
        for s in e.sources:
            where.setdefault((e.place.id, s.article, s.start, s.end), []).append(i)
    out = []
    for row, report in zip(rows, reports, strict=True):
        article = report.sources[0].article
        event = event_of(report, events, where)
        right = labels.get((event, article), False)
        out.append([batch, commit, article, f"{batch}:{event}:{article}", str(int(right)),
                    *(f"{v:.4f}" for v in row)])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", required=True,
                        help="the commit whose sources are on PYTHONPATH (recorded per row)")
    parser.add_argument("--batch", action="append", required=True,
                        help="a probe batch's prefix (a9, d9, ...); repeat for several")
    parser.add_argument("--probe", type=Path, default=PROBE,
                        help="the batches' folder, with their gold.jsonl (default: %(default)s)")
    parser.add_argument("--header", action="store_true", help="print the header line first")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    extractor = Extractor(calibrated=False)
    if args.header:
        print("\t".join(HEADER))
    for batch in args.batch:
        for row in batch_rows(batch, args.commit, extractor, args.probe):
            print("\t".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
