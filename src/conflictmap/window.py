"""The dates a map or a store shows (the options, filled in from the data where not
given) and the map's title for them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from conflictmap.model import Event, Interval


def data_window(events: Sequence[Event]) -> Interval | None:
    if not events:
        return None
    start = min(e.period.start for e in events)
    end = max(e.period.end for e in events)
    return Interval.spanning(start, end)


def window_for(events: Sequence[Event], date_from: date | None, date_to: date | None,
               ) -> Interval | None:
    """The range to show: the options, filled in from the data where not given."""
    data = data_window(events) if date_from is None or date_to is None else None
    return window_from((data.start, data.end) if data else None, date_from, date_to)


def window_from(data: tuple[date, date] | None, date_from: date | None,
                date_to: date | None) -> Interval | None:
    """:func:`window_for` given the data's (first, last) day rather than its events."""
    start = date_from or (data[0] if data else None)
    end = date_to or (data[1] if data else None)
    if start is None or end is None:
        return None
    if end < start:
        start, end = end, start
    return Interval.spanning(start, end)


def map_title(window: Interval | None, lang: str) -> str:
    base = {"nl": "Verschuivingen in gebiedscontrole", "en": "Territorial control changes"}
    text = base.get(lang, base["en"])
    if window is None:
        return text
    joiner = " t/m " if lang == "nl" else " to "
    return f"{text}: {window.start.isoformat()}{joiner}{window.end.isoformat()}"
