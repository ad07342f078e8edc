"""The render index (events.render.json): `conflictmap render` from it writes exactly the page
it writes from events.geojson itself, and a missing, stale or damaged index only costs time."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from conflictmap import mapdata, mapframe, render, store
from conflictmap.cli import main
from conflictmap.model import Actor, Change, Event, Interval, Place, PlaceKind, Source, Status
from conflictmap.render import EventColumns, render_html
from conflictmap.store import (
    atomic_files,
    read_events,
    read_render_index,
    render_index_path,
    write_geojson,
    write_render_index,
)
from conflictmap.synthetic import synthetic_events

ROOT = Path(__file__).resolve().parents[1]


def mixed_events(n: int, seed: int) -> list[Event]:
    """Events with what the page encodes awkwardly: several sources, names inside quotes,
    the marker bytes, regions and countries, disputed and contested events, withdrawals
    without a gainer, one id with two names, ties on place and day, long intervals."""
    rng = random.Random(seed)
    actors = [Actor("saa", "Syrian Arab Army", "syrian_government", "state"),
              Actor("hts", "HTS", "syrian_rebels"),
              Actor("hts", "Hay'at Tahrir al-Sham", "syrian_rebels"),
              Actor("ua_army", "Armed Forces of Ukraine", "ukraine", "state"),
              Actor("ru_army", "Russian Armed Forces", "russia", "state"),
              Actor("x", "X", "x_side"), Actor("wagner", "Wagner", "russia"),
              Actor("m23", "M23 <b>&amp;</b>", "m23_side_\u2028")]
    places = [Place("geonames:170063", "Aleppo", PlaceKind.TOWN, 36.2021, 37.1343, "SY"),
              Place("geonames:170063", "Halab", PlaceKind.TOWN, 36.2021, 37.1343, "SY"),
              Place("geonames:170017", "Hama", PlaceKind.TOWN, 35.1318, 36.7578, "SY"),
              Place("region:idlib", "Idlib Governorate", PlaceKind.REGION, 35.83, 36.63, "SY"),
              Place("country:ua", "Ukraine", PlaceKind.COUNTRY, 49.0, 32.0, "UA"),
              Place("geonames:712423", "Bakhmut", PlaceKind.TOWN, 48.5956, 38.0003, "UA"),
              Place("site:1", "A", PlaceKind.SITE, -12.5, -45.25, "XX", "adm"),
              Place("other:2", "Zé {{ x }}", PlaceKind.OTHER, 10.0, 20.0)]
    quotes = ["It happened.", "{p} fell to {a}.", "{a} took {p} from {l}; {p} is quiet.",
              "Marker \x01 bytes {p}", "</script><script>alert(1)</script> {p}",
              "Line\u2028sep {l} & {a}", "{{ this }} {p}", "A {p} a"]
    urls = ["https://news.example.org/2024/a1", "https://news.example.org/2024/", "", "x"]
    events = []
    for _ in range(n):
        place = rng.choice(places)
        actor = rng.choice([*actors, None, None])
        loser = rng.choice([*actors, None])
        start = date(2022, 12, 1) + timedelta(days=rng.randrange(260))
        end = start + timedelta(days=rng.choice((0, 0, 1, 6, 20, 90, 400)))
        sources = []
        for k in range(rng.choice((1, 1, 2, 3))):
            quote = rng.choice(quotes).format(p=place.name, a=actor.name if actor else "x",
                                              l=loser.name if loser else "y")
            article = f"art-{rng.randrange(n // 2 + 1)}"
            sources.append(Source(article, rng.choice([start.isoformat(), "2023-01", ""]),
                                  quote, k, k + len(quote), rng.choice(urls),
                                  rng.choice(["", "Title", f"T {article}"]), ""))
        events.append(Event(rng.choice(list(Change)),
                            rng.choice([Status.REPORTED, Status.CLAIMED, Status.DISPUTED]),
                            place, Interval(start, end, rng.choice((1, 2, 3, 4, 0, 7))),
                            actor, loser, tuple(sources), round(rng.random(), 3),
                            rng.choice((0, 1, 2, 3))))
    return events


def _store(folder: Path, events: list[Event]) -> Path:
    """events.geojson and its render index, written together as build writes them."""
    with atomic_files(folder) as stage:
        geojson = stage("events.geojson")
        write_geojson(events, geojson)
        write_render_index(events, geojson, stage("events.render.json"))
    return folder / "events.geojson"


def _render(source: Path, out: Path, options: list[str]) -> bytes:
    assert main(["-q", "render", str(source), *options, "-o", str(out)]) == 0
    return out.read_bytes()


def _plain_copy(source: Path, folder: Path) -> Path:
    """The same events.geojson without a render index beside it."""
    folder.mkdir()
    return Path(shutil.copy2(source, folder / source.name))


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading events.geojson (or folium) now fails the test."""
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the events file was read")

    monkeypatch.setattr(store, "scan_events", fail)
    monkeypatch.setattr(mapframe, "_folium_page", fail)


