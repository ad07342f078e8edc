"""Dates a clause takes from the sentences around it: the date "toen"/"then" points back
to, a date that opens the paragraph or the text, the running year of a history ("In 2014
... in June"), "of that year", "three years later" / "een week eerder" counted from the
sentence before, and "two weeks after the fall of X" counted from X's change. Used by
``clause_dates.clause_interval`` when a clause has no full date of its own."""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from conflictmap.date_choice import choose_interval
from conflictmap.dates import DateMention, find_dates
from conflictmap.model import Article, Interval, Mention
from conflictmap.monthyears import since_background, whole_year
from conflictmap.relative_days import count_word
from conflictmap.rules import LanguageRules
from conflictmap.sentence_years import that_year
from conflictmap.triggers import Hit, without_relatives

log = logging.getLogger(__name__)


def previous_interval(article: Article, rules: LanguageRules,
                       spans: Sequence[tuple[int, int]], index: int) -> Interval | None:
    """The explicit date of the sentence before, which "toen"/"then" points back to: of
    the nearest of the last few sentences of the same paragraph that has one ("Op 19
    september ... Na een dag gaven ze op. Met die overgave ...")."""
    if index == 0:
        return None
    s, e = spans[index]
    text = article.text
    then = rules.dates.get("then").search(text, s, e)
    if then is None:
        return None
    own = [d.interval for d in find_dates(text[s:then.start()], article.period, rules.lang)
           if d.explicit and not (d.anaphoric or d.since or d.year_guessed)]
    if own:  # "In oktober 2017 trokken ze zich terug; X nam de stad toen over": that date
        return _then_span(rules, then.group(), own[-1])
    # "Eerder dat jaar", "later that year": a year may be told a paragraph before
    year = rules.dates.get("then_year").search(then.group()) is not None
    found_before = _previous_date(article, rules, spans, index, year)
    return None if found_before is None else _then_span(rules, then.group(), found_before)


_SEASON_MONTHS = (("spring", 3, 5), ("summer", 6, 9), ("autumn", 9, 11))  # as dates._SEASONS


def _then_span(rules: LanguageRules, said: str, previous: Interval) -> Interval:
    """What a "then" stands for: the date of the sentence before, or the whole year ("that
    same year", "datzelfde jaar") or the season of that year ("that same spring",
    "datzelfde voorjaar") it falls in (a winter: December to February)."""
    year = previous.start.year
    if rules.dates.get("then_before").search(said):
        return Interval.spanning(previous.start - timedelta(days=1),
                                 previous.end - timedelta(days=1))
    if rules.dates.get("then_next").search(said):
        return _next_span(rules, said, previous) or previous
    if rules.dates.get("then_year").search(said):
        return Interval.spanning(date(year, 1, 1), date(year, 12, 31))
    for key, first, last in _SEASON_MONTHS:
        if rules.dates.get(key).search(said):
            return Interval.spanning(date(year, first, 1), date(
                year, last, calendar.monthrange(year, last)[1]))
    if rules.dates.get("winter").search(said):
        year -= previous.start.month <= 2  # "that winter" after a January: begun the year before
        return Interval.spanning(date(year, 12, 1), date(
            year + 1, 2, calendar.monthrange(year + 1, 2)[1]))
    return previous


def _next_span(rules: LanguageRules, said: str, previous: Interval) -> Interval | None:
    """"the following May", "het voorjaar daarop": the first such month (season) that begins
    after the date of the sentence before."""
    words = said.lower().split()
    months = [i + 1 for i, name in enumerate(rules.dates.months) if name in words]
    seasons = [(first, last) for key, first, last in _SEASON_MONTHS
               if rules.dates.get(key).search(said)]
    seasons += [(12, 14)] if rules.dates.get("winter").search(said) else []
    if months:
        seasons = [(months[0], months[0])]
    if not seasons:
        return None
    first, last = seasons[0]
    year = previous.end.year + (date(previous.end.year, first, 1) <= previous.end)
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    return Interval.spanning(date(year, first, 1), date(
        end_year, end_month, calendar.monthrange(end_year, end_month)[1]))


