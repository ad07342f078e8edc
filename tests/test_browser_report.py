"""The map's part in corrections, in Chromium: each popup shows its event's key and verified
mark, and "report an error" gives the corrections line to paste or a file to download, which
the corrections file reader takes as it is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conflictmap.corrections import COLUMNS, apply, load
from conflictmap.model import Actor, Change, Place, PlaceKind
from conflictmap.render import render_html
from map_fixtures import launch_browser, make_event
from test_browser import open_map, popup_text

pytestmark = pytest.mark.browser

# A war of my own choosing, not from the dev articles.
MOSUL = Place("geonames:99072", "Mosul", PlaceKind.TOWN, 36.335, 43.119, "IQ", "Nineveh")
TAL_AFAR = Place("geonames:99131", "Tal Afar", PlaceKind.TOWN, 36.377, 42.449, "IQ", "Nineveh")
IRAQ = Actor("iraq_gov", "Iraqi government forces", "iraq_gov", "state")
IS = Actor("islamic_state", "Islamic State", "islamic_state", "non_state")


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


def _events():
    from dataclasses import replace

    mosul = make_event(Change.RECAPTURE, MOSUL, date(2017, 7, 9), actor=IRAQ, loser=IS,
                       quotes=("Iraqi forces retook Mosul, the army said.",), article="m.txt")
    tal_afar = make_event(Change.CAPTURE, TAL_AFAR, date(2017, 8, 27), actor=IRAQ, loser=IS,
                          quotes=("Tal Afar fell to Iraqi troops.",), article="t.txt")
    return [replace(mosul, verified=True), tal_afar]


def _open_place(opened, place: Place) -> str:
    opened.page.evaluate(
        "(id) => { const c = window.conflictmap, D = c.D;"
        " c.openPopup(D.ep[D.raw.fix.p.indexOf(id)]); }", place.id)
    popup_text(opened)  # waits for it
    opened.page.wait_for_timeout(300)  # a popup it replaced fades out
    return opened.page.evaluate("() => Array.from(document.querySelectorAll("
                                "'.leaflet-popup-content')).pop().innerText")


def test_browser_popup_shows_key_and_verified_mark(browser, tmp_path: Path) -> None:
    mosul, tal_afar = _events()
    opened = open_map(browser, render_html([mosul, tal_afar], offline=True), tmp_path)
    page = opened.page
    text = _open_place(opened, MOSUL)
    assert mosul.key in text and "Verified" in text
    text = _open_place(opened, TAL_AFAR)
    assert tal_afar.key in text and "Verified" not in text
    assert page.evaluate("() => { const c = window.conflictmap;"
                         " return [0, 1].map(i => c.isVerified(i)); }") == [True, False]
    assert opened.errors == [] and opened.external == []


def test_browser_report_an_error_gives_the_line_and_file(browser, tmp_path: Path) -> None:
    events = _events()
    mosul = events[0]
    opened = open_map(browser, render_html(events, offline=True, lang="en"), tmp_path)
    page = opened.page
    _open_place(opened, MOSUL)
    page.click(".cm-report")
    page.select_option(".cm-reportform select[name=action]", "change")
    page.fill(".cm-reportform input[name=date_start]", "2017-07-10")
    page.fill(".cm-reportform input[name=date_end]", "2017-07-10")
    page.fill(".cm-reportform input[name=note]", "announced on the 10th, \"officially\"")
    line = page.input_value(".cm-reportline")
    assert line.startswith(f"{mosul.key},change,")
    pasted = tmp_path / "corrections.csv"
    pasted.write_text(",".join(COLUMNS) + "\n" + line + "\n", encoding="utf-8")
    (fixed, other), outcome = apply(events, load(pasted), pasted)
    assert outcome.applied == 1 and not outcome.unmatched
    assert (fixed.period.start, fixed.period.end) == (date(2017, 7, 10), date(2017, 7, 10))
    assert fixed.corrected and fixed.key == mosul.key and fixed.place == mosul.place
    assert other == events[1]

    page.select_option(".cm-reportform select[name=action]", "reject")
    with page.expect_download() as info:
        page.click(".cm-reportsave")
    saved = tmp_path / "downloaded.csv"
    info.value.save_as(saved)
    assert info.value.suggested_filename == f"corrections-{mosul.key}.csv"
    (rejected,) = load(saved)
    assert (rejected.action, rejected.key) == ("reject", mosul.key)
    kept, _ = apply(events, [rejected])
    assert kept == [events[1]]
    assert opened.errors == [] and opened.external == []


def test_browser_dutch_popup_reports_too(browser, tmp_path: Path) -> None:
    opened = open_map(browser, render_html(_events(), offline=True, lang="nl"), tmp_path)
    text = _open_place(opened, MOSUL)
    assert "Sleutel" in text and "Gecontroleerd" in text and "Meld een fout" in text
