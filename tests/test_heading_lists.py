"""Changes listed under a heading (heading_lists.py): a table of small articles of our own,
in the shapes of think-tank updates and live-blog summaries, and of lists that tell none."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.events import Extractor
from conflictmap.heading_lists import heading_end
from conflictmap.model import Article, Interval

DAY = "2024-05-10"  # a Friday

LISTED = [
    # (lang, text, expected "place|change|start..end" of each listed change)
    ("en", "Update on the offensive\n\nTowns that fell this week:\n\n"
           "- Kindu, Maniema province (6 May). Officials fled by road.\n"
           "- Kalemie (8 May).\n- Uvira, South Kivu province.\n\nMore fighting is expected.",
     {"Kindu|capture|2024-05-06..2024-05-06", "Kalemie|capture|2024-05-08..2024-05-08",
      "Uvira|capture|2024-05-06..2024-05-10"}),
    ("nl", "Overzicht\n\nDeze plaatsen heroverde het leger deze week:\n"
           "• Kindu (maandag)\n• Kalemie (woensdag)\n",
     {"Kindu|recapture|2024-05-06..2024-05-06", "Kalemie|recapture|2024-05-08..2024-05-08"}),
    ("en", "Provincial capitals that fell between August 6 and August 10:\n\n"
           "1. Zaranj, Nimroz Province (August 6).\n2. Aybak, Samangan Province (August 9).\n",
     {"Zaranj|capture|2024-08-06..2024-08-06", "Aybak|capture|2024-08-09..2024-08-09"}),
]

NOT_LISTED = [
    ("en", "Towns the delegation visited:\n\n- Kindu\n- Kalemie\n"),
    ("en", "Towns that could fall next:\n\n- Kindu\n- Kalemie\n"),
    ("nl", "Plaatsen waar hulp werd uitgedeeld:\n- Kindu\n- Kalemie\n"),
    ("en", "The rebels advanced this week.\n\n- Kindu\n- Kalemie\n"),
]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _article(lang: str, text: str, day: str = DAY) -> Article:
    d = date.fromisoformat(day)
    return Article(id="list", text=text, published=day, period=Interval(d, d, 1), lang=lang)


@pytest.mark.parametrize(("lang", "text", "expected"), LISTED)
def test_heading_lists_items_are_the_heading_change(extractor: Extractor, lang: str, text: str,
                                                     expected: set[str]) -> None:
    day = "2024-08-10" if "August" in text else DAY
    events = extractor.extract(_article(lang, text, day))
    got = {f"{e.place.name}|{e.change.value}|{e.period.start}..{e.period.end}"
           for e in events}
    names = {w.split("|")[0] for w in expected}
    folded = {g.replace("Aibak", "Aybak") for g in got
              if g.split("|")[0].replace("Aibak", "Aybak") in names}
    assert folded == expected
    # each listed change is quoted with its heading, without the bullet
    heading = next(line for line in text.splitlines() if line.endswith(":"))
    listed = [e for e in events if e.sources[0].quote.startswith(heading)]
    assert len(listed) == len(expected)
    assert all(e.sources[0].quote[len(heading) + 1:len(heading) + 3] not in ("• ", "- ", "1.")
               for e in listed)


@pytest.mark.parametrize(("lang", "text"), NOT_LISTED)
def test_heading_lists_tell_no_change_without_a_factual_heading(
        extractor: Extractor, lang: str, text: str) -> None:
    assert extractor.extract(_article(lang, text)) == []


@pytest.mark.parametrize(("text", "span", "heading"), [
    ("Towns that fell:\n- Kindu", (0, 16), True),
    ("Towns fell: Kindu and Kalemie.", (0, 30), False),
    ("Intro. Towns that fell:\n- Kindu", (7, 23), False),
])
def test_heading_lists_heading_is_a_line_that_ends_in_a_colon(
        text: str, span: tuple[int, int], heading: bool) -> None:
    assert heading_end(text, span) is heading
