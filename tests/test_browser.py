"""The map page in headless Chromium: loads clean, counts, slider, filters, popups, offline.

One browser per module; each test opens its own page. No network: the offline page must
request nothing but file: and data: URLs, and the online page's CDN and tile requests
are answered from the installed xstatic-leaflet files and a blank tile.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from conflictmap.consolidate import control_timeline
from conflictmap.model import (
    Actor,
    Change,
    Event,
    Place,
    PlaceKind,
    Status,
)
from conflictmap.render import render_html
from map_fixtures import (
    ALEPPO,
    BAKHMUT,
    HAMA,
    HTS,
    IDLIB,
    KUPIANSK,
    READY,
    RU,
    SAA,
    UA,
    launch_browser,
    local_asset,
    make_event,
)

pytestmark = pytest.mark.browser

D0 = date(2024, 11, 27)


def two_wars() -> list[Event]:
    return [
        make_event(Change.CONTESTED, IDLIB, D0, D0 + timedelta(days=1),
              quotes=("Er wordt gevochten in de provincie Idlib.",)),
        make_event(Change.CAPTURE, ALEPPO, D0 + timedelta(days=2), D0 + timedelta(days=3),
              actor=HTS, loser=SAA,
              quotes=("Rebellen van HTS namen Aleppo in.", "Rebels took Aleppo on Saturday.")),
        make_event(Change.CAPTURE, HAMA, D0 + timedelta(days=8), actor=HTS, loser=SAA,
              status=Status.CLAIMED, quotes=("HTS zegt Hama te hebben veroverd.",)),
        make_event(Change.WITHDRAWAL, HAMA, D0 + timedelta(days=9), loser=SAA,
              status=Status.DISPUTED, quotes=("Het leger ontkent de terugtrekking.",)),
        make_event(Change.RECAPTURE, ALEPPO, D0 + timedelta(days=12), actor=SAA, loser=HTS,
              quotes=("The army retook Aleppo.",)),
        make_event(Change.CAPTURE, BAKHMUT, D0 + timedelta(days=4), actor=RU, loser=UA,
              quotes=("Russian forces took Bakhmut.",), url="http://example.com/b"),
        make_event(Change.RECAPTURE, KUPIANSK, D0 + timedelta(days=5), actor=UA, loser=RU,
              quotes=("Ukraine retook Kupiansk.",), url="javascript:alert(1)"),
    ]


@dataclass
class Opened:
    page: object
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def data(self, name: str) -> str:
        return self.page.evaluate(
            f"() => document.querySelector('.folium-map').dataset.{name}")

    def drawn(self) -> int:
        return int(self.data("eventsDrawn"))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch_browser()


def _serve_offline(opened: Opened):
    def handle(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            opened.external.append(url)
            route.abort()
    return handle


def _serve_online(opened: Opened):
    def handle(route) -> None:
        url = route.request.url
        asset = local_asset(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        elif asset is not None:
            route.fulfill(status=200, content_type=asset[0], body=asset[1])
        else:
            opened.external.append(url)
            route.abort()
    return handle


def open_map(browser: object, html: str, tmp_path: Path, *, online: bool = False) -> Opened:
    path = tmp_path / "map.html"
    path.write_text(html, "utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    opened = Opened(page)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (opened.errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
            or online else opened.external.append(r.url))
    page.route("**/*", _serve_online(opened) if online else _serve_offline(opened))
    page.goto(path.as_uri())
    page.wait_for_function(READY, timeout=15000)
    return opened


def screen_point(opened: Opened, place: Place, zoom: int | None = None) -> tuple[float, float]:
    return tuple(opened.page.evaluate(
        """([lat, lon, zoom]) => {
             const m = window.conflictmap.map;
             if (zoom !== null) m.setView([lat, lon], zoom, {animate: false});
             const p = m.latLngToContainerPoint([lat, lon]);
             const r = m.getContainer().getBoundingClientRect();
             return [r.left + p.x, r.top + p.y];
           }""", [place.lat, place.lon, zoom]))


def set_day(opened: Opened, day: date) -> None:
    opened.page.evaluate(
        """(d) => { const s = document.querySelector('.cm-slider');
                    s.value = String(d); s.dispatchEvent(new Event('input')); }""",
        (day - date(1970, 1, 1)).days)


def popup_text(opened: Opened) -> str:
    opened.page.wait_for_selector(".leaflet-popup-content", timeout=5000)
    return opened.page.inner_text(".leaflet-popup-content")


@pytest.fixture
def offline(browser: object, tmp_path: Path) -> Iterator[Opened]:
    opened = open_map(browser, render_html(two_wars(), title="Two wars", offline=True),
                      tmp_path)
    yield opened
    opened.page.close()


def test_browser_offline_loads_clean_and_draws_every_event(offline: Opened) -> None:
    assert offline.errors == []
    assert offline.external == []
    assert offline.drawn() == int(offline.data("eventsTotal")) == len(two_wars())
    assert offline.data("currentDate") == "2024-12-09"
    assert offline.data("mode") == "events"
    assert offline.page.query_selector("#cm-needs-network") is None  # Leaflet is inline


def test_browser_drawn_count_follows_date_range(browser: object, tmp_path: Path) -> None:
    events = two_wars()
    html = render_html(events, offline=True, date_from=D0 + timedelta(days=2),
                       date_to=D0 + timedelta(days=5))
    opened = open_map(browser, html, tmp_path)
    in_range = [e for e in events if e.period.end >= D0 + timedelta(days=2)
                and e.period.start <= D0 + timedelta(days=5)]
    assert opened.drawn() == int(opened.data("eventsTotal")) == len(in_range) == 3
    assert opened.errors == [] and opened.external == []
    opened.page.close()


def _expected_places(events: list[Event], day: date) -> int:
    spans = control_timeline(events)
    return sum(1 for s in spans.values() if any(span.start <= day for span in s))


def test_browser_slider_moves_control_as_timeline_says(offline: Opened) -> None:
    page = offline.page
    page.check("input[name=cm-mode][value=control]")
    assert offline.data("mode") == "control" and offline.drawn() == 0
    for day in (D0 + timedelta(days=1), D0 + timedelta(days=3), D0 + timedelta(days=12)):
        set_day(offline, day)
        assert offline.data("currentDate") == day.isoformat()
        assert int(offline.data("placesDrawn")) == _expected_places(two_wars(), day)
    set_day(offline, D0 + timedelta(days=2))
    x, y = screen_point(offline, ALEPPO)
    assert page.evaluate("() => Array.from(window.conflictmap.haloOf).some(Boolean)") is False
    set_day(offline, D0 + timedelta(days=3))  # Aleppo taken on day 3: a halo marks it
    assert page.evaluate("() => Array.from(window.conflictmap.haloOf).filter(Boolean).length") == 1
    page.mouse.move(x, y)
    tip = page.wait_for_selector(".leaflet-tooltip", timeout=5000).inner_text()
    assert "Aleppo" in tip and "Hay'at Tahrir al-Sham" in tip
    set_day(offline, D0 + timedelta(days=12))  # retaken by the army
    page.mouse.move(x + 40, y + 40)
    page.mouse.move(x, y)
    page.wait_for_function(
        "() => document.querySelector('.leaflet-tooltip').innerText.includes('Syrian Arab Army')")


def test_browser_popup_has_every_quote_and_safe_links(offline: Opened) -> None:
    page = offline.page
    x, y = screen_point(offline, ALEPPO, zoom=9)
    page.mouse.click(x, y)
    text = popup_text(offline)
    for quote in ("Rebellen van HTS namen Aleppo in.", "Rebels took Aleppo on Saturday.",
                  "The army retook Aleppo."):
        assert quote in text
    assert "30 Nov 2024" in text and "precision" in text
    links = page.eval_on_selector_all(".leaflet-popup-content a",
                                      "as => as.map(a => [a.href, a.rel])")
    assert links and all(h.startswith("https://") and r == "noopener noreferrer"
                         for h, r in links)
    x, y = screen_point(offline, KUPIANSK, zoom=9)  # a javascript: URL is no link
    page.mouse.click(x, y)
    page.wait_for_function("() => document.querySelector('.leaflet-popup-content')"
                           ".innerText.includes('Kupiansk')")
    assert page.eval_on_selector_all(".leaflet-popup-content a", "as => as.length") == 0
    assert offline.errors == []


def test_browser_region_popup_says_approximate(offline: Opened) -> None:
    x, y = screen_point(offline, IDLIB, zoom=9)
    offline.page.mouse.click(x + 8, y + 8)  # anywhere inside the ring
    text = popup_text(offline)
    assert "Idlib Governorate" in text and "approximate" in text


def test_browser_a_place_drawn_by_a_named_town_says_so(browser: object, tmp_path: Path) -> None:
    # a village the gazetteer lacks, placed by the town the report ties it to (anchored.py)
    village = Place("near:geonames:712423:klishchiivka", "Klishchiivka", PlaceKind.TOWN,
                    48.53, 38.03, "UA")
    events = [make_event(Change.RECAPTURE, village, date(2023, 9, 17), actor=UA, loser=RU,
                         quotes=("Troops retook Klishchiivka on Sunday.",)),
              make_event(Change.CAPTURE, BAKHMUT, date(2023, 5, 20), actor=RU, loser=UA)]
    opened = open_map(browser, render_html(events, title="Near", offline=True), tmp_path)
    x, y = screen_point(opened, BAKHMUT, zoom=11)  # a gazetteer town says nothing of it
    opened.page.mouse.click(x, y)
    text = popup_text(opened)
    assert "Bakhmut" in text and "Placed near" not in text
    x, y = screen_point(opened, village, zoom=11)
    opened.page.mouse.click(x, y)
    opened.page.wait_for_function("() => document.querySelector('.leaflet-popup-content')"
                                  ".innerText.includes('Klishchiivka')")
    assert "Placed near the town the report names" in popup_text(opened)
    assert opened.errors == []
    opened.page.close()


LABELS = """() => {
  const page = window.conflictmap, D = page.D, h = page.hits, out = {labels: [], problems: []};
  const own = {}, symbols = h.k.map((k, j) => {
    const r = page.iRegion[k] ? 16 : 6, p = page.iPlace[k];
    own[D.pname[p]] = [h.x[j], h.y[j]];
    return [h.x[j] - r, h.y[j] - r, h.x[j] + r, h.y[j] + r, D.pname[p]];
  });
  const meet = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  const boxes = page.labels.map(l => [l.x, l.y - 6, l.x + l.w, l.y + 6, l.name]);
  boxes.forEach((b, i) => {
    out.labels.push(b[4]);
    symbols.forEach(s => {
      if (s[4] !== b[4] && meet(b, s)) out.problems.push(b[4] + " covers " + s[4]);
    });
    boxes.forEach((o, j) => {
      if (j > i && meet(b, o)) out.problems.push(b[4] + " covers label " + o[4]);
    });
    const [x, y] = own[b[4]], gap = Math.min(Math.abs(b[0] - x), Math.abs(b[2] - x));
    if (Math.abs(b[1] + 6 - y) > 1 || gap > 25) out.problems.push(b[4] + " far from its symbol");
  });
  return out;
}"""


def test_browser_names_sit_beside_their_own_symbols(browser: object, tmp_path: Path) -> None:
    """Two neighbouring governorates and a town between them at a zoom where their symbols
    almost touch: each name is drawn beside its own symbol (right, else left), over no other
    place's symbol and no other name; a name with room on neither side is left out."""
    west = Place("region:west", "Western Governorate", PlaceKind.REGION, 32.81, 36.13, "SY")
    east = Place("region:east", "Eastern Governorate", PlaceKind.REGION, 32.73, 36.60, "SY")
    town = Place("local:mid", "Midtown", PlaceKind.TOWN, 33.30, 36.36, "SY")
    events = [make_event(Change.CAPTURE, p, D0, actor=HTS, loser=SAA) for p in (west, east, town)]
    opened = open_map(browser, render_html(events, offline=True), tmp_path)
    found = {}
    for zoom in (8, 7, 6):
        screen_point(opened, town, zoom=zoom)
        opened.page.wait_for_timeout(300)
        found[zoom] = opened.page.evaluate(LABELS)
        assert found[zoom]["problems"] == [], (zoom, found[zoom])
    assert set(found[8]["labels"]) == {"Western Governorate", "Eastern Governorate", "Midtown"}
    assert opened.errors == []
    opened.page.close()


