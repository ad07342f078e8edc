"""Between namesakes, what the sentence says about where a place lies decides.

Many names stand for several places (Ukraine alone has a dozen villages called Andriivka).
The article's countries and regions and the population decide in general
(``toponyms.choose``); a sentence that places the name decides before them:

- a country or a region right after it: "Palma in northern Mozambique", "het dorp
  Blahodatne in de oblast Donetsk", "Lyman in the Donetsk region": only the candidates in
  that country, and of those the ones in that region when there are any; also after an
  apposition that names its kind ("Palma, a coastal town in Cabo Delgado", "Sake, een
  stadje in Noord-Kivu");
- a nearby town right after it: "Andriivka bij Bachmoet", "Andriivka near Bakhmut": the
  candidate nearest that town, when one lies within ``NEAR_TOWN_KM`` of it (else none: the
  gazetteer lacks the place); a town it is said to lie in a direction from ("Krynky, 30 km
  east of Kherson", "Homs, east of Misrata"): the candidate nearest that town within
  ``REFERENCE_KM``, else the usual choice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from conflictmap.geodesy import km_between
from conflictmap.model import Mention, Place, PlaceKind
from conflictmap.names import name_key
from conflictmap.toponym_words import (
    AREA_FILLERS,
    AREA_REGION_WORDS,
    ARTICLE_WORDS,
    COMPASS,
    NEAR_FILLERS,
    NEAR_WORDS,
    REFERENCE_WORDS,
    SETTLEMENT_ENDS,
)

if TYPE_CHECKING:
    from conflictmap.gazetteer import Gazetteer
    from conflictmap.toponym_words import _Span, _Toks

log = logging.getLogger(__name__)

NEAR_TOWN_KM = 40.0
REFERENCE_KM = 300.0


_GAP = re.compile(r"[\s,\d.\u00a0]*")


def stated_area(toks: _Toks, span: _Span, by_first: dict[int, _Span], gaz: Gazetteer) -> str:
    """The country a place name is said to lie in, right after it ("CC"), with its region
    when a region is named ("CC|Donetsk Oblast"); "" when none. Only a town or region is
    qualified."""
    if span.fuzzy or gaz.place(span.cands[0]).kind is PlaceKind.COUNTRY:
        return ""
    j = _apposition_end(toks, span.last + 1)
    if j >= toks.n or toks.words[j].lower() != "in" or toks.initials[j]:
        return ""
    if toks.text[toks.ends[j - 1]:toks.starts[j]].strip(" ,\u00a0"):
        return ""
    if j == span.last + 1 and toks.text[toks.ends[span.last]:toks.starts[j]].strip(" ,\u00a0"):
        return ""
    j += 1
    region_word = False
    for _ in range(5):
        area = by_first.get(j)
        if area is not None:
            if area.fuzzy:
                return ""
            after = toks.words[area.last + 1].lower() if area.last + 1 < toks.n else ""
            return _area_key(area, gaz, region_word or after in AREA_REGION_WORDS)
        if j >= toks.n or toks.initials[j] or toks.words[j].lower() not in AREA_FILLERS:
            return ""
        region_word = region_word or toks.words[j].lower() in AREA_REGION_WORDS
        j += 1
    return ""


def _apposition_end(toks: _Toks, j: int) -> int:
    """Where "in" may stand after a name followed by an apposition that names its kind
    ("Palma, a coastal town in Cabo Delgado", "Sake, een stadje in Noord-Kivu"): the index
    after the apposition's noun; ``j`` itself when there is none."""
    if j >= toks.n or toks.words[j].lower() not in ARTICLE_WORDS:
        return j
    if toks.text[toks.ends[j - 1]:toks.starts[j]].strip(" \u00a0") != ",":
        return j
    for k in range(j + 1, min(j + 5, toks.n)):
        word = toks.words[k].lower()
        if toks.caps[k] or toks.initials[k]:
            return j
        if word.endswith(SETTLEMENT_ENDS) and k + 1 < toks.n and toks.words[k + 1].lower() == "in":
            return k + 1
    return j


