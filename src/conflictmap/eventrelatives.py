"""Relative clauses and asides around a trigger and its places: which place a relative
clause is about (its antecedent), a place inside an aside or a bracket that only describes
another, a trigger inside a relative clause whose main clause goes on, and a main clause that
is a plan or a hypothesis. Used by :mod:`conflictmap.eventplaces` to choose a trigger's
targets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

from conflictmap.dates import bare_years, find_dates
from conflictmap.eventcontext import Context
from conflictmap.geotargets import unknown_target
from conflictmap.model import Change, Mention, PlaceKind
from conflictmap.triggers import Hit
from conflictmap.war_start import war_time


def relative_between(ctx: Context, start: int, end: int) -> re.Match[str] | None:
    """The last relative marker in text[start:end], or None; remembered for the last text
    (the same stretch is asked about from several modules)."""
    text, pattern = ctx.article.text, ctx.rules.markers.relative
    if _RELATIVES[0] is not text:
        _RELATIVES[0], _RELATIVES[1] = text, {}
    known: dict[tuple[object, int, int], re.Match[str] | None] = _RELATIVES[1]
    key = (pattern, start, end)
    if key not in known:
        matches = list(pattern.finditer(text, start, end))
        known[key] = matches[-1] if matches else None
    return known[key]


_RELATIVES: list = [None, {}]  # the last text, and (pattern, start, end) -> the last marker


def relative_antecedent(ctx: Context, hit: Hit, place: Mention, places: list[Mention]) -> bool:
    """The place a relative clause with the trigger refers to ("Donetsk, die sinds ...").
    A locator set off by commas between them is no antecedent: in "the town of Bara, in
    North Kordofan, which the RSF claimed to have captured" the relative is about Bara."""
    text = ctx.article.text
    rel = relative_between(ctx, place.end, hit.start)
    if rel is None:  # "towards Sirte, the coastal city the LNA took in January"
        app = ctx.rules.markers.apposition_relative.match(text, place.end)
        return (app is not None and app.end() <= hit.start
                and "," not in text[app.end():hit.start])
    between = [p for p in places if place.end <= p.start and p.end <= rel.start()]
    gap = text[place.end:rel.start()]
    locator = ctx.rules.markers.locator_gap
    if (len(between) == 1 and not text[between[0].end:rel.start()].strip()
            and locator.fullmatch(text, place.end, between[0].start)):
        # "the town of Rastan north of Homs, which ...": about Rastan, Homs locates it
        return not any(place.end <= p.start < hit.start for p in places
                       if p is not place and p not in between)
    if not between and any(p.end <= place.start and locator.fullmatch(text, p.end, place.start)
                           for p in places):
        return False  # the town that locates the place before it ("north of Homs, which")
    if (gap.strip() and not _VERB_FINAL.fullmatch(gap)
            and not ctx.rules.markers.antecedent_gap.fullmatch(gap)  # "X in het zuiden, dat"
            and not (ctx.rules.words.compile(_APPOSITION, re.IGNORECASE).fullmatch(gap)
                     and not between)
            and not _town_apposition(ctx, gap, between)):
        if len(between) != 1 or text[between[0].end:rel.start()].strip():
            return False
        if not _parenthetical(ctx, text[place.end:between[0].start]):
            return False
    elif _parenthetical(ctx, text[max(0, place.start - 40):place.start]) and any(
            place.start - p.end <= 40 for p in places if p.end <= place.start):
        return False  # the locator itself ("..., in North Kordofan, which ...")
    return not any(place.end <= p.start < hit.start for p in places
                   if p is not place and p not in between)


# "Wad Madani, the state capital, which ...": a noun phrase in apposition, no place in it.
_APPOSITION = r",\s+(?:%article%|%possessive%)\s+(?:[^\W\d_][\w'’-]*\s+){0,4}[^\W\d_][\w'’-]*\s*"
_VERB_FINAL = re.compile(r"\s+[^\W\d_]+")  # "Mosoel bevrijden, dat ...": one verb between
# "Bama, Borno state's second-largest town, which ...", "Wad Madani, the capital of Gezira
# state, which ...": an apposition that calls the place a town of a region it names.
_TOWN_APPOSITION = (r",\s+(?:(?:%article%|%possessive%)\s+)?(?:[^\W\d_][\w'’-]*\s+){0,5}?"
                    r"%town_noun%(?:\s+%of%\s+(?:[^\W\d_][\w'’-]*\s*){1,4})?\s*")