@pytest.mark.parametrize(("selector", "removed"), [
    ('[data-filter="side:syrian_rebels"]', 2),
    ('[data-filter="change:capture"]', 3),
    ('[data-filter="status:claimed"]', 1),
    ('[data-filter="side:"]', 2),  # events with no gaining side
])
def test_browser_filters_change_drawn_count(offline: Opened, selector: str,
                                            removed: int) -> None:
    offline.page.uncheck(selector)
    assert offline.drawn() == len(two_wars()) - removed
    offline.page.check(selector)
    assert offline.drawn() == len(two_wars())


def test_browser_window_mode_counts_events_in_window(offline: Opened) -> None:
    set_day(offline, D0 + timedelta(days=5))
    assert offline.drawn() == 4  # everything up to the date
    offline.page.select_option(".cm-window", "1")
    assert offline.drawn() == 1  # only Kupiansk on that day


def test_browser_search_opens_town(offline: Opened) -> None:
    offline.page.fill(".cm-search", "bakh")
    offline.page.press(".cm-search", "Enter")
    assert "Russian forces took Bakhmut." in popup_text(offline)


def test_browser_play_advances_the_date(offline: Opened) -> None:
    set_day(offline, D0)
    offline.page.click(".cm-play")
    offline.page.wait_for_function(
        "() => document.querySelector('.folium-map').dataset.currentDate > '2024-11-28'")
    offline.page.click(".cm-play")
    assert "Play" in offline.page.inner_text(".cm-play")


