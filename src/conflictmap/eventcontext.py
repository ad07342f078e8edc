"""What the whole article contributes to reading one sentence (:class:`Context`), its
mentions indexed by position (:class:`Spans`), and the small helpers the readers of a
trigger share (``eventplaces``, ``eventactors``, ``eventstatus``)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from conflictmap.actors import ActorLexicon, ActorMention
from conflictmap.model import Actor, Article, Mention
from conflictmap.rules import LanguageRules


@dataclass(frozen=True, slots=True)
class Context:
    """What the whole article contributes to reading one sentence."""

    article: Article
    rules: LanguageRules
    places: tuple[Mention, ...]
    actors: tuple[ActorMention, ...]
    spans: tuple[tuple[int, int], ...]
    lexicon: ActorLexicon
    mentions: tuple[Mention, ...] = ()  # every place find_places saw, countries included
    capitals: Mapping[str, str] = field(default_factory=dict)  # country -> capital's place id
    demonym: Callable[[str], str] = lambda word: ""  # a nationality word -> country code


class Spans:
    """The mentions of an article (places or actors) by where they start, so that those
    inside a stretch of text are found by bisection: a per-mention scan over every mention
    of the article made extraction grow with the square of the article's length."""

    __slots__ = ("in_order", "items", "named", "order", "reach", "starts")

    def __init__(self, items: Sequence[Mention] | Sequence[ActorMention]) -> None:
        self.items = items
        order = sorted(range(len(items)), key=lambda i: items[i].start)
        self.order = order
        self.starts = [items[i].start for i in order]
        self.in_order = order == list(range(len(items)))
        self.reach: list[int] | None = None
        self.named: dict[Actor, tuple[list[int], list[int]]] | None = None

    def within(self, lo: int, hi: int) -> list:
        """``[m for m in items if lo <= m.start and m.end <= hi]``, in the items' order."""
        a, b = bisect_left(self.starts, lo), bisect_right(self.starts, hi)
        picked = self.order[a:b] if self.in_order else sorted(self.order[a:b])
        items = self.items
        return [items[i] for i in picked if items[i].end <= hi]

    def overlapping(self, lo: int, hi: int) -> bool:
        """``any(m.start <= lo < m.end or lo <= m.start < hi for m in items)``."""
        starts = self.starts
        if bisect_left(starts, lo) < bisect_left(starts, hi):
            return True  # one starts inside [lo, hi)
        if self.reach is None:  # the furthest end of the first k by start
            reach, furthest = [-1], -1
            for i in self.order:
                furthest = max(furthest, self.items[i].end)
                reach.append(furthest)
            self.reach = reach
        return self.reach[bisect_right(starts, lo)] > lo  # one starts before and reaches in


    def named_before(self, at: int,
                     skip: Callable[[ActorMention], bool] = lambda m: False) -> list[Actor]:
        """The actors named by mentions that end by ``at``, each once, in the order of
        its last such mention: what ``ActorLexicon.resolve`` reads from
        ``[m.actor for m in items if m.actor is not None and m.end <= at]`` (the last
        one of each side, the most recent one of a class), found without that scan.
        ``skip``: mentions that name no actor here (read once, when the index is built;
        the one caller passes the same test each time)."""
        if self.named is None:
            by_actor: dict[Actor, tuple[list[int], list[int]]] = {}
            for i, m in sorted(enumerate(self.items), key=lambda x: x[1].end):
                if m.actor is not None and not skip(m):
                    ends, last = by_actor.setdefault(m.actor, ([], []))
                    ends.append(m.end)
                    last.append(max(i, last[-1]) if last else i)
            self.named = by_actor
        found = []
        for actor, (ends, last) in self.named.items():
            k = bisect_right(ends, at)
            if k:
                found.append((last[k - 1], actor))
        found.sort(key=lambda x: x[0])
        return [actor for _, actor in found]


_SPANS: dict[int, tuple[object, Spans]] = {}  # id(tuple of mentions) -> its index


def spans_of(items: Sequence[Mention] | Sequence[ActorMention]) -> Spans:
    """The :class:`Spans` of an article's mentions, built once per tuple (a few kept)."""
    found = _SPANS.get(id(items))
    if found is not None and found[0] is items:
        return found[1]
    if len(_SPANS) >= 8:
        _SPANS.clear()
    index = Spans(items)
    _SPANS[id(items)] = (items, index)
    return index


_STARTS: dict[int, tuple[tuple[tuple[int, int], ...], list[int]]] = {}  # id(spans) -> starts


def sentence_at(ctx: Context, pos: int) -> int:
    """The number of the sentence of ``ctx.spans`` that ``pos`` stands in (the last one
    starting at or before it; -1 before the first). The sentences' starts are listed once
    per article (a few kept), not per question."""
    found = _STARTS.get(id(ctx.spans))
    if found is None or found[0] is not ctx.spans:
        if len(_STARTS) >= 8:
            _STARTS.clear()
        found = _STARTS[id(ctx.spans)] = (ctx.spans, [s for s, _ in ctx.spans])
    return bisect_right(found[1], pos) - 1


_DAY_TAILS: dict[str, re.Pattern[str]] = {}  # rules file path -> its trailing-day pattern


def without_day(ctx: Context, before: str) -> str:
    """``before`` without a trailing day ("On Sunday", "op 8 december", "in May"): a day
    before a place is no locator ("On Sunday the town was retaken" is not "on the town").
    The short word before the day (a preposition) goes with it."""
    dates = ctx.rules.dates
    tail = _DAY_TAILS.get(ctx.rules.path)
    if tail is None:
        words = "|".join(re.escape(w) for w in (*dates.weekdays, *dates.months))
        tail = _DAY_TAILS[ctx.rules.path] = re.compile(
            rf"(?:\b[^\W\d_]{{1,4}}\s+)?(?:\d{{1,2}}\s+)?\b(?:{words})\b\.?"
            rf"(?:\s+\d{{1,4}})?\s*,?\s*$", re.IGNORECASE)
    m = tail.search(before)
    return before[:m.start()] if m else before


LAST_WORD = re.compile(r"([^\W\d_]+)\s+$")  # the word that ends a stretch of text
