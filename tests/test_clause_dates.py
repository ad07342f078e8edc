"""clause_dates: the date right after a place's apposition is the place's when only a short
preposition stands before it ("..., a river port in the east, on 12 November"), not after a
conjunction ("..., south of Marib city, and last month")."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.clause_dates import _after_apposition
from conflictmap.dates import find_dates
from conflictmap.model import Interval, Mention, Place, PlaceKind
from conflictmap.rules import load_language

DAY = Interval(date(2024, 12, 10), date(2024, 12, 10), 1)


def _place(text: str, name: str) -> Mention:
    start = text.index(name)
    place = Place(id="x", name=name, kind=PlaceKind.TOWN, lat=0.0, lon=0.0, country="")
    return Mention(place=place, as_written=name, start=start, end=start + len(name))


@pytest.mark.parametrize(("lang", "text", "name", "taken"), [
    ("en", "rebels seized Kindu, a river port in the east, on 12 November", "Kindu",
     "12 November"),
    ("en", "drove them out of Jowhar, 90 km north of the capital, in May", "Jowhar", "in May"),
    ("nl", "namen de rebellen Kindu, een havenstad in het oosten, op 12 november in", "Kindu",
     "12 november"),
    ("en", "took the town of Harib, south of Marib city, and last month seized al-Abdiya",
     "Harib", None),
])
def test_clause_dates_date_after_apposition(lang: str, text: str, name: str,
                                             taken: str | None) -> None:
    mentions = find_dates(text, DAY, lang)
    got = _after_apposition(load_language(lang), text, 0, mentions, _place(text, name))
    assert [text[m.start:m.end] for m in got] == ([taken] if taken else [])