def test_browser_dutch_page(browser: object, tmp_path: Path) -> None:
    opened = open_map(browser, render_html(two_wars(), lang="nl", offline=True), tmp_path)
    assert "Afspelen" in opened.page.inner_text(".cm-play")
    assert "december 2024" in opened.page.inner_text(".cm-date")
    assert "Legenda" in opened.page.inner_text(".cm-legend summary")
    assert opened.errors == []
    opened.page.close()


def test_browser_dutch_page_writes_place_names_in_dutch(browser: object, tmp_path: Path) -> None:
    """A Dutch page shows "Bachmoet" and "provincie Idlib" (data/places.nl.tsv) in its
    popups, tooltips and labels, and the actors' Dutch names ("@" labels), quotes the
    article as written ("took Bakhmut"), and finds a town by either name."""
    labels = {"@ru_army": "Russische strijdkrachten"}
    events = [e if e.place != BAKHMUT else make_event(
        Change.CAPTURE, BAKHMUT, D0 + timedelta(days=4), actor=RU, loser=UA,
        quotes=("Russian forces took Bakhmut.", f"The {RU.name} took Bakhmut."))
        for e in two_wars()]
    opened = open_map(browser, render_html(events, lang="nl", offline=True,
                                           side_labels=labels), tmp_path)
    page = opened.page
    shown = page.evaluate("() => window.conflictmap.D.pname")
    assert {"Bachmoet", "Koepjansk", "provincie Idlib", "Aleppo"} <= set(shown)
    x, y = screen_point(opened, BAKHMUT, zoom=9)
    page.mouse.click(x, y)
    text = popup_text(opened)
    assert text.startswith("Bachmoet") and "Russian forces took Bakhmut." in text
    assert "Gewonnen door: Russische strijdkrachten" in text
    assert f"The {RU.name} took Bakhmut." in text  # the quote as written
    labels = page.evaluate("() => window.conflictmap.labels.map(l => l.name)")
    assert "Bachmoet" in labels and "Bakhmut" not in labels
    x, y = screen_point(opened, IDLIB, zoom=9)
    page.mouse.click(x + 8, y + 8)
    page.wait_for_function("() => document.querySelector('.leaflet-popup-content')"
                           ".innerText.includes('provincie Idlib')")
    for query in ("Kupiansk", "koepj"):
        page.fill(".cm-search", query)
        page.press(".cm-search", "Enter")
        page.wait_for_function("() => document.querySelector('.leaflet-popup-content')"
                               ".innerText.includes('Ukraine retook Kupiansk.')")
        assert popup_text(opened).startswith("Koepjansk")
    assert opened.errors == []
    opened.page.close()