# "Mosul, Iraq's second city, which ...": a country locates a town as a region does
_LOCATING_KINDS = (PlaceKind.REGION, PlaceKind.COUNTRY)


def _town_apposition(ctx: Context, gap: str, between: list[Mention]) -> bool:
    """True for an apposition naming the place as a town, whose only places are regions or
    countries ("Mosul, Iraq's second city, which": the country may be no candidate)."""
    return (all(p.place.kind in _LOCATING_KINDS for p in between)
            and ctx.rules.words.compile(_TOWN_APPOSITION, re.IGNORECASE).fullmatch(gap)
            is not None)


def _parenthetical(ctx: Context, gap: str) -> bool:
    """True for ", in" / ", near" right before a place: a locator set off by a comma."""
    markers = ctx.rules.markers
    comma = gap.rfind(",")
    tail = gap[comma + 1:] if comma >= 0 else ""
    return comma >= 0 and bool(markers.locative.search(tail) or markers.near.search(tail))


def outside_relative(ctx: Context, hit: Hit, place: Mention, places: list[Mention]) -> bool:
    """A place before a relative clause holding the trigger is no target, but its antecedent.
    A relative clause that closes (a comma) before the trigger is an aside: the place before
    it is the main clause's subject ("de provincie X, waarvan Y de hoofdstad is, is gevallen")."""
    if place.end > hit.start:
        return False
    rel = relative_between(ctx, place.end, hit.start)
    if rel is None or _closes_before(ctx, rel.end(), hit.start):
        return False
    return not relative_antecedent(ctx, hit, place, places)


_BRACKETED = re.compile(r"(?:\s+[^\W\d_][\w-]*){0,2}\s*\)")
_OPEN_AFTER_PLACE = re.compile(r"\s*\((?:\s*[^\W\d_][\w-]*\s+){0,2}?\s*")


def beyond_relative(ctx: Context, hit: Hit, place: Mention, seg_start: int) -> bool:
    """True when the trigger stands in a relative clause that closes (a comma) before the
    place: the place belongs to the main clause ("The RSF, which seized Singa on Saturday,
    now threatens Gedaref")."""
    if place.start < hit.end:
        return False
    text = ctx.article.text
    rel = relative_between(ctx, max(seg_start, hit.start - 120), hit.start)
    if rel is None or "," in text[rel.end():hit.start]:
        return False
    close = text.find(",", hit.end, place.start)
    return close >= 0 and not text[close + 1:place.start].lstrip().startswith(("en ", "and "))


def _closes_before(ctx: Context, start: int, end: int) -> bool:
    """True when the relative clause opened at ``start`` ends at a comma before ``end``."""
    comma = ctx.article.text.find(",", start, end)
    return comma >= 0 and not ctx.article.text[comma + 1:end].lstrip().startswith(
        ("en ", "and "))


def aside(ctx: Context, place: Mention, hits: list[Hit]) -> bool:
    """True for a place inside a relative clause that closes before the clause's triggers
    and holds none of them ("X, waarvan Y de hoofdstad is, viel"): it describes X."""
    text = ctx.article.text
    if _BRACKETED.match(text, place.end) and any(
            _OPEN_AFTER_PLACE.fullmatch(text, p.end, place.start) for p in ctx.places
            if p.end <= place.start and place.start - p.end <= 30):
        return True  # "Singa (Sennar state) fell": the bracket locates Singa
    for rel in ctx.rules.markers.relative.finditer(text, max(0, place.start - 120), place.start):
        if _CLOSED.search(text, rel.end(), place.start):
            continue  # the clause (or its sentence: "..., waar mensen wonen. Veel van hen
            # vluchtten uit X, waaruit ...") closed before the place
        close = text.find(",", place.end)
        if close < 0 or any(rel.start() <= h.start < close for h in hits):
            continue
        if any(h.start >= close for h in hits):
            return True
    return False


_CLOSED = re.compile(r"[,;:!?\n]|\.(?:\s|$)")
_RELATIVE_REACH = 120  # characters before a trigger searched for the relative clause holding it