def _area_key(area: _Span, gaz: Gazetteer, region_word: bool) -> str:
    """"CC" for a country, "CC|admin1" for a region ("de oblast Donetsk", "the Kharkiv
    region": the region of the town that shares its name), "" for anything else."""
    places = [gaz.place(c) for c in area.cands[:25]]
    top = places[0]
    if top.kind is PlaceKind.COUNTRY:
        return top.country
    region = next((p for p in places if p.kind is PlaceKind.REGION), None)
    if region is None and region_word and top.kind is PlaceKind.TOWN:
        region = gaz.region_of(top)
    if region is not None and (top.kind is PlaceKind.REGION or region_word):
        return f"{region.country}|{region.admin1}" if region.admin1 else region.country
    return ""


def in_area(candidates: tuple[int, ...], within: str, gaz: Gazetteer) -> tuple[int, ...]:
    """The candidates in the stated country, narrowed to the stated region when any lie
    there."""
    country, _, admin1 = within.partition("|")
    cands = tuple(c for c in candidates if gaz.place(c).country == country)
    if admin1:
        inside = tuple(c for c in cands if gaz.place(c).admin1 == admin1)
        cands = inside or cands
    return cands



def near_town(toks: _Toks, span: _Span, by_first: dict[int, _Span],
              gaz: Gazetteer) -> tuple[Place | None, bool]:
    """The town a name is said to lie by, right after it, and whether "near" it ("Andriivka
    bij Bachmoet": True) or only in a direction from it ("Krynky, 30 km east of Kherson",
    "ten zuiden van Bachmoet": False). Only a town whose name points at one place (one
    candidate, or a first candidate ten times the next's size); (None, False) when none."""
    if len(span.cands) < 2:
        return None, False
    j, near, reference, previous = span.last + 1, False, False, ""
    if j >= toks.n or not _GAP.fullmatch(toks.text, toks.ends[span.last], toks.starts[j]):
        return None, False
    for _ in range(7):
        other = by_first.get(j)
        if other is not None:
            town = _one_town(other, gaz) if near or reference else None
            return town, near and town is not None
        if j >= toks.n or toks.initials[j]:
            return None, False
        word = toks.words[j].lower()
        if word not in NEAR_FILLERS:
            return None, False
        near = near or word in NEAR_WORDS
        reference = reference or word in REFERENCE_WORDS or (
            word in ("of", "van") and previous in COMPASS)
        previous = word
        j += 1
    return None, False


def _one_town(span: _Span, gaz: Gazetteer) -> Place | None:
    towns = [gaz.place(c) for c in span.cands[:25]]
    towns = [p for p in towns if p.kind is PlaceKind.TOWN]
    if not towns:
        return None
    if len(towns) == 1 or towns[0].population >= 10 * max(1, towns[1].population):
        return towns[0]
    return None


def nearest(candidates: tuple[int, ...], town: Place, gaz: Gazetteer,
            limit: float = NEAR_TOWN_KM) -> Place | None:
    """The candidate nearest ``town`` when it lies within ``limit`` km of it, else None (a
    namesake far from the town the text puts it by is not the place meant)."""
    places = [gaz.place(c) for c in candidates[:25]]
    places = [p for p in places if p.kind is PlaceKind.TOWN and p.id != town.id]
    if not places:
        return None
    best = min(places, key=lambda p: km_between(p, town))
    return best if km_between(best, town) <= limit else None


def short_forms(mentions: list[Mention]) -> list[Mention]:
    """A name of two words or more that opens a longer town name the same text gives is that
    town ("San Vicente del Caguán ... pulled its troops out of San Vicente": not San
    Vicente in Argentina)."""
    towns = {name_key(m.as_written): m.place for m in mentions
             if m.place.kind is PlaceKind.TOWN and len(m.as_written.split()) >= 3}
    if not towns:
        return mentions
    out = []
    for m in mentions:
        key = name_key(m.as_written)
        longer = [p for k, p in towns.items() if k.startswith(key + " ") and p.id != m.place.id]
        if len(key.split()) >= 2 and len({p.id for p in longer}) == 1:
            m = replace(m, place=longer[0])
        out.append(m)
    return out
