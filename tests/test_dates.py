"""Date intervals from the article's period and the sentence's time words."""

from __future__ import annotations

import re
from datetime import date

import pytest

from conflictmap.date_choice import resolve_interval
from conflictmap.dates import find_dates, state_bound
from conflictmap.model import Interval

DAY = Interval(date(2024, 2, 20), date(2024, 2, 20), 1)  # a Tuesday
MONTH = Interval(date(2024, 2, 1), date(2024, 2, 29), 3)


def _d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(("lang", "sentence", "start", "end"), [
    ("nl", "Vandaag viel de stad.", "2024-02-20", "2024-02-20"),
    ("nl", "Gisteren namen ze de stad in.", "2024-02-19", "2024-02-19"),
    ("nl", "Eergisteren namen ze de stad in.", "2024-02-18", "2024-02-18"),
    ("nl", "Afgelopen nacht viel de stad.", "2024-02-19", "2024-02-20"),
    ("nl", "Vannacht viel de stad.", "2024-02-19", "2024-02-20"),
    ("nl", "Donderdag trok het leger zich terug.", "2024-02-15", "2024-02-15"),
    ("nl", "Op zaterdag trok het leger zich terug.", "2024-02-17", "2024-02-17"),
    ("nl", "Vorige week nam HTS de stad in.", "2024-02-12", "2024-02-19"),
    ("nl", "Een week geleden nam HTS de stad in.", "2024-02-11", "2024-02-15"),
    ("nl", "De afgelopen dagen vielen steden.", "2024-02-10", "2024-02-20"),
    ("nl", "Sinds woensdag is de stad in handen.", "2024-02-14", "2024-02-20"),
    ("nl", "Begin deze maand viel de stad.", "2024-02-01", "2024-02-10"),  # first ten days
    ("nl", "Op 6 december viel de stad.", "2023-12-06", "2023-12-06"),
    ("nl", "Op 6 december 2023 viel de stad.", "2023-12-06", "2023-12-06"),
    ("nl", "In december 2023 viel de stad.", "2023-12-01", "2023-12-31"),
    ("nl", "In 2016 werden de rebellen verdreven.", "2016-01-01", "2016-12-31"),
    ("nl", "Eind 2016 werden de rebellen verdreven.", "2016-08-31", "2016-12-31"),
    ("nl", "Vorige maand viel de stad.", "2024-01-01", "2024-01-31"),
    ("nl", "De stad viel.", "2024-02-13", "2024-02-20"),
    ("nl", "In het weekend viel de stad.", "2024-02-17", "2024-02-18"),
    ("nl", "Afgelopen weekend viel de stad.", "2024-02-17", "2024-02-18"),
    ("nl", "Eind vorige maand viel de stad.", "2024-01-21", "2024-01-31"),
    ("nl", "Begin februari viel de stad.", "2024-02-01", "2024-02-10"),
    ("en", "The town fell over the weekend.", "2024-02-17", "2024-02-18"),
    ("en", "The town fell on Feb. 12.", "2024-02-12", "2024-02-12"),
    ("en", "The town fell late last month.", "2024-01-21", "2024-01-31"),
    ("en", "The town fell in February.", "2024-02-01", "2024-02-20"),
    ("en", "Yesterday the town fell.", "2024-02-19", "2024-02-19"),
    ("en", "On Tuesday the town fell.", "2024-02-20", "2024-02-20"),
    ("en", "Last week the army retook it.", "2024-02-12", "2024-02-19"),
    ("en", "Earlier this month the army retook it.", "2024-02-01", "2024-02-20"),
    ("en", "They took it on December 6.", "2023-12-06", "2023-12-06"),
    ("en", "They took it in 2014.", "2014-01-01", "2014-12-31"),
    ("en", "Three days ago they took it.", "2024-02-16", "2024-02-18"),
    ("en", "They may take it.", "2024-02-13", "2024-02-20"),
    # ordinals with "of", and dates in figures (day first, as Dutch and British news write
    # them; a second number over 12 is read month first; ISO)
    ("en", "They took it on the 12th of February.", "2024-02-12", "2024-02-12"),
    ("en", "They took it on 12/02/2024.", "2024-02-12", "2024-02-12"),
    ("en", "They took it on 02/01/2024.", "2024-01-02", "2024-01-02"),
    ("en", "They took it on 2/13/2024.", "2024-02-13", "2024-02-13"),
    ("en", "They took it on 2024-02-12.", "2024-02-12", "2024-02-12"),
    ("nl", "Op 12-2-2024 namen ze de stad in.", "2024-02-12", "2024-02-12"),
    ("nl", "Op 12.02.2024 namen ze de stad in.", "2024-02-12", "2024-02-12"),
    # years ago: the year; to the day ("exactly", "to the day", "precies"): that day
    ("en", "Exactly a year ago the army retook the town.", "2023-02-20", "2023-02-20"),
    ("en", "Ten years ago to the day, rebels seized the city.", "2014-02-20", "2014-02-20"),
    ("en", "Precisely two years ago the militia left the port.", "2022-02-20", "2022-02-20"),
    ("nl", "Precies tien jaar geleden viel de stad.", "2014-02-20", "2014-02-20"),
    ("nl", "Vandaag precies een jaar geleden heroverde het leger de stad.", "2023-02-20",
     "2023-02-20"),
    ("nl", "Tien jaar geleden op de dag af trok het leger zich terug.", "2014-02-20",
     "2014-02-20"),
    ("en", "Ten years ago rebels seized the city.", "2014-01-01", "2014-12-31"),
    ("nl", "Tien jaar geleden viel de stad.", "2014-01-01", "2014-12-31"),
    # not dates: a version number, an impossible date
    ("en", "Version 1.2.2024.5 of the app was released.", "2024-02-13", "2024-02-20"),
    ("en", "They took it on 13/13/2024.", "2024-02-13", "2024-02-20"),
])
def test_dates_day_article(lang: str, sentence: str, start: str, end: str) -> None:
    interval = resolve_interval(sentence, DAY, lang)
    assert (interval.start, interval.end) == (_d(start), _d(end))


