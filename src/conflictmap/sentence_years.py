"""The year of a month named without one, from elsewhere in its sentence or the sentences
before: "in September of that year" takes the last year named before it, a month in a clause
that names one year on its own takes that year, and a clause with no date that names a war by
its year takes that year. Used by :mod:`conflictmap.clause_dates`."""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from datetime import date

from conflictmap.dates import DateMention, bare_years, find_dates, state_bound
from conflictmap.model import Interval
from conflictmap.monthyears import THAT_YEAR, relative_clauses
from conflictmap.rules import LanguageRules


def that_year(rules: LanguageRules, text: str, s: int, a: int, mentions: list[DateMention],
               period: Interval, back: int | None = None) -> list[DateMention]:
    """A month "of that year" in a clause without the year takes the last year named
    before the clause in its sentence ("since late 2014, months after they swept into
    Sanaa in September of that year": September 2014), else in the few sentences before
    it, from ``back`` ("In 2015 rukten de Houthi's op tot in Aden. Die havenstad werd in
    juli van dat jaar heroverd": July 2015)."""
    that_year = rules.words.compile(THAT_YEAR, re.IGNORECASE)
    that = [m for m in mentions if m.year_guessed and that_year.match(text, a + m.end)]
    if not that:
        return mentions

    def named(start: int, end: int) -> list[int]:
        found = [d for d in find_dates(text[start:end], period, rules.lang)
                 if d.explicit and not d.year_guessed and not d.anaphoric
                 and d.interval.start.year == d.interval.end.year]
        # a since-year only when no other year is named ("in March 2018, its biggest gain
        # since 2001, ... in April that year": 2018)
        return [d.interval.start.year for d in [d for d in found if not d.since] or found]

    years = named(s, a) if s < a else []
    if not years and back is not None and back < s:
        years = named(back, s)
    if not years and s < a:  # a year no date stands for: "Tot 1992 ...; in mei van dat jaar"
        years = [int(y.group()) for y in bare_years(text[s:a], rules.lang)]
    if not years:
        return mentions
    out = []
    for m in mentions:
        with contextlib.suppress(ValueError):  # 29 February
            if m in that:
                m = replace(m, year_guessed=False, interval=Interval.spanning(
                    m.interval.start.replace(year=years[-1]),
                    m.interval.end.replace(year=years[-1])))
        out.append(m)
    return out


def clause_year(rules: LanguageRules, clause: str,
                 mentions: list[DateMention]) -> list[DateMention]:
    """A month named without its year in a clause that names one year on its own ("In de
    oorlog van 2020 heroverde Azerbeidzjan Fuzuli in oktober", "in the 2020 war ... in
    October") is in that year; not a year of a relative clause, which dates a change of its
    own ("On May 18 they retook X, which the LNA had held since 2014": 18 May of the news);
    nor a year after "since" or "until", when a state began or ended ("captured Lachin on
    November 8, ... for the first time since 1993": November of the news)."""
    if not any(m.year_guessed for m in mentions):
        return mentions
    others = []
    for start, end in relative_clauses(rules.dates, clause):
        if not any(start <= m.start < end for m in mentions if m.year_guessed):
            others.append((start, end))
    years = {int(y.group()) for y in bare_years(clause, rules.lang)
             if not any(m.start <= y.start() < m.end for m in mentions)
             and not any(s <= y.start() < e for s, e in others)
             and not state_bound(clause, y.start(), rules.lang)}
    if len(years) != 1:
        return mentions
    year = years.pop()
    out = []
    for m in mentions:
        if m.year_guessed:
            first, last = m.interval.start, m.interval.end
            try:
                moved = Interval.spanning(first.replace(year=year), last.replace(
                    year=year + (last.year - first.year)))
            except ValueError:  # 29 February
                moved = None
            if moved is not None:
                m = replace(m, interval=moved, year_guessed=False)
        out.append(m)
    return out


YEAR_PRECISION = 4  # Interval.precision of a whole year


def war_year(rules: LanguageRules, text: str, a: int, b: int, at: int,
             mentions: list[DateMention]) -> list[DateMention]:
    """A clause ``text[a:b]`` with no date that names a war or a campaign by its year ("in
    the 2020 war", "in de oorlog van 2020") is dated to that year; not by a year in a relative
    clause that does not hold the trigger at ``at`` (that clause tells a change of its own)."""
    if mentions:
        return mentions
    clause = text[a:b]
    others = [(s, e) for s, e in relative_clauses(rules.dates, clause) if not s <= at - a < e]
    for m in rules.dates.get("war_year").finditer(clause):
        if any(s <= m.start() < e for s, e in others):
            continue
        year = int(m.group("year") or m.groupdict().get("year2") or 0)
        if year:
            return [DateMention(m.start(), m.end(), Interval(
                date(year, 1, 1), date(year, 12, 31), YEAR_PRECISION), explicit=True)]
    return mentions
