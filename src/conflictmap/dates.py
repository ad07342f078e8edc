"""Resolve the date interval of a reported change from the article's period and time words.

The article's ``period`` is one day (the header gives a day) or a whole month (only
YYYY-MM). Every relative expression is applied to both ends of that period, so a
month-only article keeps an honest, wide interval ("gisteren" in a December article is
[30 Nov, 30 Dec]). The time words of each language are data (``[dates]`` in the rules
file); this module only does the arithmetic.

Rules, with P = [s, e] the article's period:

* today / "op dit moment": P; yesterday: P - 1 day; the day before: P - 2; last night: [s-1, e]
* a weekday: its last occurrence on or before the publication date (for a month-only
  period, every such weekday from s-6 to e); "sinds woensdag": from that day to e
* last week: [Monday before s's week, e-1] for a day, [s-14, e] for a month;
  this week: [Monday of s's week, e]; a week ago: [s-9, e-5]; N days/weeks ago likewise
* "afgelopen dagen"/recently: [s-10, e]; past weeks: [s-28, e]
* this month / earlier this month: [first of s's month, e]; last month / last year: that span
* explicit dates: "6 december 2024", "on December 6" (year from P), "december 2023",
  "in 2016", "eind 2016" (Sep-Dec), "begin 2016" (Jan-Apr), "medio 2016" (May-Aug)
* seasons: "de zomer van 2014" that year's (spring Mar-May, summer Jun-Sep, autumn
  Sep-Nov, winter Dec-Feb); "vorige zomer" the last one ended before P; "in het voorjaar"
  the last one begun by e
* "toen"/"then": the interval of the previous dated sentence, when given
* nothing: [s-7, e] -- a report in the perfect or past tense tells of the last week
  (``date_choice.default_interval``)

Which of a sentence's expressions dates a change (the one nearest the trigger) is chosen in
``date_choice.py``.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from conflictmap.model import Interval
from conflictmap.monthyears import OF_YEAR, relative_clauses, winter_end, years_for_months
from conflictmap.relative_days import relative as _relative
from conflictmap.rules import DateWords, Words, load_language
from conflictmap.rules.literals import Guarded, Scanner

log = logging.getLogger(__name__)

DEFAULT_LOOKBACK_DAYS = 7
_YEAR = r"(?:19|20)\d{2}"


@dataclass(frozen=True, slots=True)
class DateMention:
    """A time expression in a sentence and the interval it allows."""

    start: int
    end: int
    interval: Interval
    explicit: bool
    since: bool = False  # after "sinds"/"since": when a state began, not a change's date
    anaphoric: bool = False  # "toen"/"then": the date of the sentence before
    year_guessed: bool = False  # a month named without its year ("in maart")


@dataclass(frozen=True, slots=True)
class _Compiled:
    words: DateWords
    weekday: Guarded
    full_date: Guarded
    numeric_date: Guarded  # 8/12/2024, 8-12-2024, 2024-12-08
    month_year: Guarded
    bare_month: Guarded
    since_month: Guarded  # "sinds april", "since late May"
    any_month: Guarded  # a month name alone; "last December" when season_last is before it
    year: Guarded
    qualifiers: tuple[Guarded, Guarded, Guarded]
    relatives: tuple[tuple[str, Guarded], ...]
    qualifier_before: Guarded  # begin/end/mid right before a relative expression
    since_before: Guarded  # "sinds", "since (late)" right before an expression
    relative_words: Scanner  # the relatives whose words a sentence holds, in one scan
    lists: Words  # the rules file's [words]: "summer of 2014", "June of 2014"


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


_QUALIFIABLE = frozenset(("last_month", "last_year", "this_year"))
_RELATIVE_KEYS = ("today", "yesterday", "day_before_yesterday", "last_night", "this_week",
                  "weekend", "last_week", "week_ago", "weeks_ago", "days_ago", "past_days",
                  "past_weeks", "month_begin", "month_start", "month_end", "last_month",
                  "last_year", "this_year", "years_ago", "month_ago", "months_ago")


@lru_cache(maxsize=16)
def _compiled(lang: str, rules_dir: Path | None = None) -> _Compiled:
    words, lists = load_language(lang, rules_dir).dates, load_language(lang, rules_dir).words
    of, ordinal, in_, article = (lists.alternation(k) for k in (
        "of", "ordinal_suffix", "month_preposition", "article"))
    month_names = "|".join(sorted(set(words.months + words.month_abbreviations), key=len,
                                  reverse=True))
    months = rf"(?P<m>{month_names})\.?"
    days = "|".join(words.weekdays)
    since = words.get("since").pattern
    suffix = words.get("weekday_suffix").pattern
    begin, end, mid = (words.get(k).pattern for k in ("year_begin", "year_end", "year_mid"))
    first, second = (words.get(k).pattern for k in ("first_half", "second_half"))
    qualifier = (rf"(?:(?P<qb>{begin})|(?P<qe>{end})|(?P<qm>{mid})|(?P<q1>{first})"
                 rf"|(?P<q2>{second}))")
    flags = re.IGNORECASE
    return _Compiled(
        words=words,
        weekday=_guarded(rf"(?:(?P<since>{since})\s+)?\b(?P<wd>{days}){suffix}\b", flags),
        full_date=_guarded(
            rf"\b(?P<d>\d{{1,2}}){ordinal}?\s+(?:{of}\s+)?{months}(?:\s+(?P<y>{_YEAR}))?\b|"
            rf"\b(?P<m2>{month_names})\.?\s+(?P<d2>\d{{1,2}}){ordinal}?\b"
            rf"(?:,?\s+(?P<y2>{_YEAR}))?", flags),
        numeric_date=_NUMERIC_DATE,
        month_year=_guarded(rf"(?:{qualifier}\s*)?\b{months}\s+(?P<y>{_YEAR})\b", flags),
        bare_month=_guarded(rf"(?:{qualifier}|\b{in_}\b|{words.get('month_before').pattern})"
                            rf"\s*\b(?P<m>{month_names})\b"
                            rf"(?!\.?\s*\d)\.?", flags),  # not "Dec. 8"
        any_month=_guarded(rf"\b(?P<m>{month_names})\b(?!\.?\s*\d)", flags),
        since_month=_guarded(rf"(?:{since})\s+(?:{qualifier}\s*)?\b(?P<m>{month_names})\b"
                             rf"(?!\.?\s*\d)\.?", flags),
        year=_guarded(rf"(?:{qualifier}|(?P<qi>{words.get('year_in').pattern}))\s*"
                      rf"(?:{of}\s+)?(?P<y>{_YEAR})\b", flags),
        qualifiers=(_guarded(begin, flags), _guarded(end, flags), _guarded(mid, flags)),
        qualifier_before=_guarded(rf"{qualifier}\s*$", flags),
        # "since the spring", "sinds de zomer": a season after its article
        since_before=_guarded(rf"(?:(?:{since})\s+(?:(?:{article})\s+)?(?:{begin}|{end}|{mid})?|"
                              rf"{words.get('since_start').pattern}|"
                              rf"{words.get('since_clause').pattern})\s*$", flags),
        relatives=tuple((key, words.get(key)) for key in _RELATIVE_KEYS),
        relative_words=Scanner([words.get(k).required for k in _RELATIVE_KEYS]),
        lists=lists,
    )


def _guarded(pattern: str, flags: int) -> Guarded:
    """Compiled, and checked for its literals before each search (rules.literals.Guarded)."""
    return Guarded(re.compile(pattern, flags))


def _month_number(words: DateWords, name: str) -> int:
    name = name.lower().rstrip(".")
    if name in words.months:
        return words.months.index(name) + 1
    return words.month_abbreviations.index(name) + 1


def _qualified(match: re.Match[str], start: date, end: date) -> tuple[date, date]:
    """Narrow [start, end] by begin/end/mid qualifiers: a third of the span each; by "the
    first/second half of": its half."""
    third = max(1, ((end - start).days + 1) // 3)
    half = max(1, ((end - start).days + 2) // 2)  # rounded up: the middle day in both
    if match.groupdict().get("q1"):
        return start, start + timedelta(days=half - 1)
    if match.groupdict().get("q2"):
        return end - timedelta(days=half - 1), end
    if match.groupdict().get("qb"):
        return start, start + timedelta(days=third)
    if match.groupdict().get("qe"):
        return end - timedelta(days=third), end
    if match.groupdict().get("qm"):
        return start + timedelta(days=third - 1), end - timedelta(days=third - 1)
    return start, end


def _guess_year(month: int, day: int, period: Interval) -> int:
    year = period.end.year
    try:
        if date(year, month, day) > period.end:
            year -= 1
    except ValueError:
        year -= 1
    return year


def _weekday_span(weekday: int, period: Interval) -> tuple[date, date]:
    last = period.end - timedelta(days=(period.end.weekday() - weekday) % 7)
    if period.start == period.end:
        return last, last
    first_possible = period.start - timedelta(days=6)
    first = first_possible + timedelta(days=(weekday - first_possible.weekday()) % 7)
    return first, last


def _days_before(period: Interval, weekday: int) -> tuple[date, date]:
    """That weekday in the calendar week before the one the article appeared in."""
    monday_start = period.start - timedelta(days=period.start.weekday() + 7)
    monday_end = period.end - timedelta(days=period.end.weekday() + 7)
    return monday_start + timedelta(days=weekday), monday_end + timedelta(days=weekday)


def _explicit(compiled: _Compiled, sentence: str, period: Interval) -> list[DateMention]:
    words = compiled.words
    found: list[DateMention] = []
    if _DIGIT.search(sentence) is None:  # every pattern but a bare month needs a digit
        return _bare_months(compiled, sentence, period, found)
    for m in compiled.full_date.finditer(sentence):
        month = _month_number(words, m.group("m") or m.group("m2"))
        day = int(m.group("d") or m.group("d2"))
        year_text = m.group("y") or m.group("y2")
        year = int(year_text) if year_text else _guess_year(month, day, period)
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        found.append(DateMention(m.start(), m.end(), Interval.spanning(d, d), True,
                                 year_guessed=not year_text))
    for m in compiled.numeric_date.finditer(sentence):
        if m.group("iy"):
            year, month, day = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
        else:
            day, month, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
            if month > 12 >= day:
                day, month = month, day
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        found.append(DateMention(m.start(), m.end(), Interval.spanning(d, d), True))
    for m in compiled.month_year.finditer(sentence):
        start, end = _month_span(int(m.group("y")), _month_number(words, m.group("m")))
        interval = Interval.spanning(*_qualified(m, start, end))
        found.append(DateMention(m.start(), m.end(), interval, True))
    _bare_months(compiled, sentence, period, found)
    for m in compiled.year.finditer(sentence):
        year = int(m.group("y"))
        start, end = _qualified(m, date(year, 1, 1), date(year, 12, 31))
        found.append(DateMention(m.start(), m.end(), Interval.spanning(start, end), True))
    return found


_DIGIT = re.compile(r"\d")
_NUMERIC_DATE = Guarded(re.compile(
    rf"(?<![\d/.-])(?:(?P<iy>{_YEAR})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})|"
    rf"(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep)(?P<y>{_YEAR}))(?![\d/.-]*\d)"))
"""A date in figures: ISO (2024-12-08), or day first (8/12/2024, 08-12-2024, 8.12.2024: the
order of Dutch and British news; a first number over 12 is a day either way, and one
whose second number is over 12 is read month first, as American news writes it)."""


def _bare_months(compiled: _Compiled, sentence: str, period: Interval,
                 found: list[DateMention]) -> list[DateMention]:
    """Append the months named without a day or year ("in maart", "begin december")."""
    for m in (*compiled.bare_month.finditer(sentence), *compiled.since_month.finditer(sentence)):
        month = _month_number(compiled.words, m.group("m"))
        start, end = _month_span(_guess_year(month, 1, period), month)
        interval = Interval.spanning(*_qualified(m, start, end))
        found.append(DateMention(m.start(), m.end(), interval, True, year_guessed=True))
    last = compiled.words.get("season_last")
    for m in compiled.any_month.finditer(sentence):
        if _after_year_word(compiled, sentence, m.start()):
            # "vorig jaar augustus": the month of that year (_years_for_months joins them)
            month = _month_number(compiled.words, m.group("m"))
            found.append(DateMention(m.start(), m.end(), Interval.spanning(
                *_month_span(_guess_year(month, 1, period), month)), True, year_guessed=True))
            continue
        # "last December", "afgelopen december": the latest such month before the
        # article's own (a year back when the article is of that month).
        before = last.search(sentence, max(0, m.start() - 20), m.start())
        if before is None:
            continue
        month = _month_number(compiled.words, m.group("m"))
        year = _guess_year(month, 1, period)
        if (year, month) == (period.end.year, period.end.month):
            year -= 1
        found.append(DateMention(before.start(), m.end(),
                                 Interval.spanning(*_month_span(year, month)), True))
    return found


def _after_year_word(compiled: _Compiled, sentence: str, start: int) -> bool:
    """Whether a year word ("vorig jaar", "this year") ends right before ``start``."""
    before = sentence[max(0, start - 25):start]
    for key in ("last_year", "this_year"):
        hits = list(compiled.words.get(key).finditer(before))
        if hits and compiled.lists.compile(OF_YEAR).fullmatch(before, hits[-1].end()):
            return True
    return False


_NEXT_TO_LAST_WEEK = 2  # days: "last week Sunday" this close to the article is ambiguous


def _relatives(compiled: _Compiled, sentence: str, period: Interval,
               previous: Interval | None) -> list[DateMention]:
    words = compiled.words
    found: list[DateMention] = []
    for key, pattern in map(compiled.relatives.__getitem__,
                            sorted(compiled.relative_words.candidates(sentence.lower()))):
        for m in pattern.finditer(sentence):
            interval = _relative(key, m, words, period)
            if interval is None:
                continue
            start = m.start()
            if key in _QUALIFIABLE:  # "late last month", "begin vorig jaar"
                q = compiled.qualifier_before.search(sentence, max(0, start - 30), start)
                if q is not None:
                    start = q.start()
                    interval = Interval.spanning(*_qualified(q, interval.start, interval.end))
            found.append(DateMention(start, m.end(), interval, False))
    last_week, last_day = words.get("last_week"), words.get("weekday_last")
    for m in compiled.weekday.finditer(sentence):
        before = period
        if last_day.search(sentence, max(0, m.start() - 12), m.start()):
            # "last Friday", "vorige vrijdag": before the article's day (a week back on a Friday)
            before = Interval(period.start - timedelta(days=1), period.end - timedelta(days=1),
                              period.precision)
        start, end = _weekday_span(words.weekdays.index(m.group("wd").lower()), before)
        if m.group("since"):
            end = period.end
        week = last_week.search(sentence, max(0, m.start() - 20), m.start())
        if week is not None and not sentence[week.end():m.start()].strip():
            # "vorige week donderdag", "last week Thursday": that day of the week before
            start, end = _days_before(period, words.weekdays.index(m.group("wd").lower()))
            if (period.start - start).days <= _NEXT_TO_LAST_WEEK:
                # "vorige week zondag" on a Monday: yesterday would be "gisteren"; it may
                # be the Sunday a week before that
                start -= timedelta(days=7)
            found.append(DateMention(week.start(), m.end(), Interval.spanning(start, end),
                                     False))
            continue
        found.append(DateMention(m.start(), m.end(), Interval.spanning(start, end), False))
    if previous is not None:
        for m in words.get("then").finditer(sentence):
            found.append(DateMention(m.start(), m.end(), previous, True, anaphoric=True))
    return found


_APPOSED = re.compile(r"\s*,\s*")
_WEEKDAY_GAP = re.compile(r"[\s,]*")


def _dated_weekdays(compiled: _Compiled, sentence: str, relatives: list[DateMention],
                    explicit: list[DateMention]) -> list[DateMention]:
    """A weekday written with its date ("on Sunday 26 January", "op vrijdag 6 december",
    "Thursday, December 5") is that date: the weekday alone would be its last occurrence
    before the article, a week or more off when the article came out days later."""
    days = [d for d in explicit if d.interval.start == d.interval.end]
    if not days:
        return relatives
    out = []
    for m in relatives:
        if not m.explicit and compiled.weekday.fullmatch(sentence, m.start, m.end) and any(
                _WEEKDAY_GAP.fullmatch(sentence, m.end, d.start) for d in days):
            continue
        out.append(m)
    return out


_SEASONS = (("spring", 3, 3), ("summer", 6, 4), ("autumn", 9, 3), ("winter", 12, 3))
_SEASON_YEAR = r"\s+(?:%of%\s+)?((?:19|20)\d{2})\b"
# "in the spring", "tijdens de zomer": the words that lead a season belong to its expression
_SEASON_LEAD = r"(?i)(?:\b%month_preposition%\s+)?\b%article%\s+$"


def _season_span(year: int, first: int, months: int) -> tuple[date, date]:
    """The season starting in month ``first`` of ``year``, ``months`` long."""
    last = first + months - 1
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    return date(year, first, 1), _month_span(end_year, end_month)[1]


def _seasons(compiled: _Compiled, sentence: str, period: Interval) -> list[DateMention]:
    """Seasons: "de zomer van 2014" that year's; "vorige zomer"/"last summer" the last
    one that ended before the article; "deze zomer", "in het voorjaar" (no year) the one
    that began last before the article's end. A winter runs into the next year."""
    found: list[DateMention] = []
    words, season_year = compiled.words, compiled.lists.compile(_SEASON_YEAR)
    lead = compiled.lists.compile(_SEASON_LEAD)
    for key, first, months in _SEASONS:
        for m in words.get(key).finditer(sentence):
            start, end = m.start(), m.end()
            if words.get("season_then").search(sentence, max(0, start - 20), start):
                continue  # "that same spring": the season of the sentence before ("then")
            y = season_year.match(sentence, end)
            last = words.get("season_last").search(sentence, max(0, start - 20), start)
            this = words.get("season_this").search(sentence, max(0, start - 20), start)
            if y is not None:
                year, end = int(y.group(1)), y.end()
                if key == "winter" and (end := winter_end(words, sentence, end, year)) < 0:
                    continue  # "winter 2014": unclear ("winter 2022-23", "van 2022 op 2023")
            else:
                year = period.end.year
                if _season_span(year, first, months)[0] > period.end:
                    year -= 1  # not begun yet: the one before
                if last is not None:
                    if _season_span(year, first, months)[1] >= period.start:
                        year -= 1  # still going on: the one before
                    start = last.start()
                elif this is not None:
                    start = this.start()
            if start == m.start() and (led := lead.search(sentence, max(0, start - 30),
                                                         start)) is not None:
                start = led.start()
            # a bare season ("in the summer") takes the year its sentence gives, as a month
            found.append(DateMention(start, end,
                                     Interval.spanning(*_season_span(year, first, months)),
                                     y is not None,
                                     year_guessed=y is None and last is None and this is None))
    return found


def _drop_overlaps(mentions: list[DateMention]) -> list[DateMention]:
    kept: list[DateMention] = []
    for mention in sorted(mentions, key=lambda d: (d.start - d.end, d.start)):
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda d: d.start)


def find_dates(sentence: str, period: Interval, lang: str, *, previous: Interval | None = None,
               rules_dir: Path | None = None) -> list[DateMention]:
    """Every time expression in ``sentence`` with the interval it allows."""
    # (read each time, not remembered per sentence: an lru_cache here made a report depend on
    # the articles read before it in the same process, -j 1 against -j 0; the cost is none)
    return list(_dates_in(sentence, period, lang, previous, rules_dir))


def _dates_in(sentence: str, period: Interval, lang: str, previous: Interval | None,
              rules_dir: Path | None) -> tuple[DateMention, ...]:
    compiled = _compiled(lang, rules_dir)
    seasons = _seasons(compiled, sentence, period)
    mentions = seasons + [d for d in _explicit(compiled, sentence, period)  # not as a year:
                          if all(d.end <= x.start or d.start >= x.end for x in seasons)]
    mentions += _dated_weekdays(compiled, sentence, _relatives(compiled, sentence, period,
                                                               previous), mentions)
    # "Sinds 2015, toen ...", "in 2001, when ...": the "then" is that date, not the last one
    mentions = [m for m in mentions if not (m.anaphoric and any(
        d.explicit and not d.anaphoric and _APPOSED.fullmatch(sentence, d.end, m.start)
        for d in mentions))]
    mentions = _when_clauses(compiled, sentence, _month_ranges(compiled, sentence, mentions,
                                                                 period))
    # marked before the years are lent: a since-year is the last one a month takes ("in
    # March 2018, its biggest gain since 2001, ... in April that year": 2018)
    mentions = _drop_overlaps(mentions)
    if any(m.year_guessed for m in mentions):  # a year to lend: which ones are since-years
        mentions = years_for_months(compiled.lists, sentence,
                                    [_since(compiled, sentence, m) for m in mentions],
                                    relative_clauses(compiled.words, sentence), period)
    return tuple(_since(compiled, sentence, m) for m in mentions
                 if not _first_since(compiled, sentence, m) and not _until(compiled, sentence, m))


def state_bound(text: str, start: int, lang: str, rules_dir: Path | None = None) -> bool:
    """True when the time expression at ``start`` follows "since"/"sinds" or "until"/"tot"
    ("for the first time since 1993", "the biggest US base until 2011"): when a state began or
    ended, a year that lends itself to no other date of the clause."""
    compiled = _compiled(lang, rules_dir)
    before = text[max(0, start - _SINCE_REACH):start]
    return (compiled.since_before.search(before) is not None
            or compiled.words.get("until").search(before[-12:]) is not None)


_BARE_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


def bare_years(text: str, lang: str, start: int = 0, end: int | None = None,
               rules_dir: Path | None = None) -> list[re.Match[str]]:
    """The numbers between ``start`` and ``end`` that can be years (1800-2099), not counts
    of what follows them ("2000 soldiers", "ruim 1900 militairen": ``count_after``) unless
    a year word stands right before them ("in 2014 troops retook ...": ``year_in``)."""
    words = _compiled(lang, rules_dir).words
    count, year_in = words.get("count_after"), words.get("year_in")
    out = []
    for m in _BARE_YEAR.finditer(text, start, len(text) if end is None else end):
        if count.match(text, m.end()) is not None:
            before = text[max(0, m.start() - 25):m.start()].rstrip()
            if not any(w.end() == len(before) for w in year_in.finditer(before)):
                continue
        out.append(m)
    return out


def first_since(sentence: str, lang: str, rules_dir: Path | None = None) -> bool:
    """True when the sentence says "for the first time since ...": a state that is new."""
    compiled = _compiled(lang, rules_dir)
    pattern = compiled.words.get("first_since")
    return any(pattern.search(sentence[max(0, m.start() - 40):m.end()] + " ")
               for m in compiled.words.get("since").finditer(sentence))


def _first_since(compiled: _Compiled, sentence: str, mention: DateMention) -> bool:
    """"for the first time since 2012": the date of the last holding, not of the change;
    but "the first raids since 2016, when the army retook the city" dates that change."""
    if compiled.words.get("since_when").match(sentence, mention.end):
        return False
    before = sentence[max(0, mention.start - 40):mention.start]
    word = compiled.words.get("since").match(sentence, mention.start)
    if word is not None:  # the expression took the "since" in ("since 2012")
        before += sentence[mention.start:word.end()] + " "
    return compiled.words.get("first_since").search(before) is not None


def _month_ranges(compiled: _Compiled, sentence: str, mentions: list[DateMention],
                  period: Interval) -> list[DateMention]:
    """"in oktober en november vorig jaar", "in October and November 2023": one span from
    the first month's start to the second's end, in the year written after the second (or
    a year word: "vorig jaar"), else in the last such months up to the article."""
    words = compiled.words
    for first in [m for m in mentions if _whole_month(m.interval)]:
        joint = words.get("month_range").match(sentence, first.end)
        second = joint and (compiled.month_year.match(sentence, joint.end())
                            or compiled.any_month.match(sentence, joint.end()))
        if not second:
            continue
        end, last_month = second.end(), _month_number(words, second.group("m"))
        year_at = second.groupdict().get("y")  # "November 2023"
        back = {key: words.get(key).match(sentence, end + 1) for key in ("last_year", "this_year")
                if not year_at and not sentence[end:end + 1].strip()}
        year_word = next(((key, hit) for key, hit in back.items() if hit is not None), None)
        if year_at:
            year = int(year_at)
        elif year_word is not None:  # "vorig jaar", "this year"
            year = period.start.year - (year_word[0] == "last_year")
            end = year_word[1].end()
        else:
            year = _guess_year(last_month, 1, period)
        first_month = first.interval.start.month
        start = date(year - (first_month > last_month), first_month, 1)
        span = Interval.spanning(start, _month_span(year, last_month)[1])
        mentions = [m for m in mentions if m.end <= first.start or m.start >= end]
        mentions.append(DateMention(first.start, end, span, True,
                                    year_guessed=not (year_at or year_word)))
    return sorted(mentions, key=lambda d: d.start)


def _whole_month(interval: Interval) -> bool:
    return (interval.start.day == 1 and interval.start.month == interval.end.month
            and interval.end == _month_span(interval.end.year, interval.end.month)[1])


def _when_clauses(compiled: _Compiled, sentence: str,
                  mentions: list[DateMention]) -> list[DateMention]:
    """"sinds juni 2014 in handen van IS, toen de jihadisten de stad onder de voet liepen":
    a "toen" that opens a when-clause after a comma is the date named before it in the
    sentence, not the sentence before's."""
    then = compiled.words.get("then")
    for w in compiled.words.get("since_when").finditer(sentence):
        word = then.search(sentence, w.start(), w.end())
        named = [d for d in mentions if d.explicit and not d.anaphoric and d.end <= w.start()]
        if word is None or not named:
            continue
        mentions = [m for m in mentions if m.end <= word.start() or m.start >= word.end()]
        mentions.append(DateMention(word.start(), word.end(), named[-1].interval, True))
    return sorted(mentions, key=lambda d: d.start)


def _until(compiled: _Compiled, sentence: str, mention: DateMention) -> bool:
    """"the biggest US base until 2011": when a state ended, not a change's date; but
    "until 2001, when US-backed forces drove them out" dates the when-clause's change."""
    return (compiled.words.get("until").match(sentence, mention.start) is not None
            and compiled.words.get("since_when").match(sentence, mention.end) is None)


_SINCE_REACH = 80  # characters: "since foreign troops began their final withdrawal in May"


def _since(compiled: _Compiled, sentence: str, mention: DateMention) -> DateMention:
    """Mark an expression introduced by "sinds"/"since": it dates when a state began."""
    since = compiled.words.get("since")
    if compiled.words.get("since_when").match(sentence, mention.end):
        return mention  # "Sinds 2015, toen ...": when the clause's change happened
    if since.match(sentence, mention.start) or compiled.since_before.search(
            sentence, max(0, mention.start - _SINCE_REACH), mention.start):
        return replace(mention, since=True)
    return mention
