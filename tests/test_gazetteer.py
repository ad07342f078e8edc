"""gazetteer.py: loading, lookup, every committed record, overrides and their errors."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest

from conflictmap import gazetteer as gazmod
from conflictmap.errors import GazetteerError
from conflictmap.gazetteer import Gazetteer, default_directory, default_gazetteer, tsv_rows
from conflictmap.model import PlaceKind

DATA = Path(__file__).parent / "data"
ID_PATTERN = re.compile(
    r"^(geonames:\d+|iso3166-2:[A-Z]{2}-[A-Z0-9]{1,3}|direction:[A-Z]{2}-[a-z]+|cm:[a-z0-9-]+)$"
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.mark.parametrize(
    ("name", "first_id"),
    [
        ("Aleppo", "geonames:170063"),
        ("Halab", "geonames:170063"),
        ("Syrië", "geonames:163843"),
        ("Syria", "geonames:163843"),
        ("Oekraïne", "geonames:690791"),
        ("VS", "geonames:6252001"),
        ("Verenigde Staten", "geonames:6252001"),
        ("Bachmoet", "geonames:713174"),
        ("Bakhmut", "geonames:713174"),
        ("Deir al-Zor", "geonames:170794"),
        ("Idleb", "geonames:169389"),
        ("Marioepol", "geonames:701822"),
        ("Khartoem", "geonames:379252"),
        ("Sjoesja", "geonames:147105"),
        ("Gaza-Stad", "geonames:281133"),
        ("Noord-Syrië", "direction:SY-north"),
        ("northern Syria", "direction:SY-north"),
        ("Gazastrook", "cm:gaza-strip"),
        ("Midden-Oosten", "cm:middle-east"),
        ("Krim", "iso3166-2:UA-43"),
        ("Kharkiv Oblast", "iso3166-2:UA-63"),
        ("Noord-Darfoer", "iso3166-2:SD-DN"),
        ("Engeland", "iso3166-2:GB-ENG"),
        ("Falklands", "geonames:3474414"),
        ("Malvinas", "geonames:3474414"),
        ("Falklandeilanden", "geonames:3474414"),
        ("South Georgia", "geonames:3474415"),
    ],
)
def test_gazetteer_lookup_first_candidate(gaz: Gazetteer, name: str, first_id: str) -> None:
    assert gaz.lookup(name)[0].id == first_id


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("Hama", {"geonames:170017", "iso3166-2:SY-HM"}),
        ("Tripoli", {"geonames:2210247", "geonames:266826"}),
        ("Pokrovsk", {"geonames:704422", "geonames:2017824"}),
        ("Homs", {"geonames:169577", "geonames:2219905"}),
    ],
)
def test_gazetteer_lookup_keeps_every_candidate(gaz: Gazetteer, name: str, ids: set[str]) -> None:
    assert ids <= {p.id for p in gaz.lookup(name)}


@pytest.mark.parametrize("name", ["Xyzzyvillë", "", "   "])
def test_gazetteer_lookup_unknown_is_empty(gaz: Gazetteer, name: str) -> None:
    assert gaz.lookup(name) == []


def test_gazetteer_get_and_kinds(gaz: Gazetteer) -> None:
    aleppo = gaz.get("geonames:170063")
    assert aleppo is not None and aleppo.kind is PlaceKind.TOWN and aleppo.country == "SY"
    assert abs(aleppo.lat - 36.2) < 0.1 and abs(aleppo.lon - 37.16) < 0.1
    assert aleppo.admin1 == "Aleppo Governorate"
    assert gaz.get("iso3166-2:SY-HM").geo_precision == 3
    assert gaz.get("geonames:163843").kind is PlaceKind.COUNTRY
    assert gaz.get("geonames:0") is None


def test_gazetteer_version_is_a_stable_content_hash(gaz: Gazetteer) -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", gaz.version)
    assert Gazetteer.load().version == gaz.version


def test_gazetteer_explain_names_candidates_and_choice(gaz: Gazetteer) -> None:
    text = gaz.explain("Tripoli", "Israëlische vliegtuigen bombardeerden Tripoli in Libanon.")
    assert "geonames:266826" in text and "geonames:2210247" in text
    assert "chosen: geonames:266826" in text
    assert "no place" in gaz.explain("Xyzzyvillë")


def test_gazetteer_every_record_is_valid(gaz: Gazetteer) -> None:
    """Walk every committed place: id, coordinates, kind, country, admin1."""
    kinds = set(PlaceKind)
    bad = []
    for i in range(len(gaz)):
        p = gaz.place(i)
        ok = (
            (ID_PATTERN.match(p.id) or p.id.startswith("local:"))
            and -90 <= p.lat <= 90
            and -180 <= p.lon <= 180
            and not (p.lat == 0 and p.lon == 0)
            and p.kind in kinds
            and p.name
            and (p.country == "" or re.fullmatch(r"[A-Z]{2}", p.country))
            and p.population >= 0
        )
        if not ok:
            bad.append(p)
    assert not bad[:5] and len(gaz) > 230_000
    gaz._cache.clear()


def test_gazetteer_direction_regions_keep_the_country_name_as_written(gaz: Gazetteer) -> None:
    """"Noord-Syrië" is shown as "Northern Syria", not "Northern syria"."""
    assert gaz.lookup("Noord-Syrië")[0].name == "Northern Syria"
    assert gaz.lookup("eastern Ukraine")[0].name == "Eastern Ukraine"
    directions = [gaz.place(i) for i in range(len(gaz))
                  if gaz.place(i).id.startswith("direction:")]
    assert len(directions) > 500
    assert not [p.name for p in directions
                if not all(w[0].isupper() for w in p.name.split()[:2])][:5]
    gaz._cache.clear()


def test_gazetteer_curated_centroid_beats_a_guessed_capital(gaz: Gazetteer) -> None:
    """Shan State lies in eastern Myanmar, not at a town "San" near Yangon (a capital guessed
    by transliteration skeleton); "San" is no name of the state; the states' English names
    resolve."""
    (shan,) = [p for p in gaz.lookup("Shan State") if p.country == "MM"]
    assert shan.name == "Shan State" and abs(shan.lat - 21.5) < 1 and abs(shan.lon - 97.9) < 1
    assert shan.id not in {p.id for p in gaz.lookup("San")}
    for name, code in (("Rakhine State", "MM-16"), ("Kachin State", "MM-11"),
                       ("Karen State", "MM-13")):
        assert gaz.lookup(name)[0].id == f"iso3166-2:{code}", name


@pytest.mark.parametrize(("region", "lat", "lon"), [
    ("iso3166-2:PS-JEN", 32.46, 35.30),  # Jenin
    ("iso3166-2:PS-NBS", 32.22, 35.26),  # Nablus
    ("iso3166-2:PS-TKM", 32.31, 35.03),  # Tulkarm
    ("iso3166-2:PS-HBN", 31.53, 35.09),  # Hebron
    ("iso3166-2:PS-BTH", 31.70, 35.20),  # Bethlehem
    ("iso3166-2:RU-STA", 45.0, 43.3),  # Stavropol Krai, North Caucasus
    ("iso3166-2:MM-17", 21.5, 97.9),  # Shan State
])
def test_gazetteer_override_regions_lie_where_they_are(gaz: Gazetteer, region: str,
                                                       lat: float, lon: float) -> None:
    """Every West Bank town shares one GeoNames admin1, so its governorates all sat near
    Ramallah; "Stavropol" is also Tolyatti's old name, and Stavropol Krai sat on the Volga
    (region_centroids.tsv "override")."""
    place = gaz.get(region)
    assert math.dist((place.lat, place.lon), (lat, lon)) < 0.2, place


def test_gazetteer_ids_are_unique(gaz: Gazetteer) -> None:
    ids = [gaz.place(i).id for i in range(len(gaz))]
    assert len(ids) == len(set(ids))
    gaz._cache.clear()


def test_gazetteer_curated_files_resolve(gaz: Gazetteer) -> None:
    directory = default_directory()
    for _, fields in tsv_rows(directory / "aliases.tsv", 2):
        assert gaz.lookup(fields[0])[0].id == fields[1], fields
    for _, fields in tsv_rows(directory / "demonyms.tsv", 2):
        assert gaz.get_country(fields[1]) is not None, fields


def test_gazetteer_regions_sit_among_their_towns(gaz: Gazetteer) -> None:
    for region_id, town_id, max_km in [
        ("iso3166-2:SY-HM", "geonames:170017", 60),
        ("iso3166-2:SY-ID", "geonames:169389", 60),
        ("iso3166-2:UA-14", "geonames:709717", 120),
    ]:
        r, t = gaz.get(region_id), gaz.get(town_id)
        d = 111 * math.hypot(r.lat - t.lat, (r.lon - t.lon) * math.cos(math.radians(r.lat)))
        assert d < max_km, (region_id, d)


def test_gazetteer_overrides_add_places_and_pins() -> None:
    gaz = Gazetteer.load(overrides=DATA / "gaz_overrides.toml")
    village = gaz.lookup("Tell Tamer")[0]
    assert village.id == "local:tal-tamr" and village.country == "SY"
    assert gaz.lookup("Tripoli")[0].id == "geonames:266826"
    assert gaz.get("local:kherson-bridgehead").kind is PlaceKind.SITE
    assert gaz.version != default_gazetteer().version


@pytest.mark.parametrize(
    ("toml", "line", "fragment"),
    [
        ('[[place]]\nname = "X"\nlat = 1.0\n', 1, "expected [[place]] with name, lat, lon"),
        ('\n[[place]]\nname = "X"\nlat = 91\nlon = 1\n', 2, "out of range"),
        ('[[place]]\nname = "X"\nlat = 1\nlon = 1\nkind = "city"\n', 1, "kind one of"),
        ('[[place]]\nname = "X"\nlat = 1\nlon = 1\ncountry = "Syria"\n', 1, "2-letter"),
        ('[[pin]]\nname = "Homs"\nplace = "geonames:1"\n', 1, "unknown place id"),
        ('[[pin]]\nname = "Homs"\n', 1, "expected [[pin]]"),
        ('[[plaec]]\nname = "X"\n', 1, "unknown table"),
        ('[[place]\nname = "X"\n', 1, "not valid TOML"),
    ],
)
def test_gazetteer_bad_overrides_name_file_and_line(
    tmp_path: Path, toml: str, line: int, fragment: str
) -> None:
    path = tmp_path / "overrides.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(GazetteerError) as err:
        Gazetteer.load(overrides=path)
    assert err.value.path == str(path) and err.value.line == line
    assert fragment in str(err.value) and str(path) in str(err.value)


@pytest.fixture()
def gaz_copy(tmp_path: Path) -> Path:
    """A copy of the gazetteer directory that a test may spoil."""
    target = tmp_path / "gazetteer"
    target.mkdir()
    for f in default_directory().iterdir():
        if f.is_file() and f.name != "overrides.toml":
            (target / f.name).symlink_to(f) if f.suffix == ".gz" else shutil.copy(f, target)
    return target


@pytest.mark.parametrize(
    ("file", "row", "fragment"),
    [
        ("aliases.tsv", "Bachmoet", "expected 2 tab-separated fields"),
        ("aliases.tsv", "Bachmoet\tgeonames:999999999", "unknown place id"),
        ("extra_places.tsv", "cm:x\tvillage\tX\t1\t2\tSY", "expected id, kind"),
        ("extra_places.tsv", "cm:x\ttown\tX\t100\t2\tSY", "out of range"),
        ("extra_places.tsv", "x\ttown\tX\t10\t2\tSY", "expected an id like"),
        ("demonyms.tsv", "Syrische\tSYR", "2-letter country code"),
        ("capitals.tsv", "LY\tTripoli\tTripoli", "GeoNames id"),
    ],
)
def test_gazetteer_bad_rows_name_file_and_line(
    gaz_copy: Path, file: str, row: str, fragment: str
) -> None:
    path = gaz_copy / file
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, row]) + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as err:
        Gazetteer.load(gaz_copy)
    assert err.value.path == str(path) and err.value.line == len(lines) + 1
    assert fragment in str(err.value)


def test_gazetteer_missing_or_corrupt_index(gaz_copy: Path) -> None:
    (gaz_copy / "places.bin.gz").unlink()
    with pytest.raises(GazetteerError, match=r"run scripts/build_gazetteer\.py"):
        Gazetteer.load(gaz_copy)
    (gaz_copy / "places.bin.gz").write_bytes(b"not gzip")
    with pytest.raises(GazetteerError, match="rebuild"):
        Gazetteer.load(gaz_copy)


def test_gazetteer_env_var_selects_directory(
    monkeypatch: pytest.MonkeyPatch, gaz_copy: Path
) -> None:
    monkeypatch.setenv(gazmod.ENV_VAR, str(gaz_copy))
    assert default_directory() == gaz_copy


def test_gazetteer_reads_geocoder_cache(gaz_copy: Path) -> None:
    (gaz_copy / "geocoded.json").write_text(
        '{"SY|Kafr Nubl": {"id": "nominatim:n123", "name": "Kafr Nubl", "lat": 35.61, '
        '"lon": 36.56, "country": "SY"}, "|Nowhere": null}',
        encoding="utf-8",
    )
    gaz = Gazetteer.load(gaz_copy)
    assert gaz.lookup("Kafr Nubl")[0].id == "nominatim:n123"


@pytest.mark.parametrize(
    ("place_id", "name", "lat", "lon"),
    [
        # tied by GeoNames' admin1 code, not by a town that shares the name elsewhere
        ("iso3166-2:US-ME", "Maine", 45.0, -69.5),
        ("iso3166-2:US-WA", "Washington", 47.4, -121.0),
        ("iso3166-2:US-FL", "Florida", 28.0, -81.5),
        # tied by the capital, labelled as news labels them
        ("iso3166-2:SY-DR", "Daraa Governorate", 32.8, 36.2),
        ("iso3166-2:UA-14", "Donetsk Oblast", 48.0, 37.8),
    ],
)
def test_gazetteer_regions_lie_in_their_territory(
    gaz: Gazetteer, place_id: str, name: str, lat: float, lon: float
) -> None:
    place = gaz.get(place_id)
    assert place is not None and place.name == name
    assert abs(place.lat - lat) < 2.5 and abs(place.lon - lon) < 3.5


# Countries with armed conflict in the last fifteen years and their neighbours: every first-level
# ISO 3166-2 subdivision must be a place (news names them: "fighting in Helmand province").
WAR_COUNTRIES = (
    "AF", "PK", "IQ", "SY", "YE", "LY", "SD", "SS", "ET", "SO", "NG", "NE", "ML", "BF", "TD",
    "CM", "CF", "CD", "MZ", "MM", "UA", "RU", "GE", "AM", "AZ", "IL", "PS", "LB", "CO", "MX",
    "PH", "HT", "ER", "BI", "RW", "UG", "KE", "IR", "TR", "SA",
    # neighbours
    "EG", "JO", "KW", "DZ", "BY", "MD", "TJ", "UZ", "TM", "TG", "CG", "BJ", "GH", "TZ", "MW",
    "AO", "ZM", "CI", "TH", "GQ",
    # others
    "IN", "CN", "ID", "MA", "LK", "KP", "KR", "VE", "LR", "SL", "ZW", "KZ", "MR",
    "RS", "BA", "HR", "EC", "PE", "BR", "GT", "HN", "NI", "SV", "CU", "BO", "NP", "LA", "KH", "OM",
    "PL", "RO", "HU", "LT", "LV", "EE", "FI", "ZA", "PG", "GA", "GW", "GM", "SZ", "LS", "KG", "BT",
    "CA", "AU", "NZ", "DE", "IT", "ES", "JP", "MY", "TW", "VN", "AR", "CL", "NA", "BW", "MN", "DO",
    "PY", "UY", "AT", "CZ", "DK", "GR", "SE", "NO", "IS", "PA", "GY", "SR", "BH", "QA", "CV", "KM",
    "MU", "FJ", "SB", "VU", "PT",
)


@pytest.mark.parametrize("country", WAR_COUNTRIES)
def test_gazetteer_has_every_first_level_region_of_war_countries(
    gaz: Gazetteer, country: str
) -> None:
    pycountry = pytest.importorskip("pycountry")
    subs = pycountry.subdivisions.get(country_code=country) or []
    missing = [s.code for s in subs
               if s.parent_code is None and gaz.get(f"iso3166-2:{s.code}") is None]
    assert not missing


@pytest.mark.parametrize(
    ("name", "region_id"),
    [
        ("Helmand", "iso3166-2:AF-HEL"),
        ("Helmand province", "iso3166-2:AF-HEL"),
        ("Borno", "iso3166-2:NG-BO"),
        ("Borno State", "iso3166-2:NG-BO"),
        ("Hiran", "iso3166-2:SO-HI"),
        ("Panjshir", "iso3166-2:AF-PAN"),
        ("Tsjetsjenië", "iso3166-2:RU-CE"),
        ("Niger State", "iso3166-2:NG-NI"),
        ("Gaza Province", "iso3166-2:MZ-G"),
        ("Unity State", "iso3166-2:SS-UY"),
        ("Cabo Delgado", "iso3166-2:MZ-P"),
        # tied by GeoNames' admin1 letter code = the ISO code, no capital needed
        ("Vojvodina", "iso3166-2:RS-VO"),
        ("Ohio", "iso3166-2:US-OH"),
        ("Georgia state", "iso3166-2:US-GA"),
    ],
)
def test_gazetteer_regions_named_by_news(gaz: Gazetteer, name: str, region_id: str) -> None:
    assert region_id in {p.id for p in gaz.lookup(name)}


@pytest.mark.parametrize(
    ("name", "region_id"),
    [
        # A bare name that is a country, a big town elsewhere, a dictionary word or a people's
        # word is no name of the region; only its typed form is.
        ("Niger", "iso3166-2:NG-NI"),
        ("Gaza", "iso3166-2:MZ-G"),
        ("Bari", "iso3166-2:SO-BR"),
        ("Unity", "iso3166-2:SS-UY"),
        ("Delta", "iso3166-2:NG-DE"),
        ("Red Sea", "iso3166-2:SD-RS"),
        ("Chechen", "iso3166-2:RU-CE"),
        ("Northern", "iso3166-2:UG-N"),
        ("Georgia", "iso3166-2:US-GA"),
    ],
)
def test_gazetteer_ambiguous_bare_region_names_are_not_indexed(
    gaz: Gazetteer, name: str, region_id: str
) -> None:
    assert region_id not in {p.id for p in gaz.lookup(name)}


def test_gazetteer_capital_regions_lie_near_their_capital(gaz: Gazetteer) -> None:
    for region_id, lat, lon in [("iso3166-2:AF-HEL", 31.2, 64.2), ("iso3166-2:NG-BO", 11.8, 13.0),
                                ("iso3166-2:SO-HI", 4.3, 45.3), ("iso3166-2:SS-UY", 9.0, 29.8)]:
        r = gaz.get(region_id)
        assert r is not None
        assert abs(r.lat - lat) < 1.5 and abs(r.lon - lon) < 1.5, (region_id, r.lat, r.lon)


def test_every_capital_is_a_town_of_its_country(gaz: Gazetteer) -> None:
    """capitals.tsv (scripts/build_capitals.py): "the capital" of a text is one of these."""
    assert len(gaz.capitals) > 200
    for code, place_id in gaz.capitals.items():
        place = gaz.get(place_id)
        assert place is not None and place.country == code, (code, place_id)
    assert {gaz.get(gaz.capitals[c]).name for c in ("LY", "SD", "UA", "SY", "HT")} == {
        "Tripoli", "Khartoum", "Kyiv", "Damascus", "Port-au-Prince"}
