"""The date interval of one trigger match: time per clause (CODEBOOK.md, Dates).

The dates of the trigger's clause if it has any, else of its sentence up to a later clause
with a subject of its own; of several, those of the place's own part of the sentence
(between commas), then the one nearest the trigger. A date after "sinds"/"since" dates
only a trigger that states who holds a place; a wire dateline's date dates nothing; a
trigger that only mentions a change ("de val van X") is dated by its own phrase.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from conflictmap.after_dates import change_before
from conflictmap.context_dates import (
    LOOK_BACK,
    paragraph_date,
    previous_interval,
    running_year,
    stretch_later,
    time_before,
    time_later,
)
from conflictmap.date_choice import choose_interval, day_heading, post_date, stamp_period
from conflictmap.dates import DateMention, find_dates
from conflictmap.factuality import apposed_date, dateline_end, is_mention
from conflictmap.model import Article, Interval, Mention
from conflictmap.monthyears import CLAUSE_END
from conflictmap.rules import LanguageRules
from conflictmap.sentence_years import clause_year, story_window, story_year, that_year, war_year
from conflictmap.triggers import Hit, segments
from conflictmap.war_start import war_counted

log = logging.getLogger(__name__)


def clause_interval(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
                    index: int, hit: Hit, segment: tuple[int, int], hits: Sequence[Hit] = (),
                    place: Mention | None = None) -> Interval:
    """The dates of the trigger's clause if it has any, else of its sentence. A date nearer
    another of ``hits`` (the clause's triggers that have a place) is that one's
    ("withdrawing from Avdiivka, ... since Bakhmut fell in May": May dates the fall, not
    the withdrawal). A change an anniversary piece tells with no time word at all is of the
    story's days, not the article's week (sentence_years.story_window)."""
    interval = _clause_interval(article, rules, spans, index, hit, segment, hits, place)
    interval = _place_parenthesis(article, rules, place, interval)
    return story_window(rules, article.text, article.period, interval)


_PARENTHESIS = re.compile(r"\s*\(([^()\n]{3,30})\)")


def _place_parenthesis(article: Article, rules: LanguageRules, place: Mention | None,
                       interval: Interval) -> Interval:
    """A date in brackets right after the place is its own ("verdreven uit Baidoa (februari)
    en Afgooye (mei)"): a month without its year in the year of the clause's date."""
    if place is None:
        return interval
    paren = _PARENTHESIS.match(article.text, place.end)
    if paren is None:
        return interval
    # (a bare month is read as one after its preposition: "(februari)" as "in februari")
    lead = f"{rules.words['month_preposition'][0]} "
    found = [d for d in find_dates(lead + paren.group(1), article.period, rules.lang)
             if d.explicit and not d.anaphoric and d.start <= len(lead)]
    if not found:
        return interval
    own = found[0].interval
    if found[0].year_guessed and interval.start.year == interval.end.year:
        # read again as of the last day of the clause's year: the month in that year
        end = date(interval.start.year, 12, 31)
        own = find_dates(lead + paren.group(1), Interval(end, end, 1), rules.lang)[0].interval
    return own if interval.start <= own.start <= interval.end else interval


def _clause_interval(article: Article, rules: LanguageRules, spans: Sequence[tuple[int, int]],
                     index: int, hit: Hit, segment: tuple[int, int], hits: Sequence[Hit] = (),
                     place: Mention | None = None) -> Interval:
    heading = day_heading(article.text, spans[index][0], article.period, rules.lang)
    if heading is not None:  # a live blog's entry under "Monday 18 December"
        article = replace(article, period=heading)
    posted = post_date(article.text, hit.start, article.period, rules.lang)
    if posted is not None:  # an embedded post's line that ends "(1 oktober)"
        article = replace(article, period=posted)
    text = article.text
    before_main = change_before(article, rules, spans, index, hit)
    if before_main is not None:
        return before_main
    header = paragraph_date(article, rules, spans[index])
    if header is not None:
        return header
    previous = previous_interval(article, rules, spans, index)
    a, b = segment
    # "took Kabul on Sunday, and Jalalabad fell the same day": "the same day" of a later
    # clause is the date its sentence names before it
    same = rules.dates.get("same_day").search(text, a, b)
    if same is not None and same.start() > spans[index][0]:
        named = [d for d in find_dates(text[spans[index][0]:same.start()], article.period,
                                       rules.lang)
                 if not d.since and not d.anaphoric]
        previous = named[-1].interval if named else previous
    lang, period = rules.lang, article.period
    wider: dict[int, list[DateMention]] = {}

    def dates_from(start: int) -> list[DateMention]:
        """The sentence read from ``start`` up to the clause's end, read once."""
        if start not in wider:
            wider[start] = find_dates(text[start:b], period, lang, previous=previous)
        return wider[start]

    mentions = _change_dates(rules, text, hit, _sentence_years(
        text, spans[index][0], segment, find_dates(text[a:b], period, lang, previous=previous),
        dates_from), a)
    mentions = _unquoted(text, spans[index][0], a, mentions)
    mentions = _when_named(text, spans[index][0], a, mentions, dates_from)
    back = spans[max(0, index - LOOK_BACK)][0]
    mentions = that_year(rules, text, spans[index][0], a, mentions, period, back)
    mentions = story_year(rules, text, period, running_year(
        article, rules, spans, index, clause_year(rules, text[a:b], mentions)))
    mentions = war_year(rules, text, a, b, hit.start, war_counted(rules, text, a, b, period,
                                                                  mentions))
    mentions = _outside_apposition(rules, text, a, b, hit, mentions)
    if not mentions:
        before = time_before(article, rules, spans, index, segment, hit, hits)
        if before is not None:
            return before
    if all(m.anaphoric for m in mentions):
        # "Two days later they took Y, the army said at the time": the count, not "then"
        later = time_later(article, rules, spans, index, segment, place)
        if later is not None:
            return later
    if mentions:
        later = stretch_later(article, rules, spans, index, segment, hit, place)
        if later is not None:
            return later
    others = [h for h in hits if h is not hit]
    if mentions and others:
        # (a date between the trigger and another that has a date of its own after it is
        # the trigger's: "stormed the garrison in Ardamata, outside El Geneina, in early
        # November and entered Ed Daein on November 21")
        dated = [h for h in others if any(m.start + a >= h.end for m in mentions)]
        mine = [m for m in mentions if all(
            _nearer(rules, text, m, a, hit, h)
            or (h in dated and hit.end <= m.start + a and m.end + a <= h.start)
            for h in others)]
        # "In 2014 IS overran Mosul and swept into Tikrit": a date before all the clause's
        # triggers dates each one that has none of its own
        mine = mine or [m for m in mentions
                        if m.end + a <= min(h.start for h in (hit, *others))]
        # "back in government hands in March 2016, when AU troops pushed al-Shabaab out of
        # the town": the when-clause right after a date happened then
        when = rules.dates.get("since_when")
        mine = mine or [m for m in mentions if (w := when.match(text, m.end + a)) is not None
                        and w.end() <= hit.start]
        # "seized the airport when it overran Mosul in June 2014": the when-clause's date
        during = rules.dates.get("when_clause")
        mine = mine or [m for m in mentions if hit.end <= m.start + a and (
            w := during.search(text, hit.end, m.start + a)) is not None
            and any(h.start >= w.start() for h in others)]
        if ".sequel." in hit.trigger.id and any(h.end <= hit.start for h in others):
            # "Na de val van X begin oktober volgde half oktober Y": the date before the
            # verb of sequence is the change it follows, its own one stands after it
            mine = [m for m in mine if m.start + a >= hit.end] or mine
        if not mine:
            # "namen in juni 2022 X in, een week later viel ook Y": counted from that date
            later = time_later(article, rules, spans, index, _stretch(text, segment, hit),
                               place)
            later = later or time_before(article, rules, spans, index, segment, hit, hits)
            if later is not None:
                return later
            # the clause's dates are the others' ("Op 1 december, ..., veroverden ze X,
            # een stadje waar Koerden woonden die in 2018 uit Y waren verdreven"): the
            # date that opens the sentence before the clause
            s = spans[index][0]
            lead = [d for d in find_dates(text[s:a], period, lang, previous=previous)
                    if not d.since]
            return choose_interval(running_year(article, rules, spans, index, lead), period)
        mentions = mine
    if mentions:
        mentions = _own_stretch(rules, text, a, mentions, hit, place)
        return choose_interval(mentions, period, (hit.start - a, hit.end - a))
    s, e = spans[index]
    if (a, b) == (s, e):
        return choose_interval(mentions, period, (hit.start - s, hit.end - s))
    end = _dated_until(rules, text, b, e)
    mentions = _change_dates(rules, text, hit,
                             find_dates(text[s:end], period, lang, previous=previous), s)
    mentions = _unquoted(text, s, s, mentions)
    mentions = running_year(article, rules, spans, index, mentions)
    mentions = _own_stretch(rules, text, s, mentions, hit, place)
    return choose_interval(mentions, period, (hit.start - s, hit.end - s))


def _when_named(text: str, s: int, a: int, mentions: list[DateMention],
                dates_from: Callable[[int], list[DateMention]]) -> list[DateMention]:
    """A clause dated only by "toen" that opens it after a comma ("sinds juni 2014 in
    handen van IS, toen de jihadisten de stad onder de voet liepen") takes the date the
    sentence names before it (``dates_from``: the sentence read from ``s`` to the clause's
    end, as dates.find_dates reads it; ``a``: the clause's start)."""
    if s >= a or not all(m.anaphoric for m in mentions) or "," not in text[s:a]:
        return mentions
    own = [replace(m, start=m.start + s - a, end=m.end + s - a)
           for m in dates_from(s) if m.start + s >= a and not m.anaphoric]
    return own or mentions


def _sentence_years(text: str, s: int, segment: tuple[int, int], mentions: list[DateMention],
                    dates_from: Callable[[int], list[DateMention]]) -> list[DateMention]:
    """A month without its year in a later clause takes the year its sentence gave before it
    ("Ramadi gaat in mei 2015 verloren, maar wordt eind december teruggenomen": December
    2015), as the whole sentence reads it."""
    a = segment[0]
    if a <= s or not any(m.year_guessed for m in mentions):
        return mentions
    whole = {(m.start + s - a, m.end + s - a): m for m in dates_from(s) if m.start + s >= a}
    out = []
    for m in mentions:
        w = whole.get((m.start, m.end))
        out.append(replace(m, interval=w.interval, year_guessed=False)
                   if m.year_guessed and w is not None and not w.year_guessed else m)
    return out


_STRETCH_COMMA = re.compile(r",(?!\d)")
_OPEN_QUOTES, _CLOSE_QUOTES, _STRAIGHT = "“„«", "”»", '"'


def _unquoted(text: str, s: int, offset: int,
              mentions: list[DateMention]) -> list[DateMention]:
    """Without the relative days ("Today", "vandaag", "yesterday") said inside a quotation
    in the sentence that starts at ``s``: the speaker's day, not the article's ('"Today, our
    armed forces have seized Kidal," Goita said' on a day the sentence before gives); a
    longer span ("Vorig jaar hebben we Paletwa ingenomen") is the same from either day."""
    def quoted(pos: int) -> bool:
        before = text[s:pos]
        opened = max(before.rfind(q) for q in _OPEN_QUOTES)
        closed = max(before.rfind(q) for q in _CLOSE_QUOTES)
        return opened > closed or before.count(_STRAIGHT) % 2 == 1
    return [m for m in mentions if m.explicit or m.interval.start != m.interval.end
            or not quoted(offset + m.start)]


def _stretch(text: str, segment: tuple[int, int], hit: Hit) -> tuple[int, int]:
    """The part of the segment between the commas around the trigger."""
    a, b = segment
    before = [c.end() for c in _STRETCH_COMMA.finditer(text, a, hit.start)]
    after = _STRETCH_COMMA.search(text, hit.end, b)
    return (before[-1] if before else a, after.start() if after is not None else b)


def _own_stretch(rules: LanguageRules, text: str, offset: int, mentions: list[DateMention],
                 hit: Hit, place: Mention | None) -> list[DateMention]:
    """Of several dates, those between the same commas as the place, else as the trigger:
    each place takes the date of its own part of the sentence ("Eind juli werd X heroverd,
    half augustus volgde Y": July for X, August for Y). A trigger in a relative clause
    after the place takes its own clause's date ("Eind augustus riep hij in Gwoza, dat de
    groep begin augustus innam, het kalifaat uit": early August)."""
    if len(mentions) < 2:
        return mentions
    if (place is not None and place.end <= hit.start
            and (rules.markers.relative.search(text, place.end, hit.start) is not None
                 # "hit Mosul on Sunday, the first attack since 2017, when Iraqi forces
                 # retook the city": the when-clause's change is not dated by the place's part
                 or rules.dates.get("since_when").search(text, place.end, hit.start))):
        place = None
    end = max(m.end for m in mentions) + offset
    commas = [c.start() for c in _STRETCH_COMMA.finditer(text, offset, max(end, hit.end))]

    def stretch(pos: int) -> int:
        return bisect_right(commas, pos)

    if place is not None and not any(stretch(m.start + offset) == stretch(place.start)
                                     for m in mentions):
        # "drove them out of Afgooye, 30 km west of the capital, in May": the date right
        # after the place's apposition is the place's
        after = _after_apposition(rules, text, offset, mentions, place)
        if after:
            return after
    for anchor in ([place.start] if place is not None else []) + [hit.start]:
        mine = [m for m in mentions if stretch(m.start + offset) == stretch(anchor)]
        if mine:
            return (_own_conjunct(rules, text, offset, mine, place) if anchor != hit.start
                    else mine)
    # "In late October the army, backed by UN troops, retook X, and in early November the
    # rebels gave up": a date after ", and" past the change opens a clause of its own
    coordinate = rules.words.compile(_COORDINATE, re.IGNORECASE)
    return [m for m in mentions if m.start + offset < hit.end
            or coordinate.search(text, hit.end, m.start + offset) is None] or mentions


_COORDINATE = r",\s+%and%\s"


_APPOSITION_CHARS = 60  # "Afgooye, 30 km (19 miles) west of the capital, in May"
# between the apposition's closing comma and the date: at most a short preposition ("on
# November 12", "op 12 november"), not a conjunction ("..., and last month")
_DATE_LEAD = r"\s*(?:(?!%and%\b)[^\W\d_]{2,3}\s+)?"


def _after_apposition(rules: LanguageRules, text: str, offset: int,
                      mentions: list[DateMention], place: Mention) -> list[DateMention]:
    """The dates that open the stretch right after a short apposition set off by commas
    after the place (none inside it)."""
    if not text.startswith(",", place.end):
        return []
    close = text.find(",", place.end + 1, place.end + _APPOSITION_CHARS)
    if close < 0 or any(place.end < m.start + offset < close for m in mentions):
        return []
    lead = rules.words.compile(_DATE_LEAD, re.IGNORECASE)
    return [m for m in mentions if close < m.start + offset
            and lead.fullmatch(text, close + 1, m.start + offset) is not None]


_CONJUNCT = r"\s(?:%and%|&)\s"


def _own_conjunct(rules: LanguageRules, text: str, offset: int, mentions: list[DateMention],
                  place: Mention | None) -> list[DateMention]:
    """Of several dates in the place's stretch, those between the same "and"/"en" as the
    place, when it has one ("captured Kala in January and Vorn last month": last month
    for Vorn); else all of them."""
    if len(mentions) < 2 or place is None:
        return mentions
    end = max(m.end for m in mentions) + offset
    conjunct = rules.words.compile(_CONJUNCT, re.IGNORECASE)
    cuts = [c.start() for c in conjunct.finditer(text, offset, max(end, place.end))]
    own = bisect_right(cuts, place.start)
    mine = [m for m in mentions if bisect_right(cuts, m.start + offset) == own]
    return mine or mentions


def _change_dates(rules: LanguageRules, text: str, hit: Hit, mentions: list[DateMention],
                  offset: int) -> list[DateMention]:
    """The time expressions (offsets from ``offset``) that may date a change: "sinds
    2016"/"since September" says when a state began, so it dates only a trigger that can
    state who holds a place ("sinds april in handen van AQAP": taken in April), not a
    change ("de eerste provinciehoofdstad sinds 2001", "die de stad sinds 2016 bestuurden,
    gaven ... op"). A trigger that only mentions a change ("de val van X") is dated by its
    own phrase, not by what the sentence says after a comma ("The capture of X is the
    biggest prize for the alliance, which launched its offensive on Oct. 27")."""
    if not hit.trigger.static_veto:
        mentions = [m for m in mentions if not m.since]
    if any(m.anaphoric for m in mentions) and not all(m.anaphoric for m in mentions):
        # "then entered Fallujah itself in early June": a date of its own outranks "then";
        # not one before the trigger that dates another ("entered Kabul on Sunday, and
        # Jalalabad fell the same day": the same day, that Sunday)
        same = rules.dates.get("same_day")
        after = [m for m in mentions if m.anaphoric and m.start + offset >= hit.end and all(
            n.end + offset <= hit.start for n in mentions if not n.anaphoric)
            and same.fullmatch(text, m.start + offset, m.end + offset)]
        mentions = after or [m for m in mentions if not m.anaphoric]
    filed = dateline_end(text, hit.start)
    if filed >= 0:
        mentions = [m for m in mentions if m.start + offset >= filed]
    if mentions and is_mention(rules, text, hit):
        comma = text.find(",", hit.end)
        if comma >= 0:  # a date in apposition still dates it: "de val van X, in mei 2023"
            mentions = [m for m in mentions if m.start + offset < comma
                        or apposed_date(rules, text[comma + 1:m.start + offset])]
    if mentions:
        mentions = _not_anterior(rules, text, hit, mentions, offset)
    return [_campaign_start(rules, text, hit, m, offset) for m in mentions]


_OPEN_END = date(9999, 12, 31)  # cut at the article's date by choose_interval


def _campaign_start(rules: LanguageRules, text: str, hit: Hit, mention: DateMention,
                    offset: int) -> DateMention:
    """A date in a clause after the trigger that tells when a campaign began ("took Aleppo
    in an offensive that began on 27 November", "een offensief dat op 27 november begon"):
    the change came after it, from that day up to the article's."""
    start, end = mention.start + offset, mention.end + offset
    if start < hit.end:
        return mention
    words = rules.dates
    if words.get("began_before").search(text, hit.end, start) is None or (
            words.get("began_after").match(text, end) is None):
        return mention
    return replace(mention, interval=Interval.spanning(mention.interval.start, _OPEN_END))


def _not_anterior(rules: LanguageRules, text: str, hit: Hit, mentions: list[DateMention],
                  offset: int) -> list[DateMention]:
    """Without the dates of a relative clause after the trigger in the past perfect
    ("seized X, which the army had captured in 2013", "took X, where the rebels had beaten
    back an attack on 7 October"), or of one that describes the place ("entered Daraa, the
    town where the uprising began in 2011"): it tells of something before the change; nor
    of one before the trigger, in any tense ("Homs, dat het leger in 2014 had heroverd, werd
    op 7 december opgegeven"; "Sirte, die in 2016 werd heroverd, is nu in handen van
    Haftar")."""
    words = rules.dates
    last = max(m.end for m in mentions) + offset
    for rel in words.get("relative_start").finditer(text, min(offset, hit.end), last):
        stop = CLAUSE_END.search(text, rel.end())
        end = stop.start() if stop is not None else len(text)
        if rel.start() <= hit.start < end:
            continue  # the trigger's own relative clause
        if end <= hit.start or words.get("anterior").search(text, rel.end(), end):
            mentions = [m for m in mentions if not rel.start() <= m.start + offset < end]
    for rel in words.get("described").finditer(text, hit.end, last):
        stop = CLAUSE_END.search(text, rel.end())
        end = stop.start() if stop is not None else len(text)
        mentions = [m for m in mentions if not rel.start() <= m.start + offset < end]
    return mentions


def _dated_until(rules: LanguageRules, text: str, seg_end: int, e: int) -> int:
    """Where the dates that may date a clause without its own end: the sentence's end,
    or the start of a later clause with a subject of its own ("had taken Aleppo, and by
    Thursday they were at the gates of Hama": Thursday is not when Aleppo fell). Other
    later clauses bound it ("captured Robotyne before withdrawing in August") or say who
    says it ("..., the ministry said on Tuesday")."""
    pronoun = rules.markers.pronoun_subject
    for a, b in segments(rules, text, seg_end, e):
        head = " ".join(text[a:b].split()[:_HEAD_WORDS])
        if pronoun.search(head):
            return a
    return e


_HEAD_WORDS = 5  # a clause whose first words hold a subject pronoun has its own subject


def _outside_apposition(rules: LanguageRules, text: str, a: int, b: int, hit: Hit,
                        mentions: list[DateMention]) -> list[DateMention]:
    """Without the dates of an apposition after the trigger that tells of another change,
    when the clause has a date outside it ("seized Palmyra, a town it had lost to IS in
    2015, on Sunday": Sunday)."""
    inside = []
    for m in rules.markers.apposition_relative.finditer(text, hit.end, b):
        comma = text.find(",", m.end(), b)
        inside.append((m.start(), comma if comma >= 0 else b))
    if not inside:
        return mentions
    outside = [d for d in mentions if not any(s <= d.start + a < e for s, e in inside)]
    return outside or mentions


def _nearer(rules: LanguageRules, text: str, mention: DateMention, offset: int, hit: Hit,
            other: Hit) -> bool:
    """True when a date is the hit's rather than the other's: the one fewer commas away
    ("Ramadi, which fell to IS in May 2015, was recaptured in December": May is the
    fall's though nearer "recaptured"), at equal commas the one fewer "and"s away
    ("liberated Manbij in August 2016 and took Raqqa": August is the liberation's), then
    the nearer."""
    pos = mention.start + offset
    conjunct = rules.words.compile(_CONJUNCT, re.IGNORECASE)
    for cut in (_STRETCH_COMMA, conjunct):
        mine, theirs = (len(cut.findall(text, min(pos, h.start), max(pos, h.start)))
                        for h in (hit, other))
        if mine != theirs:
            return mine < theirs
    return _gap(mention, offset, hit) <= _gap(mention, offset, other)


def _gap(mention: DateMention, offset: int, hit: Hit) -> int:
    """Characters between a date (offsets from ``offset``) and a trigger hit."""
    return max(0, mention.start + offset - hit.end, hit.start - (mention.end + offset))


def stamp_day(article: Article, rules: LanguageRules) -> Article:
    """``article`` dated by its page furniture's day (:func:`date_choice.stamp_period`)."""
    period = stamp_period(article.text, article.period, rules.lang)
    if period is article.period:
        return article
    log.debug("%s: dated %s by its stamp", article.id, period.start)
    return replace(article, period=period)
