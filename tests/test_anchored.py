"""Places the gazetteer lacks, placed by the town the sentence ties them to (anchored.py)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictmap.anchored import MAX_KM, _moved
from conflictmap.events import Extractor
from conflictmap.geodesy import km
from conflictmap.model import Article, Interval, Place, PlaceKind


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _events(extractor: Extractor, text: str, lang: str, published: str = "2024-05-20") -> list:
    day = date.fromisoformat(published)
    article = Article(id="a", text=text, published=published, period=Interval(day, day, 1),
                      lang=lang)
    return extractor.extract(article)


# (lang, text, name, town it is drawn by, km from that town's point, within)
PLACED = [
    ("en", "Russian forces captured Hlyboke (12 km north of Kharkiv) on Friday.",
     "Hlyboke", "Kharkiv", 12.0, 0.5),
    ("en", "Rebels overran the village of Tumbuka, about 20 km south-west of Goma, on Friday.",
     "Tumbuka", "Goma", 20.0, 0.5),
    ("en", "Government troops retook Wadi Hamra, just east of Kosti, on Friday.",
     "Wadi Hamra", "Kosti", 0.0, 0.1),
    ("nl", "Het leger heroverde vrijdag het dorp Kafr Batikh, zo'n 8 kilometer ten oosten "
     "van Saraqib.", "Kafr Batikh", "Saraqib", 8.0, 0.5),
    ("nl", "Rebellen namen vrijdag Mbuyi, ten noordwesten van Bunia, in.",
     "Mbuyi", "Bunia", 0.0, 0.1),
    # a district: drawn at its town's point; the town only says whose district it is
    ("en", "Troops seized the Karm al-Jabal district of Aleppo on Friday.",
     "Karm al-Jabal", "Aleppo", 0.0, 0.1),
    ("nl", "Het leger heeft vrijdag de wijken Ard al-Hamra en Tariq al-Bab in het oosten van "
     "Aleppo ingenomen.", "Tariq al-Bab", "Aleppo", 0.0, 0.1),
]


@pytest.mark.parametrize(("lang", "text", "name", "town", "distance", "within"), PLACED)
def test_a_name_tied_to_a_town_is_placed_by_it(
        extractor: Extractor, lang: str, text: str, name: str, town: str, distance: float,
        within: float) -> None:
    events = _events(extractor, text, lang)
    found = [e for e in events if e.place.name == name]
    assert found, [e.place.name for e in events]
    event = found[0]
    assert event.place.id.startswith("near:") and event.geo_precision == 2
    anchor = Extractor().gazetteer.lookup(town)[0]
    assert abs(km(event.place.lat, event.place.lon, anchor.lat, anchor.lon) - distance) <= within
    assert all(e.place.name != town for e in events)  # the town only locates it


# sentences whose capitalised words before a compass phrase are no place of their own
UNPLACED = [
    ("en", "Hezbollah fighters in Lebanon captured Khiam on Friday."),
    ("en", "On Friday, north of Kharkiv, Russian forces captured Vovchansk."),
    ("en", "The army of General Haftar, south of Tripoli, took Gharyan on Friday."),
    ("nl", "Vrijdag, ten noorden van Aleppo, namen rebellen Tal Rifaat in."),
    ("en", "Troops seized the airport, 300 km north of Kharkiv, on Friday."),
]


@pytest.mark.parametrize(("lang", "text"), UNPLACED)
def test_no_place_is_made_of_words_that_are_none(extractor: Extractor, lang: str,
                                                  text: str) -> None:
    assert not [e for e in _events(extractor, text, lang) if e.place.id.startswith("near:")]


_TOWN = Place(id="t", name="T", kind=PlaceKind.TOWN, lat=48.0, lon=37.5)


class _Cue:
    def __init__(self, **groups: str | None) -> None:
        self._groups = groups

    def groupdict(self) -> dict[str, str | None]:
        return self._groups


@given(st.integers(min_value=1, max_value=int(MAX_KM)),
       st.sampled_from([("n", None), ("s", None), (None, "e"), (None, "w"), ("n", "e"),
                        ("s", "w"), ("n", "w"), ("s", "e")]))
def test_the_point_lies_the_given_distance_away(distance: int, compass: tuple) -> None:
    ns, ew = compass
    cue = _Cue(km=str(distance), n="n" if ns == "n" else None, s="s" if ns == "s" else None,
               e="e" if ew == "e" else None, w="w" if ew == "w" else None)
    point = _moved(_TOWN, cue)
    assert point is not None
    assert abs(km(_TOWN.lat, _TOWN.lon, *point) - distance) <= 0.01 * distance + 0.01
    assert (point[0] > _TOWN.lat) == (ns == "n") or ns is None
    assert (point[1] > _TOWN.lon) == (ew == "e") or ew is None


def test_too_far_or_no_direction_gives_no_point() -> None:
    assert _moved(_TOWN, _Cue(km=str(int(MAX_KM) + 1), n="n")) is None
    assert _moved(_TOWN, _Cue(km="5")) is None
