"""Which interval a report takes: the expression nearest its trigger, cut off at the
article's day; the week before publication when the sentence has none; and the day a page's
date stamp gives an article dated by its month only."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from conflictmap.datelines import DATELINE, has_dash
from conflictmap.dates import DEFAULT_LOOKBACK_DAYS, DateMention, find_dates
from conflictmap.model import Interval


def default_interval(period: Interval, lookback_days: int = DEFAULT_LOOKBACK_DAYS) -> Interval:
    """The interval of a report without time words: the week before publication."""
    return Interval.spanning(period.start - timedelta(days=lookback_days), period.end)


def resolve_interval(sentence: str, period: Interval, lang: str, *,
                     anchor: tuple[int, int] | None = None, previous: Interval | None = None,
                     rules_dir: Path | None = None) -> Interval:
    """The interval of the change a sentence reports.

    ``anchor`` is the (start, end) of the trigger in the sentence: the expression nearest to
    it wins. ``previous`` is the interval "toen"/"then" refers to.
    """
    mentions = find_dates(sentence, period, lang, previous=previous, rules_dir=rules_dir)
    return choose_interval(mentions, period, anchor)


def choose_interval(mentions: list[DateMention], period: Interval,
                    anchor: tuple[int, int] | None = None) -> Interval:
    """The interval of the expression nearest ``anchor`` (the first one without an anchor);
    the default interval when there is none. ``mentions`` come from :func:`find_dates`.

    An expression that starts after the article's own period cannot date what the article
    reports (a plan, or a typo): it is left out; one that ends after it is cut off there.
    """
    mentions = [m for m in mentions if m.interval.start <= period.end]
    if not mentions:
        return default_interval(period)
    if anchor is None:
        return _until(mentions[0].interval, period)
    a_start, a_end = anchor

    def distance(d: DateMention) -> tuple[int, bool, int]:
        # of two inside a long trigger, the one nearer its last word, the verb ("was op
        # grond van het akkoord van november 2020 al op 1 december van dat jaar aan X
        # overgedragen": 1 December)
        return (max(0, d.start - a_end, a_start - d.end), not d.explicit,
                max(0, a_end - d.end) if a_start <= d.start and d.end <= a_end else 0)

    return _until(min(mentions, key=distance).interval, period)


def _until(interval: Interval, period: Interval) -> Interval:
    """``interval`` cut off at the article's date: what it reports happened by then ("begin
    december" in an article of 10 December is 1-10 December)."""
    if interval.end <= period.end:
        return interval
    return Interval.spanning(interval.start, period.end)


_STAMP_LINES = 6  # lines at the top of a page that may hold its date stamp
_STAMP_CHARS = 90
_STAMP_MARK = re.compile(r"[|•·]|\b\d{1,2}[:.u]\d{2}\b")


