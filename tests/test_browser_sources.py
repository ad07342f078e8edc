"""Fetched articles on the map, in headless Chromium: a source link opens the article's URL
(served by the news site on 127.0.0.1), and a hostile URL (javascript:, data:) given in an
article is never a link."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conflictmap.cli import main
from conflictmap.fetching import FetchOptions, PoliteClient, fetch
from map_fixtures import READY, launch_browser
from news_site import NOS, NewsSite, start_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    server = start_site()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch_browser()


def test_browser_sources_link_opens_the_article_url_and_hostile_urls_are_no_links(
        browser: object, site: NewsSite, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    client = PoliteClient(FetchOptions(delay=0.0, timeout=2.0))
    assert fetch([f"{site.base}{NOS.path}"], articles, client=client).saved
    for i, hostile in enumerate(("javascript:alert(1)", "data:text/html,<script>alert(2)"
                                 "</script>", "JaVaScRiPt:alert(3)")):
        (articles / f"hostile{i}.md").write_text(
            f"---\ndate: 2024-12-0{i + 1}\nurl: {hostile}\ntitle: t\n---\n"
            "Het Syrische leger heeft de stad Hama heroverd.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(articles), "--out", str(out), "--no-cache", "-q",
                 "--offline"]) == 0
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    opened: list[str] = []
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def handle(route) -> None:  # the page's files and the news site only
        url = route.request.url
        if url.startswith(("file:", "data:", site.base)):
            route.continue_()
        else:
            route.abort()

    page.context.route("**/*", handle)
    page.context.on("page", lambda p: opened.append(p.url))
    page.goto((out / "map.html").as_uri())
    page.wait_for_function(READY, timeout=15000)
    hama = page.evaluate(
        """() => {
             const m = window.conflictmap.map;
             m.setView([35.1318, 36.7578], 9, {animate: false});
             const p = m.latLngToContainerPoint([35.1318, 36.7578]);
             const r = m.getContainer().getBoundingClientRect();
             return [r.left + p.x, r.top + p.y];
           }""")
    page.mouse.click(*hama)
    page.wait_for_selector(".leaflet-popup-content a", timeout=5000)
    hrefs = page.eval_on_selector_all(".leaflet-popup-content a",
                                      "as => as.map(a => a.getAttribute('href'))")
    # the fetched article (in each of its events); the hostile ones: none
    assert hrefs and set(hrefs) == {f"{site.base}{NOS.path}"}
    text = page.inner_text(".leaflet-popup-content")
    assert "hostile0.md" in text and "hostile2.md" in text  # listed, as plain text
    before = len(site.requests)
    with page.context.expect_page(timeout=10000) as new:
        page.click(".leaflet-popup-content a >> nth=0")
    article_page = new.value
    article_page.wait_for_load_state()
    assert article_page.url == f"{site.base}{NOS.path}"
    assert NOS.path in [p for p, _, _ in site.requests[before:]]
    assert page.eval_on_selector_all("a[href^='javascript' i], a[href^='data' i]",
                                     "as => as.length") == 0
    assert dialogs == []
    page.close()
