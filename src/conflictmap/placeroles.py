"""Which place a change word is about, beyond the names themselves: sites named by a town.

The codebook makes a site (an airport, base, prison, dam, border crossing, a named
headquarters...) with a change of its own its own event (``place_kind: site``), not a change
of the town it is in or near ("the airport of Goma"). It is drawn at a curated site's point
(``conflictmap.sitepoints``), an airport at the town's airport (``conflictmap.airports``),
else at its town's point, with an id of its own (``site:<kind>:<town id>``).

The town "de stad"/"the city" stands for is ``placereference.antecedent``.

The words are language data: the ``[sites]`` table of each ``rules/<lang>.toml``.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conflictmap.airports import town_airport
from conflictmap.errors import RulesError
from conflictmap.model import Mention, Place, PlaceKind
from conflictmap.placereference import antecedent, reference_point, rules_table
from conflictmap.rules import words_at
from conflictmap.rules.literals import Guarded
from conflictmap.sitepoints import listed_site

log = logging.getLogger(__name__)

_LINKS = ("link_before", "link_after", "compounds", "anaphora_before", "anaphora_kinds",
          "anaphora_same", "anaphora_only",
          "named", "unnamed_before", "bare_before", "bare_kinds", "quarter", "bare_link",
          "entry_kinds", "coordinated_kinds")
_WINDOW = 90  # characters before a town searched for its site noun


@dataclass(frozen=True, slots=True)
class SiteWords:
    """One language's site nouns and the patterns that tie a town to them."""

    nouns: Guarded  # any site noun (a whole word, or a compound's end)
    kinds: tuple[tuple[str, str], ...]  # (noun, kind), longest noun first
    before: re.Pattern[str]  # from a noun's end to the town: "van", "near", ...
    after: re.Pattern[str]  # from the town's end to the noun: "'s", " International"
    anaphora: re.Pattern[str] | None = None  # "het vliegveld": determiner, then the noun
    anaphora_kinds: frozenset[str] = frozenset()  # the kinds "the airport" may stand for
    named: re.Pattern[str] | None = None  # a site with a name of its own ("Beaufort castle")
    unnamed: re.Pattern[str] | None = None  # "a base near X", "een legerbasis bij X"
    # a headline's bare noun right after the verb ("Rebels seize army base near X"): no
    # article, so no name; only for the kinds a town has several of (bare_kinds)
    bare: re.Pattern[str] | None = None
    bare_kinds: frozenset[str] = frozenset()
    # a city's district or neighbourhood named by a name the gazetteer lacks ("the al-Julan
    # district of Fallujah", "de wijk Al-Tayaran"; its name in group "name"): a town
    quarter: re.Pattern[str] | None = None
    # the nouns (whole words, not compounds) that may stand right before their town with no
    # link word: "luchthaven Khartoum" (bare_link)
    bare_link: frozenset[str] = frozenset()
    # kinds a later "the base" may take up for one another ("the headquarters of the Western
    # Command in Ann ... seized the base": that headquarters)
    anaphora_same: frozenset[str] = frozenset()
    # nouns too common to be site nouns that only take up a site of their kind named before
    # them ("de basis" after "de militaire basis bij Baga"; not "op basis van", "de basis van
    # hun offensief"), (noun, kind) longest first (anaphora_only)
    anaphora_only: tuple[tuple[str, str], ...] = ()
    # kinds a side takes by entering them ("troops entered the Tabqa air base"; not "entered
    # Kismayo's port", a town's open ground)
    entry_kinds: frozenset[str] = frozenset()
    # kinds a site noun joined by "and" before a town's site may be besides anaphora_kinds
    # ("the presidential palace and the airport of Khartoum": the palace is Khartoum's too)
    coordinated_kinds: frozenset[str] = frozenset()


def _optional(table: dict[str, object], key: str, path: str,
              build: Callable[[str], str] = str) -> re.Pattern[str] | None:
    """The ``[sites]`` pattern ``key`` (made by ``build`` from the file's string), or None
    when the table has none."""
    value = table.get(key)
    if not isinstance(value, str):
        return None
    try:
        return re.compile(build(value), re.IGNORECASE)
    except re.error as exc:
        raise RulesError(f"[sites] {key}: not a valid regular expression ({exc})",
                         Path(path)) from None