def _previous_date(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
                   index: int, year: bool = False) -> Interval | None:
    """The explicit date "then" points back to (previous_interval). A sentence that opens its
    paragraph with "toen", "in dezelfde dagen" points back into the paragraph before it (one
    paragraph break may be crossed), unless it has a written date of its own; so does a
    ``year`` ("eerder dat jaar", "later that year") anywhere in its paragraph."""
    text = article.text
    s, e = spans[index]
    opens = (year or "\n" in text[spans[index - 1][1]:s]) and not any(
        d.explicit and not d.anaphoric for d in find_dates(text[s:e], article.period, rules.lang))
    counted = 0
    for before in range(index - 1, -1, -1):
        s, e = spans[before]
        if not _QUOTED.match(text, s):  # a quote's sentences tell no time of their own
            counted += 1
            if counted > LOOK_BACK:
                return None
        # a month in the text's running year ("In 2020 ... retook Shusha in November.
        # Kalbajar was handed back later that month")
        found = running_year(article, rules, spans, before,
                             find_dates(text[s:e], article.period, rules.lang))
        dates = [d for d in found if d.explicit]
        day = [d for d in found if not d.since and d.interval.start == d.interval.end]
        if dates and day and day[0].start < dates[0].start and all(
                d.interval.start < d.interval.end for d in dates):
            # "overran X on Sunday, ... since the offensive began in May. Y fell the same
            # day": the day, not the month in passing
            return day[0].interval
        if dates:
            return dates[-1].interval
        told = [d for d in day if not d.anaphoric]  # "on Thursday", "gisteren": that day
        if told:
            return told[-1].interval
        if "\n" in text[s:e] or ("\n" in text[e:spans[before + 1][0]]
                                  and not (opens and (before == index - 1 or year))):
            return None  # not past the paragraph's start (the one before, for an opener)
    return None


LOOK_BACK = 3  # sentences "toen"/"then" may point back over, a quote's not counted
_QUOTED = re.compile(r"\s*(?:[\"“”„‘«]|'(?!s\b))")  # not "'s Nachts ...", a time of day
COUNT_LOOK_BACK = 5
"""Sentences "ten days later" may count back over: past a quote's short sentences and one
dated only by "that night" ("in de nacht van 8 op 9 mei 1992 ... 'We hoorden de tanks.'
... Die nacht namen ze Sjoesja in. Tien dagen later viel ook Latsjin")."""


_FRONTED = 16  # characters before a date that opens its sentence ("In November 2020 ...")
_PARTICLE_TAIL = re.compile(r"(?:\s+[a-z]{1,6})?[\s.!]*")  # what may follow a closing date
_SHORT = 6  # words of a sentence that only sets the time ("Het tij keert pas in 2015.")


