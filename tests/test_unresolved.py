"""Nothing is lost without a word: a change sentence naming a place the gazetteer lacks goes
to unresolved.csv (with the change it would have been and a suggested country), the summary
says how many, and the names never become events; through the cache and the spill too."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conflictmap.cli import main
from conflictmap.pipeline import stream_events
from conflictmap.runlog import RunLog

# Sentences of my own, with invented village names no gazetteer has.
ARTICLES = {
    "nl.txt": " date 2023-06-12\nHet Oekraïense leger heeft het dorp Zorvakivka heroverd.\n",
    "en.txt": " date 2025-02-03\nSudanese army troops recaptured the town of Umm Dabbaqa near "
              "Khartoum on Sunday.\n",
    "known.txt": " date 2017-07-10\nIraqi forces recaptured Mosul from Islamic State on "
                 "Sunday.\n",
    "none.txt": " date 2024-01-01\nThe weather in Kherson was cold on Monday.\n",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_unresolved_csv_lists_the_names(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "--no-cache"]) == 0
    said = capsys.readouterr().out
    assert "places no gazetteer knows: 2 names in 2 sentences" in said
    assert f"wrote {out / 'unresolved.csv'}" in said
    rows = {r["name"]: r for r in _rows(out / "unresolved.csv")}
    assert set(rows) == {"Zorvakivka", "Umm Dabbaqa"}
    nl = rows["Zorvakivka"]
    assert (nl["article"], nl["change"], nl["suggested_country"]) == ("nl.txt", "recapture", "UA")
    assert nl["sentence"] == "Het Oekraïense leger heeft het dorp Zorvakivka heroverd."
    en = rows["Umm Dabbaqa"]
    assert en["suggested_country"] == "SD" and en["suggested_region"]  # Khartoum's state
    assert en["published"] == "2025-02-03"
    # the names never become events
    events = _rows(out / "events.csv")
    assert [e["location"] for e in events] == ["Mosul"]


def test_unresolved_survive_the_cache(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    cache = tmp_path / "cache.sqlite"
    for _ in range(2):  # the second run replays every article from the cache
        assert main(["-q", "build", str(corpus), "--out", str(out), "--cache", str(cache)]) == 0
        assert {r["name"] for r in _rows(out / "unresolved.csv")} == {"Zorvakivka",
                                                                       "Umm Dabbaqa"}
        assert [e["location"] for e in _rows(out / "events.csv")] == ["Mosul"]


@pytest.mark.parametrize("cached", [False, True])
def test_unresolved_set_apart_when_spilled(corpus, tmp_path, cached):
    runlog = RunLog()
    cache = tmp_path / "cache.sqlite" if cached else False
    if cached:
        list(stream_events([corpus], runlog, cache=cache, jobs=1))
        runlog = RunLog()
    events = list(stream_events([corpus], runlog, cache=cache, jobs=1, spill_after=0,
                                spill_dir=tmp_path))
    assert [e.place.name for e in events] == ["Mosul"]
    assert sorted(e.place.name for e in runlog.unresolved) == ["Umm Dabbaqa", "Zorvakivka"]
    assert runlog.reports == 1


def test_unresolved_empty_file_when_all_known(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "known.txt").write_text(ARTICLES["known.txt"], encoding="utf-8")
    assert main(["-q", "build", str(folder), "--out", str(tmp_path / "o"), "--no-cache"]) == 0
    assert (tmp_path / "o" / "unresolved.csv").read_text().startswith("name,article,")
    assert _rows(tmp_path / "o" / "unresolved.csv") == []


def test_unresolved_extract_output_has_no_placeholders(corpus, capsys):
    assert main(["extract", str(corpus), "--no-cache", "-f", "jsonl"]) == 0
    out = capsys.readouterr().out
    assert "unresolved:" not in out and '"place":"Mosul"' in out


def test_unresolved_are_the_names_sent_to_the_geocoder(corpus, tmp_path, nominatim,
                                                        monkeypatch, capsys):
    monkeypatch.setenv("CONFLICTMAP_HOME", str(tmp_path / "home"))  # the geocoder cache
    nominatim.answers["Zorvakivka"] = [{
        "osm_type": "node", "osm_id": 1, "lat": "48.1", "lon": "37.9",
        "display_name": "Zorvakivka, Ukraine", "address": {"country_code": "ua"}}]
    out = tmp_path / "out"
    assert main(["-q", "build", str(corpus), "--out", str(out), "--no-cache", "--geocode",
                 "--geocoder-url", nominatim.url]) == 0
    asked = {r["q"] for r in nominatim.requests}
    assert asked == {"Zorvakivka", "Umm Dabbaqa"}
    # the name the geocoder answered is a place now; the other is still unresolved
    assert {r["name"] for r in _rows(out / "unresolved.csv")} == {"Umm Dabbaqa"}
    assert sorted(e["location"] for e in _rows(out / "events.csv")) == ["Mosul", "Zorvakivka"]