@lru_cache(maxsize=16)
def site_words(path: str) -> SiteWords | None:
    """The ``[sites]`` table of the rules file at ``path`` (None when it has none)."""
    table = rules_table(path, "sites")
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
    only = _anaphora_only(table.get("anaphora_only") or {}, path)
    told = "|".join(re.escape(n).replace(r"\ ", r"\s+")
                    for n, _ in sorted(kinds + list(only), key=lambda pair: -len(pair[0])))
    prefix = r"[^\W\d_]*-?" if table.get("compounds") else ""
    try:
        # searched in a window before each town: checked for a noun first (most have none)
        nouns = Guarded(re.compile(rf"\b{prefix}(?:{words})\b", re.IGNORECASE))
        before = re.compile(table["link_before"], re.IGNORECASE)
        # matched at the town's end (Pattern.match(text, pos)), where "^" would never match
        after = re.compile(table["link_after"].removeprefix("^") + rf"(?:{words})\b",
                           re.IGNORECASE)
    except re.error as exc:
        raise RulesError(f"[sites]: not a valid regular expression ({exc})", Path(path)) from None
    anaphora = _optional(table, "anaphora_before", path,
                         lambda p: p.removesuffix("$") + rf"(?P<noun>{told})\b")
    named = _optional(table, "named", path)
    unnamed = _optional(table, "unnamed_before", path)
    bare = _optional(table, "bare_before", path)
    return SiteWords(nouns, tuple(kinds), before, after, anaphora,
                     frozenset(table.get("anaphora_kinds") or ()), named, unnamed, bare,
                     frozenset(table.get("bare_kinds") or ()), _optional(table, "quarter", path),
                     frozenset(n.lower() for n in table.get("bare_link") or ()),
                     frozenset(table.get("anaphora_same") or ()), only,
                     frozenset(table.get("entry_kinds") or ()),
                     frozenset(table.get("coordinated_kinds") or ()))


def _anaphora_only(table: object, path: str) -> tuple[tuple[str, str], ...]:
    """``[sites] anaphora_only``: a table of lists of nouns per kind."""
    if not isinstance(table, dict) or not all(
            isinstance(v, list) and all(isinstance(n, str) and n for n in v)
            for v in table.values()):
        raise RulesError("[sites] anaphora_only: expected a table of lists of nouns per kind "
                         '(base = ["basis"])', Path(path))
    return tuple(sorted(((n.lower(), k) for k, v in table.items() for n in v),
                        key=lambda pair: -len(pair[0])))


def noun_kind(words: SiteWords, noun: str) -> str:
    noun = " ".join(noun.lower().split())
    for word, kind in words.kinds:
        if noun.endswith(word):
            return kind
    return "site"


def name_kind(words: SiteWords, name: str) -> str:
    """The kind of a site's own name by its last word ("Beaufort castle", "al-Watiya air
    base": a base), else by its last noun ("het kasteel Beaufort": a castle)."""
    kind = noun_kind(words, name.split()[-1])
    nouns = list(words.nouns.finditer(name)) if kind == "site" else []
    return noun_kind(words, nouns[-1].group()) if nouns else kind


def site_place(town: Place, kind: str, written: str = "") -> Place:
    """The site of ``kind`` a town names: a listed site its ``written`` words name, an
    airport at the town's airport (``town_airport``), any other at the town's point."""
    listed = listed_site(written, town.country) if written else None
    if listed is not None:
        return listed  # "the Mosul dam", a curated site at its own point
    lat, lon = town.lat, town.lon
    if kind == "airport":
        airport = town_airport(town, written)
        if airport is not None:
            lat, lon = airport.lat, airport.lon
    return Place(id=f"site:{kind}:{town.id}", name=f"{town.name} {kind.replace('_', ' ')}",
                 kind=PlaceKind.SITE, lat=lat, lon=lon, country=town.country,
                 admin1=town.admin1, population=0)