def test_browser_title_keeps_its_dates_on_one_line(browser: object, tmp_path: Path) -> None:
    """Whatever the window's width, the title wraps between words, never inside a date
    (Chromium would break "2016-01-01" after "2016-")."""
    from conflictmap.model import Interval
    from conflictmap.window import map_title

    title = map_title(Interval(D0, D0 + timedelta(days=400), 4), "nl")
    opened = open_map(browser, render_html(two_wars(), title=title, lang="nl", offline=True),
                      tmp_path)
    page = opened.page
    heading = page.query_selector(".cm-title h1")
    assert heading is not None
    assert heading.inner_text().startswith(title)  # then the data's days
    wrapped = 0
    for width in range(300, 1300, 20):
        page.set_viewport_size({"width": width, "height": 640})
        dates = page.evaluate("""() => Array.from(
            document.querySelectorAll('.cm-title h1 .cm-nowrap'),
            s => [s.textContent, s.getClientRects().length])""")
        assert [text for text, _ in dates] == [D0.isoformat(),
                                              (D0 + timedelta(days=400)).isoformat()]
        assert all(n == 1 for _, n in dates), (width, dates)  # each date on one line
        wrapped += page.evaluate("document.querySelector('.cm-title h1').offsetHeight") > 30
    assert wrapped  # the title did wrap at some widths (between words)
    assert opened.errors == []
    page.close()


PAYLOADS = ("<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>",
            "<svg onload=alert(3)>", "{{ 7*7 }}", "javascript:alert(4)")