@pytest.mark.parametrize(("sentence", "start", "end"), [
    ("Gisteren namen ze de stad in.", "2024-01-31", "2024-02-28"),
    ("Vorige week nam HTS de stad in.", "2024-01-18", "2024-02-29"),
    ("Donderdag trok het leger zich terug.", "2024-02-01", "2024-02-29"),
    ("De stad viel.", "2024-01-25", "2024-02-29"),
    ("In 2016 viel de stad.", "2016-01-01", "2016-12-31"),
])
def test_dates_month_article_stays_wide(sentence: str, start: str, end: str) -> None:
    interval = resolve_interval(sentence, MONTH, "nl")
    assert (interval.start, interval.end) == (_d(start), _d(end))
    assert interval.start <= MONTH.end


@pytest.mark.parametrize(("text", "precision"), [
    ("In 2016 viel de stad.", 4), ("In maart 2016 viel de stad.", 3),
    ("Gisteren viel de stad.", 1), ("De stad viel.", 2),
])
def test_dates_precision(text: str, precision: int) -> None:
    assert resolve_interval(text, DAY, "nl").precision == precision


def test_dates_nearest_expression_to_the_trigger_wins() -> None:
    sentence = "Vorige week nam HTS Aleppo in, dat in 2016 door het regime werd heroverd."
    anchor = (sentence.index("heroverd"), sentence.index("heroverd") + 8)
    assert resolve_interval(sentence, DAY, "nl", anchor=anchor).start == date(2016, 1, 1)
    assert resolve_interval(sentence, DAY, "nl", anchor=(16, 19)).start == date(2024, 2, 12)


