"""airports: a site "the airport of X" is drawn at X's airport, not at X's centre."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflictmap.airports import country_airports, load_airports, nearest_airport
from conflictmap.model import Place, PlaceKind
from conflictmap.placeroles import site_place

# made-up towns and fields (country XX): Karsk's airport is about 22 km south of it
ROWS = """\
# icao\tiata\tname\tcity\tcountry\tlat\tlon
XXKA\tKRS\tKarsk International Airport\tKarsk\tXX\t9.80000\t20.00000
XXKB\t\tKarsk Air Base\tKarsk\tXX\t9.95000\t20.00000
XXVL\tVLL\tVell Airport\tVell\tYY\t10.05000\t20.00000
XXDN\tDNB\tDunmore Field\t\tXX\t12.10000\t20.00000
XXOR\t\tOrsk Airfield\t\tXX\t14.20000\t20.00000
XXFR\tFRB\tFarbo Airport\tFarbo\tXX\t10.00000\t21.00000
"""


@pytest.fixture
def airports(tmp_path: Path) -> dict:
    path = tmp_path / "airports.tsv"
    path.write_text(ROWS, encoding="utf-8")
    return load_airports(path)


def _town(name: str, lat: float, lon: float = 20.0, country: str = "XX") -> Place:
    return Place(f"geonames:{name}", name, PlaceKind.TOWN, lat, lon, country)


def test_the_civil_airport_named_after_the_town(airports: dict) -> None:
    found = nearest_airport(_town("Karsk", 10.0), airports["XX"])
    assert found is not None and found.icao == "XXKA"  # over the nearer air base


def test_an_airport_of_the_same_name_in_another_country_is_not_taken(airports: dict) -> None:
    # Vell (YY) has an airport 5 km from this Vell of XX: not XX-Vell's
    vell = _town("Vell", 16.0)
    assert nearest_airport(vell, airports["XX"] + airports["YY"]) is None


def test_a_town_with_no_airport_keeps_none(airports: dict) -> None:
    assert nearest_airport(_town("Lund", 11.0), airports["XX"]) is None


def test_the_nearest_civil_airport_near_the_town(airports: dict) -> None:
    # Dunmore Field names no town; 11 km from Dunmore's centre
    found = nearest_airport(_town("Dunmore", 12.0), airports["XX"])
    assert found is not None and found.iata == "DNB"
    # a field with no IATA code is only taken by its name ("Orsk Airfield")
    found = nearest_airport(_town("Orsk", 14.0), airports["XX"])
    assert found is not None and found.icao == "XXOR"
    assert nearest_airport(_town("Norsk", 14.1), airports["XX"]) is None


def test_an_airport_named_after_the_town_but_too_far_is_not_taken(airports: dict) -> None:
    # Farbo Airport is about 106 km east of this Farbo
    assert nearest_airport(_town("Farbo", 18.0, 20.0), airports["XX"]) is None


def test_shipped_data_is_read() -> None:
    assert len(country_airports("RU")) > 100
    assert any(a.iata == "GOM" for a in country_airports("CD"))


def test_site_place_draws_an_airport_at_the_airport() -> None:
    # Luhansk's airport is about 17 km south of the town's centre
    town = Place("geonames:702658", "Luhansk", PlaceKind.TOWN, 48.56814, 39.30553, "UA")
    site = site_place(town, "airport")
    assert (site.id, site.name) == ("site:airport:geonames:702658", "Luhansk airport")
    assert (round(site.lat, 2), round(site.lon, 2)) == (48.42, 39.37)
    # another kind of site stays at the town's point
    port = site_place(town, "port")
    assert (port.lat, port.lon) == (town.lat, town.lon)


def test_site_place_takes_no_airport_of_another_country() -> None:
    # a town called Tripoli in Syria, put where Libya's Tripoli is: Libya's airports
    # are not its airport
    town = Place("geonames:9", "Tripoli", PlaceKind.TOWN, 32.88743, 13.18733, "SY")
    site = site_place(town, "airport")
    assert (site.lat, site.lon) == (town.lat, town.lon)


def test_site_place_with_no_airport_keeps_the_town_point() -> None:
    town = Place("geonames:1", "Karsk", PlaceKind.TOWN, 10.0, 20.0, "XX")
    site = site_place(town, "airport")
    assert (site.lat, site.lon, site.id) == (10.0, 20.0, "site:airport:geonames:1")


def test_site_place_takes_the_airport_of_the_written_name() -> None:
    # Tripoli (Libya) has two airports: Mitiga in town, Tripoli International ~25 km south;
    # the airport the text names in full is that one, whichever is nearer
    town = Place("geonames:2210247", "Tripoli", PlaceKind.TOWN, 32.88743, 13.18733, "LY")
    named = site_place(town, "airport", "Tripoli International Airport")
    assert (round(named.lat, 2), round(named.lon, 2)) == (32.66, 13.16)
    assert named.id == "site:airport:geonames:2210247"
    mitiga = site_place(town, "airport", "Mitiga Airport")
    assert (round(mitiga.lat, 2), round(mitiga.lon, 2)) == (32.89, 13.28)


def test_site_place_takes_the_international_airport_written_another_way() -> None:
    # "de internationale luchthaven van Khartoum", "l'aéroport international de Tripoli":
    # the town's airport whose name says international, not the nearest field
    town = Place("geonames:2210247", "Tripoli", PlaceKind.TOWN, 32.88743, 13.18733, "LY")
    nl = site_place(town, "airport", "de oude internationale luchthaven van Tripoli")
    assert (round(nl.lat, 2), round(nl.lon, 2)) == (32.66, 13.16)
    plain = site_place(town, "airport", "de luchthaven van Tripoli")
    assert (round(plain.lat, 2), round(plain.lon, 2)) == (32.89, 13.28)
