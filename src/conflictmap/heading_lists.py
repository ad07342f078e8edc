"""Changes listed under a heading: a line that tells a change with no place of its own and
ends in a colon ("Provincial capitals that fell between August 6 and August 10:", "Deze
plaatsen heroverde het leger:"), followed by bullet lines that each open with a place and may
give its day ("- Zaranj, Nimroz Province (August 6)."). Each item is that change of its place,
dated by its own line, else by the heading. The shape of think-tank updates and live-blog
summaries."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from conflictmap.dates import find_dates
from conflictmap.model import Interval, Mention, PlaceKind

_BULLET = re.compile(r"[ \t]*(?:[-–—•*·▪►]|\d{1,2}[.)])[ \t]+")
_ITEM_HEAD = 60  # characters after the bullet where an item's place must start
_HEAD_STOP = re.compile(r"[,(.:;]")  # where the item's place name ends at the latest
MAX_ITEMS = 40  # bullet lines read under one heading


@dataclass(frozen=True)
class Item:
    """One bullet line under a heading: its place, where the line runs, its own date."""

    mention: Mention
    start: int  # the line's text, after its bullet
    end: int
    period: Interval | None


def heading_end(text: str, span: tuple[int, int]) -> bool:
    """True when the sentence ``span`` is a line of its own that ends in a colon."""
    s, e = span
    line_start = text.rfind("\n", 0, s) + 1
    line_end = text.find("\n", s)
    line_end = len(text) if line_end < 0 else line_end
    return (not text[line_start:s].strip() and not text[e:line_end].strip()
            and text[s:e].rstrip().endswith(":"))


def listed_items(text: str, span: tuple[int, int], places: Sequence[Mention], lang: str,
                 period: Interval) -> Iterator[Item]:
    """The bullet lines right after the heading ``span`` (one blank line may stand between
    the heading and the list), each with the first town, site or region its head names."""
    pos = text.find("\n", span[1])
    blank = 0
    for _ in range(MAX_ITEMS):
        if pos < 0:
            return
        start = pos + 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        pos = end if end < len(text) else -1
        if not line.strip():
            blank += 1
            if blank > 1:
                return
            continue
        bullet = _BULLET.match(line)
        if bullet is None:
            return
        blank = 0
        head_end = start + bullet.end() + _ITEM_HEAD
        stop = _HEAD_STOP.search(text, start + bullet.end(), min(end, head_end))
        head_end = stop.start() if stop is not None else min(end, head_end)
        mention = next((m for m in places if start + bullet.end() <= m.start < head_end
                        and m.place.kind in (PlaceKind.TOWN, PlaceKind.SITE,
                                             PlaceKind.REGION)), None)
        if mention is None:
            continue
        own = [d for d in find_dates(line, period, lang) if not d.since and not d.anaphoric
               and (d.explicit or d.interval.start == d.interval.end)]  # "(8 May)", "(maandag)"
        yield Item(mention, start + bullet.end(), end, own[0].interval if own else None)