def own_named(text: str, rules_path: str, site: Mention) -> bool:
    """True when the town's site ``site`` ("hospital in Khan Younis", "Nasser-ziekenhuis in
    Khan Younis") has a name of its own before or in its noun (``named``): "the Nasser
    hospital in Khan Younis", "het Nasser-ziekenhuis", not "the hospital in Khan Younis"."""
    words = site_words(rules_path)
    if words is None or words.named is None or not site_town(site.place):
        return False
    noun = words.nouns.match(text, site.start)
    if noun is None:
        return False
    return any(m.end() == noun.end() for m in words.named.finditer(
        text, max(0, site.start - _WINDOW), noun.end()))


def site_town(place: Place) -> str:
    """The id of the town a site place belongs to ("" for any other place)."""
    if place.kind is not PlaceKind.SITE or not place.id.startswith("site:"):
        return ""
    return place.id.split(":", 2)[2]


def site_mention(text: str, rules_path: str, mention: Mention) -> Mention | None:
    """The site a town mention names, as a mention spanning the site's words: "de
    luchthaven van Mosoel", "the prison near Kunduz", "Goma's airport", "Aleppo
    International Airport"; None when the town stands for itself; a listed site spans its noun."""
    listed = mention.place.kind is PlaceKind.SITE and not mention.place.id.startswith("site:")
    words = site_words(rules_path)
    if words is None or not (listed or mention.place.kind is PlaceKind.TOWN):
        return None
    after = None if listed else words.after.match(text, mention.end)
    if after is not None and "\n" not in text[mention.end:after.end()]:  # not the next line's
        noun = text[mention.end:after.end()]
        place = site_place(mention.place, noun_kind(words, noun), text[mention.start:after.end()])
        return Mention(place, text[mention.start:after.end()], mention.start, after.end())
    low = max(0, mention.start - _WINDOW)
    for noun in reversed(list(words.nouns.finditer(text, low, mention.start))):
        between = text[noun.end():mention.start]
        if noun_kind(words, noun.group()) == "castle" and words.named is not None and any(
                n.end() == noun.end() for n in words.named.finditer(text, low, noun.end())):
            continue  # "Beaufort castle near X": a castle keeps its own name
        if "\n" not in between and (words.before.search(between) or (
                between in (" ", "\t") and noun.group().lower() in words.bare_link)):
            if listed:  # of its kind (an air base a base), or of none ("Elephant Pass")
                kinds = {name_kind(words, mention.place.name), noun_kind(words, noun.group())}
                return Mention(mention.place, text[noun.start():mention.end], noun.start(),
                               mention.end) if len(kinds - {"site"}) < 2 or kinds <= {
                    "airport", "base"} else None
            # with the words before the noun: "de internationale luchthaven van Tripoli"
            place = site_place(mention.place, noun_kind(words, noun.group()),
                               text[max(low, noun.start() - 25):mention.end])
            return Mention(place, text[noun.start():mention.end], noun.start(), mention.end)
    return None


_QUARTER_OF = (r"(?:\s+%district_noun%)?\s*,?\s*(?:%of%|%in%)\s+(?:%definite_article%\s+)?"
               r"(?:[\w-]+\s+)?(?:%of%\s+(?:%definite_article%\s+)?)?")


def own_sites(text: str, rules_path: str, places: list[Mention]) -> list[Mention]:
    """``places`` without a town's site whose noun an earlier site already owns: in "Hostomel
    airfield outside Kyiv" the airfield is Hostomel's ("Hostomel airfield"), and Kyiv only
    locates it; "the Antonov airport in Hostomel" (a name, no town, before the noun) keeps
    Hostomel's. Nor the town that locates a district named before it ("the al-Julan
    district of [Fallujah]", "de wijk Salaheddin in [Aleppo]"), nor the province of a
    district ("the Imam Sahib district of [Kunduz province]")."""
    sites = [p for p in places if p.place.kind is PlaceKind.SITE and site_town(p.place)]
    # a listed site owns its noun too ("de Sednaya-gevangenis ten noorden van Damascus")
    owners = [p for p in places if p.place.kind is PlaceKind.SITE]
    quarters = [p for p in places if p.place.id.startswith(("quarter:", "district:"))]
    quarter_of = words_at(rules_path).compile(_QUARTER_OF, re.IGNORECASE)
    return [m for m in places
            if not any(s is not m and s.start <= m.start < s.end < m.end
                       and site_town(s.place) != site_town(m.place) for s in owners
                       if m in sites)
            and not any(quarter_of.fullmatch(text, q.end, m.start) for q in quarters)]


