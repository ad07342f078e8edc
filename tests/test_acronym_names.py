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


def test_foreign_acronym_is_no_actor() -> None:
    """'SNA troops' in Somalia are not Syria's SNA (its own country's army, or unnamed)."""
    from datetime import date

    from conflictmap.events import Extractor
    from conflictmap.model import Article, Interval

    day = Interval.spanning(date(2022, 8, 23), date(2022, 8, 23))
    text = "SNA troops recaptured Beledweyne on Sunday.\n\nSomalia"
    events = Extractor().extract(Article(id="x", text=text, published="2022-08-23",
                                         period=day, lang="en"))
    assert events and all(e.actor is None or e.actor.id != "sna" for e in events)
    text = "SNA fighters took control of Tal Abyad on Sunday.\n\nSyria"
    events = Extractor().extract(Article(id="y", text=text, published="2022-08-23",
                                         period=day, lang="en"))
    assert events and events[0].actor is not None and events[0].actor.id == "sna"
