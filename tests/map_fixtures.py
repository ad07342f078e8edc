"""What the map tests share: Debian's chromium, the page's ready check, locally served
Leaflet and tiles (no network), and a small cast of actors, places and events."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from conflictmap.model import Actor, Change, Event, Interval, Place, PlaceKind, Source, Status

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
READY = ("() => { const m = document.querySelector('.folium-map');"
         " return !!(m && m.dataset.ready === '1'); }")
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
LEAFLET_CDN = "https://cdn.jsdelivr.net/npm/leaflet@"
TILE = re.compile(r"https://([a-c]\.)?tile\.openstreetmap\.org/\d+/\d+/\d+\.png\Z")


def launch_browser() -> Iterator[object]:
    """Headless Debian chromium through Playwright (never a browser of Playwright's own)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def local_asset(url: str) -> tuple[str, bytes] | None:
    """(content type, body) for the online page's CDN Leaflet and OSM tiles, served from
    the installed xstatic-leaflet files and a blank tile; None for anything else."""
    if url.startswith(LEAFLET_CDN):
        import xstatic.pkg.leaflet as xleaflet

        name = url.rsplit("/", 1)[-1]
        kind = "text/css" if name.endswith(".css") else "application/javascript"
        return kind, (Path(xleaflet.BASE_DIR) / name).read_bytes()
    if TILE.match(url):
        return "image/png", BLANK_PNG
    return None


SAA = Actor("saa", "Syrian Arab Army", "syrian_government", "state")
HTS = Actor("hts", "Hay'at Tahrir al-Sham", "syrian_rebels")
UA = Actor("ua_army", "Armed Forces of Ukraine", "ukraine", "state")
RU = Actor("ru_army", "Russian Armed Forces", "russia", "state")

ALEPPO = Place("geonames:170063", "Aleppo", PlaceKind.TOWN, 36.2021, 37.1343, "SY")
HAMA = Place("geonames:170017", "Hama", PlaceKind.TOWN, 35.1318, 36.7578, "SY")
IDLIB = Place("region:idlib", "Idlib Governorate", PlaceKind.REGION, 35.83, 36.63, "SY")
BAKHMUT = Place("geonames:712423", "Bakhmut", PlaceKind.TOWN, 48.5956, 38.0003, "UA")
KUPIANSK = Place("geonames:704202", "Kupiansk", PlaceKind.TOWN, 49.7106, 37.6156, "UA")


def make_event(change: Change, place: Place, start: date, end: date | None = None, *,
               actor: Actor | None = None, loser: Actor | None = None,
               status: Status = Status.REPORTED, quotes: tuple[str, ...] = ("It happened.",),
               url: str = "https://news.example.org/2024/a1", title: str = "A title",
               article: str = "a1.txt") -> Event:
    """An event with one source per quote (article, article#1, ...)."""
    end = end or start
    sources = tuple(Source(f"{article}#{i}" if i else article, start.isoformat(), q, 0, len(q),
                           url, title) for i, q in enumerate(quotes))
    return Event(change, status, place, Interval.spanning(start, end), actor, loser, sources,
                 geo_precision=3 if place.kind is PlaceKind.REGION else 1)