_SITE_AND = (r"\s*(?:,|,?\s*(?:%and%|&))\s+(?:(?:%definite_article%|%possessive%)\s+)?"
             r"(?:[\w-]+\s+)?$")
_DETERMINER = r"(?:\b(?:%definite_article%|%possessive%)\s+)$"


def coordinated_sites(text: str, rules_path: str, site: Mention, town: Place) -> list[Mention]:
    """The sites named by a site noun coordinated before a town's site ("de zeehaven en het
    vliegveld van Riyan", "the port and the airport of Goma"): each is a site of that town
    (of the kinds ``anaphora_kinds`` lists).
    ``site`` is the site mention ``site_mention`` made of ``town``'s mention."""
    words = site_words(rules_path)
    if words is None or site.place.kind is not PlaceKind.SITE:
        return []
    out: list[Mention] = []
    at = site.start
    lists = words_at(rules_path)
    site_and = lists.compile(_SITE_AND, re.IGNORECASE)
    determiner = lists.compile(_DETERMINER, re.IGNORECASE)
    while True:
        found = [n for n in words.nouns.finditer(text, max(0, at - 60), at)
                 if site_and.fullmatch(text, n.end(), at)]
        if not found:
            return out
        noun = found[-1]
        kind = noun_kind(words, noun.group())
        place = site_place(town, kind)
        # a site of its own (an airport, a port), not a building ("the police headquarters
        # and the prison in X" are no places, CODEBOOK.md)
        if (kind in words.anaphora_kinds | words.coordinated_kinds
                and place.id != site.place.id
                and all(m.place.id != place.id for m in out)):
            out.append(Mention(place, noun.group(), noun.start(), noun.end()))
        at = noun.start()
        det = determiner.search(text[max(0, at - 8):at])
        if det is not None:
            at -= len(det.group())


def unnamed_site(text: str, rules_path: str, site: Mention, town: Mention) -> bool:
    """True when ``site`` (what :func:`site_mention` made of ``town``) is a site with no name
    of its own that the town only locates: "a military base near Kismayo", "een legerbasis
    bij Djibo", "the last army base in the town of X" (an unnamed place: no event, and not
    the town's)."""
    if site is town or site.start >= town.start:
        return False  # the town itself, or "Goma airport"
    words = site_words(rules_path)
    if words is None:
        return False
    if words.unnamed is not None and words.unnamed.search(
            text, max(0, site.start - 40), site.start) is not None:
        return True
    kind = site.place.id.split(":", 2)[1] if site.place.id.startswith("site:") else ""
    return (words.bare is not None and kind in words.bare_kinds
            and words.bare.search(text, max(0, site.start - 40), site.start) is not None)


_POSSESSIVE = r"\b(?:%possessive%)\s"
_ASIDE = 60  # characters after a listed site a town may stand in, locating it
_ANTECEDENT_WINDOW = 400  # characters before "the base" searched for the base it takes up


def _last_unnamed(text: str, words: SiteWords, kind: str, at: int) -> bool:
    """True when the last site noun of ``kind`` before ``at`` was indefinite ("a base")."""
    if words.unnamed is None:
        return False
    same = [n for n in words.nouns.finditer(text, max(0, at - _ANTECEDENT_WINDOW), at)
            if noun_kind(words, n.group()) == kind]
    if not same:
        return False
    start = same[-1].start()
    return words.unnamed.search(text[max(0, start - 40):start]) is not None


