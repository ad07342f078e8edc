"""User mistakes through the real CLI: one line naming the file or option, never a traceback,
exit code 2 (or 1 when nothing usable was read)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conflictmap.cli import main
from hostile_helpers import CAPTURE_NL, assert_clean_stderr

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report cache goes to this test's folder, never the working directory."""
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache" / "reports.sqlite"))


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real build of one article: its events.geojson/jsonl are the base of bad files."""
    folder = tmp_path_factory.mktemp("built")
    (folder / "in").mkdir()
    (folder / "in" / "a.txt").write_text(f" date 2024-02-17 {CAPTURE_NL}\n", encoding="utf-8")
    assert main(["-q", "build", str(folder / "in"), "--out", str(folder / "out"),
                 "--no-cache"]) == 0
    assert main(["-q", "extract", str(folder / "in"), "-o", str(folder / "events.jsonl"),
                 "--no-cache"]) == 0
    return folder


def _record(built: Path) -> dict:
    return json.loads((built / "events.jsonl").read_text(encoding="utf-8").splitlines()[0])


# ---- option values: argparse errors ----

USAGE_ERRORS: list[tuple[list[str], str]] = [
    (["build", "--jobs", "-1"], "-1"),
    (["build", "--jobs", "many"], "many"),
    (["build", "--from", "2024-13-01"], "2024-13-01"),
    (["build", "--to", "yesterday"], "yesterday"),
    (["build", "--from", ""], "--from"),
    (["build", "--lang", "xx"], "xx"),
    (["build", "--lang", "<script>"], "<script>"),
    (["build", "--bogus"], "--bogus"),
    (["build", "--out"], "--out"),
    (["extract"], "ARTICLES"),
    (["extract", "x", "--format", "xml"], "xml"),
    (["render"], "EVENTS_FILE"),
    (["render", "e.geojson", "--from", "1/2/2024"], "1/2/2024"),
    (["eval", "articles"], "--gold"),
    (["places", "x", "--format", "csv"], "csv"),
    (["gazetteer"], "ACTION"),
    (["gazetteer", "lookup"], "NAME"),
    (["nonsense-command", "--jobs", "x"], "x"),
    (["-q", "--verbose", "build", "--jobs", "1.5"], "1.5"),
]


@pytest.mark.parametrize(("argv", "named"), USAGE_ERRORS,
                         ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_cli_errors_bad_option_values(capsys, argv, named):
    code, _, err = _run(argv, capsys)
    assert code == 2
    assert_clean_stderr(err, named)
    assert err.strip().splitlines()[-1].startswith("conflictmap")


# ---- files: render, eval, overrides, outputs ----

def _bad_events(built: Path) -> list[tuple[str, Callable[[Path], Path]]]:
    rec = _record(built)

    def write(name: str, content: str | bytes) -> Callable[[Path], Path]:
        def make(folder: Path) -> Path:
            path = folder / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            return path
        return make

    def folder_named(name: str) -> Callable[[Path], Path]:
        def make(folder: Path) -> Path:
            (folder / name).mkdir()
            return folder / name
        return make

    def line(**changes: object) -> str:
        return json.dumps({**rec, **changes}) + "\n"

    no_place = {k: v for k, v in rec.items() if k != "place_id"}
    return [
        ("missing.geojson", lambda folder: folder / "missing.geojson"),
        ("missing.gpkg", lambda folder: folder / "missing.gpkg"),
        ("bad.jsonl", write("bad.jsonl", "{oops\n")),
        ("list.jsonl", write("list.jsonl", "[1, 2]\n")),
        ("nokey.jsonl", write("nokey.jsonl", json.dumps(no_place) + "\n")),
        ("badchange.jsonl", write("badchange.jsonl", line(change="<script>"))),
        ("baddate.jsonl", write("baddate.jsonl", line(date_start="2024-02-31"))),
        ("reversed.jsonl", write("reversed.jsonl", line(date_start="2025-01-01"))),
        ("nanlat.jsonl", write("nanlat.jsonl", line(lat=float("nan")))),
        ("inflon.jsonl", write("inflon.jsonl", line(lon="inf"))),
        ("farlat.jsonl", write("farlat.jsonl", line(lat=1e300))),
        ("nanconf.jsonl", write("nanconf.jsonl", line(confidence="NaN"))),
        ("badsources.jsonl", write("badsources.jsonl", line(sources="not json"))),
        ("sources_list.jsonl", write("sources_list.jsonl", line(sources=[1, 2]))),
        ("sources_int.jsonl", write("sources_int.jsonl", line(sources=7))),
        ("precision.jsonl", write("precision.jsonl", line(time_precision="day"))),
        ("deep.jsonl", write("deep.jsonl", "[" * 100_000 + "\n")),
        ("bigint.jsonl", write("bigint.jsonl", line(population=int("9" * 4000))
                                                .replace("9" * 4000, "9" * 5000))),
        ("binary.jsonl", write("binary.jsonl", bytes(range(256)) * 4)),
        ("latin1.jsonl", write("latin1.jsonl", json.dumps({**rec, "place": "Café"},
                                                          ensure_ascii=False).encode("latin-1"))),
        ("second_line.jsonl", write("second_line.jsonl", line() + "{\"change\": 1}\n")),
        ("bad.geojson", write("bad.geojson", "{\"type\": \"FeatureCollection\", ")),
        ("notfc.geojson", write("notfc.geojson", "[1, 2, 3]")),
        ("features_str.geojson", write("features_str.geojson", '{"features": "x"}')),
        ("feature_list.geojson", write("feature_list.geojson", '{"features": [[1]]}')),
        ("feature_noprops.geojson", write("feature_noprops.geojson", '{"features": [{}]}')),
        ("props_str.geojson", write("props_str.geojson", '{"features": [{"properties": "x"}]}')),
        ("deep.geojson", write("deep.geojson", "[" * 100_000)),
        ("bigint.geojson", write("bigint.geojson", "1" * 5000)),
        ("garbage.gpkg", write("garbage.gpkg", "not a geopackage")),
        ("empty.gpkg", write("empty.gpkg", b"")),
        ("events.txt", write("events.txt", "x")),
        ("events.csv", write("events.csv", "a,b\n1,2\n")),
        ("folder.geojson", folder_named("folder.geojson")),
        ("folder.jsonl", folder_named("folder.jsonl")),
    ]


def test_cli_errors_render_bad_events_files(built, tmp_path, capsys):
    cases = _bad_events(built)
    assert len(cases) >= 30
    failures = []
    for name, make in cases:
        path = make(tmp_path)
        code, _, err = _run(["render", str(path), "-o", str(tmp_path / "map.html")], capsys)
        try:
            assert code == 2, code
            assert_clean_stderr(err, name)
            assert len([ln for ln in err.splitlines() if ln.strip()]) == 1, err
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
        assert not (tmp_path / "map.html").exists(), name
    assert failures == []


def test_cli_errors_render_reversed_range_and_empty_files(built, tmp_path, capsys):
    geojson = built / "out" / "events.geojson"
    code, _, err = _run(["render", str(geojson), "-o", str(tmp_path / "m.html"),
                         "--from", "2024-12-31", "--to", "2024-01-01"], capsys)
    assert_clean_stderr(err)
    if code:  # refusing a reversed range is fine, as one line naming the options
        assert code == 2 and "--from" in err and "--to" in err
    for name, content in (("empty.jsonl", ""), ("blank.jsonl", "\n\n"),
                          ("empty.geojson", '{"type": "FeatureCollection", "features": []}')):
        (tmp_path / name).write_text(content)
        code, _, err = _run(["render", str(tmp_path / name), "-o", str(tmp_path / "e.html")],
                            capsys)
        assert code == 0 and "Traceback" not in err, (name, err)


def test_cli_errors_unwritable_outputs(built, tmp_path, capsys):
    geojson = built / "out" / "events.geojson"
    articles = built / "in"
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    cases = [
        (["render", str(geojson), "-o", str(tmp_path / "afile" / "map.html")], "afile"),
        (["render", str(geojson), "-o", str(tmp_path / "adir")], "adir"),
        (["build", str(articles), "--out", str(tmp_path / "afile")], "afile"),
        (["build", str(articles), "--out", str(tmp_path / "afile" / "sub")], "afile"),
        (["extract", str(articles), "-o", str(tmp_path / "afile" / "e.jsonl")], "afile"),
        (["extract", str(articles), "-o", str(tmp_path / "adir")], "adir"),
    ]
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        cases.append((["build", str(articles), "--out", str(locked)], "locked"))
    for argv, named in cases:
        code, _, err = _run(argv, capsys)
        assert code == 2, (argv, err)
        assert_clean_stderr(err, named)
    assert (tmp_path / "afile").read_text() == "x"
    assert list((tmp_path / "adir").iterdir()) == []


GOLD_ROWS: dict[str, str | bytes | None] = {
    "missing_gold.jsonl": None,
    "bad_gold.jsonl": "{oops\n",
    "list_gold.jsonl": "[1]\n",
    "fields_gold.jsonl": json.dumps({"file": "a.txt"}) + "\n",
    "binary_gold.jsonl": "\x00\x01\x02",
    "types_gold.jsonl": json.dumps({"file": "a.txt", "place": "x", "lat": "north", "lon": 1,
                                    "event_type": "capture", "date_earliest": "2024-01-01",
                                    "date_latest": "2024-01-02"}) + "\n",
}
# evaluate.read_gold lets these escape as RecursionError / UnicodeDecodeError / ValueError.
GOLD_CRASHES: dict[str, str | bytes | None] = {
    "deep_gold.jsonl": "[" * 100_000 + "\n",
    "latin1_gold.jsonl": '{"file": "caf\xe9.txt"}\n'.encode("latin-1"),
    "bigint_gold.jsonl": '{"lat": ' + "1" * 5000 + "}\n",
}


def _eval_gold(built: Path, folder: Path, name: str, content: str | bytes | None,
               capsys: pytest.CaptureFixture[str]) -> None:
    if isinstance(content, bytes):
        (folder / name).write_bytes(content)
    elif content is not None:
        (folder / name).write_text(content)
    code, _, err = _run(["eval", "--gold", str(folder / name), str(built / "in"), "--no-cache"],
                        capsys)
    assert code == 2, (name, code, err)
    assert_clean_stderr(err, name)


@pytest.mark.parametrize("name", list(GOLD_ROWS))
def test_cli_errors_eval_bad_gold(built, tmp_path, capsys, name):
    _eval_gold(built, tmp_path, name, GOLD_ROWS[name], capsys)


def test_cli_errors_eval_gold_is_a_folder(built, tmp_path, capsys):
    (tmp_path / "gold_dir.jsonl").mkdir()
    _eval_gold(built, tmp_path, "gold_dir.jsonl", None, capsys)


@pytest.mark.xfail(strict=True, raises=(RecursionError, UnicodeDecodeError, ValueError),
                   reason="evaluate.read_gold catches only OSError and JSONDecodeError")
@pytest.mark.parametrize("name", list(GOLD_CRASHES))
def test_cli_errors_eval_hostile_gold(built, tmp_path, capsys, name):
    _eval_gold(built, tmp_path, name, GOLD_CRASHES[name], capsys)


@pytest.mark.parametrize("command", ["build", "extract", "places", "eval"])
def test_cli_errors_nothing_usable_exits_1(tmp_path, capsys, command):
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01")
    gold = ["--gold", str(ROOT / "tests" / "data" / "seed_gold.jsonl")] if command == "eval" else []
    extra = ["--out", str(tmp_path / "o")] if command == "build" else []
    code, _, err = _run([command, *gold, str(tmp_path / "bad.txt"), *extra], capsys)
    assert code == 1
    assert_clean_stderr(err)
    assert "bad.txt" in err


# ---- the real program in a subprocess ----

def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "CI": "1"}
    return subprocess.run([sys.executable, "-m", "conflictmap", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_cli_errors_subprocess(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.jsonl").write_bytes(b'{"date": "2024-12"}\n\x00\n' + b"[" * 10**5)
    (tmp_path / "in" / "good.txt").write_text(f" date 2024-02-17 {CAPTURE_NL}\n")
    (tmp_path / "broken.geojson").write_text("{")
    done = _cli("render", "broken.geojson", cwd=tmp_path)
    assert done.returncode == 2
    assert_clean_stderr(done.stderr, "broken.geojson")
    assert len(done.stderr.strip().splitlines()) == 1
    done = _cli("build", "--jobs", "-3", cwd=tmp_path)
    assert done.returncode == 2
    assert_clean_stderr(done.stderr, "-3")
    done = _cli("build", "in", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_clean_stderr(done.stderr)
    warnings = [ln for ln in done.stderr.splitlines() if "skipped" in ln]
    assert [w.split(": skipped")[0].split()[-1] for w in warnings] == [
        "bad.jsonl:1", "bad.jsonl:2", "bad.jsonl:3"]
    assert "articles read: 1 (skipped 3:" in done.stdout
    done = _cli("build", "nowhere", "--out", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert_clean_stderr(done.stderr, "nowhere")
