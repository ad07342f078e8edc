"""Which place a recognised name means: disambiguation by the whole article.

The article's countries (named, 3; demonyms, 2 or 4 with "de Syrische stad"), its regions,
its unambiguous towns and their distance, a "provincie X"/"X province" cue, and population
score the candidates (``score``, ``choose``); a candidate in a country the article points at
shuts out the others. Weak matches (dictionary words, transliterations, small towns far from
everything the article names) need the article's support (``_accept``). What the sentence
says about where a name lies (a stated country or region, a nearby town) narrows the
candidates first (``namesakes``, ``_resolve_within``).

Split from ``toponyms``, which finds the names.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from conflictmap.datelines import dateline_spans
from conflictmap.gazetteer import Gazetteer
from conflictmap.geodesy import flat_km
from conflictmap.model import Place, PlaceKind
from conflictmap.names import name_key
from conflictmap.namesakes import REFERENCE_KM, in_area, nearest
from conflictmap.toponym_words import (
    ACTOR_AFTER,
    ARMY_NOUNS,
    CONTROL_AFTER,
    CONTROL_BEFORE,
    DOMINANT_KM,
    NEAR_KM,
    OBJECT_FILLERS,
    PLACE_NOUNS,
    STRONG_POPULATION,
    _Span,
    _Toks,
)

log = logging.getLogger(__name__)


@dataclass
class _Context:
    """What the whole article says about where it is.

    ``named``: weight per country from country names (3) and demonyms (2);
    ``keys``: per country, the distinct names of places that lie only in that country;
    ``anchors``: unambiguous towns; ``regions``: admin1 names of regions named;
    ``area``: countries of armies named ("Russian troops") and their neighbours;
    ``filed``: the names of places the article names only in a dateline ("BANGKOK, April 11
    -"), where the story was filed: no home of the article's places (:func:`home_keys`).
    """

    named: Counter
    keys: dict[str, set[str]]
    anchors: list[Place]
    regions: set[str]
    area: frozenset[str] = frozenset()
    filed: frozenset[str] = frozenset()

    def support(self, country: str, key: str = "") -> float:
        """Evidence for ``country`` apart from the name ``key`` itself."""
        others = self.keys.get(country, set())
        return self.named.get(country, 0) + len(others) - (key in others)

    def has_evidence(self, key: str) -> bool:
        """True when the article points at any country apart from the name ``key``."""
        return bool(self.named or self.area) or any(keys - {key} for keys in self.keys.values())

    @property
    def countries(self) -> Counter:
        out = Counter(self.named)
        for cc, keys in self.keys.items():
            out[cc] += len(keys)
        return out


def _demonym_weight(toks: _Toks, i: int) -> float:
    """How much a nationality word says about where things are.

    "de Syrische stad", "the Ukrainian town of": a lot; "Syrian rebels": some;
    "Russische troepen", "Russian forces": nothing by itself (an army may fight abroad), but
    see ``_Context.area``.
    """
    nxt = toks.words[i + 1].lower() if i + 1 < len(toks) else ""
    if nxt in PLACE_NOUNS:
        return 4.0
    return 0.0 if nxt in ARMY_NOUNS else 1.0


def home_keys(ctx: _Context, country: str, key: str) -> bool:
    """The article's places lie in ``country`` apart from the name ``key``: two names or
    more of its places, not counting a dateline's ("BANGKOK, April 11 - Karen rebels took
    Myawaddy, ... near Mae Sot in Thailand": a story filed from abroad)."""
    return len(ctx.keys.get(country, set()) - {key} - ctx.filed) >= 2


def _context(toks: _Toks, spans: list[_Span], gaz: Gazetteer) -> _Context:
    named: Counter = Counter()
    datelines = dateline_spans(toks.text)
    keys: dict[str, set[str]] = {}
    anchors: list[Place] = []
    regions: set[str] = set()
    area: set[str] = set()
    filed: set[str] = set()  # names met in a dateline
    told: set[str] = set()  # names met elsewhere
    words, demonym = toks.words, gaz.demonym
    # each capitalised word looked up once ("The", "De" open most sentences)
    nationality = {w: cc for w in {words[i] for i in toks.cap_idx} if (cc := demonym(w))}
    for i in toks.cap_idx if nationality else ():
        cc = nationality.get(words[i])
        if cc:
            weight = _demonym_weight(toks, i)
            named[cc] += weight
            if not weight:
                area.update({cc, *gaz.neighbours.get(cc, ())})
    for s in spans:
        if s.fuzzy or s.stop:
            continue
        places = [gaz.place(i) for i in s.cands]
        top = places[0]
        if top.kind is not PlaceKind.TOWN and top.country:
            named[top.country] += 3 if top.kind is PlaceKind.COUNTRY else 2
            regions.add(top.admin1)
            continue
        if top.kind is not PlaceKind.TOWN:
            continue  # "de Sahel": a region of several countries, no sign of its namesakes'
            # country (Burkina Faso's Sahel region)
        ccs = {p.country for p in places if p.country and not _negligible(p, top)}
        if len(ccs) == 1:
            keys.setdefault(next(iter(ccs)), set()).add(s.key)
            if any(a <= s.start < b for a, b in datelines):
                filed.add(s.key)
            else:
                told.add(s.key)
            if len(places) == 1 and all(a is not top for a in anchors):
                anchors.append(top)
    return _Context(+named, keys, anchors, regions, frozenset(area), frozenset(filed - told))


NEGLIGIBLE_SHARE = 0.01


def _negligible(place: Place, top: Place) -> bool:
    """A namesake town of under 1 % of the first candidate's population ("Gasa", Bhutan, pop.
    548, beside Gaza City's 410,000): no reason to doubt which country the name points at."""
    return (place.kind is PlaceKind.TOWN and top.kind is PlaceKind.TOWN
            and place.population < top.population * NEGLIGIBLE_SHARE)


@lru_cache(maxsize=65536)
def _own_key(name: str) -> str:
    """names.name_key of a place's own name (cached: scoring asks for it per candidate)."""
    return name_key(name)



WORLD_CITY = 1_000_000
"""A town this large wins over namesakes of under 1 % of its size in the article's countries."""


def score(
    place: Place, ctx: _Context, region_cue: bool, pinned: bool = False, key: str = ""
) -> float:
    """Higher is likelier: population, the article's countries, nearby anchors, region cues,
    and curation (a curated name or an analyst's pin)."""
    s = math.log10(place.population + 10) + (5.0 if pinned else 0.0)
    if key and _own_key(place.name) == key:
        s += 2.0  # the place's own name, not an old or foreign alternate
    support = ctx.support(place.country, key) if place.country else 3.0
    s += 6.0 * support / (support + 2.0)
    if place.kind is PlaceKind.COUNTRY:
        s += 3.0
    if place.kind is PlaceKind.REGION:
        s += 4.0 if region_cue else (0.0 if pinned or not place.country else -2.5)
    if place.admin1 and place.admin1 in ctx.regions and place.kind is PlaceKind.TOWN:
        s += 1.0
    if any(flat_km(place, a) < 150 for a in ctx.anchors if a.id != place.id):
        s += 1.5
    return s


def choose(
    places: list[Place],
    ctx: _Context,
    region_cue: bool,
    pinned: frozenset[str] = frozenset(),
    key: str = "",
) -> tuple[Place, list[float]]:
    """The candidate the context picks, and every candidate's score.

    Candidates in a country the article gives signs of (or with no country) shut out the others.
    """
    if len(places) == 1:
        return places[0], [0.0]
    # a country's own name is the sign of it: "the United States and Turkey" is not a town
    # of the United States known as Turkey
    named = [p for p in places if not p.country or p.kind is PlaceKind.COUNTRY
             or ctx.support(p.country, key) >= 1]
    big = max(places, key=lambda p: (p.kind is PlaceKind.TOWN, p.population))
    if (named and big not in named and big.kind is PlaceKind.TOWN
            and big.population >= WORLD_CITY and all(p.population * 100 < big.population
                                                     for p in named)):
        # a world city beats its small namesakes in the article's countries: "from London
        # and Washington" in an article naming the United States is not London, Kentucky
        named = [p for p in named if p.kind is not PlaceKind.TOWN] + [big]
    pool = named or [p for p in places if p.country in ctx.area] or places
    in_pool = {id(p) for p in pool}
    scores = [
        score(p, ctx, region_cue, p.id in pinned, key) if id(p) in in_pool else -99.0
        for p in places
    ]
    best = max(range(len(places)), key=lambda i: (scores[i], -i))
    return places[best], scores


def _accept(span: _Span, place: Place, ctx: _Context, gaz: Gazetteer, toks: _Toks) -> bool:
    """Weak matches need the article's support: common words mid-sentence, transliterations,
    names used for an actor ("Wagner mercenaries", "Assads regime"), and small towns far
    from every country and place the article names."""
    if not place.country:
        return True
    in_ctx = ctx.support(place.country, span.key) >= 1
    if place.kind is not PlaceKind.TOWN:
        if span.fuzzy:
            return in_ctx or _near_context(place, ctx, gaz, span.key)
        return not span.stop or place.kind is PlaceKind.COUNTRY or in_ctx
    if in_ctx:
        return True
    nxt = span.last + 1
    after = span.after or (toks.words[nxt] if nxt < len(toks) else "")
    if after.lower() in ACTOR_AFTER:
        return False
    if not ctx.has_evidence(span.key):
        # no country signal: the name alone must point at one place; a dictionary word
        # ("Sake") needs a capture verb, a transliteration a large town
        if not _dominant(span, place, gaz):
            return False
        if span.stop:
            return _control_object(toks, span)
        return not span.fuzzy or place.population >= STRONG_POPULATION
    near = _near_context(place, ctx, gaz, span.key)
    if span.stop or span.fuzzy:
        return near
    return near or place.population >= STRONG_POPULATION


def _dominant(span: _Span, place: Place, gaz: Gazetteer) -> bool:
    """True when the name means this town alone: no other town of that name more than
    DOMINANT_KM away has half its population (a town known by this name only as an old or
    foreign alternate does not compete with one whose own name it is), or curation (a
    curated place, alias or pin) chose it. Twin entries of one town and border twins
    (Rafah) do not compete."""
    if gaz.pinned(span.key)[:1] == span.cands[:1]:
        return True
    own = _own_key(place.name) == span.key  # "Pokrovsk" is Engels' old name only
    for c in span.cands[:25]:
        other = gaz.place(c)
        if (
            other is not place
            and other.kind is PlaceKind.TOWN
            and other.population * 2 > place.population
            and flat_km(place, other) > DOMINANT_KM
            and not (own and _own_key(other.name) != span.key)
        ):
            return False
    return True


def _control_object(toks: _Toks, span: _Span) -> bool:
    """True when the name is the object of a capture verb: "seized Sake", "captured the town
    of Paletwa", "Sake ingenomen". Known gap: "Police seized Mark" (a first name that is
    also a village) passes too when the article names no country."""
    i = span.first - 1
    words = toks.words
    skipped = 0
    while i >= 0 and skipped < 4 and words[i].lower() in OBJECT_FILLERS:
        i -= 1
        skipped += 1
    if i >= 0 and words[i].lower() in CONTROL_BEFORE:
        return True
    j = span.last + 1
    return j < toks.n and words[j].lower() in CONTROL_AFTER




def _near_context(place: Place, ctx: _Context, gaz: Gazetteer, key: str) -> bool:
    """True when the place lies in or next to a country the article names, or within
    NEAR_KM of a place it names (other than by the name ``key`` itself)."""
    countries = {*ctx.named, *(cc for cc, keys in ctx.keys.items() if keys - {key})}
    if (
        place.country in countries
        or place.country in ctx.area
        or any(place.country in gaz.neighbours.get(cc, ()) for cc in countries)
    ):
        return True
    return any(flat_km(place, p) <= NEAR_KM for p in ctx.anchors if p.id != place.id)


def _resolve_within(span: _Span, ctx: _Context, cue: bool, within: str,
                    gaz: Gazetteer, near: tuple[Place | None, bool] = (None, False),
                    ) -> Place | None:
    """:func:`_resolve`, among the candidates in the country (and region) ``within`` the
    text says the place lies in, when it says one (``namesakes.stated_area``), and the one
    nearest the town ``near`` it says it lies by. When the gazetteer has no such place
    there, a town of that name in a neighbouring country is still meant (a border or an
    annexation: "Sevastopol in Russia"), one farther away is not (None: "Palma in
    Mozambique" is not Palma de Mallorca)."""
    if within:
        country = within.partition("|")[0]
        cands = in_area(span.cands, within, gaz)
        if not cands:
            place = _resolve(span, ctx, cue, gaz)
            close = place.country == country or place.country in gaz.neighbours.get(country, ())
            return place if close else None
        if cands != span.cands:
            span = replace(span, cands=cands)
    town, close = near
    if town is not None and not cue:
        if close:  # "Andriivka bij Bachmoet": the Andriivka by Bakhmut, or none known
            return nearest(span.cands, town, gaz)
        place = nearest(span.cands, town, gaz, REFERENCE_KM)  # "Homs, east of Misrata"
        if place is not None:
            return place
    return _resolve(span, ctx, cue, gaz)


def _resolve(span: _Span, ctx: _Context, cue: bool, gaz: Gazetteer) -> Place:
    """The place a span names, given the article's context and a region cue."""
    places = [gaz.place(i) for i in span.cands[:25]]
    pinned = (
        frozenset(gaz.place(i).id for i in gaz.pinned(span.key)) if len(places) > 1 else frozenset()
    )
    place, _ = choose(places, ctx, cue, pinned, span.key)
    if cue and place.kind is PlaceKind.TOWN:
        place = gaz.region_of(place) or place
    return place


ABROAD_FLOOR = 50_000
"""A town this large in a country the article names is no chance namesake abroad (``_abroad``)."""


def _abroad(place: Place, ctx: _Context, key: str, namesakes: tuple[Place, ...] = ()) -> bool:
    """A namesake abroad: a small town of a country the article names only as a country (a
    foreign actor: "Frankrijk en Groot-Brittannië voerden luchtaanvallen uit") and by no
    other place, while its other places lie in another country ("Harasta, Arbin en Zamalka"
    in a Syria article is no village in France). A sentence that puts it there ("Arbin in
    Frankrijk") decides otherwise (``find_places``)."""
    if place.kind is not PlaceKind.TOWN or place.population >= STRONG_POPULATION:
        return False
    if ctx.keys.get(place.country, set()) - {key} or (place.admin1 and place.admin1 in ctx.regions):
        return False  # another place of its country, or its province ("in Kursk Oblast")
    home = {cc for cc in ctx.keys if cc != place.country and home_keys(ctx, cc, key)}
    if (home and place.population >= ABROAD_FLOOR and ctx.named.get(place.country, 0) >= 3
            and not any(p.country in home for p in namesakes)):
        return False  # a town of 50,000 in a country the article names, whose name means
        # nothing where the article's other places lie, is no chance namesake (Timbuktu in
        # an article of Burkina Faso that names Mali; not "Shan", Shan State's name, for
        # Shancheng in China; Egypt's Rafah, 44,000, stays abroad)
    return bool(home)


def abroad_span(span: _Span, place: Place, ctx: _Context, gaz: Gazetteer) -> bool:
    """:func:`_abroad` for the place a span's name was resolved to, among its namesakes."""
    return _abroad(place, ctx, span.key, tuple(gaz.place(i) for i in span.cands[:25]))


def accepted(span: _Span, place: Place | None, ctx: _Context, cue: bool, gaz: Gazetteer,
             toks: _Toks, found: bool) -> tuple[_Span, Place | None]:
    """The span and its place when the article takes it (:func:`_accept`); else, when a place
    was ``found`` for the name (abroad, or not taken), the place of another reading of the
    name (:func:`other_reading`: "Hawija"), or None."""
    if (place is None and not found) or (place is not None
                                         and _accept(span, place, ctx, gaz, toks)):
        return span, place
    span, place = other_reading(span, ctx, cue, gaz)
    return span, place if place is not None and _accept(span, place, ctx, gaz, toks) else None


def other_reading(span: _Span, ctx: _Context, cue: bool,
                  gaz: Gazetteer) -> tuple[_Span, Place | None]:
    """A name whose exact places the article does not take may be another spelling of a
    place of its area (rules/spellings.toml): "Hawija" is San José in Belize by an alternate
    name, and Al Hawijah in Iraq read with a final -h; "Muse" is Mu-se in Myanmar. None
    when no other reading is known."""
    if len(span.key) < (4 if span.stop else 6):
        return span, None
    # a dictionary word only by a name news joins ("Muse": Myanmar's "Mu-se", not "a muse")
    found = gaz.joined_indices(span.key) if span.stop else gaz.fuzzy_indices(span.key, True)
    cands = tuple(c for c in found if c not in span.cands)
    if not cands:
        return span, None
    span = replace(span, cands=cands, fuzzy=True)
    return span, _resolve(span, ctx, cue, gaz)

def home_namesake(span: _Span, ctx: _Context, cue: bool, gaz: Gazetteer,
                  abroad: Place) -> Place | None:
    """The namesake in the country where the article's other places lie, when the one the
    context chose is abroad (``_abroad``): "the Rafah border crossing with Egypt" in an
    article about Gaza is Gaza's Rafah, not none (Egypt is named only as a country)."""
    home = {cc for cc in ctx.keys if cc != abroad.country and home_keys(ctx, cc, span.key)}
    places = [p for p in (gaz.place(i) for i in span.cands[:25])
              if p.kind is PlaceKind.TOWN and p.country in home]
    return choose(places, ctx, cue, frozenset(), span.key)[0] if places else None
