"""The optional geocoder: asked for a trigger's object the gazetteer does not know."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conflictmap.errors import GeocoderError
from conflictmap.events import Extractor
from conflictmap.geocode import OnlineGeocoder
from conflictmap.model import Article, Change, Interval, Place, PlaceKind

UNKNOWN = "Kafr Zibdah"  # a village no gazetteer has


class FakeGeocoder:
    """A test double: answers from a dict and counts the questions."""

    def __init__(self, answers: dict[str, Place]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str]] = []

    def geocode(self, name: str, country: str = "") -> Place | None:
        self.asked.append((name, country))
        return self.answers.get(name)


def _place(name: str = UNKNOWN) -> Place:
    return Place("fake:1", name, PlaceKind.REGION, 35.1, 36.2, "SY")


def _article(text: str, lang: str = "en") -> Article:
    day = date(2024, 12, 6)
    return Article(id="g.txt", text=text, published=day.isoformat(),
                   period=Interval(day, day, 1), lang=lang)


@pytest.fixture(scope="module")
def plain() -> Extractor:
    return Extractor()


def test_unknown_object_of_a_trigger_is_geocoded(plain: Extractor) -> None:
    text = (f"Fighting continues in Syria. Rebels captured {UNKNOWN} on Thursday, "
            "near Hama, activists said.")
    assert all(e.place.name != UNKNOWN for e in plain.extract(_article(text)))
    fake = FakeGeocoder({UNKNOWN: _place()})
    extractor = Extractor(plain.gazetteer, geocoder=fake)
    events = extractor.extract(_article(text))
    found = [e for e in events if e.place.id == "fake:1"]
    assert len(found) == 1
    assert found[0].change is Change.CAPTURE
    assert found[0].geo_precision == 1 and found[0].place.kind is PlaceKind.TOWN
    assert fake.asked == [(UNKNOWN, "SY")]


def test_each_name_is_asked_once(plain: Extractor) -> None:
    fake = FakeGeocoder({})
    extractor = Extractor(plain.gazetteer, geocoder=fake)
    text = f"In Syrië namen rebellen {UNKNOWN} in. Het leger heroverde {UNKNOWN} later."
    extractor.extract(_article(text, "nl"))
    extractor.extract(_article(text, "nl"))
    assert fake.asked == [(UNKNOWN, "SY")]


class FailingGeocoder:
    def __init__(self) -> None:
        self.asked = 0

    def geocode(self, name: str, country: str = "") -> Place | None:
        self.asked += 1
        raise GeocoderError(f"service down for {name!r}")


def test_failing_geocoder_is_logged_and_asked_once(plain: Extractor,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    failing = FailingGeocoder()
    extractor = Extractor(plain.gazetteer, geocoder=failing)
    text = f"Rebels captured {UNKNOWN} and Hama on Thursday.\nSyria"
    for _ in range(2):
        events = extractor.extract(_article(text))
        assert len(events) == 1 and events[0].place.name != UNKNOWN  # Hama alone
    assert failing.asked == 1
    assert "geocoder failed" in caplog.text


@pytest.mark.parametrize("text", [
    "Rebels captured Hama on Thursday.",          # the gazetteer knows it
    "Rebels captured the city on Thursday.",      # no capitalised name
    "Russian forces captured Ukrainian positions.",  # an actor's name, not a place
    "Thousands fled on Monday.",                  # a weekday
    "Aid agencies met in Geneva.",                # no trigger
])
def test_no_question_without_an_unknown_target(plain: Extractor, text: str) -> None:
    fake = FakeGeocoder({})
    Extractor(plain.gazetteer, geocoder=fake).extract(_article(text))
    assert fake.asked == []


def test_without_geocoder_output_is_unchanged(plain: Extractor, articles_dir: Path) -> None:
    from conflictmap.articles import read_articles

    articles = list(read_articles([articles_dir]))
    fake = FakeGeocoder({})
    with_fake = Extractor(plain.gazetteer, geocoder=fake)
    assert [plain.extract(a) for a in articles] == [with_fake.extract(a) for a in articles]


# --- the real OnlineGeocoder against a local Nominatim-like server ----------------------


ANSWERS = {UNKNOWN: [{"place_id": 7, "osm_type": "node", "osm_id": 42, "lat": "35.30",
                       "lon": "36.40", "display_name": f"{UNKNOWN}, Hama, Syria",
                       "address": {"village": UNKNOWN, "country_code": "sy"}}]}


def test_online_geocoder_over_http(plain: Extractor, nominatim, tmp_path: Path) -> None:
    nominatim.answers.update(ANSWERS)
    geocoder = OnlineGeocoder("nominatim", domain=nominatim.address, scheme="http",
                              cache_path=tmp_path / "geocoded.json", min_delay_seconds=0,
                              error_wait_seconds=0, timeout=5)
    extractor = Extractor(plain.gazetteer, geocoder=geocoder)
    text = f"De oorlog in Syrië gaat door. Rebellen hebben gisteren {UNKNOWN} ingenomen."
    events = extractor.extract(_article(text, "nl"))
    found = [e for e in events if e.place.id == "nominatim:n42"]
    assert len(found) == 1 and found[0].change is Change.CAPTURE
    assert (found[0].place.lat, found[0].place.lon, found[0].geo_precision) == (35.3, 36.4, 1)
    assert nominatim.requests[0]["q"] == UNKNOWN
    assert nominatim.requests[0]["countrycodes"] == "sy"
    assert json.loads((tmp_path / "geocoded.json").read_text())[f"SY|{UNKNOWN}"]["lat"] == 35.3
