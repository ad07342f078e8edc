"""The day the article's war began, and the time a phrase counts from it.

"In the first days of the war" is undated background (CODEBOOK.md, Not events) unless the
text says when the war began ("the war, which broke out on 15 April 2023", "sinds de
invasie van 24 februari 2022"): then the phrase is a stretch from that day (days: ten
days, weeks: six weeks, months: four months, the first year: a year, an unnamed start:
a month). Used by :mod:`conflictmap.factuality`, :mod:`conflictmap.clause_dates` and
:mod:`conflictmap.eventrelatives`.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from conflictmap.dates import DateMention, find_dates
from conflictmap.model import Interval
from conflictmap.rules import LanguageRules

log = logging.getLogger(__name__)

_DATE_GAP = 3  # characters between the phrase's end and the date it names
_DATE_CHARS = 40
# the stretch each unit of the phrase spans, from the war's first day
_SPANS = (("span_days", 10), ("span_weeks", 42), ("span_months", 120), ("span_year", 365))
_START_SPAN = 30  # "at the start of the war", "early in the invasion"


def war_began(rules: LanguageRules, text: str, period: Interval,
              offensive: bool = False) -> Interval | None:
    """When the war the text dates by its start began ("the war that began in April 2023":
    April 2023), None when it names none before the article's own time. With
    ``offensive``, the start of an offensive or campaign instead (and only then)."""
    campaign = rules.words.compile(r"\b%offensive_noun%\b", re.IGNORECASE)
    for m in rules.dates.get("war_began").finditer(text):
        if (campaign.search(m.group()) is not None) != offensive:
            continue
        found = find_dates(text[m.end():m.end() + _DATE_CHARS], period, rules.lang)
        if (found and found[0].start <= _DATE_GAP and not found[0].year_guessed
                and found[0].interval.start <= period.start):
            return found[0].interval
    return None


def war_time(rules: LanguageRules, text: str, a: int, b: int,
             period: Interval) -> DateMention | None:
    """The stretch that a phrase in ``text[a:b]`` counts from the war's start ("in the
    first weeks of the invasion"), offsets from ``a``; None without such a phrase or a
    start the text names."""
    phrase = rules.markers.war_relative.search(text, a, b)
    if phrase is None:
        return None
    campaign = rules.words.compile(r"\b%offensive_noun%\b", re.IGNORECASE)
    began = war_began(rules, text, period, campaign.search(phrase.group()) is not None)
    if began is None:
        return None
    days = _START_SPAN
    for key, span in _SPANS:
        if rules.words.compile(r"\b%" + key + r"%\b", re.IGNORECASE).search(phrase.group()):
            days = span
            break
    end = min(began.end + timedelta(days=days - 1), period.end)
    return DateMention(phrase.start() - a, phrase.end() - a,
                       Interval.spanning(began.start, max(began.start, end)), explicit=True)


def war_counted(rules: LanguageRules, text: str, a: int, b: int, period: Interval,
                mentions: list[DateMention]) -> list[DateMention]:
    """The dates of a clause ``text[a:b]`` (offsets from ``a``) that holds "in the first
    days of the war" and that the text dates by the war's start: without the start's own
    date ("seized in the first days of the war, which broke out on 15 April 2023" is not
    the 15th alone) and with the stretch the phrase counts, where the phrase stands (the
    clause's other dates may be another change's: "retook X last week, which the RSF had
    seized in the first days of the war")."""
    counted = war_time(rules, text, a, b, period)
    if counted is None:
        return mentions
    ends = [m.end() for m in rules.dates.get("war_began").finditer(text, a, b)]
    own = [m for m in mentions if not any(0 <= m.start + a - e <= _DATE_GAP for e in ends)]
    return sorted([*own, counted], key=lambda m: m.start)
