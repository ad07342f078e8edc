"""Curated villages, district towns and camps (gazetteer/extra_places.tsv,
aliases.tsv): each point checked by its distance and bearing to two gazetteer towns whose place is
not in doubt, and each written name resolving to the curated place.

The expected distances and bearings are what maps show between the places (general knowledge,
written down independently of the curated coordinates): a wrong digit in a row (a latitude off by
0.1 degree, 11 km) or a row pinned to the wrong town fails here.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from conflictmap.events import Extractor
from conflictmap.gazetteer import Gazetteer, default_gazetteer
from conflictmap.geodesy import km
from conflictmap.model import Article, Interval


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


def bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from the first point to the second, degrees from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360


# curated id, reference town id, km from the reference, bearing from the reference (degrees)
CHECKS = [
    ("cm:latamneh", "geonames:168620", 5, 180),  # Kafr Zita: south
    ("cm:latamneh", "geonames:166640", 8, 225),  # Morek: south-west
    ("cm:bashiqa", "geonames:99072", 22, 55),  # Mosul: north-east
    ("cm:bashiqa", "geonames:90353", 20, 110),  # Tel Keppe: east-south-east
    ("cm:amerli", "geonames:90026", 20, 190),  # Tuz Khurmatu: south
    ("cm:amerli", "geonames:94787", 90, 175),  # Kirkuk: south
    ("cm:kobo-et", "geonames:326406", 35, 5),  # Weldiya: north
    ("cm:kobo-et", "geonames:344357", 30, 185),  # Alamata: south
    ("cm:marjah", "geonames:1134720", 25, 250),  # Lashkar Gah: west-south-west
    ("cm:mays-al-jabal", "cm:houla-lb", 4, 180),  # Houla: south
    ("cm:mays-al-jabal", "geonames:276592", 10, 50),  # Bint Jbeil: north-east
    ("cm:blida-lb", "geonames:276592", 8, 80),  # Bint Jbeil: east
    ("cm:blida-lb", "cm:houla-lb", 8, 185),  # Houla: south
    ("cm:yaroun", "geonames:276592", 4.5, 190),  # Bint Jbeil: south
    ("cm:yaroun", "cm:maroun-al-ras", 2.5, 225),  # Maroun al-Ras: south-west
    ("cm:maghazi", "geonames:281141", 3, 70),  # Deir al-Balah: east-north-east
    ("cm:maghazi", "geonames:281161", 2.5, 200),  # Bureij: south-south-west
    ("cm:telskuf", "geonames:90353", 11, 350),  # Tel Keppe: north
    ("cm:telskuf", "geonames:99072", 30, 355),  # Mosul: north
    ("cm:pisky-donetsk", "geonames:713122", 10, 200),  # Avdiivka: south-south-west
    ("cm:hamam-al-alil", "geonames:99072", 20, 170),  # Mosul: south
    ("cm:hamam-al-alil", "geonames:99003", 40, 355),  # Qayyarah: north
    ("cm:balcad", "geonames:53654", 37, 20),  # Mogadishu: north-north-east
    ("cm:balcad", "geonames:56335", 48, 195),  # Jowhar: south-south-west
    ("cm:mambasa", "geonames:217695", 135, 260),  # Bunia: west
    ("cm:mambasa", "geonames:217562", 140, 350),  # Butembo: north
    ("cm:komanda", "geonames:217695", 55, 240),  # Bunia: south-west
    ("cm:komanda", "cm:mambasa", 80, 90),  # Mambasa: east
    ("cm:kamituga", "geonames:217831", 100, 230),  # Bukavu: south-west
    ("cm:kamituga", "geonames:204405", 110, 290),  # Uvira: west-north-west
    ("cm:shabunda", "geonames:217831", 175, 250),  # Bukavu: west-south-west
    ("cm:shabunda", "cm:kamituga", 100, 320),  # Kamituga: north-west
    ("cm:khuzaa", "geonames:281124", 6, 125),  # Khan Younis: east-south-east
    ("cm:khuzaa", "geonames:281102", 10, 70),  # Rafah: east-north-east
    ("cm:rmeish", "geonames:276592", 7, 230),  # Bint Jbeil: south-west
    ("cm:rmeish", "cm:aitaroun", 10, 245),  # Aitaroun: west-south-west
    ("cm:dabiq", "geonames:174115", 7, 295),  # Akhtarin: west-north-west
    ("cm:dabiq", "geonames:172082", 21, 110),  # Azaz: east-south-east
    ("cm:moadamiyeh", "geonames:170654", 11, 240),  # Damascus: south-west
    ("cm:moadamiyeh", "geonames:170892", 4, 270),  # Daraya: west
    ("cm:nasir-ss", "geonames:370737", 185, 125),  # Malakal: east-south-east
    ("cm:nasir-ss", "cm:akobo", 90, 5),  # Akobo: north
    ("cm:akobo", "geonames:377241", 235, 45),  # Bor: north-east
    ("cm:cite-soleil", "geonames:3718426", 4.5, 15),  # Port-au-Prince: north
    ("cm:cite-soleil", "geonames:3727135", 10.5, 270),  # Croix-des-Bouquets: west
    ("cm:martissant", "geonames:3718426", 2, 235),  # Port-au-Prince: south-west
    ("cm:martissant", "geonames:6201369", 4.5, 105),  # Carrefour: east
    ("cm:sarmada", "cm:bab-al-hawa", 7, 145),  # the Bab al-Hawa crossing: south-east
    ("cm:sarmada", "geonames:172082", 45, 230),  # Azaz: south-west
]


def _angle(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


@pytest.mark.parametrize(("place", "ref", "want_km", "want_bearing"), CHECKS)
def test_curated_point_by_distance_and_bearing(
    gaz: Gazetteer, place: str, ref: str, want_km: float, want_bearing: float
) -> None:
    p, r = gaz.get(place), gaz.get(ref)
    assert p is not None and r is not None, (place, ref)
    got_km = km(r.lat, r.lon, p.lat, p.lon)
    assert abs(got_km - want_km) <= max(2.0, 0.25 * want_km), (place, ref, round(got_km, 1))
    assert _angle(bearing(r.lat, r.lon, p.lat, p.lon), want_bearing) <= 30, (place, ref)


# a written name (Dutch or English spelling) and the place it must find first in its country
NAMES = [
    ("Latamneh", "cm:latamneh"), ("Al-Lataminah", "cm:latamneh"), ("Bashiqa", "cm:bashiqa"),
    ("Amirli", "cm:amerli"), ("Kobo", "cm:kobo-et"), ("Marja", "cm:marjah"),
    ("Meiss el-Jabal", "cm:mays-al-jabal"), ("Yaroun", "cm:yaroun"), ("Maghazi", "cm:maghazi"),
    ("Tel Skuf", "cm:telskuf"),
    ("Pisky", "cm:pisky-donetsk"), ("Tel Keppe", "geonames:90353"),
    ("Bakhdida", "geonames:92430"), ("Dzjabrajil", "geonames:148141"),
    ("Hammam al-Alil", "cm:hamam-al-alil"), ("Balcad", "cm:balcad"), ("Mambasa", "cm:mambasa"),
    ("Komanda", "cm:komanda"), ("Kamituga", "cm:kamituga"), ("Shabunda", "cm:shabunda"),
    ("Heet", "geonames:95788"), ("Beiji", "geonames:97783"), ("Khuzaa", "cm:khuzaa"),
    ("Rmeish", "cm:rmeish"), ("Dabiq", "cm:dabiq"), ("Moadamiyeh", "cm:moadamiyeh"),
    ("Nasir", "cm:nasir-ss"), ("Akobo", "cm:akobo"), ("Cite Soleil", "cm:cite-soleil"),
    ("Martissant", "cm:martissant"), ("Sarmada", "cm:sarmada"),
]


@pytest.mark.parametrize(("name", "place_id"), NAMES)
def test_curated_name_found_first_in_its_country(gaz: Gazetteer, name: str, place_id: str) -> None:
    want = gaz.get(place_id)
    assert want is not None
    found = [p.id for p in gaz.lookup(name) if p.country == want.country]
    assert found and found[0] == place_id, (name, found)


# A curated name that is also another place elsewhere: the article's country or the region
# named in the sentence still picks that other place.
NAMESAKES = [
    ("Islamist fighters seized the town of Blida, south of Algiers.\n\nAlgeria",
     "geonames:2503769"),
    ("Hezbollah fighters left Blida as Israeli troops advanced.\n\nLebanon", "cm:blida-lb"),
    ("Rebels captured Pisky, a village in the Poltava region.\n\nUkraine", "geonames:697498"),
    ("Russian troops captured Pisky, next to the Donetsk airport.\n\nUkraine", "cm:pisky-donetsk"),
    ("Tigrayan forces captured Kobo on Monday.\n\nEthiopia", "cm:kobo-et"),
]


@pytest.mark.parametrize(("text", "place_id"), NAMESAKES)
def test_namesakes_of_curated_names(text: str, place_id: str) -> None:
    day = date(2024, 5, 1)
    article = Article(id="gz13", text=text, published="2024-05-01",
                      period=Interval(day, day, 1), lang="en")
    events = Extractor().extract(article)
    assert [e.place.id for e in events] == [place_id]
