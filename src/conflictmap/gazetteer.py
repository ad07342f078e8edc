"""The gazetteer: GeoNames towns, ISO 3166 regions and countries, curated aliases, user overrides.

Files in the gazetteer directory (see gazetteer/README.md):

- ``places.bin.gz``: built by scripts/build_gazetteer.py; plain columns + a name index (marshal).
- ``skeleton.bin.gz``: the transliteration index (names.skeleton), loaded on first need.
- ``extra_places.tsv``: curated places GeoNames lacks (Levant, Donbas, Gaza Strip...).
- ``aliases.tsv``: spellings rules cannot derive, each pinned to a place id.
- ``demonyms.tsv``: Dutch/English adjectives and nouns of nationality -> country code.
- ``stopwords.txt``: common Dutch/English words that are also place names (generated).
- ``overrides.toml``: the analyst's own places and pins (optional).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import marshal
import os
import re
import tomllib
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from conflictmap import names as spellings
from conflictmap.errors import GazetteerError
from conflictmap.model import Place, PlaceKind
from conflictmap.names import name_key, skeleton, skeleton_alternates, without_city_suffix

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
COORD_SCALE = 100_000  # places.bin.gz stores coordinates as integers of 1e-5 degree
KINDS = (PlaceKind.TOWN, PlaceKind.REGION, PlaceKind.COUNTRY, PlaceKind.SITE, PlaceKind.OTHER)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
DATA_FILES = (
    "places.bin.gz",
    "skeleton.bin.gz",
    "extra_places.tsv",
    "aliases.tsv",
    "demonyms.tsv",
    "capitals.tsv",
    "stopwords.txt",
    "geocoded.json",
)
ENV_VAR = "CONFLICTMAP_GAZETTEER"
MIN_SKELETON_POPULATION = 1000


class _Index:
    """A name index: sorted keys, searched by bisection; each key -> place indices, best first.

    Bisection over the key list the file holds avoids building a dict of half a million
    entries at load time (see build_gazetteer.pack_index).
    """

    __slots__ = ("keys", "multi", "vals")

    def __init__(self, packed: dict) -> None:
        self.keys: list[str] = packed["keys"].split("\n")
        self.vals = array("i")
        self.vals.frombytes(packed["vals"])
        self.multi: list[tuple[int, ...]] = packed["multi"]

    def has_prefix(self, prefix: str) -> bool:
        """True when some key starts with ``prefix``."""
        i = bisect_left(self.keys, prefix)
        return i < len(self.keys) and self.keys[i].startswith(prefix)

    def get(self, key: str) -> tuple[int, ...]:
        i = bisect_left(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            return ()
        v = self.vals[i]
        return (v,) if v >= 0 else self.multi[-v - 1]


def _column(typecode: str, data: bytes) -> array:
    out = array(typecode)
    out.frombytes(data)
    return out


def _read_packed(path: Path) -> dict:
    try:
        data = marshal.loads(gzip.decompress(path.read_bytes()))
    except FileNotFoundError:
        raise GazetteerError("file missing; run scripts/build_gazetteer.py", path) from None
    except (OSError, EOFError, ValueError, TypeError) as exc:
        raise GazetteerError(f"not a gazetteer index ({exc}); rebuild it", path) from None
    if not isinstance(data, dict) or data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        raise GazetteerError(f"expected gazetteer format {FORMAT_VERSION}; rebuild it", path)
    return data


def tsv_rows(path: Path, min_fields: int) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of a tab-separated file, skipping blank and # lines."""
    if not path.exists():
        return
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < min_fields or not all(fields[:min_fields]):
            raise GazetteerError(
                f"expected {min_fields} tab-separated fields, got {len(fields)}: {line!r}", path, n
            )
        yield n, fields