def _text_date(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
               index: int, fronted: bool = False, news: Interval | None = None
               ) -> Interval | None:
    """The date, with its year written, of the nearest of the last few sentences that has
    one, at most a month long ("In November 2020 ..."); none when a sentence in between is
    dated relative to the article ("on Wednesday", "last week": back to the news; not "three
    years ago", a time long past). With
    ``fronted``, only a date that opens its sentence sets the time the text tells about
    (not "the accord of March 2009" in passing), or a month that closes its sentence
    ("IS took Mosul in June 2014. In July ..."), unless the month to be placed (``news``, as
    the article's year reads it) is one of the last few before the article (_recent_news)."""
    text = article.text
    for before in range(index - 1, max(-1, index - 1 - LOOK_BACK), -1):
        s, e = spans[before]
        dates = [d for d in find_dates(text[s:e], article.period, rules.lang)
                 if not d.since and not d.anaphoric]
        # "drie jaar geleden", "a year ago today": no news time
        far = article.period.start - timedelta(days=365)
        if any(not d.explicit and d.interval.end > far for d in dates):
            return None
        written = [d for d in dates if not d.year_guessed]
        # a when-clause's "toen" repeats a date named before it ("In november 2012 bezette M23
        # Goma, toen voor tien dagen"): that date, where it is written, is the sentence's
        then = rules.dates.get("then")
        written = [d for i, d in enumerate(written)
                   if not (any(x.interval == d.interval for x in written[:i])
                           and then.fullmatch(text, s + d.start, s + d.end))]
        # a year that closes a short sentence of its own sets the time told next ("Het tij
        # keert pas in 2015. In maart ..."), as one that opens it does; not a year at the end
        # of a longer sentence ("the town where the uprising began in 2011.")
        # (a verb's particle may close the sentence after it: "nam X in juni 2014 in.")
        ends = bool(written) and _PARTICLE_TAIL.fullmatch(text, s + written[-1].end, e) is not None
        month_closing = ends and written[-1].interval.days <= 31 and not (
            news is not None and _recent_news(article, written[-1].interval, news))
        closing = ends and ((whole_year(written[-1].interval)
                             and len(text[s:e].split()) <= _SHORT) or month_closing)
        # a clause after a colon opens its own account ("Het is niet de eerste keer: in
        # november 2012 bezette M23 Goma ...")
        colon = text.rfind(": ", s, s + written[-1].start) if written else -1
        lead = rules.dates.get("date_lead").match(text, colon + 2 if colon >= 0 else s)
        opening = (lead.end() if lead is not None else colon + 2 if colon >= 0 else s) - s
        if written and fronted and not closing and written[-1].start - opening - sum(
                d.end - d.start for d in dates
                if opening <= d.start and d.end <= written[-1].start) > _FRONTED:
            return None  # "Three years ago, on 15 August 2021"
        written = written or [d for d in running_year(article, rules, spans, before, dates)
                              if not d.year_guessed]  # itself in the running year
        if written:
            last = written[-1].interval
            if (news is not None and "\n" in text[e:spans[index][0]]
                    and _recent_news(article, last, news)):
                # a paragraph back to the news: "... in July 1996 the LTTE overran the
                # camp.\n\nOn January 2 troops took X" (an article of late January 2009)
                return None
            # a month or a day; opening its sentence, also a season ("Then, in autumn
            # 2020, Azerbaijan struck back. Hadrut fell in October")
            season = fronted and (last.end - last.start).days <= 92
            # a year that a short sentence only sets: its months ("Het tij keert pas in
            # 2015. In maart ...": March 2015); not "In 2014 ..." opening a longer account
            return last if (last.end - last.start).days <= 31 or season or closing else None
        if not dates and rules.dates.get("present").search(text, s, e):
            return None  # "Dat de stad nu opnieuw viel": back to the news's time
    return None


def running_year(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
                  index: int, mentions: list[DateMention]) -> list[DateMention]:
    """A month or day named without its year after a sentence that gave one ("In November
    2020 ... On 20 November") is its first such month on or after that date; a day earlier in
    that date's own month is in its year ("On 15 August 2021 ... on 6 August"). Not with a
    relative date or a year of its own sentence ("said on Sunday it took X on 1 March",
    "retook Khartoum in March this year, and Wad Madani in January")."""
    if not any(m.year_guessed for m in mentions) or any(not m.since and not (
            m.explicit and (m.year_guessed or m.anaphoric)) for m in mentions):
        return mentions
    guessed = next(m.interval for m in mentions if m.year_guessed)
    before = _text_date(article, rules, spans, index, fronted=True, news=guessed)
    if before is None:
        return mentions
    # "A year ago today, troops took Shusha. ... Jabrayil fell on 4 October": an anniversary
    # looks back on that year's events, a month before its day is of that year too
    day = article.period.start
    anniversary = (before.start == before.end and before.start.year < day.year
                   and (before.start.month, before.start.day) == (day.month, day.day))
    out: list[DateMention] = []
    for m in mentions:
        if m.year_guessed:
            first = m.interval.start
            year = before.start.year + (not anniversary and first.month != before.start.month
                                        and (first.month, first.day)
                                        < (before.start.month, before.start.day))
            try:
                moved = Interval.spanning(first.replace(year=year),
                                          m.interval.end.replace(year=year + (
                                              m.interval.end.year - first.year)))
            except ValueError:  # 29 February
                moved = None
            if moved is not None and moved.end <= article.period.end:
                m = replace(m, interval=moved, year_guessed=False)
        out.append(m)
    return out


def _recent_news(article: Article, told: Interval, month: Interval) -> bool:
    """True when a month named without its year is one of the last few months before the
    article and the date told before it is more than a year older: the news ("De RSF namen
    Wad Madani in december 2023 in. Het leger heroverde het in januari", an article of
    February 2025: January 2025), not the story's running year."""
    day = article.period.start
    return ((day - month.end).days <= NEWS_DAYS
            and (day - told.end).days > 365)


