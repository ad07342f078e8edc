"""The days a relative time expression that needs no number allows ("gisteren", "last
week", "begin deze maand"), from the article's period: one function per expression, so
that a match computes only its own (``dates._relative``)."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

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
