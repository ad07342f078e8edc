"""Changes told by a verb of sequence: "Op 9 oktober volgde het stadje X, op 17 oktober Y",
"The town of X followed on 3 April".

The verb names no change of its own: each place it names took the same kind of change as
the one the text told before it, with the same sides. The rules files give the verbs as
triggers whose id has ``.sequel.`` in it; this module gives their events the previous
event's type and actors, and drops them when the text told no change before them (a
sequel of fighting, or of nothing, is no change).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from conflictmap.model import Change, Event
from conflictmap.triggers import Hit

log = logging.getLogger(__name__)

_MARK = ".sequel."


def is_sequel(event: Event) -> bool:
    """True when the event came from a verb of sequence."""
    return _MARK in event.sources[0].rule


def told_hits(hits: list[Hit]) -> list[Hit]:
    """A clause's hits without its verbs of sequence when a change verb after them tells
    the clause's change itself ("na Zalingei volgde de inname van Nyala"); a change told
    before the verb is the one the sequel follows ("Na de inname van Jabrayil begin oktober
    volgde half oktober Hadrut")."""
    told = [h for h in hits if _MARK not in h.trigger.id]
    if len(hits) > 1 and told and len(told) < len(hits):
        return [h for h in hits if _MARK not in h.trigger.id
                or not any(t.start > h.start for t in told)]
    return hits


def inherit(events: list[Event]) -> list[Event]:
    """``events`` (in text order) with each sequel's type and sides taken from the last
    change before it in another place; sequels with none are dropped."""
    if not any(is_sequel(e) for e in events):
        return events
    out: list[Event] = []
    last: Event | None = None
    first: dict[str, Event] = {}  # a place's first change told: its type (CODEBOOK.md)
    told = {(e.sources[0].start, e.place.id) for e in events if not is_sequel(e)}
    for event in events:
        if not is_sequel(event):
            out.append(event)
            if event.change is not Change.CONTESTED:
                # "The fall of Hama ... Troops evacuated the city overnight ... Homs
                # followed": Hama's change is its fall, told first; its withdrawal within
                # days is the same change (not a loss a year before a retaking)
                earlier = first.setdefault(event.place.id, event)
                last = earlier if _same_change(earlier, event) else event
                first[event.place.id] = last
            continue
        if last is None or last.place.id == event.place.id \
                or (event.sources[0].start, event.place.id) in told \
                or last.sources[0].start > event.sources[0].start:
            log.debug("sequel of %s with no change before it: dropped", event.place.name)
            continue
        out.append(replace(event, change=last.change, actor=last.actor,
                           losing_actor=last.losing_actor))
    return out


_SAME_DAYS = 31  # a place's changes this near each other are told of one change


def _same_change(a: Event, b: Event) -> bool:
    """True when a withdrawal and another change of a place lie within days of each other
    (CODEBOOK.md: a withdrawal told with the other side's entry is one change); a capture
    and the other side's recapture weeks later are two."""
    return (Change.WITHDRAWAL in (a.change, b.change)
            and a.period.start - timedelta(days=_SAME_DAYS) <= b.period.end
            and b.period.start <= a.period.end + timedelta(days=_SAME_DAYS))
