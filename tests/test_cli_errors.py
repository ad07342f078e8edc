"""User mistakes through the real CLI: one line naming the file or option, never a traceback,
exit code 2 (or 1 when nothing usable was read)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
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
    "deep_gold.jsonl": "[" * 100_000 + "\n",
    "latin1_gold.jsonl": '{"file": "caf\xe9.txt"}\n'.encode("latin-1"),
    "bigint_gold.jsonl": '{"lat": ' + "1" * 5000 + "}\n",
    "types_gold.jsonl": json.dumps({"file": "a.txt", "place": "x", "lat": "north", "lon": 1,
                                    "event_type": "capture", "date_earliest": "2024-01-01",
                                    "date_latest": "2024-01-02"}) + "\n",
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


# ---- bad data files: gazetteer overrides, gazetteer TSV rows, rules, actors ----

_PLACE = '[[place]]\nname = "X"\nlat = 1.0\nlon = 1.0\ncountry = "SY"\n'
# (file name, content, line the error must name or None)
OVERRIDES: list[tuple[str, str | bytes, int | None]] = [
    ("syntax.toml", '[[place]]\nname = "x\nlat = 1\n', 2),
    ("unknown_table.toml", '[[foo]]\nname = "x"\n', 1),
    ("no_lat.toml", '[[place]]\nname = "X"\nlon = 1.0\n', 1),
    ("lat_str.toml", _PLACE.replace("lat = 1.0", 'lat = "north"'), 1),
    ("lat_far.toml", _PLACE.replace("lat = 1.0", "lat = 200.0"), 1),
    ("lat_nan.toml", _PLACE.replace("lat = 1.0", "lat = nan"), 1),
    ("lon_inf.toml", _PLACE.replace("lon = 1.0", "lon = -inf"), 1),
    ("country.toml", _PLACE.replace('"SY"', '"XYZ"'), 1),
    ("names_str.toml", _PLACE + 'names = "Y"\n', 1),
    ("names_int.toml", _PLACE + "names = [1, 2]\n", 1),
    ("pin_unknown.toml", '[[pin]]\nname = "Homs"\nplace = "geonames:0"\n', 1),
    ("pin_noname.toml", '[[pin]]\nplace = "geonames:169577"\n', 1),
    ("bad_id.toml", '[[place]]\nid = "bad id <script>"\n' + _PLACE.split("\n", 1)[1], 1),
    ("kind.toml", _PLACE + 'kind = "planet"\n', 1),
    ("pop_str.toml", _PLACE + 'population = "many"\n', 1),
    ("second_entry.toml", _PLACE + "\n" + _PLACE.replace("lat = 1.0", "lat = 100.0"), 7),
    ("place_table.toml", _PLACE.replace("[[place]]", "[place]"), None),
]
# Hostile ones: these escaped as TypeError / UnicodeDecodeError / RecursionError /
# OverflowError before gazetteer.apply_overrides was fixed.
OVERRIDES_HOSTILE: list[tuple[str, str | bytes]] = [
    ("pin_int.toml", "pin = 5\n"),
    ("latin1.toml", _PLACE.replace('"X"', '"Café"').encode("latin-1")),
    ("binary.toml", bytes(range(256))),
    ("deep.toml", "a = " + "[" * 100_000),
    ("pop_huge.toml", _PLACE + "population = 99999999999999999999\n"),
]


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "content", "line"), OVERRIDES, ids=[c[0] for c in OVERRIDES])
def test_cli_errors_bad_overrides(tmp_path, capsys, name, content, line):
    from conflictmap.errors import GazetteerError
    from conflictmap.gazetteer import Gazetteer

    path = _write(tmp_path / name, content)
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(overrides=path)
    assert info.value.path == str(path) and "\n" not in str(info.value)
    if line is not None:
        assert info.value.line == line
    if name in ("syntax.toml", "lat_str.toml", "second_entry.toml"):  # and through the CLI
        code, _, err = _run(["gazetteer", "lookup", "Homs", "--overrides", str(path)], capsys)
        assert code == 2
        assert_clean_stderr(err, name)


@pytest.mark.parametrize(("name", "content"), OVERRIDES_HOSTILE,
                         ids=[c[0] for c in OVERRIDES_HOSTILE])
def test_cli_errors_hostile_overrides(tmp_path, capsys, name, content):
    from conflictmap.errors import GazetteerError
    from conflictmap.gazetteer import Gazetteer

    path = _write(tmp_path / name, content)
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(overrides=path)
    assert info.value.path == str(path) and "\n" not in str(info.value)


def test_cli_errors_missing_overrides_file(tmp_path, capsys):
    code, _, err = _run(["gazetteer", "lookup", "Homs", "--overrides",
                         str(tmp_path / "typo.toml")], capsys)
    assert code == 2
    assert_clean_stderr(err, "typo.toml")


def test_cli_errors_overrides_is_a_folder(tmp_path, capsys):
    code, _, err = _run(["gazetteer", "lookup", "Homs", "--overrides", str(tmp_path)], capsys)
    assert code == 2
    assert_clean_stderr(err, str(tmp_path))


@pytest.fixture(scope="module")
def gazetteer_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conflictmap.gazetteer import default_directory

    folder = tmp_path_factory.mktemp("gazetteer") / "gaz"
    shutil.copytree(default_directory(), folder, ignore=shutil.ignore_patterns("*.json"))
    return folder


# (file, row appended, or the whole file when bytes replace it)
GAZETTEER_ROWS: list[tuple[str, str | bytes]] = [
    ("aliases.tsv", "onlyonefield\n"),
    ("aliases.tsv", "Name\tnot:an-id\n"),
    ("aliases.tsv", "\x00\x01\n"),
    ("extra_places.tsv", "cm:x\ttown\tX\tnorth\t1.0\tSY\n"),
    ("extra_places.tsv", "cm:x\ttown\tX\t1.0\t1.0\n"),
    ("extra_places.tsv", "cm:x\tplanet\tX\t1.0\t1.0\tSY\n"),
    ("extra_places.tsv", "cm:x\ttown\tX\t95\t1.0\tSY\n"),
    ("extra_places.tsv", "cm:x\ttown\tX\tnan\t1.0\tSY\n"),
    ("extra_places.tsv", "cm:x\ttown\tX\t1.0\t1.0\tSYR\n"),
    ("demonyms.tsv", "Syrisch\tSYR\n"),
    ("demonyms.tsv", "Syrisch\n"),
    ("places.bin.gz", b"not gzip"),
    ("places.bin.gz", b""),
]
GAZETTEER_NOT_UTF8: list[tuple[str, str | bytes]] = [
    ("aliases.tsv", "Caf\xe9\tgeonames:170063\n".encode("latin-1")),
    ("stopwords.txt", b"\xff\xfe\x00"),
]


def _damage(source: Path, folder: Path, name: str, content: str | bytes) -> Path:
    shutil.copytree(source, folder)
    target = folder / name
    if isinstance(content, bytes) and not name.endswith((".tsv",)):
        target.write_bytes(content)
    else:
        extra = content if isinstance(content, bytes) else content.encode("utf-8")
        target.write_bytes(target.read_bytes() + extra)
    return target


@pytest.mark.parametrize(("name", "content"), GAZETTEER_ROWS,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(GAZETTEER_ROWS)])
def test_cli_errors_bad_gazetteer_rows(gazetteer_copy, tmp_path, name, content):
    from conflictmap.errors import GazetteerError
    from conflictmap.gazetteer import Gazetteer

    target = _damage(gazetteer_copy, tmp_path / "gaz", name, content)
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(directory=tmp_path / "gaz").lookup("Aleppo")
    assert info.value.path == str(target) and "\n" not in str(info.value)
    if name.endswith(".tsv"):
        lines = target.read_text(encoding="utf-8").splitlines()
        assert info.value.line == len(lines)


@pytest.mark.parametrize(("name", "content"), GAZETTEER_NOT_UTF8,
                         ids=[n for n, _ in GAZETTEER_NOT_UTF8])
def test_cli_errors_gazetteer_not_utf8(gazetteer_copy, tmp_path, name, content):
    from conflictmap.errors import GazetteerError
    from conflictmap.gazetteer import Gazetteer

    target = _damage(gazetteer_copy, tmp_path / "gaz", name, content)
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(directory=tmp_path / "gaz").lookup("Aleppo")
    assert info.value.path == str(target)


def _rules_variants() -> dict[str, tuple[str, str]]:
    from conflictmap.rules import RULES_DIR

    nl = (RULES_DIR / "nl.toml").read_text(encoding="utf-8")
    head = nl.split("[[trigger]]")[0]
    return {
        "syntax": ("nl.toml", nl.replace('lang = "nl"', 'lang = "nl', 1)),
        "nolang": ("nl.toml", nl.replace('lang = "nl"\n', "", 1)),
        "badregex": ("nl.toml", nl.replace("[define]\n", "[define]\nBROKEN = '(open'\n", 1)
                     .replace("%END%", "%BROKEN%", 1)),
        "trigger_int": ("nl.toml", head + "trigger = 5\n"),
        "keywords_str": ("nl.toml", nl.replace("keywords = [", 'keywords = "x"\nold = [', 1)),
        "sides_int": ("nl.toml", nl.replace("[sides]\n", "[sides]\nbroken = 5\n", 1)),
    }


@pytest.mark.parametrize("case", list(_rules_variants()))
def test_cli_errors_bad_rules_file(tmp_path, case):
    from conflictmap.errors import RulesError
    from conflictmap.rules import load_file

    name, text = _rules_variants()[case]
    path = _write(tmp_path / name, text)
    with pytest.raises(RulesError) as info:
        load_file(path)
    assert info.value.path == str(path) and info.value.line is not None
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("content", [b'lang = "nl"\nx = "\xe9"\n', b"x = " + b"[" * 100_000],
                         ids=["latin1", "deep"])
def test_cli_errors_hostile_rules_file(tmp_path, content):
    from conflictmap.errors import RulesError
    from conflictmap.rules import load_file

    with pytest.raises(RulesError):
        load_file(_write(tmp_path / "nl.toml", content))


def _actors_dir(tmp_path: Path, text: str | bytes) -> Path:
    from conflictmap.rules import RULES_DIR

    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    _write(folder / "actors.toml", text)
    return folder


def _actor_variants() -> dict[str, str | bytes]:
    from conflictmap.rules import RULES_DIR

    act = (RULES_DIR / "actors.toml").read_text(encoding="utf-8")
    return {
        "syntax": act.replace('id = "syria_gov"', 'id = "syria_gov', 1),
        "kind": act.replace('kind = "state"', 'kind = "empire"', 1),
        "noid": act.replace('id = "syria_gov"\n', "", 1),
        "unknown_country_actor": act + '\n[countries.ZZ]\narmy = "nobody"\n',
    }


@pytest.mark.parametrize("case", list(_actor_variants()))
def test_cli_errors_bad_actors_file(tmp_path, case):
    from conflictmap.actors import ActorLexicon
    from conflictmap.errors import RulesError

    folder = _actors_dir(tmp_path, _actor_variants()[case])
    with pytest.raises(RulesError) as info:
        ActorLexicon.load(folder)
    assert info.value.path == str(folder / "actors.toml") and "\n" not in str(info.value)


@pytest.mark.parametrize("content", ["actor = 5\n", b'[[actor]]\nid = "x\xe9"\n',
                                     "x = " + "[" * 100_000,
                                     '[[actor]]\nid = "a"\nname = "A"\nside = "a"\n'
                                     'kind = "state"\nclasses = 5\n'],
                         ids=["actor_int", "latin1", "deep", "classes_int"])
def test_cli_errors_hostile_actors_file(tmp_path, content):
    from conflictmap.actors import ActorLexicon
    from conflictmap.errors import RulesError

    with pytest.raises(RulesError):
        ActorLexicon.load(_actors_dir(tmp_path, content)).find("Russische troepen", "nl")


# ---- the report cache: a damaged cache is rebuilt, never trusted ----

def _poison(path: Path, blob: bytes) -> int:
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as db, db:
        return db.execute("UPDATE reports SET blob = ?", (blob,)).rowcount


@pytest.mark.parametrize("damage", ["garbage", "folder", "bad-record", "not-json", "not-list"])
def test_cli_errors_damaged_report_cache(tmp_path, capsys, monkeypatch, damage):
    cache = tmp_path / "cache.sqlite"
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(cache))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(f" date 2024-02-17 {CAPTURE_NL}\n")
    build = ["build", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1"]
    assert _run(build, capsys)[0] == 0
    if damage == "garbage":
        cache.write_bytes(b"garbage" * 100)
    elif damage == "folder":
        cache.unlink()
        cache.mkdir()
    else:
        blob = {"bad-record": b'[{"lat": "nan"}]', "not-json": b"\x00{", "not-list": b"5"}
        assert _poison(cache, blob[damage]) == 1
    code, out, err = _run(build, capsys)
    assert_clean_stderr(err)
    assert code in (0, 2)
    if code == 0:
        assert "events found: 1 " in out, out  # the article was extracted again
    else:
        assert len(err.strip().splitlines()) <= 2 and "cache" in err
