"""The event store: round trips through every format, CSV formula neutralisation, atomicity."""

from __future__ import annotations

import csv
import json
from datetime import date

import pyogrio
import pytest

from conflictmap.errors import InputError
from conflictmap.model import Actor, Change, Event, Interval, Place, PlaceKind, Source, Status
from conflictmap.store import (
    atomic_write,
    neutralise_cell,
    read_events,
    write_csv,
    write_geojson,
    write_gpkg,
    write_jsonl,
)

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