def test_browser_hostile_text_stays_text(browser: object, tmp_path: Path) -> None:
    events = []
    for i, payload in enumerate(PAYLOADS):
        place = Place(f"x:{i}", f"Town {payload}", PlaceKind.TOWN, 35.0 + i, 36.0, "SY")
        actor = Actor(f"a{i}", f"Actor {payload}", f"side {payload}")
        events.append(make_event(Change.CAPTURE, place, D0, actor=actor, quotes=(payload,),
                            url=payload, title=payload))
    opened = open_map(browser, render_html(events, title=PAYLOADS[0], offline=True), tmp_path)
    page = opened.page
    for i in range(len(PAYLOADS)):
        page.evaluate(f"() => window.conflictmap.openPopup({i})")
        text = popup_text(opened)
        assert any(p in text for p in PAYLOADS)
    page.fill(".cm-search", "town")
    page.press(".cm-search", "Enter")
    page.wait_for_timeout(100)
    assert page.evaluate("() => document.querySelectorAll('[onerror],[onload]').length") == 0
    assert page.eval_on_selector_all("a[href^='javascript']", "as => as.length") == 0
    assert page.title() == f"{PAYLOADS[0]} · 27 November 2024"
    assert opened.errors == [] and opened.external == []
    page.close()


def test_browser_online_page_with_intercepted_cdn(browser: object, tmp_path: Path) -> None:
    opened = open_map(browser, render_html(two_wars()), tmp_path, online=True)
    opened.page.wait_for_selector(".leaflet-tile-loaded", timeout=10000)
    assert opened.errors == []
    assert opened.external == []
    assert opened.drawn() == len(two_wars())
    assert "OpenStreetMap" in opened.page.inner_text(".leaflet-control-attribution")
    assert opened.page.is_hidden("#cm-needs-network")
    opened.page.close()


@pytest.mark.parametrize(("lang", "words"), [("en", "build a map that works offline"),
                                             ("nl", "zonder internet werkt")])
def test_browser_online_page_without_network_says_why_it_is_empty(
        browser: object, tmp_path: Path, lang: str, words: str) -> None:
    """An online map opened without a connection (Leaflet's CDN unreachable) is not a blank
    page: it says what failed and how to make a map that works offline."""
    path = tmp_path / "map.html"
    path.write_text(render_html(two_wars(), lang=lang), "utf-8")
    page = browser.new_page()
    blocked: list[str] = []
    page.route("**/*", _serve_offline(Opened(page, external=blocked)))
    page.goto(path.as_uri())
    page.wait_for_selector("#cm-needs-network:not([hidden])", timeout=15000)
    hint = page.inner_text("#cm-needs-network")
    assert words in hint and "conflictmap build --offline" in hint
    assert any("cdn.jsdelivr.net" in url for url in blocked)
    page.close()


def test_browser_hash_keeps_date_and_mode(browser: object, tmp_path: Path) -> None:
    opened = open_map(browser, render_html(two_wars(), offline=True), tmp_path)
    set_day(opened, D0 + timedelta(days=3))
    assert opened.page.evaluate("() => location.hash") == "#date=2024-11-30&mode=events"
    opened.page.check("input[name=cm-mode][value=control]")
    url = opened.page.url
    opened.page.close()
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function(READY)
    assert page.evaluate("() => document.querySelector('.folium-map').dataset.currentDate") \
        == "2024-11-30"
    assert page.is_checked("input[name=cm-mode][value=control]")
    assert page.evaluate("() => document.querySelector('.folium-map').dataset.placesDrawn") \
        == "2"  # Idlib (contested) and Aleppo (taken on the 30th)
    page.close()


def test_browser_claims_off_shows_assessed_control(offline: Opened) -> None:
    """Unchecking 'claimed' recomputes control from confirmed reports only (Hama drops)."""
    page = offline.page
    page.check("input[name=cm-mode][value=control]")
    set_day(offline, D0 + timedelta(days=9))
    before = int(offline.data("placesDrawn"))
    page.uncheck('[data-filter="status:claimed"]')
    assert int(offline.data("placesDrawn")) == before - 1


def random_events(n: int, seed: int = 3) -> list[Event]:
    """n events over 25 places and 120 days, never two ending on one day at one place."""
    import random

    rng = random.Random(seed)
    places = [Place(f"t:{i}", f"Town {i}", PlaceKind.TOWN, 35 + i % 5 * 0.3, 36 + i // 5 * 0.3,
                    "SY") for i in range(25)]
    used, out = set(), []
    while len(out) < n:
        place, end = rng.choice(places), D0 + timedelta(days=rng.randrange(120))
        if (place.id, end) in used:
            continue
        used.add((place.id, end))
        change = rng.choice(list(Change))
        gain, lose = rng.sample([SAA, HTS, RU], 2)
        out.append(make_event(change, place, end - timedelta(days=rng.choice((0, 1, 6))), end,
                         actor=None if change is Change.CONTESTED or rng.random() < .2 else gain,
                         loser=lose if rng.random() < .7 else None,
                         status=rng.choice(list(Status))))
    return out


