"""The event store: round trips through every format, CSV formula neutralisation, atomicity."""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pyogrio
import pytest

from conflictmap.cli import main
from conflictmap.errors import InputError
from conflictmap.model import Actor, Change, Event, Interval, Place, PlaceKind, Source, Status
from conflictmap.store import (
    atomic_files,
    atomic_write,
    event_to_record,
    neutralise_cell,
    read_events,
    record_to_event,
    write_csv,
    write_geojson,
    write_gpkg,
    write_jsonl,
)
from hostile_helpers import CAPTURE_NL, formula_payloads

KHERSON = Place("geonames:706448", "Kherson", PlaceKind.TOWN, 46.6354, 32.6169, "UA",
                "Kherson Oblast", 279131)
UA = Actor("ukraine", "Ukrainian forces", "ukraine", "state")
RU = Actor("russia", "Russian forces", "russia", "state")


def _event(change: Change = Change.RECAPTURE, quote: str = "Ukrainian troops retook Kherson.",
           actor: Actor | None = UA) -> Event:
    return Event(
        change=change, status=Status.REPORTED, place=KHERSON,
        period=Interval(date(2022, 11, 9), date(2022, 11, 11), 2), actor=actor,
        losing_actor=RU,
        sources=(Source("kherson.txt", "2022-11-11", quote, 10, 10 + len(quote),
                        "https://example.org/k", "Kherson retaken", "en.retook"),),
        confidence=0.9,
    )


@pytest.mark.parametrize("writer", [write_jsonl, write_geojson, write_gpkg])
def test_store_round_trip(tmp_path, writer):
    suffix = {write_jsonl: ".jsonl", write_geojson: ".geojson", write_gpkg: ".gpkg"}[writer]
    events = [_event(), _event(Change.CONTESTED, "Fighting raged in Kherson.", None)]
    path = tmp_path / f"events{suffix}"
    writer(events, path)
    assert read_events(path) == events
    assert [e.id for e in read_events(path)] == [e.id for e in events]


@pytest.mark.parametrize("arrow", [True, False])
def test_store_gpkg_is_the_same_layer_with_or_without_arrow(tmp_path, monkeypatch, arrow):
    from conflictmap import writers

    if arrow:
        pytest.importorskip("pyarrow")
    monkeypatch.setattr(writers, "_arrow_writes", lambda: arrow)
    events = [_event(), _event(Change.CONTESTED, "Fighting raged in Kherson.", None)]
    write_gpkg(events, tmp_path / "e.gpkg")
    assert read_events(tmp_path / "e.gpkg") == events
    info = pyogrio.read_info(tmp_path / "e.gpkg", layer="events")
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] == "Point"
    assert info["features"] == 2


def test_store_geojson_keeps_an_integer_beyond_64_bits(tmp_path):
    """orjson cannot write such an integer: the GeoJSON is written by json instead."""
    from dataclasses import replace

    event = replace(_event(), place=replace(KHERSON, population=2**70))
    write_geojson([event], tmp_path / "e.geojson")
    assert read_events(tmp_path / "e.geojson") == [event]
    assert str(2**70) in (tmp_path / "e.geojson").read_text()


def test_store_geojson_is_lon_lat(tmp_path):
    write_geojson([_event()], tmp_path / "e.geojson")
    feature = json.loads((tmp_path / "e.geojson").read_text())["features"][0]
    assert feature["geometry"]["coordinates"] == [KHERSON.lon, KHERSON.lat]
    props = feature["properties"]
    for key in ("id", "change", "status", "place", "place_id", "place_kind", "lat", "lon",
                "country", "admin1", "geo_precision", "date_start", "date_end",
                "time_precision", "actor", "losing_actor", "sources", "acled_event_type",
                "acled_sub_event_type", "confidence"):
        assert key in props
    assert props["acled_sub_event_type"] == "Government regains territory"


def test_store_gpkg_opens_as_gis_layer(tmp_path):
    write_gpkg([_event()], tmp_path / "e.gpkg")
    info = pyogrio.read_info(tmp_path / "e.gpkg", layer="events")
    assert info["features"] == 1 and info["geometry_type"] == "Point"
    assert "EPSG:4326" in info["crs"]


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                     "\tcmd", "=cmd|' /C calc'!A0"])
def test_store_csv_neutralises_formulas(tmp_path, payload):
    write_csv([_event(quote=payload)], tmp_path / "e.csv")
    with (tmp_path / "e.csv").open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert not row["notes"].startswith(("=", "+", "-", "@", "\t"))
    assert payload in row["notes"]
    assert row["latitude"] == str(KHERSON.lat)


