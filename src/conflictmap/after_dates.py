"""Dates counted from another change of the same sentence: "begon op 20 augustus, ruim een
maand na de herovering van X" (that change, a month before the sentence's date), "Twee weken
na (de val van) Srebrenica viel ook Zepa" (the later change, two weeks after the one the
article told before). Used by :mod:`conflictmap.clause_dates`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from conflictmap.context_dates import months_back, running_year
from conflictmap.date_choice import choose_interval
from conflictmap.dates import find_dates
from conflictmap.factuality import is_mention
from conflictmap.model import Article, Interval
from conflictmap.relative_days import count_word
from conflictmap.rules import LanguageRules
from conflictmap.triggers import Hit

_AFTER_UNITS = (("days_after", 1, 0), ("weeks_after", 7, 0), ("months_after", 0, 1),
                ("years_after", 0, 12))
_AFTER_REACH = 75  # "two months after <a subject of up to seven words> marched into X"
_NOUN_GAP = re.compile(r"\s*(?:\w{1,4}\s+)?")  # "na de val", "after the fall"
_SUBJECT_GAP = r"\s+(?:(?:[^\W\d_][\w'’-]*|\([^()\d]{1,20}\))\s+){1,7}?(?:%perfect_auxiliary%\s+)?"


def change_before(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
                   index: int, hit: Hit) -> Interval | None:
    """The date of a change named only relative to its sentence's date ("begon op 20
    augustus, ruim een maand na de herovering van X"; "two weeks after the fall of Y"):
    the sentence's date before the phrase, N days, weeks, months or years earlier. Days
    and weeks count exactly; a month or year count is loose by half a unit either way, and
    "ruim"/"more than" stretches it back by one more unit. A change with a date of its
    own after it ("a month after the fall of X in May") keeps that date."""
    text, words = article.text, rules.dates
    mention = is_mention(rules, text, hit)
    subject_gap = rules.words.compile(_SUBJECT_GAP)
    s, e = spans[index]
    for key, days, months in _AFTER_UNITS:
        for m in words.get(key).finditer(text, max(s, hit.start - _AFTER_REACH), hit.start):
            after = _main_after(rules, text, s, m, hit)
            if after is not None:  # "Two weeks after the fall of X, Y fell": Y's date
                n = count_word(words.numbers, m.group(1), words.tens)
                ref = _reference(article, rules, spans, index, *after)
                return None if n is None or ref is None else _later(ref, n, days, months)
            gap = _NOUN_GAP.fullmatch(text, m.end(), hit.start)
            # a verb right after the phrase ("nine months after seizing X"), or after its
            # own subject ("a year after insurgents overran it", "nadat de rebellen haar
            # innamen"): that clause's change is that long before
            subject = not mention and subject_gap.fullmatch(text, m.end(), hit.start)
            if (gap is None or (not mention and text[m.end():hit.start].strip())) \
                    and not subject:
                continue
            n = count_word(words.numbers, m.group(1), words.tens)
            if n is None:
                return None
            found = find_dates(text[s:e], article.period, rules.lang)
            comma = text.find(",", hit.end, e)
            if any(hit.end <= d.start + s < (comma if comma >= 0 else e) for d in found):
                return None
            if subject and any(m.end() <= d.start + s < hit.start for d in found):
                return None  # "drie maanden nadat Bachmoet in mei was gevallen": its own
            main = [d for d in found if d.end + s <= m.start() and not d.since]
            if not main and m.start() - s <= _OPENING:
                # "Two weeks after the fall of X, ...", "Three weeks after they seized X,
                # ...": X's change as the article told it before
                stop = comma if comma >= 0 else e
                name = (_NAME.findall(text, hit.start, stop)[:1]
                        or _NAME.findall(text, m.end(), hit.start)[-1:])
                told = _told(article, rules, spans, index, name[0]) if name else None
                if told is not None:
                    return told
            when = choose_interval(main, article.period, (m.start() - s, m.start() - s))
            more = words.get("more_than").search(text, max(s, m.start() - 15), m.start())
            less = words.get("less_than").search(text, max(s, m.start() - 15), m.start())
            if days:
                back = timedelta(days=n * days)
                start, end = when.start - back, when.end - back
                if more is not None:
                    start -= timedelta(days=days)
                return Interval.spanning(start, when.end if less is not None else end)
            start, end = (months_back(when.start, n * months),
                          months_back(when.end, n * months))
            if less is not None:
                return Interval.spanning(start, when.end)  # "less than a month after"
            if more is not None:
                start = months_back(start, months)
            else:
                half = timedelta(days=15 * months)
                start, end = start - half, end + half
            return Interval.spanning(start, end)
    return None


_OPENING = 3  # characters before a phrase that opens its sentence (a quote, a dash)
# what a phrase "na"/"after" governs before the main verb in a verb-second language: a name,
# after at most three words, then the verb ("Twee weken na de val van Srebrenica viel ook Zepa";
# "Drie dagen na Mazar viel in het westen Herat in handen van ...")
_NAME_ONLY = re.compile(r"\s*(?:[^\W\d_]+\s+){0,3}?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?\s+(?=[a-z])")
_NAME = re.compile(r"[A-Z][\w'’-]+")
_TOLD_BACK = 12  # sentences back where the change a phrase counts from may have been told


def _main_after(rules: LanguageRules, text: str, s: int, m: re.Match[str],
                hit: Hit) -> tuple[int, int] | None:
    """Where the phrase's object runs when ``hit`` is the main clause after a phrase that
    opens its sentence ("Two weeks after the fall of X, Y fell"; "Twee weken na X viel ook
    Y", the verb second after a name the preposition governs), else None."""
    if m.start() - s > _OPENING or hit.start < m.end():
        return None
    comma = text.find(",", m.end(), hit.start)
    if comma >= 0:
        return m.end(), comma
    if rules.dates.get("after_noun").search(text, m.start(), m.end()) is not None:
        named = _NAME_ONLY.match(text, m.end())
        if named is not None and named.end() <= hit.start:  # the name, then the verb
            return m.end(), named.end()
    return None


def _reference(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
               index: int, start: int, end: int) -> Interval | None:
    """The date of the change a phrase counts from: its own date ("after Goma fell on 27
    January"), else the date the article told that place's change with before."""
    own = [d for d in find_dates(article.text[start:end], article.period, rules.lang)
           if not d.since and not d.anaphoric]
    if own:
        return own[-1].interval
    names = _NAME.findall(article.text, start, end)
    return _told(article, rules, spans, index, names[-1]) if names else None


def _told(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
          index: int, name: str) -> Interval | None:
    """The written date nearest ``name`` in the nearest sentence before that names it and
    has one ("Op 11 juli 1995 namen ze Srebrenica in. ... Twee weken na Srebrenica ...": 11
    July 1995)."""
    text = article.text
    for before in range(index - 1, max(-1, index - 1 - _TOLD_BACK), -1):
        s, e = spans[before]
        at = text.find(name, s, e)
        if at < 0:
            continue
        dates = running_year(article, rules, spans, before, [
            d for d in find_dates(text[s:e], article.period, rules.lang)
            if d.explicit and not d.since and not d.anaphoric])
        if dates:
            return min(dates, key=lambda d: abs(d.start + s - at)).interval
    return None


def _later(ref: Interval, n: int, days: int, months: int) -> Interval:
    """``n`` days (weeks: ``days`` 7) or months after ``ref``: days and weeks exact, months
    and years loose by half a unit either way."""
    if days:
        step = timedelta(days=n * days)
        return Interval.spanning(ref.start + step, ref.end + step)
    half = timedelta(days=15 * months)
    return Interval.spanning(months_back(ref.start, -n * months) - half,
                             months_back(ref.end, -n * months) + half)
