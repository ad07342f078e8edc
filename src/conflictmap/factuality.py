"""Factuality and time per clause: which trigger matches report a change of their own.

The extractor (``events.py``) asks these questions of each trigger match once its place is
known; the words are data (``[markers]`` of the language's rules file):

* a line of page furniture that links to another article ("Related: ...", "Lees ook: ...",
  ``related_line``) reports nothing;
* "earlier"/"eerder" with no date in its clause is undated background (CODEBOOK.md), no
  event (``earlier``);
* a present copula before a state trigger says who holds a place, not that it changed
  hands ("X is largely in rebel hands", ``holding``), unless the clause marks a new state
  ("now", "inmiddels", "since Sunday": ``state_change``, or a date after "since");
* a trigger that only mentions a change (a noun: "the fall of X", "de val van X"; a flag
  raised over it: ``mention``) joins the article's report of that change made with a verb
  instead of making a second event with its own, often wrong, date
  (:func:`join_later_mentions`).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from conflictmap.actors import allied_sides
from conflictmap.datelines import DATELINE
from conflictmap.dates import find_dates
from conflictmap.model import Change, Event, Interval
from conflictmap.rules import LanguageRules
from conflictmap.rules.literals import Guarded
from conflictmap.triggers import Hit, any_fires, without_relatives
from conflictmap.war_start import war_time

log = logging.getLogger(__name__)

_TAKING = frozenset((Change.CAPTURE, Change.RECAPTURE, Change.WITHDRAWAL))


def furniture_line(rules: LanguageRules, text: str, start: int) -> bool:
    """True when the sentence at ``start`` stands on a related-links line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", line_start)  # the line alone: no scan of the text after it
    # a slice, not match(text, pos): "^" matches only at the string's real start
    line = text[line_start:len(text) if line_end < 0 else line_end]
    if rules.markers.related_line.match(line) is not None:
        return True
    # a link under a links heading of its own line ("Lees ook\nLeger herovert X"), in the
    # same block of lines
    end = line_start - 1
    for _ in range(_LINKS_UNDER_HEADING):
        if end <= 0:
            return False
        start = text.rfind("\n", 0, end) + 1
        above = text[start:end]
        if not above.strip():
            return False
        if rules.markers.related_heading.match(above) is not None:
            return True
        end = start - 1
    return False


_LINKS_UNDER_HEADING = 6  # lines under a links heading read as links


_TIMELINE_HEAD = 40  # characters of a timeline entry's date before its colon


def undated_background(rules: LanguageRules, text: str, hit: Hit, segment: tuple[int, int],
                       period: Interval) -> bool:
    """True for "Eerder vielen al X en Y in Russische handen", "Earlier, the rebels had
    taken X", "had seized X in the first months of the war": a change told as background
    with no date of its own."""
    seg_start, seg_end = segment
    # the trigger's own part of the clause: "Russia said on Friday it had pulled out, abandoning
    # Kherson, the only capital its forces had captured since the invasion began" (Friday's)
    own = max(seg_start, text.rfind(",", seg_start, hit.start) + 1)
    if not hit.trigger.static_veto and rules.dates.get("since_start").search(
            text, own, seg_end) is not None and not [
            d for d in find_dates(text[own:seg_end], period, rules.lang) if not d.since]:
        return True  # "the only capital Russia had taken since the start of the invasion"
    if rules.markers.war_relative.search(text, seg_start, seg_end) is not None:
        # "two years after the group seized it at the start of the war" is counted back
        counted = any(rules.dates.get(key).search(text, max(0, seg_start - 40), seg_end)
                      for key in ("days_after", "weeks_after", "months_after", "years_after"))
        # a timeline's entry dated before its colon ("November 2020: Federal forces captured
        # X in the first weeks of the war") is dated
        line = text.rfind("\n", 0, seg_start) + 1
        head = text[line:seg_start].rstrip()
        headed = (head.endswith(":") and len(head) <= _TIMELINE_HEAD
                  and bool(find_dates(head, period, rules.lang)))
        # "in the first days of the war" in a text that says when the war began is dated
        return (not counted and not headed
                and not find_dates(text[seg_start:seg_end], period, rules.lang)
                and war_time(rules, text, seg_start, seg_end, period) is None)
    earlier = list(rules.markers.earlier.finditer(text, seg_start, hit.start))
    if not earlier:
        return False
    if find_dates(text[earlier[-1].end():hit.start], period, rules.lang):
        return False  # "Eerder, op vrijdag, hadden de rebellen X al in handen": dated
    # The trigger's own part of the clause (between commas) has no date: "Eerder vielen
    # al X en Y in Russische handen, en eind vorig jaar ging ook Z verloren" dates only Z.
    # With no other change after it, the clause's tail is the trigger's own: "had earlier
    # retaken X and a string of towns, including Y, in October" is dated October.
    a = max(seg_start, text.rfind(",", seg_start, hit.start) + 1)
    comma = text.find(",", hit.end, seg_end)
    b = seg_end if comma < 0 or not any_fires(rules, text, hit.end, seg_end) else comma
    return not find_dates(text[a:b], period, rules.lang)


