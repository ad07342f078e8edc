"""A live blog's day headings date the entries under them (helper i7; other wars than its
probe batch). Each case failed before ``date_choice.day_heading``. So does an entry heading
with a clock time after its day ("27 januari 2025, 07:45", "maandag 12.40", "Yesterday 21:15
GMT"), and an embedded post's bracketed day dates its line (helper l10)."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.date_choice import day_heading, post_date
from conflictmap.events import Extractor
from conflictmap.model import Article, Interval

EN_BLOG = """Ukraine war live: Russian forces press on in Donetsk

Thursday 22 February

10:15
Ukraine's army says fighting goes on near Robotyne.

Saturday 17 February

09:40
Ukrainian troops have withdrawn from Avdiivka, the army's commander said.

Ukraine
"""

NL_BLOG = """Liveblog oorlog in Soedan

woensdag 11 december

Het leger meldt gevechten bij El Fasher.

zondag 8 december

Het leger heeft de stad Singa heroverd, meldt de legerleiding.

Soedan
"""


def _events(text: str, lang: str, day: date) -> list[tuple[str, str, str]]:
    article = Article(id="blog", text=text, published=day.isoformat(),
                      period=Interval(day, day, 1), lang=lang)
    return [(e.change.value, e.place.name, f"{e.period.start}..{e.period.end}")
            for e in Extractor().extract(article)]


@pytest.mark.parametrize(("text", "lang", "day", "want"), [
    (EN_BLOG, "en", date(2024, 2, 22), ("withdrawal", "Avdiivka", "2024-02-10..2024-02-17")),
    (NL_BLOG, "nl", date(2024, 12, 11), ("recapture", "Singa", "2024-12-01..2024-12-08")),
])
def test_entry_under_a_day_heading(text: str, lang: str, day: date,
                                   want: tuple[str, str, str]) -> None:
    assert want in _events(text, lang, day)


def test_heading_is_a_date_alone() -> None:
    day = date(2024, 2, 22)
    period = Interval(day, day, 1)
    text = "Head\n\nOn 17 February the army left.\n\nUkrainian troops withdrew from Avdiivka.\n"
    assert day_heading(text, text.index("Ukrainian"), period, "en") is None
    text = "Head\n\nSaturday 17 February\n\nUkrainian troops withdrew from Avdiivka.\n"
    assert day_heading(text, text.index("Ukrainian"), period, "en") == Interval.spanning(
        date(2024, 2, 17), date(2024, 2, 17))
    text = "Head\n\n1 March\n\nUkrainian troops withdrew from Avdiivka.\n"  # after the article
    assert day_heading(text, text.index("Ukrainian"), period, "en") is None


TIMED_NL_BLOG = """Liveblog Gaza

Vandaag, 10.02
De VN waarschuwen voor hongersnood in het noorden.

Gisteren, 21.15
Israëlische troepen zijn Khan Younis binnengetrokken.

Gaza
"""

TIMED_NL_WEEKDAY = """Liveblog Soedan

maandag 12.40 uur
De RSF hebben Wad Madani ingenomen, zeggen inwoners.

Soedan
"""

TIMED_EN_BLOG = """Live: Syria

Monday 25 November 2024 - 07:45 GMT
The army says it has taken back Maarat al-Numan.

Syria
"""



@pytest.mark.parametrize(("text", "lang", "day", "want"), [
    (TIMED_NL_BLOG, "nl", date(2024, 1, 10),
     ("capture", "Khan Younis", "2024-01-02..2024-01-09")),
    (TIMED_NL_WEEKDAY, "nl", date(2023, 12, 20),
     ("capture", "Wad Madani", "2023-12-11..2023-12-18")),
])
def test_entry_under_a_timed_heading(text: str, lang: str, day: date,
                                     want: tuple[str, str, str]) -> None:
    assert want in _events(text, lang, day)


def test_timed_headings() -> None:
    day = date(2024, 11, 28)
    period = Interval(day, day, 1)
    pos = TIMED_EN_BLOG.index("The army")
    assert day_heading(TIMED_EN_BLOG, pos, period, "en") == Interval.spanning(
        date(2024, 11, 25), date(2024, 11, 25))
    for line, want in [("27 November 2024, 07:45", date(2024, 11, 27)),
                       ("Yesterday 21:15 GMT", date(2024, 11, 27)),
                       ("26 november om 12.40 uur", date(2024, 11, 26)),
                       ("Nov 26, 2024, 4:22 PM EST", date(2024, 11, 26))]:
        text = f"Head\n\n{line}\nRebels entered Hama.\n"
        assert day_heading(text, text.index("Rebels"), period, "en" if "Y" in line else "nl") \
            == Interval.spanning(want, want), line


def test_not_timed_headings() -> None:
    day = date(2024, 11, 28)
    period = Interval(day, day, 1)
    for line in ["Yesterday", "Gisteren", "On 27 November at 07:45 the army left Hama",
                 "27 November 2024, 07:45 and later again"]:
        text = f"Head\n\n{line}\nRebels entered Hama.\n"
        assert day_heading(text, text.index("Rebels"), period, "en") is None, line


NL_POST = """Liveblog Oekraïne

Woensdag 12 oktober

11.00
De Oekraïense generale staf op Telegram: 'Onze vlag wappert weer boven Lyman.' (1 oktober)

Oekraïne
"""

EN_POST = """Live

11:00
"Our troops have liberated Lyman," Ukraine's general staff wrote on Telegram. (1 October)

Ukraine
"""


@pytest.mark.parametrize(("text", "lang"), [(NL_POST, "nl"), (EN_POST, "en")])
def test_embedded_post_date(text: str, lang: str) -> None:
    got = _events(text, lang, date(2022, 10, 12))
    assert [g[2] for g in got if g[1] == "Lyman"] == ["2022-09-24..2022-10-01"], got


def test_not_post_dates() -> None:
    day = date(2024, 11, 28)
    period = Interval(day, day, 1)
    for line in ["Rebels entered Hama (archive photo, 2014)", "Rebels entered Hama (AP)",
                 "Rebels entered Hama (on 27 November, a monitor said, and again later today)"]:
        assert post_date(line, 0, period, "en") is None, line
