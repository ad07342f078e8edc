"""The calibrated confidence model (confidence.py) and its data file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictmap.confidence import FEATURES, Model, calibrate, features, load_model, read_model
from conflictmap.errors import RulesError
from conflictmap.model import (
    Actor,
    Article,
    Change,
    Event,
    Interval,
    Place,
    PlaceKind,
    Source,
    Status,
)
from conflictmap.rules import RULES_DIR, language_files

GOMA = Place("geonames:216281", "Goma", PlaceKind.TOWN, -1.68, 29.23, "CD", population=670_000)
M23 = Actor("m23", "M23", "m23")
ARTICLE = Article("goma.txt", "M23 took Goma on Monday.", "2025-01-28",
                  Interval(date(2025, 1, 28), date(2025, 1, 28), 1), "en")


def _report(start: int = 0, period: Interval | None = None, actor: Actor | None = M23,
            change: Change = Change.CAPTURE, status: Status = Status.REPORTED) -> Event:
    source = Source("goma.txt", "2025-01-28", "M23 took Goma on Monday.", start, start + 24)
    return Event(change, status, GOMA, period or Interval(date(2025, 1, 27), date(2025, 1, 27), 1),
                 actor, None, (source,), confidence=0.7)


def test_the_shipped_model_loads_and_is_not_a_language() -> None:
    model = load_model(RULES_DIR)
    assert model is not None
    assert {name for name, _ in model.weights} == set(FEATURES)
    assert "confidence" not in language_files()


def test_features_read_the_report_and_its_article() -> None:
    x = features(_report(), ARTICLE, repeats=1)
    assert set(x) == set(FEATURES)
    assert (x["gainer"], x["lead"], x["news"], x["repeated"]) == (1.0, 1.0, 1.0, 0.0)
    old = Interval(date(2016, 1, 1), date(2016, 12, 31), 4)
    y = features(_report(start=5000, period=old, actor=None), ARTICLE, repeats=3)
    assert (y["gainer"], y["lead"], y["news"], y["repeated"], y["year"]) == (
        0.0, 0.0, 0.0, 1.0, 1.0)


def test_calibrate_sets_each_reports_confidence_from_the_model() -> None:
    model = Model(0.0, (("gainer", 2.0), ("lead", 1.0)))
    named, unnamed = calibrate(model, ARTICLE, [_report(), _report(actor=None, start=900)])
    assert named.confidence == 0.95  # logistic(3), in whole percent as the map compares
    assert unnamed.confidence == 0.5
    assert calibrate(None, ARTICLE, [_report()])[0].confidence == 0.7


@given(st.dictionaries(st.sampled_from(FEATURES), st.floats(-50, 50), min_size=1),
       st.floats(-50, 50))
def test_probability_is_a_probability(weights: dict[str, float], intercept: float) -> None:
    model = Model(intercept, tuple(weights.items()))
    p = model.probability(features(_report(), ARTICLE, repeats=2))
    assert 0.0 <= p <= 1.0


@pytest.mark.parametrize(("content", "message"), [
    ("intercept = 'high'\n[weights]\n", "bad confidence model"),
    ("[weights]\ngainer = 1\n", "intercept"),
    ("intercept = 0\n[weights]\nmoon_phase = 1\n", "unknown feature"),
    ("intercept = 0\nweights = 3\n", "must be a table"),
    ("intercept = \n", "bad confidence model"),
])
def test_a_bad_model_file_is_a_rules_error_naming_it(tmp_path: Path, content: str,
                                                     message: str) -> None:
    path = tmp_path / "confidence.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=message) as info:
        read_model(path)
    assert str(path) in str(info.value)


def test_no_model_file_keeps_the_triggers_confidence(tmp_path: Path) -> None:
    assert read_model(tmp_path / "confidence.toml") is None
