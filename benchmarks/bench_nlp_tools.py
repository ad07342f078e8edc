"""Do the field's tools pay for themselves here? pysbd's sentences and simplemma's Dutch lemmas.

    pip install -e '.[measure-tools]'
    python benchmarks/bench_nlp_tools.py [--dev ../shared/dev]

1. **pysbd as the sentence splitter.** Every article is split line by line by pysbd (a line
   break ends a sentence in both splitters; page furniture is cut as before) instead of
   ``conflictmap.text.sentence_spans``, with pysbd's English and then its Dutch segmenter,
   and the dev halves and the sample articles are scored; then the time each splitter takes
   per article.
2. **simplemma's Dutch lemmas as triggers.** For every missed gold event of a Dutch article
   (dev tune half, and the probe batches that are not held out),
   the sentences naming its place: how many the rules' keywords already reach, how many hold
   a control verb's lemma ("veroveren", "in_nemen", "terug_trekken"...), and how many a
   lemma reaches that the keywords do not. A lemma can only add recall there.
"""

from __future__ import annotations

import argparse
import functools
import logging
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from conflictmap import accuracy, events, text, triggers
from conflictmap.evaluate import GoldEvent, match, read_gold
from conflictmap.model import Event
from conflictmap.pipeline import collect_events
from conflictmap.rules import RULES_DIR, load_file
from conflictmap.runlog import RunLog
from conflictmap.sources.language import detect_language

try:
    import pysbd
    import simplemma
except ImportError:  # pragma: no cover - a measuring script's optional tools
    sys.exit("bench_nlp_tools: needs pysbd and simplemma: pip install -e '.[measure-tools]'")

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev"
PROBE = ROOT / "tests" / "data" / "probe"
# Probe batches kept blind (scored, never analysed) while they are held out: their misses
# are not looked at. None at the moment: held-out batches join the folder when retired.
BLIND: tuple[str, ...] = ()
# The lemmas of Dutch verbs and nouns of a change of control, as simplemma writes them.
CONTROL_LEMMAS = frozenset((
    "veroveren", "heroveren", "terugveroveren", "in_nemen", "innemen", "terug_nemen",
    "terugnemen", "over_nemen", "overnemen", "bevrijden", "vallen", "binnen_vallen",
    "binnenvallen", "terug_trekken", "terugtrekken", "weg_trekken", "wegtrekken", "ontruimen",
    "verlaten", "omsingelen", "belegeren", "bezetten", "binnentrekken", "binnen_trekken",
    "binnendringen", "binnen_dringen", "oprukken", "op_rukken", "verovering", "herovering",
    "inname", "val", "terugtrekking", "bevrijding", "overname", "controle", "handen",
))
Splitter = Callable[..., list[tuple[int, int]]]