NEWS_DAYS = 92
"""How recent a month named without its year must be to stay the news's, after older dates."""
FEW = 9  # "a few", "several", "enkele" days (weeks, years) later: at most this many
_LATER_UNITS = (("days_later", 1, 0, 1), ("weeks_later", 7, 0, 1), ("months_later", 0, 1, 1),
                ("years_later", 0, 12, 1), ("days_earlier", 1, 0, -1),
                ("weeks_earlier", 7, 0, -1), ("months_earlier", 0, 1, -1),
                ("years_earlier", 0, 12, -1), ("days_within", 1, 0, 0),
                ("weeks_within", 7, 0, 0), ("days_held", 1, 0, 1), ("weeks_held", 7, 0, 1),
                ("months_held", 0, 1, 1))  # sign 0: "within three days": 0 .. 3 days after
_HELD = ("days_held", "weeks_held", "months_held")


def _reference_date(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
                    index: int, place: Mention | None = None,
                    days: bool = False) -> Interval | None:
    """The date of the nearest of the last few sentences that has one, of any kind ("on
    Sunday", "In June 2014"; a month in the text's running year): its first, the main
    clause's ("overran X on Sunday, ... since the offensive began in May"); where that
    sentence names the clause's place, the date nearest the name ("seized Bunagana in July
    2012, and in November of that year it took Goma. The rebels pulled out of Goma ten
    days later": November 2012; "took Izium on 1 April and Lyman on 27 May"). With ``days``
    (a count of days), else its first day ("took X in January 2014, months before they
    overran Y on June 10 of that year. Z fell the next day": June 11)."""
    text = article.text
    counted = 0
    for before in range(index - 1, -1, -1):
        s, e = spans[before]
        if not _QUOTED.match(text, s):  # a quote's sentences are not counted (LOOK_BACK)
            counted += 1
            if counted > COUNT_LOOK_BACK:
                return None
        dates = [d for d in find_dates(text[s:e], article.period, rules.lang) if not (
            d.since or d.anaphoric or since_background(rules.dates, text[s:e], d, article.period))]
        if not dates:
            continue
        found = text.find(place.as_written, s, e) if place is not None and len(dates) > 1 else -1
        if place is not None and found >= 0:
            named, after = found - s, found - s + len(place.as_written)
            near = min(dates, key=lambda d: d.start - after if d.start >= after
                       else named - d.end)
            # "in November of that year": the year the sentence named before it
            near = that_year(rules, text, s, s + near.start, [replace(
                near, start=0, end=near.end - near.start)], article.period)[0]
            return running_year(article, rules, spans, before, [near])[0].interval
        intervals = [d.interval for d in running_year(article, rules, spans, before, dates)]
        single = [i for i in intervals if i.start == i.end]
        return single[0] if days and single else intervals[0]
    return None


