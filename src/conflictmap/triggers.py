"""Trigger matches: which sentences of an article fire a control trigger, and which of
their matches survive the checks (veto, negation, hypothetical, future, infinitive,
attributive participle, a state rather than a change).

Nothing here needs places or actors, so the extractor runs it before ``find_places``: an
article whose triggers are all blocked costs only this. Only the lines holding a keyword
are split into sentences (a line break always ends a sentence, so their spans are the
whole text's), and each trigger is searched only in sentences holding one of the literals
every match of it contains (``rules.literals.Scanner``, one regex pass per sentence).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from conflictmap.model import Change, Interval
from conflictmap.monthyears import relative_clauses
from conflictmap.rules import LanguageRules, Markers, Trigger
from conflictmap.rules.either import found
from conflictmap.rules.literals import Guarded, may_match
from conflictmap.text import line_bounds, sentence_spans, whole_words

log = logging.getLogger(__name__)

_PARTICIPLE = r"\w{3,}%participle_ending%$"  # verb forms that can be adjectives


@dataclass(frozen=True, slots=True)
class Hit:
    """One trigger match that survived the checks."""

    trigger: Trigger
    start: int
    end: int
    passive: bool


Clause = tuple[int, int, list[Hit]]


def clause_hits(rules: LanguageRules, text: str, s: int, e: int,
                candidates: frozenset[int], first: int = 0) -> list[Clause]:
    """The clauses of a sentence with their surviving trigger hits (none for a question).
    ``candidates``: the triggers whose literals the sentence holds; ``first``: none before
    this one (in the rules' order) matches in text[s:e] (``first_firing``), so a clause that
    is the whole sentence is searched from it."""
    sentence = (s, e)
    if text[s:e].rstrip("'\"”’» ").endswith("?"):
        # a question; only a headline's statement before it stays ("Avdiivka gevallen: wat
        # betekent dit voor Oekraïne?")
        colon = text.rfind(": ", s, e)
        if colon < 0:
            return []
        e = colon
    out = []
    for seg_start, seg_end in segments(rules, text, s, e):
        own = candidates
        if first and (seg_start, seg_end) == sentence:  # the same window: the same answers
            own = frozenset(i for i in candidates if i >= first)
        hits = surviving_hits(rules, text, seg_start, seg_end, own)
        if hits:
            out.append((seg_start, seg_end, hits))
    return out


def hot_sentences(rules: LanguageRules, text: str, spans: list[tuple[int, int]],
                  hot_words: list[int]) -> dict[int, list[Clause]]:
    """Sentence number -> clauses with surviving hits, for the sentences holding a keyword."""
    starts = [s for s, _ in spans]
    candidates = sorted({bisect_right(starts, p) - 1 for p in hot_words} - {-1})
    out: dict[int, list[Clause]] = {}
    for i in candidates:
        s, e = spans[i]
        triggers = _candidates(rules, text[s:e].lower())
        first = first_firing(rules, text, s, e, triggers) if triggers else None
        if first is not None:
            found = clause_hits(rules, text, s, e, triggers, first)
            if found:
                out[i] = found
    return out


def hot_in_lines(rules: LanguageRules, text: str, hot_words: list[int],
                 split: dict[int, list[tuple[int, int]]]
                 ) -> list[tuple[tuple[int, int], list[Clause]]]:
    """Like :func:`hot_sentences`, splitting only the lines that hold a keyword: each
    sentence span with its clauses, in text order. ``split`` receives line start -> the
    line's sentence spans, for :func:`conflictmap.text.sentence_spans_by_line`."""
    out: list[tuple[tuple[int, int], list[Clause]]] = []
    line_end = -1
    for p in hot_words:
        if p <= line_end:
            continue
        line_start, line_end = line_bounds(text, p)
        # hot_words are in order: the line's by bisection, not a scan of the article's
        line_words = hot_words[bisect_left(hot_words, line_start):
                               bisect_right(hot_words, line_end)]
        spans = split[line_start] = sentence_spans(text, line_start, line_end)
        for i in sorted(hot_sentences(rules, text, spans, line_words).items()):
            out.append((spans[i[0]], i[1]))
    return out


def fires(rules: LanguageRules, text: str, s: int, e: int, candidates: frozenset[int]) -> bool:
    """True when some trigger matches in text[s:e] (before the checks).

    Only the ``candidates`` (the triggers whose required literals the sentence holds) are
    searched: cheaper than a union of every trigger, which tries each alternative at each
    position, and the same answer.
    """
    return first_firing(rules, text, s, e, candidates) is not None


def any_fires(rules: LanguageRules, text: str, s: int = 0, e: int | None = None) -> bool:
    """True when some trigger matches in text[s:e] (a sentence or a stretch of one), before
    the checks; only the triggers whose literals the stretch holds are searched."""
    e = len(text) if e is None else e
    candidates = _candidates(rules, text[s:e].lower())
    return bool(candidates) and fires(rules, text, s, e, candidates)


def _candidates(rules: LanguageRules, lowered: str) -> frozenset[int]:
    """The triggers that may match in a sentence (lower-cased): those it holds a word of
    each needed set of (``rules.sharp``), else those it holds a word of the best set of."""
    sharp = rules.sharp
    return (sharp if sharp is not None else rules.scanner).candidates(lowered)


def first_firing(rules: LanguageRules, text: str, s: int, e: int,
                 candidates: frozenset[int]) -> int | None:
    """The first of the ``candidates`` (in the rules' order) that matches in text[s:e]
    (before the checks), or None (see :func:`fires`)."""
    triggers = rules.triggers
    for i in sorted(candidates):
        if triggers[i].pattern.search(text, s, e) is not None:
            return i
    return None


def segments(rules: LanguageRules, text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The clauses of a sentence, split at the rules' clause breaks."""
    cuts = [s] + [b for _, b in _breaks(rules, text, s, e)] + [e]
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def _breaks(rules: LanguageRules, text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The spans of the clause breaks in text[s:e], remembered for the last text: the later
    clauses of a sentence (``segments(rules, text, seg_end, e)``, asked for each report)
    are those of the sentence after the break that ends at ``seg_end``. A search from the
    end of a (non-empty) match goes on as a search started there does, so the breaks from
    there are the sentence's that start there or later."""
    pattern = rules.markers.clause_break
    if _SEEN[0] is not text:
        _SEEN[0] = text
        _SEEN[1] = {}
    seen: dict[tuple[object, int], list[tuple[int, list[tuple[int, int]]]]] = _SEEN[1]
    known = seen.setdefault((pattern, e), [])
    for start, spans in known:
        if start == s:
            return spans
        if start < s and any(b == s and a < b for a, b in spans):
            return [(a, b) for a, b in spans if a >= s]
    spans = [m.span() for m in pattern.finditer(text, s, e)]
    known.append((s, spans))
    return spans


_SEEN: list = [None, {}]  # the last text, and (clause_break, end) -> [(start, break spans)]


def surviving_hits(rules: LanguageRules, text: str, seg_start: int, seg_end: int,
                   candidates: frozenset[int]) -> list[Hit]:
    """Trigger matches in a clause that survive the checks, overlaps resolved by priority.
    ``candidates``: the triggers whose literals its sentence holds (a superset of the
    clause's: a trigger searched in vain finds nothing)."""
    found: list[tuple[int, int, Trigger]] = []
    triggers = rules.triggers
    for number in sorted(candidates):  # in the rules' order: earlier triggers win overlaps
        trigger = triggers[number]
        for m in trigger.pattern.finditer(text, seg_start, seg_end):
            if any(m.end() > a and m.start() < b for a, b, _ in found):
                continue
            if not _blocked(rules, trigger, text, m.start(), m.end(), seg_start, seg_end):
                found.append((m.start(), m.end(), trigger))
    return [Hit(trigger, start, end, _passive(rules, text, seg_start, start))
            for start, end, trigger in sorted(found, key=lambda f: f[0])]


def _blocked(rules: LanguageRules, trigger: Trigger, text: str, start: int, end: int,
             seg_start: int, seg_end: int) -> bool:
    markers = rules.markers
    # A purpose clause or a relative clause after the trigger ("... om burgers te
    # beschermen", "to protect civilians", "..., wat Oekraïne niet bevestigde") is about
    # something else: its words neither veto nor negate the trigger.
    for marker in (markers.purpose, markers.relative):
        after = marker.search(text, end, min(seg_end, end + 60))
        if after is not None:
            seg_end = after.start()
    # A trigger inside a relative clause: the clause ends at the next comma, and the main
    # clause that goes on after it ("Bachmoet, dat in mei 2023 in Russische handen viel,
    # ligt op nog geen tien kilometer") neither negates nor vetoes it.
    rel = markers.relative.search(text, max(seg_start, start - 120), start)
    if rel is not None:
        comma = text.find(",", end, seg_end)
        if comma >= 0:
            seg_end = comma
        # ... nor do the main clause's words before it ("maintain positions in Sudzha,
        # which they took in August": the positions are not what was taken)
        if trigger.territory_veto and "," not in text[rel.end():start]:
            seg_start = max(seg_start, rel.start())

    def around(left: int, right: int) -> tuple[int, int]:
        return whole_words(text, max(seg_start, start - left), min(seg_end, end + right),
                            seg_start, seg_end)

    if trigger.veto is not None:
        a, b = around(60, 60)
        if found(trigger.veto, text, a, b):
            return True
    if trigger.needs_since:
        a, b = around(_SINCE_REACH, _SINCE_REACH)
        if (rules.dates.get("since").search(text, a, b) is None
                or not _since_dated(rules, text, a, b, start)):
            return True
    if trigger.static_veto:
        a, b = around(40, 15)
        if _static(markers, text[a:b]) and not _since_dated(rules, text, seg_start, seg_end, start):
            return True
    if trigger.territory_veto:
        a, b = around(30, 30)
        # (not an area that a comma sets after the trigger: "namen Lachin in, in het
        # bergachtige gebied tussen ...", "took Lachin, in the area between ...")
        if any(not _coordinated_apart(rules, text, m.start(), m.end(), start, end)
               and not (m.start() >= end and "," in text[end:m.start()])
               for m in markers.territory.finditer(text, a, b)):
            return True
    if trigger.territory_veto and (
            markers.counted_after.match(text, end)
            or markers.counted_before.search(text[max(seg_start, start - 80):start])):
        return True  # "has since captured dozens of army outposts": no named place taken
    aside = _embedded_relative(markers, text, seg_start, start)
    a, b = around(40, 25)
    if aside is not None:
        a = max(a, aside[1])  # "Hama, dat de rebellen nooit hielden, viel": not negated
    if _negated(markers, trigger, text, a, b, seg_end) and not (
            trigger.static_veto and _no_longer(markers, text, seg_start, start)):
        return True
    # A relative clause before the trigger opens a clause of its own: a modal or a wish of
    # the main clause does not govern it ("willen Mosoel bevrijden, dat sinds juni in
    # handen is van IS": the holding is a fact).
    rel = sorted(m.end() for marker in (markers.relative, markers.apposition_relative)
                 for m in marker.finditer(text, seg_start, start))  # ", the city the LNA took"
    own = rel[-1] if rel else seg_start
    before = text[own:start]
    if aside is not None:  # the main clause around a relative clause set inside it
        own = aside[1]
        before = text[seg_start:aside[0]] + " " + text[own:start]
    opener = _since_opener(rules, text, own, start)
    if opener is not None:  # "has been trying to reach Pokrovsk since capturing Avdiivka"
        own, before = opener, ""
    if (_hypothetical(markers.hypothetical, before, _aux_reach(rules, text, start, end, seg_end))
            or markers.infinitive.search(before) or markers.wish.search(before)):
        return True
    if (_participle(rules, text[start:end]) and markers.attributive.search(before[-30:])
            and not markers.attributive_list.match(text[end:end + 40])):
        return True  # "het heroverde Cherson", "the newly captured town": no report
    a, _ = around(50, 0)
    if markers.future.search(text[max(a, own):start]):
        return True
    # further back (80 characters), and for a verb that closes its clause (Dutch verb-final
    # order: "wil de komende maanden de steden A en B in het noorden veroveren.") anywhere
    # before it in the clause, a modal governs it; (r13) not when a perfect auxiliary stands
    # between ("Na maandenlange pogingen hebben Russische troepen ... Avdiivka ingenomen.")
    # (the main clause around a relative clause set inside it: "De rebellen willen Goma, waar
    # het leger had standgehouden, alsnog veroveren.")
    a, _ = around(80, 0)
    span = before if _CLOSES.match(text, end) else text[max(a, own):start]
    last = None
    for m in markers.future.finditer(span):
        last = m
    return last is not None and not rules.words.compile(_PERFECT_AUX, re.IGNORECASE).search(
        span, last.end())


_PERFECT_AUX = r"\b%perfect_aux%\b"


_CLOSES = re.compile(r"\s*(?:[.;:!?]|$)")


_AUX_REACH = 80  # characters after a trigger the hypothetical marker may look ahead to
_AUX_STOP = r"[,;]|\b%aux_stop%\b"


def _aux_reach(rules: LanguageRules, text: str, start: int, end: int, seg_end: int) -> str:
    """The trigger and the words after it that the hypothetical marker may read on to, up to
    a comma or a word that opens a clause of its own (r13: "zou Kidal heroveren als de troepen
    er klaar voor zijn": the condition's "zijn" is no auxiliary of the trigger's)."""
    stop = min(seg_end, start + _AUX_REACH)
    cut = rules.words.compile(_AUX_STOP, re.IGNORECASE).search(text, end, stop)
    return text[start:cut.start() if cut is not None else stop]


def _hypothetical(marker: re.Pattern[str], before: str, after: str) -> bool:
    """The hypothetical marker in the words before a trigger, its look-ahead reading on past
    the trigger: a hearsay perfect puts its auxiliary after it ("zouden weer onder controle
    van de regering zijn gekomen": no wish). A match that ends the words before the trigger
    (a pattern anchored there: "bijna ingenomen") stands as it is."""
    m = marker.search(before)
    if m is None or m.end() == len(before):
        return m is not None
    on = marker.search(before + after)
    return on is not None and on.start() < len(before)


def _since_opener(rules: LanguageRules, text: str, own: int, start: int) -> int | None:
    """The start of the trigger when "since" stands right before it ("since capturing
    Avdiivka in February"): a change that opens a clause of its own, done before the main
    clause's effort or plan, which does not govern it."""
    if start - own < 3 or not text[start - 1].isspace():
        return None
    found = None
    for m in rules.dates.get("since").finditer(text, max(own, start - 12), start):
        found = m
    if found is None or text[found.end():start].strip():
        return None
    return start


def _coordinated_apart(rules: LanguageRules, text: str, a: int, b: int, start: int,
                       end: int) -> bool:
    """True when "and" stands between text[a:b] and the trigger at text[start:end]: the
    word belongs to the other verb ("overran Ukrainian positions and took Hrodivka")."""
    between = text[b:start] if b <= start else text[end:a] if end <= a else ""
    joined = rules.words.compile(_AND_WORD, re.IGNORECASE).search(between)
    return bool(between) and joined is not None


_AND_WORD = r"\b%and%\b"


def _embedded_relative(markers: Markers, text: str, seg_start: int,
                       start: int) -> tuple[int, int] | None:
    """The span of a relative clause set between the subject and the trigger after it ("Hama,
    dat de rebellen nooit hadden kunnen houden, viel op 5 december"), if there is one."""
    found = None
    for m in markers.embedded_relative.finditer(text, seg_start, start):
        found = m
    if found is None or found.start() <= seg_start or "," in text[found.end():start]:
        return None
    return found.start(), found.end()


def _negated(markers: Markers, trigger: Trigger, text: str, a: int, b: int,
             seg_end: int) -> bool:
    """A negation in text[a:b] blocks the trigger, except, for fighting, one that says the
    fighting goes on ("de strijd om X is nog niet beslist", "the battle is not over"),
    read to the clause's end."""
    window = text[a:b]
    if trigger.change is not Change.CONTESTED:
        return markers.negation.search(window) is not None
    goes_on = [(m.start(), m.end())
               for m in markers.unsettled.finditer(text[a:min(seg_end, b + 40)])]
    return any(not any(s <= n.start() < e for s, e in goes_on)
               for n in markers.negation.finditer(window))


def _no_longer(markers: Markers, text: str, seg_start: int, start: int) -> bool:
    """"niet langer in handen van", "no longer under the control of": a loss, not a
    negated state (the actors are turned round in eventactors.py)."""
    return markers.no_longer.search(text, max(seg_start, start - 40), start) is not None


def _static(markers: Markers, window: str) -> bool:
    """A state, not a change ("staat nog onder controle van"); a mark of a new state
    ("staat inmiddels onder controle van", "is now under") makes it a change."""
    if not markers.static.search(window):
        return False
    return not markers.state_change.search(window) or bool(markers.still.search(window))


_SINCE_REACH = 80  # characters either side of a holding verb its "since" date may stand
_ANY_PERIOD = Interval.spanning(date(2000, 1, 1), date(2000, 1, 1))


def _since_dated(rules: LanguageRules, text: str, seg_start: int, seg_end: int,
                 at: int) -> bool:
    """True when the clause dates the state it describes ("sinds april vorig jaar in
    handen van AQAP", "under IS control since February 2015"): the start of that state is a
    dated change (CODEBOOK.md, History), not a state without a date."""
    from conflictmap.dates import find_dates, first_since

    whole = text[seg_start:seg_end]
    since, when = rules.dates.get("since"), rules.dates.get("since_when")
    for m in find_dates(whole, _ANY_PERIOD, rules.lang):
        if when.match(whole, m.end) and since.search(
                whole, max(0, m.start - 12), m.start + 6) is not None:
            # "under rebel control since 2014, when the separatists routed the army": a
            # when-clause with no taking of its own dates the state's start ("when the army
            # fled" too: the loser's side of it); one that tells the taking ("when they took
            # the town") is that change, dated by the year
            return not _tells_taking(rules, whole[m.end:])
    clause = without_relatives(rules, whole, at - seg_start)
    return (any(m.since for m in find_dates(clause, _ANY_PERIOD, rules.lang))
            or first_since(clause, rules.lang))  # "for the first time since 2012": new


def _tells_taking(rules: LanguageRules, clause: str) -> bool:
    """True when a capture or recapture trigger matches in ``clause``."""
    return any(t.change in (Change.CAPTURE, Change.RECAPTURE) and t.pattern.search(clause)
               for t in rules.triggers)


def _participle(rules: LanguageRules, matched: str) -> bool:
    """True when the trigger ends in a verb form that can stand before a noun."""
    words = matched.split()
    return bool(words) and rules.words.compile(_PARTICIPLE).search(words[-1]) is not None


def _passive(rules: LanguageRules, text: str, seg_start: int, start: int) -> bool:
    a, _ = whole_words(text, max(seg_start, start - 80), start, seg_start, start)
    before = text[a:start]  # whole words: "crisis" cut to "is" is no auxiliary
    passive_aux = rules.markers.passive_aux
    if _spaceless(passive_aux) and not may_match(passive_aux.required, before.lower()):
        # no word of an auxiliary, nor any once relative clauses are blanked (the blanks are
        # spaces, the words have none)
        return False
    # nor an auxiliary inside a relative clause closed before the trigger ("M23, which UN
    # experts say is backed by Rwanda, took X": active)
    before = without_relatives(rules, before, len(before))
    aux = list(passive_aux.finditer(before))
    if not aux:
        return False
    return not rules.markers.active_aux.search(before[aux[-1].start():])


def _spaceless(pattern: Guarded) -> bool:
    """True when the pattern's required words hold no whitespace (remembered per pattern)."""
    found = _SPACELESS.get(pattern)
    if found is None:
        words = pattern.required.words if pattern.required is not None else ()
        found = _SPACELESS[pattern] = not any(ch.isspace() for w in words for ch in w)
    return found


_SPACELESS: dict[Guarded, bool] = {}


def without_relatives(rules: LanguageRules, clause: str, at: int) -> str:
    """``clause`` with its relative clauses that do not hold position ``at`` blanked: their
    dates are another change's or state's ("Manbij, where US troops have been based since
    2016, remains under SDF control": no date of the SDF's hold)."""
    for start, end in relative_clauses(rules.dates, clause):
        if not start <= at < end:
            clause = clause[:start] + " " * (end - start) + clause[end:]
    return clause