def test_dates_then_refers_to_the_previous_date() -> None:
    previous = Interval(date(2016, 1, 1), date(2016, 12, 31), 4)
    assert resolve_interval("Toen kwam de stad in handen van de regering.", DAY, "nl",
                            previous=previous) == previous


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [("De stad werd in 2031 ingenomen.", "nl"), ("The town was taken in March 2030.", "en")],
)
def test_dates_expression_after_the_article_is_not_the_event_date(sentence, lang):
    from conflictmap.date_choice import default_interval

    period = Interval(date(2024, 5, 1), date(2024, 5, 31), 3)
    assert resolve_interval(sentence, period, lang) == default_interval(period)


FRIDAY = Interval(date(2024, 5, 10), date(2024, 5, 10), 1)


@pytest.mark.parametrize(("lang", "sentence", "start", "end"), [
    # a weekday of last week, not of this one ("donderdag" alone is yesterday)
    ("nl", "Vorige week donderdag viel de stad.", "2024-05-02", "2024-05-02"),
    ("nl", "Afgelopen week maandag viel de stad.", "2024-04-29", "2024-04-29"),
    ("en", "Last week Thursday the town fell.", "2024-05-02", "2024-05-02"),
    ("nl", "Donderdag viel de stad.", "2024-05-09", "2024-05-09"),
    ("nl", "Vorige week viel de stad.", "2024-04-29", "2024-05-09"),  # as before
])
def test_dates_weekday_of_last_week(lang: str, sentence: str, start: str, end: str) -> None:
    interval = resolve_interval(sentence, FRIDAY, lang)
    assert (interval.start, interval.end) == (_d(start), _d(end))


def test_dates_sentence_read_again_gives_a_list_of_its_own() -> None:
    """A sentence read again (an event's readers read it more than once) gives the same
    dates in a list of its own, and a long text is read whole."""
    period = Interval(date(2024, 3, 8), date(2024, 3, 8), 1)
    first = find_dates("Rebels took the town yesterday.", period, "en")
    first.append(first[0])
    again = find_dates("Rebels took the town yesterday.", period, "en")
    assert len(again) == 1 and again is not first
    assert again[0].interval == Interval(date(2024, 3, 7), date(2024, 3, 7), 1)
    long = "Nothing happened here. " * 100 + "Rebels took it on 3 March."
    assert [d.interval.start for d in find_dates(long, period, "en")] == [date(2024, 3, 3)]


@pytest.mark.parametrize(("lang", "sentence", "month", "year"), [
    # a since-year is the last one a month without its year takes
    ("en", "It fell in March 2018, its biggest loss since 2001, and was retaken in April "
           "that year.", "April", 2018),
    ("nl", "De stad viel in maart 2018, het grootste verlies sinds 2001, en werd in april "
           "van dat jaar heroverd.", "april", 2018),
    # ... but the year it takes when no other is named
    ("en", "The rebels have held it since 2014 and seized the airport in June of that year.",
     "June", 2014),
    ("nl", "De rebellen houden de stad sinds 2014 en namen in juni van dat jaar het vliegveld.",
     "juni", 2014),
])
def test_dates_a_since_year_lends_its_year_last(lang: str, sentence: str, month: str,
                                                 year: int) -> None:
    found = [m for m in find_dates(sentence, DAY, lang) if month in sentence[m.start:m.end]]
    assert [m.interval.start.year for m in found] == [year]


@pytest.mark.parametrize(("lang", "text", "bound"), [
    ("en", "for the first time since 1993", True),
    ("en", "the biggest base until 2011", True),
    ("en", "captured in 1993", False),
    ("nl", "voor het eerst sinds 1993", True),
    ("nl", "sinds de zomer", True),
    ("nl", "in 1993 ingenomen", False),
])
def test_dates_state_bound_marks_since_and_until(lang: str, text: str, bound: bool) -> None:
    year = next(m for m in re.finditer(r"\d{4}|zomer", text))
    assert state_bound(text, year.start(), lang) is bound