OPTIONS = [
    [], ["--from", "2023-01-15"], ["--to", "2023-03-31"],
    ["--from", "2023-01-01", "--to", "2023-06-30"],
    ["--from", "2023-02-01", "--to", "2023-02-28", "--lang", "nl"],
    ["--from", "2023-01-01", "--to", "2023-06-30", "--offline"],
    ["--lang", "nl", "--offline"], ["--from", "2023-03-01", "--to", "2023-03-01"],
    ["--from", "2030-01-01", "--to", "2030-02-01"], ["--from", "2021-01-01"],
    ["--min-confidence", "0.5"],
    ["--from", "2023-02-01", "--min-confidence", "0.8", "--lang", "nl"],
]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """name -> (events.geojson with a render index, the same file without one)."""
    base = tmp_path_factory.mktemp("stores")
    made = {}
    for name, events in {"mixed": mixed_events(300, 1), "few": mixed_events(12, 2),
                         "synthetic": list(synthetic_events(600, seed=4, places=50)),
                         "empty": []}.items():
        indexed = _store(base / name, events)
        made[name] = (indexed, _plain_copy(indexed, base / f"{name}-plain"))
    return made


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: " ".join(o) or "all")
@pytest.mark.parametrize("name", ["mixed", "few", "synthetic", "empty"])
def test_index_page_equals_geojson_page(stores, tmp_path, monkeypatch, name, options):
    indexed, plain = stores[name]
    expected = _render(plain, tmp_path / "plain.html", options)
    with monkeypatch.context() as patch:
        _no_reading(patch)
        assert _render(indexed, tmp_path / "fast.html", options) == expected


@pytest.mark.parametrize("indexed", [True, False])
def test_render_min_confidence_leaves_out_the_less_sure_events(stores, tmp_path, indexed):
    """render --min-confidence 0.8 draws only events at 80 % or more, and the page's
    confidence control starts there."""
    import re

    source = stores["mixed"][0 if indexed else 1]
    page = _render(source, tmp_path / "map.html", ["--min-confidence", "0.8"]).decode()
    data = json.loads(re.search(r'id="cm-data">(.*?)</script>', page, re.S).group(1))
    expected = sum(1 for e in read_events(source) if round(e.confidence * 100) >= 80)
    assert data["mc"] == 80 and len(data["ev"]["k"]) == expected > 0
    assert min(data["ev"]["k"]) >= 80
    everything = _render(source, tmp_path / "all.html", []).decode()
    assert len(json.loads(re.search(r'id="cm-data">(.*?)</script>', everything, re.S)
                          .group(1))["ev"]["k"]) > expected


def test_index_from_a_build_equals_geojson_page(articles_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(["-q", "build", str(articles_dir), "--out", str(out), "--no-cache"]) == 0
    assert (out / "events.render.json").exists()
    plain = _plain_copy(out / "events.geojson", tmp_path / "plain")
    for options in (["--from", "2024-12-01", "--to", "2024-12-31", "--lang", "nl"],
                    ["--offline"], []):
        expected = _render(plain, tmp_path / "plain.html", options)
        with monkeypatch.context() as patch:
            _no_reading(patch)
            assert _render(out / "events.geojson", tmp_path / "fast.html", options) == expected
    assert capsys.readouterr().err == ""


def test_index_equals_render_html_of_the_events_read_back(tmp_path):
    """The index is made from the events in memory; the page equals the one made from the
    events as read back from the file (geo_precision 0, claimed, ... included)."""
    events = mixed_events(200, 7)
    source = _store(tmp_path, events)
    columns = EventColumns.from_json(read_render_index(source)["columns"])
    assert columns == EventColumns.from_events(events).with_order()
    assert EventColumns.from_events(read_events(source)) == EventColumns.from_events(events)


def test_index_frame_and_labels_of_other_code_are_made_again(stores, tmp_path, monkeypatch):
    indexed, plain = stores["mixed"]
    options = ["--from", "2023-01-01", "--to", "2023-06-30", "--lang", "nl"]
    expected = _render(plain, tmp_path / "plain.html", options)
    monkeypatch.setattr(mapframe, "frame_key", lambda: "other folium")
    monkeypatch.setattr(render, "labels_key", lambda: "other rules")
    monkeypatch.setattr(store, "scan_events", lambda *a, **k: pytest.fail("file read"))
    assert _render(indexed, tmp_path / "fast.html", options) == expected


def _one_warning(capsys: pytest.CaptureFixture[str], *words: str) -> None:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert "warning" in err.lower() and all(w in err for w in words), err


def _damage_geojson(source: Path) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["place"] = "Elsewhere"
    data["features"] = data["features"][:-1]
    source.write_text(json.dumps(data), encoding="utf-8")


def _keep_size_and_mtime(source: Path, edit) -> None:  # type: ignore[no-untyped-def]
    info = source.stat()
    edit(source)
    assert source.stat().st_size == info.st_size
    os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns))