def since_reference(rules: LanguageRules, text: str, hit: Hit, segment: tuple[int, int],
                    period: Interval) -> bool:
    """True for an undated mention after "sinds"/"since" ("zijn grootste succes sinds de
    verovering van X", "the worst defeat since the fall of X"): a point of reference,
    undated background, not a report ("since the fall of Kabul in August 2021" is dated)."""
    if not is_mention(rules, text, hit):
        return False
    window = text[max(0, hit.start - 16):hit.start]
    found = list(rules.dates.get("since").finditer(window))
    if not found or len(window[found[-1].end():].split()) > 1:
        return False
    if find_dates(window[found[-1].start():], period, rules.lang):
        return False  # "Sinds vrijdag wappert de vlag ...": since a day, not since a change
    comma = text.find(",", hit.end, segment[1])
    own = text[hit.end:segment[1] if comma < 0 else comma]
    if find_dates(own, period, rules.lang):
        return False
    # "since the fall of Bakhmut, in May last year": a date in apposition dates the change
    after = text[comma + 1:segment[1]] if comma >= 0 else ""
    return not any(apposed_date(rules, after[:d.start])
                   for d in find_dates(after, period, rules.lang) if d.explicit)


def apposed_date(rules: LanguageRules, between: str) -> bool:
    """True when only a date preposition (or nothing) stands between a comma and a date:
    "de val van X, in mei 2023" dates the fall; ", die in maart ..." is another clause.
    A short noun phrase in apposition before it may stand there too ("since the fall of
    Baghouz, the last scrap of the caliphate, in March 2019")."""
    words = between.split()
    if not words or (len(words) == 1 and words[0].lower() in rules.words["date_preposition"]):
        return True
    head, comma, rest = between.partition(",")
    phrase = head.split()
    return (bool(comma) and 1 < len(phrase) <= _APPOSITION_WORDS
            and phrase[0].lower() in (*rules.words["article"], *rules.words["possessive"])
            and not any(w.lower() in rules.words["relative_pronoun"] for w in phrase)
            and apposed_date(rules, rest) and "," not in rest)


_APPOSITION_WORDS = 8


def holding_statement(rules: LanguageRules, text: str, hit: Hit, segment: tuple[int, int],
                      partial: str, period: Interval) -> bool:
    """True for "Dovra is (largely) in rebel hands": a state trigger right after a present
    copula, with nothing in the clause that marks the state as new and no partial control
    (which makes the place contested)."""
    if not hit.trigger.static_veto or partial == "contested":
        return False
    seg_start, seg_end = segment
    markers = rules.markers
    if markers.holding.search(text, max(seg_start, hit.start - 40), hit.start) is None and (
            markers.holding_after.match(text, hit.end, seg_end) is None
            or markers.again.search(text, seg_start, seg_end)):  # "weer in handen heeft"
        return False
    if markers.state_change.search(text, seg_start, seg_end):
        return False  # "is nu in handen van"
    reach = text.find(",", hit.end, seg_end)  # up to the end of the trigger's own clause
    if any(m.span() != (hit.start, hit.end) and m.end() > hit.start
           for t in rules.triggers if not t.static_veto  # "en besturen de stad": a state too
           for m in t.pattern.finditer(text, seg_start, seg_end if reach < 0 else reach)):
        return False  # another reading of the words says it changed: "is ... gevallen"
    own = without_relatives(rules, text[seg_start:seg_end], hit.start - seg_start)
    return not any(m.since for m in find_dates(own, period, rules.lang))



