"""Benchmark the map page: generation time, size, and load time in headless Chromium.

For each size (default 1,000, 10,000 and 50,000 synthetic events over three wars) it
prints: render_html time, HTML size raw and gzipped, gzipped bytes per event (whole page,
and the data blob alone), and the time from navigation until every symbol is drawn
(``data-events-drawn`` equals ``data-events-total``; median of three loads).
Load times use ``offline=True`` so no network is touched.

Usage: python benchmarks/bench_render.py [--sizes 1000 10000 50000] [--no-browser]
"""

from __future__ import annotations

import argparse
import gzip
import logging
import random
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from conflictmap.consolidate import control_timeline
from conflictmap.model import (
    Actor,
    Change,
    Event,
    Interval,
    Place,
    PlaceKind,
    Source,
    Status,
    precision_for_days,
)
from conflictmap.render import render_html

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@dataclass(frozen=True)
class War:
    country: str
    lat: tuple[float, float]
    lon: tuple[float, float]
    actors: tuple[Actor, ...]
    syllables: tuple[str, ...]


WARS = (
    War("SY", (32.5, 37.0), (35.8, 41.5), (
        Actor("saa", "Syrian Arab Army", "government", "state"),
        Actor("hts", "Hay'at Tahrir al-Sham", "rebels"),
        Actor("sna", "Syrian National Army", "rebels"),
        Actor("sdf", "Syrian Democratic Forces", "kurdish_forces"),
        Actor("isis", "Islamic State", "jihadists"),
    ), ("Kafr", "Tal", "Ain", "Deir", "Maarat", "Jisr", "Abu", "Bab", "Ras", "Khan",
        "Saraqib", "Nubl", "Zahra", "Hamra", "Sukhna", "Qasr", "Barid", "Minakh")),
    War("UA", (46.5, 51.0), (30.0, 39.5), (
        Actor("ua_army", "Armed Forces of Ukraine", "ukraine", "state"),
        Actor("ru_army", "Russian Armed Forces", "russia", "state"),
        Actor("wagner", "Wagner Group", "russia"),
    ), ("Novo", "Staro", "Velyka", "Mala", "Pokrov", "Bakh", "Kup", "Avdi", "ivka", "ove",
        "sk", "yansk", "horod", "pil", "dar", "lyman", "chasiv", "yar")),
    War("SD", (11.0, 16.5), (24.0, 34.0), (
        Actor("saf", "Sudanese Armed Forces", "sudan_army", "state"),
        Actor("rsf", "Rapid Support Forces", "rsf"),
    ), ("Um", "Wad", "El", "Jebel", "Abu", "Kadugli", "Fasher", "Nyala", "Sennar", "Rahad",
        "Dinder", "Kosti", "Babanusa", "Geneina", "Mellit", "Tawila")),
)

QUOTES = (
    "{actor} took control of {place} on {weekday}, the ministry said.",
    "Fighters of {actor} entered {place} after days of heavy fighting.",
    "{place} fell to {actor} early on {weekday}, residents told reporters.",
    "{actor} said it had captured {place}, a claim that could not be verified.",
    "De strijders van {actor} namen {place} {weekday} in.",
    "{place} is weer in handen van {actor}, meldt het persbureau.",
    "Troops withdrew from {place} overnight, local officials said.",
    "Er wordt nog steeds gevochten om {place}.",
    "{actor} retook {place} after a two-day counter-offensive.",
    "Witnesses said clashes continued in {place} on {weekday}.",
    "According to {actor}, its units now hold all of {place}.",
    "Het leger ontkent dat {place} is gevallen.",
)
TITLES = ("{actor} advances near {place}", "Heavy fighting around {place}",
          "Rebellen rukken op bij {place}", "Front line shifts at {place}",
          "{place}: what we know")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTLETS = ("news.example.org", "nos.example.nl", "wire.example.com", "nrc.example.nl")


def _places(rng: random.Random, war: War, n: int) -> list[Place]:
    out, seen = [], set()
    while len(out) < n:
        name = "".join(rng.sample(war.syllables, 2)).replace("  ", " ")
        name = f"{name} {rng.choice(war.syllables)}" if name in seen else name
        if name in seen:
            continue
        seen.add(name)
        region = rng.random() < 0.04
        out.append(Place(
            id=f"geonames:{rng.randrange(10**6, 10**7)}", name=name,
            kind=PlaceKind.REGION if region else PlaceKind.TOWN,
            lat=round(rng.uniform(*war.lat), 5), lon=round(rng.uniform(*war.lon), 5),
            country=war.country,
        ))
    return out


def _change(rng: random.Random) -> Change:
    return rng.choices(list(Change), weights=(45, 20, 15, 20))[0]


@dataclass(frozen=True)
class _Article:
    number: int
    day: date
    title: str

    def source(self, rng: random.Random, actor: Actor, place: Place) -> Source:
        fill = {"actor": actor.name, "place": place.name, "weekday": rng.choice(WEEKDAYS)}
        outlet = OUTLETS[self.number % len(OUTLETS)]
        return Source(
            article=f"{self.day:%Y%m%d}_{self.number:06d}.txt", published=self.day.isoformat(),
            quote=rng.choice(QUOTES).format(**fill), start=0, end=80,
            url=f"https://{outlet}/{self.day:%Y/%m/%d}/article-{self.number}", title=self.title,
        )


