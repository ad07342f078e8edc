"""Which place a change word is about, beyond the names themselves: sites named by a town,
and the town that "de stad"/"the city" stands for.

The codebook makes a site (an airport, base, prison, dam, border crossing, a named
headquarters...) with a change of its own its own event (``place_kind: site``), not a change
of the town it is in or near. "Rebels seized the airport of Goma" is a capture of Goma's
airport; Goma itself did not change hands. The site is drawn at its town's point (the
gazetteer has no sites; the scorer allows a site 25 km), an airport at the town's airport
(``conflictmap.airports``: often 10-30 km out), with geo_precision 2, and has an
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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conflictmap.airports import town_airport
from conflictmap.errors import RulesError
from conflictmap.model import Mention, Place, PlaceKind
from conflictmap.rules import Markers, load_language, words_at
from conflictmap.rules.literals import Guarded

log = logging.getLogger(__name__)

_LINKS = ("link_before", "link_after", "compounds", "anaphora_before", "anaphora_kinds",
          "named", "unnamed_before", "bare_before", "bare_kinds", "quarter", "bare_link")
_WINDOW = 90  # characters before a town searched for its site noun


@dataclass(frozen=True, slots=True)
class SiteWords:
    """One language's site nouns and the patterns that tie a town to them."""

    nouns: re.Pattern[str]  # any site noun (a whole word, or a compound's end)
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


@lru_cache(maxsize=16)
def _parsed(path: str, stamp: tuple[int, int]) -> dict[str, object]:
    """A rules file's TOML, read once for every table this module takes from it
    (``stamp``: its modification time and size, part of the cache key only)."""
    import tomllib

    del stamp
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cannot read the rules file: {exc}", Path(path)) from None


def _table(path: str, name: str) -> object:
    """The ``[name]`` table of the rules file at ``path`` (None when it has none)."""
    try:
        info = Path(path).stat()
    except OSError as exc:
        raise RulesError(f"cannot read the rules file: {exc}", Path(path)) from None
    return _parsed(path, (info.st_mtime_ns, info.st_size)).get(name)


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
    table = _table(path, "sites")
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
    anaphora = _optional(table, "anaphora_before", path,
                         lambda p: p.removesuffix("$") + rf"(?P<noun>{words})\b")
    named = _optional(table, "named", path)
    unnamed = _optional(table, "unnamed_before", path)
    bare = _optional(table, "bare_before", path)
    return SiteWords(nouns, tuple(kinds), before, after, anaphora,
                     frozenset(table.get("anaphora_kinds") or ()), named, unnamed, bare,
                     frozenset(table.get("bare_kinds") or ()), _optional(table, "quarter", path),
                     frozenset(n.lower() for n in table.get("bare_link") or ()))


_REFERENCE_WINDOW = 60  # characters before a town searched for a reference marker
_AND = r"^\s*(?:,\s*)?(?:%and%|%or%|&)\s+$"


@dataclass(frozen=True, slots=True)
class PlaceRoles:
    """One language's ``[place_roles]``: reference points and lists after a generic noun."""

    reference: re.Pattern[str]  # before a town named as a reference point
    generic: re.Pattern[str]  # a generic plural place noun ("villages", "dorpen")
    opener: re.Pattern[str]  # a generic noun then a list opener, up to the first name
    next_list: re.Pattern[str]  # a next sentence's opening words before a list
    # a generic noun then a preposition that locates its places by a town ("drie dorpen rond
    # de stad", "villages around the city"): that town is a reference point
    near_generic: re.Pattern[str] | None = None
    # "the district of X", "X district": the district named after town X (a region)
    district_before: re.Pattern[str] | None = None
    district_after: re.Pattern[str] | None = None
    # the markers' claim or denial: a town right before "zegt"/"denies" speaks ("Kinshasa
    # ontkent dat de stad is gevallen"), it is not the town "de stad" stands for
    speaker: re.Pattern[str] | None = None
    speaker_before: re.Pattern[str] | None = None  # "volgens Tripoli": Tripoli speaks
    residents: re.Pattern[str] | None = None  # "Residents of X said the town": X's own people


