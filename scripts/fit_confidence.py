"""Fit the confidence model (src/conflictmap/rules/confidence.toml) on the development set.

    python scripts/fit_confidence.py [--dev ../shared/dev] [--half tune] [--l2 1.0] [--write]

Every report the extractor makes on the tuning half's articles is labelled right when it
matches a gold event (the reference scorer's rules, report by report), and a logistic
model over the language-neutral features of ``conflictmap.confidence`` is fitted to those
labels by Newton's method with an L2 penalty, chosen by 5-fold cross-validation over the
half's articles. It prints the fit and, with ``--write``,
writes the weights. Check the result on the other half with
``python benchmarks/bench_accuracy.py`` (its calibration table): the weights are data like
any rule, and a fit that only holds on the half it was fitted on is no calibration.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

import numpy as np

from conflictmap import accuracy
from conflictmap.articles import read_articles
from conflictmap.confidence import FEATURES, FILE_NAME, features, main_country
from conflictmap.evaluate import match, read_gold
from conflictmap.events import Extractor
from conflictmap.rules import RULES_DIR

ROOT = Path(__file__).resolve().parents[1]
L2_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)


def samples(dev: Path, half: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gold = [g for g in read_gold(dev / "gold.jsonl") if accuracy.dev_half(g.file) == half]
    extractor = Extractor(calibrated=False)
    paths = [p for p in sorted((dev / "articles").iterdir()) if accuracy.dev_half(p.name) == half]
    rows, labels, groups = [], [], []
    for number, article in enumerate(read_articles(paths)):
        reports = extractor.extract(article)
        mine = [g for g in gold if Path(g.file).name == Path(article.id).name]
        right = {id(m.pair.event) for m in match(reports, mine).matches}
        counts: dict[str, int] = {}
        for report in reports:
            counts[report.place.id] = counts.get(report.place.id, 0) + 1
        country = main_country(reports)
        for report in reports:
            x = features(report, article, counts[report.place.id], country)
            rows.append([x[name] for name in FEATURES])
            labels.append(1.0 if id(report) in right else 0.0)
            groups.append(number)
    return np.array(rows), np.array(labels), np.array(groups)


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Weights (intercept first) of an L2-penalised logistic regression, by Newton's method."""
    design = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0  # the intercept is not penalised
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-design @ w))
        gradient = design.T @ (p - y) + penalty * w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + np.diag(penalty) + 1e-9
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def cross_validated(x: np.ndarray, y: np.ndarray, groups: np.ndarray, l2: float,
                    folds: int = 5) -> float:
    """Mean log-loss of the fit on held-out articles (``folds`` folds by article number)."""
    losses = []
    for k in range(folds):
        held = groups % folds == k
        w = fit(x[~held], y[~held], l2)
        p = 1.0 / (1.0 + np.exp(-(w[0] + x[held] @ w[1:])))
        p = np.clip(p, 1e-6, 1 - 1e-6)
        losses.append(-np.mean(y[held] * np.log(p) + (1 - y[held]) * np.log(1 - p)))
    return float(np.mean(losses))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "dev")
    parser.add_argument("--half", default="tune", choices=accuracy.HALVES)
    parser.add_argument("--l2", type=float, default=None,
                        help="the L2 penalty (default: the one of L2_GRID with the least "
                             "log-loss on held-out articles, 5-fold)")
    parser.add_argument("--write", action="store_true", help=f"write rules/{FILE_NAME}")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    if not (args.dev / "gold.jsonl").exists():
        print(f"no development set at {args.dev}", file=sys.stderr)
        return 1
    x, y, groups = samples(args.dev, args.half)
    if args.l2 is None:
        scores = {l2: cross_validated(x, y, groups, l2) for l2 in L2_GRID}
        for l2, loss in scores.items():
            print(f"  L2 {l2:>5}: held-out log-loss {loss:.4f}")
        args.l2 = min(scores, key=scores.__getitem__)
    w = fit(x, y, args.l2)
    p = 1.0 / (1.0 + np.exp(-(w[0] + x @ w[1:])))
    print(f"{len(y)} reports, {int(y.sum())} right; mean predicted {p.mean():.3f}")
    for name, weight in zip(("intercept", *FEATURES), w, strict=True):
        print(f"  {name:<12} {weight:+.3f}")
    if args.write:
        lines = [
            "# The confidence model (conflictmap/confidence.py): P(right) = logistic(intercept +",
            "# sum of weight * feature). Fitted by scripts/fit_confidence.py on the development",
            f"# articles' {args.half} half ({len(y)} reports, {int(y.sum())} right, L2 {args.l2},"
            f" {date.today().isoformat()});",
            "# checked on the other half (benchmarks/bench_accuracy.py); refit when rules change.",
            f"intercept = {w[0]:.4f}",
            "",
            "[weights]",
            *(f"{name} = {weight:.4f}" for name, weight in zip(FEATURES, w[1:], strict=True)),
        ]
        (RULES_DIR / FILE_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {RULES_DIR / FILE_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