def in_modal_main_clause(ctx: Context, hit: Hit, place: Mention, seg_start: int) -> bool:
    """A place after the relative clause that holds the trigger, in a main clause that is a
    plan or a hypothesis, is no target of the trigger ("the M23 rebels, who seized Goma in
    January, would hand over the city's airport": the airport is not taken)."""
    text, markers = ctx.article.text, ctx.rules.markers
    if place.start < hit.end:
        return False
    opened = [m.end() for m in markers.relative.finditer(
        text, max(seg_start, hit.start - _RELATIVE_REACH), hit.start)]
    if not opened or "," in text[opened[-1]:hit.start]:
        return False  # no relative clause, or it ended before the trigger
    close = text.find(",", hit.end, place.start)
    if close < 0:
        return False
    main = text[close:place.start]
    return bool(markers.hypothetical.search(main) or markers.future.search(main))


def in_object_relative(ctx: Context, hit: Hit, place: Mention,
                        places: list[Mention]) -> bool:
    """A place in a relative clause about the trigger's object is no target, whether that
    object is no place ("withdrew from the corridor, which splits the Gaza Strip in two")
    or a place ("took Lachin, which links Karabakh to Armenia")."""
    if place.start < hit.end:
        return False
    rel = relative_between(ctx, hit.end, place.start)
    if rel is not None and any(hit.end <= p.start and p.end <= rel.start() for p in places):
        # "took Lachin, which links Karabakh to Armenia", "viel Sjoesja, dat Stepanakert
        # overziet": a place in the relative clause about the object place describes it;
        # not one after the clause has closed ("..., which lies near Goma, and Minova")
        return "," not in ctx.article.text[rel.end():place.start]
    if rel is None:  # "withdrew from the corridor, the strip of land that separates X"
        rel = _last(ctx.rules.words.compile(_APPOSITION_RELATIVE, re.IGNORECASE).finditer(
            ctx.article.text, hit.end, place.start))
    return rel is not None and not any(
        hit.end <= p.start and p.end <= rel.start() for p in places)


# ", the strip of land that ...", ", de strook die ...": an apposition with a relative clause
_APPOSITION_RELATIVE = (r",\s+(?:%article%|%possessive%)\s+(?:[^\W\d_][\w'’-]*\s+){1,5}?"
                        r"%relative_pronoun%\b")


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    found = list(matches)
    return found[-1] if found else None


def dated_taking(ctx: Context, hit: Hit, place: Mention, *, after_leaving: bool = False) -> bool:
    """True for a capture or recapture in a relative clause right after the place that
    dates it with a year of its own ("recaptured Wad Madani, which the RSF seized in
    December 2023"; "verloor het al Ramadi, dat in december 2015 werd heroverd"): an earlier
    change of the place, told besides the main clause's."""
    if hit.trigger.change not in (Change.CAPTURE, Change.RECAPTURE) and not hit.trigger.loss:
        return False  # "..., which the army had retaken in December 2016" too; a loss
        # ("..., which they had lost to government forces in 2018") is the other side's taking
    text = ctx.article.text
    rel = relative_between(ctx, place.end, hit.start)
    if rel is None:  # "Aleppo, the city the army had taken from the rebels in 2016"
        rel = ctx.rules.markers.apposition_relative.match(text, place.end)
    if rel is None or rel.end() > hit.start:
        return False
    close = text.find(",", hit.end)
    stop = min(close if close >= 0 else len(text), hit.end + 60)
    if bare_years(text, ctx.rules.lang, rel.end(), stop):
        return True
    # ... or with a date of its own long before the news ("die het vorig jaar in augustus
    # op het leger had veroverd")
    # ... or, after a withdrawal, any date before the news's week when the leaver itself is
    # the clause's subject: "withdrew from Walikale, which they had entered on 19 March" tells
    # its own earlier entry ("..., which Ukrainian troops retook on 11 November" is one change)
    period = ctx.article.period
    own = after_leaving and ctx.rules.words.compile(_LEAVER, re.IGNORECASE).match(
        text, rel.end()) is not None
    before = period.start - (_LEAVING_GAP if own else _NEWS_GAP)
    if any(not d.since and d.interval.end < before
           for d in find_dates(text[rel.end():stop], period, ctx.rules.lang)):
        return True
    # ... or "in the first days of the war" when the text dates the war's start ("...,
    # which the RSF had seized in the first days of the war")
    counted = war_time(ctx.rules, text, rel.end(), stop, period)
    return counted is not None and counted.interval.end < before


_LEAVER = r"\s+%leaver_pronoun%\b"
_LEAVING_GAP = timedelta(days=7)
_NEWS_GAP = timedelta(days=31)  # a relative clause's date this long before the article


