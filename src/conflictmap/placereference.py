"""Which town a place word stands for: "de stad"/"the city" is the last town named before it
that the text is about, not one named only as a reference point ("the road between Karsk and
Vell", "20 km west of Vell", "the authorities in Vell") nor one that speaks ("volgens Rabat",
"Kinshasa ontkent"): ``antecedent``; the district a town names ("the district of Harib"):
``district_of``; a generic plural noun that locates its places by a town ("villages near the
city"): ``locates_generic``.

Split from ``placeroles`` (sites), which reads its ``[sites]`` table with ``rules_table``. The
words are language data: the ``[place_roles]`` table of each ``rules/<lang>.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conflictmap.errors import RulesError
from conflictmap.model import Mention, Place, PlaceKind
from conflictmap.rules import Markers, load_language, words_at


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


def rules_table(path: str, name: str) -> object:
    """The ``[name]`` table of the rules file at ``path`` (None when it has none)."""
    try:
        info = Path(path).stat()
    except OSError as exc:
        raise RulesError(f"cannot read the rules file: {exc}", Path(path)) from None
    return _parsed(path, (info.st_mtime_ns, info.st_size)).get(name)


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
    table = rules_table(path, "place_roles")
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


def reference_point(text: str, rules_path: str, mention: Mention) -> bool:
    """True when the mention is named as a reference point ("the mountain town south of the
    capital that ...", "between Karsk and Vell"): no antecedent of what follows it."""
    roles = place_roles(rules_path)
    return roles is not None and bool(roles.reference.search(
        text, max(0, mention.start - _REFERENCE_WINDOW), mention.start))


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


def all_speak(text: str, rules_path: str, before: list[Mention]) -> bool:
    """True when every town named before an anaphor speaks or is the seat of those who do
    ("Officials in Moscow hailed the capture of the village"): none is the town it stands for."""
    roles = place_roles(rules_path)
    return roles is not None and bool(before) and all(_speaks(text, roles, m) for m in before)


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


def antecedent_pair(text: str, rules_path: str, before: list[Mention]) -> list[Mention]:
    """The two towns "beide steden"/"both towns" stand for (in text order): the last two
    distinct towns not named as a reference point ("took X and Y, opening the road towards
    Z": X and Y), else the last two distinct towns."""
    roles = place_roles(rules_path)
    and_ = words_at(rules_path).compile(_AND, re.IGNORECASE)

    def last_two(skip_reference: bool) -> list[Mention]:
        towns: list[Mention] = []
        for k in range(len(before) - 1, -1, -1):
            p = before[k]
            if skip_reference and roles is not None and (
                    _reference(text, roles.reference, before, k, and_)
                    or _speaks(text, roles, p)):
                continue
            if all(t.place.id != p.place.id for t in towns):
                towns.append(p)
            if len(towns) == 2:
                return list(reversed(towns))
        return []

    return last_two(True) or last_two(False)


_LIST_GAP = r"^\s*(?:,\s*|(?:,\s*)?(?:%and%|&)\s+)$"


def antecedent_list(text: str, rules_path: str, before: list[Mention]) -> list[Mention]:
    """The towns "die havens"/"those towns" stand for (in text order): the list that ends with
    the last town named before it ("de havens van Ras Lanuf, Es Sider en Brega. Haftar nam
    die havens in": all three), when that town is no reference point and the list names at
    least two; else none."""
    if not before:
        return []
    roles = place_roles(rules_path)
    and_ = words_at(rules_path).compile(_AND, re.IGNORECASE)
    last = len(before) - 1
    if roles is not None and (_reference(text, roles.reference, before, last, and_)
                              or _speaks(text, roles, before[last])):
        return []
    gap = words_at(rules_path).compile(_LIST_GAP, re.IGNORECASE)
    towns = [before[last]]
    for k in range(last - 1, -1, -1):
        if gap.match(text[before[k].end:towns[-1].start]) is None:
            break
        if all(t.place.id != before[k].place.id for t in towns):
            towns.append(before[k])
    return list(reversed(towns)) if len(towns) >= 2 else []
