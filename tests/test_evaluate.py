"""Scoring against a gold file (EVENTS.md, "Scoring")."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conflictmap.errors import InputError
from conflictmap.evaluate import evaluate, format_score, read_gold
from conflictmap.geodesy import km
from conflictmap.model import Change, Event, Interval, Place, PlaceKind, Source, Status

ALEPPO = Place("geonames:170063", "Aleppo", PlaceKind.TOWN, 36.2, 37.16, "SY")
HOMS = Place("geonames:169577", "Homs", PlaceKind.TOWN, 34.73, 36.71, "SY")
PERIOD = Interval(date(2024, 11, 25), date(2024, 12, 2), 2)


def _gold(tmp_path: Path, *rows: dict) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _row(place: str = "Aleppo", lat: float = 36.2, lon: float = 37.16, **extra: object) -> dict:
    row = {"file": "a.txt", "place": place, "lat": lat, "lon": lon, "event_type": "capture",
           "acceptable_types": ["capture", "contested"], "date_earliest": "2024-11-28",
           "date_latest": "2024-11-30", "place_kind": "town"}
    row.update(extra)
    return row


def _event(place: Place = ALEPPO, change: Change = Change.CAPTURE,
           articles: tuple[str, ...] = ("a.txt",)) -> Event:
    sources = tuple(Source(a, "2024-12", "q", 0, 1) for a in articles)
    return Event(change, Status.REPORTED, place, PERIOD, None, None, sources)


def test_evaluate_perfect_match(tmp_path: Path) -> None:
    score = evaluate([_event()], _gold(tmp_path, _row()))
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score.strict_type_agreement == 1.0 and score.date_overlap == 1.0
    assert score.median_width_days == PERIOD.days


def test_evaluate_each_gold_matched_once_and_pairs_counted(tmp_path: Path) -> None:
    score = evaluate([_event(), _event(), _event(HOMS)], _gold(tmp_path, _row()))
    assert score.recall == 1.0
    assert score.precision == pytest.approx(1 / 3)
    assert len(score.false_positives) == 2


def test_evaluate_precision_counts_event_article_pairs(tmp_path: Path) -> None:
    score = evaluate([_event(articles=("a.txt", "b.txt"))], _gold(tmp_path, _row()))
    assert score.n_predicted == 2 and score.precision == 0.5


@pytest.mark.parametrize(("event", "row"), [
    (_event(change=Change.WITHDRAWAL), _row()),
    (_event(articles=("b.txt",)), _row()),
    (_event(), _row(place="Halab", lat=36.35)),  # about 17 km off, another name
])
def test_evaluate_no_match(tmp_path: Path, event: Event, row: dict) -> None:
    assert evaluate([event], _gold(tmp_path, row)).recall == 0.0


@pytest.mark.parametrize(("kind", "lat", "matched"), [
    ("town", 36.28, True),    # about 9 km
    ("town", 36.35, False),   # about 17 km
    ("site", 36.35, True),    # a site gets 25 km
    ("site", 36.45, False),   # about 28 km
    ("region", 36.6, False),  # a region matches a region prediction only
])
def test_evaluate_radius_by_gold_place_kind(tmp_path: Path, kind: str, lat: float,
                                            matched: bool) -> None:
    row = _row(place="Halab", lat=lat, place_kind=kind)  # not the predicted name
    score = evaluate([_event()], _gold(tmp_path, row))
    assert score.recall == (1.0 if matched else 0.0)


def test_evaluate_region_prediction_within_60_km_of_a_region(tmp_path: Path) -> None:
    region = Place("geonames:170062", "Aleppo Governorate", PlaceKind.REGION, 36.6, 37.16, "SY")
    row = _row(place="Halab province", lat=36.2, place_kind="region")
    assert km(36.2, 37.16, 36.6, 37.16) > 25
    assert evaluate([_event(region)], _gold(tmp_path, row)).recall == 1.0


def test_evaluate_by_name_when_gold_has_no_point(tmp_path: Path) -> None:
    far = Place("x:1", "Al-Bab", PlaceKind.TOWN, 10.0, 10.0, "SY")
    gold = _gold(tmp_path, _row(place="Al Bab", lat=None, lon=None),
                 _row(place="Manbij", place_as_written="Manbidj", lat=None, lon=None))
    score = evaluate([_event(far), _event(ALEPPO)], gold)
    assert [g.place for g in score.false_negatives] == ["Manbij"]
    assert score.recall == 0.5


def test_evaluate_dates_must_overlap(tmp_path: Path) -> None:
    row = _row(date_earliest="2016-01-01", date_latest="2016-12-31")
    assert evaluate([_event()], _gold(tmp_path, row)).recall == 0.0


def test_evaluate_type_agreement(tmp_path: Path) -> None:
    score = evaluate([_event(change=Change.CONTESTED)], _gold(tmp_path, _row()))
    assert score.recall == 1.0
    assert score.strict_type_agreement == 0.0 and score.date_overlap == 1.0


def test_evaluate_is_a_maximum_matching(tmp_path: Path) -> None:
    # The first prediction could take either gold event; a greedy pass that gives it the first
    # gold leaves the second prediction with nothing. The scorer's matching pairs both.
    both = _row(acceptable_types=["capture", "contested"])
    only_first = _row(event_type="contested", acceptable_types=["contested"])
    gold = _gold(tmp_path, both, only_first)
    score = evaluate([_event(change=Change.CONTESTED), _event(change=Change.CAPTURE)], gold)
    assert score.recall == 1.0 and score.precision == 1.0


def test_evaluate_agrees_with_the_reference_scorer(tmp_path: Path) -> None:
    """On the sample articles, conflictmap eval and shared/eval/score.py give the same figures."""
    root = Path(__file__).resolve().parents[1]
    scorer = root.parent / "shared" / "eval" / "score.py"
    if not scorer.exists():
        pytest.skip("the reference scorer (../shared/eval/score.py) is absent")
    from conflictmap.cli import main
    from conflictmap.store import read_events

    pred = tmp_path / "pred.jsonl"
    gold = root / "tests" / "data" / "seed_gold.jsonl"
    assert main(["extract", str(root / "articles"), "--no-cache", "-q", "-o", str(pred)]) == 0
    out = subprocess.run([sys.executable, str(scorer), "events", str(gold), str(pred), "--json"],
                         capture_output=True, text=True, check=True).stdout
    ref = json.loads(out)
    mine = evaluate(read_events(pred), gold)
    assert len(mine.matches) == ref["matched"]
    assert (round(mine.precision, 3), round(mine.recall, 3)) == (ref["precision"], ref["recall"])


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "not valid JSON"),
    ('{"file": "a.txt"}', "missing field"),
    (json.dumps(_row(event_type="annexed")), "bad value"),
    ("[1, 2]", "expected a JSON object"),
])
def test_evaluate_malformed_gold_names_file_and_line(tmp_path: Path, line: str,
                                                     message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(_row()) + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_gold(path)
    assert (info.value.path, info.value.line) == (str(path), 3)


def test_evaluate_format_lists_errors(tmp_path: Path) -> None:
    text = format_score(evaluate([_event(HOMS)], _gold(tmp_path, _row())))
    for word in ("precision", "recall", "F1", "strict type agreement", "date overlap",
                 "median width", "false positives (1)", "Homs", "false negatives (1)", "Aleppo"):
        assert word in text


@pytest.mark.parametrize(("content", "message"), [
    (b"[" * 100_000 + b"\n", "nested too deeply"),
    ('{"file": "caf\xe9.txt"}\n'.encode("latin-1"), "not UTF-8"),
    (b'{"lat": ' + b"1" * 5000 + b"}\n", "not usable JSON"),
    (json.dumps(_row(lat=123.0)).encode(), "out of range"),
])
def test_evaluate_hostile_gold_is_an_input_error(tmp_path: Path, content: bytes,
                                                 message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_gold(path)
    assert info.value.line == 1