_ROLE_KEYS = ("reference_before", "generic_noun", "list_opener", "next_list")


@lru_cache(maxsize=16)
def place_roles(path: str) -> PlaceRoles | None:
    """The ``[place_roles]`` table of the rules file at ``path`` (None without one)."""
    table = _table(path, "place_roles")
    if table is None:
        return None
    if not isinstance(table, dict) or not all(isinstance(table.get(k), str) for k in _ROLE_KEYS):
        raise RulesError(f"expected [place_roles] with strings {', '.join(_ROLE_KEYS)}",
                         Path(path))
    try:
        return PlaceRoles(
            reference=re.compile(table["reference_before"], re.IGNORECASE),
            generic=re.compile(table["generic_noun"], re.IGNORECASE),
            opener=re.compile(table["generic_noun"] + r"[^.;:!?]{0,60}?" + table["list_opener"],
                              re.IGNORECASE),
            next_list=re.compile(table["next_list"], re.IGNORECASE),
            near_generic=re.compile(table["generic_noun"] + r"\s+(?:[\w-]+\s+){0,2}?(?:"
                                    + table["near_generic"] + r")\s+$", re.IGNORECASE)
            if isinstance(table.get("near_generic"), str) else None,
            district_before=re.compile(table["district_before"], re.IGNORECASE)
            if isinstance(table.get("district_before"), str) else None,
            # matched at the town's end (Pattern.match(text, pos)), where "^" never matches
            district_after=re.compile(table["district_after"].removeprefix("^"), re.IGNORECASE)
            if isinstance(table.get("district_after"), str) else None,
            speaker=_speaker(path), speaker_before=_markers(path).speaker_before.regex,
            residents=re.compile(table["residents_before"], re.IGNORECASE)
            if isinstance(table.get("residents_before"), str) else None)
    except re.error as exc:
        raise RulesError(f"[place_roles]: not a valid regular expression ({exc})",
                         Path(path)) from None


def _speaker(path: str) -> re.Pattern[str]:
    """A claim or denial verb right after a town (the rules file's compiled ``[markers]``
    claim and denial, searched in the characters after it): the town speaks."""
    markers = _markers(path)
    return re.compile(r"^\s*(?:(?:" + markers.claim.regex.pattern + ")|(?:"
                      + markers.denial.regex.pattern + "))", re.IGNORECASE)


def _markers(path: str) -> Markers:
    """The compiled ``[markers]`` of the rules file at ``path`` (its language's rules)."""
    rules_file = Path(path)
    return load_language(rules_file.stem, rules_file.parent).markers


def _speaks(text: str, roles: PlaceRoles, mention: Mention) -> bool:
    """True when the town speaks: a claim or denial verb right after it ("Kinshasa
    ontkent"), or "volgens"/"according to" right before it; not its own people ("Residents
    of Debre Tabor said the town ...")."""
    if roles.residents is not None and roles.residents.search(
            text, max(0, mention.start - 40), mention.start):
        return False
    return bool((roles.speaker is not None
                 and roles.speaker.search(text[mention.end:mention.end + 30]))
                or (roles.speaker_before is not None and roles.speaker_before.search(
                    text[max(0, mention.start - 30):mention.start])))


def _reference(text: str, marker: re.Pattern[str], mentions: list[Mention], k: int,
               and_: re.Pattern[str]) -> bool:
    """True when mention ``k`` is named as a reference point, itself or as the second of a
    pair ("between Karsk and Vell"; ``and_``: the words that pair them)."""
    while True:
        m = mentions[k]
        if marker.search(text, max(0, m.start - _REFERENCE_WINDOW), m.start):
            return True
        if k == 0 or not and_.match(text[mentions[k - 1].end:m.start]):
            return False
        k -= 1


