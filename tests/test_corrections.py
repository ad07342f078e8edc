"""The analyst's corrections file: applied by every build and render, reported in the summary,
flagged in the files; a malformed file is one line naming the file and line (exit 2)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pyogrio
import pytest

from conflictmap.cli import main
from conflictmap.corrections import CorrectionsError, apply, default_path, load
from conflictmap.model import (
    Actor,
    Change,
    Event,
    Interval,
    Place,
    PlaceKind,
    Source,
    Status,
    report_key,
)
from conflictmap.store import read_events, write_jsonl

# Articles of my own about other wars than the dev corpus's.
ARTICLES = {
    "mosul.txt": " date 2017-07-10\nIraqi forces recaptured Mosul from Islamic State on Sunday.\n",
    "goma.txt": " date 2025-01-28\nM23 rebels captured Goma on Monday, the Congolese army said.\n",
}
MOSUL_KEY = report_key("mosul.txt", "geonames:99072", "recapture")
GOMA_KEY = report_key("goma.txt", "geonames:216281", "capture")
HEADER = "key,action,place,change,actor,losing_actor,date_start,date_end,source,quote,note\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ---- the key --------------------------------------------------------------------------------

PLACE = Place("geonames:1", "Town", PlaceKind.TOWN, 10.0, 20.0, "XX")
ACTOR = Actor("a", "A", "a", "state")


def _event(*articles: str, change: Change = Change.CAPTURE) -> Event:
    return Event(change, Status.REPORTED, PLACE, Interval.spanning(date(2020, 1, 1),
                 date(2020, 1, 2)), ACTOR, None,
                 tuple(Source(a, "2020-01-02", "q", 0, 1) for a in articles))


def test_corrections_key_is_stable_and_order_free():
    one, two = _event("x.txt", "y.txt"), _event("y.txt", "x.txt")
    assert one.key == two.key == report_key("x.txt", "geonames:1", "capture")
    assert one.keys == {report_key("x.txt", "geonames:1", "capture"),
                        report_key("y.txt", "geonames:1", "capture")}
    assert _event("x.txt", change=Change.RECAPTURE).key != one.key
    assert len(one.key) == 13 and one.key.startswith("r")


def test_corrections_apply_each_action(tmp_path):
    events = [_event("x.txt"), _event("y.txt", change=Change.WITHDRAWAL), _event("z.txt")]
    x, y, z = (e.key for e in events)
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + "\n".join([
        f"{x},reject,,,,,,,,,wrong town",
        f"{y},change,,capture,-,,2019-12-30,2019-12-31,,,",
        f"{z},verify,,,,,,,,,checked",
        "r000000000000,verify,,,,,,,,,gone",
        ",add,geonames:99072,recapture,iraq_gov,islamic_state,2017-07-09,,wire-7,"
        "\"Iraqi troops retook Mosul, officials said.\",",
    ]) + "\n", encoding="utf-8")
    corrections = load(path)
    fixed, outcome = apply(events, corrections, path)
    assert (outcome.applied, outcome.rejected, outcome.changed, outcome.verified,
            outcome.added) == (4, 1, 1, 1, 1)
    assert [c.line for c in outcome.unmatched] == [5]
    by_key = {e.key: e for e in fixed}
    assert x not in by_key
    changed = by_key[y]
    assert changed.corrected and changed.change is Change.CAPTURE and changed.actor is None
    assert changed.period == Interval.spanning(date(2019, 12, 30), date(2019, 12, 31))
    assert by_key[z].verified and not by_key[z].corrected
    added = next(e for e in fixed if e.place.id == "geonames:99072")
    assert added.verified and added.corrected and added.actor.id == "iraq_gov"
    assert added.sources[0].quote.startswith("Iraqi troops")
    # applying again (a render of what a build wrote) changes nothing and adds nothing twice
    again, second = apply(fixed, corrections, path)
    assert sorted(e.id for e in again) == sorted(e.id for e in fixed)
    assert "matching no event: 2" in "\n".join(second.lines())  # the rejected, the gone


@pytest.mark.parametrize(("body", "line", "words"), [
    ("r1,delete\n", 2, "action 'delete'"),
    ("\n# a comment\nr1,change\n", 4, "nothing to change"),
    (",verify\n", 2, "needs the event's key"),
    ("r1,change,Nowhere-on-Earth-xyz\n", 2, "not in the gazetteer"),
    ("r1,change,,conquered\n", 2, "change 'conquered'"),
    ("r1,change,,,no_such_actor\n", 2, "not an actor id"),
    ("r1,change,,,,,2024-02-30\n", 2, "expected YYYY-MM-DD"),
    ("r1,change,,,,,2024-02-03,2024-02-01\n", 2, "before date_start"),
    (",add,geonames:99072,capture\n", 2, "needs date_start, source"),
])
def test_corrections_bad_line_names_file_and_line(tmp_path, body, line, words):
    path = tmp_path / "corrections.csv"
    path.write_text("key,action,place,change,actor,losing_actor,date_start,date_end\n" + body)
    with pytest.raises(CorrectionsError) as info:
        load(path)
    assert info.value.line == line and info.value.path == str(path)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_corrections_bad_header(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text("key,what\nr1,reject\n")
    with pytest.raises(CorrectionsError) as info:
        load(path)
    assert info.value.line == 1


def test_corrections_bad_file_exits_2_with_one_line(corpus, tmp_path, capsys):
    path = tmp_path / "fixes.csv"
    path.write_text(HEADER + f"{MOSUL_KEY},approve\n")
    code = main(["build", str(corpus), "--out", str(tmp_path / "out"), "--no-cache",
                 "--corrections", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}:2:" in err and "action 'approve'" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--no-cache",
                 "--corrections", str(tmp_path / "missing.csv")]) == 2


def test_corrections_every_build_and_render_applies_them(corpus, tmp_path, capsys):
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + "\n".join([
        f"{GOMA_KEY},verify,,,,,,,,,seen on video",
        f"{MOSUL_KEY},change,,,,,2017-07-10,,,,the day of the announcement",
        "r111111111111,reject,,,,,,,,,an event since gone",
        ",add,geonames:216281,withdrawal,,fardc,2025-01-27,,analyst note 4,"
        "The army left Goma.,",
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "--no-cache",
                 "--corrections", str(path)]) == 0
    said = capsys.readouterr().out
    assert f"corrections: 3 of 4 applied (1 changed, 1 verified, 1 added) from {path}" in said
    assert "corrections matching no event: 1: line 4 (r111111111111)" in said

    rows = {(r["location"], r["change"]): r for r in _csv_rows(out / "events.csv")}
    assert rows[("Goma", "capture")]["verified"] == "1"
    assert rows[("Goma", "capture")]["corrected"] == "0"
    assert rows[("Goma", "capture")]["key"] == GOMA_KEY
    mosul = rows[("Mosul", "recapture")]
    assert mosul["corrected"] == "1" and mosul["key"] == MOSUL_KEY
    assert mosul["date_start"] == mosul["date_end"] == "2017-07-10"
    assert rows[("Goma", "withdrawal")]["verified"] == "1"

    features = json.loads((out / "events.geojson").read_text())["features"]
    flags = {(f["properties"]["place"], f["properties"]["change"]):
             (f["properties"]["key"], f["properties"]["verified"], f["properties"]["corrected"])
             for f in features}
    assert flags[("Mosul", "recapture")] == (MOSUL_KEY, False, True)
    assert flags[("Goma", "capture")] == (GOMA_KEY, True, False)
    table = pyogrio.read_dataframe(out / "events.gpkg")
    assert sorted(table["verified"].tolist()) == [False, True, True]
    assert sorted(table["corrected"].tolist()) == [False, True, True]
    # the flags survive a round trip through every events file
    for name in ("events.geojson", "events.gpkg"):
        back = {(e.place.name, e.change.value): e for e in read_events(out / name)}
        assert back[("Mosul", "recapture")].corrected
        assert back[("Mosul", "recapture")].key == MOSUL_KEY
        assert back[("Goma", "capture")].verified

    # render applies the file again: nothing doubles, and the summary says so
    assert main(["render", str(out / "events.geojson"), "-o", str(tmp_path / "map.html"),
                 "--corrections", str(path)]) == 0
    said = capsys.readouterr().out
    assert "corrections: 3 of 4 applied" in said  # again: the same events, none doubled
    assert "wrote" in said and "(3 events in the file)" in said


def test_corrections_render_applies_a_new_rejection(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["-q", "build", str(corpus), "--out", str(out), "--no-cache"]) == 0
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + f"{GOMA_KEY},reject,,,,,,,,,not confirmed\n")
    page = tmp_path / "map.html"
    assert main(["render", str(out / "events.geojson"), "-o", str(page),
                 "--corrections", str(path)]) == 0
    assert "corrections: 1 of 1 applied (1 rejected)" in capsys.readouterr().out
    assert "Goma" not in page.read_text(encoding="utf-8")


def test_corrections_file_beside_the_overrides_file(corpus, tmp_path, capsys):
    overrides = tmp_path / "analyst" / "overrides.toml"
    overrides.parent.mkdir()
    overrides.write_text("")
    assert default_path(overrides) == overrides.parent / "corrections.csv"
    (overrides.parent / "corrections.csv").write_text(
        HEADER + f"{GOMA_KEY},reject,,,,,,,,,\n")
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--no-cache",
                 "--overrides", str(overrides)]) == 0
    assert "corrections: 1 of 1 applied (1 rejected)" in capsys.readouterr().out
    rows = _csv_rows(tmp_path / "out" / "events.csv")
    assert [r["location"] for r in rows] == ["Mosul"]


def test_corrections_jsonl_round_trip_keeps_flags(tmp_path):
    event = _event("x.txt")
    path = tmp_path / "c.csv"
    path.write_text(HEADER + f"{event.key},change,,recapture,,,,,,,\n")
    fixed, _ = apply([event], load(path))
    write_jsonl(fixed, tmp_path / "e.jsonl")
    (back,) = read_events(tmp_path / "e.jsonl")
    assert back == fixed[0] and back.key == event.key and back.change is Change.RECAPTURE
