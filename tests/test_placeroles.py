"""placeroles: sites named by a town are places of their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictmap.errors import RulesError
from conflictmap.model import Mention, Place, PlaceKind
from conflictmap.placereference import district_of
from conflictmap.placeroles import (
    _ending_within,
    _window,
    passing_towns,
    site_mention,
    site_place,
    site_town,
    site_words,
    unnamed_site,
)
from conflictmap.rules import language_files

TOWN = Place("geonames:1", "Karsk", PlaceKind.TOWN, 10.0, 20.0, "XX")


def _mention(text: str, name: str = "Karsk") -> Mention:
    start = text.index(name)
    return Mention(TOWN, name, start, start + len(name))


@pytest.mark.parametrize(("lang", "text", "kind", "written"), [
    ("nl", "Rebellen namen het vliegveld van Karsk in.", "airport", "vliegveld van Karsk"),
    ("nl", "Ze namen het Kovar-vliegveld bij Karsk in.", "airport", "Kovar-vliegveld bij Karsk"),
    ("nl", "De luchthaven in het zuiden van Karsk viel.", "airport",
     "luchthaven in het zuiden van Karsk"),
    ("nl", "De gevangenis van Karsk werd bestormd.", "prison", "gevangenis van Karsk"),
    ("en", "Rebels seized Karsk's airport.", "airport", "Karsk's airport"),
    ("en", "Rebels seized Karsk International Airport.", "airport",
     "Karsk International Airport"),
    ("en", "They overran the headquarters of the 5th Division in Karsk.", "headquarters",
     "headquarters of the 5th Division in Karsk"),
])
def test_a_town_names_its_site(lang: str, text: str, kind: str, written: str) -> None:
    site = site_mention(text, str(language_files()[lang]), _mention(text))
    assert site is not None
    assert site.place.kind is PlaceKind.SITE
    assert site.place.id == f"site:{kind}:geonames:1"
    assert site.as_written == written == text[site.start:site.end]
    assert site_town(site.place) == "geonames:1"
    assert (site.place.lat, site.place.lon) == (TOWN.lat, TOWN.lon)


@pytest.mark.parametrize(("lang", "text"), [
    ("nl", "Rebellen namen Karsk in, de stad met het grootste vliegveld."),
    ("nl", "Op basis van Karsk werd gevochten."),
    ("nl", "De rebellen trokken het centrum van Karsk binnen."),
    ("en", "Rebels took the city centre of Karsk."),
    ("en", "Flights left the airport for Karsk."),
    # a site noun on the next line (a dateline under a headline) is not the town's
    ("en", "Army says it has retaken Karsk\n\nPORT SUDAN, Jan 11 (Wire) - Crowds cheered."),
    ("nl", "Leger herovert Karsk\nLuchthaven blijft dicht, meldt de regering."),
])
def test_the_town_itself(lang: str, text: str) -> None:
    assert site_mention(text, str(language_files()[lang]), _mention(text)) is None


def test_site_place_keeps_the_town_point() -> None:
    site = site_place(TOWN, "border_crossing")
    assert site.name == "Karsk border crossing"
    assert site_town(TOWN) == ""


def test_malformed_sites_table_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "xx.toml"
    bad.write_text("[sites]\nlink_before = 3\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"xx\.toml"):
        site_words(str(bad))
    bad.write_text("[sites]\nlink_before = '('\nlink_after = ''\nairport = ['x']\n",
                   encoding="utf-8")
    site_words.cache_clear()
    with pytest.raises(RulesError, match="regular expression"):
        site_words(str(bad))


def test_reference_marker_rejects_a_bad_table(tmp_path: Path) -> None:
    from conflictmap.placereference import place_roles

    bad = tmp_path / "yy.toml"
    bad.write_text("[place_roles]\nreference_before = 1\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"yy\.toml"):
        place_roles(str(bad))


@pytest.mark.parametrize(("lang", "text", "unnamed"), [
    ("en", "Militants overran a military base near Karsk.", True),
    ("en", "Rebels took another base outside Karsk.", True),
    ("en", "Rebels seized an army base in Karsk on Monday.", True),
    ("nl", "Jihadisten namen een legerbasis bij Karsk in.", True),
    ("nl", "Ze veroverden de laatste kazerne in Karsk.", True),
    ("en", "Rebels seized the airport of Karsk.", False),
    ("nl", "Rebellen namen het vliegveld van Karsk in.", False),
    ("en", "Rebels took Karsk, a town with a base.", False),
])
def test_an_unnamed_site_located_by_a_town(lang: str, text: str, unnamed: bool) -> None:
    path = str(language_files()[lang])
    town = _mention(text)
    site = site_mention(text, path, town) or town
    assert unnamed_site(text, path, site, town) is unnamed


@pytest.mark.parametrize(("lang", "text", "district"), [
    ("en", "Last month the rebels seized the district of Karsk.", True),
    ("en", "Karsk district was overrun on Friday.", True),
    ("en", "Jihadists fought their way into the eastern districts of Karsk.", False),
    ("nl", "Strijders drongen de oostelijke districten van Karsk binnen.", False),
    ("nl", "De rebellen namen het district Karsk in.", True),
    ("nl", "Het district van Karsk viel vrijdag.", True),
    ("en", "The rebels seized Karsk on Friday.", False),
    ("en", "Karsk district of Dovra was shelled.", False),  # "the X district of <city>"
    ("nl", "Vrijdag viel de districtshoofdstad Karsk.", False),
])
def test_a_town_names_its_district(lang: str, text: str, district: bool) -> None:
    """A district named after its town is a region at the town's point, named as the town."""
    path = str(language_files()[lang])
    got = district_of(text, path, _mention(text))
    assert (got is not None) == district
    if got is not None:
        assert got.place.kind is PlaceKind.REGION
        assert (got.place.name, got.place.lat) == ("Karsk", 10.0)


