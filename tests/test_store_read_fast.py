"""The store's fast read path (orjson, shared places/actors/intervals, skipping by date)
gives exactly what the plain path (json + record_to_event per record) gives."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conflictmap import readers, store
from conflictmap.cli import main
from conflictmap.errors import InputError
from conflictmap.store import (
    event_to_record,
    read_events,
    record_to_event,
    scan_events,
    write_geojson,
    write_gpkg,
    write_jsonl,
)
from conflictmap.synthetic import synthetic_events


def _plain(path: Path) -> list:
    """The reference: json.loads and record_to_event, one record at a time."""
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [record_to_event(json.loads(line)) for line in lines if line.strip()]
    data = json.loads(path.read_text(encoding="utf-8"))
    return [record_to_event(f["properties"]) for f in data["features"]]


@pytest.fixture(scope="module")
def events() -> list:
    return list(synthetic_events(300, seed=3, places=40))


@pytest.mark.parametrize("suffix", [".geojson", ".jsonl"])
def test_fast_read_equals_plain_read(tmp_path, events, suffix):
    path = tmp_path / f"events{suffix}"
    (write_geojson if suffix == ".geojson" else write_jsonl)(events, path)
    fast = read_events(path)
    assert fast == _plain(path) == events
    assert [e.id for e in fast] == [e.id for e in events]
    assert [repr(e) for e in fast] == [repr(e) for e in events]


@pytest.mark.parametrize("suffix", [".geojson", ".jsonl"])
def test_fast_read_without_orjson_is_the_same(tmp_path, events, suffix, monkeypatch):
    path = tmp_path / f"events{suffix}"
    (write_geojson if suffix == ".geojson" else write_jsonl)(events, path)
    with_orjson = read_events(path)
    monkeypatch.setattr(readers, "_orjson", lambda: None)
    assert read_events(path) == with_orjson == events


def test_fast_read_shares_equal_places_and_actors(tmp_path, events):
    path = tmp_path / "events.geojson"
    write_geojson(events, path)
    read = read_events(path)
    places = {id(e.place) for e in read}
    assert len(places) == len({e.place for e in read}) <= 40
    actors = {id(a) for e in read for a in (e.actor, e.losing_actor) if a is not None}
    assert len(actors) == len({a for e in read for a in (e.actor, e.losing_actor) if a})
    assert all(a.place == b.place for a, b in zip(read, events, strict=True))


def test_fast_read_gpkg_equals_plain(tmp_path, events):
    path = tmp_path / "events.gpkg"
    write_gpkg(events[:50], path)
    assert read_events(path) == events[:50]


@pytest.mark.parametrize("suffix", [".geojson", ".jsonl"])
def test_scan_until_builds_only_events_starting_by_then(tmp_path, events, suffix):
    path = tmp_path / f"events{suffix}"
    (write_geojson if suffix == ".geojson" else write_jsonl)(events, path)
    until = date(2023, 6, 30)
    built, count = scan_events(path, until)
    assert count == len(events)
    assert built == [e for e in events if e.period.start <= until]
    assert scan_events(path) == (events, len(events))


def _records(events: list) -> list[dict]:
    return [event_to_record(e) for e in events]


@pytest.mark.parametrize(("key", "value"), [
    ("lat", 0.0), ("lat", -0.0), ("lat", 35), ("lon", "36.5"), ("population", 7.0),
    ("population", True), ("country", 5), ("place", 12), ("confidence", 1), ("confidence", ""),
    ("confidence", None), ("time_precision", 2.0), ("geo_precision", None), ("status", ""),
    ("place_kind", None), ("actor_kind", None), ("actor_name", 3), ("sources", None),
])
def test_odd_but_valid_values_read_as_record_to_event_reads_them(tmp_path, events, key, value):
    records = _records(events[:5])
    records[2] = records[2] | {key: value}
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    fast = read_events(path)
    assert fast == [record_to_event(r) for r in records]
    assert [repr(e) for e in fast] == [repr(record_to_event(r)) for r in records]


def test_json_only_numbers_fall_back_to_json(tmp_path, events):
    # orjson reads an integer beyond 64 bits as a float, json as an int; NaN only json reads
    record = json.dumps(event_to_record(events[0]))
    big = record.replace('"population": 0', '"population": 18446744073709551617')
    assert big != record
    path = tmp_path / "big.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    f'"properties": {big}}}]}}', encoding="utf-8")
    (event,) = read_events(path)
    assert event.place.population == 18446744073709551617
    jsonl = tmp_path / "big.jsonl"
    jsonl.write_text(big + "\n" + record + "\n", encoding="utf-8")
    assert [e.place.population for e in read_events(jsonl)] == [18446744073709551617, 0]
    nan = tmp_path / "nan.jsonl"
    nan.write_text(record.replace('"confidence": 0.8', '"confidence": NaN') + "\n")
    with pytest.raises(InputError) as info:
        read_events(nan)
    assert info.value.line == 1 and "confidence" in str(info.value)


@pytest.mark.parametrize("suffix", [".geojson", ".jsonl"])
def test_bad_record_after_the_range_is_still_an_error(tmp_path, events, suffix):
    records = _records(events[:20])
    late = max(range(20), key=lambda i: records[i]["date_start"])
    records[late] = records[late] | {"lat": 95.0}
    path = tmp_path / f"bad{suffix}"
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:
        features = [{"type": "Feature", "properties": r} for r in records]
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(InputError) as info:
        scan_events(path, date(2022, 1, 1))
    with pytest.raises(InputError) as plain:
        read_events(path)
    assert str(info.value) == str(plain.value) and "lat" in str(info.value)
    if suffix == ".jsonl":
        assert info.value.line == late + 1


def test_cli_render_range_page_unchanged_by_skipping(tmp_path, events, monkeypatch):
    path = tmp_path / "events.geojson"
    write_geojson(events, path)
    args = ["--from", "2023-01-01", "--to", "2023-06-30", "--lang", "en"]
    assert main(["-q", "render", str(path), "-o", str(tmp_path / "fast.html"), *args]) == 0
    every = store.scan_events
    monkeypatch.setattr(store, "scan_events", lambda p, until=None: every(p))
    assert main(["-q", "render", str(path), "-o", str(tmp_path / "all.html"), *args]) == 0
    assert (tmp_path / "fast.html").read_bytes() == (tmp_path / "all.html").read_bytes()


@pytest.mark.parametrize(("content", "says"), [
    (b"\xef\xbb\xbf{}", "invalid GeoJSON"), (b'{"features": ["\xe9"]}', "cannot read"),
    (b'{"features": ["\xed\xa0\x80"]}', "cannot read"), (b'{"a": "x\ry"}', "invalid GeoJSON"),
    (b'{"type": "FeatureCollection", "features": [{"properties": {"lat": NaN}}]}',
     "feature 1"),
])
def test_geojson_bytes_orjson_refuses_get_the_plain_errors(tmp_path, content, says):
    path = tmp_path / "odd.geojson"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_events(path)
    assert says in str(info.value) and info.value.path.endswith("odd.geojson")
