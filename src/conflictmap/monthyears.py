"""The year of a month or day named without one, from what its sentence says: the year
right before or after it ("vorig jaar augustus", "in augustus vorig jaar"), a year named
before it ("In 2018 ... in June of that year"; "toen" pointing back to a dated sentence), not
that of a relative clause about another change when the month is the news's (used by
:func:`conflictmap.dates.find_dates`). Language words come from the rules file: ``%of%``,
``%of_that_year%`` ([words]) and ``relative_start`` ([dates])."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from conflictmap.model import Interval
from conflictmap.rules import DateWords, Words

if TYPE_CHECKING:
    from conflictmap.dates import DateMention

OF_YEAR = r"(?i)\s*,?\s*(?:%of%\s+)?"
THAT_YEAR = r"(?i)\s*,?\s*%of_that_year%\b"
CLAUSE_END = re.compile(r"[,;:.](?:\s|$)|\n")
_NEWS_DAYS = 31  # how far before the article a month without its year is still the news
_MONTH_DAYS = 31
_FRONTED = 16  # characters before a year that opens its sentence ("In 2016 ...")


def winter_end(words: DateWords, sentence: str, end: int, year: int) -> int:
    """Where "winter 2022-23", "de winter van 2022 op 2023" ends (after its second year, the
    next one; ``end`` is the first's end), else -1: a winter of one year is unclear."""
    m = words.get("winter_next").match(sentence, end)
    return m.end() if m is not None and int(m.group(1)) == (year + 1) % 100 else -1


def whole_year(interval: Interval) -> bool:
    return (interval.start.year == interval.end.year and interval.start.month == 1
            and interval.start.day == 1 and interval.end.month >= 2)


def in_year(interval: Interval, year: int) -> Interval:
    """``interval`` moved to start in ``year``: a span that ends a month ends that month there
    (February of a leap year), and a winter still ends in the year after."""
    start, end = interval.start, interval.end
    end_year = year + end.year - start.year
    try:
        moved = start.replace(year=year)
    except ValueError:  # 29 February: that month
        return Interval.spanning(date(year, start.month, 1), date(
            end_year, end.month, calendar.monthrange(end_year, end.month)[1]))
    if start != end and end.day == calendar.monthrange(end.year, end.month)[1]:
        return Interval.spanning(moved, date(end_year, end.month,
                                             calendar.monthrange(end_year, end.month)[1]))
    return Interval.spanning(moved, end.replace(year=end_year))


def relative_clauses(words: DateWords, sentence: str) -> list[tuple[int, int]]:
    """Where the sentence's relative clauses run ("Homs, dat het leger in 2014 had
    heroverd, ..."): from the comma before the pronoun to the end of the clause."""
    out = []
    for key in ("relative_start", "described"):  # "X, a town the rebels had held since 2016"
        for rel in words.get(key).finditer(sentence):
            stop = CLAUSE_END.search(sentence, rel.end())
            out.append((rel.start(), stop.start() if stop is not None else len(sentence)))
    return sorted(out)


def years_for_months(lists: Words, sentence: str, mentions: list[DateMention],
                     relatives: Sequence[tuple[int, int]] = (),
                     period: Interval | None = None) -> list[DateMention]:
    """A month or day named without its year takes the year that the sentence gives it:
    the year right before or after it ("vorig jaar augustus", "in augustus vorig jaar", "in
    March last year") or, else, the year of a date named before it ("In 2018 ... and in
    June of that year", "het akkoord van november 2020 ... op 1 december van dat jaar"),
    the year after it when the month comes before that date ("dat in december 2023 werd
    ingenomen, werd in januari heroverd": January 2024). A season ("in the summer") takes
    only a year that opens its sentence ("In 2016 the army retook X in the spring"), not one
    in passing."""
    out: list[DateMention] = []
    skip, of_year = -1, lists.compile(OF_YEAR)
    that_year = lists.compile(THAT_YEAR)
    for k, m in enumerate(mentions):
        if k == skip:
            continue
        if not m.year_guessed:
            out.append(m)
            continue
        before = out[-1] if out else None
        if (before is not None and whole_year(before.interval) and not before.anaphoric
                and of_year.fullmatch(sentence, before.end, m.start)):
            # "vorig jaar augustus", "2019 March": the year right before names the month's
            out[-1] = replace(m, start=before.start, year_guessed=False,
                              interval=in_year(m.interval, before.interval.start.year))
            continue
        nxt = mentions[k + 1] if k + 1 < len(mentions) else None
        if (nxt is not None and nxt.anaphoric and that_year.match(sentence, m.end)
                and any(p.explicit and not p.year_guessed and not p.anaphoric
                        for p in mentions[:k])):
            # "in oktober 2020 heroverd, en op 8 november dat jaar ...": the year named
            # before it in the sentence, not the one of the sentence before that "dat
            # jaar" would point back to on its own
            skip, nxt = k + 1, None
        if (nxt is not None and whole_year(nxt.interval) and not nxt.year_guessed
                and of_year.fullmatch(sentence, m.end, nxt.start)):
            out.append(replace(m, end=nxt.end, interval=in_year(m.interval,
                                                                nxt.interval.start.year),
                               year_guessed=False))
            skip = k + 1
            continue
        # "toen"/"then" before it is the year of the sentence it points back to ("... sinds
        # de herfst van 2022. Toen heroverde Oekraïne in september ...": September 2022).
        # Not the year of a relative clause the month is not in when the month falls in the
        # article's own time or the month before: the news ("Homs, dat het leger in 2014
        # had heroverd, werd op 7 december opgegeven" in December 2024; but "Cherson, dat
        # in maart 2022 werd ingenomen, werd in november heroverd" in March 2024 is
        # November 2022)
        that = that_year.match(sentence, m.end) is not None
        news = period is not None and m.interval.start <= period.end and (
            period.start - timedelta(days=_NEWS_DAYS) <= m.interval.end)
        years = [p for p in mentions[:k] if p.explicit and not p.year_guessed
                 and p.interval.start.year == p.interval.end.year
                 and (that or not news or not any(a <= p.start < b and not a <= m.start < b
                                                  for a, b in relatives))]
        if (m.interval.end - m.interval.start).days > _MONTH_DAYS:  # a season
            years = [p for p in years if p.start <= _FRONTED]
        if years:
            years = [p for p in years if not p.since] or years
            src, first = years[-1].interval.start, m.interval.start
            later = not that and (first.month, first.day) < (src.month, src.day)
            m = replace(m, interval=in_year(m.interval, src.year + later), year_guessed=False)
        out.append(m)
    return out


BACKGROUND_DAYS = 365
"""A since-clause's date this long before the article is the background of a state."""


def since_background(words: DateWords, sentence: str, mention: DateMention,
                     period: Interval) -> bool:
    """A date in a since-clause, a year or more before the article ("The SDF had held the
    city since they drove IS out of it in August 2016"): the background of a state, no
    time a later "a day earlier" or "two days later" counts from."""
    if (period.start - mention.interval.end).days < BACKGROUND_DAYS:
        return False
    since = [m.end() for m in words.get("since").finditer(sentence, 0, mention.start)]
    return bool(since) and CLAUSE_END.search(sentence, since[-1], mention.start) is None

