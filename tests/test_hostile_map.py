"""Hostile text in the map page, in headless Chromium: no payload ever runs.

Every article-controlled field (quote, title, url, article name, place and actor names, side
ids, place ids) gets every payload of tests/data/hostile/payloads.json. The page is opened
online (CDN and tiles answered locally) and offline, every popup is opened in both view
modes, symbols are clicked and hovered, the search box is fed payloads. Then: no flag set,
no dialog, no navigation, no frame, no request the page does not make by itself, no
script error, links only http(s), popups made of the page's own elements only.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conflictmap.cli import main
from conflictmap.model import (
    Actor,
    Change,
    Event,
    Interval,
    Place,
    PlaceKind,
    Source,
    Status,
)
from conflictmap.render import render_html
from hostile_helpers import (
    CAPTURE_NL,
    formula_payloads,
    markup_payloads,
    tagged,
)
from map_fixtures import READY, launch_browser, local_asset

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api")

# The elements the page itself builds popups from (createElement + textContent only).
POPUP_TAGS = {"DIV", "H3", "H4", "OL", "UL", "LI", "STRONG", "SPAN", "CANVAS", "Q", "A", "DETAILS",
              "SUMMARY"}
D0 = date(2024, 2, 1)

# Opens every popup in both modes and reports what each contains.
OPEN_ALL_POPUPS = """() => {
  const page = window.conflictmap, D = page.D, out = [];
  for (const mode of ["control", "events"]) {
    page.setMode(mode);
    page.setDay(D.d1);
    for (let p = 0; p < D.pname.length; p++) {
      page.openPopup(p);
      const all = document.querySelectorAll(".leaflet-popup-content");  // old ones fade out
      const box = all[all.length - 1];
      if (!box) { out.push({p, missing: true}); continue; }
      out.push({
        p, mode, name: D.pname[p], text: box.textContent,
        tags: [...new Set([...box.querySelectorAll("*")].map(e => e.tagName))],
        hrefs: [...box.querySelectorAll("a")].map(a => a.getAttribute("href")),
        attrs: [...box.querySelectorAll("*")].flatMap(
          e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith("on")),
      });
    }
  }
  page.map.closePopup();
  return out;
}"""

# Where place p's symbol is on screen now, with no popup open: a popup opened by the last
# click may have panned the map (Leaflet's autoPan) or may cover the symbol, and a click on
# its source link would open that link (a new tab), not the symbol.
CLICK_POINT = """(p) => {
  const page = window.conflictmap, D = page.D;
  if (p === 0) { page.setMode("control"); page.setDay(D.d1); }
  page.map.closePopup();
  if (p >= D.pname.length) return null;
  const c = page.map.latLngToContainerPoint(page.latLng(p));
  const r = page.map.getContainer().getBoundingClientRect();
  return [r.left + c.x, r.top + c.y];
}"""


@dataclass
class Watch:
    """What a page did that it should not have."""

    url: str = ""
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    popups: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_browser()


def _router(watch: Watch, online: bool):
    def handle(route: Any) -> None:
        url = route.request.url
        asset = local_asset(url) if online else None
        if url.split("#")[0] == watch.url.split("#")[0]:
            route.continue_()
        elif asset is not None:
            route.fulfill(status=200, content_type=asset[0], body=asset[1])
        else:
            watch.requests.append(url)
            route.abort()

    return handle


def open_page(browser: Any, html: str, path: Path, *, online: bool,
              fragment: str = "") -> tuple[Any, Watch]:
    path.write_text(html, encoding="utf-8")
    watch = Watch(url=path.as_uri() + fragment)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on("dialog", lambda d: (watch.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    page.on("popup", lambda p: watch.popups.append(p.url))
    page.on("framenavigated", lambda f: watch.navigations.append(f.url))
    page.route("**/*", _router(watch, online))
    page.goto(watch.url)
    page.wait_for_function(READY, timeout=15_000)
    return page, watch


def exercise(page: Any) -> list[dict[str, Any]]:
    """Open every popup, click and hover every symbol, search, play."""
    popups = page.evaluate(OPEN_ALL_POPUPS)
    for p in range(40):
        point = page.evaluate(CLICK_POINT, p)
        if point is None:
            break
        page.mouse.move(*point)
        page.mouse.click(*point)
    search = page.locator("input.cm-search")
    for text in markup_payloads()[:12]:
        search.fill(text)
        search.press("Enter")
    page.evaluate("() => { window.conflictmap.togglePlay(); }")
    page.wait_for_timeout(300)
    page.evaluate("() => { const p = window.conflictmap; if (p.timer) p.togglePlay(); }")
    return popups


def assert_nothing_ran(page: Any, watch: Watch, title: str) -> None:
    state = page.evaluate("() => ({pwned: window.__pwned, title: document.title,"
                          " href: location.href, frames: window.frames.length,"
                          " scripts: document.scripts.length})")
    assert state["pwned"] is None, f"payload {state['pwned']} ran"
    assert state["title"] == title
    assert state["href"].split("#")[0] == watch.url.split("#")[0]  # the page keeps its view
    assert state["frames"] == 0                                     # state in the #fragment
    assert watch.dialogs == []
    assert {url.split("#")[0] for url in watch.navigations} == {watch.url.split("#")[0]}
    assert watch.popups == []
    assert watch.requests == []
    assert watch.errors == []


def assert_popups_inert(popups: list[dict[str, Any]]) -> None:
    assert popups, "no popup opened"
    for popup in popups:
        assert not popup.get("missing"), popup
        assert set(popup["tags"]) <= POPUP_TAGS, (popup["name"][:80], popup["tags"])
        assert popup["attrs"] == [], popup["attrs"]
        for href in popup["hrefs"]:
            assert href.startswith(("http://", "https://")), href


# ---- synthetic events: payloads in every field ----

def hostile_events() -> tuple[list[Event], dict[str, str]]:
    payloads = markup_payloads()
    changes = list(Change)
    statuses = list(Status)
    events, labels = [], {}
    for i, raw in enumerate(payloads, start=1):
        text = tagged(raw, i)
        place = Place(id=f"x:{i}:{text[:200]}", name=text,
                      kind=PlaceKind.REGION if i % 5 == 0 else PlaceKind.TOWN,
                      lat=44 + (i // 10) * 0.7, lon=30 + (i % 10) * 0.7,
                      country=text[:2], admin1=text)
        gainer = Actor(f"a{i}", text, side=text if i % 2 else f"side{i % 3}",
                       kind="state" if i % 3 else "non_state")
        loser = Actor(f"l{i}{text[:30]}", text[::-1], side=f"loser{i % 4}")
        quote = f"{text} {CAPTURE_NL} {text}"
        plain = f"Troops said {text} fell to {text[::-1]}."
        start = D0 + timedelta(days=i % 20)
        end = start + timedelta(days=i % 4)
        sources = (
            Source(article=text, published=start.isoformat(), quote=quote, start=0,
                   end=len(quote), url=text, title=text, rule=text),
            Source(article=f"plain{i}.txt", published=end.isoformat(), quote=plain, start=3,
                   end=3 + len(plain), url=f"https://news.example.org/{i}", title=""),
            Source(article=f"x{i}", published="2024-02", quote=text, start=0, end=len(text),
                   url="https://news.example.org/q?a=1&b=<i>", title=f"T {text}"),
        )
        events.append(Event(changes[i % 4], statuses[i % 3], place,
                            Interval.spanning(start, end),
                            gainer if i % 7 else None, loser, sources,
                            confidence=0.5, geo_precision=3 if i % 5 == 0 else 1))
        if i % 2:
            labels[text] = tagged(payloads[-i], 1000 + i)
    return events, labels


@pytest.mark.parametrize(("online", "lang"), [(False, "nl"), (True, "en")],
                         ids=["offline-nl", "online-en"])
def test_hostile_map_payloads_never_run(browser, tmp_path, online, lang):
    events, labels = hostile_events()
    title = tagged(markup_payloads()[31], 999)  # </title><script>document.title=...
    html = render_html(events, title=title, lang=lang, offline=online is False,
                       side_labels=labels)
    page, watch = open_page(browser, html, tmp_path / "map.html", online=online)
    try:
        page_title = page.title()
        assert page_title.startswith(title)
        popups = exercise(page)
        assert_popups_inert(popups)
        names = {p["name"] for p in popups}
        assert len(names) == len(events)
        for popup in popups:  # the payload is shown as text, not swallowed
            assert popup["name"] in popup["text"]
        shown = " ".join(p["text"] for p in popups)
        for event in events:
            assert event.sources[0].title in shown
        assert_nothing_ran(page, watch, page_title)
    finally:
        page.close()


@pytest.mark.parametrize("fragment", [
    "#date=<script>window.__pwned=901</script>&mode=<img src=x onerror=alert(1)>",
    "#date=2024-02-10&mode=control\"><svg onload=window.__pwned=902>",
    "#javascript:window.__pwned=903", "#date=99999-99-99&mode=events", "#%3Cscript%3E",
])
def test_hostile_map_url_fragment(browser, tmp_path, fragment):
    events, labels = hostile_events()
    html = render_html(events[:10], offline=True, side_labels=labels)
    page, watch = open_page(browser, html, tmp_path / "map.html", online=False,
                            fragment=fragment)
    try:
        page_title = page.title()
        assert_popups_inert(page.evaluate(OPEN_ALL_POPUPS))
        assert_nothing_ran(page, watch, page_title)
    finally:
        page.close()


def test_hostile_map_render_command_on_hostile_events_file(browser, tmp_path):
    """`conflictmap render` takes every field from the file: ids, sides, places, sources."""
    from conflictmap.store import write_jsonl

    events, _ = hostile_events()
    write_jsonl(events, tmp_path / "events.jsonl")
    assert main(["-q", "render", str(tmp_path / "events.jsonl"), "-o",
                 str(tmp_path / "map.html"), "--offline", "--lang", "nl"]) == 0
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    page, watch = open_page(browser, html, tmp_path / "opened.html", online=False)
    try:
        page_title = page.title()
        popups = exercise(page)
        assert_popups_inert(popups)
        assert len({p["name"] for p in popups}) == len(events)
        assert_nothing_ran(page, watch, page_title)
    finally:
        page.close()


# ---- the whole pipeline on a hostile article corpus ----

def hostile_corpus(folder: Path) -> int:
    """JSON Lines and front-matter articles with payloads in every field and a real
    control-change sentence; returns the number of articles."""
    folder.mkdir()
    payloads = markup_payloads() + formula_payloads()
    rows = []
    for i, raw in enumerate(payloads, start=1):
        text = tagged(raw, i)
        day = D0 + timedelta(days=i % 25)
        rows.append({"id": text if i % 3 else f"id{i}", "date": day.isoformat(), "lang": "nl",
                     "title": text, "url": text if i % 2 else f"https://news.example.org/{i}",
                     "source": text,
                     "text": f"{text}\n{CAPTURE_NL} {text}\n{text}"})
    with (folder / "feed.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    for i, raw in enumerate(markup_payloads()[:20], start=500):
        text = tagged(raw, i).replace("\n", " ")
        (folder / f"fm{i}.md").write_text(
            f"---\ndate: 2024-02-17\ntitle: {text}\nurl: {text}\nsource: {text}\n---\n"
            f"{text} {CAPTURE_NL}\n", encoding="utf-8")
    return len(rows) + 20


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile_build")
    n = hostile_corpus(folder / "in")
    for out, extra in (("online", []), ("offline", ["--offline"])):
        code = main(["-q", "build", str(folder / "in"), "--out", str(folder / out),
                     "--no-cache", *extra])
        assert code == 0
    summary_articles = n
    assert summary_articles > 100
    return folder


@pytest.mark.parametrize("mode", ["online", "offline"])
def test_hostile_map_pipeline_corpus(browser, hostile_build, mode):
    html = (hostile_build / mode / "map.html").read_text(encoding="utf-8")
    page, watch = open_page(browser, html, hostile_build / mode / "opened.html",
                            online=mode == "online")
    try:
        page_title = page.title()
        popups = exercise(page)
        assert_popups_inert(popups)
        text = " ".join(p["text"] for p in popups)
        assert "Avdiivka" in text  # the sentence was extracted: the popup lists sources
        assert tagged(markup_payloads()[0], 1) in text  # a hostile title shown as text
        sources = max(len(p["hrefs"]) for p in popups)
        assert sources >= 1
        assert_nothing_ran(page, watch, page_title)
    finally:
        page.close()


def test_hostile_map_pipeline_csv_and_geojson(hostile_build):
    with (hostile_build / "offline" / "events.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    starts = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
    for row in rows:
        for column, value in row.items():
            assert not value.lstrip(" \u00a0").startswith(starts) or column in (
                "latitude", "longitude"), (column, value[:60])
    notes = " ".join(r["notes"] + r["source"] for r in rows)
    assert "=HYPERLINK" in notes or "=cmd" in notes  # the payloads are there, neutralised
    geojson = json.loads((hostile_build / "offline" / "events.geojson").read_text())
    for feature in geojson["features"]:
        for source in feature["properties"]["sources"]:
            assert source["url"] == "" or source["url"].startswith(("http://", "https://"))
