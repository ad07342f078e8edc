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
