"""Merging reports across articles and the control timeline."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.consolidate import consolidate, control_timeline, in_range
from conflictmap.model import Actor, Change, Event, Interval, Place, PlaceKind, Source, Status

HAMA = Place("geonames:170017", "Hama", PlaceKind.TOWN, 35.13, 36.75, "SY")
REBELS = Actor("hts", "HTS", "syria_opposition")
ARMY = Actor("syria_gov", "Syrian government forces", "syria_gov", "state")
PLACEHOLDER = Actor("rebels", "rebels (unspecified)", "rebels")


def _event(change: Change, start: str, end: str, article: str, actor: Actor | None = None,
           loser: Actor | None = None, status: Status = Status.REPORTED) -> Event:
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    return Event(change, status, HAMA, Interval(a, b, 2), actor, loser,
                 (Source(article, start, "q", 0, 1),))


def test_consolidate_merges_reports_of_one_change() -> None:
    merged = consolidate([
        _event(Change.WITHDRAWAL, "2024-12-01", "2024-12-06", "a", loser=ARMY),
        _event(Change.CAPTURE, "2024-12-04", "2024-12-10", "a", actor=REBELS),
        _event(Change.CAPTURE, "2024-12-03", "2024-12-08", "b"),
    ])
    assert len(merged) == 1
    (event,) = merged
    assert event.change is Change.CAPTURE
    # The taking dates the change; the withdrawal report does not narrow it.
    assert (event.period.start, event.period.end) == (date(2024, 12, 4), date(2024, 12, 8))
    assert {s.article for s in event.sources} == {"a", "b"}
    assert (event.actor, event.losing_actor) == (REBELS, ARMY)


def _at(event: Event, start: int) -> Event:
    from dataclasses import replace

    return replace(event, sources=(replace(event.sources[0], start=start, end=start + 1),))


def test_consolidate_never_imposes_one_articles_type_on_another() -> None:
    # Article a says the army withdrew, b that the rebels took the town, c that they took
    # it back: three readings of one change, each source keeps its article's type.
    merged = consolidate([
        _event(Change.WITHDRAWAL, "2024-12-01", "2024-12-06", "a", loser=ARMY),
        _event(Change.CAPTURE, "2024-12-04", "2024-12-10", "b", actor=REBELS),
        _event(Change.RECAPTURE, "2024-12-04", "2024-12-10", "c", actor=REBELS),
        _event(Change.CAPTURE, "2024-12-05", "2024-12-09", "d", actor=REBELS),
    ])
    by_change = {e.change: {s.article for s in e.sources} for e in merged}
    assert by_change == {Change.WITHDRAWAL: {"a"}, Change.CAPTURE: {"b", "d"},
                         Change.RECAPTURE: {"c"}}


def test_consolidate_within_an_article_a_return_makes_a_recapture() -> None:
    # "Liberated" in the lead, "retook" later: the text says the place was taken back.
    back = consolidate([
        _at(_event(Change.CAPTURE, "2024-12-04", "2024-12-06", "a", actor=REBELS), 0),
        _at(_event(Change.RECAPTURE, "2024-12-04", "2024-12-06", "a", actor=REBELS), 200),
    ])
    assert [e.change for e in back] == [Change.RECAPTURE]
    # The entry and the withdrawal it follows: the taking is the type.
    taking = consolidate([
        _at(_event(Change.CAPTURE, "2024-12-04", "2024-12-06", "a", actor=REBELS), 300),
        _at(_event(Change.WITHDRAWAL, "2024-12-01", "2024-12-06", "a", loser=ARMY), 0),
    ])
    assert [e.change for e in taking] == [Change.CAPTURE]


def test_consolidate_keeps_contested_and_other_dates_apart() -> None:
    merged = consolidate([
        _event(Change.CAPTURE, "2024-12-01", "2024-12-06", "a"),
        _event(Change.CONTESTED, "2024-12-01", "2024-12-06", "b"),
        _event(Change.CAPTURE, "2016-01-01", "2016-12-31", "c"),
    ])
    assert len(merged) == 3


def test_consolidate_timeline_and_range() -> None:
    events = consolidate([
        _event(Change.CAPTURE, "2016-01-01", "2016-12-31", "a", actor=ARMY),
        _event(Change.CAPTURE, "2024-12-01", "2024-12-06", "b", actor=REBELS),
        _event(Change.CAPTURE, "2024-12-20", "2024-12-21", "c", actor=ARMY,
               status=Status.DISPUTED),
    ])
    spans = control_timeline(events)[HAMA.id]
    assert [(s.start, s.holder) for s in spans] == [(date(2016, 12, 31), ARMY),
                                                   (date(2024, 12, 6), REBELS)]
    window = Interval(date(2024, 1, 1), date(2024, 12, 31), 4)
    assert len(in_range(events, window)) == 2
    assert len(in_range(events, None)) == 3


def test_control_span_knows_when_its_change_may_have_begun() -> None:
    """A span starts when its event's interval ends (the change surely happened); ``since``
    is the interval's first day, from which the map shows the change as uncertain."""
    spans = control_timeline([
        _event(Change.CAPTURE, "2024-12-01", "2024-12-31", "a", actor=REBELS),
        _event(Change.CAPTURE, "2025-01-05", "2025-01-05", "b", actor=ARMY),
    ])[HAMA.id]
    assert [(s.since, s.start) for s in spans] == [(date(2024, 12, 1), date(2024, 12, 31)),
                                                  (date(2025, 1, 5), date(2025, 1, 5))]