STATES_AT = """(day) => {
  const page = window.conflictmap, D = page.D, out = {};
  for (let p = 0; p < D.np; p++) {
    const sp = page.spanAt(p, day);
    if (sp >= 0) out[D.pname[p]] = [D.sState[sp], D.sHolder[sp]
      ? D.raw.actors.n[D.sHolder[sp] - 1] : null];
  }
  return out;
}"""


@pytest.mark.parametrize("date_from", [None, D0 + timedelta(days=40)])
def test_browser_control_matches_timeline_every_week(browser: object, tmp_path: Path,
                                                     date_from: date | None) -> None:
    events = random_events(150)
    opened = open_map(browser, render_html(events, offline=True, date_from=date_from),
                      tmp_path)
    spans = control_timeline(events)
    codes = {"held": 1, "contested": 2, "lost": 3}
    for offset in range(40 if date_from else 0, 125, 7):
        day = D0 + timedelta(days=offset)
        expected = {}
        for place_spans in spans.values():
            current = [s for s in place_spans if s.start <= day]
            if current:
                s = current[-1]
                expected[s.place.name] = [codes[s.state], s.holder.name if s.holder else None]
        got = opened.page.evaluate(STATES_AT, (day - date(1970, 1, 1)).days)
        assert got == expected, day
    opened.page.close()


def test_browser_marks_changes_since_chosen_days(offline: Opened) -> None:
    page = offline.page
    page.check("input[name=cm-mode][value=control]")
    set_day(offline, D0 + timedelta(days=12))
    halos = "() => Array.from(window.conflictmap.haloOf).filter(Boolean).length"
    page.select_option(".cm-since", "7")  # Hama (day 8) and Aleppo (day 12)
    assert page.evaluate(halos) == 2
    page.select_option(".cm-since", "-1")  # every town with a state changed since the start
    assert page.evaluate(halos) == int(offline.data("placesDrawn"))


@pytest.mark.parametrize(("lang", "events_text", "places_text", "tip_text"), [
    ("nl", "1 van 1 gebeurtenis getoond", "1 plaats getoond", "1 gebeurtenis getoond"),
    ("en", "1 of 1 event shown", "1 place shown", "1 event shown"),
])
def test_browser_one_event_map_is_framed_with_context_and_speaks_in_the_singular(
        browser: object, tmp_path: Path, lang: str, events_text: str, places_text: str,
        tip_text: str) -> None:
    event = make_event(Change.CAPTURE, HAMA, D0, actor=HTS, loser=SAA)
    opened = open_map(browser, render_html([event], offline=True, lang=lang), tmp_path)
    page = opened.page
    zoom = page.evaluate("() => window.conflictmap.map.getZoom()")
    assert 4 <= zoom <= 7, zoom  # the town and its surroundings, not a zoom into nothing
    inside = page.evaluate("""([lat, lon]) => {
        const m = window.conflictmap.map, p = m.latLngToContainerPoint([lat, lon]),
              s = m.getSize();
        return p.x > 40 && p.y > 40 && p.x < s.x - 40 && p.y < s.y - 40; }""",
                           [HAMA.lat, HAMA.lon])
    assert inside
    assert page.inner_text(".cm-count") == events_text
    x, y = screen_point(opened, HAMA)
    page.mouse.move(x, y)
    assert tip_text in page.wait_for_selector(".leaflet-tooltip", timeout=5000).inner_text()
    page.check("input[name=cm-mode][value=control]")
    assert page.inner_text(".cm-count") == places_text
    assert opened.errors == []
    page.close()


def test_browser_popup_shows_a_repeated_quote_once_with_its_articles_behind_a_toggle(
        browser: object, tmp_path: Path) -> None:
    """The same wire text in many articles is one quote with a count; its articles open on
    a click."""
    from dataclasses import replace

    from conflictmap.model import Source

    wire = "Rebels said they had taken full control of the town of Hama."
    base = make_event(Change.CAPTURE, HAMA, D0, actor=HTS, loser=SAA)
    sources = tuple(Source(f"wire{i}.txt", "2024-12-05", wire, 0, len(wire),
                           f"https://paper{i}.example.org/a", f"Paper {i}") for i in range(6))
    sources += (Source("own.txt", "2024-12-05", "Our reporter saw rebel flags in Hama.", 0, 37,
                       "https://own.example.org/a", "Own report"),)
    opened = open_map(browser, render_html([replace(base, sources=sources)], offline=True),
                      tmp_path)
    page = opened.page
    x, y = screen_point(opened, HAMA, zoom=9)
    page.mouse.click(x, y)
    text = popup_text(opened)
    assert text.count(wire) == 1 and "Our reporter saw rebel flags" in text
    assert "the same text in 6 articles" in text
    assert "Paper 3" not in text  # behind the toggle
    page.click(".cm-same summary")
    text = popup_text(opened)
    assert all(f"Paper {i}" in text for i in range(6)) and text.count(wire) == 1
    assert page.eval_on_selector_all(".cm-same a", "as => as.length") == 6
    assert opened.errors == []
    page.close()


