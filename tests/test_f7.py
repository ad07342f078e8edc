"""Helper f7's rules that the sentence tables cannot show: actors.toml's [allies] (two allied
sides' gainers of one place in one article are one change) and related-links lines inside an
article ("Read also: ..."), which need several lines."""

from __future__ import annotations

from datetime import date

from conflictmap.consolidate import consolidate
from conflictmap.events import Extractor
from conflictmap.factuality import furniture_line
from conflictmap.model import (
    Actor,
    Article,
    Change,
    Event,
    Interval,
    Place,
    PlaceKind,
    Source,
    Status,
)
from conflictmap.rules import load_language

TURKEY = Actor("turkey", "Turkish armed forces", "turkey", "state")
FSA = Actor("syria_opposition", "Syrian opposition forces", "syria_opposition", "non_state")
RWANDA = Actor("rwanda", "Rwanda Defence Force", "rwanda", "state")
MOZ = Actor("mozambique_gov", "Mozambican army", "mozambique_gov", "state")
SYRIA = Actor("syria_gov", "Syrian government forces", "syria_gov", "state")
PLACE = Place("geonames:1", "Karsk", PlaceKind.TOWN, 36.5, 36.8, "SY")


def _event(start: str, end: str, article: str, actor: Actor) -> Event:
    return Event(Change.CAPTURE, Status.REPORTED, PLACE,
                 Interval(date.fromisoformat(start), date.fromisoformat(end), 1), actor, None,
                 (Source(article, "2018-03", "q", 0, 1),))


def test_allied_state_and_rebel_gainers_in_one_article_are_one_change() -> None:
    assert len(consolidate([_event("2018-03-11", "2018-03-18", "a", TURKEY),
                            _event("2018-03-18", "2018-03-18", "a", FSA)])) == 1
    assert len(consolidate([_event("2021-08-02", "2021-08-09", "a", RWANDA),
                            _event("2021-08-08", "2021-08-08", "a", MOZ)])) == 1


def test_unallied_and_cross_article_gainers_stay_apart() -> None:
    assert len(consolidate([_event("2018-03-11", "2018-03-18", "a", TURKEY),
                            _event("2018-03-18", "2018-03-18", "a", SYRIA)])) == 2
    assert len(consolidate([_event("2018-03-11", "2018-03-18", "a", TURKEY),
                            _event("2018-03-18", "2018-03-18", "b", FSA)])) == 2


def test_related_line_inside_an_article() -> None:
    text = "Rebels took Karsk.\n\nRead also: Kupiansk: Russia masses troops\n\nRelated: x"
    rules = load_language("en")
    assert furniture_line(rules, text, text.find("Kupiansk"))
    assert furniture_line(rules, text, text.find("x", text.find("Related")))
    assert not furniture_line(rules, text, text.find("Karsk"))


def _extract(text: str, day: str) -> list[Event]:
    when = date.fromisoformat(day)
    return Extractor().extract(Article(id="f7", text=text, published=day,
                                       period=Interval(when, when, 1), lang="en"))


def test_the_town_is_not_a_related_links_town() -> None:
    """"the town" after a "Read also:" line is the article's town, not the linked one's."""
    for link, town in (("Read also: Kupiansk: Russia masses troops as Ukraine digs in",
                        "Avdiivka"),
                       ("Related: RSF accused of looting villages near Sennar", "Wad Madani")):
        text = (f"The army withdrew from {town} on Saturday.\n\n{link}\n\nThe enemy "
                "claimed that its troops had taken full control of the town.")
        places = {e.place.name for e in _extract(text, "2024-02-17")}
        assert places == {town}, places


def test_andriivka_of_the_bakhmut_front() -> None:
    """Andriivka south of Klishchiivka (extra_places.tsv), not another of Ukraine's many."""
    near_bakhmut = _extract("The brigade said it had de-occupied Andriivka, south of "
                            "Klishchiivka near Bakhmut, on Sept. 15.\n\nUkraine", "2023-09-17")
    assert [e.place.id for e in near_bakhmut] == ["cm:andriivka-bakhmut"]
    near_balakliia = _extract("Ukrainian forces liberated Andriivka near Balakliia in Kharkiv "
                              "Oblast on Saturday.\n\nUkraine", "2022-09-10")
    assert [e.place.id for e in near_balakliia] == ["geonames:713428"]


def test_region_word_stops_at_a_sentence_end() -> None:
    """"... Idlib province. Hama fell": Hama is the town, not a province named across the
    full stop (toponyms._region_cues)."""
    for text, day in (("Jets pounded rebel-held areas of Idlib province. Hama fell to the "
                       "rebels on Thursday.\n\nSyria", "2024-12-06"),
                      ("Fighting spread across Kherson oblast. Kherson was liberated on "
                       "Friday.\n\nUkraine", "2022-11-12"),
                      ("The Taliban overran Zaranj in Nimroz province. Sheberghan, the capital "
                       "of Jawzjan, fell on Aug. 7.\n\nAfghanistan", "2021-08-09")):
        kinds = {e.place.kind for e in _extract(text, day)}
        assert kinds == {PlaceKind.TOWN}, (text, kinds)
