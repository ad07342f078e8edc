"""The calibrated confidence model (confidence.py) and its data file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictmap.confidence import (
    FEATURES,
    Model,
    article_facts,
    calibrate,
    features,
    load_model,
    read_model,
)
from conflictmap.errors import RulesError
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
    Trace,
)
from conflictmap.rules import RULES_DIR, language_files

GOMA = Place("geonames:216281", "Goma", PlaceKind.TOWN, -1.68, 29.23, "CD", population=670_000)
M23 = Actor("m23", "M23", "m23")
ARTICLE = Article("goma.txt", "M23 took Goma on Monday.", "2025-01-28",
                  Interval(date(2025, 1, 28), date(2025, 1, 28), 1), "en")


def _report(start: int = 0, period: Interval | None = None, actor: Actor | None = M23,
            change: Change = Change.CAPTURE, status: Status = Status.REPORTED) -> Event:
    source = Source("goma.txt", "2025-01-28", "M23 took Goma on Monday.", start, start + 24)
    return Event(change, status, GOMA, period or Interval(date(2025, 1, 27), date(2025, 1, 27), 1),
                 actor, None, (source,), confidence=0.7)


def test_the_shipped_model_loads_and_is_not_a_language() -> None:
    model = load_model(RULES_DIR)
    assert model is not None
    assert {name for name, _ in model.weights} == set(FEATURES)
    assert "confidence" not in language_files()


def test_features_read_the_report_and_its_article() -> None:
    report = _report()
    x = features(report, ARTICLE, article_facts(ARTICLE, [report]))
    assert set(x) == set(FEATURES)
    assert (x["gainer"], x["lead"], x["news"], x["repeated"]) == (1.0, 1.0, 1.0, 0.0)
    old = Interval(date(2016, 1, 1), date(2016, 12, 31), 4)
    late = _report(start=5000, period=old, actor=None)
    others = [late, _report(start=3000, actor=None), _report(start=4000, actor=None)]
    y = features(late, ARTICLE, article_facts(ARTICLE, others))
    assert (y["gainer"], y["lead"], y["news"], y["repeated"], y["year"]) == (
        0.0, 0.0, 0.0, 1.0, 1.0)


# An article of our own about another war: a caption-free headline, a lead, a quote, and
# an aside about an older change far down.
KIDAL_TEXT = ("Rebels seize Kidal after two days of fighting\n\n"
              "Tuareg rebels took the northern town of Kidal on Sunday, residents said.\n\n"
              "\"We control every street,\" a rebel spokesman told reporters.\n\n"
              + "Background paragraph about the region's long history. " * 20
              + "The army had retaken Gao in 2013.")
KIDAL_ARTICLE = Article("kidal.txt", KIDAL_TEXT, "2012-03-31",
                        Interval(date(2012, 3, 31), date(2012, 3, 31), 1), "en")
KIDAL = Place("geonames:2455290", "Kidal", PlaceKind.TOWN, 18.44, 1.41, "ML", population=26_000)
GAO = Place("geonames:2457163", "Gao", PlaceKind.TOWN, 16.27, -0.04, "ML", population=87_000)
REBELS = Actor("mnla", "MNLA", "rebels")


def _at(place: Place, start: int, end: int, period: Interval, actor: Actor | None,
        change: Change = Change.CAPTURE) -> Event:
    source = Source("kidal.txt", "2012-03-31", KIDAL_TEXT[start:end], start, end)
    return Event(change, Status.REPORTED, place, period, actor, None, (source,), confidence=0.7)


def test_features_of_an_article_as_a_whole() -> None:
    taken = KIDAL_TEXT.index("Tuareg")
    quote = KIDAL_TEXT.index('"We')
    aside = KIDAL_TEXT.index("The army")
    sunday = Interval(date(2012, 3, 25), date(2012, 3, 31), 2)
    reports = [
        _at(KIDAL, taken, quote - 2, sunday, REBELS),
        _at(KIDAL, quote, aside - 100, sunday, REBELS),
        _at(GAO, aside, len(KIDAL_TEXT), Interval(date(2013, 1, 1), date(2013, 12, 31), 4),
            None, Change.RECAPTURE),
    ]
    facts = article_facts(KIDAL_ARTICLE, reports)
    assert (facts.country, facts.reports, facts.places, facts.actors) == ("ML", 3, 2, True)
    assert facts.support == {KIDAL.id: 2, GAO.id: 1}
    lead, quoted, old = (features(r, KIDAL_ARTICLE, facts) for r in reports)
    assert (lead["headline"], old["headline"]) == (1.0, 0.0)  # Kidal is in the headline
    assert lead["position"] < 0.1 < 0.9 < old["position"] <= 1.0
    assert (lead["quoted"], quoted["quoted"]) == (0.0, 1.0)
    assert (lead["article_date"], old["article_date"]) == (1.0, 0.0)  # dated by the article
    assert lead["support"] > old["support"] == 0.0
    assert lead["repeated"] == 1.0 and old["repeated"] == 0.0
    assert lead["reports"] == old["reports"] > 0.0
    assert lead["actorless"] == 0.0
    nobody = [replace(r, actor=None) for r in reports]
    assert features(nobody[0], KIDAL_ARTICLE, article_facts(KIDAL_ARTICLE, nobody))[
        "actorless"] == 1.0


def test_facts_of_an_article_without_reports() -> None:
    facts = article_facts(KIDAL_ARTICLE, [])
    assert (facts.country, facts.reports, facts.places, facts.actors) == ("", 0, 0, False)


def test_calibrate_sets_each_reports_confidence_from_the_model() -> None:
    model = Model(0.0, (("gainer", 2.0), ("lead", 1.0)))
    named, unnamed = calibrate(model, ARTICLE, [_report(), _report(actor=None, start=900)])
    assert named.confidence == 0.95  # logistic(3), in whole percent as the map compares
    assert unnamed.confidence == 0.5
    assert calibrate(None, ARTICLE, [_report()])[0].confidence == 0.7


@given(st.dictionaries(st.sampled_from(FEATURES), st.floats(-50, 50), min_size=1),
       st.floats(-50, 50))
def test_probability_is_a_probability(weights: dict[str, float], intercept: float) -> None:
    model = Model(intercept, tuple(weights.items()))
    report = _report()
    p = model.probability(features(report, ARTICLE, article_facts(ARTICLE, [report])))
    assert 0.0 <= p <= 1.0


@pytest.mark.parametrize(("content", "message"), [
    ("intercept = 'high'\n[weights]\n", "bad confidence model"),
    ("[weights]\ngainer = 1\n", "intercept"),
    ("intercept = 0\n[weights]\nmoon_phase = 1\n", "unknown feature"),
    ("intercept = 0\nweights = 3\n", "must be a table"),
    ("intercept = \n", "bad confidence model"),
])
def test_a_bad_model_file_is_a_rules_error_naming_it(tmp_path: Path, content: str,
                                                     message: str) -> None:
    path = tmp_path / "confidence.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=message) as info:
        read_model(path)
    assert str(path) in str(info.value)


def test_no_model_file_keeps_the_triggers_confidence(tmp_path: Path) -> None:
    assert read_model(tmp_path / "confidence.toml") is None


# How the place was found (the report's Trace): an article of our own about another war.
TIGRAY_TEXT = ("Federal troops entered Mekele on Saturday. Two days later they said the "
               "city was theirs, while rebel commanders insisted that fighters from the "
               "surrounding hills had once again pushed the soldiers back out of Mek'ele.")
TIGRAY_ARTICLE = Article("mekele.txt", TIGRAY_TEXT, "2020-11-30",
                         Interval(date(2020, 11, 30), date(2020, 11, 30), 1), "en")
MEKELE = Place("geonames:331180", "Mekele", PlaceKind.TOWN, 13.5, 39.47, "ET",
               population=215_000)


def _traced(written: str, trigger: str, place: Place = MEKELE) -> Event:
    place_at = TIGRAY_TEXT.index(written)
    trigger_at = TIGRAY_TEXT.index(trigger)
    end = TIGRAY_TEXT.index(".", max(place_at, trigger_at)) + 1
    start = TIGRAY_TEXT.rfind(". ", 0, min(place_at, trigger_at)) + 2 if min(
        place_at, trigger_at) > 50 else 0
    source = Source("mekele.txt", "2020-11-30", TIGRAY_TEXT[start:end], start, end)
    trace = Trace(written, place_at, place_at + len(written), trigger_at,
                  trigger_at + len(trigger))
    return Event(Change.CAPTURE, Status.REPORTED, place, TIGRAY_ARTICLE.period, None, None,
                 (source,), trace=trace)


def test_features_say_how_the_place_was_found() -> None:
    named = _traced("Mekele", "entered")
    anaphora = _traced("the city", "was theirs")
    variant = _traced("Mek'ele", "pushed")
    facts = article_facts(TIGRAY_ARTICLE, [named, anaphora, variant])
    x, y, z = (features(e, TIGRAY_ARTICLE, facts) for e in (named, anaphora, variant))
    assert (x["anaphora"], x["variant"], x["distance"]) == (0.0, 0.0, 0.0)
    assert (y["anaphora"], y["variant"]) == (1.0, 0.0)
    assert (z["anaphora"], z["variant"]) == (0.0, 1.0)
    assert 0.0 < z["distance"] < 1.0  # "the soldiers back out of": five words
    assert x["length"] < z["length"] < 1.0
    # the site's name inside a longer written form is the name, not a variant
    airport = replace(MEKELE, name="Mekele airport", kind=PlaceKind.SITE, population=0)
    site = replace(named, place=airport, trace=replace(named.trace, written="Mekele"))
    w = features(site, TIGRAY_ARTICLE, facts)
    assert (w["variant"], w["unpopulated"], x["unpopulated"]) == (0.0, 1.0, 0.0)
    # no trace (a report read back from a file): as named, at the trigger
    bare = features(replace(named, trace=None), TIGRAY_ARTICLE, facts)
    assert (bare["anaphora"], bare["variant"], bare["distance"]) == (0.0, 0.0, 0.0)


def test_state_forces_and_partial_control_are_features() -> None:
    army = Actor("ethiopia_army", "Ethiopian army", "ethiopia", kind="state")
    tplf = Actor("tplf", "TPLF", "tplf")
    report = replace(_traced("Mekele", "entered"), actor=army, losing_actor=tplf,
                     geo_precision=2)
    x = features(report, TIGRAY_ARTICLE, article_facts(TIGRAY_ARTICLE, [report]))
    assert (x["state_gainer"], x["state_loser"], x["partial"]) == (1.0, 0.0, 1.0)


def test_calibrated_reports_keep_no_trace() -> None:
    model = Model(0.0, (("anaphora", -1.0),))
    report = _traced("the city", "was theirs")
    out = calibrate(model, TIGRAY_ARTICLE, [report])[0]
    assert out.trace is None and out.confidence == 0.27


def test_the_extractor_traces_only_uncalibrated_reports() -> None:
    from conflictmap.events import Extractor

    text = "Rebels seized the town of Kidal on Sunday, residents said."
    article = Article("kidal2.txt", text, "2012-03-31",
                      Interval(date(2012, 3, 31), date(2012, 3, 31), 1), "en")
    raw = Extractor(calibrated=False).extract(article)
    assert raw and all(e.trace is not None for e in raw)
    trace = raw[0].trace
    assert trace is not None and text[trace.place_start:trace.place_end] == trace.written
    assert text[trace.trigger_start:trace.trigger_end] == "seized"
    assert all(e.trace is None for e in Extractor().extract(article))


@pytest.mark.parametrize(
    ("text", "written", "anaphoric"),
    [
        ("Rebels took Kidal. The town was quiet.", "The town", True),
        ("Rebellen namen Kidal in. De stad bleef rustig.", "De stad", True),
        ("The army said the town had fallen.", "the town", True),
        ("Rebels took Kidal on Sunday.", "Kidal", False),
        ("Rebels said so. Kidal fell on Sunday.", "Kidal", False),
        ("Soldiers left. Port Sudan was calm.", "Port Sudan", False),
    ],
)
def test_an_anaphor_at_a_sentence_start_is_one(text: str, written: str, anaphoric: bool) -> None:
    from conflictmap.confidence import _anaphoric

    assert _anaphoric(written, text, text.index(written)) is anaphoric