def _state_line(opened: Opened, place: Place) -> str:
    opened.page.evaluate("() => window.conflictmap.map.closePopup()")
    opened.page.wait_for_function("() => !document.querySelector('.leaflet-popup')")  # faded
    x, y = screen_point(opened, place, zoom=8)
    opened.page.mouse.click(x, y)
    opened.page.wait_for_function(
        f"() => (document.querySelector('.leaflet-popup-content h3') || {{}}).textContent"
        f" === {place.name!r}")
    return opened.page.inner_text(".leaflet-popup-content .cm-state")


@pytest.mark.parametrize(("lang", "between", "since"), [
    ("en", "between 1 and 31 Dec 2024", "since December 2024"),
    ("nl", "tussen 1 en 31 dec 2024", "sinds december 2024"),
])
def test_browser_control_shows_a_change_under_way_as_uncertain(
        browser: object, tmp_path: Path, lang: str, between: str, since: str) -> None:
    """A month-dated capture of Hama counts from the first day of its month, as uncertain,
    and its date is written as a month, never as the month's last day."""
    events = [make_event(Change.CAPTURE, HAMA, date(2024, 12, 1), date(2024, 12, 31),
                         actor=HTS, loser=SAA, article="month.txt"),
              make_event(Change.CAPTURE, ALEPPO, date(2024, 11, 30), actor=HTS, loser=SAA)]
    html = render_html(events, offline=True, lang=lang, date_from=date(2024, 11, 27),
                       date_to=date(2024, 12, 8))
    opened = open_map(browser, html, tmp_path)
    page = opened.page
    page.check("input[name=cm-mode][value=control]")
    set_day(opened, date(2024, 12, 8))
    assert int(opened.data("placesDrawn")) == 2  # Hama too, not only Aleppo
    assert page.evaluate("() => Array.from(window.conflictmap.uncertainOf)") .count(1) == 1
    state = _state_line(opened, HAMA)
    assert between in state and "31 Dec 2024" not in state.replace(between, "")
    assert "No report" not in state and "Nog geen" not in state
    set_day(opened, date(2024, 11, 29))  # before December: nothing at Hama yet
    assert int(opened.data("placesDrawn")) == 0
    page.close()
    later = open_map(browser, render_html(events, offline=True, lang=lang), tmp_path)
    later.page.check("input[name=cm-mode][value=control]")
    state = _state_line(later, HAMA)
    held = state.rsplit(" (", 1)[0]  # the last bracket is the map's day
    assert since in held and "31 dec" not in held.lower()
    assert later.errors == []
    later.page.close()


def test_browser_an_older_change_is_not_hidden_under_a_newer_one(browser: object,
                                                                  tmp_path: Path) -> None:
    """Aleppo retaken by the army in 2016 and taken by rebels in 2024: both symbols are seen
    side by side, the popup and the control history list both, and control at a date is the
    state at that date."""
    events = [make_event(Change.RECAPTURE, ALEPPO, date(2016, 12, 22), actor=SAA, loser=HTS,
                         quotes=("The army retook all of Aleppo.",), article="old.txt"),
              make_event(Change.CAPTURE, ALEPPO, date(2024, 11, 30), actor=HTS, loser=SAA,
                         quotes=("Rebels took Aleppo.",), article="new.txt")]
    opened = open_map(browser, render_html(events, offline=True), tmp_path)
    page = opened.page
    screen_point(opened, ALEPPO, zoom=8)
    page.wait_for_timeout(200)
    xs = page.evaluate("() => window.conflictmap.hits.x")
    assert len(xs) == 2 and abs(xs[0] - xs[1]) >= 10, xs  # not one on top of the other
    assert page.evaluate("() => window.conflictmap.hits.k.map(k => window.conflictmap.D"
                         ".echange[window.conflictmap.items[k]])") == [1, 0]  # older left
    x, y = screen_point(opened, ALEPPO)
    page.mouse.click(x, y)
    text = popup_text(opened)
    assert "The army retook all of Aleppo." in text and "Rebels took Aleppo." in text
    page.check("input[name=cm-mode][value=control]")
    set_day(opened, date(2020, 6, 1))
    assert _state_line(opened, ALEPPO).startswith("Held by Syrian Arab Army")
    set_day(opened, date(2024, 12, 1))
    assert _state_line(opened, ALEPPO).startswith("Held by Hay'at Tahrir al-Sham")
    history = page.inner_text(".cm-history")
    assert "Syrian Arab Army" in history and "Hay'at Tahrir al-Sham" in history
    assert opened.errors == []
    page.close()
    # a 2024 map: the 2016 change is outside the range, and the popup still lists it
    recent = open_map(browser, render_html(events, offline=True, date_from=date(2024, 1, 1)),
                      tmp_path)
    assert recent.drawn() == 1
    x, y = screen_point(recent, ALEPPO, zoom=8)
    recent.page.mouse.click(x, y)
    popup_text(recent)
    history = recent.page.inner_text(".cm-history")
    assert "Syrian Arab Army" in history and "22 Dec 2016" in history
    assert "Hay'at Tahrir al-Sham" in history
    recent.page.close()