def _swap_two_bytes(source: Path) -> None:
    raw = bytearray(source.read_bytes())
    i = re.search(rb'"place":\s*"', raw).end()  # whatever the writer's spacing
    raw[i], raw[i + 1] = raw[i + 1], raw[i]
    source.write_bytes(bytes(raw))


def _payload_edit(index: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Change the payload and give the header the new digest: only the checks of the
    columns themselves stand between it and the page."""
    import hashlib

    header_line, _, payload = index.read_bytes().partition(b"\n")
    header = json.loads(header_line)
    data = json.loads(payload)
    edit(data)
    body = json.dumps(data).encode()
    header["payload"] = {"size": len(body), "sha1": hashlib.sha1(body).hexdigest()}
    index.write_bytes(json.dumps(header).encode() + b"\n" + body + b"\n")


DAMAGE = {
    "truncated": lambda g, i: i.write_bytes(i.read_bytes()[:len(i.read_bytes()) // 2]),
    "empty": lambda g, i: i.write_bytes(b""),
    "not json": lambda g, i: i.write_bytes(b"\x00\xff garbage\n{"),
    "a directory": lambda g, i: (i.unlink(), i.mkdir()),
    "payload edited": lambda g, i: i.write_bytes(i.read_bytes().replace(b"Aleppo", b"Alepp0")),
    "other version": lambda g, i: i.write_bytes(
        i.read_bytes().replace(b'"version": 1', b'"version": 99', 1)),
    "header only": lambda g, i: i.write_bytes(i.read_bytes().partition(b"\n")[0]),
    "store edited": lambda g, i: _damage_geojson(g),
    "store edited, size and mtime kept": lambda g, i: _keep_size_and_mtime(g, _swap_two_bytes),
    "columns of unequal length": lambda g, i: _payload_edit(
        i, lambda d: d["columns"]["end"].pop()),
    "index out of range": lambda g, i: _payload_edit(
        i, lambda d: d["columns"]["place"].__setitem__(0, 10**6)),
    "a column missing": lambda g, i: _payload_edit(i, lambda d: d["columns"].pop("quote")),
    "a string for a number": lambda g, i: _payload_edit(
        i, lambda d: d["columns"]["start"].__setitem__(0, "2023")),
    "not an order": lambda g, i: _payload_edit(
        i, lambda d: d["columns"]["order"].__setitem__(0, d["columns"]["order"][1])),
    "bad frame": lambda g, i: _payload_edit(
        i, lambda d: d["frames"]["online"].__setitem__(1, "leaflet_js")),
    "bad labels": lambda g, i: _payload_edit(
        i, lambda d: d["labels"]["langs"].__setitem__("en", ["a"])),
    "payload a list": lambda g, i: _payload_edit(i, lambda d: d.clear()),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_index_stale_or_damaged_is_one_warning_and_the_file_is_read(tmp_path, capsys, damage):
    events = mixed_events(120, 3)
    source = _store(tmp_path / "store", events)
    DAMAGE[damage](source, render_index_path(source))
    plain = _plain_copy(source, tmp_path / "plain")
    capsys.readouterr()
    options = ["--from", "2023-01-01", "--to", "2023-06-30"]
    expected = _render(plain, tmp_path / "plain.html", options)
    assert main(["render", str(source), *options, "-o", str(tmp_path / "out.html")]) == 0
    assert (tmp_path / "out.html").read_bytes() == expected
    _one_warning(capsys, "events")


def test_index_missing_is_silent(stores, tmp_path, capsys):
    _, plain = stores["few"]
    assert main(["render", str(plain), "-o", str(tmp_path / "out.html")]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "12 events in the file" in out


def test_index_not_used_for_other_store_formats(tmp_path, monkeypatch):
    source = _store(tmp_path, mixed_events(30, 5))
    assert render_index_path(tmp_path / "events.jsonl") == render_index_path(source)
    store.write_jsonl(read_events(source), tmp_path / "events.jsonl")
    assert read_render_index(tmp_path / "events.jsonl") is None


def test_index_render_needs_no_folium_in_a_fresh_process(stores, tmp_path):
    indexed, _ = stores["mixed"]
    script = ("import sys; from conflictmap.cli import main; "
              f"code = main(['-q', 'render', {str(indexed)!r}, '--offline', '-o', "
              f"{str(tmp_path / 'map.html')!r}]); "
              "print(code, sorted(m for m in ('folium', 'pandas', 'numpy', 'branca') "
              "if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    assert done.stdout.split() == ["0", "[]"], done.stdout + done.stderr


@pytest.mark.parametrize("index", ["as built", "other code", "garbled", "none"])
def test_index_a_build_takes_the_last_builds_page_frames(articles_dir, tmp_path, monkeypatch,
                                                          index):
    """A build after the first takes the page frames from the render index the last one
    wrote (no folium); one of other code, a garbled one or none is made again. The map is
    the same either way."""
    out = tmp_path / "out"
    args = ["-q", "build", str(articles_dir), "--out", str(out), "--no-cache"]
    assert main(args) == 0
    first = (out / "map.html").read_bytes()
    path = out / "events.render.json"
    if index == "other code":
        header, payload = path.read_bytes().split(b"\n", 1)
        data = json.loads(payload)
        data["frames"]["key"] = "other folium"
        path.write_bytes(header + b"\n" + json.dumps(data).encode())
    elif index == "garbled":
        path.write_bytes(b'{"format": 1}\n{"frames": [1, 2]}')
    elif index == "none":
        path.unlink()
    made: list[bool] = []
    real = mapframe._made_frame
    monkeypatch.setattr(mapframe, "_FRAMES", {})  # as in a new process
    monkeypatch.setattr(mapframe, "_made_frame", lambda offline: made.append(offline)
                        or real(offline))
    assert main(args) == 0
    assert (out / "map.html").read_bytes() == first
    assert (made == []) == (index == "as built")


def test_columns_check_rejects_what_does_not_fit():
    columns = EventColumns.from_events(mixed_events(40, 6)).with_order()
    data = columns.to_json()
    assert EventColumns.from_json(data) == columns
    for name, value in (("nsrc", [*columns.nsrc[:-1], columns.nsrc[-1] + 1]),
                        ("actor", [len(columns.actor_id) + 1] * len(columns)),
                        ("change", [4] * len(columns)), ("status", [-1] * len(columns)),
                        ("start", [e + 1 for e in columns.end]), ("order", [0] * len(columns)),
                        ("quote", "not a list")):
        with pytest.raises(ValueError):
            EventColumns.from_json({**data, name: value})


@pytest.mark.parametrize("seed", range(3))
def test_blob_json_equals_json_dumps(seed):
    """orjson writes the page data as json.dumps(ensure_ascii=False) does."""
    rng = random.Random(seed)
    alphabet = [chr(i) for i in (*range(0, 0x80), 0x7F, 0xA0, 0x2028, 0x2029, 0xFEFF, 0xFFFF,
                                 0x1F600, 0x10FFFF)]
    text = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(30))) for _ in range(300)]
    data = {"t": text, "n": [rng.randrange(-2**63, 2**63) for _ in range(50)],
            "nested": [[1, "a", None, True, False], {}, [], {"k\x00": text[:3]}]}
    assert mapdata._blob_json(data) == mapdata._script_json(data)
    assert mapdata._blob_json({"s": "\ud800", "n": [2**70]}) == mapdata._script_json(
        {"s": "\ud800", "n": [2**70]})


def test_render_html_holds_no_float_in_the_blob():
    """_blob_json relies on it: orjson writes some floats with other digits than json."""
    page = render_html(mixed_events(80, 8))
    start = page.index('id="cm-data">') + len('id="cm-data">')
    blob = json.loads(page[start:page.index("</script>", start)])

    def floats(value: object) -> bool:
        if isinstance(value, dict):
            return any(floats(v) for v in value.values())
        if isinstance(value, list):
            return any(floats(v) for v in value)
        return isinstance(value, float)

    assert not floats(blob)
