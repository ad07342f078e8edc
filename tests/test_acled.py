"""events.csv is ACLED-compatible: ACLED's columns in ACLED's order, codes per the codebook."""

from __future__ import annotations

import csv
import tomllib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from conflictmap.acled import ACLED_COLUMNS, CSV_COLUMNS, inter_code, interaction
from conflictmap.model import Actor, Change, Event, Interval, Place, PlaceKind, Source, Status
from conflictmap.store import write_csv

CODEBOOK = tomllib.loads((Path(__file__).parent / "data" / "acled_codebook.toml").read_text())

# Places and actors of wars of my own choosing (not from the dev articles).
MOSUL = Place("geonames:99072", "Mosul", PlaceKind.TOWN, 36.335, 43.119, "IQ", "Nineveh", 1)
GOMA = Place("geonames:216281", "Goma", PlaceKind.TOWN, -1.679, 29.228, "CD", "North Kivu", 1)
NINEVEH = Place("iso:IQ-NI", "Nineveh", PlaceKind.REGION, 36.2, 42.6, "IQ", "Nineveh", 0)
IRAQ = Actor("iraq_gov", "Iraqi government forces", "iraq_gov", "state")
IS = Actor("islamic_state", "Islamic State", "islamic_state", "non_state")
M23 = Actor("m23", "M23", "m23", "non_state")
FARDC = Actor("fardc", "FARDC", "fardc", "state")
TURKEY = Actor("turkey", "Turkish armed forces", "turkey", "state")


def _event(change: Change, place: Place, gainer: Actor | None, loser: Actor | None,
           days: tuple[date, date] = (date(2017, 7, 9), date(2017, 7, 10))) -> Event:
    quote = f"{place.name} changed hands."
    return Event(change, Status.REPORTED, place, Interval.spanning(*days), gainer, loser,
                 (Source("wire-1.txt", days[1].isoformat(), quote, 0, len(quote)),),
                 geo_precision=place.geo_precision)


EVENTS = [
    _event(Change.RECAPTURE, MOSUL, IRAQ, IS),
    _event(Change.CAPTURE, GOMA, M23, FARDC, (date(2025, 1, 1), date(2025, 1, 31))),
    _event(Change.CAPTURE, MOSUL, None, IS),  # no named gainer
    _event(Change.CAPTURE, MOSUL, None, None),
    _event(Change.WITHDRAWAL, GOMA, None, FARDC),
    _event(Change.CONTESTED, NINEVEH, IS, IRAQ, (date(2016, 1, 1), date(2016, 12, 31))),
    _event(Change.CAPTURE, MOSUL, TURKEY, IS),  # a state force outside its own country
]


@pytest.fixture
def rows(tmp_path) -> list[dict[str, str]]:
    write_csv(EVENTS, tmp_path / "events.csv")
    with (tmp_path / "events.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        return list(reader)


def test_acled_columns_first_in_acled_order(rows):
    assert list(ACLED_COLUMNS) == CODEBOOK["columns"]
    assert CSV_COLUMNS[:len(ACLED_COLUMNS)] == ACLED_COLUMNS
    assert len(set(CSV_COLUMNS)) == len(CSV_COLUMNS)  # our own columns do not shadow one


def test_acled_rows_follow_the_codebook(rows):
    types = CODEBOOK["event_types"]
    inter = {int(k) for k in CODEBOOK["inter"]}
    for row in rows:
        kind = types[row["event_type"]]
        assert row["sub_event_type"] in kind["sub_event_types"]
        assert row["disorder_type"] == kind["disorder_type"]
        assert int(row["time_precision"]) in CODEBOOK["time_precision"]
        assert int(row["geo_precision"]) in CODEBOOK["geo_precision"]
        assert row["event_date"] == row["date_end"] and row["year"] == row["event_date"][:4]
        codes = [int(row[c]) for c in ("inter1", "inter2") if row[c]]
        assert all(c in inter for c in codes)
        if codes:  # the lower code first; one actor alone: its code and 0
            expected = (sorted(codes)[0] * 10 + sorted(codes)[1] if len(codes) == 2
                        else codes[0] * 10)
            assert int(row["interaction"]) == expected
        else:
            assert row["interaction"] == ""
        assert bool(row["actor1"]) == bool(row["inter1"])
        assert bool(row["actor2"]) == bool(row["inter2"])
        for empty in ("event_id_cnty", "fatalities", "admin2", "admin3", "assoc_actor_1"):
            assert row[empty] == ""


def test_acled_sub_event_types_by_gainer(rows):
    sub = [r["sub_event_type"] for r in rows]
    assert sub[0] == "Government regains territory"  # a state force retakes
    assert sub[1] == "Non-state actor overtakes territory"  # a named non-state actor
    assert sub[2] == sub[3] == "Armed clash"  # no named gainer: not a non-state takeover
    assert rows[4]["event_type"] == "Strategic developments"
    assert sub[4] == "Non-violent transfer of territory"
    assert sub[5] == "Armed clash"


def test_acled_inter_codes(rows):
    assert (rows[0]["inter1"], rows[0]["inter2"], rows[0]["interaction"]) == ("1", "2", "12")
    assert (rows[2]["inter1"], rows[2]["inter2"], rows[2]["interaction"]) == ("", "2", "20")
    assert rows[3]["inter1"] == rows[3]["inter2"] == rows[3]["interaction"] == ""
    assert (rows[6]["inter1"], rows[6]["interaction"]) == ("8", "28")  # abroad: external
    assert inter_code(None, "IQ") is None
    assert interaction(None, None) is None and interaction(8, 1) == 18


def test_acled_country_iso_and_precision(rows):
    assert rows[0]["country"] == "Iraq" and rows[0]["iso"] == "368"
    assert rows[1]["country"] == "Democratic Republic of Congo" and rows[1]["iso"] == "180"
    assert rows[1]["time_precision"] == "3" and rows[1]["date_precision"] == "3"
    assert rows[5]["time_precision"] == "3" and rows[5]["date_precision"] == "4"
    assert rows[0]["country_code"] == "IQ"


def test_acled_concatenates_with_an_acled_export(tmp_path):
    write_csv(EVENTS, tmp_path / "events.csv")
    ours = pd.read_csv(tmp_path / "events.csv")
    export = pd.DataFrame([{c: None for c in ACLED_COLUMNS}])
    both = pd.concat([export, ours], ignore_index=True)
    assert list(both.columns[:len(ACLED_COLUMNS)]) == list(ACLED_COLUMNS)
    assert len(both) == len(EVENTS) + 1


def test_acled_geopackage_carries_dates_as_dates(tmp_path):
    import pyogrio

    from conflictmap.store import read_events, write_gpkg

    write_gpkg(EVENTS, tmp_path / "events.gpkg")
    info = pyogrio.read_info(tmp_path / "events.gpkg", layer="events")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["date_start"].startswith("datetime64") and types["date_end"].startswith(
        "datetime64")
    table = pyogrio.read_dataframe(tmp_path / "events.gpkg", read_geometry=False)
    assert str(table["date_end"].iloc[0].date()) == "2017-07-10"
    assert read_events(tmp_path / "events.gpkg") == EVENTS  # and they read back
