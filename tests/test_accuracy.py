"""Accuracy reports (accuracy.py) and the floor the development figures may not fall below."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conflictmap import accuracy
from conflictmap.evaluate import GoldEvent, match, read_gold
from conflictmap.model import Change, Event, Interval, Place, PlaceKind, Source, Status
from conflictmap.pipeline import collect_events
from conflictmap.runlog import RunLog

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev"
FLOOR = json.loads((ROOT / "tests" / "data" / "accuracy_floor.json").read_text(encoding="utf-8"))

KHERSON = Place("geonames:706448", "Kherson", PlaceKind.TOWN, 46.64, 32.61, "UA")
IZIUM = Place("geonames:707292", "Izium", PlaceKind.TOWN, 49.21, 37.25, "UA")
NOV = Interval(date(2022, 11, 9), date(2022, 11, 11), 2)


def _gold(line: int, file: str, place: Place, change: Change) -> GoldEvent:
    return GoldEvent(line, file, place.name, "town", place.lat, place.lon, change, (change,), NOV)


def _event(file: str, place: Place, change: Change, confidence: float) -> Event:
    return Event(change, Status.REPORTED, place, NOV, None, None,
                 (Source(file, "2022-11-11", "q", 0, 1),), confidence=confidence)


def test_dev_half_is_fixed_by_the_file_name_and_splits_evenly() -> None:
    names = [f"x{i:03d}_article.txt" for i in range(400)]
    halves = [accuracy.dev_half(n) for n in names]
    assert set(halves) == set(accuracy.HALVES)
    assert 160 < halves.count("tune") < 240
    assert accuracy.dev_half("/a/b/x001_article.txt") == accuracy.dev_half("x001_article.txt")


def test_groups_confusion_and_calibration() -> None:
    gold = [_gold(1, "nl1.txt", KHERSON, Change.RECAPTURE), _gold(2, "en1.txt", IZIUM,
                                                                  Change.RECAPTURE)]
    events = [_event("nl1.txt", KHERSON, Change.RECAPTURE, 0.9),
              _event("en1.txt", IZIUM, Change.CAPTURE, 0.55),
              _event("en1.txt", KHERSON, Change.CAPTURE, 0.3)]
    score = match(events, gold)
    groups = {f.label: f for f in accuracy.by_group(score, lambda f: f[:2])}
    assert (groups["nl"].matched, groups["nl"].predicted, groups["nl"].gold) == (1, 1, 1)
    assert (groups["en"].matched, groups["en"].predicted, groups["en"].gold) == (0, 2, 1)
    table = accuracy.type_confusion(events, gold)
    assert table[("recapture", "recapture")] == 1 and table[("recapture", "capture")] == 1
    buckets = {b.low: b for b in accuracy.calibration(score)}
    assert (buckets[0.9].predicted, buckets[0.9].right) == (1, 1)
    assert (buckets[0.5].predicted, buckets[0.5].right) == (1, 0)
    assert accuracy.at_least(score, 0.8).share == 1.0
    assert "recapture" in "\n".join(accuracy.format_confusion(table))


def _figures(folder: Path, gold: list[GoldEvent]) -> accuracy.Figures:
    return accuracy.figures(match(collect_events([folder], RunLog(), cache=False)[1], gold))


def test_sample_articles_stay_at_their_floor() -> None:
    fig = _figures(ROOT / "articles", read_gold(ROOT / "tests" / "data" / "seed_gold.jsonl"))
    assert fig.f1 >= FLOOR["samples"]["f1"] and fig.precision >= FLOOR["samples"]["precision"]


@pytest.mark.parametrize("half", accuracy.HALVES)
def test_development_halves_stay_above_their_floor(tmp_path: Path, half: str) -> None:
    if not (DEV / "gold.jsonl").exists():
        pytest.skip("the development set (../shared/dev) is absent")
    folder = tmp_path / half
    folder.mkdir()
    for path in sorted((DEV / "articles").iterdir()):
        if accuracy.dev_half(path.name) == half:
            (folder / path.name).symlink_to(path)
    gold = [g for g in read_gold(DEV / "gold.jsonl") if accuracy.dev_half(g.file) == half]
    fig = _figures(folder, gold)
    assert fig.f1 >= FLOOR[half]["f1"], fig.line()
    assert fig.precision >= FLOOR[half]["precision"], fig.line()
