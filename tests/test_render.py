"""render.render_html: the page's structure, its data blob, escaping, offline/online assets."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

import pytest

from conflictmap.consolidate import control_timeline
from conflictmap.model import (
    Actor,
    Change,
    Event,
    Place,
    PlaceKind,
    Status,
)
from conflictmap.render import LEAFLET_VERSION, render_html, ui_strings
from map_fixtures import ALEPPO, BAKHMUT, HAMA, HTS, IDLIB, KUPIANSK, RU, SAA, UA, make_event


def sample_events() -> list[Event]:
    """Two wars, Dutch and English quotes, every change, status and a region-level report."""
    d = date(2024, 11, 27)
    return [
        make_event(Change.CONTESTED, IDLIB, d, d + timedelta(days=1),
                   quotes=("Er wordt gevochten in de provincie Idlib.",)),
        make_event(Change.CAPTURE, ALEPPO, d + timedelta(days=2), d + timedelta(days=3),
                   actor=HTS, loser=SAA,
                   quotes=("Rebellen van HTS namen Aleppo in.", "Rebels took Aleppo.")),
        make_event(Change.CAPTURE, HAMA, d + timedelta(days=8), actor=HTS, loser=SAA,
                   status=Status.CLAIMED, quotes=("HTS zegt Hama te hebben veroverd.",)),
        make_event(Change.WITHDRAWAL, HAMA, d + timedelta(days=9), loser=SAA,
                   status=Status.DISPUTED, quotes=("Het leger ontkent de terugtrekking.",)),
        make_event(Change.CAPTURE, BAKHMUT, date(2023, 5, 20), actor=RU, loser=UA,
                   quotes=("Russian forces took Bakhmut.",), url="http://example.com/b"),
        make_event(Change.RECAPTURE, KUPIANSK, date(2022, 9, 10), actor=UA, loser=RU,
                   quotes=("Ukraine retook Kupiansk.",), url="ftp://example.com/k"),
    ]


def page_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="cm-data">(.*?)</script>', page, re.S)
    assert match, "the page has no data blob"
    return json.loads(match.group(1))


def decode_events(data: dict) -> list[dict]:
    """The events as the page's script reads them (a Python mirror of decodeEvents)."""
    ev, places, actors = data["ev"], data["places"], data["actors"]
    place_idx, ends = list(accumulate(ev["p"])), list(accumulate(ev["e"]))
    arts, quotes = list(accumulate(data["src"]["a"])), list(accumulate(data["src"]["q"]))
    art, out, s = data["art"], [], 0
    prefixes = list(accumulate(art["ui"]))
    for i, p in enumerate(place_idx):
        code = ev["c"][i] % 96
        names = {"\x01": places["n"][p],
                 "\x02": actors["n"][ev["a"][i] - 1] if ev["a"][i] else "\x02",
                 "\x03": actors["n"][ev["l"][i] - 1] if ev["l"][i] else "\x03"}
        sources = []
        for _ in range(ev["n"][i]):
            quote = data["q"][quotes[s]]
            if quote.startswith("\x00"):
                quote = quote[1:]
            else:
                for mark, name in names.items():
                    quote = quote.replace(mark, name)
            a = arts[s]
            sources.append({"quote": quote, "article": art["n"][a], "title": art["t"][a],
                            "url": art["up"][prefixes[a]] + art["u"][a]})
            s += 1
        out.append({
            "place": places["n"][p], "end": date(1970, 1, 1) + timedelta(days=ends[i]),
            "days": ev["w"][i] + 1, "change": ("capture", "recapture", "withdrawal",
                                               "contested")[code % 4],
            "status": ("reported", "claimed", "disputed")[code // 4 % 3],
            "precision": code // 12 % 4 + 1, "region": code >= 48,
            "actor": actors["n"][ev["a"][i] - 1] if ev["a"][i] else None,
            "sources": sources,
        })
    return out


@pytest.fixture(scope="module")
def offline_page() -> str:
    return render_html(sample_events(), title="Syria and Ukraine", offline=True)


def test_render_returns_whole_page(offline_page: str) -> None:
    assert offline_page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in offline_page
    assert offline_page.rstrip().endswith("</html>")
    assert 'class="folium-map"' in offline_page


def test_render_title_states_range(offline_page: str) -> None:
    title = re.search(r"<title>(.*?)</title>", offline_page).group(1)
    assert title == "Syria and Ukraine · 10 September 2022 – 6 December 2024"
    assert page_data(offline_page)["title"] == title


@pytest.mark.parametrize(("lang", "word"), [("nl", "Afspelen"), ("en", "Play")])
def test_render_language(lang: str, word: str) -> None:
    page = render_html(sample_events(), lang=lang, offline=True)
    data = page_data(page)
    assert f'<html lang="{lang}">' in page
    assert data["ui"]["play"] == word
    assert data["lang"] == lang


def test_ui_strings_same_keys_in_every_language() -> None:
    assert set(ui_strings("nl")) == set(ui_strings("en"))
    assert ui_strings("xx") == ui_strings("en")


def test_render_blob_round_trips_events(offline_page: str) -> None:
    decoded = decode_events(page_data(offline_page))
    by_place = {(e["place"], e["change"]): e for e in decoded}
    assert len(decoded) == len(sample_events())
    aleppo = by_place[("Aleppo", "capture")]
    assert aleppo["end"] == date(2024, 11, 30) and aleppo["days"] == 2
    assert aleppo["precision"] == 2 and aleppo["actor"] == "Hay'at Tahrir al-Sham"
    assert [s["quote"] for s in aleppo["sources"]] == [
        "Rebellen van HTS namen Aleppo in.", "Rebels took Aleppo."]
    assert by_place[("Idlib Governorate", "contested")]["region"] is True
    assert by_place[("Hama", "capture")]["status"] == "claimed"
    assert by_place[("Hama", "withdrawal")]["status"] == "disputed"


def test_render_events_sorted_by_date(offline_page: str) -> None:
    ends = [e["end"] for e in decode_events(page_data(offline_page))]
    assert ends == sorted(ends)


@pytest.mark.parametrize(("date_from", "date_to", "places"), [
    (date(2024, 11, 1), None, {"Aleppo", "Hama", "Idlib Governorate"}),
    (None, date(2023, 12, 31), {"Bakhmut", "Kupiansk"}),
    (date(2024, 11, 29), date(2024, 11, 29), {"Aleppo"}),
])
def test_render_date_range_filters_events(date_from: date | None, date_to: date | None,
                                          places: set[str]) -> None:
    page = render_html(sample_events(), offline=True, date_from=date_from, date_to=date_to)
    data = page_data(page)
    assert {e["place"] for e in decode_events(data)} == places
    if date_from:
        assert data["d0"] == (date_from - date(1970, 1, 1)).days


def test_render_control_before_range_is_kept() -> None:
    """A town taken before date_from still shows its holder in the range."""
    events = sample_events()
    page = render_html(events, offline=True, date_from=date(2024, 1, 1))
    spans = page_data(page)["xs"]
    bakhmut = [s for s in spans if s[1] == (date(2023, 5, 20) - date(1970, 1, 1)).days]
    assert len(bakhmut) == 1 and bakhmut[0][2] == 1  # held, by an event not drawn


def test_render_given_timeline_equals_computed() -> None:
    events = sample_events()
    computed = page_data(render_html(events, offline=True))
    given = page_data(render_html(events, offline=True, timeline=control_timeline(events)))
    assert computed == given


def test_render_span_codes_follow_timeline(offline_page: str) -> None:
    data = page_data(offline_page)
    states = [c // 96 for c in data["ev"]["c"]]
    decoded = decode_events(data)
    expected = {"contested": 2, "capture": 1, "recapture": 1}
    for event, state in zip(decoded, states, strict=True):
        if event["status"] == "disputed":
            assert state == 0
        else:
            assert state == expected[event["change"]]


def test_render_side_labels_and_fallback() -> None:
    page = render_html(sample_events(), offline=True,
                       side_labels={"syrian_rebels": "Rebellen", "russia": "russia"})
    sides = page_data(page)["sides"]
    labels = dict(zip(sides["id"], sides["label"], strict=True))
    assert labels["syrian_rebels"] == "Rebellen"
    assert labels["syrian_government"] == "Syrian government"
    assert labels["russia"] == "Russia"
    assert len(set(sides["color"])) == len(sides["color"])


def test_render_a_map_of_many_wars_keeps_every_side_apart() -> None:
    """A year of several wars names many sides: each gets a colour of its own, none of them
    the reserved grey (no gainer) or amber (contested)."""
    from conflictmap.model import Actor

    actors = [Actor(f"a{i}", f"Side {i}", f"side_{i}") for i in range(30)]
    events = [make_event(Change.CAPTURE, ALEPPO, date(2024, 1, 1) + timedelta(days=i),
                         actor=a, article=f"a{i}.txt") for i, a in enumerate(actors)]
    colors = page_data(render_html(events, offline=True))["sides"]["color"]
    assert len(colors) == 30 and len(set(colors)) == 30
    assert not {c.lower() for c in colors} & {"#8a8a8a", "#f2a900"}  # conflictmap.js GREY, AMBER


def _side_colours(events: list[Event], **options: object) -> dict[str, str]:
    sides = page_data(render_html(events, offline=True, **options))["sides"]
    return dict(zip(sides["id"], sides["color"], strict=True))


def test_render_side_colours_are_the_same_on_every_map() -> None:
    """A side keeps its colour whatever else the map shows, over any date range: the
    government blue on the full map is not red on the 2016 map."""
    from conflictmap.maplabels import fixed_side_colors
    from conflictmap.model import Actor

    gov = Actor("syria_gov", "Syrian government forces", "syria_gov", "state")
    rebels = Actor("hts", "Hayat Tahrir al-Sham", "syria_opposition")
    russia = Actor("russia", "Russian armed forces", "russia", "state")
    newcomer = Actor("x1", "Some new militia", "zz_new_militia")
    other = Actor("x2", "Another group", "zz_another_group")
    old = [make_event(Change.RECAPTURE, ALEPPO, date(2016, 12, 22), actor=gov, loser=rebels),
           make_event(Change.CAPTURE, HAMA, date(2016, 12, 1), actor=russia, article="r.txt")]
    new = [make_event(Change.CAPTURE, ALEPPO, date(2024, 11, 30), actor=rebels, loser=gov,
                      article=f"n{i}.txt") for i in range(3)]
    new.append(make_event(Change.CAPTURE, HAMA, date(2024, 12, 5), actor=newcomer,
                          article="m.txt"))
    full = _side_colours(old + new + [make_event(Change.CAPTURE, BAKHMUT, date(2024, 12, 6),
                                                 actor=other, article="o.txt")])
    only_2016 = _side_colours(old + new, date_to=date(2016, 12, 31))
    only_2024 = _side_colours(new + old, date_from=date(2024, 1, 1))
    fixed = fixed_side_colors()
    assert full["syria_gov"] == only_2016["syria_gov"] == only_2024["syria_gov"] \
        == fixed["syria_gov"]
    assert full["syria_opposition"] == only_2016["syria_opposition"] \
        == only_2024["syria_opposition"] == fixed["syria_opposition"]
    assert full["zz_new_militia"] == only_2024["zz_new_militia"]  # no own colour: still stable
    assert "zz_new_militia" not in fixed


def test_render_sides_that_share_a_map_never_share_a_colour() -> None:
    from conflictmap.maplabels import side_colors

    sides = ["russia", "myanmar_junta", "ukraine", "syria_gov", "syria_opposition", "sdf",
             "islamic_state", *(f"zz_side_{i}" for i in range(40))]
    colours = side_colors(sides)
    assert len(set(colours)) == len(sides)
    assert side_colors(list(reversed(sides))) == list(reversed(colours))  # order-free


def test_side_colour_table_names_real_sides_and_keeps_foes_apart() -> None:
    """[side_colors] names sides of actors.toml; sides that fight each other differ."""
    from conflictmap.actors import ActorLexicon
    from conflictmap.maplabels import fixed_side_colors

    fixed = fixed_side_colors()
    known = set(ActorLexicon.load().side_labels("en"))
    assert set(fixed) <= known, set(fixed) - known
    foes = [("syria_gov", "syria_opposition"), ("syria_gov", "islamic_state"),
            ("russia", "ukraine"), ("russia", "syria_gov"), ("myanmar_junta",
            "myanmar_resistance"), ("saf", "rsf"), ("israel", "palestinian_groups"),
            ("armenia", "azerbaijan"), ("sdf", "sna"), ("turkey", "sdf")]
    for a, b in foes:
        assert fixed[a] != fixed[b], (a, b)
    assert len(set(fixed.values())) == len(fixed)  # own colours are never shared


@pytest.mark.parametrize("offline", [True, False])
def test_render_deterministic(offline: bool) -> None:
    assert render_html(sample_events(), offline=offline) == render_html(sample_events(),
                                                                        offline=offline)


def test_render_accepts_any_iterable() -> None:
    events = sample_events()
    assert render_html(iter(events), offline=True) == render_html(events, offline=True)


def test_render_empty() -> None:
    page = render_html([], offline=True)
    assert page_data(page)["ev"]["p"] == []
    assert "<title>Territorial control changes</title>" in page


PAYLOADS = [
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }} {% raw %}",
    "\u2028\u2029 & &amp; <!-- -->",
    "\x01\x02 control",
    "\"'><svg/onload=alert(1)>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_escapes_article_text(payload: str) -> None:
    place = Place("x:1", f"Town {payload}", PlaceKind.TOWN, 35.0, 36.0, "SY")
    actor = Actor("a", f"Actor {payload}", f"side {payload}")
    event = make_event(Change.CAPTURE, place, date(2024, 1, 1), actor=actor,
                       quotes=(f"Quote {payload}",), title=f"Title {payload}",
                       url=f"https://x.org/{payload}", article=f"art {payload}")
    page = render_html([event], title=f"T {payload}", offline=True)
    body = page.split('id="cm-data">', 1)[1].split("</script>", 1)[0]
    for bad in ("<", ">", "\u2028", "\u2029"):
        assert bad not in body
    decoded = decode_events(page_data(page))[0]
    assert decoded["place"] == place.name
    assert decoded["sources"][0]["title"] == f"Title {payload}"
    assert decoded["sources"][0]["article"] == f"art {payload}"
    assert decoded["sources"][0]["quote"] == f"Quote {payload}"
    assert "<svg/onload" not in page and "<img src=x" not in page
    assert page.count("<script>alert") == 0


def test_render_offline_is_self_contained(offline_page: str) -> None:
    assert not re.search(r'<script[^>]+src=', offline_page)
    assert not re.search(r'<link[^>]+href=', offline_page)
    assert "cdn.jsdelivr" not in offline_page and "tile.openstreetmap" not in offline_page
    assert 'id="cm-basemap"' in offline_page
    assert "Natural Earth" in offline_page


def test_render_online_uses_cdn_and_tiles() -> None:
    page = render_html(sample_events())
    assert f"leaflet@{LEAFLET_VERSION}/dist/leaflet.js" in page
    assert "tile.openstreetmap.org" in page and "OpenStreetMap" in page
    assert 'id="cm-basemap"' not in page
    assert "jquery" not in page and "bootstrap" not in page


def test_basemap_records_are_valid() -> None:
    from importlib import resources

    base = json.loads(resources.files("conflictmap").joinpath("data", "countries.json")
                      .read_text("utf-8"))
    assert "Natural Earth" in base["credit"]
    assert len(base["countries"]) > 150
    for country in base["countries"]:
        assert country["n"] and len(country["c"]) == 2
        for ring in country["r"]:
            assert len(ring) % 2 == 0 and len(ring) >= 6
            lons = list(accumulate(ring[0::2]))
            lats = list(accumulate(ring[1::2]))
            assert all(-18000 <= x <= 18000 for x in lons)
            assert all(-9000 <= y <= 9000 for y in lats)


def _basemap_names(page: str) -> list[str]:
    """The country labels of an offline page's basemap, in order."""
    found = re.search(r'<script type="application/json" id="cm-basemap">(.*?)</script>', page,
                      re.S)
    assert found is not None
    return [country["n"] for country in json.loads(found.group(1))["countries"]]


def test_basemap_country_names_cover_every_country() -> None:
    """Each countries.<lang>.tsv names every country of the basemap, and nothing else."""
    from importlib import resources

    from conflictmap.render import country_names

    base = json.loads(resources.files("conflictmap").joinpath("data", "countries.json")
                      .read_text("utf-8"))
    english = {country["n"] for country in base["countries"]}
    files = [e.name for e in resources.files("conflictmap").joinpath("data").iterdir()
             if e.name.startswith("countries.") and e.name.endswith(".tsv")]
    assert files  # at least Dutch
    for name in files:
        names = country_names(name.split(".")[1])
        assert set(names) == english, name
        assert all(value.strip() == value and value for value in names.values())


@pytest.mark.parametrize(("lang", "syria", "lebanon"), [("nl", "Syrië", "Libanon"),
                                                         ("en", "Syria", "Lebanon"),
                                                         ("fr", "Syria", "Lebanon")])
def test_render_offline_basemap_labels_in_the_pages_language(lang: str, syria: str,
                                                              lebanon: str) -> None:
    """A Dutch page labels its countries in Dutch; a language without a names file keeps
    the English names."""
    names = _basemap_names(render_html(sample_events(), lang=lang, offline=True))
    assert syria in names and lebanon in names
    assert len(names) == len(set(names)) > 150


def _place_name_files() -> list[str]:
    from importlib import resources

    return sorted(e.name.split(".")[1] for e in
                  resources.files("conflictmap").joinpath("data").iterdir()
                  if e.name.startswith("places.") and e.name.endswith(".tsv"))


@pytest.mark.parametrize("lang", _place_name_files())
def test_place_names_file_names_real_places(lang: str) -> None:
    """Every whole name of places.<lang>.tsv is a place the gazetteer shows by that name,
    and the gazetteer reads the translated name as that place (a typo on either side
    fails)."""
    from conflictmap.gazetteer import default_gazetteer
    from conflictmap.render import place_names

    gazetteer = default_gazetteer()
    names = place_names(lang)
    assert names is not None and names.whole and names.patterns
    for english, local in names.whole.items():
        assert english in {p.name for p in gazetteer.lookup(english)}, english
        assert english in {p.name for p in gazetteer.lookup(local)}, local


@pytest.mark.parametrize(("name", "area", "shown"), [
    ("Kherson", False, "Cherson"), ("Aleppo", False, "Aleppo"),
    ("Kharkiv Oblast", True, "regio Charkiv"), ("Daraa Governorate", True, "provincie Daraa"),
    ("Shan State", True, "deelstaat Shan"), ("Northern Syria", True, "Noord-Syrië"),
    ("North Kivu", True, "Noord-Kivu"), ("South Lebanon", True, "Zuid-Libanon"),
    ("South Africa", True, "Zuid-Afrika"), ("West Bank", True, "Westelijke Jordaanoever"),
    ("Eastern Democratic Republic of the Congo", True, "Oost-Congo"),
    ("North Las Vegas", False, "North Las Vegas"),  # patterns are for regions only
])
def test_place_names_dutch(name: str, area: bool, shown: str) -> None:
    from conflictmap.render import place_names

    names = place_names("nl")
    assert names is not None and names.show(name, area) == shown


def test_render_page_carries_names_in_the_pages_language() -> None:
    """places.d holds [index, name] where the page's language writes a place otherwise;
    places.n keeps the gazetteer's names (the quotes hold them); English pages have none."""
    dutch = page_data(render_html(sample_events(), lang="nl", offline=True))["places"]
    shown = {dutch["n"][i]: name for i, name in dutch["d"]}
    assert shown["Idlib Governorate"] == "provincie Idlib"
    assert "Aleppo" not in shown and "Idlib Governorate" in dutch["n"]
    english = page_data(render_html(sample_events(), lang="en", offline=True))["places"]
    assert "d" not in english


def test_render_actor_names_follow_the_labels() -> None:
    """An "@" + actor id label names that actor on the page (actors.page_labels) in
    actors.d; actors.n keeps the names the quotes hold."""
    labels = {"@hts": "HTS-rebellen"}
    actors = page_data(render_html(sample_events(), lang="nl", offline=True,
                                   side_labels=labels))["actors"]
    assert [actors["n"][i] for i, name in actors["d"] if name == "HTS-rebellen"] == [HTS.name]
    actors = page_data(render_html(sample_events(), lang="nl", offline=True))["actors"]
    assert HTS.name in actors["n"] and "d" not in actors


def test_place_names_file_errors_name_the_line(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from conflictmap import maplabels as render

    data = tmp_path / "conflictmap" / "data"
    data.mkdir(parents=True)
    (data / "places.xx.tsv").write_text("# c\nKherson Cherson\n", "utf-8")
    monkeypatch.setattr(render.resources, "files", lambda _package: tmp_path / "conflictmap")
    render.place_names.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"places\.xx\.tsv:2: expected 'English name"):
            render.place_names("xx")
        (data / "places.xx.tsv").write_text("{} Oblast\tregio\n", "utf-8")
        render.place_names.cache_clear()
        with pytest.raises(ValueError, match=r"places\.xx\.tsv:1: expected one \{\}"):
            render.place_names("xx")
    finally:
        render.place_names.cache_clear()


def test_render_skips_places_without_coordinates(caplog: pytest.LogCaptureFixture) -> None:
    nowhere = Place("x:nan", "Nowhere", PlaceKind.TOWN, float("nan"), 36.0, "SY")
    events = [*sample_events(), make_event(Change.CAPTURE, nowhere, date(2024, 12, 1),
                                           actor=HTS)]
    page = render_html(events, offline=True)
    assert "Nowhere" not in {e["place"] for e in decode_events(page_data(page))}
    assert "x:nan" in caplog.text


@pytest.mark.parametrize(("lang", "attr"), [("pt-BR", "pt-BR"), ('en"><script>', "en")])
def test_render_lang_attribute_is_a_language_tag(lang: str, attr: str) -> None:
    page = render_html(sample_events(), lang=lang, offline=True)
    assert f'<html lang="{attr}">' in page
    assert "<script>alert" not in page