def district_of(text: str, rules_path: str, mention: Mention) -> Mention | None:
    """The district a town mention names ("the district of Harib", "het district Latsjin",
    "Lachin district"): a region named after the town, at its point; None when the town
    stands for itself."""
    if mention.place.kind is not PlaceKind.TOWN:
        return None
    roles = place_roles(rules_path)
    if roles is None or roles.district_before is None or roles.district_after is None:
        return None
    if not (roles.district_before.search(text, max(0, mention.start - 30), mention.start)
            or roles.district_after.match(text, mention.end)):
        return None
    town = mention.place
    # named as the town is (news and gazetteers write both "Harib" and "Harib district")
    place = Place(id=f"district:{town.id}", name=town.name,
                  kind=PlaceKind.REGION, lat=town.lat, lon=town.lon, country=town.country,
                  admin1=town.admin1, population=0)
    return Mention(place, mention.as_written, mention.start, mention.end)


def locates_generic(text: str, rules_path: str, start: int) -> bool:
    """True when the words before ``start`` are a generic plural noun and a preposition
    that locates its places ("drie dorpen rond [de stad]", "villages near [the city]"):
    the town named at ``start`` is a reference point, not a place that changed."""
    roles = place_roles(rules_path)
    return roles is not None and roles.near_generic is not None and roles.near_generic.search(
        text, max(0, start - _REFERENCE_WINDOW), start) is not None


def antecedent(text: str, rules_path: str, before: list[Mention]) -> Mention:
    """The town "de stad"/"the city" stands for, of the towns named before it (in text
    order): the last one not named as a reference point, else the last one."""
    roles = place_roles(rules_path)
    if roles is None:
        return before[-1]
    and_ = words_at(rules_path).compile(_AND, re.IGNORECASE)
    for k in range(len(before) - 1, -1, -1):
        if not _reference(text, roles.reference, before, k, and_) and not _speaks(
                text, roles, before[k]):
            return before[k]
    return before[-1]


def _kind(words: SiteWords, noun: str) -> str:
    noun = " ".join(noun.lower().split())
    for word, kind in words.kinds:
        if noun.endswith(word):
            return kind
    return "site"


def _name_kind(words: SiteWords, name: str) -> str:
    """The kind of a site's own name by its last word ("Beaufort castle", "al-Watiya air
    base": a base), else by its last noun ("het kasteel Beaufort": a castle)."""
    kind = _kind(words, name.split()[-1])
    nouns = list(words.nouns.finditer(name)) if kind == "site" else []
    return _kind(words, nouns[-1].group()) if nouns else kind