def extent_statement(rules: LanguageRules, text: str, hit: Hit, segment: tuple[int, int],
                     partial: str, region: bool, period: Interval) -> bool:
    """True for how far a side's hold reaches over a region ("your forces now control much of
    northern Rakhine", "we controleren nu het grootste deel van Rakhine"): a present verb of
    holding (``extent_verb``) with "most of" over a region and no date in the clause, a state
    rather than a change ("hebben intussen het grootste deel van Darfur in handen" stays one)."""
    if not (region and partial == "capture" and hit.trigger.static_veto
            and rules.markers.extent_verb.search(text, hit.start, hit.end)):
        return False
    return not find_dates(text[segment[0]:segment[1]], period, rules.lang)


def region_fighting(hit: Hit, partial: str, region: bool) -> bool:
    """True for fighting in or for a region with no part of it named ("De strijd om Tigray",
    "fighting continued in Walikale territory"): a region is contested only in named part
    ("delen van de provincie X", CODEBOOK.md Regions), and fighting in it is no change."""
    return region and hit.trigger.change is Change.CONTESTED and partial != "contested"


# the mention's place (and a relative clause about it) and then a past copula
# ... not a passive ("The capture of X was confirmed by the army": the report of a change)
_PAST_MENTION = (r"\s+[^,.;:]{1,40}?(?:,[^.;:]{1,160}?,)?\s+%past_copula%\b"
                 r"(?!\s+(?:[\w-]+\s+){0,2}%agent_preposition%\b)")


def past_mention(rules: LanguageRules, text: str, hit: Hit, segment: tuple[int, int],
                 period: Interval) -> bool:
    """True for a change only mentioned as the subject of a past copula, with no date in
    its clause ("Its capture of Lashio, which houses the army's Northeastern Command, was one
    of the heaviest blows the military has suffered"): background told without a date, not
    this article's news ("The capture of X is the biggest prize" is)."""
    if not is_mention(rules, text, hit) or len(text[segment[0]:hit.start].split()) > 2:
        return False  # the mention opens its clause: "Its capture of", "De val van"
    if rules.words.compile(_PAST_MENTION, re.IGNORECASE).match(text, hit.end, segment[1]) is None:
        return False
    return not find_dates(text[segment[0]:segment[1]], period, rules.lang)


def is_mention(rules: LanguageRules, text: str, hit: Hit) -> bool:
    """True when the trigger only mentions a change ("de val van", "raised the flag");
    remembered for the last text (five questions a report, from four modules)."""
    if _MENTIONS[0] is not text:
        _MENTIONS[0], _MENTIONS[1] = text, {}
    known: dict[tuple[object, int, int], bool] = _MENTIONS[1]
    key = (rules.markers.mention, hit.start, hit.end)
    found = known.get(key)
    if found is None:
        found = known[key] = rules.markers.mention.search(text, hit.start, hit.end) is not None
    return found


_MENTIONS: list = [None, {}]  # the last text, and (pattern, start, end) -> a mention there


def join_later_mentions(events: Sequence[Event], mentions: set[int],
                        standing: set[int] | frozenset[int] = frozenset()) -> list[Event]:
    """Drop the events (``mentions``: their ``id()``) that only mention a change when the
    article reports a change of that place with a verb (a capture, recapture or withdrawal
    by a side that agrees): "Rebels took Kidal on Monday. The fall of Kidal ..." is one
    event, dated by the verb's clause; "raised the flag over X a month later" too. A flag
    that flies over the place with no word of return (``standing``) joins a change told
    however long before: "the flag flew over Khankendi today", five years after its capture
    in the same text, is that capture's state, not a new one."""
    if not mentions:
        return list(events)
    told = [e for e in events if id(e) not in mentions and e.change in _TAKING]
    out = []
    for e in events:
        if id(e) in mentions and e.change in _TAKING and any(
                t.place.id == e.place.id and _sides_agree(t, e)
                and (_after(t, e) or (id(e) in standing and t.period.start <= e.period.end))
                for t in told):
            log.debug("%s: a mention of the change at %s joins the verb's report",
                      e.sources[0].article, e.place.name)
            continue
        out.append(e)
    return out


