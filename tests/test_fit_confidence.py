"""The fitting of the confidence model (scripts/fit_confidence.py): its arithmetic, on data
made up here (the fit itself needs the development set, which is not in the repository)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

np = pytest.importorskip("numpy")

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fit_confidence.py"


@pytest.fixture(scope="module")
def fitting() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fit_confidence", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fit_confidence"] = module
    spec.loader.exec_module(module)
    return module


def _made_up(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    signal = rng.integers(0, 2, n).astype(float)
    noise = rng.integers(0, 2, n).astype(float)
    p = 1.0 / (1.0 + np.exp(-(-1.0 + 2.5 * signal)))
    return np.column_stack([signal, noise]), (rng.random(n) < p).astype(float)


def test_the_fit_finds_the_signal_and_l1_drops_the_noise(fitting: ModuleType) -> None:
    x, y = _made_up()
    plain = fitting.fit(x, y, 0.0)
    assert plain[1] == pytest.approx(2.5, abs=0.6) and plain[0] == pytest.approx(-1.0, abs=0.4)
    sparse = fitting.fit(x, y, 1.0, None, 16.0)
    assert sparse[2] == 0.0 < sparse[1] < plain[1]  # shrunk, and the noise feature is out
    assert np.array_equal(sparse, fitting.fit(x, y, 1.0, None, 16.0))  # deterministic


def test_the_fit_weights_reports(fitting: ModuleType) -> None:
    x, y = _made_up()
    doubled = fitting.fit(np.vstack([x, x]), np.concatenate([y, y]), 1.0)
    weighted = fitting.fit(x, y, 1.0, np.full(len(y), 2.0))
    assert weighted == pytest.approx(doubled, abs=1e-6)


def test_a_pairs_confidence_is_the_highest_of_its_events_reports(fitting: ModuleType) -> None:
    d = fitting.Data(x=np.zeros((3, 1)), y=np.ones(3), weight=np.ones(3),
                     group=np.array([0, 0, 1]),
                     event=np.array([0, 0, 1]), pair_event=np.array([0, 1]),
                     pair_group=np.array([0, 1]), pair_y=np.ones(2), corpus=["a", "a"])
    got = fitting.pair_p(d, np.array([0.6, 0.9, 0.3]), np.array([True, True]))
    assert got.tolist() == [0.9, 0.3]


def test_the_feature_table_gives_each_features_share_of_right_pairs(
        fitting: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fitting, "FEATURES", ("flag", "level"))
    x = np.array([[1.0, 0.2], [1.0, 0.9], [0.0, 0.9], [0.0, 0.1]])
    d = fitting.Data(x=x, y=np.array([1.0, 1.0, 0.0, 1.0]), weight=np.array([1.0, 1, 0.5, 0.5]),
                     group=np.zeros(4), event=np.arange(4), pair_event=np.arange(4),
                     pair_group=np.zeros(4), pair_y=np.ones(4), corpus=["a"] * 4)
    header, flag, level = fitting.feature_table(d)
    assert header.split()[0] == "feature"
    assert flag.split() == ["flag", "2", "1.000", "1", "0.500"]
    assert level.split() == ["level", "2", "0.667", "2", "1.000"]  # 1.5 each
