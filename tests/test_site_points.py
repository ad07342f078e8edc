"""Sites drawn at their own point, not at the town named near them (helper c7)."""

from __future__ import annotations

from datetime import date

from conflictmap.airports import named_airport
from conflictmap.events import Extractor
from conflictmap.model import Article, Interval
from conflictmap.sitepoints import listed_site


def _events(text: str, lang: str, day: str) -> list:
    d = date.fromisoformat(day)
    art = Article(id="one", text=text, published=day, period=Interval(d, d, 1), lang=lang)
    return list(Extractor().extract(art))


def test_named_air_base_at_its_airport() -> None:
    jirah = named_airport("Jirah air base", "SY")
    assert jirah is not None and abs(jirah.lon - 37.94) < 0.05
    assert named_airport("de vliegbasis Jirah", "SY") == jirah
    assert named_airport("Ghazlani military base", "IQ") is None
    (event,) = _events("Islamic State fighters seized the Jirah air base east of Aleppo on "
                       "Tuesday.\nSyria", "en", "2014-02-12")
    assert abs(event.place.lon - 37.94) < 0.05  # not Aleppo's 37.16


def test_listed_site_named_by_its_town() -> None:
    dam = listed_site("seized the Mosul dam", "IQ")
    assert dam is not None and abs(dam.lat - 36.63) < 0.05
    assert listed_site("seized the Mosul dam", "SY") is None
    assert listed_site("the airport of Mosul", "IQ") is None
    (event,) = _events("IS heeft donderdag de stuwdam van Mosul ingenomen.\nIrak", "nl",
                       "2014-08-08")
    assert abs(event.place.lat - 36.63) < 0.05  # not Mosul's 36.34


def test_air_base_named_in_capitals_at_its_airport() -> None:
    # si12: "Bagram Air Base" written in capitals to its noun is the data's Bagram Air Base,
    # not the capital the text names near it (Kabul, 45 km away)
    bagram = named_airport("Bagram Air Base", "AF")
    assert bagram is not None and abs(bagram.lat - 34.95) < 0.05
    tabqa = named_airport("Tabqa Military Airport", "SY")
    assert tabqa is not None and abs(tabqa.lat - 35.75) < 0.05
    assert named_airport("Ghazlani Military Base", "IQ") is None
    assert named_airport("Air Base", "SY") is None
    events = _events("Taliban fighters entered Kabul on Sunday. Earlier on Sunday the Taliban "
                     "took over Bagram Air Base, north of the capital.\nAfghanistan", "en",
                     "2021-08-16")
    (base,) = [e for e in events if e.place.kind.value == "site"]
    assert abs(base.place.lat - 34.95) < 0.05  # not Kabul's 34.53


def test_town_headquarters_is_the_command_the_article_names() -> None:
    # si12: "the army's headquarters in Mekelle" and "the Northern Command" (a named site drawn
    # at Mekelle) in one article are one place, so that their reports merge
    for text, lang in [
            ("Tigrayan forces seized the army's headquarters in Mekelle on Wednesday, the "
             "government said. The TPLF said it had taken the Northern Command without a fight "
             "on Wednesday.\nEthiopia", "en"),
            ("Tigrese strijders hebben woensdag het hoofdkwartier van het leger in Mekele "
             "ingenomen. Het Noord-Commando viel woensdag zonder slag of stoot.\nEthiopië", "nl")]:
        events = _events(text, lang, "2020-11-05")
        assert len(events) == 2 and len({e.place.id for e in events}) == 1, events
