"""Progress: a bar with total, rate and time left on a terminal; a line every few seconds in a
log (stderr not a terminal); nothing with -q."""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator

import pytest

from conflictmap import progress
from conflictmap.progress import Total, status_line, track


def _slow(n: int, pause: float) -> Iterator[int]:
    for i in range(n):
        time.sleep(pause)
        yield i


def _known(n: int) -> Total:
    total = Total(lambda: [(f"{i}.txt", f"{i}.txt") for i in range(n)])
    total._thread.join(5)
    return total


def test_progress_lines_every_few_seconds_when_not_a_terminal():
    out = io.StringIO()
    got = list(track(_slow(12, 0.02), "articles", total=_known(12), stream=out, every=0.05,
                     terminal=False))
    assert got == list(range(12))  # every item passes, in order
    lines = out.getvalue().splitlines()
    assert 1 <= len(lines) <= 6
    assert re.fullmatch(r"conflictmap: progress: \d+ of 12 articles \(\d+%\), [\d.,]+/s"
                        r"(, about \d+ s left)?", lines[0]), lines[0]


def test_progress_short_run_prints_nothing():
    out = io.StringIO()
    assert list(track(range(100), "articles", stream=out, terminal=False)) == list(range(100))
    assert out.getvalue() == ""


def test_progress_bar_on_a_terminal_shows_total_rate_and_time_left():
    out = io.StringIO()
    got = list(track(_slow(6, 0.12), "articles", total=_known(6), stream=out, terminal=True))
    assert got == list(range(6))
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())  # colours, cursor
    assert "articles" in screen and "of" not in screen.split("articles")[0]
    assert re.search(r"\d+/6", screen), screen  # done of total
    assert re.search(r"[\d.,]+/s", screen)  # rate
    assert re.search(r"left\s+(-:--:--|\d+:\d\d:\d\d)", screen)  # time left


def test_progress_quiet_shows_nothing():
    logger = logging.getLogger("conflictmap")
    logger.setLevel(logging.ERROR)  # what -q sets
    try:
        out = io.StringIO()
        for terminal in (True, False):
            list(track(_slow(5, 0.02), "articles", stream=out, every=0.01, terminal=terminal))
        assert out.getvalue() == ""
    finally:
        logger.setLevel(logging.NOTSET)


def test_progress_total_counts_json_lines(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.jsonl").write_text('{"a": 1}\n{"a": 2}\n{"a": 3}')  # no final newline
    total = Total(progress.count_files([tmp_path]))
    total._thread.join(5)
    assert total.value == 4


@pytest.mark.parametrize(("done", "total", "elapsed", "expected"), [
    (1200, 5000, 14.1, "1,200 of 5,000 articles (24%), 85/s, about 45 s left"),
    (30, None, 10.0, "30 articles, 3/s, 10 s so far"),
    (50, 50, 2.0, "50 of 50 articles (100%), 25/s"),
])
def test_progress_status_line(done, total, elapsed, expected):
    assert status_line("articles", done, total, elapsed) == "conflictmap: progress: " + expected


def test_progress_cli_build_log_has_lines(tmp_path, articles_dir, monkeypatch, capsys):
    from conflictmap.cli import main

    monkeypatch.setattr(progress, "EVERY", 0.0)  # a line for every article
    assert main(["build", str(articles_dir), "--out", str(tmp_path / "o"), "--no-cache",
                 "-j", "1"]) == 0
    lines = [x for x in capsys.readouterr().err.splitlines() if "progress" in x]
    assert lines and all(x.startswith("conflictmap: progress: ") for x in lines)
    assert re.search(r"5 (of 5 )?articles", lines[-1]), lines[-1]
    assert main(["-q", "build", str(articles_dir), "--out", str(tmp_path / "q"),
                 "--no-cache", "-j", "1"]) == 0
    assert "progress" not in capsys.readouterr().err