def site_anaphora(text: str, rules_path: str, start: int, end: int,
                  places: tuple[Mention, ...] | list[Mention]) -> list[Mention]:
    """"het vliegveld", "the airport" between ``start`` and ``end`` with no town of its own:
    the site of that kind named last before it ("het Antonov-vliegveld bij Hostomel ...
    namen het vliegveld in"), else that of the town the text is about (``antecedent``).
    Only the kinds ``anaphora_kinds`` lists (an airport, not "the central prison")."""
    words = site_words(rules_path)
    if words is None or words.anaphora is None:
        return []
    out = []
    for m in words.anaphora.finditer(text, start, end):
        noun = " ".join(m.group("noun").lower().split())
        only = next((k for n, k in words.anaphora_only if n == noun), None)
        noun_start = m.start("noun")
        whole = words.nouns.search(text, m.start(), m.end()) if only else None
        if whole is not None and whole.end() == m.end():
            # "de militaire basis": the site noun, its adjective read as the determiner's
            only, noun, noun_start = None, whole.group(), whole.start()
        kind = only or noun_kind(words, noun)
        low = max(0, noun_start - _ANTECEDENT_WINDOW)
        if kind not in words.anaphora_kinds and not any(
                k is PlaceKind.SITE and name_kind(words, name) == kind
                for name, *_, k in named_sites(text, rules_path, low, noun_start,
                                               _window(places, low, noun_start), [])) and not (
                _named_kind_before(text, rules_path, kind, noun_start, places)):
            continue  # "het ziekenhuis" only after a hospital of its own name or a town's
        if _last_unnamed(text, words, kind, noun_start):
            continue  # "a military base near X ... the base": that unnamed base
        if kind in words.bare_kinds and words_at(rules_path).compile(
                _POSSESSIVE, re.IGNORECASE).search(text, m.start(), noun_start):
            continue  # "withdrew from its base there": one of the side's bases, unnamed
        if any(p.place.kind is PlaceKind.SITE and 0 <= p.start - m.end() <= 2 for p in places):
            continue  # "de militaire basis Speicher": the noun of the listed site after it
        if any(0 <= p.start - m.end() <= 2 or p.start <= noun_start < p.end for p in places):
            continue  # "de luchtmachtbasis Bagram", "de luchtmachtbasis Al-Watiya": its name
        if words.named is not None and any(
                n.start() <= noun_start and n.end() > m.end() for n in words.named.finditer(
                    text, max(0, m.start() - 40), min(len(text), m.end() + 60))):
            continue  # "de nabijgelegen militaire basis Ghazlani": a name no gazetteer has
        listed = _listed_site(text, words, kind, noun_start, places)
        before = [p for p in places if p.end <= noun_start and p.place.kind is PlaceKind.TOWN]
        if listed is not None and not any(listed.end + _ASIDE < p.start
                                          and not reference_point(text, rules_path, p)
                                          for p in before):
            # "Camp Speicher ... the base": a site the gazetteer lists, named last before it
            # (a town named since only as a reference point, "140 km south-west of Tripoli",
            # is no site's town)
            out.append(Mention(listed.place, text[noun_start:m.end()], noun_start, m.end()))
            continue
        if not before:
            continue
        same = {kind} | (words.anaphora_same if kind in words.anaphora_same else set())
        named = [s for s in (site_mention(text, rules_path, p) for p in before)
                 if s is not None and s.place.id.split(":")[1:2] in ([k] for k in same)
                 and s.end <= noun_start]
        if only and not named:
            continue  # "de basis" stands for a base only when one was named before it
        place = named[-1].place if named else site_place(
            antecedent(text, rules_path, before).place, kind)
        # "seized the Jebel Aulia dam ... had taken the dam": that dam, by its own name
        own = [(name, a, town) for name, a, _, town, k in named_sites(
            text, rules_path, max(0, noun_start - _ANTECEDENT_WINDOW), noun_start, before, [])
            if k is PlaceKind.SITE and name_kind(words, name) == kind
            and (not named or a > named[-1].start)]
        if own:
            name, _, town = own[-1]
            key = "".join(c for c in name.lower() if c.isalnum())
            place = Place(id=f"site:{key}:{town.id}", name=name, kind=PlaceKind.SITE,
                          lat=town.lat, lon=town.lon, country=town.country,
                          admin1=town.admin1, population=0)
        out.append(Mention(place, text[noun_start:m.end()], noun_start, m.end()))
    return out


def _named_kind_before(text: str, rules_path: str, kind: str, at: int,
                       places: tuple[Mention, ...] | list[Mention]) -> bool:
    """True when a town's site of ``kind`` is named before ``at`` ("de cokesfabriek van X")."""
    return any(s is not None and s.place.id.startswith(f"site:{kind}:") and s.end <= at
               for s in (site_mention(text, rules_path, p)
                         for p in _ending_within(places, at - _ANTECEDENT_WINDOW, at)
                         if p.place.kind is PlaceKind.TOWN))