def pysbd_splitter(language: str) -> Splitter:
    """``sentence_spans`` with pysbd's sentences inside each line."""
    segmenter = pysbd.Segmenter(language=language, clean=False, char_span=True)

    @functools.lru_cache(maxsize=100_000)
    def line_spans(line: str) -> tuple[tuple[int, int], ...]:
        return tuple((s.start, s.end) for s in segmenter.segment(line))

    def spans(body: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        end = len(body) if end is None else end
        out: list[tuple[int, int]] = []
        position = start
        while position <= end:
            newline = body.find("\n", position, end)
            line_end = end if newline < 0 else newline
            line = body[position:line_end]
            if line.strip():
                for a, b in line_spans(line):
                    a, b = position + a, position + b
                    while a < b and body[a].isspace():
                        a += 1
                    while b > a and body[b - 1].isspace():
                        b -= 1
                    if b > a:
                        out.append((a, b))
            if newline < 0:
                break
            position = newline + 1
        if any(body.find(mark, start, end) >= 0 for mark in text._FURNITURE_MARKS):
            return text.page_furniture(body, out)
        return out

    return spans


@contextmanager
def splitting_with(splitter: Splitter) -> Iterator[None]:
    """The modules that split sentences use ``splitter`` for the time of the block."""
    modules = (text, events, triggers)
    saved = [m.sentence_spans for m in modules]
    for module in modules:
        module.sentence_spans = splitter  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module, old in zip(modules, saved, strict=True):
            module.sentence_spans = old  # type: ignore[attr-defined]


def extract(folder: Path) -> list[Event]:
    return collect_events([folder], RunLog(), cache=False)[1]


def dev_sets(dev: Path, into: Path) -> dict[str, tuple[Path, list[GoldEvent]]]:
    sets = {"samples": (ROOT / "articles", read_gold(ROOT / "tests" / "data" / "seed_gold.jsonl"))}
    if not (dev / "gold.jsonl").exists():
        print(f"(no development set at {dev}: only the sample articles are scored)")
        return sets
    gold = read_gold(dev / "gold.jsonl")
    for half in accuracy.HALVES:
        folder = into / half
        folder.mkdir()
        for path in sorted((dev / "articles").iterdir()):
            if accuracy.dev_half(path.name) == half:
                (folder / path.name).symlink_to(path.resolve())
        sets[half] = (folder, [g for g in gold if accuracy.dev_half(g.file) == half])
    return sets


def measure_splitters(dev: Path) -> None:
    print("== 1. pysbd as the sentence splitter (F1 P R, matched/gold)")
    with tempfile.TemporaryDirectory() as tmp:
        sets = dev_sets(dev, Path(tmp))
        splitters: dict[str, Splitter | None] = {
            "conflictmap": None, "pysbd en": pysbd_splitter("en"), "pysbd nl": pysbd_splitter("nl")}
        for name, splitter in splitters.items():
            cells = []
            for label, (folder, gold) in sets.items():
                if splitter is None:
                    found = extract(folder)
                else:
                    with splitting_with(splitter):
                        found = extract(folder)
                score = match(found, gold)
                cells.append(f"{label} {score.f1:.3f} {score.precision:.3f} {score.recall:.3f}"
                             f" {len(score.matches)}/{score.n_gold}")
            print(f"  {name:12} " + " | ".join(cells))
    bodies = [p.read_text(encoding="utf-8") for p in sorted((dev / "articles").glob("*.txt"))]
    bodies = bodies or [p.read_text(encoding="utf-8") for p in sorted(PROBE.glob("*.txt"))]
    timed = (("conflictmap", text.sentence_spans), ("pysbd en", pysbd_splitter("en")))
    for name, splitter in timed:
        began = time.perf_counter()
        for body in bodies:
            splitter(body, 0, len(body))
        spent = (time.perf_counter() - began) / len(bodies) * 1000
        print(f"  split time {name:12} {spent:.2f} ms per article ({len(bodies)} articles)")


def missed_dutch_sentences(folder: Path, gold: list[GoldEvent]) -> Iterator[str]:
    """The sentences naming the place of each missed gold event of a Dutch article."""
    for missed in match(extract(folder), gold).false_negatives:
        if missed.file.startswith(BLIND):
            continue
        body = (folder / missed.file).read_text(encoding="utf-8")
        if detect_language(body) != "nl":
            continue
        names = {n.split()[-1] for n in (missed.place, missed.place_as_written) if n}
        for a, b in text.sentence_spans(body):
            if any(name in body[a:b] for name in names):
                yield body[a:b]


def measure_lemmas(dev: Path) -> None:
    print("== 2. simplemma's Dutch lemmas as triggers (sentences of missed Dutch events)")
    rules = load_file(RULES_DIR / "nl.toml")
    total = keywords = lemmas = lemma_only = 0
    only: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        sets = dev_sets(dev, Path(tmp))
        sources = [sets["tune"]] if "tune" in sets else []
        sources.append((PROBE, [g for g in read_gold(PROBE / "gold.jsonl")
                                if not g.file.startswith(BLIND)]))
        for folder, gold in sources:
            for sentence in missed_dutch_sentences(folder, gold):
                total += 1
                fired = bool(rules.hot_words.starts(sentence.lower()))
                lemma = any(simplemma.lemmatize(word, lang="nl") in CONTROL_LEMMAS
                            for word in re.findall(r"\w+", sentence.lower()))
                keywords += fired
                lemmas += lemma
                if lemma and not fired:
                    lemma_only += 1
                    only.append(sentence)
    print(f"  {total} sentences: the rules' keywords reach {keywords}, a control lemma {lemmas},"
          f" a lemma and no keyword {lemma_only}")
    for sentence in only:
        print(f"    lemma only: {sentence[:150]}")
    sample = ("namen", "ingenomen", "trokken", "teruggetrokken", "viel", "vallen")
    print("  lemmas of separable and ambiguous forms: "
          + ", ".join(f"{w} -> {simplemma.lemmatize(w, lang='nl')}" for w in sample))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV, help="the development set's folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    measure_splitters(args.dev)
    measure_lemmas(args.dev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