def test_consolidate_withdrawal_just_before_a_capture_is_one_change() -> None:
    merged = consolidate([
        _event(Change.WITHDRAWAL, "2025-02-15", "2025-02-15", "a", loser=ARMY),
        _event(Change.CAPTURE, "2025-02-16", "2025-02-16", "a", actor=REBELS),
    ])
    assert len(merged) == 1
    assert merged[0].change is Change.CAPTURE
    assert merged[0].period.start == date(2025, 2, 16)


def test_consolidate_withdrawal_long_before_a_capture_stays_apart() -> None:
    merged = consolidate([
        _event(Change.WITHDRAWAL, "2025-01-01", "2025-01-02", "a", loser=ARMY),
        _event(Change.CAPTURE, "2025-02-16", "2025-02-16", "a", actor=REBELS),
    ])
    assert len(merged) == 2


def _naive_merge(reports: list[Event]) -> list[Event]:
    """The reference: scan every group for every report, each article's reports first,
    then the articles' readings."""
    from conflictmap.consolidate import _joins, _merge

    def scan(items: list[Event], across: bool) -> list[Event]:
        groups: list[Event] = []
        for report in sorted(items, key=lambda e: (e.period.start, e.period.end, e.id)):
            for i, group in enumerate(groups):
                if _joins(group, report, across):
                    groups[i] = _merge(group, report)
                    break
            else:
                groups.append(report)
        return groups

    def consensus(items: list[Event]) -> list[Event]:
        # the articles' readings: the most precise first, each into the joinable group of
        # most sources (the first made of those on a tie)
        groups: list[Event] = []
        for report in sorted(items, key=lambda e: (e.period.end - e.period.start,
                                                   e.period.start, e.period.end, e.id)):
            joinable = [i for i, group in enumerate(groups) if _joins(group, report, True)]
            if joinable:
                i = max(joinable, key=lambda i: len(groups[i].sources))
                groups[i] = _merge(groups[i], report)
            else:
                groups.append(report)
        return groups

    articles = sorted({r.sources[0].article for r in reports})
    if len(articles) <= 1:
        return scan(reports, False)
    readings = [e for a in articles
                for e in scan([r for r in reports if r.sources[0].article == a], False)]
    return consensus(readings)


def _report_strategy():
    from datetime import timedelta

    from hypothesis import strategies as st

    day = st.integers(min_value=0, max_value=60)
    width = st.integers(min_value=0, max_value=10)
    return st.builds(
        lambda change, start, wide, actor, n: _event(
            change, (date(2024, 1, 1) + timedelta(days=start)).isoformat(),
            (date(2024, 1, 1) + timedelta(days=start + wide)).isoformat(), f"a{n}.txt", actor),
        st.sampled_from(list(Change)), day, width,
        st.sampled_from([None, REBELS, ARMY, PLACEHOLDER]),
        st.integers(min_value=0, max_value=30))