@pytest.mark.parametrize("value", ["plain", "", "Kyiv-Pechersk", 3, -1.5])
def test_store_neutralise_leaves_safe_values(value):
    assert neutralise_cell(value) == value


def test_store_atomic_write_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "map.html"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [("bad.jsonl", '{"change": "capture"}\n', 1), ("bad.jsonl", "\n{oops\n", 2),
     ("bad.geojson", '{"type": "Feature"}', None), ("bad.txt", "x", None)],
)
def test_store_read_events_errors_name_file(tmp_path, name, content, line):
    (tmp_path / name).write_text(content)
    with pytest.raises(InputError) as info:
        read_events(tmp_path / name)
    assert info.value.path.endswith(name) and info.value.line == line


# ---- events.csv: every text column neutralised, payloads from every article field ----

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TEXT_COLUMNS = ("event_id", "event_type", "sub_event_type", "change", "status", "actor1",
                "actor2", "country", "admin1", "location", "place_id", "source", "source_urls",
                "notes")


def _hostile_event(payload: str) -> Event:
    place = Place(payload, payload, PlaceKind.TOWN, 46.6, 32.6, payload, payload)
    actor = Actor(payload, payload, payload, "state")
    quote = payload + " Ukrainian troops retook Kherson."
    return Event(Change.RECAPTURE, Status.REPORTED, place,
                 Interval(date(2022, 11, 9), date(2022, 11, 11), 2), actor, actor,
                 (Source(payload, "2022-11-11", quote, 0, len(quote), payload, payload),
                  Source(payload + "2", "2022-11-11", quote, 0, len(quote), payload, "")))


@pytest.mark.parametrize("payload", formula_payloads())
def test_store_csv_every_text_column_neutralised(tmp_path, payload):
    write_csv([_hostile_event(payload)], tmp_path / "e.csv")
    with (tmp_path / "e.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    for column in TEXT_COLUMNS:
        cell = row[column]
        assert not cell.lstrip(" \u00a0\u3000").startswith(FORMULA_STARTS), (column, cell)
    for column in ("actor1", "actor2", "location", "country", "admin1", "place_id", "source",
                   "source_urls"):
        kept = payload.replace("\r", "\n")  # line breaks as LF, which the writer quotes
        assert row[column].lstrip("'").startswith(kept), column  # kept, only prefixed
    assert payload.replace("\r", "\n") in row["notes"]


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\t=1", "\r=1", " =1", "\u00a0+1",
                                   "\uff1d1", "\n=1", "\u200b=1", "\ufeff=HYPERLINK(1)",
                                   "\u200b \u2060+1", "\u200d@a", "\u00ad-1"])
def test_store_neutralise_formula_starts(value):
    assert neutralise_cell(value) == "'" + value


# ---- atomic writes: modes, symlinks, devices, stale temp files ----

def test_store_atomic_write_keeps_mode_and_follows_symlinks(tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "map.html"
    link.symlink_to(real)
    with atomic_write(link) as handle:
        handle.write("new")
    assert link.is_symlink() and real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    with atomic_write(tmp_path / "fresh.html") as handle:
        handle.write("x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "fresh.html").stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("via_symlink", [False, True], ids=["pipe", "symlink-to-pipe"])
def test_store_atomic_write_to_a_pipe_does_not_replace_it(tmp_path, via_symlink):
    """Like `-o /dev/stdout`: write into the pipe, never rename over the device node."""
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    given = fifo
    if via_symlink:
        given = tmp_path / "stdout"
        given.symlink_to(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_csv([_event()], given)
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode) and given.exists()
    assert given.is_symlink() == via_symlink
    assert got and got[0].startswith(b"event_id,")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"out.csv", given.name})


