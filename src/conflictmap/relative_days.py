"""The days a relative time expression allows ("gisteren", "last week", "begin deze maand",
"three weeks ago", "exactly a year ago"), from the article's period: one function per
expression that needs no number, so that a match computes only its own (``relative``, read
by ``dates``)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from conflictmap.model import Interval
from conflictmap.rules import DateWords

DAY = timedelta(days=1)
# "three days ago", "two weeks ago", "twee maanden geleden": days back per count, and slack
AGO = {"days_ago": (1, 1), "weeks_ago": (7, 4), "months_ago": (30, 10)}
# the days of the relative expressions that need no number, from the article's period
SPANS: dict[str, Callable[[date, date], tuple[date, date]]] = {
    "today": lambda s, e: (s, e), "yesterday": lambda s, e: (s - DAY, e - DAY),
    "day_before_yesterday": lambda s, e: (s - 2 * DAY, e - 2 * DAY),
    "last_night": lambda s, e: (s - DAY, e), "week_ago": lambda s, e: (s - 9 * DAY, e - 5 * DAY),
    "this_week": lambda s, e: (s - s.weekday() * DAY if s == e else s - 6 * DAY, e),
    "last_week": lambda s, e: ((s - (s.weekday() + 7) * DAY, e - DAY) if s == e
                               else (s - 14 * DAY, e)),
    "past_days": lambda s, e: (s - 10 * DAY, e), "past_weeks": lambda s, e: (s - 28 * DAY, e),
    "month_start": lambda s, e: (s.replace(day=1), e),
    # "begin deze maand", "early this month": its first ten days (CODEBOOK.md)
    "month_begin": lambda s, e: (s.replace(day=1), min(e, s.replace(day=10))),
    "month_end": lambda s, e: (max(s, _month_end(e) - 10 * DAY), e),
    # "a month ago", "een maand geleden": thirty days back, give or take ten
    "month_ago": lambda s, e: (s - 40 * DAY, e - 20 * DAY),
}


def _month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def count_word(numbers: Sequence[str], word: str | None, tens: Sequence[str] = ()) -> int | None:
    """1 for "a day after" (no number word), else the number written ("dertig jaar na",
    "thirty years after": the tens too)."""
    if word is None:
        return 1
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in tens:
        return 10 * (tens.index(word) + 2)
    return numbers.index(word) + 1 if word in numbers else None


def relative(key: str, match: re.Match[str], words: DateWords,
             period: Interval) -> Interval | None:
    """The interval a relative time expression (a ``[dates]`` key and its match) allows
    from the article's period, or None."""
    s, e = period.start, period.end
    day, single, span = DAY, s == e, SPANS.get(key)
    if span is not None:  # only the key's own days are computed (a call per match)
        return Interval.spanning(*span(s, e))
    if key == "weekend":  # the last Saturday and Sunday up to the article's date
        if not single:
            return Interval.spanning(s, e)
        saturday = s - timedelta(days=(s.weekday() - 5) % 7)
        return Interval.spanning(saturday, min(saturday + day, e))
    if key in AGO:  # "three days ago", "two weeks ago", "twee maanden geleden"
        n = count_word(words.numbers, match.group(1), words.tens)
        if n is None:
            return None
        back, slack = n * AGO[key][0] * day, AGO[key][1] * day
        if words.get("less_than").search(match.string, max(0, match.start() - 15),
                                         match.start()):
            return Interval.spanning(s - back, e)  # "less than two weeks ago"
        return Interval.spanning(s - back - slack, e - back + slack)
    if key == "last_month":
        previous = s.replace(day=1) - day
        return Interval.spanning(date(previous.year, previous.month, 1), previous)
    if key == "this_year":
        return Interval.spanning(date(s.year, 1, 1), e)
    if key == "years_ago":  # that year; "ten years ago this week": that week of it
        n = count_word(words.numbers, match.group(1), words.tens)  # None: "a year ago"
        if n is not None and words.get("decade").search(match.group(0)):
            n *= 10  # "a decade ago today"
        if n is None or n > s.year - 1:
            return None
        if len(match.group(0).split()) == 3:  # "ten years ago", "tien jaar geleden"
            return Interval.spanning(date(s.year - n, 1, 1), date(s.year - n, 12, 31))
        if words.get("years_ago_day").search(match.group(0)):
            # "a year ago today", "exactly a year ago", "ten years ago to the day": that day
            return Interval.spanning(_years_back(s, n), _years_back(e, n))
        week = 7 * day
        return Interval.spanning(_years_back(s, n) - week, _years_back(e, n) + week)
    if key == "last_year":
        return Interval.spanning(date(s.year - 1, 1, 1), date(s.year - 1, 12, 31))
    return None


def _years_back(day: date, n: int) -> date:
    try:
        return day.replace(year=day.year - n)
    except ValueError:  # 29 February
        return day.replace(year=day.year - n, day=28)