def main_after_relative(ctx: Context, hit: Hit, place: Mention, clause_hits: list[Hit],
                        places: list[Mention]) -> list[Hit]:
    """The main clause's passive trigger after a relative clause right after the place that
    holds the nearer trigger ("Ramadi, which fell to ISIL in May 2015, was recaptured in
    December"): the place is that clause's subject too, a change of its own (a taking back,
    or any change after a relative clause dated by a year of its own: "Homs, dat het leger
    in 2014 had heroverd, werd op 7 december opgegeven"; "X, which the army had abandoned,
    was taken by IS" tells one change twice)."""
    text = ctx.article.text
    rel = relative_between(ctx, place.end, hit.start)
    if rel is None or text[place.end:rel.start()].strip(" ,"):
        return []
    close = text.find(",", hit.end)
    if close < 0:
        return []
    dated = bool(bare_years(text, ctx.rules.lang, rel.end(), close))
    aux = ctx.rules.markers.passive_aux  # a trigger that takes its auxiliary in
    return [h for h in clause_hits
            if h is not hit and h.start > close
            and (h.passive or aux.match(text, h.start) is not None)
            and (dated or (h.trigger.change is Change.RECAPTURE
                           and hit.trigger.change is not Change.RECAPTURE))
            and _MAIN_GAP.fullmatch(text, close + 1, h.start) is not None
            and not any(close < p.start < h.start for p in places)]


# between the comma that closes the relative clause and the main verb: an auxiliary and a date
# (none when the trigger takes the auxiliary in: "..., werd op 7 december opgegeven")
_MAIN_GAP = re.compile(r"\s*(?:\w+\s+){0,7}?")


def main_after_apposition(ctx: Context, hit: Hit, place: Mention, clause_hits: list[Hit],
                          places: list[Mention]) -> list[Hit]:
    """The main clause's trigger after an apposition set off by commas right after the place
    that holds the nearer trigger and a year of its own ("Shusha, captured by Armenian
    forces in May 1992, fell to Azerbaijan on Sunday"; "Kidal, in rebel hands since 2012,
    fell on Tuesday"; "Sjoesja, in mei 1992 door Armeense troepen veroverd, viel zondag"):
    the place is that clause's subject too, a change of its own. A date of the same year
    ("Balakliia, held by Russian troops since early March, was back under Ukrainian control
    on Thursday") or a hold with no date ("held by Russian troops for six months") gives the
    main clause the place as well."""
    text = ctx.article.text
    if not text[place.end:hit.start].lstrip().startswith(","):
        return []
    opened = text.index(",", place.end)
    close = text.find(",", hit.end)
    if (close < 0 or relative_between(ctx, opened, hit.start) is not None
            or "," in text[opened + 1:hit.start]
            or not (hit.trigger.static_veto or bare_years(text, ctx.rules.lang, opened, close)
                    or any(d.explicit for d in find_dates(
                        text[opened:close], ctx.article.period, ctx.rules.lang)))):
        return []
    return [h for h in clause_hits
            if h is not hit and h.start > close
            and _MAIN_GAP.fullmatch(text, close + 1, h.start) is not None
            and not any(close < p.start < h.start for p in places)]


def apposition_after(ctx: Context, hit: Hit, place: Mention, clause_hits: list[Hit],
                     places: list[Mention]) -> list[Hit]:
    """A trigger in a dated apposition right after the object place of a trigger before it
    ("heroverde zondag Sjoesja, in 1992 door Armeense troepen veroverd"; "retook Lyman,
    captured by Russian forces in May, on Saturday"): the place is that phrase's too, a
    change of its own."""
    text = ctx.article.text
    if hit.end > place.start or not text[place.end:place.end + 2].lstrip().startswith(","):
        return []
    opened = text.index(",", place.end)
    close = min((i for i in (text.find(",", opened + 1), text.find(".", opened + 1))
                 if i >= 0), default=-1)
    if close < 0 or not any(d.explicit for d in find_dates(
            text[opened:close], ctx.article.period, ctx.rules.lang)):
        return []
    return [h for h in clause_hits
            if h is not hit and opened < h.start and h.end <= close
            and relative_between(ctx, opened, h.start) is None
            and not any(opened < p.start < close for p in places)]


# "on Friday", "in December", "op 3 maart": a date phrase right after the place, before a comma
_ADJUNCT = r"\s+(?:%date_preposition%\s+)?$"
_ADJUNCT_REACH = 30  # characters after a place its date phrase may end within