_BY_END: dict[str, tuple[tuple[Mention, ...], list[int], list[int]]] = {}


def _by_end(places: tuple[Mention, ...]) -> tuple[list[int], list[int]]:
    """An article's place tuple ordered by end (the ends, and the places' indices in that
    order), made once for the tuple asked last: it is asked once per anaphora."""
    cached = _BY_END.get("last")
    if cached is None or cached[0] is not places:
        order = sorted(range(len(places)), key=lambda i: places[i].end)
        cached = (places, [places[i].end for i in order], order)
        _BY_END["last"] = cached
    return cached[1], cached[2]


def _ending_within(places: tuple[Mention, ...] | list[Mention], low: int,
                   high: int) -> list[Mention]:
    """The places that end between ``low`` and ``high``, in their order (a scan of every
    place per anaphora made long articles quadratic)."""
    if not isinstance(places, tuple) or len(places) < 64:
        return [p for p in places if low <= p.end <= high]
    ends, order = _by_end(places)
    return [places[i] for i in sorted(order[bisect_left(ends, low):bisect_right(ends, high)])]


def _window(places: tuple[Mention, ...] | list[Mention], low: int, high: int) -> list[Mention]:
    """The places ending between ``low`` and ``high``, after one that ends before ``low`` if
    any does: enough for :func:`named_sites` to tell the site names of that stretch (a name
    with no place before it anywhere is none)."""
    inside = _ending_within(places, low, high)
    if isinstance(places, tuple) and len(places) >= 64:
        first = places[_by_end(places)[1][0]]
    else:
        first = min(places, key=lambda p: p.end, default=None)
    return [first, *inside] if first is not None and first.end < low else inside


def _listed_site(text: str, words: SiteWords, kind: str, at: int,
                 places: tuple[Mention, ...] | list[Mention]) -> Mention | None:
    """The last listed site of ``kind`` before ``at`` (its name's or its nouns' kind)."""
    for p in sorted(places, key=lambda p: p.start, reverse=True):
        if (p.place.kind is not PlaceKind.SITE or p.place.id.startswith("site:")
                or p.end > at or at - p.end > _ANTECEDENT_WINDOW):
            continue
        nouns = [n.group() for n in words.nouns.finditer(text, max(0, p.start - 30),
                                                         min(len(text), p.end + 15))]
        kinds = {name_kind(words, p.place.name)} | {noun_kind(words, n) for n in nouns}
        # "de luchtmachtbasis Al-Watiya ... de basis": an air base (of the airport kind) is a base
        return p if kind in kinds or (kind == "base" and "airport" in kinds) else None
    return None


_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")


_LOCATING = r"\s*(?:[^\W\d_][\w'’-]*\s*)?,\s*%locating_preposition%\s[^,.;:]{0,40}$"


def site_in_region(text: str, rules_path: str, locative: re.Pattern[str],
                   region: Mention) -> bool:
    """True when a site noun stands right before ``region``, tied to it by a locative
    (``locative``: "in", "in de provincie"): "seized a military airport in Idlib province",
    "een legerbasis in de provincie Idlib". The site changed hands, and the region only
    says where it is (an unnamed site is no event; a named one is its own)."""
    if region.place.kind is not PlaceKind.REGION:
        return False
    words = site_words(rules_path)
    if words is None:
        return False
    nouns = list(words.nouns.finditer(text, max(0, region.start - _WINDOW), region.start))
    if not nouns:
        return False
    gap = text[nouns[-1].end():region.start]
    tie = locative.search(gap)
    return "\n" not in gap and tie is not None and not gap[:tie.start()].strip()


def locates_site(text: str, rules_path: str, site: Mention, town: Mention) -> bool:
    """True when ``town`` ("the city") is named in an aside right after ``site`` that
    locates it: "de militaire basis, aan de zuidrand van [de stad]", "Beaufort castle, on
    the edge of [the town]" (no change of the town's own)."""
    return (site.place.kind is PlaceKind.SITE and site.end <= town.start
            and site_town(site.place) == town.place.id
            and words_at(rules_path).compile(_LOCATING, re.IGNORECASE).fullmatch(
                text, site.end, town.start) is not None)