def _town(pid: str, country: str) -> Mention:
    return Mention(Place(pid, pid, PlaceKind.TOWN, 0.0, 0.0, country), pid, 0, 1)


def test_a_lone_town_of_another_country_is_passing() -> None:
    war = [_town("a", "SD"), _town("b", "SD"), _town("a", "SD")]
    assert passing_towns([*war, _town("london", "GB")]) == {"london"}
    # one town each: nothing tells which country is the war's
    assert passing_towns([_town("a", "SD"), _town("london", "GB")]) == frozenset()
    # two towns of each: both countries are the war's
    assert passing_towns([*war, _town("x", "SS"), _town("y", "SS")]) == frozenset()


def test_a_foreign_town_named_less_often_than_the_wars_one_town_is_passing() -> None:
    # a live blog: the war's one town in three entries, a protest abroad in a heading and
    # its entry
    war = [_town("gaza", "PS"), _town("gaza", "PS"), _town("gaza", "PS")]
    assert passing_towns([*war, _town("ams", "NL"), _town("ams", "NL")]) == {"ams"}
    # as often: nothing tells which is the war's
    assert passing_towns([*war[:2], _town("ams", "NL"), _town("ams", "NL")]) == frozenset()


@pytest.mark.parametrize(("lang", "text"), [
    ("nl", "Gevechten in Khartoem en Omdurman houden aan.\n\nLonden: duizenden bij demonstratie\n"
           "In Londen gingen duizenden mensen de straat op.\n\nRSF valt ziekenhuis binnen\n"
           "Strijders van de RSF zijn vannacht het Al-Nau-ziekenhuis binnengevallen."),
    ("nl", "Zware gevechten in Charkiv en Izjoem.\n\nIn Berlijn demonstreerden duizenden "
           "mensen.\n\nRussische troepen zijn dinsdag het Sjevtsjenko-ziekenhuis "
           "binnengevallen."),
    # the war's one town in several entries, the town abroad in a heading and its entry
    ("en", "El Fasher: shelling goes on\nShelling of El Fasher went on overnight.\n\n"
           "Paris: thousands march\nIn Paris thousands marched for a ceasefire.\n\n"
           "RSF seize hospital\nRSF fighters seized the Al-Nau hospital on "
           "Tuesday, medics said."),
    ("en", "Fighting raged in Kharkiv overnight.\n\nBerlin: rally\nIn Berlin thousands "
           "rallied.\n\nRussian troops seized the Shevchenko hospital on Tuesday."),
])
def test_a_named_site_is_not_drawn_at_a_town_named_in_passing(lang: str, text: str) -> None:
    from datetime import date

    from conflictmap.events import Extractor
    from conflictmap.model import Article, Interval

    day = date(2024, 5, 1)
    article = Article(id="t", text=text, published=day.isoformat(),
                      period=Interval(day, day, 1), lang=lang)
    sites = [e for e in Extractor().extract(article) if e.place.kind is PlaceKind.SITE]
    assert sites and all(e.place.country in {"SD", "UA"} for e in sites), [
        (e.place.name, e.place.country) for e in sites]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 40)), min_size=0, max_size=200),
       st.integers(-10, 5100), st.integers(0, 600))
def test_places_in_a_window_are_those_a_scan_finds(spans: list[tuple[int, int]], low: int,
                                                     width: int) -> None:
    """The end index of a long article's places gives what a scan of every place gives."""
    places = tuple(Mention(Place(f"p{i}", "p", PlaceKind.TOWN, 0.0, 0.0, "SD"), "p", s, s + n)
                   for i, (s, n) in enumerate(spans))
    high = low + width
    assert _ending_within(places, low, high) == [p for p in places if low <= p.end <= high]
    window = _window(places, low, high)
    before = [p for p in places if p.end < low]
    assert window[len(window) - len(_ending_within(places, low, high)):] == _ending_within(
        places, low, high)
    assert (len(window) > len(_ending_within(places, low, high))) == bool(before)
