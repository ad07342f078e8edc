"""Names lost without a word no more: a change sentence whose place the gazetteer lacks.

When a control trigger fires and its object is a capitalised name that no gazetteer
mention, actor alias, weekday or month covers (``geotargets.unknown_target``: "the village of
Klisjtsjiivka was retaken"), extraction reports it as an *unresolved* report: a report at a
placeholder place (id ``unresolved:<name>``, no coordinates), which travels through the
report cache like any other and is set apart before consolidation (streammerge.py). Every
build writes them to ``unresolved.csv`` so an analyst can add the places to the overrides
file; with ``--geocode`` these are the names sent to the geocoder (the ones it answered are
places, not rows here).

Columns: name (as written), article, sentence, change (the change it would have been),
suggested_country, suggested_region (from the places the sentence, else the article,
names), published, url.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from conflictmap.model import Article, Change, Event, Mention, Place, PlaceKind, Source, Status

log = logging.getLogger(__name__)

PREFIX = "unresolved:"
FILE_NAME = "unresolved.csv"
COLUMNS = ("name", "article", "sentence", "change", "suggested_country", "suggested_region",
           "published", "url")


def is_unresolved(event: Event) -> bool:
    return event.place.id.startswith(PREFIX)


def split(events: Iterable[Event]) -> tuple[list[Event], list[Event]]:
    """(the real reports, the unresolved ones)."""
    real: list[Event] = []
    lost: list[Event] = []
    for event in events:
        (lost if event.place.id.startswith(PREFIX) else real).append(event)
    return real, lost


def suggestion(mentions: Sequence[Mention], sentence: tuple[int, int],
               actor_countries: Sequence[tuple[int, str]] = ()) -> tuple[str, str]:
    """(country code, region) the context suggests: the places named in the sentence,
    else in the whole article, else the countries of the actors named (a demonym's, a
    state force's: ``actor_countries``, (offset, country) pairs), the sentence's first; the
    region is the admin1 most named in that country."""
    near = [m.place for m in mentions if sentence[0] <= m.start < sentence[1]]
    pool = near if any(p.country for p in near) else [m.place for m in mentions]
    countries = Counter(p.country for p in pool if p.country)
    if not countries:
        own = [c for at, c in actor_countries if c and sentence[0] <= at < sentence[1]]
        other = [c for _, c in actor_countries if c]
        return ((own or other)[0] if own or other else ""), ""
    country = countries.most_common(1)[0][0]
    regions = Counter(p.admin1 if p.kind is not PlaceKind.REGION else p.name
                      for p in pool if p.country == country
                      and (p.admin1 or p.kind is PlaceKind.REGION))
    return country, regions.most_common(1)[0][0] if regions else ""


def report(article: Article, name: str, change: Change, sentence: tuple[int, int],
           country: str, region: str) -> Event:
    """The unresolved report of ``name`` in ``article``'s sentence."""
    place = Place(id=PREFIX + name, name=name, kind=PlaceKind.OTHER, lat=0.0, lon=0.0,
                  country=country, admin1=region)
    quote = " ".join(article.text[sentence[0]:sentence[1]].split())
    source = Source(article.id, article.published, quote, sentence[0], sentence[1],
                    article.url, article.title, "unresolved")
    return Event(change, Status.REPORTED, place, article.period, None, None, (source,),
                 confidence=0.0, geo_precision=0)


@dataclass(frozen=True)
class Row:
    name: str
    article: str
    sentence: str
    change: str
    suggested_country: str
    suggested_region: str
    published: str
    url: str


def rows(reports: Iterable[Event]) -> list[Row]:
    """One row per (name, article, sentence), in reading order."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for event in reports:
        for s in event.sources:
            key = (event.place.name, s.article, s.quote)
            if key in seen:
                continue
            seen.add(key)
            out.append(Row(event.place.name, s.article, s.quote, event.change.value,
                           event.place.country, event.place.admin1, s.published, s.url))
    return out


def dump_csv(found: Sequence[Row], handle: TextIO) -> None:
    from conflictmap.store import neutralise_cell

    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in found:
        writer.writerow([neutralise_cell(getattr(row, c)) for c in COLUMNS])
