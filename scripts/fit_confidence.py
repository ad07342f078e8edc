"""Fit the confidence model (src/conflictmap/rules/confidence.toml) on our own labelled text.

    python scripts/fit_confidence.py [--dev ../shared/dev] [--l1 2 --l2 30] [--write]

The training text is the development set's tuning half and the project's probe articles
(``tests/data/probe``: other wars, other kinds of article, written for this project). Each
corpus is extracted as the product reads a folder (one report per sentence, uncalibrated,
then consolidated), and scored with the reference scorer's rules: an output pair (an event
and one article that reports it) is right when it matches a gold event. Every report is
labelled with its pair's label and weighted by 1 / the pair's reports, so each pair counts
once, and a logistic model over the language-neutral features of ``conflictmap.confidence``
is fitted by Newton's method with an L2 penalty.

Everything is chosen on held-out articles (5 folds by article, deterministic), by one
criterion fixed in advance: the mean log-loss of the output pairs (a pair's confidence is
the highest of its event's reports', as consolidation keeps it):

* the L2 penalty, from L2_GRID;
* whether a Platt step (a logistic over the logit of the held-out predictions, at the pair
  level) follows the fit: it corrects what the highest-of-several and a fit's
  over-confidence do to held-out pairs, and shrinks toward the base rate when the features
  do not carry over. It is judged by nested cross-validation and, when kept, folded into the
  weights (a * (w . x + b0) + b is again a linear model), so the file keeps its form.

The fit is deterministic: the same rules and articles give the same file. Check the result
on the other half with ``python benchmarks/bench_accuracy.py`` (its calibration table): a
fit that only holds on the text it was fitted on is no calibration.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from conflictmap import accuracy
from conflictmap.articles import read_articles
from conflictmap.confidence import FEATURES, FILE_NAME, article_facts, features
from conflictmap.consolidate import consolidate
from conflictmap.evaluate import GoldEvent, match, read_gold
from conflictmap.events import Extractor
from conflictmap.model import Event
from conflictmap.rules import RULES_DIR

ROOT = Path(__file__).resolve().parents[1]
PROBE = ROOT / "tests" / "data" / "probe"
FIRST_RUNS = ROOT / "tests" / "data" / "confidence" / "first_runs.tsv"
# penalties on the standardised features, tried in every combination
L1_GRID = (0.0, 1.0, 2.0, 4.0, 8.0)
L2_GRID = (0.1, 3.0, 10.0, 30.0)
FOLDS = 5
BUCKETS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


@dataclass
class Data:
    """Reports (rows of ``x``) and the output pairs they make up."""

    x: np.ndarray        # reports x features
    y: np.ndarray        # each report's pair label (1 right)
    weight: np.ndarray   # 1 / the reports of the report's pair
    group: np.ndarray    # each report's article number
    event: np.ndarray    # each report's consolidated event number
    pair_event: np.ndarray  # each pair's event number
    pair_group: np.ndarray  # each pair's article number
    pair_y: np.ndarray      # each pair's label
    corpus: list[str]       # each pair's corpus name


def corpus_data(name: str, paths: list[Path], gold: list[GoldEvent], extractor: Extractor,
                first_group: int, first_event: int) -> tuple[list[list[float]], list[int],
                                                             list[Event], list[Event],
                                                             dict[tuple[int, str], bool]]:
    """One corpus's report rows, their article numbers, the reports, the consolidated events
    and each output pair's label (by event number within the corpus and article)."""
    del name, first_event
    rows: list[list[float]] = []
    groups: list[int] = []
    reports: list[Event] = []
    for number, article in enumerate(read_articles(paths), start=first_group):
        mine = extractor.extract(article)
        facts = article_facts(article, mine)
        for report in mine:
            x = features(report, article, facts)
            rows.append([x[f] for f in FEATURES])
            groups.append(number)
            reports.append(report)
    events = consolidate(reports)
    score = match(events, gold)
    index = {id(e): i for i, e in enumerate(events)}
    labels: dict[tuple[int, str], bool] = {}
    for m in score.matches:
        labels[(index[id(m.pair.event)], m.pair.article)] = True
    for p in score.false_positives:
        labels[(index[id(p.event)], p.article)] = False
    return rows, groups, reports, events, labels