def test_consolidate_linear_merge_equals_naive_scan() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from conflictmap.consolidate import _merge_place

    @settings(max_examples=150, deadline=None)
    @given(st.lists(_report_strategy(), max_size=25))
    def check(reports: list[Event]) -> None:
        assert _merge_place(list(reports)) == _naive_merge(list(reports))

    check()


def test_consolidate_named_group_wins_over_its_sides_umbrella_actor() -> None:
    rebels = Actor("syria_opposition", "Syrian opposition", "syria_opposition")
    generic = _event(Change.CAPTURE, "2024-11-28", "2024-12-06", "a.txt", rebels)
    named = _event(Change.CAPTURE, "2024-11-25", "2024-12-02", "b.txt", REBELS)
    other_side = _event(Change.CAPTURE, "2024-11-26", "2024-12-03", "c.txt", ARMY)
    (merged,) = consolidate([generic, named])
    assert merged.actor == REBELS
    assert {e.actor for e in consolidate([generic, other_side])} == {rebels, ARMY}


def test_consolidate_unspecified_rebels_are_any_non_state_side() -> None:
    """ "The insurgents took X" (no group named, no default for the war's country) and "HTS
    took X" the same week are one change, credited to the named group; a state's report
    of taking it is another."""
    unnamed = _event(Change.CAPTURE, "2024-11-28", "2024-12-06", "a.txt", PLACEHOLDER)
    jihadists = Actor("jihadists", "jihadists (unspecified)", "jihadists")
    also_unnamed = _event(Change.CAPTURE, "2024-11-27", "2024-12-04", "b.txt", jihadists)
    named = _event(Change.CAPTURE, "2024-11-25", "2024-12-02", "c.txt", REBELS)
    state = _event(Change.CAPTURE, "2024-11-26", "2024-12-03", "d.txt", ARMY)
    (merged,) = consolidate([unnamed, also_unnamed, named])
    assert merged.actor == REBELS
    assert {s.article for s in merged.sources} == {"a.txt", "b.txt", "c.txt"}
    assert {e.actor for e in consolidate([unnamed, state])} == {PLACEHOLDER, ARMY}
    # the losing side too: "driven out by unnamed rebels" and "lost to HTS"
    lost = _event(Change.WITHDRAWAL, "2024-11-28", "2024-12-06", "e.txt", loser=PLACEHOLDER)
    lost_named = _event(Change.WITHDRAWAL, "2024-11-28", "2024-12-06", "f.txt", loser=REBELS)
    (merged,) = consolidate([lost, lost_named])
    assert merged.losing_actor == REBELS


def test_consolidate_placeholder_sides_are_the_lexicons() -> None:
    from conflictmap.actors import default_lexicon
    from conflictmap.consolidate import UNSPECIFIED_SIDES

    lexicon = default_lexicon()
    for side in UNSPECIFIED_SIDES:
        actor = lexicon.get(side)
        assert actor is not None and actor.side == side and actor.kind == "non_state"
        assert "unspecified" in actor.name


def test_consolidate_a_side_that_gains_and_a_side_that_loses_are_two_changes() -> None:
    # "The rebels occupied the town for ten days before they withdrew": the rebels gain it
    # and lose it in one month; merging would leave one capture and hide the withdrawal.
    merged = consolidate([
        _event(Change.CAPTURE, "2012-11-01", "2012-11-30", "a", actor=REBELS),
        _event(Change.WITHDRAWAL, "2012-11-01", "2012-11-30", "a", loser=REBELS),
    ])
    assert sorted(e.change.value for e in merged) == ["capture", "withdrawal"]