def _event(rng: random.Random, war: War, place: Place, end: date,
           articles: list[_Article]) -> Event:
    gain, lose = rng.sample(war.actors, 2)
    change = _change(rng)
    width = rng.choice((0, 0, 0, 1, 2, 6, 29))
    period = Interval(end - timedelta(days=width), end, precision_for_days(width + 1))
    sources = tuple(a.source(rng, gain, place) for a in articles)
    return Event(
        change=change, status=rng.choices(list(Status), weights=(80, 15, 5))[0],
        place=place, period=period,
        actor=None if change is Change.CONTESTED or rng.random() < 0.05 else gain,
        losing_actor=lose if rng.random() < 0.7 else None, sources=sources,
        confidence=0.7, geo_precision=3 if place.kind is PlaceKind.REGION else 1,
    )


def synthetic_events(n: int, seed: int = 7) -> list[Event]:
    """n events over three wars: about eight events per place, 2.5 per article, two years.

    Each article reports one to four changes in one war; three in ten events are also
    reported by the previous article (a consolidated event keeps every source).
    """
    rng = random.Random(seed)
    places = {w.country: _places(rng, w, max(20, n // 8 // len(WARS))) for w in WARS}
    events: list[Event] = []
    start, number, prev = date(2023, 1, 1), 0, None
    while len(events) < n:
        number += 1
        war = WARS[number % len(WARS)]
        day = start + timedelta(days=int(730 * len(events) / n))
        first = rng.choice(places[war.country])
        title = rng.choice(TITLES).format(actor=war.actors[0].name, place=first.name)
        article = _Article(number, day, title)
        for k in range(rng.choice((1, 2, 2, 3, 3, 4))):
            place = first if k == 0 else rng.choice(places[war.country])
            cited = [article] + ([prev] if prev and rng.random() < 0.3 else [])
            events.append(_event(rng, war, place, day - timedelta(days=rng.randrange(3)), cited))
        prev = article
    return events[:n]


@dataclass
class Row:
    n: int
    gen_s: float
    gen_tl_s: float
    raw: int
    gz: int
    blob_gz: int
    load: Load | None


def _blob_gz(page: str) -> int:
    match = re.search(r'<script type="application/json" id="cm-data">(.*?)</script>', page, re.S)
    return len(gzip.compress(match.group(1).encode("utf-8"))) if match else 0


def measure(n: int, browser: object | None, workdir: Path) -> Row:
    events = synthetic_events(n)
    t0 = time.perf_counter()
    page = render_html(events, title="Benchmark", offline=True)
    gen = time.perf_counter() - t0
    timeline = control_timeline(events)
    t0 = time.perf_counter()
    render_html(events, title="Benchmark", offline=True, timeline=timeline)
    gen_tl = time.perf_counter() - t0
    data = page.encode("utf-8")
    path = workdir / f"bench_{n}.html"
    path.write_bytes(data)
    load = _load_time(browser, path) if browser is not None else None
    return Row(n, gen, gen_tl, len(data), len(gzip.compress(data)), _blob_gz(page), load)


@dataclass
class Load:
    median_s: float
    best_s: float
    in_page_s: float  # navigation start -> every symbol drawn, as the page measures it


def _load_time(browser: object, path: Path, runs: int = 3) -> Load:
    walls, in_page = [], []
    for run in range(runs + 1):  # the first load warms the browser up and is not counted
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        t0 = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function(
            "() => { const m = document.querySelector('.folium-map');"
            " return m && m.dataset.ready === '1' &&"
            " m.dataset.eventsDrawn === m.dataset.eventsTotal; }",
            polling="raf", timeout=60000)
        if run:
            walls.append(time.perf_counter() - t0)
            in_page.append(page.evaluate(
                "() => performance.getEntriesByName('cm-drawn')[0].startTime") / 1000)
        page.close()
    return Load(statistics.median(walls), min(walls), statistics.median(in_page))


def print_table(rows: list[Row]) -> None:
    head = (f"{'events':>8} {'render s':>9} {'(tl given)':>10} {'raw KB':>8} {'gzip KB':>8} "
            f"{'B/ev gz':>8} {'blob B/ev':>9} {'load s':>7} {'best s':>7} {'in-page s':>9}")
    print(head)
    print("-" * len(head))
    for r in rows:
        ld = (f"{r.load.median_s:7.3f} {r.load.best_s:7.3f} {r.load.in_page_s:9.3f}"
              if r.load else f"{'-':>7} {'-':>7} {'-':>9}")
        print(f"{r.n:>8,} {r.gen_s:9.3f} {r.gen_tl_s:10.3f} {r.raw / 1024:8.1f} "
              f"{r.gz / 1024:8.1f} {r.gz / r.n:8.1f} {r.blob_gz / r.n:9.1f} {ld}")
    print("\nrender s: render_html(events), control_timeline(events) included; (tl given): "
          "with the timeline passed in.\nB/ev gz: whole page gzipped / events (Leaflet and "
          "country outlines included); blob B/ev: the data blob alone, gzipped.\n"
          "load s: median (best) of 3 offline loads in headless Chromium, from goto() until "
          "data-events-drawn == data-events-total;\nin-page s: navigation start to the "
          "'cm-drawn' performance mark (no Playwright round trips).\n"
          "targets: load <= 0.6 s at 10,000 and <= 1.0 s at 50,000 events; "
          "<= 20 B/event gzipped; render <= 1 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.no_browser:
            rows = [measure(n, None, Path(tmp)) for n in args.sizes]
        else:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                rows = [measure(n, browser, Path(tmp)) for n in args.sizes]
                browser.close()
    print_table(rows)


if __name__ == "__main__":
    main()
