"""The war's start a text gives, and the stretch "in the first days of the war" counts from it."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.model import Interval
from conflictmap.rules import load_language
from conflictmap.war_start import war_began, war_counted, war_time


def _day(text: str) -> Interval:
    d = date.fromisoformat(text)
    return Interval(d, d, 1)


# (language, article date, text, the war's start: first and last day, or None)
BEGAN = [
    ("en", "2024-02-24", "The war, which broke out on 15 April 2023, has displaced millions.",
     ("2023-04-15", "2023-04-15")),
    ("en", "2024-02-24", "The war that began in April 2023 has displaced millions.",
     ("2023-04-01", "2023-04-30")),
    ("en", "2023-02-24", "Russia invaded Ukraine on 24 February 2022.",
     ("2022-02-24", "2022-02-24")),
    ("en", "2023-02-24", "Casualties have mounted since the start of the war in February 2022.",
     ("2022-02-01", "2022-02-28")),
    ("nl", "2024-02-24", "De oorlog, die op 15 april 2023 uitbrak, heeft miljoenen verdreven.",
     ("2023-04-15", "2023-04-15")),
    ("nl", "2022-06-01", "Sinds de invasie van 24 februari 2022 is het front vaak verschoven.",
     ("2022-02-24", "2022-02-24")),
    # a start without its year, or one after the article, dates nothing
    ("en", "2024-02-24", "The war that began in April has displaced millions.", None),
    ("en", "2020-02-24", "The war that began in April 2023 has displaced millions.", None),
    ("nl", "2024-02-24", "De oorlog duurt al lang.", None),
]


@pytest.mark.parametrize(("lang", "published", "text", "want"), BEGAN)
def test_war_began(lang: str, published: str, text: str,
                   want: tuple[str, str] | None) -> None:
    got = war_began(load_language(lang), text, _day(published))
    if want is None:
        assert got is None
    else:
        assert got is not None
        assert (got.start.isoformat(), got.end.isoformat()) == want


# (language, text, the stretch counted: first and last day, or None); article of 2024-02-24
COUNTED = [
    ("en", "The war broke out on 15 April 2023. In the first days of the war the RSF took it.",
     ("2023-04-15", "2023-04-24")),
    ("en", "The war broke out on 15 April 2023. In the first weeks of the war the RSF took it.",
     ("2023-04-15", "2023-05-26")),
    ("en", "The war broke out on 15 April 2023. In the first months of the war the RSF took it.",
     ("2023-04-15", "2023-08-12")),
    ("nl", "De oorlog brak uit op 15 april 2023. In de eerste dagen van de oorlog viel het.",
     ("2023-04-15", "2023-04-24")),
    # an offensive counts from its own start, never from the war's
    ("en", "The war began in 2011. In the first days of the offensive the rebels took it.",
     None),
    ("en", "The offensive was launched on 27 November 2023. In the first days of the offensive "
     "the rebels took it.", ("2023-11-27", "2023-12-06")),
    # no start in the text: undated background
    ("en", "In the first days of the war the RSF took it.", None),
]


@pytest.mark.parametrize(("lang", "text", "want"), COUNTED)
def test_war_time(lang: str, text: str, want: tuple[str, str] | None) -> None:
    got = war_time(load_language(lang), text, 0, len(text), _day("2024-02-24"))
    if want is None:
        assert got is None
    else:
        assert got is not None
        assert (got.interval.start.isoformat(), got.interval.end.isoformat()) == want
        assert text[got.start:got.end].lower().startswith("in ")


def test_war_counted_drops_the_starts_own_date_and_adds_the_stretch() -> None:
    from conflictmap.dates import find_dates

    rules = load_language("en")
    text = "The RSF seized it in the first days of the war, which broke out on 15 April 2023."
    period = _day("2025-03-30")
    counted = war_counted(rules, text, 0, len(text), period, find_dates(text, period, "en"))
    assert [(m.interval.start.isoformat(), m.interval.end.isoformat()) for m in counted] == [
        ("2023-04-15", "2023-04-24")]
