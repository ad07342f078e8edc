"""The command line: every command and option has help; the default command is build."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from conflictmap.cli import COMMANDS, _with_default_command, main, make_parser


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield name, sub
                yield from _subparsers(sub)


def test_cli_every_command_and_option_has_help():
    parser = make_parser()
    commands = dict(_subparsers(parser))
    assert set(COMMANDS) <= set(commands)
    for name, sub in [("conflictmap", parser), *commands.items()]:
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{name}: option {action.option_strings or action.dest} has no help"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ["build"]),
        (["--from", "2024-01-01"], ["build", "--from", "2024-01-01"]),
        (["-q"], ["-q", "build"]),
        (["-q", "extract", "a"], ["-q", "extract", "a"]),
        (["articles"], ["build", "articles"]),
        (["--help"], ["--help"]),
    ],
)
def test_cli_default_command_is_build(argv, expected):
    assert _with_default_command(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [["build", "--from", "2024-13-01"], ["build", "--lang", "xx"], ["extract", "a", "-f", "kml"],
     ["build", "--jobs", "-3"]],
)
def test_cli_bad_option_is_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error:" in err


def test_cli_python_dash_m_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "conflictmap", "--version"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.startswith("conflictmap ")


def test_cli_build_then_render_a_range(articles_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["-q", "build", str(articles_dir), "--out", str(out)]) == 0
    for name in ("map.html", "events.geojson", "events.csv", "events.gpkg"):
        assert (out / name).stat().st_size > 0
    events = json.loads((out / "events.geojson").read_text())["features"]
    assert events
    page = tmp_path / "range.html"
    assert main(["-q", "render", str(out / "events.geojson"), "-o", str(page),
                 "--from", "2024-12-01", "--to", "2024-12-31", "--lang", "nl"]) == 0
    assert "2024-12-01" in page.read_text(encoding="utf-8")


def test_cli_min_confidence_leaves_out_less_sure_events(articles_dir, tmp_path, capsys):
    """extract and build take --min-confidence: events below it are left out, those at or
    above it kept, and build's summary says how many were left out."""
    def extracted(*options: str) -> list[dict]:
        capsys.readouterr()
        assert main(["-q", "extract", str(articles_dir), "--no-cache", *options]) == 0
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    every = extracted()
    levels = sorted({e["confidence"] for e in every})
    assert every and extracted("--min-confidence", str(levels[0])) == every
    middle = levels[len(levels) // 2]
    assert extracted("--min-confidence", str(middle)) == [
        e for e in every if e["confidence"] >= middle]
    above = f"{min(1.0, levels[-1] + 0.01):.2f}"
    assert extracted("--min-confidence", above) == []
    assert main(["-q", "extract", str(articles_dir), "--no-cache", "--min-confidence", above,
                 "-o", str(tmp_path / "events.geojson")]) == 0
    assert json.loads((tmp_path / "events.geojson").read_text())["features"] == []
    out = tmp_path / "out"
    assert main(["build", str(articles_dir), "--out", str(out), "--no-cache",
                 "--min-confidence", above]) == 0
    said = capsys.readouterr().out
    assert f"{len(every)} below the minimum confidence left out" in said
    assert json.loads((out / "events.geojson").read_text())["features"] == []
    with pytest.raises(SystemExit):  # a usage error, as argparse gives
        main(["-q", "extract", str(articles_dir), "--min-confidence", "2"])


def test_cli_build_with_nothing_readable_exits_1(tmp_path, capsys):
    (tmp_path / "bad.txt").write_text("no header here", encoding="utf-8")
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "bad.txt" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "map.html").exists()


def test_cli_reversed_range_is_a_user_error(tmp_path, capsys):
    code = main(["build", "--from", "2024-12-31", "--to", "2024-01-01", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "--from 2024-12-31 is after --to 2024-01-01" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_internal_error_is_one_line_without_traceback(monkeypatch, capsys):
    import conflictmap.cli as cli

    def broken(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(cli.HANDLERS, "places", broken)
    assert main(["places", "articles"]) == 3
    err = capsys.readouterr().err
    assert "internal error (ZeroDivisionError" in err and "Traceback" not in err


def test_cli_geocode_asks_a_local_nominatim_once_then_works_offline(tmp_path, monkeypatch,
                                                                    nominatim, capsys):
    import conflictmap.geocode as geocode

    monkeypatch.setattr(geocode, "CACHE_NAME", str(tmp_path / "geocoded.json"))
    nominatim.answers["Zarbakhiyya"] = [
        {"place_id": 7, "osm_type": "node", "osm_id": 7, "lat": "36.01", "lon": "36.52",
         "display_name": "Zarbakhiyya, Idlib, Syria",
         "address": {"village": "Zarbakhiyya", "country_code": "sy"}}]
    (tmp_path / "a.txt").write_text(
        " date 2024-03-12 Syrian rebels captured the village of Zarbakhiyya on Tuesday, "
        "the Syrian army said.\n", encoding="utf-8")
    argv = ["extract", str(tmp_path / "a.txt"), "--no-cache", "--geocode",
            "--geocoder-url", nominatim.url]
    assert main(argv) == 0
    (event,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (event["place"], event["lat"], event["lon"]) == ("Zarbakhiyya", 36.01, 36.52)
    assert [r["q"] for r in nominatim.requests] == ["Zarbakhiyya"]
    nominatim.close()
    assert main(argv) == 0  # the server is gone: the cached answer is used
    assert json.loads(capsys.readouterr().out)["place"] == "Zarbakhiyya"
    assert main(["extract", str(tmp_path / "a.txt"), "--no-cache"]) == 0  # off by default
    assert capsys.readouterr().out == ""


def test_cli_unknown_geocoder_lists_valid_names(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(" date 2024-03 x", encoding="utf-8")
    assert main(["extract", str(tmp_path), "--geocode", "--geocoder", "bing2"]) == 2
    err = capsys.readouterr().err
    assert "unknown geocoder 'bing2'" in err and "nominatim" in err


@pytest.mark.parametrize(("name", "fmt", "first"), [
    ("events.geojson", None, '{"type":"FeatureCollection"'),
    ("events.GeoJSON", None, '{"type":"FeatureCollection"'),
    ("events.csv", None, "event_id,"),
    ("events.jsonl", None, '{"id":'),
    ("events.txt", None, '{"id":'),  # no format in the name: JSON Lines
    ("events.txt", "geojson", '{"type":"FeatureCollection"'),
])
def test_cli_extract_output_format_follows_the_file_name(tmp_path, name, fmt, first):
    (tmp_path / "a.txt").write_text(
        " date 2024-03-12 Syrian rebels captured Saraqeb on Tuesday.\n", encoding="utf-8")
    out = tmp_path / name
    argv = ["extract", str(tmp_path / "a.txt"), "--no-cache", "-o", str(out)]
    assert main(argv + (["-f", fmt] if fmt else [])) == 0
    assert out.read_text(encoding="utf-8").startswith(first)


def test_cli_extract_format_that_contradicts_the_file_name_is_refused(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(
        " date 2024-03-12 Syrian rebels captured Saraqeb on Tuesday.\n", encoding="utf-8")
    out = tmp_path / "events.geojson"
    assert main(["extract", str(tmp_path / "a.txt"), "--no-cache", "-f", "csv", "-o",
                 str(out)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "--format csv" in line and "events.geojson" in line and ".csv" in line
    assert not out.exists()
