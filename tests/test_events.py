"""The extractor on the sample articles (golden test) and its contract."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap.articles import read_articles
from conflictmap.consolidate import consolidate
from conflictmap.evaluate import evaluate, format_score
from conflictmap.events import Extractor
from conflictmap.model import Article, Change, Event, Interval, Place, PlaceKind, Status
from conflictmap.rules import RULES_DIR


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def samples(articles_dir: Path) -> list[Article]:
    return list(read_articles([articles_dir]))


@pytest.fixture(scope="module")
def reports(extractor: Extractor, samples: list[Article]) -> list[Event]:
    return [e for a in samples for e in extractor.extract(a)]


def _article(text: str, lang: str = "nl", day: date = date(2024, 12, 6)) -> Article:
    return Article(id="a.txt", text=text, published=day.isoformat(),
                   period=Interval(day, day, 1), lang=lang)


def test_events_golden_samples_precision_and_recall(reports: list[Event], gold_path: Path) -> None:
    score = evaluate(consolidate(reports), gold_path)
    report = format_score(score)
    assert score.precision >= 0.9, report
    assert score.recall >= 0.9, report
    assert all(m.date_overlap for m in score.matches), report


@pytest.mark.parametrize(("article_prefix", "place", "change"), [
    ("000", "Aleppo", Change.CAPTURE),
    ("002", "Aleppo", Change.CAPTURE),
    ("001", "Hama", Change.WITHDRAWAL),
    ("003", "Homs", Change.CONTESTED),
])
def test_events_golden_samples_key_reports(reports: list[Event], article_prefix: str, place: str,
                                           change: Change) -> None:
    found = [e for e in reports if e.sources[0].article.startswith(article_prefix)
             and place.lower() in e.place.name.lower() + e.sources[0].quote.lower()
             and e.change is change]
    assert found


def test_events_history_in_article_gets_its_own_year(reports: list[Event]) -> None:
    old = [e for e in reports if e.period.start.year == 2016]
    assert old and all(e.period == Interval(date(2016, 1, 1), date(2016, 12, 31), 4) for e in old)
    assert old[0].actor is not None and old[0].actor.id == "syria_gov"


def test_events_sources_point_at_their_sentence(reports: list[Event],
                                                 samples: list[Article]) -> None:
    texts = {a.id: a.text for a in samples}
    for event in reports:
        (source,) = event.sources
        assert texts[source.article][source.start:source.end] == source.quote
        assert source.rule.startswith(("nl.", "en."))


def test_events_regions_have_geo_precision_3(reports: list[Event]) -> None:
    regions = [e for e in reports if e.place.kind.value == "region"]
    assert regions and all(e.geo_precision == 3 for e in regions)


def test_events_version_is_a_hash_of_the_rules(tmp_path: Path, extractor: Extractor) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    assert Extractor(rules_dir=copy).version == extractor.version
    (copy / "nl.toml").write_text((copy / "nl.toml").read_text() + "\n# changed\n")
    assert Extractor(rules_dir=copy).version != extractor.version


def test_events_unknown_language_gives_nothing(extractor: Extractor) -> None:
    assert extractor.extract(_article("Rebellen namen Aleppo in.", lang="xx")) == []


def test_events_quiet_article_skips_toponyms(monkeypatch: pytest.MonkeyPatch) -> None:
    import conflictmap.toponyms as toponyms

    def boom(*args: object) -> list:
        raise AssertionError("find_places called for an article without triggers")

    monkeypatch.setattr(toponyms, "find_places", boom)
    assert Extractor(gazetteer=object()).extract(_article("Het regent in Aleppo.")) == []


@pytest.mark.parametrize(("text", "status"), [
    ("Rebellen namen Aleppo in, zeggen de rebellen.", Status.CLAIMED),
    ("Rebellen namen Aleppo in. Het leger ontkent dat.", Status.DISPUTED),
    ("Rebellen namen Aleppo in.", Status.REPORTED),
])
def test_events_status(extractor: Extractor, text: str, status: Status) -> None:
    (event,) = extractor.extract(_article(text + "\n\nSyrië"))
    assert event.status is status


def test_events_partial_control_is_part_of_town(extractor: Extractor) -> None:
    (event,) = extractor.extract(_article("Rebellen hebben delen van Homs ingenomen.\n\nSyrië"))
    assert (event.change, event.geo_precision) == (Change.CONTESTED, 2)


@pytest.mark.parametrize(("lang", "text", "geo"), [
    ("en", "M23 rebels have taken over Goma airport.", 2),
    ("en", "Rebels seized Goma's airport on Monday.", 2),
    ("en", "Rebels seized the airport in Goma.", 2),
    ("en", "Fighting raged near Goma.", 2),
    ("nl", "Bij Goma zijn zware gevechten uitgebroken.", 2),
    ("en", "Rebels seized Goma on Monday.", 1),
    ("en", "Fighting raged in Goma.", 1),
])
def test_events_sites_and_fighting_nearby_are_part_of_or_near_a_town(
        extractor: Extractor, lang: str, text: str, geo: int) -> None:
    """geo_precision 2 ("part of or near a town", EVENTS.md) for a site taken and for
    fighting near the town; 1 for the town itself."""
    events = extractor.extract(_article(f"{text}\n\nCongo", lang=lang))
    assert [e.geo_precision for e in events] == [geo]


def test_events_windows_do_not_read_cut_words(extractor: Extractor) -> None:
    """A check window that starts inside "crisis" reads no "is" (a passive that took the
    subject's role away), and one that ends inside "northern" no "nor"."""
    tail = " Russian troops and Wagner units under a new commander finally captured Bakhmut."
    start = len("Amid the crisis,") - len("is,")
    text = "Amid the crisis," + " " * (80 - (len("Amid the crisis,") - start)
                                      - tail.index("captured")) + tail
    assert text[text.index("captured") - 80:].startswith("is,")
    (event,) = extractor.extract(_article(f"{text}\n\nUkraine", lang="en"))
    assert event.actor is not None and event.actor.id == "russia"
    (event,) = extractor.extract(_article(
        "Jihadists seized the town of Djibo in northern Burkina Faso.", lang="en"))
    assert event.place.name == "Djibo"


def test_events_denial_elsewhere_disputes_the_claims(extractor: Extractor) -> None:
    text = ("Volgens Moskou is Pokrovsk gisteren ingenomen. Russische troepen zeggen dat de stad "
            "volledig in handen is. Kyiv ontkent dat.\n\nOekraïne")
    events = consolidate(extractor.extract(_article(text)))
    assert [(e.change, e.status) for e in events] == [(Change.CONTESTED, Status.DISPUTED)]


def test_events_fighting_before_a_change_is_part_of_it(extractor: Extractor) -> None:
    text = ("Er wordt hevig gevochten om Bakhmut. Gisteren hebben Russische troepen Bakhmut "
            "ingenomen.\n\nOekraïne")
    assert [e.change for e in extractor.extract(_article(text))] == [Change.CAPTURE]


def test_events_relative_clause_points_at_its_antecedent(extractor: Extractor) -> None:
    text = ("Pokrovsk ligt ten noordwesten van Donetsk, dat in 2014 door separatisten werd "
            "ingenomen.\n\nOekraïne")
    (event,) = extractor.extract(_article(text))
    assert "Donetsk" in event.place.name and event.period.start.year == 2014


WORDS = ["Hama", "Homs", "Aleppo", "de", "stad", "rebellen", "namen", "in", "het", "leger",
         "trok", "zich", "terug", "uit", ",", ".", "?", "\n", "gisteren", "2016", "die",
         "werd", "ingenomen", "door", "niet", "in handen van", "Syrië", "HTS", "captured",
         "the", "city", "fell", "to", "'", '"', "delen van", "ontkent", "zeggen"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.sampled_from(["nl", "en"]))
def test_events_never_crash_and_point_inside(extractor: Extractor, words: list[str],
                                             lang: str) -> None:
    text = " ".join(words)
    for event in extractor.extract(_article(text, lang=lang)):
        (source,) = event.sources
        assert text[source.start:source.end] == source.quote
        assert event.period.start <= event.period.end


@pytest.mark.parametrize(("text", "lang"), [
    ("Syrië\nRebellen namen Hama in. -\nDe president sprak.", "nl"),
    ("Syria\nRebels captured Hama. (\n\nDamascus said nothing.", "en"),
])
def test_events_line_ending_in_a_dash_or_bracket(extractor: Extractor, text: str,
                                                 lang: str) -> None:
    """A stop before " -" at a line's end: the line-by-line split agrees with the whole."""
    events = extractor.extract(_article(text, lang))
    assert [(e.change, e.place.name) for e in events] == [(Change.CAPTURE, "Hama")]
    assert events[0].sources[0].quote.endswith("in." if lang == "nl" else "Hama.")


_TOWNS = [Place(f"t:{i}", f"T{i}", PlaceKind.TOWN if i < 5 else PlaceKind.REGION, 12.0 + 0.03 * i,
                44.0 + (0.02 * i if i % 2 else 0.0), "YE", "", population)
          for i, population in enumerate((500_000, 40_000, 40_000, 900, 0, 80_000))]


@st.composite
def _district_events(draw: st.DrawFn) -> Event:
    start = date(2015, 3, 1) + timedelta(days=draw(st.integers(0, 30)))
    return Event(draw(st.sampled_from(list(Change))), draw(st.sampled_from(list(Status))),
                 draw(st.sampled_from(_TOWNS)),
                 Interval(start, start + timedelta(days=draw(st.integers(0, 12))), 2),
                 None, None, ())


@given(st.lists(_district_events(), max_size=12))
@settings(max_examples=300)
def test_events_district_of_taken_by_town_equals_every_pair(events: list[Event]) -> None:
    """Fighting in a district of a taken town, found from the takings grouped by town
    (bisection), is what the pair-by-pair rule finds."""
    from conflictmap.taken_districts import (
        district_of_taken,
        in_district_of_taken,
        takings_by_town,
    )

    changes = [e for e in events if e.change is not Change.CONTESTED]
    takings = takings_by_town(changes)
    for e in events:
        for named in (False, True):  # the report calls the place a district, or does not
            assert in_district_of_taken(e, takings, named) == any(
                district_of_taken(e, c, named) for c in changes)