MENTION_LAG_DAYS = 62
"""How long after a change a mention of it may come ("raised the flag a month later")."""


def _after(told: Event, mention: Event) -> bool:
    """The mention's interval is on or after the told change's, by at most
    MENTION_LAG_DAYS: "de val van Sjoesja" this week is not the capture of 1992."""
    return (told.period.start <= mention.period.end
            and (mention.period.start - told.period.end).days <= MENTION_LAG_DAYS)


def _sides_agree(told: Event, mention: Event) -> bool:
    """The mention names no side, or the told change's gaining side (or, for a
    withdrawal, its losing side)."""
    if mention.actor is None:
        return True
    side = told.actor.side if told.actor is not None else None
    if told.change is Change.WITHDRAWAL and told.losing_actor is not None:
        return told.losing_actor.side != mention.actor.side
    return side is None or side == mention.actor.side


RETURN_WITHIN_DAYS = 366
"""How far back an earlier hold makes a capture a return: "took it three weeks ago, lost
it, retook it on Thursday"; a side that comes back after years captures the place anew."""


LOSS_WITHIN_DAYS = 731
"""How far back a told loss makes the loser's capture a return: "entered Wad Madani",
13 months after "the army pulled out of the city"; a side back after many years (M23 in
Goma in 2012 and 2025, the rebels driven from Aleppo in 2016) takes the place anew."""


RETOLD_WITHIN_DAYS = 3
"""A side's taking of a place this many days before its next taking of it is that change
told again ("took Walikale on March 19"; "withdrew on Friday, two weeks after seizing it"
counted to March 21), not a hold it lost and took back."""


def taken_back(events: Sequence[Event]) -> list[Event]:
    """A capture is a recapture when the same article reports that the gaining side held
    the place before: an earlier capture of it by that side (within RETURN_WITHIN_DAYS),
    or an earlier loss of it by that side within LOSS_WITHIN_DAYS (CODEBOOK.md: "the same
    text reports that side's earlier loss of it": "entered Wad Madani ... The RSF overran
    the city in December 2023 after the army pulled out"). A loss of a side that
    actors.toml's [allies] pairs with the gainer counts as the gainer's ("Rwandan and
    Mozambican troops entered the port ... the insurgents had taken it from the Mozambican
    army"); an ally's taking does not (M23, then Rwandan troops, entering a town).
    Linear in the reports up to a sort: each report's hold is indexed by (place, side)."""
    held: dict[tuple[str, str], list[int]] = {}
    lost: dict[tuple[str, str], list[int]] = {}  # the ends of the told losses
    for earlier in events:
        for side in _holders(earlier):
            end = earlier.period.end.toordinal()
            if earlier.change in (Change.CAPTURE, Change.RECAPTURE) and (
                    earlier.actor is not None and side == earlier.actor.side):
                end += RETOLD_WITHIN_DAYS  # a taking days before is this one told again
            held.setdefault((earlier.place.id, side), []).append(end)
        loser = _loser(earlier)
        if loser is not None:
            lost.setdefault((earlier.place.id, loser), []).append(
                earlier.period.end.toordinal())
    for ends in (*held.values(), *lost.values()):
        ends.sort()
    out = []
    for e in events:
        if e.change is Change.CAPTURE and e.actor is not None:
            start = e.period.start.toordinal()
            if _before(held.get((e.place.id, e.actor.side), ()), start, RETURN_WITHIN_DAYS) or any(
                    _before(lost.get((e.place.id, side), ()), start, LOSS_WITHIN_DAYS)
                    for side in _coalition(e.actor.side)):
                e = replace(e, change=Change.RECAPTURE)
        out.append(e)
    return out


def _before(ends: Sequence[int], start: int, within: int) -> bool:
    """An end (sorted day ordinals) 1 to ``within`` days before ``start``."""
    i = bisect_left(ends, start - within)
    return i < len(ends) and ends[i] < start


def _loser(earlier: Event) -> str | None:
    """The side a capture or withdrawal says lost its place ("seized the town from the
    army", "the army pulled out of the city")."""
    if earlier.change in (Change.CAPTURE, Change.WITHDRAWAL) and (
            earlier.losing_actor is not None):
        return earlier.losing_actor.side
    return None


