"""Between namesakes, a region or a nearby town that the sentence names decides (issue 25:
"the stated region is ignored between namesakes"). Sentences written for this file."""

from __future__ import annotations

import math

import pytest

from conflictmap.gazetteer import Gazetteer, default_gazetteer
from conflictmap.model import Place
from conflictmap.toponyms import find_places


def km(a: Place, b: Place) -> float:
    return 111.0 * math.hypot(a.lat - b.lat, (a.lon - b.lon) * math.cos(math.radians(a.lat)))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.mark.parametrize(
    ("lang", "text", "name", "admin1"),
    [
        ("nl", "Het Oekraïense leger heroverde het dorp Blahodatne in de oblast Donetsk.",
         "Blahodatne", "Donetsk Oblast"),
        ("en", "Ukrainian forces retook Blahodatne in Donetsk Oblast.", "Blahodatne",
         "Donetsk Oblast"),
        ("nl", "Russische troepen namen Andriivka in de regio Charkiv in.", "Andriivka",
         "Kharkiv Oblast"),
        ("en", "Russian troops took Andriivka in the Zaporizhzhia region.", "Andriivka",
         "Zaporizhzhia Oblast"),
        # an apposition that names the place's kind before "in"
        ("en", "Russian troops took Andriivka, a small village in the Zaporizhzhia region.",
         "Andriivka", "Zaporizhzhia Oblast"),
        ("nl", "Russische troepen namen Andriivka, een dorpje in de regio Charkiv, in.",
         "Andriivka", "Kharkiv Oblast"),
    ],
)
def test_a_stated_region_decides(gaz: Gazetteer, lang: str, text: str, name: str,
                                 admin1: str) -> None:
    found = {m.as_written: m.place for m in find_places(text, gaz, lang)}
    assert found[name].admin1 == admin1


def test_a_nearby_town_decides(gaz: Gazetteer) -> None:
    text = "Rebels took Sake near Goma on Sunday."
    found = {m.as_written: m.place for m in find_places(text, gaz, "en")}
    assert km(found["Sake"], found["Goma"]) < 40


@pytest.mark.parametrize(("lang", "text"), [
    ("nl", "Het dorp Andriivka bij Bachmoet is heroverd.\n\nOekraïne"),
    ("en", "Ukrainian troops retook Andriivka near Bakhmut.\n\nUkraine"),
])
def test_no_namesake_far_from_the_town_it_lies_by(gaz: Gazetteer, lang: str, text: str) -> None:
    # the one in Kharkiv oblast, 120 km away, is not meant; the Andriivka by Bakhmut (a
    # curated entry of extra_places.tsv since helper f7) is
    found = {m.as_written: m.place for m in find_places(text, gaz, lang)}
    town = found.get("Bachmoet") or found.get("Bakhmut")
    assert town is not None
    assert "Andriivka" not in found or km(found["Andriivka"], town) < 30


def test_a_direction_from_a_town_prefers_the_namesake_near_it(gaz: Gazetteer) -> None:
    text = "Russian forces took Andriivka, 20 km south of Bakhmut.\n\nUkraine"
    found = {m.as_written: m.place for m in find_places(text, gaz, "en")}
    assert "Andriivka" not in found or km(found["Andriivka"], found["Bakhmut"]) < 300


@pytest.mark.parametrize(("text", "kept"), [
    # France is named as an actor only; the villages are Syrian: Arbin (Savoie) is not meant
    ("Frankrijk en Groot-Brittannië steunden de aanvallen op Damascus. Rebellen verlieten "
     "Douma, Harasta en Arbin.", False),
    # the sentence puts it in France
    ("Frankrijk en Groot-Brittannië steunden de aanvallen op Damascus. Douma en Harasta "
     "vielen. Arbin in Frankrijk bleef rustig.", True),
])
def test_a_small_namesake_abroad_loses_to_the_war_s_country(gaz: Gazetteer, text: str,
                                                            kept: bool) -> None:
    # (since helper nl12, "Arbin" is also the news spelling of Irbin in Eastern Ghouta,
    # aliases.tsv: the Syrian town may be found, the village in Savoie must not)
    found = [m.place.country for m in find_places(text, gaz, "nl") if m.as_written == "Arbin"]
    assert ("FR" in found) is kept