def test_one_article_names_allied_non_state_gainers_of_one_change() -> None:
    """"Turkish-backed rebels seize X" and "units of the Free Syrian Army entered X" in one
    article are one capture; two articles' differing gainers stay apart."""
    backed = Actor("sna", "Syrian National Army", "sna", "non_state")
    one = consolidate([_event(Change.CAPTURE, "2024-12-01", "2024-12-02", "a", actor=REBELS),
                       _event(Change.CAPTURE, "2024-12-01", "2024-12-07", "a", actor=backed)])
    assert len(one) == 1
    two = consolidate([_event(Change.CAPTURE, "2024-12-01", "2024-12-02", "a", actor=REBELS),
                       _event(Change.CAPTURE, "2024-12-01", "2024-12-07", "b", actor=backed)])
    assert len(two) == 2
    state = consolidate([_event(Change.CAPTURE, "2024-12-01", "2024-12-02", "a", actor=REBELS),
                         _event(Change.CAPTURE, "2024-12-01", "2024-12-07", "a", actor=ARMY)])
    assert len(state) == 2


def test_consolidate_loser_confirms_its_withdrawal_a_day_later() -> None:
    """'The army retook X on Wednesday'; 'the rebels confirmed on Thursday they had
    withdrawn from X': one change within one article; across articles, two readings."""
    merged = consolidate([
        _event(Change.RECAPTURE, "2025-02-12", "2025-02-12", "a", actor=ARMY, loser=REBELS),
        _event(Change.WITHDRAWAL, "2025-02-13", "2025-02-13", "a", loser=REBELS),
    ])
    assert len(merged) == 1 and merged[0].change is Change.RECAPTURE
    apart = consolidate([
        _event(Change.RECAPTURE, "2025-02-12", "2025-02-12", "a", actor=ARMY, loser=REBELS),
        _event(Change.WITHDRAWAL, "2025-02-20", "2025-02-20", "a", loser=REBELS),
    ])
    assert len(apart) == 2


def test_consolidate_the_takers_own_withdrawal_days_later_stays_apart() -> None:
    """'Rebels took X on Wednesday'; 'the rebels withdrew from X on Friday': two changes."""
    merged = consolidate([
        _event(Change.CAPTURE, "2025-02-12", "2025-02-12", "a", actor=REBELS),
        _event(Change.WITHDRAWAL, "2025-02-14", "2025-02-14", "a", loser=REBELS),
    ])
    assert len(merged) == 2


def test_consolidate_a_taking_known_to_the_month_and_a_leaving_after_it_stay_apart() -> None:
    """'The group briefly held the city in November 2012 before pulling out in early
    December' (the leaver unnamed): the taking is known only to the month, so the leaving
    right after it is the taker's own, not the loser confirming a taking of days before."""
    merged = consolidate([
        _event(Change.CAPTURE, "2012-11-01", "2012-11-30", "a", actor=REBELS),
        _event(Change.WITHDRAWAL, "2012-12-01", "2012-12-10", "a"),
    ])
    assert len(merged) == 2
    confirmed = consolidate([
        _event(Change.CAPTURE, "2012-11-28", "2012-11-30", "a", actor=REBELS),
        _event(Change.WITHDRAWAL, "2012-12-01", "2012-12-01", "a"),
    ])
    assert len(confirmed) == 1


def test_consolidate_one_sides_taking_told_twice_days_apart_is_one_change() -> None:
    # "took Walikale on March 19"; "withdrew on Friday, two weeks after seizing it" (counted
    # to March 21): one article, one side, nothing between: one capture, dated by the span
    # of both estimates; a group's name and the placeholder "rebels" are one side.
    for other in (REBELS, PLACEHOLDER):
        merged = consolidate([
            _event(Change.CAPTURE, "2025-03-19", "2025-03-19", "a", actor=REBELS),
            _at(_event(Change.CAPTURE, "2025-03-21", "2025-03-21", "a", actor=other), 50),
        ])
        assert [(e.change, e.period.start, e.period.end, len(e.sources)) for e in merged] == [
            (Change.CAPTURE, date(2025, 3, 19), date(2025, 3, 21), 2)]
    # Two articles' readings keep their own dates; and another side's taking is another.
    apart = consolidate([
        _event(Change.CAPTURE, "2025-03-19", "2025-03-19", "a", actor=REBELS),
        _event(Change.CAPTURE, "2025-03-21", "2025-03-21", "b", actor=REBELS),
    ])
    assert len(apart) == 2
    assert len(consolidate([
        _event(Change.CAPTURE, "2025-03-19", "2025-03-19", "a", actor=REBELS),
        _at(_event(Change.RECAPTURE, "2025-03-21", "2025-03-21", "a", actor=ARMY), 50),
    ])) == 2


