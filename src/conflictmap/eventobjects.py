"""The objects of a change verb that tell which town a clause without a place is about: a
pronoun after the verb or after an inverted subject (``object_end``), the side an expelling
verb drives out (``loser_object``), a hold the sentence ended ("ruled it until ... drove them
out": ``held_until``), a town the sentence before reports changed (``changed_in``). Used by
:mod:`conflictmap.eventactors` and :mod:`conflictmap.eventplaces`."""

from __future__ import annotations

import re

from conflictmap.actors import ActorMention
from conflictmap.eventcontext import Context
from conflictmap.model import Change, Mention
from conflictmap.triggers import Hit, any_fires

_OBJECT_REACH = 40  # characters after an expelling verb its object (past a V2 subject) ends within
_SOURCE_WORDS = 5  # words after the object its own place phrase ("out of two villages") opens in


def loser_object(ctx: Context, hit: Hit, seg_start: int, seg_end: int) -> ActorMention | None:
    """The side an expelling verb drives out, named as its object where no place is
    ("The army drove the jihadists out in March 2016", "In maart 2016 verdreef het leger de
    jihadisten"): the last side named from the verb on, not an inverted subject (the first
    after the verb when none stands before it); None for a verb whose object is not the
    loser, or one that names where from ("drove the militants out of two villages")."""
    if hit.trigger.after != "loser" or hit.trigger.change not in (Change.CAPTURE,
                                                                  Change.RECAPTURE):
        return None
    stop = min(seg_end, hit.end + _OBJECT_REACH)
    found = [a for a in ctx.actors if hit.start < a.start and a.end <= stop]
    if not any(seg_start <= a.start and a.end <= hit.start for a in ctx.actors):
        found = found[1:]  # "verdreef het leger de jihadisten": the army is the subject
    if not found:
        return None
    text, side = ctx.article.text, found[-1]
    ends = [m.end() for m in _WORD.finditer(text, side.end, seg_end)]
    if any(ctx.rules.markers.source.search(text, side.end, end)
           for end in ends[:_SOURCE_WORDS]):
        return None
    return side


_WORD = re.compile(r"\S+\s*")


_PRONOUN_REACH = 8  # characters after a verb (or its inverted subject) its pronoun ends within


def object_end(ctx: Context, hit: Hit, seg_end: int) -> int:
    """Where a verb's pronoun object may end: just after the verb, or after a side named
    right after it, the subject of an inverted clause ("In maart 2016 verdreef het leger hen")."""
    end = hit.end + _PRONOUN_REACH
    text = ctx.article.text
    for a in ctx.actors:  # the side right after the verb, an article at most between
        if (hit.end < a.start <= hit.end + _PRONOUN_REACH
                and len(text[hit.end:a.start].split()) <= 1):
            end = a.end + _PRONOUN_REACH
    return min(seg_end, end)


# the hold's verb and its object, the place or a word for it, right before the clause
_NAME = r"(?-i:[A-ZÀ-ÖØ-Þ])[\w'’-]+"
_HELD = rf"\b%hold_past%\s+(?:%return_object%|{_NAME}(?:\s+{_NAME})?)\s*,?\s*$"
_UNTIL = r"\s*,?\s*%hold_until%\b"


def held_until(ctx: Context, sentence_start: int, seg_start: int) -> bool:
    """True when the clause opens with the end of a hold its sentence told before it ("The
    Taliban ruled it until US-backed forces drove them out", "bestuurden de stad tot het leger
    hen verdreef"): the side driven out is the holder, from the town the text is about."""
    words, text = ctx.rules.words, ctx.article.text
    return bool(words.compile(_UNTIL, re.IGNORECASE).match(text, seg_start)) and bool(
        words.compile(_HELD, re.IGNORECASE).search(text, sentence_start, seg_start))


def changed_in(ctx: Context, town: Mention, index: int) -> bool:
    """True when the sentence right before sentence ``index`` names the town and has a
    change word (before its checks)."""
    if index < 1:
        return False
    s, e = ctx.spans[index - 1]
    return s <= town.start < e and any_fires(ctx.rules, ctx.article.text, s, e)
