"""An actor's acronym written next to another acronym is part of a longer name (helper dates2)."""

from __future__ import annotations

import pytest

from conflictmap.actors import find_actors


@pytest.mark.parametrize(("text", "expected"), [
    ("Shipping group CMA CGM took over the terminal.", set()),
    ("Fighters of the CMA took control of Kidal.", {"azawad_rebels"}),
    ("The SNA BBC interview was cut short.", set()),
    ("RSF fighters entered the town.", {"rsf"}),
    ("AFC/M23 rebels seized the town.", {"m23"}),
])
def test_acronym_in_longer_name(text: str, expected: set[str]) -> None:
    found = {m.actor.id for m in find_actors(text, "en") if m.actor is not None}
    assert found == expected