def _top_lines(text: str, count: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the text's first ``count`` lines, their line breaks left out."""
    pos = 0
    for _ in range(count):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        yield pos, end
        if end >= len(text):
            return
        pos = end + 1


def _dateline_days(written: str, period: Interval, lang: str) -> list:
    """The day a dateline writes, when the whole of it is one date in the article's month
    (its year may be left out: the month-only header gives it)."""
    found = find_dates(written, period, lang)
    return [d.interval.start for d in found
            if len(found) == 1 and d.explicit and not d.since and d.start == 0
            and d.end >= len(written.rstrip()) and d.interval.start == d.interval.end
            and period.start <= d.interval.start <= period.end]


def stamp_period(text: str, period: Interval, lang: str) -> Interval:
    """The day a page dated by its month only gives in its furniture ("Bamako | 16 November
    2023", "12 februari 2024 • 09:34"), the latest such (an update stamp), as a date
    elsewhere in the text narrows the range (CODEBOOK.md, Dates); else ``period``. Only
    short lines with a separator or a clock time and a written year (a headline's date is
    the change's), or a dateline that opens a line ("BAKU, 8 November - ")."""
    if period.start == period.end:
        return _filed_day(text, period, lang)
    days = []
    for pos, end in _top_lines(text, _STAMP_LINES):
        line = text[pos:end].strip()
        dateline = DATELINE.match(line)
        if dateline is not None and dateline.group("date"):
            # "BAGHDAD, 31 August 2017 - ...", "GOMA, Feb 3 (wire) -"
            days += _dateline_days(dateline.group("date"), period, lang)
        elif line and len(line) <= _STAMP_CHARS and _STAMP_MARK.search(line):
            days += [d.interval.start for d in find_dates(line, period, lang)
                     if d.explicit and not d.since and not d.year_guessed
                     and d.interval.start == d.interval.end
                     and period.start <= d.interval.start <= period.end]
    if not days:
        return period
    day = max(days)
    return Interval.spanning(day, day)


_DIGIT = re.compile(r"\d")
_FILED_BACK = 3  # how many days before the page's date a dateline's day may be
_FILED_LINES = 12  # lines (blank ones too) a dateline may stand after a headline and byline


def _filed_day(text: str, period: Interval, lang: str) -> Interval:
    """The day a dateline near the top files the story on, when it is a day or few before
    the page's own date ("COLOMBO, Jan. 25 - Troops entered X this morning" on a page of 26
    January): "this morning" and "on Sunday" count from it; else ``period``."""
    for pos, end in _top_lines(text, _FILED_LINES):
        # a dateline with a date holds a digit and a dash: most lines are matched no further
        dateline = (DATELINE.match(text, pos, end) if has_dash(text, pos, end)
                    and _DIGIT.search(text, pos, end) else None)
        if dateline is not None and dateline.group("date"):
            back = Interval.spanning(period.start - timedelta(days=_FILED_BACK), period.end)
            days = _dateline_days(dateline.group("date"), back, lang)
            return Interval.spanning(days[0], days[0]) if days else period
    return period


_HEADING_CHARS = 40  # a liveblog's day heading: "Tuesday 19 December", "maandag 18 december 2023"
_HEADING_BACK = 31  # how long before the article's day a heading's day may be
# an entry's time after its day ("27 januari 2025, 07:45", "maandag 12.40", "Yesterday 21:15
# GMT", "18 december om 12.40 uur", "Aug 13, 2024, 4:22 PM EDT"): one short word may stand
# before the clock time and two after it; a relative day ("gisteren", "maandag") is a heading
# only with such a time after it
_HEADING_TIME = re.compile(r"[\s,|•·–-]*(?:\w{1,5}\s+)?\d{1,2}[:.h]\d{2}(?:\s*\w{1,5}){0,2}\W*$")


def day_heading(text: str, pos: int, period: Interval, lang: str) -> Interval | None:
    """The day of the nearest line before ``pos`` that is a date alone (a live blog's day
    heading, "Monday 18 December"): the entries under it are told on that day, not on the
    article's (CODEBOOK.md: a date elsewhere in the text narrows the range)."""
    headings = _day_headings(text, period, lang)
    if not headings:
        return None
    i = bisect_right(headings, (text.rfind("\n", 0, pos), date.max)) - 1
    return Interval.spanning(headings[i][1], headings[i][1]) if i >= 0 else None


@lru_cache(maxsize=4)
def _day_headings(text: str, period: Interval, lang: str) -> list[tuple[int, date]]:
    """Every day heading of an article within its reach, as (the end of its line, its day),
    in text order: read once per article, not once per change (a long live blog has
    thousands of both)."""
    out = []
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if (end - start > _HEADING_CHARS and not text[start].isspace()
                and not text[end - 1].isspace()):
            start = end + 1  # a long line that strip() would not shorten: no heading
            continue
        line = text[start:end].strip()
        if line and len(line) <= _HEADING_CHARS and any(c.isdigit() for c in line):
            found = find_dates(line, period, lang)
            timed = len(found) == 1 and _HEADING_TIME.match(line, found[0].end) is not None
            if (len(found) == 1 and (found[0].end == len(line) or timed)
                    and (found[0].explicit or timed)
                    and found[0].interval.start == found[0].interval.end
                    and not line[:found[0].start].strip(" ,").count(" ")):
                day = found[0].interval.start
                if period.start - timedelta(days=_HEADING_BACK) <= day <= period.end:
                    out.append((end, day))
        start = end + 1
    return out


_POST_DATE = re.compile(r"\(([^()\n]{1,40})\)\W*$")  # "... (1 oktober)", "... (IDF, 13 November)."


def post_date(text: str, pos: int, period: Interval, lang: str) -> Interval | None:
    """The day of a parenthesised date that ends the line of ``pos`` (an embedded post's or
    quote's date: "'Onze vlag wappert weer boven Lyman.' (1 oktober)"): what the line tells
    is told on that day, not on the article's (CODEBOOK.md: an embedded post's date narrows
    the range)."""
    end = text.find("\n", pos)
    line = text[text.rfind("\n", 0, pos) + 1:len(text) if end < 0 else end]
    m = _POST_DATE.search(line)
    if m is None:
        return None
    inner = m.group(1)
    found = find_dates(inner, period, lang)
    if (len(found) != 1 or not found[0].explicit or found[0].end != len(inner.rstrip())
            or found[0].interval.start != found[0].interval.end):
        return None
    day = found[0].interval.start
    if not period.start - timedelta(days=_HEADING_BACK) <= day <= period.end:
        return None
    return Interval.spanning(day, day)
