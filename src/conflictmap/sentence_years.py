"""The year of a month named without one, from elsewhere in its sentence or the sentences
before: "in September of that year" takes the last year named before it, a month in a clause
that names one year on its own takes that year, and a clause with no date that names a war by
its year takes that year. Used by :mod:`conflictmap.clause_dates`."""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from datetime import date

from conflictmap.date_choice import default_interval
from conflictmap.dates import DateMention, bare_years, find_dates, state_bound
from conflictmap.model import Interval
from conflictmap.monthyears import THAT_YEAR, in_year, relative_clauses
from conflictmap.relative_days import count_word
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


_HEADLINE_CHARS = 200  # a headline, where a piece says it looks back
ANNIVERSARY_DAYS = 45
"""How near the article's own day and month a day of the story must be to be the anniversary's."""
_MIN_YEARS = 2  # "een jaar na": a year back is still the news's time


def story_year(rules: LanguageRules, article_text: str, period: Interval,
               mentions: list[DateMention]) -> list[DateMention]:
    """A day or month named without its year near the article's own day and month, in an
    anniversary piece ("Thirty years after the fall of Sukhumi", "Forty years on", "Dertig
    jaar na Srebrenica" in its headline, and that year written in the text), is of the
    story's year, not the article's: "they retook the city on 27 September" in a piece of
    September 2023 is 27 September 1993. Days months away from the anniversary keep the
    year the rest of the text gives them (a piece that looks back on a decade)."""
    if not any(m.year_guessed for m in mentions):
        return mentions
    year = _story(rules, article_text, period)
    if year is None:
        return mentions
    return [replace(m, year_guessed=False, interval=in_year(m.interval, year))
            if m.year_guessed and _near_day(m.interval.start, period.start) else m
            for m in mentions]


def story_window(rules: LanguageRules, article_text: str, period: Interval,
                 interval: Interval) -> Interval:
    """The days before the article that a change told with no time word takes
    (date_choice.default_interval), moved to the story's year in an anniversary piece
    (:func:`story_year`): "After 134 days of fighting, the YPG had retaken the town" in
    "Kobani, ten years on" of 26 January 2025 is of January 2015."""
    if interval != default_interval(period):
        return interval
    year = _story(rules, article_text, period)
    if year is None:
        return interval
    return in_year(interval, interval.start.year - (period.end.year - year))


def _story(rules: LanguageRules, article_text: str, period: Interval) -> int | None:
    """The story's year of an anniversary piece (:func:`_anniversary` on its headline, the
    text's first line), else None."""
    end = article_text.find("\n")
    headline = article_text[:min(_HEADLINE_CHARS, end if end >= 0 else _HEADLINE_CHARS)]
    return _anniversary(rules, headline, article_text, period.end.year)


def _near_day(day: date, published: date) -> bool:
    """True when ``day``'s day and month lie within ANNIVERSARY_DAYS of ``published``'s."""
    try:
        gap = abs((day.replace(year=published.year) - published).days)
    except ValueError:  # 29 February
        gap = abs((date(published.year, 3, 1) - published).days)
    return min(gap, 365 - gap) <= ANNIVERSARY_DAYS


def _anniversary(rules: LanguageRules, headline: str, text: str, published: int) -> int | None:
    """The story's year of an anniversary piece: its headline says N years after (on, ago)
    and the text writes the year N years before its own. (No cache keyed by the rules:
    hashing them costs far more than reading a headline.)"""
    words = rules.dates
    for m in words.get("anniversary").finditer(headline):
        n = count_word(words.numbers, m.group(1), words.tens)
        if n is not None and n >= _MIN_YEARS and str(published - n) in text:
            return published - n
    return None
