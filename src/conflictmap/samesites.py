"""One site under two names in one article's events: a town's generic site ("the
headquarters in Ann", "Qayyarah air base") and the site of its own name the article also
names there ("het West-Commando", "the Qayyarah West air base") are one place. Used by
:mod:`conflictmap.events` when it merges an article's events by place."""

from __future__ import annotations

from conflictmap.model import Place, PlaceKind
from conflictmap.placeroles import SiteWords, name_kind, noun_kind, site_town, site_words


def named_for_generic(rules_path: str, places: list[Place]) -> dict[str, Place]:
    """The generic sites of ``places`` (one article's) that the article also names: a town's
    headquarters or base ("het hoofdkwartier van het leger in Ann", a ``site:headquarters``
    place) and the one site of its own name drawn at that town ("het West-Commando") are one
    place. Maps the generic site's id to the named place (the kinds ``anaphora_same``; a named
    site of another kind, as "Beaufort castle", is not one)."""
    if not any(p.kind is PlaceKind.SITE for p in places):
        return {}  # most articles: no site, so no generic one either (site_town is a site's)
    words = site_words(rules_path)
    if words is None:
        return {}
    out = _same_point(words, places)
    if not words.anaphora_same:
        return out
    kinds = {k for _, k in words.kinds}
    named: dict[str, list[Place]] = {}
    for place in places:
        kind = place.id.split(":", 2)[1] if site_town(place) else ""
        if kind and kind not in kinds and all(p.id != place.id for p in named.get(
                site_town(place), [])):
            named.setdefault(site_town(place), []).append(place)
    for place in places:
        town = site_town(place)
        kind = place.id.split(":", 2)[1] if town else ""
        if (place.id not in out and kind in words.anaphora_same
                and len(named.get(town, [])) == 1):
            name = named[town][0]
            if name_kind(words, name.name) in (kind, "site", *words.anaphora_same):
                out[place.id] = name
    return out


_SAME_POINT = 0.02  # degrees (about 2 km): two sites of one kind this close are one


def _same_point(words: SiteWords, places: list[Place]) -> dict[str, Place]:
    """A town's site of a kind (``site:<kind>:<town>``, "Qayyarah air base") and a site of
    that kind at the same point the article names too ("the Qayyarah West air base", the next
    town's "Slatina airport") are one place: the generic id maps to the other (to the first of
    two generic ones; to a name no gazetteer lists only when it holds the town's name)."""
    kinds = {k for _, k in words.kinds}
    out: dict[str, Place] = {}
    seen: list[tuple[Place, str, bool]] = []
    for place in {p.id: p for p in places if p.kind is PlaceKind.SITE}.values():
        kind = place.id.split(":", 2)[1] if site_town(place) else ""
        if not (generic := kind in kinds):
            nouns = list(words.nouns.finditer(place.name))
            kind = noun_kind(words, nouns[-1].group()) if nouns else ""
        if kind:
            seen.append((place, kind, generic))
    for i, (place, kind, generic) in enumerate(seen):
        if not generic:
            continue
        near = [(j, p, g) for j, (p, k, g) in enumerate(seen) if k == kind and j != i
                and p.id not in out and abs(p.lat - place.lat) < _SAME_POINT
                and abs(p.lon - place.lon) < _SAME_POINT]
        town = place.name.removesuffix(kind.replace("_", " ")).strip().lower()
        # not "the Chinshwehaw border crossing" drawn at Muse's point: Muse's crossing
        own = [p for _, p, g in near if not g and (not site_town(p) or town in p.name.lower())
               ] or [p for j, p, g in near if g and j < i]
        if own:
            out[place.id] = own[0]
    return out

