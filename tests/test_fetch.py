"""Saved pages and `conflictmap fetch` against a real HTTP server on 127.0.0.1 (news_site):
main text without furniture, honest dates, polite fetching, bad pages one line each,
resumable runs, and fetch-then-build giving what the same articles as text files give."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from conflictmap.articles import read_articles
from conflictmap.cli import main
from conflictmap.fetching import FetchOptions, PoliteClient, fetch
from conflictmap.fetching.saved import article_path
from conflictmap.sources.html import decode_page, extract_page
from news_site import (
    BUSY,
    ENGLISH,
    LIVE,
    MONTHLY,
    NOS,
    STORIES,
    VRT,
    WIRE,
    NewsSite,
    Story,
    english_page,
    live_page,
    monthly_page,
    nos_page,
    start_site,
    vrt_page,
    wire_page,
)

FAST = FetchOptions(delay=0.0, timeout=0.5, retries=3, backoff=0.01)


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    server = start_site()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()


def _client(options: FetchOptions = FAST) -> PoliteClient:
    return PoliteClient(options)


PAGES = [(NOS, nos_page), (VRT, vrt_page), (WIRE, wire_page), (LIVE, live_page),
         (ENGLISH, english_page), (MONTHLY, monthly_page)]


@pytest.mark.parametrize(("story", "make"), PAGES, ids=[s.path for s, _ in PAGES])
def test_fetch_saved_page_main_text_date_and_precision(tmp_path: Path, story: Story, make):
    """A page saved with "Save page as": every paragraph of the article, none of the
    furniture; the date with the precision the page gives (a date only in the URL is
    used); the title; and the language."""
    page = make()
    name = "page.html"
    if story is WIRE:  # a saved page knows its URL from its canonical link only
        page = page.replace("<head>", f'<head><link rel="canonical" '
                                      f'href="https://wire.example{story.path}">')
    raw = page if isinstance(page, bytes) else page.encode("utf-8")
    (tmp_path / name).write_bytes(raw)
    skips: list = []
    (article,) = list(read_articles([tmp_path], on_skip=skips.append))
    for paragraph in story.paragraphs:
        assert paragraph in article.text
    for furniture in story.furniture:
        assert furniture not in article.text, furniture
    assert article.published == story.date
    assert article.period.precision == story.precision
    assert article.title == story.title
    assert article.lang == story.lang
    if story is WIRE:
        assert article.url == f"https://wire.example{story.path}"


def test_fetch_date_only_in_the_url_is_used_and_said(tmp_path: Path, caplog):
    (tmp_path / "wire.html").write_text(wire_page().replace(
        "<head>", f'<head><link rel="canonical" href="https://wire.example{WIRE.path}">'),
        encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="conflictmap"):
        (article,) = read_articles([tmp_path])
    assert article.published == "2024-11-20"
    assert any("found only in the URL" in r.getMessage() for r in caplog.records)


def test_fetch_page_without_date_or_text_is_one_line_never_invented(tmp_path: Path):
    from news_site import FURNITURE_ONLY, UNDATED

    (tmp_path / "undated.html").write_text(UNDATED, encoding="utf-8")
    (tmp_path / "furniture.html").write_text(FURNITURE_ONLY, encoding="utf-8")
    (tmp_path / "empty.htm").write_bytes(b"<html></html>")
    skips: list = []
    assert list(read_articles([tmp_path], on_skip=skips.append)) == []
    reasons = {s.path: s.reason for s in skips}
    assert reasons == {"undated.html": "date", "furniture.html": "no text",
                       "empty.htm": "no text"}
    assert all("\n" not in str(s) for s in skips)
    assert "none is invented" in str(next(s for s in skips if s.reason == "date"))


def test_fetch_page_charsets_declared_wrong_or_missing():
    text = "Rebellen namen de stad in, café".encode("cp1252")
    page = b'<html><head><meta charset="utf-8"></head><body><p>' + text + b"</p></body></html>"
    assert "café" in decode_page(page)  # declared UTF-8, is windows-1252
    assert "café" in decode_page(page, declared="utf-8")
    latin2 = "<html><head><meta charset='iso-8859-2'></head><body>Łódź</body></html>"
    assert "Łódź" in decode_page(latin2.encode("iso-8859-2"))  # declared, and right
    assert "Łódź" in decode_page(latin2.encode("utf-16"))  # a BOM first


def test_fetch_month_only_page_is_not_given_a_day():
    page = extract_page(monthly_page())
    assert (page.date, page.date_from) == ("2024-11", "page")


def test_fetch_feed_saves_each_item_with_url_fetch_time_and_date(tmp_path: Path,
                                                                site: NewsSite):
    summary = fetch([f"{site.base}/feed.xml"], tmp_path, feeds=True, client=_client())
    assert summary.failed == [] and len(summary.saved) == len(STORIES)
    target = article_path(tmp_path, f"{site.base}{NOS.path}")
    text = target.read_text(encoding="utf-8")
    assert f"url: {site.base}{NOS.path}\n" in text
    assert "\nfetched: 20" in text and "\ndate: 2024-12-05\n" in text
    assert "date_from: page" in text
    wire = article_path(tmp_path, f"{site.base}{WIRE.path}").read_text(encoding="utf-8")
    assert "date: 2024-11-20\ndate_from: url" in wire
    monthly = article_path(tmp_path, f"{site.base}{MONTHLY.path}").read_text(encoding="utf-8")
    assert "\ndate: 2024-11\n" in monthly
    articles = {a.url: a for a in read_articles([tmp_path])}
    assert set(articles) == {f"{site.base}{s.path}" for s in STORIES}
    nos = articles[f"{site.base}{NOS.path}"]
    assert all(p in nos.text for p in NOS.paragraphs)
    assert all(f not in nos.text for f in NOS.furniture)


def test_fetch_is_incremental_and_resumable(tmp_path: Path, site: NewsSite):
    feed = f"{site.base}/feed.xml"
    fetch([feed], tmp_path, feeds=True, client=_client())
    before = len(site.requests)
    again = fetch([feed], tmp_path, feeds=True, client=_client())
    new = site.paths()[before:]
    assert again.saved == [] and again.already == len(STORIES)
    assert [p for p in new if p != "/robots.txt"] == ["/feed.xml"]  # no page again
    # a run interrupted after some pages: the next run fetches only the rest
    victim = article_path(tmp_path, f"{site.base}{VRT.path}")
    victim.unlink()
    before = len(site.requests)
    third = fetch([feed], tmp_path, feeds=True, client=_client())
    assert [p.name for p in third.saved] == [victim.name]
    assert [p for p in site.paths()[before:] if p not in ("/robots.txt", "/feed.xml")] == \
        [VRT.path]
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file left


def test_fetch_an_interrupted_write_leaves_no_file(tmp_path: Path, site: NewsSite,
                                                   monkeypatch):
    import os

    def boom(src, dst):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        fetch([f"{site.base}{NOS.path}"], tmp_path, client=_client())
    monkeypatch.undo()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert fetch([f"{site.base}{NOS.path}"], tmp_path, client=_client()).saved


@pytest.mark.parametrize(("path", "reason"), [
    ("/missing", "HTTP 404"),
    ("/error", "HTTP 500"),
    ("/loop", "redirect loop"),
    ("/hang", "no answer within"),
    ("/trickle", "took over"),
    ("/huge", "byte limit"),
    ("/photo.png", "not an HTML page"),
    ("/private/secret", "robots.txt"),
    ("/undated", "no publication date"),
    ("/furniture", "no main text"),
])
def test_fetch_bad_pages_one_line_each_and_the_run_goes_on(tmp_path: Path, site: NewsSite,
                                                          caplog, path: str, reason: str):
    urls = [f"{site.base}{path}", f"{site.base}{ENGLISH.path}"]
    with caplog.at_level(logging.WARNING, logger="conflictmap"):
        summary = fetch(urls, tmp_path, client=_client())
    assert [u for u, _ in summary.failed] == [urls[0]]
    assert reason in summary.failed[0][1], summary.failed
    assert len(summary.saved) == 1  # the good page after it
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "\n" not in lines[0] and urls[0] in lines[0]


def test_fetch_wrong_or_missing_charset_pages_are_read(tmp_path: Path, site: NewsSite):
    summary = fetch([f"{site.base}/wrong-charset", f"{site.base}/no-charset"], tmp_path,
                    client=_client())
    assert summary.failed == []
    texts = [p.read_text(encoding="utf-8") for p in summary.saved]
    assert "Syrische café" in texts[0] and "Homs — café" in texts[1]


def test_fetch_feed_that_is_not_xml_and_hostile_item_links(tmp_path: Path, site: NewsSite):
    from news_site import feed_xml

    site.routes["/odd.xml"] = (200, {"Content-Type": "application/rss+xml"},
                               feed_xml(site.base, (ENGLISH,), ("javascript:alert(1)",
                                                                "data:text/html,x")))
    summary = fetch([f"{site.base}/notxml.xml", f"{site.base}/odd.xml"], tmp_path,
                    feeds=True, client=_client())
    reasons = [r for _, r in summary.failed]
    assert reasons[0].startswith("feed: not an RSS or Atom feed")
    assert reasons[1:] == ["not an http(s) URL", "not an http(s) URL"]
    assert len(summary.saved) == 1


def test_fetch_retries_503_then_succeeds(tmp_path: Path, site: NewsSite):
    site.hits.pop("/busy", None)
    summary = fetch([f"{site.base}{BUSY.path}"], tmp_path, client=_client())
    assert summary.failed == [] and len(summary.saved) == 1
    assert site.hits["/busy"] == 3


def test_fetch_is_polite_user_agent_and_one_request_a_second(site: NewsSite):
    waits: list[float] = []
    client = PoliteClient(FetchOptions(timeout=2.0), sleep=waits.append)
    before = len(site.requests)
    for story in (NOS, ENGLISH, LIVE):
        client.get(f"{site.base}{story.path}")
    requests = site.requests[before:]
    assert [p for p, _, _ in requests] == ["/robots.txt", NOS.path, ENGLISH.path, LIVE.path]
    assert all(agent.startswith("conflictmap/") for _, agent, _ in requests)
    # every request after the first waited for the rest of its second (sleep is recorded)
    assert len(waits) == 3 and all(0.9 <= w <= 1.0 for w in waits), waits


def test_fetch_then_build_gives_the_events_of_the_same_articles_as_text(
        tmp_path: Path, site: NewsSite, monkeypatch, capsys):
    """`fetch --feed` then `build` gives the events the same articles give as text files,
    with each page's URL in the event sources and in the map's popups."""
    fetched, texts = tmp_path / "fetched", tmp_path / "texts"
    from conflictmap import cli

    monkeypatch.setattr(cli, "_fetch", lambda urls, into, feeds, *a: fetch(
        urls, into, feeds=feeds, client=_client()))
    assert main(["fetch", "--feed", f"{site.base}/feed.xml", "--into", str(fetched)]) == 0
    texts.mkdir()
    for i, story in enumerate(STORIES):
        body = "\n\n".join((story.title, *story.paragraphs))
        (texts / f"{i}.txt").write_text(f" date {story.date}\n{body}\n", encoding="utf-8")
    outs = {}
    for name, folder in (("fetched", fetched), ("texts", texts)):
        out = tmp_path / f"out-{name}"
        assert main(["build", str(folder), "--out", str(out), "--no-cache", "-q"]) == 0
        outs[name] = json.loads((out / "events.geojson").read_text(encoding="utf-8"))

    def key(feature):  # what an event is, without where it was read
        p = feature["properties"]
        return (p["change"], p["place_id"], p["date_start"], p["date_end"], p.get("actor"),
                p.get("losing_actor"))

    got = sorted(map(key, outs["fetched"]["features"]))
    assert got and got == sorted(map(key, outs["texts"]["features"]))
    urls = {s["url"] for f in outs["fetched"]["features"] for s in f["properties"]["sources"]}
    assert urls and urls <= {f"{site.base}{s.path}" for s in STORIES}
    html = (tmp_path / "out-fetched" / "map.html").read_text(encoding="utf-8")
    assert f"{site.base}".replace("/", "\\/") in html or site.base in html


def test_fetch_build_feed_fetches_then_builds(tmp_path: Path, site: NewsSite, monkeypatch,
                                              capsys):
    from conflictmap import cli

    monkeypatch.setattr(cli, "_fetch", lambda urls, into, feeds, *a: fetch(
        urls, into, feeds=feeds, client=_client()))
    articles, out = tmp_path / "articles", tmp_path / "out"
    assert main(["build", str(articles), "--feed", f"{site.base}/feed.xml", "--out", str(out),
                 "--no-cache"]) == 0
    printed = capsys.readouterr().out
    assert f"articles fetched: {len(STORIES)}" in printed
    assert f"articles read: {len(STORIES)}" in printed
    assert (out / "events.geojson").exists()


@pytest.mark.parametrize("delay", ["0.2", "0", "-1", "soon"])
def test_fetch_delay_below_one_second_is_refused(delay: str, capsys):
    with pytest.raises(SystemExit):
        main(["fetch", "--delay", delay, "http://127.0.0.1:9/x"])
    assert "at least 1" in capsys.readouterr().err
