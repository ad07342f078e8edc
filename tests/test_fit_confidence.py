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


def _first_runs_file(tmp_path: Path, fitting: ModuleType, rows: list[list[str]],
                     features: tuple[str, ...] | None = None) -> Path:
    header = ("batch", "commit", "article", "pair", "right", *(features or fitting.FEATURES))
    path = tmp_path / "first_runs.tsv"
    path.write_text("\n".join("\t".join(r) for r in [list(header), *rows]) + "\n",
                    encoding="utf-8")
    return path


def test_first_runs_are_read_as_pairs_of_reports(fitting: ModuleType, tmp_path: Path) -> None:
    n = len(fitting.FEATURES)
    zeros, ones = ["0"] * n, ["1"] * n
    path = _first_runs_file(tmp_path, fitting, [
        ["x1", "c1", "x101.txt", "x1:0:x101.txt", "1", *zeros],
        ["x1", "c1", "x101.txt", "x1:0:x101.txt", "1", *ones],
        ["x1", "c1", "x102.txt", "x1:3:x102.txt", "0", *zeros],
        ["y1", "c2", "y101.txt", "y1:0:y101.txt", "1", *ones],
    ])
    fr = fitting.read_first_runs(path)
    assert fr.pair.tolist() == [0, 0, 1, 2] and fr.pair_y.tolist() == [1.0, 0.0, 1.0]
    assert fr.pair_batch == ["x1", "x1", "y1"]
    w = np.concatenate([[-1.0], np.full(n, 0.5)])
    # a pair's logit is the highest of its reports': the first pair's second report
    assert fitting.first_run_logits(w, fr).tolist() == pytest.approx(
        [-1.0 + 0.5 * n, -1.0, -1.0 + 0.5 * n])


def test_first_runs_with_other_features_are_refused(fitting: ModuleType,
                                                    tmp_path: Path) -> None:
    path = _first_runs_file(tmp_path, fitting, [], features=("trigger", "old_feature"))
    with pytest.raises(SystemExit, match=r"first_runs\.py"):
        fitting.read_first_runs(path)


def test_the_transfer_step_finds_the_scale_and_shift_of_overconfident_logits(
        fitting: ModuleType) -> None:
    rng = np.random.default_rng(11)
    z = rng.normal(2.0, 1.5, 4000)  # what the fit says
    truth = 0.8 * z - 0.7           # how sure the reports really are on new text
    y = (rng.random(len(z)) < 1 / (1 + np.exp(-truth))).astype(float)
    a, b = fitting.transfer_step(z, y)
    assert a == pytest.approx(0.8, abs=0.12) and b == pytest.approx(-0.7, abs=0.3)