def site_place(town: Place, kind: str, written: str = "") -> Place:
    """The site of ``kind`` that a town names: an airport at the town's airport
    (:func:`conflictmap.airports.town_airport`; the one of the ``written`` name when the data
    has it), any other site (or an airport the data does not know) at the town's point.
    The id and name are the town's either way."""
    lat, lon = town.lat, town.lon
    if kind == "airport":
        airport = town_airport(town, written)
        if airport is not None:
            lat, lon = airport.lat, airport.lon
    return Place(id=f"site:{kind}:{town.id}", name=f"{town.name} {kind.replace('_', ' ')}",
                 kind=PlaceKind.SITE, lat=lat, lon=lon, country=town.country,
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
    if after is not None and "\n" not in text[mention.end:after.end()]:  # not the next line's
        noun = text[mention.end:after.end()]
        place = site_place(mention.place, _kind(words, noun), text[mention.start:after.end()])
        return Mention(place, text[mention.start:after.end()], mention.start, after.end())
    low = max(0, mention.start - _WINDOW)
    for noun in reversed(list(words.nouns.finditer(text, low, mention.start))):
        between = text[noun.end():mention.start]
        if _kind(words, noun.group()) == "castle" and words.named is not None and any(
                n.end() == noun.end() for n in words.named.finditer(text, low, noun.end())):
            continue  # "Beaufort castle near X": a castle keeps its own name
        if "\n" not in between and (words.before.search(between) or (
                between in (" ", "\t") and noun.group().lower() in words.bare_link)):
            # with the words before the noun: "de internationale luchthaven van Tripoli"
            place = site_place(mention.place, _kind(words, noun.group()),
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
    quarters = [p for p in places if p.place.id.startswith(("quarter:", "district:"))]
    quarter_of = words_at(rules_path).compile(_QUARTER_OF, re.IGNORECASE)
    return [m for m in places
            if not any(s is not m and s.start <= m.start < s.end < m.end
                       and site_town(s.place) != site_town(m.place) for s in sites
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
        kind = _kind(words, noun.group())
        place = site_place(town, kind)
        # a site of its own (an airport, a port), not a building ("the police headquarters
        # and the prison in X" are no places, CODEBOOK.md)
        if (kind in words.anaphora_kinds and place.id != site.place.id
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
_ANTECEDENT_WINDOW = 400  # characters before "the base" searched for the base it takes up


def _last_unnamed(text: str, words: SiteWords, kind: str, at: int) -> bool:
    """True when the last site noun of ``kind`` before ``at`` was indefinite ("a base")."""
    if words.unnamed is None:
        return False
    same = [n for n in words.nouns.finditer(text, max(0, at - _ANTECEDENT_WINDOW), at)
            if _kind(words, n.group()) == kind]
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
        kind = _kind(words, m.group("noun"))
        noun_start = m.start("noun")
        if kind not in words.anaphora_kinds and not any(
                k is PlaceKind.SITE and _name_kind(words, name) == kind
                for name, *_, k in named_sites(text, rules_path, max(
                    0, noun_start - _ANTECEDENT_WINDOW), noun_start, list(places), [])):
            continue  # "het ziekenhuis" only after a hospital of its own name
        if _last_unnamed(text, words, kind, noun_start):
            continue  # "a military base near X ... the base": that unnamed base
        if kind in words.bare_kinds and words_at(rules_path).compile(
                _POSSESSIVE, re.IGNORECASE).search(text, m.start(), noun_start):
            continue  # "withdrew from its base there": one of the side's bases, unnamed
        before = [p for p in places if p.end <= noun_start and p.place.kind is PlaceKind.TOWN]
        if not before:
            continue
        named = [s for s in (site_mention(text, rules_path, p) for p in before)
                 if s is not None and s.place.id.startswith(f"site:{kind}:")
                 and s.end <= noun_start]
        place = named[-1].place if named else site_place(
            antecedent(text, rules_path, before).place, kind)
        # "seized the Jebel Aulia dam ... had taken the dam": that dam, by its own name
        own = [(name, a, town) for name, a, _, town, k in named_sites(
            text, rules_path, max(0, noun_start - _ANTECEDENT_WINDOW), noun_start, before, [])
            if k is PlaceKind.SITE and _name_kind(words, name) == kind
            and (not named or a > named[-1].start)]
        if own:
            name, _, town = own[-1]
            key = "".join(c for c in name.lower() if c.isalnum())
            place = Place(id=f"site:{key}:{town.id}", name=name, kind=PlaceKind.SITE,
                          lat=town.lat, lon=town.lon, country=town.country,
                          admin1=town.admin1, population=0)
        out.append(Mention(place, text[noun_start:m.end()], noun_start, m.end()))
    return out


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
    found = [(m, PlaceKind.SITE) for m in words.named.finditer(text, start, end)]
    if words.quarter is not None:
        found += [(m, PlaceKind.TOWN) for m in words.quarter.finditer(text, start, end)]
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
            town = antecedent(text, rules_path, before).place
        name = " ".join(text[a:b].split())
        out.append((name, a, m.end(), town, kind))
    return out


_CAPITALISED = re.compile(r"\b[A-Z0-9][\w'’-]*")  # a capitalised word or a code ("K1")


# "MOSCOW (AP) —", "BAKOE/JEREVAN (BELGA/AFP) -", "ABUJA, March 28 (Reuters) -": where a story
# was filed, at a line's start in capitals, then the agencies in brackets and a dash
_DATELINE = re.compile(
    r"^[ \t]*(?:[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]*(?:[ /][A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]*)*)"
    r"(?:,[^\n(]{1,40})?\s*\([^)\n]{1,40}\)\s*[-–—]", re.MULTILINE)


def in_dateline(text: str, mentions: list[Mention] | tuple[Mention, ...]) -> set[int]:
    """The starts of the mentions inside a dateline ("MOSCOW (AP) —"): where the story was
    filed, never a place that changed hands."""
    if not mentions:
        return set()
    spans = [(m.start(), m.end()) for m in _DATELINE.finditer(text)]
    return {m.start for m in mentions if any(a <= m.start < b for a, b in spans)}
