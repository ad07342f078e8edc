"""Target slots the gazetteer does not know, for the optional online geocoder.

When a clause fires a control trigger and the name right after it ("took control of Kafr
Nabudah", "namen Kafr Nabudah in") is a capitalised name that no gazetteer mention, actor
alias, weekday or month covers, the extractor may ask a geocoder for it (once per name and
country) and read the sentence with that place as a town. Off unless a geocoder is given.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from conflictmap.actors import ActorMention
from conflictmap.model import Mention, Place, PlaceKind
from conflictmap.rules import LanguageRules

log = logging.getLogger(__name__)

_SLOT_GAP = 45  # characters between the trigger and the name, as for "next" targets
_LEAD = r"\s*(?:(?:%article%|%of%|%settlement_noun%)\s+)*"
_CAPITAL_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’]*"
_NAME = re.compile(rf"{_CAPITAL_WORD}(?:(?:[ -]|\s(?:al|el|ez|as|ad)-){_CAPITAL_WORD})*")
_LOWER_WORDS = re.compile(r"(?:\s+[a-zà-ÿ]+)*\s*")


class Geocoder(Protocol):
    """Anything with ``geocode(name, country) -> Place | None`` (e.g. geocode.OnlineGeocoder)."""

    def geocode(self, name: str, country: str = "") -> Place | None: ...


def country_hint(places: Sequence[Mention]) -> str:
    """The country the article is mostly about: its most named country or town's country."""
    counts = Counter(m.place.country for m in places if m.place.country)
    return counts.most_common(1)[0][0] if counts else ""


def slot_name(text: str, start: int, end: int, rules: LanguageRules) -> tuple[int, int] | None:
    """The (start, end) of the capitalised name in the object slot after ``start``, if any."""
    lead = rules.words.compile(_LEAD, re.IGNORECASE).match(text, start, end)
    position = lead.end() if lead else start
    if position - start > _SLOT_GAP:
        return None
    match = _NAME.match(text, position, end)
    if match is None:
        return None
    name = match.group()
    lowered = name.lower()
    if lowered in rules.words["not_a_name"] or lowered in rules.dates.weekdays \
            or lowered in rules.dates.months:
        return None
    return match.start(), match.end()


def slot_before(text: str, seg_start: int, hit_start: int,
                rules: LanguageRules) -> tuple[int, int] | None:
    """The name right before a verb-final or passive trigger ("hebben Kafr Zibdah
    ingenomen", "Kafr Zibdah was captured"): only lower-case words between, and not the
    first word of the clause (a capital there may be any noun)."""
    window = max(seg_start, hit_start - _SLOT_GAP)
    for match in reversed(list(_NAME.finditer(text, window, hit_start))):
        if not _LOWER_WORDS.fullmatch(text, match.end(), hit_start):
            return None
        if match.start() == seg_start or not text[seg_start:match.start()].strip():
            return None
        if match.group().lower() in rules.words["not_a_name"]:
            return None
        return match.start(), match.end()
    return None


def unknown_target(text: str, segment: tuple[int, int], hit: tuple[int, int],
                   rules: LanguageRules, mentions: Sequence[Mention],
                   actors: Sequence[ActorMention]) -> tuple[int, int] | None:
    """The trigger's object when it is a name neither the gazetteer nor the actors know."""
    span = (slot_name(text, hit[1], segment[1], rules)
            or slot_before(text, segment[0], hit[0], rules))
    if span is None:
        return None
    a, b = span
    if any(m.start < b and a < m.end for m in mentions):
        return None
    if any(x.start < b and a < x.end for x in actors):
        return None
    return span


def geocoded_mention(place: Place, as_written: str, start: int, end: int) -> Mention:
    """A mention of a geocoded place, read as a town (geo_precision 1)."""
    if place.kind is not PlaceKind.TOWN:
        place = replace(place, kind=PlaceKind.TOWN)
    return Mention(place, as_written, start, end)