PIXEL_ALPHA = """(name) => {
  const page = window.conflictmap, h = page.hits, D = page.D;
  const j = h.k.findIndex(k => D.pname[page.iPlace[k]] === name);
  const canvas = document.querySelector('.leaflet-cm-symbols-pane canvas')
    || page.layer._canvas, ratio = window.devicePixelRatio || 1;
  return canvas.getContext('2d').getImageData(Math.round(h.x[j] * ratio),
                                              Math.round((h.y[j] + 2) * ratio), 1, 1).data[3];
}"""


PIXEL_RGBA = """() => {
  const page = window.conflictmap, h = page.hits, ratio = window.devicePixelRatio || 1;
  const ctx = page.layer._canvas.getContext('2d');
  return h.x.map((x, j) => [page.D.sideColor[page.iSide[h.k[j]]], Array.from(
    ctx.getImageData(Math.round(x * ratio), Math.round((h.y[j] + 2) * ratio), 1, 1).data)]);
}"""


def test_browser_two_same_changes_by_two_sides_at_one_place_are_both_painted(
        browser: object, tmp_path: Path) -> None:
    """Two captures of one town by two sides, years apart: the canvas holds each side's
    colour where each symbol's hit point is (not one symbol drawn over the other)."""
    events = [make_event(Change.CAPTURE, HAMA, date(2015, 3, 4), actor=SAA, loser=HTS,
                         article="old.txt"),
              make_event(Change.CAPTURE, HAMA, date(2023, 7, 9), actor=HTS, loser=SAA,
                         article="new.txt")]
    opened = open_map(browser, render_html(events, offline=True), tmp_path)
    page = opened.page
    screen_point(opened, HAMA, zoom=9)
    page.wait_for_timeout(200)
    seen = page.evaluate(PIXEL_RGBA)
    assert len(seen) == 2 and seen[0][0] != seen[1][0], seen
    for color, rgba in seen:
        want = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
        near = all(abs(a - b) < 12 for a, b in zip(rgba[:3], want, strict=True))
        assert rgba[3] > 200 and near, seen
    assert opened.errors == []
    page.close()


def test_browser_confidence_control_hides_less_sure_events_and_they_look_uncertain(
        browser: object, tmp_path: Path) -> None:
    from dataclasses import replace

    events = [replace(make_event(Change.CAPTURE, HAMA, D0, actor=HTS, loser=SAA,
                                 article="h.txt"), confidence=0.9),
              replace(make_event(Change.CAPTURE, ALEPPO, D0, actor=HTS, loser=SAA,
                                 article="a.txt"), confidence=0.3),
              replace(make_event(Change.CAPTURE, BAKHMUT, D0, actor=RU, loser=UA,
                                 article="b.txt"), confidence=0.6)]
    opened = open_map(browser, render_html(events, offline=True), tmp_path)
    page = opened.page
    assert opened.drawn() == 3
    screen_point(opened, ALEPPO, zoom=7)
    page.wait_for_timeout(200)
    faint, solid = page.evaluate(PIXEL_ALPHA, "Aleppo"), page.evaluate(PIXEL_ALPHA, "Hama")
    assert solid > 200 and faint < 150, (faint, solid)  # the unsure report is see-through
    x, y = screen_point(opened, ALEPPO)
    page.mouse.click(x, y)
    assert "Confidence: 30% (uncertain)" in popup_text(opened)
    page.select_option('[data-filter="confidence"]', "50")
    assert opened.drawn() == 2
    page.check("input[name=cm-mode][value=control]")
    assert int(opened.data("placesDrawn")) == 2  # Aleppo's state is not taken from it
    page.select_option('[data-filter="confidence"]', "80")
    assert int(opened.data("placesDrawn")) == 1
    assert opened.errors == []
    page.close()
    floor = open_map(browser, render_html(events, offline=True, min_confidence=0.5), tmp_path)
    assert floor.drawn() == 2
    assert floor.page.eval_on_selector_all('[data-filter="confidence"] option',
                                           "os => os.map(o => o.value)") == ["50", "60", "70",
                                                                              "80", "90"]
    floor.page.close()