def samples(dev: Path) -> Data:
    extractor = Extractor(calibrated=False)
    dev_gold = [g for g in read_gold(dev / "gold.jsonl") if accuracy.dev_half(g.file) == "tune"]
    corpora = [
        ("tune", [p for p in sorted((dev / "articles").iterdir())
                  if p.is_file() and accuracy.dev_half(p.name) == "tune"], dev_gold),
        ("probe", sorted(PROBE.glob("*.txt")), read_gold(PROBE / "gold.jsonl")),
    ]
    x: list[list[float]] = []
    groups: list[int] = []
    report_keys: list[tuple[int, str]] = []  # each report's pair (event number, article)
    pair_keys: list[tuple[int, str]] = []
    pair_event: list[int] = []
    pair_group: list[int] = []
    pair_y: list[float] = []
    corpus: list[str] = []
    first_group = first_event = 0
    for name, paths, gold in corpora:
        rows, grp, reports, events, labels = corpus_data(name, paths, gold, extractor,
                                                         first_group, first_event)
        # each report's event: the one of its place that holds its sentence
        where: dict[tuple[str, str, int, int], list[int]] = {}
        for i, e in enumerate(events):
            for s in e.sources:
                where.setdefault((e.place.id, s.article, s.start, s.end), []).append(i)
        article_group = {r.sources[0].article: g for r, g in zip(reports, grp, strict=True)}
        for (event, article), right in sorted(labels.items()):
            pair_keys.append((first_event + event, article))
            pair_event.append(first_event + event)
            pair_group.append(article_group[article])
            pair_y.append(float(right))
            corpus.append(name)
        for row, g, r in zip(rows, grp, reports, strict=True):
            s = r.sources[0]
            x.append(row)
            groups.append(g)
            report_keys.append((first_event + event_of(r, events, where), s.article))
        first_group = max(grp, default=first_group - 1) + 1
        first_event += len(events)
    label = dict(zip(pair_keys, pair_y, strict=True))
    count: dict[tuple[int, str], int] = {}
    for key in report_keys:
        count[key] = count.get(key, 0) + 1
    return Data(np.array(x), np.array([label[k] for k in report_keys]),
                np.array([1.0 / count[k] for k in report_keys]), np.array(groups),
                np.array([e for e, _ in report_keys]), np.array(pair_event),
                np.array(pair_group), np.array(pair_y), corpus)


def event_of(report: Event, events: list[Event],
              where: dict[tuple[str, str, int, int], list[int]]) -> int:
    """The number of the consolidated event ``report`` went into: the one holding its
    sentence (of two changes one sentence reports, the one of its type and dates)."""
    s = report.sources[0]
    found = where[(report.place.id, s.article, s.start, s.end)]
    return next((i for i in found if events[i].change is report.change
                 and events[i].period.overlaps(report.period)), found[0])