def test_consolidate_one_articles_fighting_for_a_place_is_one_fight() -> None:
    # "stormed Hama on Tuesday"; "were still battling the army there on
    # Monday" (the second names the other side as its actor): one contested event
    merged = consolidate([
        _event(Change.CONTESTED, "2024-12-03", "2024-12-03", "a", REBELS),
        _event(Change.CONTESTED, "2024-12-09", "2024-12-09", "a", ARMY),
    ])
    assert len(merged) == 1
    assert merged[0].period == Interval(date(2024, 12, 3), date(2024, 12, 9), 2)


def test_consolidate_fighting_weeks_apart_or_in_two_articles_stays_apart() -> None:
    assert len(consolidate([
        _event(Change.CONTESTED, "2024-12-01", "2024-12-01", "a"),
        _event(Change.CONTESTED, "2024-12-20", "2024-12-20", "a"),
    ])) == 2
    assert len(consolidate([
        _event(Change.CONTESTED, "2024-12-03", "2024-12-03", "a"),
        _event(Change.CONTESTED, "2024-12-09", "2024-12-09", "b"),
    ])) == 2


# actors.toml [allies] (helper f7): two allied sides' gainers of one place in one article are
# one change; sides that are not allies, or reports of two articles, stay apart.
TURKEY = Actor("turkey", "Turkish armed forces", "turkey", "state")
FSA = Actor("syria_opposition", "Syrian opposition forces", "syria_opposition", "non_state")
RWANDA = Actor("rwanda", "Rwanda Defence Force", "rwanda", "state")
MOZ = Actor("mozambique_gov", "Mozambican army", "mozambique_gov", "state")




# helper a9: the Malian army and Russia's Wagner/Africa Corps took towns together (Kidal, Anefis
# 2023): one article's "Malian troops retook Kidal" and "Wagner fighters rolled into Kidal" are one
# recapture.
FAMA = Actor("fama", "Malian Armed Forces (FAMa)", "mali_gov", "state")
WAGNER = Actor("wagner", "Wagner Group / Africa Corps", "russia", "non_state")


def test_malian_army_and_wagner_in_one_article_are_one_change() -> None:
    merged = consolidate([_event(Change.RECAPTURE, "2023-11-08", "2023-11-15", "a", FAMA),
                          _event(Change.CAPTURE, "2023-11-14", "2023-11-14", "a", WAGNER)])
    assert len(merged) == 1 and merged[0].change is Change.RECAPTURE


# helper ty13: states that fought as one coalition in another's war (France with the Malian
# army in 2013, Eritrea with Ethiopia's federal army in Tigray, the US with the Iraqi army and
# the SDF, Kenya with Somalia's army): one article's two gainers of one place are one change.
FRANCE = Actor("france", "French armed forces", "france", "state")
ERITREA = Actor("eritrea", "Eritrean Defence Forces", "eritrea", "state")
ETHIOPIA = Actor("ethiopia_gov", "Ethiopian National Defense Force", "ethiopia_gov", "state")
KENYA = Actor("kenya", "Kenya Defence Forces", "kenya", "state")
SOMALIA = Actor("somalia_gov", "Somali National Army", "somalia_gov", "state")




# helper si13: the Saudi-led coalition and the Yemeni government's troops ("Coalition says Yemeni
# troops have taken Hodeidah airport"; "the coalition's forces have liberated the airport"): one
# article's two readings of one taking are one change.
SAUDI = Actor("saudi", "Saudi-led coalition", "saudi", "state")
YEMEN = Actor("yemen_gov", "Yemeni government forces", "yemen_gov", "state")
UAE = Actor("uae", "United Arab Emirates armed forces", "uae", "state")