class Gazetteer:
    """Places by id and by written name. Build with :meth:`load`."""

    def __init__(self, directory: Path, packed: dict) -> None:
        self.directory = directory
        # ids: "geonames:<n>" from a 32-bit column (0: the id is in _other_ids), made on demand
        self._gn = _column("i", packed["geonames_id"])
        self._other_ids: dict[int, str] = dict(packed["other_id"])
        self._by_other_id = {pid: i for i, pid in self._other_ids.items()}
        self._by_gn: dict[int, int] | None = None
        self._names: list[str] = packed["name"]
        self._kind = bytearray(packed["kind"])
        # built places: integer columns (1e-5 degree); added ones (curated, overrides): _extra
        self._lat = _column("i", packed["lat"])
        self._lon = _column("i", packed["lon"])
        self._pop = _column("I", packed["population"])
        self._extra: dict[int, tuple[float, float, int]] = {}
        self._country_str: str = packed["country"]
        self._n_base = len(self._country_str) // 2
        self._country_extra: list[str] = []
        self._admin1_names: list[str] = packed["admin1_names"]
        self._admin1 = array("H")
        self._admin1.frombytes(packed["admin1"])
        self._index = _Index(packed)
        self.neighbours: dict[str, frozenset[str]] = {
            cc: frozenset(v.split(",")) for cc, v in packed.get("neighbours", {}).items()
        }
        self._skeleton: _Index | None = None
        self._skeleton_added: dict[str, list[int]] = {}  # added places' names by skeleton
        self._joined: dict[str, list[int]] | None = None
        self._pins: dict[str, list[int]] = {}
        self._regions: dict[tuple[str, str], int] | None = None
        self._exact_cache: dict[str, tuple[int, ...]] = {}
        self.generation = 0
        self._pin_prefixes: set[str] = set()
        self._countries: dict[str, int] | None = None
        self._demonym_cache: dict[str, str] = {}
        self._cache: dict[int, Place] = {}
        self.stopwords: frozenset[str] = frozenset()
        self.demonyms: dict[str, str] = {}
        self.capitals: dict[str, str] = {}  # country code -> its capital's place id
        self.version = ""

    # -- loading ---------------------------------------------------------------------
    @classmethod
    def load(cls, directory: Path | None = None, overrides: Path | None = None) -> Gazetteer:
        """Load the gazetteer in ``directory`` (default: the repo's gazetteer/) and overrides."""
        directory = Path(directory) if directory else default_directory()
        gaz = cls(directory, _read_packed(directory / "places.bin.gz"))
        gaz._load_extra_places(directory / "extra_places.tsv")
        gaz._load_aliases(directory / "aliases.tsv")
        gaz._load_demonyms(directory / "demonyms.tsv")
        gaz._load_capitals(directory / "capitals.tsv")
        gaz._load_stopwords(directory / "stopwords.txt")
        home = user_directory(directory)  # the analyst's files: never inside site-packages
        gaz._load_geocoded(home / "geocoded.json")
        if overrides:  # a path the user gave must exist
            gaz._load_overrides(Path(overrides))
        elif (home / "overrides.toml").exists():
            gaz._load_overrides(home / "overrides.toml")
        gaz.version = data_version(directory, overrides)
        log.debug("gazetteer %s: %d places, version %s", directory, len(gaz), gaz.version)
        return gaz

    def __len__(self) -> int:
        return len(self._gn)

    def add_place(self, place: Place, names: list[str] | tuple[str, ...] = ()) -> int:
        """Add a place (curated or override) under its name and ``names``; returns its index."""
        i = len(self._gn)
        self._gn.append(0)
        self._other_ids[i] = place.id
        self._names.append(place.name)
        self._kind.append(KIND_CODE[place.kind])
        self._extra[i] = (place.lat, place.lon, place.population)
        self._country_extra.append(place.country or "--")
        self._admin1_names.append(place.admin1)
        self._admin1.append(len(self._admin1_names) - 1)
        self._by_other_id[place.id] = i
        for n in {place.name, *names}:
            self.pin(n, i)  # ... and its skeleton: "Klisjtsjiivka" for the curated Klishchiivka
            self._skeleton_added.setdefault(skeleton(name_key(n)), []).append(i)
        return i

    def pin(self, name: str, index: int) -> None:
        """Make place ``index`` the first candidate for ``name``."""
        self._exact_cache.clear()
        self.generation += 1  # callers' caches of name matches (toponyms) are stale now
        key = name_key(name)
        if key:
            words = key.split()
            self._pin_prefixes.update(" ".join(words[:n]) + " " for n in range(1, len(words)))
            pinned = self._pins.setdefault(key, [])
            if index in pinned:
                pinned.remove(index)
            pinned.insert(0, index)

    def _load_extra_places(self, path: Path) -> None:
        for n, f in tsv_rows(path, 6):
            place = _place_from_fields(f, path, n)
            names = [x.strip() for x in f[6].split("|")] if len(f) > 6 else []
            self.add_place(place, [x for x in names if x])

    def _load_aliases(self, path: Path) -> None:
        for n, f in tsv_rows(path, 2):
            i = self.index_of(f[1])
            if i is None:
                raise GazetteerError(f"unknown place id {f[1]!r} for alias {f[0]!r}", path, n)
            self.pin(f[0], i)

    def _load_demonyms(self, path: Path) -> None:
        for n, f in tsv_rows(path, 2):
            if len(f[1]) != 2 or not f[1].isupper():
                raise GazetteerError(f"expected a 2-letter country code, got {f[1]!r}", path, n)
            self.demonyms[name_key(f[0])] = f[1]

    def _load_capitals(self, path: Path) -> None:
        """Each country's capital (country code, GeoNames id, name): "the capital" of a text."""
        if not path.exists():
            return
        for n, f in tsv_rows(path, 2):
            if len(f[0]) != 2 or not f[0].isupper() or not f[1].isdigit():
                raise GazetteerError(
                    f"expected a 2-letter country code and a GeoNames id, got {f[:2]!r}", path, n)
            self.capitals[f[0]] = f"geonames:{f[1]}"

    def _load_stopwords(self, path: Path) -> None:
        if path.exists():
            lines = read_text(path).splitlines()
            self.stopwords = frozenset(w.strip() for w in lines if w and not w.startswith("#"))

    def _load_geocoded(self, path: Path) -> None:
        """Places an earlier --geocode run found (see conflictmap.geocode), under their query."""
        from conflictmap.geocode import place_from_record, read_cache

        for key, record in read_cache(path).items():
            if record:
                try:
                    place = place_from_record(record)
                except (KeyError, TypeError, ValueError):
                    raise GazetteerError(f"expected id, name, lat, lon for {key!r}", path) from None
                self.add_place(place, [key.partition("|")[2]])

    def _load_overrides(self, path: Path) -> None:
        apply_overrides(self, path)

    # -- access ----------------------------------------------------------------------
    def index_of(self, place_id: str) -> int | None:
        i = self._by_other_id.get(place_id)
        if i is not None:
            return i
        head, _, number = place_id.partition(":")
        if head != "geonames" or not number.isdigit() or int(number) == 0:
            return None  # 0 marks a place whose id is in _other_ids
        if self._by_gn is None:  # _gn is longer than _n_base once places are added
            self._by_gn = dict(zip(self._gn, range(self._n_base), strict=False))
        return self._by_gn.get(int(number))

    def place_id(self, i: int) -> str:
        """The id of place i."""
        n = self._gn[i]
        return f"geonames:{n}" if n else self._other_ids[i]

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        i = self.index_of(place_id)
        return None if i is None else self.place(i)

    def country_of(self, i: int) -> str:
        """Country code of place i ("--" for none)."""
        if i < self._n_base:
            return self._country_str[2 * i : 2 * i + 2]
        return self._country_extra[i - self._n_base]

    def place(self, i: int) -> Place:
        p = self._cache.get(i)
        if p is None:
            country = self.country_of(i)
            if i < self._n_base:
                lat, lon = self._lat[i] / COORD_SCALE, self._lon[i] / COORD_SCALE
                pop = self._pop[i]
            else:
                lat, lon, pop = self._extra[i]
            p = Place(
                id=self.place_id(i),
                # a transliterated ayn before a name ("'Ardamata") is no part of how it is written
                name=self._names[i].lstrip("'’ʿʻ`") or self._names[i],
                kind=KINDS[self._kind[i]],
                lat=lat,
                lon=lon,
                country="" if country == "--" else country,
                admin1=self._admin1_names[self._admin1[i]],
                population=pop,
            )
            self._cache[i] = p
        return p

    def region_of(self, place: Place) -> Place | None:
        """The first-level region (province, oblast) a town lies in, when known."""
        if self._regions is None:
            code = KIND_CODE[PlaceKind.REGION]
            self._regions = {
                (self.country_of(i), self._admin1_names[self._admin1[i]]): i
                for i in range(len(self._gn))
                if self._kind[i] == code and self.place_id(i).startswith("iso3166-2:")
            }
        i = self._regions.get((place.country, place.admin1))
        return None if i is None else self.place(i)

    def continues(self, key: str) -> bool:
        """True when some name is longer than ``key`` by one or more words."""
        prefix = key + " "
        return prefix in self._pin_prefixes or self._index.has_prefix(prefix)

    def demonym(self, word: str) -> str:
        """Country code of a nationality word as written ("Syrische" -> "SY"), or ""."""
        cc = self._demonym_cache.get(word)
        if cc is None:
            cc = self._demonym_cache[word] = self.demonyms.get(name_key(word), "")
        return cc

    def get_country(self, country: str) -> Place | None:
        """The country record for an ISO 3166-1 alpha-2 code ("SY"), or None."""
        return self.country_place(country)

    def country_place(self, country: str) -> Place | None:
        """The country record for an ISO 3166-1 alpha-2 code."""
        if self._countries is None:
            code = KIND_CODE[PlaceKind.COUNTRY]
            self._countries = {
                self.country_of(i): i for i in range(len(self._gn)) if self._kind[i] == code
            }
        i = self._countries.get(country)
        return None if i is None else self.place(i)

    def pinned(self, key: str) -> tuple[int, ...]:
        """Indices pinned to a key by extra places, aliases or overrides."""
        return tuple(self._pins.get(key, ()))

    def indices(self, key: str) -> tuple[int, ...]:
        """Place indices for a normalised key (names.name_key), best first; no fuzzy step."""
        pinned = self._pins.get(key)
        found = self._index.get(key)
        if pinned:
            return tuple(pinned) + tuple(i for i in found if i not in pinned)
        return found

    def fuzzy_indices(self, key: str, every: bool = False) -> tuple[int, ...]:
        """Indices by transliteration skeleton, for keys with no exact entry; by its other readings
        ("tschinvali": ts + ch) when it finds nothing, or (``every``) by every reading."""
        if self._skeleton is None:
            self._skeleton = _Index(_read_packed(self.directory / "skeleton.bin.gz"))
        found = self._skeleton.get(sk := skeleton(key)) + tuple(self._skeleton_added.get(sk, ()))
        for alt in skeleton_alternates(key) if every or not found else ():
            more = self._skeleton.get(alt)
            found = tuple(dict.fromkeys(found + tuple(more))) if every else more
            if found and not every:
                break
        if every or not found:
            found = tuple(dict.fromkeys(found + self.joined_indices(key)))
        return found

    def joined_indices(self, key: str) -> tuple[int, ...]:
        """Towns whose syllables news joins ("Muse": GeoNames' "Mu-se"), by the joined key."""
        if self._joined is None:
            self._joined = spellings.joined_index(self._names, self._country_str)
        return tuple(self._joined.get(key, ()))

    def resolve_key(self, key: str, fuzzy: bool = True) -> tuple[int, ...]:
        """Exact key, then without "-Stad"/"City", then (if ``fuzzy``) by skeleton."""
        if not fuzzy:
            found = self._exact_cache.get(key)
            if found is None:
                if len(self._exact_cache) > 100_000:
                    self._exact_cache.clear()
                found = self._exact_cache[key] = self._resolve_exact(key)
            return found
        return self._resolve_exact(key) or self.fuzzy_indices(key)

    def _resolve_exact(self, key: str) -> tuple[int, ...]:
        found = self.indices(key)
        if not found:
            bare = without_city_suffix(key)
            found = self.indices(bare) if bare else ()
        return found

    def lookup(self, name: str) -> list[Place]:
        """Candidate places for a written name, best first (empty when unknown)."""
        return [self.place(i) for i in self.resolve_key(name_key(name))]

    def explain(self, name: str, context_text: str = "") -> str:
        """Human-readable candidates for ``name`` and which one the context picks, and why."""
        from conflictmap.toponyms import explain_choice

        return explain_choice(self, name, context_text)


