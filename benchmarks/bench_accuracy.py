"""Accuracy: P/R/F1 on the development articles' two halves and on the sample articles.

    python benchmarks/bench_accuracy.py [--dev ../shared/dev] [--json FILE] [--explain]

The development set (``../shared/dev``: articles, gold.jsonl, sources.csv) is split in two by
the SHA-1 of each file name (``accuracy.dev_half``): the rules are tuned on "tune" and checked
on "check"; a rule that lifts one half and not the other has learned a sentence. Each half is
read as a corpus of its own (as the product reads a folder), scored with the reference
scorer's rules (``conflictmap eval``), and reported by language, by war, by place kind, with a
type confusion table and a calibration table (how often an event of a given confidence is
right). Without the development set, only the sample articles are scored.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
import tempfile
from pathlib import Path

from conflictmap import accuracy
from conflictmap.evaluate import GoldEvent, Score, match, read_gold
from conflictmap.model import Event
from conflictmap.pipeline import collect_events
from conflictmap.runlog import RunLog

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev"
CONFIDENT = 0.8


def extract(folder: Path) -> list[Event]:
    return collect_events([folder], RunLog(), cache=False)[1]


def half_folder(dev: Path, half: str, into: Path) -> Path:
    """A folder of links to one half's articles (read as a corpus of its own)."""
    folder = into / half
    folder.mkdir()
    for path in sorted((dev / "articles").iterdir()):
        if path.is_file() and accuracy.dev_half(path.name) == half:
            (folder / path.name).symlink_to(path.resolve())
    return folder


def sources(dev: Path) -> dict[str, dict[str, str]]:
    path = dev / "sources.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def report(label: str, events: list[Event], gold: list[GoldEvent],
           meta: dict[str, dict[str, str]], explain: bool) -> dict[str, object]:
    score = match(events, gold)
    print(f"== {label}")
    print(accuracy.figures(score, label).line())
    if meta:
        for key in ("language", "war"):
            print(f"-- by {key}")
            for fig in accuracy.by_group(score, lambda f, k=key: meta.get(f, {}).get(k, "?")):
                print("  " + fig.line())
    print("-- by place kind (precision by predicted kind, recall by gold kind)")
    for fig in accuracy.by_place_kind(score):
        print("  " + fig.line())
    print("-- type confusion (place, article and dates matched)")
    for line in accuracy.format_confusion(accuracy.type_confusion(events, gold)):
        print("  " + line)
    print("-- calibration")
    for line in accuracy.format_calibration(accuracy.calibration(score)):
        print("  " + line)
    sure = accuracy.at_least(score, CONFIDENT)
    print(f"  at >= {CONFIDENT}: {sure.right}/{sure.predicted} right ({sure.share:.3f})")
    if explain:
        _explain(score)
    fig = accuracy.figures(score, label)
    return {"f1": round(fig.f1, 3), "precision": round(fig.precision, 3),
            "recall": round(fig.recall, 3), "matched": fig.matched,
            "predicted": fig.predicted, "gold": fig.gold,
            f"right_at_{CONFIDENT}": round(sure.share, 3)}


def _explain(score: Score) -> None:
    for p in score.false_positives:
        e = p.event
        print(f"  FP {p.article}: {e.change.value} {e.place.name} {e.period.start}..{e.period.end}"
              f" conf={e.confidence}")
    for g in score.false_negatives:
        print(f"  FN {g.file}: {g.event_type.value} {g.place} {g.interval.start}..{g.interval.end}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV, help="the development set's folder")
    parser.add_argument("--json", type=Path, help="also write the headline figures here")
    parser.add_argument("--explain", action="store_true", help="list every error")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    out: dict[str, object] = {}
    out["samples"] = report("sample articles", extract(ROOT / "articles"),
                            read_gold(ROOT / "tests" / "data" / "seed_gold.jsonl"), {},
                            args.explain)
    if (args.dev / "articles").is_dir() and (args.dev / "gold.jsonl").exists():
        gold = read_gold(args.dev / "gold.jsonl")
        meta = sources(args.dev)
        with tempfile.TemporaryDirectory() as tmp:
            for half in accuracy.HALVES:
                folder = half_folder(args.dev, half, Path(tmp))
                mine = [g for g in gold if accuracy.dev_half(g.file) == half]
                out[half] = report(f"dev {half} half", extract(folder), mine, meta, args.explain)
    else:
        print(f"(no development set at {args.dev}: only the sample articles were scored)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