def fit(x: np.ndarray, y: np.ndarray, l2: float, weight: np.ndarray | None = None,
        l1: float = 0.0) -> np.ndarray:
    """Weights (intercept first, on the features' own scale) of a penalised weighted logistic
    regression: l1 * |w| + l2 / 2 * w^2 on the standardised features (the intercept free),
    by iteratively reweighted least squares with coordinate descent."""
    sw = np.ones(len(y)) if weight is None else weight
    mean = (sw @ x) / sw.sum() if len(x) else np.zeros(x.shape[1])
    scale = np.sqrt((sw @ (x - mean) ** 2) / sw.sum()) if len(x) else np.ones(x.shape[1])
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    w = np.zeros(x.shape[1])
    share = float(np.clip((sw @ y) / sw.sum(), 1e-3, 1 - 1e-3))
    b = float(np.log(share / (1 - share)))
    for _ in range(100):
        eta = b + z @ w
        p = 1.0 / (1.0 + np.exp(-np.clip(eta, -30, 30)))
        v = np.maximum(p * (1 - p), 1e-6)
        h = sw * v
        u = eta + (y - p) / v
        norms = h @ z ** 2 + l2
        old = w.copy()
        for _ in range(200):
            before = w.copy()
            b = float(h @ (u - z @ w) / h.sum())
            resid = u - b - z @ w
            for j in range(len(w)):
                rho = float(h @ (z[:, j] * (resid + z[:, j] * w[j])))
                new = np.sign(rho) * max(abs(rho) - l1, 0.0) / norms[j]
                resid -= z[:, j] * (new - w[j])
                w[j] = new
            if np.abs(w - before).max() < 1e-9:
                break
        if np.abs(w - old).max() < 1e-8:
            break
    raw = w / scale
    return np.concatenate([[b - raw @ mean], raw])


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(w[0] + x @ w[1:], -30, 30)))


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def pair_p(d: Data, report_p: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Each chosen pair's confidence: the highest of its event's reports'."""
    best = np.zeros(int(d.event.max()) + 1)
    np.maximum.at(best, d.event, report_p)
    return best[d.pair_event[pairs]]


Penalty = tuple[float, float]  # (l1, l2)


def held_out(d: Data, reports: np.ndarray, penalty: Penalty, platt: bool) -> np.ndarray:
    """Predictions for every report of ``reports`` by fits that did not see its article
    (``FOLDS`` folds by article number), recalibrated when ``platt``."""
    out = np.zeros(len(d.y))
    for k in range(FOLDS):
        test = reports & (d.group % FOLDS == k)
        train = reports & (d.group % FOLDS != k)
        out[test] = predict(fit_model(d, train, penalty, platt), d.x[test])
    return out


def fit_model(d: Data, train: np.ndarray, penalty: Penalty, platt: bool) -> np.ndarray:
    """Fit on the reports ``train`` and, with ``platt``, recalibrate on their held-out
    predictions (folded into the weights)."""
    l1, l2 = penalty
    w = fit(d.x[train], d.y[train], l2, d.weight[train], l1)
    if not platt:
        return w
    a, b = platt_step(d, train, penalty)
    return np.concatenate([[a * w[0] + b], a * w[1:]])


def platt_step(d: Data, train: np.ndarray, penalty: Penalty) -> tuple[float, float]:
    """Scale and shift of the logit that fit the held-out pairs of ``train``'s articles."""
    inner = held_out(d, train, penalty, platt=False)
    pairs = np.isin(d.pair_group, np.unique(d.group[train]))
    z = logit(pair_p(d, inner, pairs))[:, None]
    ab = fit(z, d.pair_y[pairs], 0.0)
    return float(ab[1]), float(ab[0])


@dataclass
class FirstRuns:
    """The reports of probe batches' first runs (``scripts/first_runs.py``)."""

    x: np.ndarray        # reports x features
    pair: np.ndarray     # each report's pair number
    pair_y: np.ndarray   # each pair's label
    pair_batch: list[str]


def read_first_runs(path: Path) -> FirstRuns:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    if tuple(header[5:]) != FEATURES:
        raise SystemExit(f"{path}: its feature columns are not conflictmap.confidence.FEATURES; "
                         "record the first runs again with scripts/first_runs.py")
    pairs: dict[str, int] = {}
    x, pair, pair_y, pair_batch = [], [], [], []
    for line in lines[1:]:
        cells = line.split("\t")
        key = f"{cells[1]}:{cells[3]}"
        if key not in pairs:
            pairs[key] = len(pairs)
            pair_y.append(float(cells[4]))
            pair_batch.append(cells[0])
        pair.append(pairs[key])
        x.append([float(v) for v in cells[5:]])
    return FirstRuns(np.array(x), np.array(pair), np.array(pair_y), pair_batch)


def first_run_logits(w: np.ndarray, fr: FirstRuns) -> np.ndarray:
    """Each first-run pair's logit under ``w``: the highest of its reports'."""
    best = np.full(len(fr.pair_y), -np.inf)
    np.maximum.at(best, fr.pair, w[0] + fr.x @ w[1:])
    return best


def transfer_step(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Scale and shift of the logit that fit the first-run pairs ``z`` (labels ``y``)."""
    ab = fit(z[:, None], y, 0.0)
    return float(ab[1]), float(ab[0])


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def calibration_table(p: np.ndarray, y: np.ndarray) -> list[str]:
    p = np.round(p, 2)
    lines = ["confidence     predicted   right   share"]
    for low, high in itertools.pairwise(BUCKETS):
        inside = (p >= low) & (p < high)
        n, r = int(inside.sum()), int(y[inside].sum())
        lines.append(f"[{low:.1f}, {min(high, 1.0):.1f}{']' if high > 1 else ')'}   "
                     f"{n:>9} {r:>7}   {r / n if n else 0.0:.3f}")
    sure = p >= 0.8
    lines.append(f"at >= 0.8: {int(y[sure].sum())}/{int(sure.sum())} right; "
                 f"right below 0.8: {int(y[~sure].sum())}")
    return lines


def feature_table(d: Data) -> list[str]:
    """How often a report's pair is right with each feature on and off (each pair counted
    once, by its reports' weights): what separates right from wrong before any fit. A
    feature with values other than 0 and 1 is "on" above its weighted median (at it, when
    that is its top value)."""
    lines = [f"{'feature':<13} {'on: pairs':>9} {'right':>6}   {'off: pairs':>10} {'right':>6}"]
    for j, name in enumerate(FEATURES):
        column = d.x[:, j]
        binary = np.isin(column, (0.0, 1.0)).all()
        if binary:
            on = column > 0.5
        else:
            order = np.argsort(column, kind="stable")
            half = np.searchsorted(np.cumsum(d.weight[order]), d.weight.sum() / 2)
            median = column[order[min(half, len(order) - 1)]]
            on = column > median
            if not on.any():  # most reports at the top value: the top value is "on"
                on = column >= median
        cells = []
        for part in (on, ~on):
            n = float(d.weight[part].sum())
            share = float(d.weight[part] @ d.y[part]) / n if n else 0.0
            cells.append(f"{n:>9.0f} {share:>6.3f}")
        lines.append(f"{name:<13} {cells[0]}   {cells[1]:>17}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "dev")
    parser.add_argument("--l2", type=float, default=None,
                        help="the L2 penalty (default: the pair of L1_GRID x L2_GRID with "
                             "the least held-out pair log-loss)")
    parser.add_argument("--l1", type=float, default=0.0, help="the L1 penalty with --l2")
    parser.add_argument("--write", action="store_true", help=f"write rules/{FILE_NAME}")
    parser.add_argument("--no-first-runs", action="store_true",
                        help="do not rescale on the probe batches' first runs")
    parser.add_argument("--features", action="store_true",
                        help="also print each feature's share of right pairs, on and off")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    if not (args.dev / "gold.jsonl").exists():
        print(f"no development set at {args.dev}", file=sys.stderr)
        return 1
    d = samples(args.dev)
    every = np.ones(len(d.y), dtype=bool)
    pairs = np.ones(len(d.pair_y), dtype=bool)
    print(f"{len(d.y)} reports, {len(d.pair_y)} output pairs ({int(d.pair_y.sum())} right) "
          f"in {len(np.unique(d.group))} articles")
    if args.features:
        for line in feature_table(d):
            print("  " + line)
    def loss(penalty: Penalty, platt: bool) -> float:
        return log_loss(pair_p(d, held_out(d, every, penalty, platt), pairs), d.pair_y)

    grid = [(args.l1, args.l2)] if args.l2 is not None else [
        (l1, l2) for l1 in L1_GRID for l2 in L2_GRID]
    scores = {penalty: loss(penalty, False) for penalty in grid}
    for (l1, l2), value in scores.items():
        print(f"  L1 {l1:>4} L2 {l2:>5}: held-out pair log-loss {value:.4f}")
    penalty = min(scores, key=scores.__getitem__)
    recalibrated = loss(penalty, True)
    print(f"  L1 {penalty[0]:>4} L2 {penalty[1]:>5} + Platt: held-out pair log-loss "
          f"{recalibrated:.4f}")
    flat = log_loss(np.full(len(d.pair_y), d.pair_y.mean()), d.pair_y)
    print(f"  (the base rate for every pair, in-sample: log-loss {flat:.4f})")
    platt = recalibrated < scores[penalty]
    chosen = held_out(d, every, penalty, platt)
    print(f"chosen: L1 {penalty[0]} L2 {penalty[1]}, Platt {'yes' if platt else 'no'}; "
          f"held-out pairs by corpus:")
    for name in sorted(set(d.corpus)):
        mine = np.array([c == name for c in d.corpus])
        print(f"-- {name}")
        for line in calibration_table(pair_p(d, chosen, mine), d.pair_y[mine]):
            print("  " + line)
    w = fit_model(d, every, penalty, platt)
    transfer = ""
    if not args.no_first_runs and FIRST_RUNS.exists():
        fr = read_first_runs(FIRST_RUNS)
        z = first_run_logits(w, fr)
        print(f"-- first runs of {len(set(fr.pair_batch))} probe batches "
              f"({len(fr.pair_y)} pairs, {int(fr.pair_y.sum())} right), as fitted:")
        for line in calibration_table(1 / (1 + np.exp(-z)), fr.pair_y):
            print("  " + line)
        batches = np.array(fr.pair_batch)
        held = np.zeros(len(z))
        for batch in sorted(set(fr.pair_batch)):
            a, b = transfer_step(z[batches != batch], fr.pair_y[batches != batch])
            held[batches == batch] = a * z[batches == batch] + b
        print("-- first runs, rescaled on the other batches (each batch held out):")
        for line in calibration_table(1 / (1 + np.exp(-held)), fr.pair_y):
            print("  " + line)
        a, b = transfer_step(z, fr.pair_y)
        w = np.concatenate([[a * w[0] + b], a * w[1:]])
        transfer = (f"; then its logit rescaled ({a:.3f} x {b:+.3f}) on the first runs of "
                    f"{len(set(fr.pair_batch))} probe batches ({len(fr.pair_y)} pairs, "
                    f"{int(fr.pair_y.sum())} right, tests/data/confidence/first_runs.tsv)")
        print(f"rescaled on the first runs: {a:.3f} x {b:+.3f}")
    p = pair_p(d, predict(w, d.x), pairs)
    print(f"fitted: mean pair confidence {p.mean():.3f}, share right {d.pair_y.mean():.3f}")
    for name, weight in zip(("intercept", *FEATURES), w, strict=True):
        print(f"  {name:<12} {weight:+.3f}")
    if args.write:
        lines = [
            *textwrap.wrap(
                "The confidence model (conflictmap/confidence.py): P(right) = logistic(intercept"
                " + sum of weight * feature). Written by scripts/fit_confidence.py --write:"
                " fitted on the development articles' tune half and tests/data/probe"
                f" ({len(d.pair_y)} output pairs, {int(d.pair_y.sum())} right; L1 {penalty[0]},"
                f" L2 {penalty[1]}, Platt step {'folded in' if platt else 'not kept'}, both"
                f" chosen on held-out articles){transfer}; checked on the other half"
                " (benchmarks/bench_accuracy.py); refit when rules change.",
                width=92, initial_indent="# ", subsequent_indent="# "),
            f"intercept = {w[0]:.4f}",
            "",
            "[weights]",
            *(f"{name} = {weight + 0.0:.4f}" for name, weight in zip(FEATURES, w[1:], strict=True)),
        ]
        (RULES_DIR / FILE_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {RULES_DIR / FILE_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