def test_store_atomic_write_onto_a_directory_fails_cleanly(tmp_path):
    (tmp_path / "map.html").mkdir()
    with pytest.raises(IsADirectoryError), atomic_write(tmp_path / "map.html") as handle:
        handle.write("x")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_store_stale_temp_files_of_a_killed_run_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    stale = tmp_path / f".events.csv.{pid}.abc123.tmp"
    staged = tmp_path / f".events.gpkg.{pid}.x1.staged.gpkg-journal"
    mine = tmp_path / f".events.csv.{os.getpid()}.zzz.tmp"  # a live writer's: kept
    other = tmp_path / ".events.csv.notes.tmp"  # not ours: kept
    for path in (stale, staged, mine, other):
        path.write_text("partial")
        os.utime(path, (1, 1))
    write_csv([_event()], tmp_path / "events.csv")
    write_gpkg([_event()], tmp_path / "events.gpkg")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([mine.name, other.name, "events.csv", "events.gpkg"])


def test_store_atomic_files_all_or_nothing(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("old " + name)
    with pytest.raises(OSError), atomic_files(tmp_path) as stage:
        stage("a.txt").write_text("new a")
        stage("b.txt").write_text("new b")
        raise OSError(28, "No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    assert (tmp_path / "a.txt").read_text() == "old a.txt"
    with atomic_files(tmp_path) as stage:
        stage("a.txt").write_text("new a")
        write_gpkg([_event()], stage("c.gpkg"))
    assert (tmp_path / "a.txt").read_text() == "new a"
    assert read_events(tmp_path / "c.gpkg") == [_event()]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "c.gpkg"]


def test_store_gpkg_failure_keeps_old_file_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "events.gpkg"
    write_gpkg([_event()], target)
    before = target.read_bytes()
    import geopandas

    def broken(self, path, *args, **kwargs):
        Path(path).write_bytes(b"SQLite format 3\x00 half")
        Path(str(path) + "-journal").write_bytes(b"j")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(geopandas.GeoDataFrame, "to_file", broken)
    with pytest.raises(OSError):
        write_gpkg([_event(), _event(Change.CONTESTED, "Fighting.", None)], target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["events.gpkg"]


@pytest.mark.parametrize(("name", "content"), [
    ("nan.jsonl", '{"lat": NaN}'), ("deep.geojson", "[" * 100_000), ("deep.jsonl", "[" * 10**5),
    ("big.geojson", "9" * 5000), ("garbage.gpkg", "not sqlite"), ("dir.gpkg", None),
])
def test_store_read_events_hostile_files(tmp_path, name, content):
    if content is None:
        (tmp_path / name).mkdir()
    else:
        (tmp_path / name).write_text(content)
    with pytest.raises(InputError) as info:
        read_events(tmp_path / name)
    assert info.value.path.endswith(name) and "\n" not in str(info.value)


@pytest.mark.parametrize(("key", "value"), [("lat", float("nan")), ("lon", float("inf")),
                                            ("lat", 91), ("lon", -181), ("confidence", "nan"),
                                            ("lat", "x"), ("sources", 5), ("place_kind", "moon")])
def test_store_record_to_event_rejects_bad_values(key, value):
    record = event_to_record(_event()) | {key: value}
    with pytest.raises((ValueError, TypeError)):
        record_to_event(record)


# ---- nothing lost: an interrupted build leaves the previous outputs as they were ----

OUTPUTS = ("events.csv", "events.geojson", "events.gpkg", "events.render.json", "map.html")


def _articles(folder: Path, day: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text(f" date {day} {CAPTURE_NL}\n", encoding="utf-8")
    return folder


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every file's bytes; a folder (a staged set) as b"<folder>"."""
    return {p.name: b"<folder>" if p.is_dir() else p.read_bytes()
            for p in sorted(out.iterdir())}


@pytest.fixture
def previous(tmp_path, monkeypatch) -> tuple[Path, dict[str, bytes]]:
    """A finished build in tmp_path/out and the bytes of its outputs."""
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache.sqlite"))
    out = tmp_path / "out"
    assert main(["-q", "build", str(_articles(tmp_path / "one", "2024-02-17")), "--out",
                 str(out), "-j", "1"]) == 0
    snapshot = _snapshot(out)
    assert sorted(snapshot) == list(OUTPUTS)
    return out, snapshot


def _half_then(exc: BaseException):
    def dump(events, handle, *records) -> None:
        handle.write("half a file")
        raise exc
    return dump


def _interrupt(point: str, exc: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    from conflictmap import pipeline, store

    if point == "render":
        monkeypatch.setattr(pipeline, "render_map", lambda *a, **k: (_ for _ in ()).throw(exc))
    elif point == "index":
        def write_index(events, geojson, path) -> None:
            Path(path).write_bytes(b"half an index")
            raise exc

        monkeypatch.setattr(store, "write_render_index", write_index)
    elif point in ("geojson", "csv"):
        monkeypatch.setattr(store, f"dump_{point}", _half_then(exc))
    elif point == "gpkg":
        import geopandas

        def to_file(self, path, *args, **kwargs):
            Path(path).write_bytes(b"SQLite format 3\x00half")
            raise exc

        monkeypatch.setattr(geopandas.GeoDataFrame, "to_file", to_file)
    else:
        real_write_text = Path.write_text

        def write_text(self, data, *args, **kwargs):
            if "map.html" in self.name:  # the target or a staged copy
                real_write_text(self, "<html>half", *args, **kwargs)
                raise exc
            return real_write_text(self, data, *args, **kwargs)

        monkeypatch.setattr(Path, "write_text", write_text)



@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
@pytest.mark.parametrize("point", [
    "render", "geojson", "csv", "gpkg", "index", "map"])
def test_store_interrupted_build_keeps_previous_outputs(previous, tmp_path, monkeypatch, capsys,
                                                        point, exc):
    out, before = previous
    _interrupt(point, exc, monkeypatch)
    capsys.readouterr()
    code = main(["build", str(_articles(tmp_path / "two", "2024-03-01")), "--out", str(out),
                 "-j", "1"])
    _, err = capsys.readouterr()
    assert code == (130 if isinstance(exc, KeyboardInterrupt) else 2)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert _snapshot(out) == before  # byte-identical, and no temp file left


_KILL_SCRIPT = """
import os, signal, sys
from conflictmap import store
point = sys.argv[1]

def killed(events, handle, *records):
    handle.write("half a file")
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)

setattr(store, "dump_" + point, killed)
from conflictmap.cli import main
main(sys.argv[2:])
"""


@pytest.mark.parametrize("point", ["geojson", "csv"])
def test_store_killed_build_keeps_previous_outputs(previous, tmp_path, point):
    out, before = previous
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src"), "CI": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _KILL_SCRIPT, point, "-q", "build",
         str(_articles(tmp_path / "two", "2024-03-01")), "--out", str(out), "-j", "1"],
        env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    visible = {name: data for name, data in _snapshot(out).items() if not name.startswith(".")}
    assert visible == before
    leftovers = [p for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers, "the kill came while a temp file was open"
    for path in leftovers:  # some time later, the next build removes them
        os.utime(path, (1, 1))
    assert main(["-q", "build", str(tmp_path / "two"), "--out", str(out), "-j", "1"]) == 0
    assert sorted(p.name for p in out.iterdir()) == list(OUTPUTS)
    assert _snapshot(out) != before


@pytest.mark.parametrize(("copies", "quote"), [
    (5000, "The army said it had taken the town after days of heavy fighting. " * 2),
    (3, "\U0001f525" * 20_000),  # one quote of 40,000 UTF-16 units: cut
    (1, "x" * 40_000),
])
def test_store_csv_notes_stay_under_a_spreadsheet_cell(tmp_path, copies, quote):
    """A spreadsheet cell holds 32,767 characters: the notes cell is capped and says so;
    the GeoJSON keeps every source in full."""
    from dataclasses import replace

    base = _event(quote=quote)
    sources = tuple(replace(base.sources[0], article=f"copy{i:05d}.txt") for i in range(copies))
    event = replace(base, sources=sources)
    write_csv([event], tmp_path / "e.csv")
    with (tmp_path / "e.csv").open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    notes = row["notes"]
    assert len(notes.encode("utf-16-le")) // 2 <= 32_767
    assert "events.geojson has every source in full" in notes
    assert notes.startswith("copy00000.txt: ")
    write_geojson([event], tmp_path / "e.geojson")
    assert [s.quote for s in read_events(tmp_path / "e.geojson")[0].sources] == [quote] * copies


def test_store_csv_short_notes_are_not_touched(tmp_path):
    write_csv([_event()], tmp_path / "e.csv")
    with (tmp_path / "e.csv").open(encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["notes"] == (
            "kherson.txt: Ukrainian troops retook Kherson.")