# One article's two gainers of one place are one change when their sides are allies
# (actors.toml [allies]); sides that are not allies, or the reports of two articles, stay
# apart. Rows: first gainer, its days, second gainer, its days, the second's article, the
# change, how many events.
ALLIED_ROWS = [
    (TURKEY, ("2018-03-11", "2018-03-18"), FSA, ("2018-03-18", "2018-03-18"), "a", "capture", 1),
    (RWANDA, ("2021-08-02", "2021-08-09"), MOZ, ("2021-08-08", "2021-08-08"), "a", "capture", 1),
    (FRANCE, ("2013-01-21", "2013-01-21"), FAMA, ("2013-01-21", "2013-01-21"), "a", "capture", 1),
    (ERITREA, ("2013-01-21", "2013-01-21"), ETHIOPIA, ("2013-01-21", "2013-01-21"), "a",
     "capture", 1),
    (KENYA, ("2013-01-21", "2013-01-21"), SOMALIA, ("2013-01-21", "2013-01-21"), "a",
     "capture", 1),
    (SAUDI, ("2018-06-14", "2018-06-21"), YEMEN, ("2018-06-20", "2018-06-20"), "a", "capture", 1),
    (UAE, ("2015-07-14", "2015-07-14"), YEMEN, ("2015-07-10", "2015-07-17"), "a", "recapture", 1),
    # sides that are no allies
    (TURKEY, ("2018-03-11", "2018-03-18"), ARMY, ("2018-03-18", "2018-03-18"), "a", "capture", 2),
    (FRANCE, ("2013-01-21", "2013-01-21"), ETHIOPIA, ("2013-01-21", "2013-01-21"), "a",
     "capture", 2),
    (SAUDI, ("2018-06-14", "2018-06-21"), TURKEY, ("2018-06-20", "2018-06-20"), "a", "capture", 2),
    # allies in two articles
    (TURKEY, ("2018-03-11", "2018-03-18"), FSA, ("2018-03-18", "2018-03-18"), "b", "capture", 2),
    (FRANCE, ("2013-01-21", "2013-01-21"), FAMA, ("2013-01-21", "2013-01-21"), "b", "capture", 2),
    (SAUDI, ("2018-06-14", "2018-06-21"), YEMEN, ("2018-06-20", "2018-06-20"), "b", "capture", 2),
]


@pytest.mark.parametrize(("first", "first_days", "second", "second_days", "article", "change",
                          "count"), ALLIED_ROWS)
def test_allied_gainers_of_one_article_are_one_change(
        first: Actor, first_days: tuple[str, str], second: Actor, second_days: tuple[str, str],
        article: str, change: str, count: int) -> None:
    kind = Change(change)
    assert len(consolidate([_event(kind, *first_days, "a", first),
                            _event(kind, *second_days, article, second)])) == count


def test_consolidate_month_reading_joins_the_days_most_articles_give() -> None:
    # three articles date the fall to 14 February; one misreads it as late January; one
    # knows only "February": that one joins the three (its interval then 14 February), not
    # the outlier it overlaps first in date order
    merged = consolidate([
        _event(Change.CAPTURE, "2025-01-26", "2025-01-31", "outlier", actor=REBELS),
        _event(Change.CAPTURE, "2025-01-26", "2025-02-23", "month", actor=REBELS),
        *(_event(Change.CAPTURE, "2025-02-14", "2025-02-14", f"day{i}", actor=REBELS)
          for i in range(3)),
    ])
    by_article = {s.article: e for e in merged for s in e.sources}
    assert by_article["month"] is by_article["day0"]
    assert by_article["month"].period == Interval(date(2025, 2, 14), date(2025, 2, 14), 1)
    assert by_article["outlier"].period.end == date(2025, 1, 31)


def test_consolidate_keeps_the_point_of_the_earliest_report() -> None:
    # one id, two points (an airport told by its town): the merged event stands where the
    # report of earliest date put it, whichever report is the most precise
    from dataclasses import replace

    there = replace(HAMA, lat=HAMA.lat + 0.2)
    wide = _event(Change.CAPTURE, "2024-12-01", "2024-12-06", "a", actor=REBELS)
    day = replace(_event(Change.CAPTURE, "2024-12-05", "2024-12-05", "b", actor=REBELS),
                  place=there)
    (event,) = consolidate([day, wide])
    assert event.place == HAMA
    assert {s.article for s in event.sources} == {"a", "b"}
