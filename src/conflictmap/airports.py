"""Where a town's airport is: the point a site "the airport of X" is drawn at.

Airports are often 10-30 km from the town they serve, so an airport drawn at its town's
point lands in the wrong place (and outside the 25 km a site is allowed). The data is
``gazetteer/airports.tsv`` (from airportsdata, MIT licence; made by
``scripts/build_airports.py``), read once on first need. Coordinates stay (lat, lon).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conflictmap.geodesy import km
from conflictmap.model import Place
from conflictmap.names import name_key, skeleton

log = logging.getLogger(__name__)

FILE_NAME = "airports.tsv"
CITY_KM = 60.0  # an airport named after the town: at most this far from the town's point
NEAR_KM = 15.0  # else the nearest airport with an IATA code this close (farther, it is often a
# neighbouring town's: Kramatorsk's airport is not "the airport of Bakhmut")


@dataclass(frozen=True, slots=True)
class Airport:
    """One row of airports.tsv (``keys``: the folded city name and the name's leading words)."""

    icao: str
    iata: str
    name: str
    country: str
    lat: float
    lon: float
    keys: frozenset[str]


def _files() -> list[Path]:
    from conflictmap.gazetteer import PACKAGED, default_directory

    tree = Path(__file__).resolve().parents[2] / "gazetteer"
    return [default_directory() / FILE_NAME, tree / FILE_NAME, PACKAGED / FILE_NAME]


_NOT_TOWN = frozenset({"airport", "airfield", "air", "airbase", "international", "military",
                       "regional", "municipal", "domestic", "new", "old", "heliport"})


def _name_keys(name: str) -> set[str]:
    """The town an airport's own name may start with: "Tabqa Airport" -> "tabqa",
    "Deir ez-Zor Airport" -> "deir zor", "Bukavu Kavumu Airport" -> "bukavu" and
    "bukavu kavumu"."""
    words = name_key(name).split()
    end = next((i for i, w in enumerate(words) if w in _NOT_TOWN), 0)
    return {" ".join(words[:i]) for i in range(1, end + 1)}


def _variants(key: str) -> set[str]:
    """A folded name and its coarser spellings: the transliteration skeleton, and without
    an unwritten final h ("Hamah"/"Hama")."""
    out = {key, skeleton(key)}
    return out | {k[:-1] for k in out if k.endswith("h") and len(k) > 3}


def _airport(f: list[str]) -> Airport | None:
    try:
        lat, lon = float(f[5]), float(f[6])
    except ValueError:
        return None
    keys: set[str] = set()
    for k in {name_key(f[3])} | _name_keys(f[2]):
        if k:
            keys |= _variants(k)
    return Airport(f[0], f[1], f[2], f[4], lat, lon, frozenset(keys))


def _rows(path: Path) -> dict[str, list[list[str]]]:
    """The rows of an airports.tsv file by country code (short rows skipped)."""
    by_country: dict[str, list[list[str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) >= 7:
            by_country.setdefault(f[4], []).append(f)
    return by_country


def load_airports(path: Path) -> dict[str, tuple[Airport, ...]]:
    """The airports of an airports.tsv file by country code (rows it cannot read skipped)."""
    return {c: tuple(a for a in map(_airport, rows) if a is not None)
            for c, rows in _rows(path).items()}


@lru_cache(maxsize=1)
def _shipped_rows() -> dict[str, list[list[str]]]:
    path = next((p for p in _files() if p.is_file()), None)
    if path is None:
        log.info("no %s: sites are drawn at their town's point", FILE_NAME)
        return {}
    return _rows(path)


@lru_cache(maxsize=256)
def country_airports(country: str) -> tuple[Airport, ...]:
    """The shipped airports.tsv's airports of one country, read once (none without it)."""
    return tuple(a for a in map(_airport, _shipped_rows().get(country, ())) if a is not None)



def _international(key: str) -> bool:
    """True when a folded name says "international" in a language of the rules files
    (``[words] international``: "internationale", "international")."""
    from conflictmap.toponym_words import INTERNATIONAL

    return any(word in key for word in INTERNATIONAL)


@lru_cache(maxsize=4096)
def town_airport(town: Place, written: str = "") -> Airport | None:
    """The airport of ``town`` in the shipped data: the one whose full name is ``written``
    within CITY_KM ("Tripoli International Airport", not the nearer Mitiga), else
    :func:`nearest_airport`."""
    airports = country_airports(town.country)
    key = name_key(written) if written else ""
    for a in airports:
        if key and name_key(a.name) == key and km(town.lat, town.lon, a.lat, a.lon) <= CITY_KM:
            return a
    if _international(key):
        # "de internationale luchthaven van Tripoli", "l'aéroport international de Tripoli":
        # the town's airport named international (not the nearer Mitiga)
        town_keys = _variants(name_key(town.name))
        named = [a for a in airports if _international(name_key(a.name))
                 and a.keys & town_keys and km(town.lat, town.lon, a.lat, a.lon) <= CITY_KM]
        if named:
            return min(named, key=lambda a: km(town.lat, town.lon, a.lat, a.lon))
    return nearest_airport(town, airports)


def nearest_airport(town: Place, airports: tuple[Airport, ...]) -> Airport | None:
    """The airport of ``town``: of the same country, the nearest one named after the town
    (its city, or its name's leading words) within CITY_KM, one with an IATA code (a civil
    airport) first; else the nearest with an IATA code within NEAR_KM; else None."""
    if not town.country:
        return None
    airports = tuple(a for a in airports if a.country == town.country)
    key = name_key(town.name)
    keys = _variants(key) if key else set()
    named: list[tuple[float, Airport]] = []
    near: list[tuple[float, Airport]] = []
    for a in airports:
        if abs(a.lat - town.lat) > 1.0:
            continue
        d = km(town.lat, town.lon, a.lat, a.lon)
        if d <= CITY_KM and keys & a.keys:
            named.append((d, a))
        elif d <= NEAR_KM and a.iata:
            near.append((d, a))
    civil = [p for p in named if p[1].iata]
    best = min(civil or named or near, key=lambda p: p[0], default=None)
    return best[1] if best else None


def named_airport(name: str, country: str) -> Airport | None:
    """The airport of ``country`` that a site's own name names: its capitalised words are
    the leading words of the airport's name ("the Jirah air base", "de vliegbasis Jirah" ->
    Jirah Air Base; "the Shayrat airfield"), else None. An air base that no town is named
    after is then drawn at its own point, not at the town the text names near it."""
    words = [w for w in name.split() if any(c.isupper() for c in w)]
    key = name_key(" ".join(words)) if words else ""
    # a name written in capitals to its noun ("Bagram Air Base", "Tabqa Military Airport"):
    # the words before the noun, as in the data's own names (``_name_keys``)
    folded = key.split()
    cut = next((i for i, w in enumerate(folded) if w in _NOT_TOWN or w == "base"), len(folded))
    key = " ".join(folded[:cut])
    if not key or not country:
        return None
    keys = _variants(key)
    found = [a for a in country_airports(country) if keys & {
        v for k in _name_keys(a.name) for v in _variants(k)}]
    return found[0] if len(found) == 1 else None