def past_adjunct(ctx: Context, place: Mention) -> Mention:
    """``place`` stretched over a date phrase right after it and ending at a comma ("Kidal on
    Tuesday, the town that ..."), so that the apposition or relative clause after that phrase
    is read as the place's; else ``place``."""
    text = ctx.article.text
    comma = text.find(",", place.end, place.end + _ADJUNCT_REACH)
    if comma < 0 or not text[place.end:place.end + 1].isspace():
        return place
    window = text[place.end:comma]
    found = [d for d in find_dates(window, ctx.article.period, ctx.rules.lang)
             if d.end == len(window.rstrip())]
    if not found or not ctx.rules.words.compile(_ADJUNCT, re.IGNORECASE).fullmatch(
            window, 0, found[0].start):
        return place
    return replace(place, end=place.end + found[0].end)


def held_pronoun(ctx: Context, hit: Hit, place: Mention, places: list[Mention]) -> bool:
    """A holding verb whose object is a pronoun after the place with no other place between
    ("took Kidal from rebels who had controlled it since 2014"): the pronoun is the place."""
    text = ctx.article.text
    if not hit.trigger.static_veto or not text[hit.end:hit.end + 1].isspace():
        return False
    if ctx.rules.markers.pronoun_object.match(text, hit.end + 1) is None:
        return False
    return not any(place.end <= p.start < hit.start and p.place.id != place.place.id
                   and p.place.kind not in _LOCATING_KINDS for p in places)


def holder_left(ctx: Context, hit: Hit, other: Hit, place: Mention,
                places: list[Mention]) -> bool:
    """A relative clause about the side that took the place, telling with a date of its own
    how that side lost it: "Lyman fell to separatists, who were driven out by the army in June
    2014"; "viel in handen van IS, dat in 2017 werd verdreven"; "..., who withdrew in May".
    The side is the relative pronoun's antecedent, named after the main clause's trigger; a
    taking there must be passive (the side is driven out, not driving others out)."""
    if hit.trigger.change not in (Change.CAPTURE, Change.RECAPTURE) or other.trigger.change \
            not in (Change.CAPTURE, Change.RECAPTURE, Change.WITHDRAWAL):
        return False
    rel = relative_between(ctx, max(place.end, hit.end), other.start)
    text = ctx.article.text
    if rel is None or not any(place.end <= a.start and max(place.end, hit.end) <= a.start
                              and not text[a.end:rel.start()].strip() for a in ctx.actors):
        return False  # the pronoun's antecedent is a side named after the taking
    if any(place.end <= p.start < other.start and p.place.kind not in _LOCATING_KINDS
           for p in places if p is not place):
        return False
    close = text.find(",", other.end)
    stop = min(close if close >= 0 else len(text), other.end + 60)
    if other.trigger.change is not Change.WITHDRAWAL and ctx.rules.markers.passive_aux.search(
            text, rel.end(), stop) is None:
        return False
    if unknown_target(text, (rel.end(), stop), (other.start, other.end), ctx.rules,
                      ctx.mentions, ctx.actors) is not None:
        return False  # "who were driven out of Kitchanga in 2013": a place of its own
    return any(not d.since and d.interval.end < ctx.article.period.start - _NEWS_GAP
               for d in find_dates(text[rel.end():stop], ctx.article.period, ctx.rules.lang))


def opened_relative(ctx: Context, hit: Hit) -> Hit:
    """``hit`` read from after its own relative pronoun when its match opens with one
    ("which the army had lost"), so that the relative clause stands before it; else ``hit``."""
    m = ctx.rules.markers.relative.search(ctx.article.text, max(0, hit.start - 3), hit.end)
    if m is None or m.start() >= hit.start or m.end() >= hit.end:
        return hit
    return replace(hit, start=m.end())


_RESTRICTIVE = r"\s+%relative_pronoun%\s"  # a relative clause with no comma right after a place


def restrictive_relative(ctx: Context, hit: Hit, place: Mention, places: list[Mention]) -> bool:
    """A relative clause with no comma right after the place, with no town between it and the
    trigger: "retaking the northern town that rebels had held since 2012", "de stad die de
    rebellen sinds 2012 in handen hadden"."""
    return bool(ctx.rules.words.compile(_RESTRICTIVE, re.IGNORECASE).match(
        ctx.article.text, place.end)) and all(
        p.place.kind in _LOCATING_KINDS for p in places
        if p is not place and place.end <= p.start < hit.start)
