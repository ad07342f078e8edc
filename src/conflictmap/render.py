"""The interactive map page: one folium map, one compact data blob, one canvas layer.

Events are not folium Markers (far too slow at 10k events). The page holds a single
columnar JSON blob (place table, events referencing places by index, day numbers,
small integer codes, deduplicated string tables) inside ``<script type="application/json">``;
``static/conflictmap.js`` decodes it and draws every symbol on one canvas, with a date
slider, a control-as-of-date / events-in-window switch, side/change/status filters,
grid clustering, town search and popups built with ``textContent`` only.

``offline=True`` inlines Leaflet (from xstatic-leaflet) and draws a shipped Natural
Earth country outline instead of web tiles, so the file works with no network.

The blob is built from :class:`EventColumns`, the events as plain columns: either made
from Event objects (:func:`render_html`) or read from the store's render index
(:func:`render_columns`, ``store.read_render_index``), which skips building 100,000 Event
objects. The page around the blob is what folium renders for this map with named slots
in place of the blob, styles and scripts (:func:`page_frame`); the render index keeps a
copy of it, so a re-render need not import folium (and pandas) at all.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from importlib import resources
from typing import Any

from conflictmap import gctools
from conflictmap.consolidate import control_timeline
from conflictmap.mapcolumns import (
    ColumnsBuilder,
    EventColumns,
    _day,
    columns_span,
    percent,
    timeline_spans,
)
from conflictmap.mapdata import build_data
from conflictmap.mapframe import (
    LEAFLET_VERSION,
    adopt_frames,
    frame_key,
    indexed_frame,
    page_frame,
    page_html,
)
from conflictmap.maplabels import country_names, place_names, ui_strings
from conflictmap.model import ControlSpan, Event, Interval

log = logging.getLogger(__name__)

# The map page is made in four modules, re-exported here: mapcolumns (the events as
# columns), mapdata (the page's data blob), maplabels (UI strings, names, colours), mapframe
# (folium's page frame and the page put together).
__all__ = ["LEAFLET_VERSION", "EventColumns", "adopt_frames", "columns_span", "country_names",
           "frame_key", "index_payload", "indexed_frame", "indexed_labels", "labels_key",
           "page_frame", "place_names", "render_columns", "render_html", "ui_strings"]


def render_html(
    events: Iterable[Event],
    *,
    timeline: Mapping[str, Sequence[ControlSpan]] | None = None,
    title: str = "",
    lang: str = "en",
    offline: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
    side_labels: Mapping[str, str] | None = None,
    min_confidence: float = 0.0,
) -> str:
    """The whole map page as HTML.

    Events whose interval lies outside [date_from, date_to] are not drawn; control spans
    that start before date_from still set the state at the start of the range. The title
    states the range shown. ``side_labels`` maps Actor.side ids to display names, and
    "@" + Actor.id to an actor's name in the page's language (actors.page_labels).
    Events with a confidence below ``min_confidence`` are left out (of control too).
    """
    floor = percent(min_confidence)
    events = list(events)
    unsure = {e.id for e in events if percent(e.confidence) < floor}
    if unsure:
        events = [e for e in events if e.id not in unsure]
        if timeline is not None:
            timeline = {k: [s for s in spans if s.event_id not in unsure]
                        for k, spans in timeline.items()}
    with gctools.paused():
        if timeline is None:
            timeline = control_timeline(events)
        builder = ColumnsBuilder()
        builder.add_events(events)
        spans = builder.spans(timeline)
        data = build_data(builder.columns(), spans, title, lang, side_labels or {},
                          date_from, date_to, floor)
        page = page_html(data, offline, None)
    log.debug("rendered %d events into %d characters", len(data["ev"]["p"]), len(page))
    return page


def render_columns(
    columns: EventColumns,
    *,
    window: Interval | None,
    title: str,
    lang: str,
    offline: bool,
    side_labels: Mapping[str, str],
    frame: Sequence[str] | None = None,
    min_confidence: float = 0.0,
) -> str:
    """outputs.render_map for a store read as columns: the events that overlap ``window``
    drawn, control taken from every event up to its end. ``frame``: page_frame(offline),
    as the render index keeps it (None: ask folium)."""
    with gctools.paused():
        c = columns
        floor = percent(min_confidence)
        spans = timeline_spans(c, None if window is None else _day(window.end), floor)
        data = build_data(c, spans, title, lang, side_labels,
                          window.start if window else None, window.end if window else None,
                          floor)
        page = page_html(data, offline, frame)
    log.debug("rendered %d events into %d characters", len(data["ev"]["p"]), len(page))
    return page


# ---- what the store's render index keeps (store.write_render_index) ----

def labels_key() -> str:
    """What actors.page_labels reads: the actor and language rules and the code that reads
    them. Labels stored under another key are not used."""
    package = resources.files("conflictmap")
    digest = hashlib.sha1()
    files = [package / "actors.py", package / "names.py"]
    files += sorted((p for p in (package / "rules").iterdir() if p.is_file()),
                    key=lambda p: p.name)
    for path in files:
        digest.update(f"|{path.name}|".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def index_payload(events: Sequence[Event]) -> dict[str, Any]:
    """Everything a re-render needs of ``events`` besides the options: the columns, the
    page frames (online and offline) and the side labels of every language."""
    from conflictmap.actors import page_labels
    from conflictmap.articles import supported_languages

    return {
        "columns": EventColumns.from_events(events).with_order().to_json(),
        "frames": {"key": frame_key(), "online": list(page_frame(False)),
                   "offline": list(page_frame(True))},
        "labels": {"key": labels_key(),
                   "langs": {lang: page_labels(lang) for lang in supported_languages()}},
    }


def indexed_labels(payload: Mapping[str, Any], lang: str) -> dict[str, str] | None:
    """The stored side labels of ``lang`` when they were read from these rules."""
    labels = payload.get("labels")
    if not isinstance(labels, dict) or labels.get("key") != labels_key():
        log.info("the render index's side labels are of other rules; reading the rules")
        return None
    found = labels.get("langs", {}).get(lang)
    if found is None:
        return None
    if not (isinstance(found, dict)
            and all(type(k) is str and type(v) is str for k, v in found.items())):
        raise ValueError("side labels that are not text")
    return found