def _place_from_fields(f: list[str], path: Path, n: int) -> Place:
    """A Place from extra_places.tsv fields: id, kind, name, lat, lon, country."""
    try:
        kind = PlaceKind(f[1])
        lat, lon = float(f[3]), float(f[4])
    except ValueError:
        raise GazetteerError(
            f"expected id, kind ({'|'.join(k.value for k in KINDS)}), name, lat, lon, country",
            path,
            n,
        ) from None
    country = "" if f[5] in ("-", "--") else f[5]
    check_place_values(f[0], lat, lon, country, path, n)
    return Place(
        id=f[0],
        name=f[2],
        kind=kind,
        lat=lat,
        lon=lon,
        country=country,
        admin1=f[2] if kind is PlaceKind.REGION else "",
    )


def check_place_values(pid: str, lat: float, lon: float, country: str, path: Path, n: int) -> None:
    """Raise GazetteerError unless the id has a prefix and lat/lon/country are valid."""
    if ":" not in pid or pid.startswith(":") or pid.endswith(":"):
        raise GazetteerError(f"expected an id like 'local:my-village', got {pid!r}", path, n)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GazetteerError(f"latitude/longitude out of range: {lat}, {lon}", path, n)
    if country and (len(country) != 2 or not country.isupper()):
        raise GazetteerError(f"expected a 2-letter country code or '-', got {country!r}", path, n)


