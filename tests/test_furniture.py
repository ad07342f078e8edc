"""Page furniture neither hides a change nor ends up in a quote (issue 23): a dateline glued
to the first sentence, a time stamp glued to the headline, a related-links line."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.events import Extractor
from conflictmap.factuality import furniture_line
from conflictmap.model import Article, Interval
from conflictmap.rules import load_language

ARTICLES = [
    ("en", "Rebels seize Kidal\n\nBAMAKO, Mali, May 5 (Reuters) - Tuareg rebels took control of "
     "Kidal on Sunday, a spokesman said.\n\nRelated: Army retakes Tessalit\n",
     {("capture", "Kidal")}, ("BAMAKO", "Reuters", "Related", "Tessalit")),
    ("en", "GAO (AP) —Malian troops withdrew from Tessalit on Sunday.\n\nRead more: Rebels "
     "enter Gao\n", {("withdrawal", "Tessalit")}, ("GAO", "AP)", "Read more")),
    ("nl", "Radio Een • zondag 5 mei 2024, 09:10 • Aangepast zondag 5 mei 2024, 11:25 Rebellen "
     "nemen Kidal in\n\nKIDAL (ANP/AFP) - Toeareg-rebellen hebben zondag de stad Kidal in Mali "
     "ingenomen.\n\nLees ook: Leger verovert Tessalit\n",
     {("capture", "Kidal")}, ("Aangepast", "11:25", "ANP", "Lees ook", "Tessalit")),
    # a links heading of more words, with bullets under it (ng12)
    ("nl", "Rebellen nemen Kidal in\n\nToeareg-rebellen hebben zondag Kidal ingenomen.\n\n"
     "Meer over de oorlog in Mali:\n- Leger trekt Tessalit binnen, zegt Bamako\n"
     "- Terugblik: de bevrijding van Gao\n", {("capture", "Kidal")}, ("Tessalit", "Gao")),
    ("en", "Rebels seize Kidal\n\nTuareg rebels took Kidal on Sunday.\n\nMore on the war in "
     "Mali\nArmy enters Tessalit, Bamako says\nLooking back: the liberation of Gao\n",
     {("capture", "Kidal")}, ("Tessalit", "Gao")),
]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.mark.parametrize(("lang", "text", "changes", "furniture"), ARTICLES)
def test_furniture_stays_out_of_events_and_quotes(extractor: Extractor, lang: str, text: str,
                                                  changes: set, furniture: tuple) -> None:
    from datetime import date

    day = date(2024, 5, 5)
    article = Article(id="f", text=text, published="2024-05-05", period=Interval(day, day, 1),
                      lang=lang)
    events = extractor.extract(article)
    assert {(e.change.value, e.place.name) for e in events} >= changes
    assert {e.place.name for e in events} == {place for _, place in changes}
    for event in events:
        for source in event.sources:
            assert not any(word in source.quote for word in furniture), source.quote


def test_related_line_inside_an_article() -> None:
    """"Read also:" lines are furniture wherever they stand, not only on the first line."""
    text = "Rebels took Karsk.\n\nRead also: Kupiansk: Russia masses troops\n\nRelated: x"
    rules = load_language("en")
    assert furniture_line(rules, text, text.find("Kupiansk"))
    assert furniture_line(rules, text, text.find("x", text.find("Related")))
    assert not furniture_line(rules, text, text.find("Karsk"))


@pytest.mark.parametrize(("link", "town"), [
    ("Read also: Kupiansk: Russia masses troops as Ukraine digs in", "Avdiivka"),
    ("Related: RSF accused of looting villages near Sennar", "Wad Madani")])
def test_the_town_is_not_a_related_links_town(extractor: Extractor, link: str,
                                              town: str) -> None:
    """"the town" after a "Read also:" line is the article's town, not the linked one's."""
    text = (f"The army withdrew from {town} on Saturday.\n\n{link}\n\nThe enemy "
            "claimed that its troops had taken full control of the town.")
    article = Article(id="related", text=text, published="2024-02-17",
                      period=Interval(date(2024, 2, 17), date(2024, 2, 17), 1), lang="en")
    places = {e.place.name for e in extractor.extract(article)}
    assert places == {town}, places



BYLINES = [
    ("nl", "Leger verlaat corridor\n\nVan onze correspondent, Jeruzalem, 10 februari 2025\n\n"
     "Het Israëlische leger heeft zich zondag teruggetrokken uit de Netzarim-corridor.\n"),
    ("en", "Troops leave corridor\n\nBy our Middle East staff | JERUSALEM, Feb 10\n\n"
     "Israeli troops withdrew from the Netzarim corridor on Sunday.\n"),
    ("nl", "Leger verlaat corridor\n\nJeruzalem, 10 februari (ANP/AFP)\n\n"
     "Het Israëlische leger heeft zich zondag teruggetrokken uit de Netzarim-corridor.\n"),
]


@pytest.mark.parametrize(("lang", "text"), BYLINES)
def test_byline_town_is_where_the_story_was_filed(extractor: Extractor, lang: str,
                                                   text: str) -> None:
    """A byline's town ("Van onze correspondent, Jeruzalem") is no town a site with a name of
    its own is drawn at, nor one that changed hands (helper s9)."""
    day = date(2025, 2, 10)
    article = Article(id="b", text=text, published="2025-02-10", period=Interval(day, day, 1),
                      lang=lang)
    assert all(e.place.country != "IL" for e in extractor.extract(article))


@pytest.mark.parametrize(("lang", "line", "place", "byline"), [
    ("nl", "Van onze correspondent, Port Sudan, 27 maart 2025", "Port Sudan", True),
    ("nl", "Beiroet, 27 januari (ANP/AFP)", "Beiroet", True),
    ("en", "By our South Asia desk | KABUL, Aug 14", "KABUL", True),
    ("en", "Port Sudan | 12 May 2024", "Port Sudan", True),
    ("en", "Rebels took Karsk, 12 km from Dovra, on Sunday.", "Karsk", False),
    ("nl", "Rebellen namen Karsk in, 12 mei meldt het leger.", "Karsk", False),
    ("en", "By our correspondent in Kharkiv. Troops retook Kupiansk on Saturday.", "Kharkiv", True),
    ("en", "By our correspondent in Kharkiv. Troops retook Kupiansk on Saturday.", "Kupiansk",
     False),
])
def test_byline_lines(lang: str, line: str, place: str, byline: bool) -> None:
    """Only the byline's own words are where the story was filed, not the sentence glued to
    it on the same line."""
    from conflictmap.datelines import on_byline
    from conflictmap.model import Mention, Place, PlaceKind

    town = Place(id="x", name=place, kind=PlaceKind.TOWN, lat=0.0, lon=0.0, country="",
                 admin1="", population=0)
    text = f"Headline\n{line}\nMore text."
    start = text.index(place)
    mention = Mention(town, place, start, start + len(place))
    got = on_byline(text, [mention], load_language(lang).markers.byline)
    assert (mention.start in got) is byline


SECTION_HEADINGS = [
    # a heading over background paragraphs: the section's sentences tell what changed
    ("nl", "Ethiopisch leger heroverd Dessie\n\nHet leger heeft Dessie heroverd.\n\n"
     "Terugtrekking uit Tigray\nDe oorlog in het noorden van Ethiopië begon in november "
     "vorig jaar.\n", {("recapture", "Dessie")}),
    ("en", "Ukraine retakes Kherson\n\nUkrainian troops retook Kherson on Friday.\n\n"
     "Retreat from Kherson\nThe last Russian units crossed the Dnipro, the ministry said.\n",
     {("recapture", "Kherson")}),
    # a heading that names the side is a report of its own
    ("nl", "Kop\n\nHet leger beschiet de stad.\n\nM23 trekt zich terug uit Walikale\n"
     "De rebellen vertrokken in de nacht.\n\nCongo\n", {("withdrawal", "Walikale")}),
]


@pytest.mark.parametrize(("lang", "text", "changes"), SECTION_HEADINGS)
def test_a_section_heading_with_no_side_reports_nothing(extractor: Extractor, lang: str,
                                                        text: str, changes: set) -> None:
    day = date(2024, 5, 5)
    article = Article(id="h", text=text, published="2024-05-05", period=Interval(day, day, 1),
                      lang=lang)
    assert {(e.change.value, e.place.name) for e in extractor.extract(article)} == changes


VIDEO_LINES = [
    # a video link retells an older change ("Video: Zo viel X"): no report of this article
    ("nl", "Leger rukt op in Al-Jazira\n\nHet Soedanese leger heeft zaterdag Sennar heroverd.\n\n"
     "Video: Zo viel Wad Madani in handen van de RSF\n", {("recapture", "Sennar")}),
    ("nl", "Oekraïne verliest terrein\n\nRussische troepen hebben Oerozjaine ingenomen.\n\n"
     "Bekijk de video: hoe Bachmoet viel\n", {("capture", "Urozhaine")}),
]


@pytest.mark.parametrize(("lang", "text", "changes"), VIDEO_LINES)
def test_a_video_link_line_reports_nothing(extractor: Extractor, lang: str, text: str,
                                           changes: set) -> None:
    day = date(2024, 6, 12)
    article = Article(id="v", text=text, published="2024-06-12", period=Interval(day, day, 1),
                      lang=lang)
    assert {(e.change.value, e.place.name) for e in extractor.extract(article)} == changes


DATELINES = [
    # a dateline with no agency in capitals, or as written with the agencies in capitals:
    # where the story was filed, no antecedent of "de stad"
    ("nl", "Kop\n\nBEIROET - Rebellen hebben zaterdag de stad ingenomen, meldt een waarnemer.\n"),
    ("nl", "Kop\n\nBeiroet (ANP) - Rebellen hebben zaterdag de stad ingenomen, meldt een "
     "waarnemer.\n"),
    ("en", "Headline\n\nKYIV - Russian troops took the town on Saturday, the ministry said.\n"),
]


@pytest.mark.parametrize(("lang", "text"), DATELINES)
def test_a_dateline_town_is_no_antecedent(extractor: Extractor, lang: str, text: str) -> None:
    day = date(2024, 6, 12)
    article = Article(id="d", text=text, published="2024-06-12", period=Interval(day, day, 1),
                      lang=lang)
    assert extractor.extract(article) == []


def test_a_dateline_keeps_a_change_named_after_it(extractor: Extractor) -> None:
    day = date(2024, 6, 12)
    text = "Kop\n\nBEIROET - Rebellen hebben zaterdag Saraqeb ingenomen.\n\nSyrië\n"
    article = Article(id="d", text=text, published="2024-06-12", period=Interval(day, day, 1),
                      lang="nl")
    assert [e.place.name for e in extractor.extract(article)] == ["Saraqeb"]


CORRESPONDENT_LINES = [
    # a byline's town is where the reporter sits, no antecedent of "de stad"
    ("nl", "Rebellen nemen stad in\n\nVan onze correspondent in Beiroet\n\nRebellen hebben "
     "zaterdag de stad ingenomen, meldt het Syrisch Observatorium.\n"),
    ("nl", "Leger herovert stad\n\nDoor onze correspondent in Khartoem\n\nHet leger heeft "
     "zaterdag de stad heroverd, zegt een woordvoerder.\n"),
]


@pytest.mark.parametrize(("lang", "text"), CORRESPONDENT_LINES)
def test_a_byline_town_is_no_antecedent(extractor: Extractor, lang: str, text: str) -> None:
    day = date(2024, 6, 12)
    article = Article(id="b", text=text, published="2024-06-12", period=Interval(day, day, 1),
                      lang=lang)
    assert extractor.extract(article) == []


LINKS_UNDER_A_HEADING = [
    # links listed under a heading of their own line, or after "Lees ook |": other articles
    ("nl", "Leger rukt op\n\nHet Soedanese leger is in Al-Jazira aan een offensief begonnen.\n\n"
     "Lees ook\nLeger herovert Omdurman op RSF\nRSF nemen Nyala in\n\n"
     "Lees ook | Hoe de RSF Wad Madani innamen\n"),
    ("nl", "Oekraïne\n\nDe strijd gaat door.\n\nMeer over Oekraïne\nRusland neemt Avdiivka in\n"),
    ("en", "Sudan\n\nThe army began an offensive in Al-Jazira.\n\nRelated\n"
     "Army retakes Omdurman from RSF\n\nRead more | How the RSF took Wad Madani\n"),
]


@pytest.mark.parametrize(("lang", "text"), LINKS_UNDER_A_HEADING)
def test_links_under_a_heading_report_nothing(extractor: Extractor, lang: str,
                                              text: str) -> None:
    day = date(2024, 6, 12)
    article = Article(id="l", text=text, published="2024-06-12", period=Interval(day, day, 1),
                      lang=lang)
    assert extractor.extract(article) == []


def test_a_paragraph_after_a_blank_line_under_a_heading_reports(extractor: Extractor) -> None:
    text = "Kop\n\nLees ook\nLeger herovert Omdurman\n\nHet leger heeft zaterdag Sinja heroverd.\n"
    day = date(2024, 6, 12)
    article = Article(id="l", text=text, published="2024-06-12", period=Interval(day, day, 1),
                      lang="nl")
    assert [e.place.name for e in extractor.extract(article)] == ["Singa"]