def names_site(text: str, rules_path: str, start: int, end: int) -> bool:
    """True when a site's or a district's own name (``named``, ``quarter``) is written between
    ``start`` and ``end``: the cheap test before :func:`named_sites`."""
    return any(p.search(text, start, end) is not None for p in _name_guards(rules_path))


@lru_cache(maxsize=16)
def _name_guards(rules_path: str) -> tuple[Guarded, ...]:
    """``named`` and ``quarter`` behind their literal checks (a site's or district's noun
    must stand in the text before either pattern runs)."""
    words = site_words(rules_path)
    if words is None:
        return ()
    return tuple(Guarded(p) for p in (words.named, words.quarter) if p is not None)


def named_sites(text: str, rules_path: str, start: int, end: int,
                towns: list[Mention], taken: list[tuple[int, int]],
                in_name: list[tuple[int, int]] | tuple[()] = (),
                ) -> list[tuple[str, int, int, Place, PlaceKind]]:
    """Sites with a name of their own that no gazetteer lists, between ``start`` and
    ``end`` ("Beaufort castle", "Mount Hermon", "de heuvel Mishtenur", "het
    Nasser-ziekenhuis"; the ``named`` pattern of ``[sites]``, its name in group "name"):
    (name as written, start, end, the town it is drawn at, SITE, or TOWN for a district
    of the ``quarter`` pattern). That town is the nearest one
    named in the same stretch, else the town the text is about before it (``antecedent``);
    none, no site. Stretches in ``taken`` (known places) are no site names, nor those in
    ``in_name`` (actors) where they stand in the name's own words: "the Bakr military base"
    is a name, "military" only the army's generic noun."""
    words = site_words(rules_path)
    if words is None or words.named is None:
        return []
    out = []
    # the patterns behind their literal checks (_name_guards: named, then quarter): the
    # same matches, found without running the pattern where its nouns are missing
    guards = _name_guards(rules_path)
    found = [(m, PlaceKind.SITE) for m in guards[0].finditer(text, start, end)]
    if words.quarter is not None:
        found += [(m, PlaceKind.TOWN) for m in guards[1].finditer(text, start, end)]
    for m, kind in found:
        # a quarter's name: the group "name" (or "name2", ... of another wording) that matched
        a, b = m.span(next(g for g, v in m.groupdict().items() if g.startswith("name") and v)
                      ) if kind is PlaceKind.TOWN else m.span()
        # only the name's own words count: "the Bakr military base" is no actor's name
        # because "military" is a generic noun for the army
        capitals = [w.end() for w in _CAPITALISED.finditer(text, a, b)]
        name_end = max(capitals) if capitals and kind is PlaceKind.SITE else b
        if any(x < b and a < y for x, y in taken) or any(
                x < name_end and a < y for x, y in in_name):
            continue
        near = [t for t in towns if start <= t.start and t.end <= end]
        if near:
            town = min(near, key=lambda t: abs(t.start - a)).place
        else:
            before = [t for t in towns if t.end <= a]
            if not before:
                continue
            passing = passing_towns(towns)
            town = antecedent(text, rules_path,
                              [t for t in before if t.place.id not in passing] or before).place
        name = " ".join(text[a:b].split())
        out.append((name, a, m.end(), town, kind))
    return out


def passing_towns(towns: list[Mention]) -> frozenset[str]:
    """The town of a country the article names no other town of, and names less often than
    the towns of another (one town named twice counts twice: "Gaza" and "Gaza-stad"): the
    place of a protest, a summit or a ministry in a war's report ("In Londen gingen
    duizenden de straat op"), no place the war's sites stand in."""
    by_country: dict[str, list[str]] = {}
    for t in towns:
        by_country.setdefault(t.place.country, []).append(t.place.id)
    most = max((len(ids) for ids in by_country.values()), default=0)
    return frozenset(ids[0] for ids in by_country.values()
                     if len(ids) < most and len(set(ids)) == 1)


_CAPITALISED = re.compile(r"\b[A-Z0-9][\w'’-]*")  # a capitalised word or a code ("K1")