OVERRIDE_PLACE_KEYS = {"id", "name", "lat", "lon", "country", "kind", "names", "population"}


def apply_overrides(gaz: Gazetteer, path: Path) -> None:
    """Add the ``[[place]]`` entries and apply the ``[[pin]]`` entries of an overrides file."""
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+)", str(exc))
        line = int(where.group(1)) if where else getattr(exc, "lineno", None)
        raise GazetteerError(f"not valid TOML: {exc}", path, line) from None
    except RecursionError:
        raise GazetteerError("not valid TOML: nested too deeply", path) from None
    unknown = set(data) - {"place", "pin"}
    if unknown:
        raise GazetteerError(
            f"unknown table(s) {sorted(unknown)}; expected [[place]] or [[pin]]",
            path,
            _header_line(text, sorted(unknown)[0], 0),
        )
    for table in ("place", "pin"):
        entries = data.get(table, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise GazetteerError(
                f"expected [[{table}]] tables, got {table} = {type(entries).__name__}",
                path,
                _header_line(text, table, 0),
            )
    for n, entry in enumerate(data.get("place", [])):
        place, names = _override_place(entry, path, _header_line(text, "place", n))
        gaz.add_place(place, names)
    for n, entry in enumerate(data.get("pin", [])):
        line = _header_line(text, "pin", n)
        if set(entry) != {"name", "place"} or not all(isinstance(v, str) for v in entry.values()):
            raise GazetteerError(
                'expected [[pin]] with name = "..." and place = "<id>"', path, line
            )
        i = gaz.index_of(entry["place"])
        if i is None:
            raise GazetteerError(f"unknown place id {entry['place']!r}", path, line)
        gaz.pin(entry["name"], i)


def read_text(path: Path) -> str:
    """A data file's UTF-8 text; GazetteerError (with the line) when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise GazetteerError(f"not UTF-8 text ({exc.reason})", path, line) from None
    except FileNotFoundError:
        raise GazetteerError("file not found", path) from None
    except OSError as exc:
        raise GazetteerError(f"cannot read ({exc.strerror or exc})", path) from None


def _override_place(entry: dict, path: Path, line: int) -> tuple[Place, list[str]]:
    expected = "expected [[place]] with name, lat, lon, country (and optional id, kind, names)"
    if not {"name", "lat", "lon"} <= set(entry) or set(entry) - OVERRIDE_PLACE_KEYS:
        raise GazetteerError(f"{expected}; got keys {sorted(entry)}", path, line)
    try:
        kind = PlaceKind(entry.get("kind", "town"))
        lat, lon = float(entry["lat"]), float(entry["lon"])
        population = int(entry.get("population", 0))
        if not 0 <= population < 2**62:
            raise ValueError(population)
    except (TypeError, ValueError):
        raise GazetteerError(
            f"{expected}; kind one of {[k.value for k in KINDS]}, lat/lon numbers", path, line
        ) from None
    names = entry.get("names", [])
    if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
        raise GazetteerError('expected names = ["...", "..."]', path, line)
    pid = str(entry.get("id") or "local:" + name_key(str(entry["name"])).replace(" ", "-"))
    country = str(entry.get("country", ""))
    check_place_values(pid, lat, lon, country, path, line)
    place = Place(
        id=pid,
        name=str(entry["name"]),
        kind=kind,
        lat=lat,
        lon=lon,
        country=country,
        population=population,
    )
    return place, names


def _header_line(text: str, table: str, n: int) -> int | None:
    """The line of the n-th ``[[table]]`` header (or ``table`` key) in a TOML text."""
    seen = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip().replace(" ", "")
        if stripped in (f"[[{table}]]", f"[{table}]") or stripped.startswith(f"{table}="):
            if seen == n:
                return lineno
            seen += 1
    return None


def data_version(directory: Path | None = None, overrides: Path | str | None = None) -> str:
    """The version of the gazetteer that ``Gazetteer.load(directory, overrides)`` gives (a
    hash of its data files and overrides), without loading it."""
    directory = Path(directory) if directory else default_directory()
    home = user_directory(directory)
    overrides = Path(overrides) if overrides else home / "overrides.toml"
    return _content_hash([directory / f for f in DATA_FILES if f != "geocoded.json"]
                         + [home / "geocoded.json", overrides])


def _content_hash(paths: list[Path]) -> str:
    h = hashlib.sha1()
    for p in paths:
        if p.exists():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


PACKAGED = Path(__file__).resolve().parent / "gazetteer_data"  # the wheel's copy (setup.py)
HOME_VAR = "CONFLICTMAP_HOME"


def default_directory() -> Path:
    """$CONFLICTMAP_GAZETTEER; else the source tree's gazetteer/ (a checkout or an editable
    install); else the copy an installed package ships (conflictmap/gazetteer_data)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    tree = Path(__file__).resolve().parents[2] / "gazetteer"
    return tree if (tree / "places.bin.gz").is_file() or not PACKAGED.is_dir() else PACKAGED


def user_directory(directory: Path | None = None) -> Path:
    """Where the analyst's files live (overrides.toml, corrections.csv, the geocoder cache
    geocoded.json) for the gazetteer in ``directory`` (default: :func:`default_directory`):
    $CONFLICTMAP_HOME if set; else that gazetteer folder when it is a source tree's or
    $CONFLICTMAP_GAZETTEER's; else, for an installed package's own copy, a user folder
    ($XDG_CONFIG_HOME/conflictmap, by default ~/.config/conflictmap), never site-packages."""
    home = os.environ.get(HOME_VAR)
    if home:
        return Path(home)
    directory = Path(directory) if directory else default_directory()
    if directory.resolve() != PACKAGED:
        return directory
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "conflictmap"


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The repo's (or $CONFLICTMAP_GAZETTEER's) gazetteer with its overrides.toml, loaded once."""
    return Gazetteer.load()
