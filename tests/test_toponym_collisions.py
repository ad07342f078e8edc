"""Alternate-name collisions: words in news that are also the name of a small place abroad
(issue 23, cause 5). Written for this file."""

from __future__ import annotations

import pytest

from conflictmap.gazetteer import Gazetteer, default_gazetteer
from conflictmap.model import PlaceKind
from conflictmap.toponyms import find_places


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.mark.parametrize(
    ("lang", "text", "word"),
    [
        # a month or a weekday (August, California)
        ("en", "Units trained by the United States moved in behind the clan militias from "
               "August.\n\nSomalia", "August"),
        ("en", "The offensive began in earnest in August, officials in Kabul said.", "August"),
        # a nationality word (the Somali Region of Ethiopia)
        ("en", "Somali troops entered Mahas on Sunday.\n\nSomalia", "Somali"),
        ("nl", "Somali troepen trokken Mahas binnen.\n\nSomalië", "Somali"),
        # a person's last name after a title and a first name (Saar, a village in Israel)
        ("en", "Defence Minister Gideon Saar spoke to reporters.\n\nIsrael", "Saar"),
        # a unit or an operation (Tavriia, villages in Ukraine)
        ("nl", "Een woordvoerder van de troepengroep Tavria sprak van zware verliezen.\n\nOekraïne",
         "Tavria"),
        ("en", "The brigade took part in Operation Tavria last year.\n\nUkraine", "Tavria"),
        # a people or a group: the name before a group noun (Kachin State)
        ("en", "Kachin rebels seized the jade town of Hpakant.\n\nMyanmar", "Kachin"),
        ("nl", "Donetsk-separatisten en Kachin rebellen vochten door.\n\nOekraïne Myanmar",
         "Kachin"),
    ],
)
def test_a_word_that_is_no_place_here(gaz: Gazetteer, lang: str, text: str, word: str) -> None:
    found = [m.as_written for m in find_places(text, gaz, lang)
             if m.place.kind is not PlaceKind.COUNTRY]
    assert word not in found


@pytest.mark.parametrize(
    ("lang", "text", "word"),
    [
        ("en", "Fighting spread across the Somali Region of Ethiopia.", "Somali"),
        ("en", "Rebels took Hakha, the capital of Chin State, on Monday.\n\nMyanmar", "Chin State"),
        ("nl", "Minister Kuleba bezocht Charkiv.\n\nOekraïne", "Charkiv"),
    ],
)
def test_the_same_words_as_places(gaz: Gazetteer, lang: str, text: str, word: str) -> None:
    assert word in [m.as_written for m in find_places(text, gaz, lang)]


def test_a_country_named_once_is_the_country(gaz: Gazetteer) -> None:
    # "Turkey" is also an alternate name of a town in the United States, named just before
    text = "Units trained by the United States and Turkey moved in.\n\nSomalia"
    found = {m.as_written: m.place for m in find_places(text, gaz, "en")}
    assert found["Turkey"].kind is PlaceKind.COUNTRY and found["Turkey"].country == "TR"


def test_region_cues_are_linear_in_a_long_list_of_names(gaz: Gazetteer) -> None:
    # issue 24: each name of a list walked the whole list (70 s for 16,000 names)
    import time

    names = ", ".join(["Hama", "Homs", "Idlib", "Aleppo", "Daraa", "Raqqa"] * 2500)
    text = f"De provincies {names} en Sweida. Rebellen namen Homs in."
    started = time.perf_counter()
    found = find_places(text, gaz, "nl")
    assert time.perf_counter() - started < 8.0
    assert found[0].place.kind is PlaceKind.REGION  # "provincies Hama, ...": the region
    assert found[-1].place.kind is PlaceKind.TOWN  # "namen Homs in": the town
