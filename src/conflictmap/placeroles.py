"""Which place a change word is about, beyond the names themselves: sites named by a town,
and the town that "de stad"/"the city" stands for.

The codebook makes a site (an airport, base, prison, dam, border crossing, a named
headquarters...) with a change of its own its own event (``place_kind: site``), not a change
of the town it is in or near. "Rebels seized the airport of Goma" is a capture of Goma's
airport; Goma itself did not change hands. The site is drawn at its town's point (the
gazetteer has no sites; the scorer allows a site 25 km) with geo_precision 2, and has an
id of its own (``site:<kind>:<town id>``) so that it never merges with the town's events.

"De stad"/"the city" stands for the last town named before it that the text is about, not
one named only as a reference point ("the road between Karsk and Vell", "20 km west of
Vell", "the authorities in Vell"): ``antecedent``.

The words are language data: the ``[sites]`` and ``[place_roles]`` tables of each
``rules/<lang>.toml``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conflictmap.errors import RulesError
from conflictmap.model import Mention, Place, PlaceKind

log = logging.getLogger(__name__)

_LINKS = ("link_before", "link_after", "compounds")
_WINDOW = 90  # characters before a town searched for its site noun


@dataclass(frozen=True, slots=True)
class SiteWords:
    """One language's site nouns and the patterns that tie a town to them."""

    nouns: re.Pattern[str]  # any site noun (a whole word, or a compound's end)
    kinds: tuple[tuple[str, str], ...]  # (noun, kind), longest noun first
    before: re.Pattern[str]  # from a noun's end to the town: "van", "near", ...
    after: re.Pattern[str]  # from the town's end to the noun: "'s", " International"


@lru_cache(maxsize=16)
def site_words(path: str) -> SiteWords | None:
    """The ``[sites]`` table of the rules file at ``path`` (None when it has none)."""
    import tomllib

    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("sites")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cannot read [sites]: {exc}", Path(path)) from None
    if table is None:
        return None
    if not isinstance(table, dict) or not all(isinstance(table.get(k), str) for k in _LINKS[:2]):
        raise RulesError("expected [sites] with link_before and link_after strings and "
                         "lists of nouns per kind", Path(path))
    kinds: list[tuple[str, str]] = []
    for kind, nouns in table.items():
        if kind in _LINKS:
            continue
        if not isinstance(nouns, list) or not all(isinstance(n, str) and n for n in nouns):
            raise RulesError(f"[sites] {kind}: expected a list of nouns", Path(path))
        kinds.extend((n.lower(), kind) for n in nouns)
    kinds.sort(key=lambda pair: -len(pair[0]))
    words = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n, _ in kinds)
    prefix = r"[^\W\d_]*-?" if table.get("compounds") else ""
    try:
        nouns = re.compile(rf"\b{prefix}(?:{words})\b", re.IGNORECASE)
        before = re.compile(table["link_before"], re.IGNORECASE)
        # matched at the town's end (Pattern.match(text, pos)), where "^" would never match
        after = re.compile(table["link_after"].removeprefix("^") + rf"(?:{words})\b",
                           re.IGNORECASE)
    except re.error as exc:
        raise RulesError(f"[sites]: not a valid regular expression ({exc})", Path(path)) from None
    return SiteWords(nouns, tuple(kinds), before, after)


_REFERENCE_WINDOW = 60  # characters before a town searched for a reference marker
_AND = re.compile(r"^\s*(?:,\s*)?(?:en|and|of|or|&)\s+$", re.IGNORECASE)


@lru_cache(maxsize=16)
def reference_marker(path: str) -> re.Pattern[str] | None:
    """``[place_roles] reference_before`` of the rules file at ``path`` (None without one)."""
    import tomllib

    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("place_roles")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cannot read [place_roles]: {exc}", Path(path)) from None
    if table is None:
        return None
    if not isinstance(table, dict) or not isinstance(table.get("reference_before"), str):
        raise RulesError("expected [place_roles] with a reference_before string", Path(path))
    try:
        return re.compile(table["reference_before"], re.IGNORECASE)
    except re.error as exc:
        raise RulesError(f"[place_roles]: not a valid regular expression ({exc})",
                         Path(path)) from None


def _reference(text: str, marker: re.Pattern[str], mentions: list[Mention], k: int) -> bool:
    """True when mention ``k`` is named as a reference point, itself or as the second of a
    pair ("between Karsk and Vell")."""
    while True:
        m = mentions[k]
        if marker.search(text, max(0, m.start - _REFERENCE_WINDOW), m.start):
            return True
        if k == 0 or not _AND.match(text[mentions[k - 1].end:m.start]):
            return False
        k -= 1


def antecedent(text: str, rules_path: str, before: list[Mention]) -> Mention:
    """The town "de stad"/"the city" stands for, of the towns named before it (in text
    order): the last one not named as a reference point, else the last one."""
    marker = reference_marker(rules_path)
    if marker is None:
        return before[-1]
    for k in range(len(before) - 1, -1, -1):
        if not _reference(text, marker, before, k):
            return before[k]
    return before[-1]


def _kind(words: SiteWords, noun: str) -> str:
    noun = " ".join(noun.lower().split())
    for word, kind in words.kinds:
        if noun.endswith(word):
            return kind
    return "site"


def site_place(town: Place, kind: str) -> Place:
    """The site of ``kind`` that a town names, at the town's point."""
    return Place(id=f"site:{kind}:{town.id}", name=f"{town.name} {kind.replace('_', ' ')}",
                 kind=PlaceKind.SITE, lat=town.lat, lon=town.lon, country=town.country,
                 admin1=town.admin1, population=0)


def site_town(place: Place) -> str:
    """The id of the town a site place belongs to ("" for any other place)."""
    if place.kind is not PlaceKind.SITE or not place.id.startswith("site:"):
        return ""
    return place.id.split(":", 2)[2]


def site_mention(text: str, rules_path: str, mention: Mention) -> Mention | None:
    """The site a town mention names, as a mention spanning the site's words: "de
    luchthaven van Mosoel", "the prison near Kunduz", "Goma's airport", "Aleppo
    International Airport"; None when the town stands for itself."""
    if mention.place.kind is not PlaceKind.TOWN:
        return None
    words = site_words(rules_path)
    if words is None:
        return None
    after = words.after.match(text, mention.end)
    if after is not None:
        noun = text[mention.end:after.end()]
        place = site_place(mention.place, _kind(words, noun))
        return Mention(place, text[mention.start:after.end()], mention.start, after.end())
    low = max(0, mention.start - _WINDOW)
    for noun in reversed(list(words.nouns.finditer(text, low, mention.start))):
        if words.before.search(text[noun.end():mention.start]):
            place = site_place(mention.place, _kind(words, noun.group()))
            return Mention(place, text[noun.start():mention.end], noun.start(), mention.end)
    return None
