"""The golden test: `conflictmap build` over the sample articles, checked end to end.

It reads the written files, as a user or a GIS tool would, and scores them with
`conflictmap eval` against the public gold annotations.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date

import pytest

from conflictmap.cli import main

# (what the sample articles say, change, gold lat, lon, earliest, latest, kind)
EXPECTED = [
    ("Aleppo taken in 2024", "capture", 36.20, 37.16, date(2024, 11, 18), date(2024, 12, 30),
     "town"),
    ("Aleppo retaken by the government in 2016", ("recapture", "capture"), 36.20, 37.16,
     date(2016, 1, 1), date(2016, 12, 31), "town"),
    ("Hama taken", ("capture", "withdrawal"), 35.13, 36.75, date(2024, 11, 25),
     date(2024, 12, 31), "town"),
    ("Deir ez-Zor taken", "capture", 35.34, 40.14, date(2024, 11, 27), date(2024, 12, 7),
     "town"),
    ("fighting for Homs", "contested", 34.73, 36.71, date(2024, 12, 1), date(2024, 12, 31),
     "town"),
    ("Daraa province", ("capture", "withdrawal"), 32.8, 36.2, date(2024, 12, 1),
     date(2024, 12, 31), "region"),
    ("Sweida province", ("capture", "withdrawal"), 32.7, 36.7, date(2024, 12, 1),
     date(2024, 12, 31), "region"),
]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def built(articles_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("golden")
    assert main(["-q", "build", str(articles_dir), "--out", str(out), "--no-cache"]) == 0
    features = json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]
    return out, [f["properties"] for f in features]


@pytest.mark.parametrize(("label", "change", "lat", "lon", "earliest", "latest", "kind"),
                         EXPECTED, ids=[row[0] for row in EXPECTED])
def test_golden_sample_events_are_on_the_record(built, label, change, lat, lon, earliest,
                                                 latest, kind):
    _, records = built
    changes = (change,) if isinstance(change, str) else change
    radius = 60 if kind == "region" else 10
    found = [
        r for r in records
        if r["change"] in changes and _km(r["lat"], r["lon"], lat, lon) <= radius
        and date.fromisoformat(r["date_start"]) <= latest
        and date.fromisoformat(r["date_end"]) >= earliest
    ]
    assert found, f"{label}: no {changes} event near ({lat}, {lon})"
    record = found[0]
    assert record["place_kind"] == kind
    assert record["geo_precision"] == (3 if kind == "region" else 1)
    for source in record["sources"]:
        assert source["quote"] and source["article"].endswith(".txt")


def test_golden_quotes_are_the_article_text(built, articles_dir):
    from conflictmap.articles import read_articles

    texts = {a.id: a.text for a in read_articles([articles_dir])}
    _, records = built
    for record in records:
        for source in record["sources"]:
            assert texts[source["article"]][source["start"]:source["end"]] == source["quote"]


def test_golden_nothing_in_the_2020_article(built):
    _, records = built
    assert not [s for r in records for s in r["sources"] if s["article"].startswith("004_")]


def test_golden_no_false_town_is_captured(built):
    _, records = built
    for record in records:
        # Damascus is only approached ("op 20 kilometer"), Talbiseh only reached.
        assert _km(record["lat"], record["lon"], 33.51, 36.28) > 10, record["place"]
        assert _km(record["lat"], record["lon"], 34.84, 36.73) > 5, record["place"]


def test_golden_eval_scores_the_public_gold(articles_dir, gold_path, capsys):
    assert main(["eval", "--gold", str(gold_path), str(articles_dir), "--no-cache"]) == 0
    printed = capsys.readouterr().out
    figures = {name: float(value) for name, value in
               re.findall(r"^(precision|recall|F1)\s+([0-9.]+)", printed, re.M)}
    assert figures["precision"] >= 0.9 and figures["recall"] >= 0.9, printed
    assert re.search(r"^date overlap\s+1\.000", printed, re.M), printed


def test_golden_map_names_its_range(built):
    out, records = built
    html = (out / "map.html").read_text(encoding="utf-8")
    first = min(r["date_start"] for r in records)
    last = max(r["date_end"] for r in records)
    assert first in html and last in html
