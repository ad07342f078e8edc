"""clauseplaces.plausible_places: which countries' places an article is about."""

from __future__ import annotations

import pytest

from conflictmap.clauseplaces import plausible_places
from conflictmap.model import Mention, Place, PlaceKind
from conflictmap.rules import load_language


def _mentions(text: str, places: dict[str, tuple[str, PlaceKind, int]]) -> list[Mention]:
    out = []
    for name, (country, kind, people) in places.items():
        start = text.index(name)
        place = Place(id=f"test:{name}", name=name, kind=kind, lat=0.0, lon=0.0,
                      country=country, population=people)
        out.append(Mention(place, name, start, start + len(name)))
    return sorted(out, key=lambda m: m.start)


TOWN, COUNTRY = PlaceKind.TOWN, PlaceKind.COUNTRY

# text, {name: (country, kind, people)}, countries whose forces the text names, names kept
CASES = [
    # a lone namesake abroad loses to the country whose forces the article names
    ("Government troops retook Karsk and the Vell quarter on Friday.",
     {"Karsk": ("AA", TOWN, 800), "Vell": ("BB", TOWN, 800)}, {"AA"}, ["Karsk"]),
    # ... or to the country the article names
    ("Fighters took Dovra and the Sarn hill. Miravo said nothing.",
     {"Dovra": ("AA", TOWN, 800), "Sarn": ("BB", TOWN, 800), "Miravo": ("AA", COUNTRY, 0)}, set(),
     ["Dovra"]),
    # with nothing to tell them apart, both stay (as before)
    ("Fighters took Dovra and the Sarn hill.",
     {"Dovra": ("AA", TOWN, 800), "Sarn": ("BB", TOWN, 800)}, set(), ["Dovra", "Sarn"]),
    # forces of a third country (an invader) decide nothing between the two
    ("Foreign troops took Dovra and the Sarn hill.",
     {"Dovra": ("AA", TOWN, 800), "Sarn": ("BB", TOWN, 800)}, {"CC"}, ["Dovra", "Sarn"]),
    # one place of a country loses to two of another, whatever forces are named
    ("Troops took Dovra, Beltan and Karsk.",
     {"Dovra": ("AA", TOWN, 800), "Beltan": ("AA", TOWN, 800), "Karsk": ("BB", TOWN, 800)}, {"BB"},
     ["Dovra", "Beltan"]),
    # a lone town abroad that is no village (a chance namesake is seldom a large town) stays
    ("Government troops retook Karsk, a month after the fall of Vell.",
     {"Karsk": ("AA", TOWN, 800), "Vell": ("BB", TOWN, 250_000)}, {"AA"}, ["Karsk", "Vell"]),
    # the only country with places stays even when the forces are another's
    ("Invading troops took Dovra on Friday.", {"Dovra": ("AA", TOWN, 800)}, {"CC"}, ["Dovra"]),
]


@pytest.mark.parametrize(("text", "places", "backed", "kept"), CASES)
def test_plausible_places_keep_the_war_countries(text: str, places: dict, backed: set,
                                                  kept: list[str]) -> None:
    rules = load_language("en")
    found = plausible_places(_mentions(text, places), [], text, rules, frozenset(backed))
    assert [m.as_written for m in found] == kept


# "de stad"/"the city" a paragraph after a town named in passing stands for the town the
# headline names, when the text names it again (clauseplaces._topic_over); with two towns
# in the headline, or a demonstrative ("die stad"), the last town named. Rows: language,
# published, article, (change, place name, year the event starts) of every event.
TOPIC_CASES = [
    ("nl", "2024-02-17",
     "Oekraïne trekt zich terug uit Avdiivka\n\nHet leger heeft zich teruggetrokken uit "
     "Avdiivka. Het is de grootste plaats die Rusland inneemt sinds de val van Bachmoet, in mei "
     "vorig jaar.\n\nVolgens Moskou staat de stad nu volledig onder Russische controle.\n\n"
     "Oekraïne",
     {("withdrawal", "Avdiivka", 2024), ("capture", "Avdiivka", 2024),
      ("capture", "Bakhmut", 2023)}),
    ("en", "2017-10-17",
     "Iraqi forces take Kirkuk from Kurds\n\nIraqi forces took control of Kirkuk on Monday. "
     "The vote included the city, angering Baghdad.\n\nKurdish officials accused one faction "
     "of treason for withdrawing from the city without a fight.\n\nIraq",
     {("capture", "Kirkuk", 2017), ("withdrawal", "Kirkuk", 2017)}),
    ("nl", "2024-12-06",
     "Rebellen nemen Hama en Homs in\n\nDe rebellen trokken donderdag Hama binnen. Eerder "
     "viel Aleppo.\n\nDie stad was sinds 2016 in handen van het leger.\n\nSyrië",
     {("capture", "Hama", 2024), ("capture", "Homs", 2024), ("capture", "Aleppo", 2016)}),
]


@pytest.mark.parametrize(("lang", "published", "text", "expected"), TOPIC_CASES)
def test_the_city_after_a_passing_town_is_the_headline_town(
        lang: str, published: str, text: str, expected: set[tuple[str, str, int]]) -> None:
    from datetime import date

    from conflictmap.events import Extractor
    from conflictmap.model import Article, Interval

    day = date.fromisoformat(published)
    article = Article(id="topic", text=text, published=published,
                      period=Interval(day, day, 1), lang=lang)
    got = {(e.change.value, e.place.name, e.period.start.year)
           for e in Extractor().extract(article)}
    assert got == expected
