"""Places the gazetteer lacks, placed by the town the sentence ties them to.

A village too small for the gazetteer is often written with where it lies: "Synkivka (9km
northeast of Kupiansk)", "Neskuchne, Blahodatne and Makarivka, all just south of Velyka
Novosilka", "Kekhvi, ten noorden van Tschinvali", "de wijken A en B in het oosten van
Aleppo". Such a name becomes a place of its own, drawn at the known town's point moved by
the distance and compass point the text gives (at the town itself when it gives only "near",
a direction or a district), with geo_precision 2: near a town, not pinpointed. A town of the
gazetteer by that name far from that point is a namesake, and the text's point wins. The
names and the words that tie them are per-language patterns (``[markers] anchor_names``,
``anchor_after``, ``anchor_before``); the place is an ordinary mention, so a change is read
from it by the same rules as from any town.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from conflictmap.actors import ActorMention
from conflictmap.geodesy import EARTH_RADIUS_KM, km
from conflictmap.model import NEAR_PREFIX, Mention, Place, PlaceKind
from conflictmap.names import name_key
from conflictmap.rules import LanguageRules

MAX_KM = 60.0
"""The farthest a named place may be set from its town: beyond, the text's "N km" is a
distance along a road or a front, and the point would mislead more than it shows."""
_DIAGONAL = math.sqrt(0.5)


def is_anchored(place: Place) -> bool:
    return place.id.startswith(NEAR_PREFIX)


def with_anchored(text: str, sentences: Iterable[tuple[int, int]],
                  places: Sequence[Mention], actors: Sequence[ActorMention],
                  rules: LanguageRules) -> tuple[Mention, ...] | None:
    """``places`` with the mentions :func:`anchored_mentions` finds, in text order, less a
    town that only says whose districts they are ("the Baba Amr district of Homs") and a
    namesake far from where the text puts the name ("Hlyboke (12 km north of Kharkiv)" is no
    Hlyboke of Odesa oblast); None when there are none."""
    near, districts_of = anchored_mentions(text, sentences, places, actors, rules)
    if not near:
        return None
    spans = {(m.start, m.end) for m in near}
    kept = [m for m in places if (m.start, m.end) not in spans and m.start not in districts_of]
    return tuple(sorted(kept + near, key=lambda m: m.start))


NAMESAKE_KM = 25.0
"""How far from the point the text gives ("12 km north of X") a town of the gazetteer by
that name may lie and still be the one meant (UNSAID_KM more when the text gives no
distance: "Abu al-Duhur, ten oosten van Saraqeb" lies 26 km away); farther, it is a namesake
and the name is placed by the text."""
UNSAID_KM = 15.0
KNOWN_POPULATION = 20_000
"""A town this large in the country of the town the text ties it to is known by its name
alone: a compass phrase after it orients the reader ("Hama, ten noorden van Damascus", 200 km
away), it does not tell a namesake apart (one abroad is one: Kafr al Battikh in Egypt for a
Syrian village "8 km east of Saraqib")."""


def anchored_mentions(text: str, sentences: Iterable[tuple[int, int]],
                      places: Sequence[Mention], actors: Sequence[ActorMention],
                      rules: LanguageRules) -> tuple[list[Mention], set[int]]:
    """Mentions of the names in ``sentences`` that the gazetteer does not know (or knows
    only as a far namesake) but the text ties to a town it names (the module's docstring),
    in text order; and where the towns start that only say whose districts they are."""
    markers = rules.markers
    towns = {m.start: m for m in places if m.place.kind is PlaceKind.TOWN
             and not is_anchored(m.place)}
    if not towns:
        return [], set()
    known = {(m.start, m.end): m.place for m in places}
    starts = sorted(towns)
    taken = [(m.start, m.end) for m in places] + [(a.start, a.end) for a in actors]
    common, leading = _name_stops(rules)
    out: list[Mention] = []
    districts_of: set[int] = set()
    for s, e in sentences:
        for names in markers.anchor_names.finditer(text, s, e):
            cue = markers.anchor_after.match(text, names.end(), e)
            town = towns.get(cue.end()) if cue is not None else None
            listed = bisect_left(starts, names.end()) - bisect_left(starts, names.start())
            if town is None and listed < _LIST_TOWNS:
                continue  # the common case: a name that no town follows or stands beside
            items = [(a, b) for a, b in ((_unlead(text, a, b, leading), b) for a, b in _items(
                text, names.start(), names.end(), rules))
                     if a < b and not any(w.lower() in common for w in text[a:b].split())]
            if cue is None or town is None or (cue.group("in") and not markers.anchor_before.search(
                    text, max(s, names.start() - 40), names.start())):
                # not "Hezbollah in Lebanon"; a list beside towns of its own ("Kfar Kila,
                # Odaisseh en Markaba"): placed among them
                out.extend(_among_listed(text, items, known, taken))
                continue
            point = _moved(town.place, cue)
            if point is None:
                continue
            placed = len(out)
            # with no distance given, the place may lie some way off in that direction
            reach = NAMESAKE_KM + (0.0 if cue.group("km") else UNSAID_KM)
            for a, b in items:
                name = text[a:b]
                if name_key(name) == name_key(town.as_written):
                    continue
                gazetteer_place = known.get((a, b))
                if gazetteer_place is not None and (
                        gazetteer_place.kind is not PlaceKind.TOWN
                        or (gazetteer_place.population >= KNOWN_POPULATION
                            and gazetteer_place.country == town.place.country)
                        or km(gazetteer_place.lat, gazetteer_place.lon, *point) <= reach):
                    continue  # the gazetteer's own place, where the text puts it
                if gazetteer_place is None and any(x < b and a < y for x, y in taken):
                    continue
                out.append(_near_mention(text, a, b, town.place, point))
            if len(out) > placed and (cue.group("part") or cue.group("in")):
                districts_of.add(town.start)  # the town only says whose districts they are
    return out, districts_of


def _near_mention(text: str, a: int, b: int, town: Place,
                  point: tuple[float, float]) -> Mention:
    """The mention ``text[a:b]`` of a place the gazetteer lacks, drawn at ``point`` by
    ``town`` (its country and province)."""
    name = text[a:b]
    place = Place(id=f"{NEAR_PREFIX}{town.id}:{name_key(name)}", name=name, kind=PlaceKind.TOWN,
                  lat=round(point[0], 5), lon=round(point[1], 5), country=town.country,
                  admin1=town.admin1)
    return Mention(place, name, a, b)


_STOPS: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # by the rules' digest


def _name_stops(rules: LanguageRules) -> tuple[frozenset[str], frozenset[str]]:
    """(weekdays and months, those with the words that open a sentence before a name), read
    once per rules file (hashing the rules themselves costs more than reading them)."""
    stops = _STOPS.get(rules.digest)
    if stops is None:
        common = frozenset(w.lower() for w in (*rules.dates.weekdays, *rules.dates.months))
        stops = _STOPS[rules.digest] = (common, common | frozenset(
            w.lower() for key in ("not_a_name", "article", "locating_preposition")
            for w in rules.words[key]))
    return stops


LIST_KM = 40.0
"""How close the towns of a list must lie to one another for a name among them the gazetteer
lacks to be drawn at their middle."""
_LIST_TOWNS = 2  # the towns of the gazetteer a list must name beside the unknown name


def _among_listed(text: str, items: Sequence[tuple[int, int]],
                  known: dict[tuple[int, int], Place],
                  taken: Sequence[tuple[int, int]]) -> list[Mention]:
    """The names of a list ("A, B, C en D") the gazetteer lacks, when the list names at
    least two of its towns, of one country and close together: drawn at their middle."""
    towns = [known[item] for item in items if item in known]
    if len(towns) < _LIST_TOWNS or any(t.kind is not PlaceKind.TOWN or is_anchored(t)
                                       or t.country != towns[0].country for t in towns):
        return []
    lat = sum(t.lat for t in towns) / len(towns)
    lon = sum(t.lon for t in towns) / len(towns)
    if any(km(t.lat, t.lon, lat, lon) > LIST_KM for t in towns):
        return []
    out = []
    for a, b in items:
        if (a, b) not in known and not any(x < b and a < y for x, y in taken):
            out.append(_near_mention(text, a, b, towns[0], (lat, lon)))
    return out


def _unlead(text: str, a: int, b: int, leading: frozenset[str]) -> int:
    """The start of the name ``text[a:b]`` past the capitalised words that open a sentence
    ("On Friday", "In", "The")."""
    while a < b:
        end = text.find(" ", a, b)
        if end < 0 or text[a:end].lower() not in leading:
            return a
        a = end + 1
    return a


def _items(text: str, start: int, end: int, rules: LanguageRules) -> list[tuple[int, int]]:
    """The (start, end) of each name of the list ``text[start:end]`` ("A, B and C")."""
    parts = rules.words.compile(r",\s*|\s+%and%\s+", re.IGNORECASE)
    out = []
    pos = start
    for cut in [*parts.finditer(text, start, end), None]:
        a, b = pos, cut.start() if cut is not None else end
        if a < b:
            out.append((a, b))
        if cut is not None:
            pos = cut.end()
    return out


def _moved(town: Place, cue: re.Match[str]) -> tuple[float, float] | None:
    """The point ``cue`` (a match of ``anchor_after``) gives from ``town``: moved by its
    distance towards its compass point; the town's own point with no distance; None when the
    distance is too far to draw, or the words give neither a direction nor nearness."""
    groups = cue.groupdict()
    if groups.get("part") or groups.get("in"):
        return town.lat, town.lon  # a district of the town
    north = 1.0 if groups.get("n") else -1.0 if groups.get("s") else 0.0
    east = 1.0 if groups.get("e") else -1.0 if groups.get("w") else 0.0
    if not north and not east and not groups.get("near"):
        return None
    distance = float(groups["km"].replace(",", ".")) if groups.get("km") else 0.0
    if distance > MAX_KM:
        return None
    if north and east:
        north, east = north * _DIAGONAL, east * _DIAGONAL
    dlat = math.degrees(distance * north / EARTH_RADIUS_KM)
    dlon = math.degrees(distance * east / (EARTH_RADIUS_KM * math.cos(math.radians(town.lat))))
    return town.lat + dlat, town.lon + dlon