def time_later(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
                index: int, segment: tuple[int, int],
                place: Mention | None = None) -> Interval | None:
    """The date of a clause that says "three years later", "twee maanden later" ("three
    weeks earlier"): that long after (before) the date of the sentence before (years: the
    whole year it falls in); "within three days": from that date to three days after it."""
    a, b = segment
    text, words = article.text, rules.dates
    for key, days, months, sign in _LATER_UNITS:
        # "held it for two weeks before X drove them out": the hold may stand in the clause
        # before the one that tells its end
        m = words.get(key).search(text, spans[index][0] if key in _HELD else a, b)
        if m is None:
            continue
        n = count_word(words.numbers, m.group(1), words.tens)
        # "enkele dagen later", "a few weeks later": one to FEW of them
        few = n is None and (m.group(1) or "").lower() in words.few
        # a bare plural ("Days later, ..."): the pattern's second group, also a few
        few = few or (m.re.groups >= 2 and m.group(2) is not None)
        less = bool(sign) and not few and words.get("less_than").search(
            text, max(a, m.start() - 15), m.start() if n is not None or not m.group(1)
            else m.end(1)) is not None
        if less and n is None:  # "nog geen week later": the count word is the "less"
            n = 1
        if n is None and not few and m.group(1):
            # a word that is no count before a bare plural ("Tikrit fell days later"):
            # the plural read on its own, a few
            # (not a count's last word: "two hundred days later")
            counted = (text[max(a, m.start() - 12):m.start()].split() or [""])[-1].lower()
            rest = m.re.match(text[m.end(1):b].lstrip())
            few = (rest is not None and rest.re.groups >= 2 and rest.group(2) is not None
                   and count_word(words.numbers, counted, words.tens) is None)
        n = 1 if few else n
        s = spans[index][0]
        # the dates before the count in its sentence ("namen in juni 2022 X in, een week
        # later viel ook Y": June 2022)
        # (not of a relative clause: "Homs, dat het leger in 2014 had heroverd, werd twee
        # dagen later opgegeven" counts from the sentence before)
        head = without_relatives(rules, text[s:m.start()], m.start() - s)
        own = [d for d in find_dates(head, article.period, rules.lang)
               if not d.since and not d.anaphoric]
        # "took X on Wednesday, before withdrawing the next day": the clause before it
        before = own[-1].interval if own else _reference_date(
            article, rules, spans, index, place, days == 1 and not months)
        if n is None or before is None:
            return None
        # the nearest and farthest count ("a few weeks earlier": -FEW .. -1; "ruim tien
        # dagen eerder", "more than ten days earlier": -15 .. -11)
        more = not few and sign and words.get("more_than").search(
            text, max(a, m.start() - 15), m.start()) is not None
        if more:
            n, n_end = sorted(((n + 1) * sign, (n + max(1, n // 2)) * sign))
        elif less and days:  # "less than a week later": a day to a week after
            (n, n_end), days = sorted((sign, n * days * sign)), 1
        elif less:  # "less than two months later": within two months
            n, n_end = sorted((0, n * sign))
        else:
            n, n_end = (sorted((n * sign, (FEW if few else n) * sign)) if sign
                        else (0, FEW if few else n))
        if months == 12:
            start, end = date(before.start.year + n, 1, 1), date(before.end.year + n_end, 12, 31)
        elif months:
            start, end = months_back(before.start, -n), months_back(before.end, -n_end)
        else:
            start = before.start + timedelta(days=n * days)
            end = before.end + timedelta(days=n_end * days)
        if start > article.period.end:
            return None
        return Interval.spanning(start, min(end, article.period.end))
    return None


def stretch_later(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
                   index: int, segment: tuple[int, int], hit: Hit, place: Mention | None
                   ) -> Interval | None:
    """The date of a place whose part of the sentence (from the comma before it) says "two
    days later" and names no date of its own ("werd op 21 januari ingenomen, en twee dagen
    later viel Sake"): that long after the date before it."""
    if place is None:
        return None
    a, b = segment
    text = article.text
    comma = max(text.rfind(",", a, place.start), _and_before(text, a, place.start))
    if comma < 0:
        return None
    words = rules.dates
    stop = text.find(",", place.end, b)
    # "and Zalingei, the capital of Central Darfur, five days later": the count after an
    # apposition (the next comma, and no date or clause word between) is the place's too
    if stop >= 0:
        count = _later_after(rules, text, stop, min(b, stop + _APPOSITION))
        stop = count if count is not None else stop
    stretch = (comma, b if stop < 0 else stop)
    # "took Nyala on 26 October, and Zalingei five days later": the trigger before a
    # place that is the bare conjunct of its object is the place's too
    conjunct = hit.start < stretch[0] and _CONJUNCT.match(text[stretch[0]:place.start])
    if not (stretch[0] <= hit.start < stretch[1] or conjunct):
        return None  # the place's part, not the trigger's ("..., the city the army had taken")
    if not any(words.get(key).search(text, *stretch) for key, *_ in _LATER_UNITS):
        return None
    own = [d for d in find_dates(text[stretch[0]:stretch[1]], article.period, rules.lang)
           if not d.anaphoric]
    return None if own else time_later(article, rules, spans, index, stretch, place)


_CONJUNCT = re.compile(r",?\s+and\s+(?:the\s+)?(?:(?:town|city|village|port|base)\s+of\s+)?$")
_APPOSITION = 70  # characters after the place's comma where its "N days later" may stand
_CLOSING = re.compile(r"\s*(?:[,.;:)!?]|$)")


def _and_before(text: str, a: int, start: int) -> int:
    """Where the " and " right before a place stands ("... on 26 October and Zalingei five
    days later"), or -1."""
    i = text.rfind(" and ", a, start)
    return i if i >= 0 and not text[i + 5:start].strip(" ,").count(" ") > 3 else -1


def _later_after(rules: LanguageRules, text: str, a: int, b: int) -> int | None:
    """The end of an "N days later" in text[a:b] that closes an apposition (one more comma
    at most before it, no relative clause), or None."""
    for key, *_ in _LATER_UNITS:
        m = rules.dates.get(key).search(text, a, b)
        if (m is not None and text.count(",", a + 1, m.start()) <= 1
                and rules.markers.relative.search(text, a, m.start()) is None
                # (it closes the apposition: not "Gondar, the old capital, and three days
                # later clashes reached Bahir Dar", a clause of its own)
                and _CLOSING.match(text, m.end()) is not None):
            return m.end()
    return None


def time_before(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
                 index: int, segment: tuple[int, int], hit: Hit | None = None,
                 hits: Sequence[Hit] = ()) -> Interval | None:
    """The date of a clause that opens with "N days/weeks after" ("..., state TV said on
    Monday, four days after rebels seized it"; "een dag nadat Rusland het dorp opeiste"):
    the main clause's date, N days earlier. Not of a main clause that follows the
    after-clause's own change ("Op 1 december, twee dagen nadat de rebellen Aleppo waren
    binnengetrokken, veroverden ze Tal Rifaat": 1 December)."""
    a, b = segment
    s, e = spans[index]
    text, words = article.text, rules.dates
    for key, unit in (("days_after", 1), ("weeks_after", 7)):
        for m in words.get(key).finditer(text, max(s, a - 30), min(b, a + 12)):
            if not m.start() < a <= m.end():
                continue
            comma = -1 if hit is None else text.rfind(",", m.end(), hit.start)
            if comma >= 0 and any(m.end() <= h.start and h.end <= comma for h in hits):
                return None
            n = count_word(words.numbers, m.group(1), words.tens)
            if n is None:
                continue
            main = [d for d in find_dates(text[s:e], article.period, rules.lang)
                    if not (a <= d.start + s < b) and not d.since]
            when = choose_interval(main, article.period, (a - s, a - s))
            back = timedelta(days=n * unit)
            return Interval.spanning(when.start - back, when.end - back)
    for key, (near, far) in (("vague_days_after", (1, 14)), ("vague_weeks_after", (7, 90)),
                             ("after_clause", (0, 14))):
        # after_clause looks on to the clause's pluperfect ("nadat ... hadden veroverd")
        stop = b if key == "after_clause" else min(b, a + 16)
        for m in words.get(key).finditer(text, max(s, a - 30), stop):
            if not m.start() < a + 2 or not a <= m.end():
                continue
            main = [d for d in find_dates(text[s:e], article.period, rules.lang)
                    if not (a <= d.start + s < b) and not d.since]
            when = choose_interval(main, article.period, (a - s, a - s))
            return Interval.spanning(when.start - timedelta(days=far),
                                     when.end - timedelta(days=near))
    return None


_HEADER = re.compile(r"[^\n.()]{1,60}\(([^()\n]{3,40})\)\.\s")
_TIMELINE = re.compile(r"[ \t]*(?:[-*\u2022\u2013]\s*)?((?:1[89]|20)\d\d)\s*:\s")  # "2000: ..."


def paragraph_date(article: Article, rules: LanguageRules,
                    span: tuple[int, int]) -> Interval | None:
    """The date in a paragraph's heading "Place (date)." ("Avdiivka (17 februari). Het
    leger trok zich terug ..."), for a later sentence of that paragraph with no date of
    its own; and the year that opens a timeline's line ("2000: Israel leaves the zone.
    Khiam too falls to the movement.") for the line's later sentences."""
    text = article.text
    s, e = span
    para = text.rfind("\n", 0, s) + 1
    if para == s:
        return None
    line = _TIMELINE.match(text, para, s)
    if line is not None and not find_dates(text[s:e], article.period, rules.lang):
        year = int(line.group(1))
        if year <= article.period.end.year:
            return Interval.spanning(date(year, 1, 1), date(year, 12, 31))
    m = _HEADER.match(text, para, s + 1)
    if m is None or m.end() > s:
        return None
    if find_dates(text[s:e], article.period, rules.lang):
        return None
    dates = [d for d in find_dates(m.group(1), article.period, rules.lang) if d.explicit]
    return dates[0].interval if len(dates) == 1 else None


def months_back(day: date, n: int) -> date:
    """``day`` n calendar months earlier (the last day of a shorter month)."""
    year, month = divmod(day.year * 12 + day.month - 1 - n, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))

