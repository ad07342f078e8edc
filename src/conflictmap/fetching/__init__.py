"""``conflictmap fetch``: articles downloaded into ``articles/`` as files ``build`` reads.

``fetch URL...`` fetches pages; ``fetch --feed FEED_URL...`` fetches a feed's items. Each
article becomes one front-matter file (``saved``) keeping its URL, the fetch time and the
page's own date (with where that date came from: the page, its URL, or the feed). The
main text, title and date come from the page as a saved page's do (``sources.html``).

Resumable and incremental: a URL whose file exists is not fetched again (a feed run
fetches only its new items), and each file is written whole or not at all. Bad pages get
one line each and the run goes on; nothing is saved without a date the source gives.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from conflictmap.fetching.client import FetchError, FetchOptions, PoliteClient
from conflictmap.fetching.feeds import Item, parse_feed
from conflictmap.fetching.saved import article_path, front_matter_text, write_atomic

log = logging.getLogger(__name__)

__all__ = ["FetchError", "FetchOptions", "FetchSummary", "PoliteClient", "fetch"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass
class FetchSummary:
    saved: list[Path] = field(default_factory=list)
    already: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    def lines(self) -> list[str]:
        return [f"articles fetched: {len(self.saved)}; already fetched: {self.already}; "
                f"failed: {len(self.failed)}"]


def fetch(urls: Iterable[str], folder: Path, *, feeds: bool = False,
          client: PoliteClient | None = None) -> FetchSummary:
    """Fetch these pages (or, with ``feeds``, these feeds' items) into ``folder``."""
    client = client or PoliteClient(FetchOptions())
    summary = FetchSummary()
    for url in urls:
        if not feeds:
            _page(url.strip(), None, folder, client, summary)
            continue
        try:
            answer = client.get(url.strip())
            items = parse_feed(answer.body, url)
        except FetchError as exc:
            _fail(summary, url, f"feed: {exc}")
            continue
        log.info("%s: %d items", url, len(items))
        for item in items:
            _page(urllib.parse.urljoin(answer.url, item.url), item, folder, client, summary)
    return summary


def _fail(summary: FetchSummary, url: str, reason: str) -> None:
    summary.failed.append((url, reason))
    log.warning("%s: not saved: %s", _shown(url), reason)


def _shown(url: str) -> str:
    return url.encode("unicode_escape").decode("ascii")[:300]


def _page(url: str, item: Item | None, folder: Path, client: PoliteClient,
          summary: FetchSummary) -> None:
    from conflictmap.sources.html import decode_page, extract_page, has_text
    from conflictmap.sources.language import supported_languages

    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        _fail(summary, url, "not an http(s) URL")
        return
    target = article_path(folder, url)
    if target.exists():
        summary.already += 1
        log.debug("%s: already fetched (%s)", url, target)
        return
    try:
        answer = client.get(url)
    except FetchError as exc:
        _fail(summary, url, str(exc))
        return
    if answer.content_type not in HTML_TYPES:
        _fail(summary, url, f"not an HTML page (content type {answer.content_type})")
        return
    page = extract_page(decode_page(answer.body, answer.charset), answer.url)
    if not has_text(page.text):
        _fail(summary, url, "no main text found in the page")
        return
    date, date_from = page.date, page.date_from
    if not date and item is not None and item.date:
        date, date_from = item.date, "feed"
    if not date:
        _fail(summary, url, "no publication date in the page, its URL or the feed (none is "
                            "invented)")
        return
    if date_from == "url":
        log.info("%s: date %s found only in the URL", url, date)
    meta = {"title": page.title or (item.title if item else ""), "date": date,
            "date_from": date_from, "url": answer.url,
            "fetched": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source": page.site or urllib.parse.urlsplit(answer.url).netloc,
            "lang": page.lang if page.lang in supported_languages() else ""}
    write_atomic(target, front_matter_text(meta, page.text))
    summary.saved.append(target)
