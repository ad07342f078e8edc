"""RSS 2.0 and Atom feeds, read with feedparser: each item's link, title, date and summary."""

from __future__ import annotations

from dataclasses import dataclass

from conflictmap.fetching.client import FetchError


@dataclass(frozen=True, slots=True)
class Item:
    """A feed item: its link, title, the date the feed gives it ("YYYY-MM-DD", "" when
    none) and its summary."""

    url: str
    title: str
    date: str
    summary: str


def parse_feed(body: bytes, where: str) -> list[Item]:
    """The feed's items, in the feed's order; FetchError when it is not a feed."""
    import feedparser

    parsed = feedparser.parse(body)
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        detail = f" ({str(problem).splitlines()[0][:120]})" if problem else ""
        raise FetchError(f"not an RSS or Atom feed{detail}")
    items = []
    for entry in entries:
        link = str(entry.get("link") or "").strip()
        if not link:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        day = f"{when.tm_year:04d}-{when.tm_mon:02d}-{when.tm_mday:02d}" if when else ""
        items.append(Item(link, str(entry.get("title") or ""), day,
                          str(entry.get("summary") or "")))
    return items