def _coalition(side: str) -> list[str]:
    """The side and the sides actors.toml's [allies] pairs with it."""
    return [side, *sorted(other for pair in allied_sides() if side in pair
                          for other in pair if other != side)]


def _holders(earlier: Event) -> set[str]:
    """The sides a report says held its place before or at it: the taker of a capture or
    recapture, the loser of a capture ("Tigrayan forces had seized the town from the army
    in August": the army held it until then), and the loser of any other change. Not the
    loser of a recapture: the text says it had taken the place from the gainer, whose
    hold, not the loser's, is the one the report tells."""
    sides = set()
    if earlier.change in (Change.CAPTURE, Change.RECAPTURE) and earlier.actor is not None:
        sides.add(earlier.actor.side)
    if earlier.losing_actor is not None and earlier.change is not Change.RECAPTURE:
        sides.add(earlier.losing_actor.side)
    return sides


def dateline_end(text: str, start: int) -> int:
    """Where a wire dateline ("ABUJA, March 28 (Reuters) - ") ends on the line at
    ``start``, else -1: its date is when the story was filed, not when the change happened
    (a report in the perfect tense with no time word of its own covers the week before)."""
    line_start = text.rfind("\n", 0, start) + 1
    m = DATELINE.match(text, line_start)
    return m.end() if m is not None else -1


# "de grootste haven van Israël", "the largest port of Israel": the country owns the place
_OWNER_BEFORE = r"\b%owned_place_noun%\s+%of%\s+$"
_NAME_REACH = 200  # an actor's name is shorter: where one that overlaps a sentence may start


def _twice(pattern: Guarded, text: str) -> bool:
    """True when ``pattern.finditer(text)`` finds two matches: the second is the first search
    from the end of the first when that is not empty (finditer lists every match of a long
    text at once)."""
    first = pattern.search(text)
    if first is None:
        return False
    if first.end() == first.start():
        found = pattern.finditer(text)
        return next(found, None) is not None and next(found, None) is not None
    return pattern.search(text, first.end()) is not None


def civil_sense(rules: LanguageRules, text: str, events: Sequence[Event],
                actors: Sequence[tuple[int, int, bool]]) -> list[Event]:
    """Without the events of a politics, business or sports article that name no side and
    whose sentence names no actor ("CHP verovert Boersa" over an election report; "Gulf
    operator takes control of Port Sudan terminal"), nor those whose own sentence has such a
    word and no armed actor ("the Indian conglomerate took over the port"): the words of war
    used for something else (two such words make the article's subject; the people of a
    protest, ``civil_act``, count in their own sentence only). ``actors``: where the article
    names actors, and whether the name is an armed one ("troops", "rebellen", "M23")."""
    cue, act = rules.markers.civil_domain, rules.markers.civil_act
    domain: list[bool] = []  # computed once, when an event needs it
    spans = sorted(actors)
    starts = [a for a, _, _ in spans]

    def qualified(a: int, b: int) -> bool:
        """"het Indiase conglomeraat", "de rederij CMA CGM": a business or party, named."""
        after = cue.match(text, b + 1) if text[b:b + 1] == " " else None
        before = text.rfind(" ", 0, a - 1)
        return after is not None or (text[a - 1:a] == " " and cue.fullmatch(
            text, before + 1, a - 1) is not None)

    owner = rules.words.compile(_OWNER_BEFORE, re.IGNORECASE)

    def civil(event: Event) -> bool:
        source = event.sources[0]
        named = [armed and not qualified(a, b)
                 and owner.search(text, max(0, a - 40), a) is None
                 for a, b, armed in spans[bisect_left(starts, source.start - _NAME_REACH):
                                          bisect_left(starts, source.end)]
                 if b > source.start]
        if any(named):
            return False
        if (cue.search(text, source.start, source.end) is not None
                or act.search(text, source.start, source.end) is not None):
            return True  # such a word in the event's sentence, and no armed actor there
        if event.actor is not None or event.losing_actor is not None or named:
            return False
        if not domain:  # two such words or more: the article's subject
            domain.append(_twice(cue, text))
        return domain[0]

    return [e for e in events if not civil(e)]
