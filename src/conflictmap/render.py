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
import html
import json
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cache
from importlib import metadata, resources
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import Any

from conflictmap import gctools
from conflictmap.consolidate import control_timeline
from conflictmap.model import Actor, Change, ControlSpan, Event, Interval, Place, PlaceKind, Status

log = logging.getLogger(__name__)

__all__ = ["LEAFLET_VERSION", "EventColumns", "page_frame", "render_columns", "render_html",
           "ui_strings"]

LEAFLET_VERSION = "1.9.3"  # the version folium 0.20 links and xstatic-leaflet 1.9.3 ships
_LEAFLET_CDN = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist"
_EPOCH = date(1970, 1, 1).toordinal()
_CHANGES = (Change.CAPTURE, Change.RECAPTURE, Change.WITHDRAWAL, Change.CONTESTED)
_STATUSES = (Status.REPORTED, Status.CLAIMED, Status.DISPUTED)
_CONTESTED = _CHANGES.index(Change.CONTESTED)
_DISPUTED = _STATUSES.index(Status.DISPUTED)
_STATES = {"held": 1, "contested": 2, "lost": 3}
_HELD, _CONTESTED_STATE, _LOST = 1, 2, 3
# Distinguishable side colours, dark enough for a light basemap; grey (no gainer) and amber
# (contested) are reserved. A map of several wars has many sides: colours repeat only past
# eleven (the legend's names and filters tell them apart).
_PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
            "#7f7f00", "#000075", "#469990", "#800000")
_MAP_ID = "conflictmap"
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_JS_FILES = ("conflictmap.js", "conflictmap_ui.js", "conflictmap_popup.js",
             "conflictmap_report.js")
_AREA_KINDS = frozenset((PlaceKind.REGION.value, PlaceKind.COUNTRY.value))
# What the page frame is made of: folium's templates, this file's map and layer code.
_FRAME_PACKAGES = ("folium", "branca", "jinja2", "markupsafe", "xyzservices")


@cache
def _ui_tables() -> dict[str, dict[str, str]]:
    text = resources.files("conflictmap").joinpath("data", "ui_strings.json").read_text("utf-8")
    return json.loads(text)


def ui_strings(lang: str) -> dict[str, str]:
    """The page's UI strings for a language (English when the language is unknown).

    They live in ``data/ui_strings.json``, one same-shaped table per language.
    """
    tables = _ui_tables()
    return dict(tables.get(lang, tables["en"]))


def _day(d: date) -> int:
    return d.toordinal() - _EPOCH


def _date(day: int) -> date:
    return date.fromordinal(day + _EPOCH)


def _readable_side(side: str) -> str:
    text = side.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else side


def _side_label(labels: Mapping[str, str], side: str) -> str:
    label = labels.get(side)
    return label if label and label != side else _readable_side(side)


def _delta(values: Sequence[int]) -> list[int]:
    out, prev = [], 0
    for v in values:
        out.append(v - prev)
        prev = v
    return out


# ---- the events as columns ----

@dataclass(frozen=True)
class EventColumns:
    """What the map needs of a list of events, as parallel lists (one row per event).

    Places, actors, articles and quotes are tables of distinct values; events refer to
    them by index (actors by index + 1, 0 for none). Days are days since 1970-01-01;
    ``change`` and ``status`` index _CHANGES and _STATUSES. Each event's sources are
    ``nsrc`` consecutive rows of ``src_article`` / ``src_quote``.
    """

    place_id: list[str]
    place_name: list[str]
    place_kind: list[str]
    place_lat: list[float]
    place_lon: list[float]
    actor_id: list[str]
    actor_name: list[str]
    actor_side: list[str]
    article_name: list[str]
    article_url: list[str]
    article_title: list[str]
    article_published: list[str]
    quote: list[str]
    id: list[str]
    start: list[int]
    end: list[int]
    precision: list[int]
    geo: list[int]
    place: list[int]
    change: list[int]
    status: list[int]
    actor: list[int]
    losing: list[int]
    nsrc: list[int]
    src_article: list[int]
    src_quote: list[int]
    # The events sorted as control_timeline sorts them, (end, start, id), ties in row
    # order; None: sorted when needed.
    order: list[int] | None = None
    # each event's key and verified flag (corrections.py; None in an older render index)
    key: list[str] | None = None
    verified: list[int] | None = None

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> EventColumns:
        builder = _ColumnsBuilder()
        builder.add_events(events)
        return builder.columns()

    def with_order(self) -> EventColumns:
        """These columns with ``order`` filled in."""
        end, start, ident = self.end, self.start, self.id
        order = sorted(range(len(self)), key=lambda j: (end[j], start[j], ident[j]))
        return replace(self, order=order)

    def to_json(self) -> dict[str, list[Any] | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EventColumns:
        """The columns of :meth:`to_json`; ValueError when they do not fit together."""
        columns = cls(**{f.name: data[f.name] for f in fields(cls)
                         if f.name in data or f.name not in _OPTIONAL})
        columns.check()
        return columns

    def check(self) -> None:
        """ValueError unless the columns fit together: equal lengths, every index within
        its table, the source counts adding up, no event ending before it starts."""
        groups = (
            ("place_id", "place_name", "place_kind", "place_lat", "place_lon"),
            ("actor_id", "actor_name", "actor_side"),
            ("article_name", "article_url", "article_title", "article_published"),
            ("id", "start", "end", "precision", "geo", "place", "change", "status", "actor",
             "losing", "nsrc"),
            ("src_article", "src_quote"),
        )
        for names in groups:
            if any(type(getattr(self, name)) is not list for name in names):
                raise ValueError(f"columns {', '.join(names)}: not lists")
            if len({len(getattr(self, name)) for name in names}) != 1:
                raise ValueError(f"columns {', '.join(names)} differ in length")
        bounds = (("place", len(self.place_id)), ("actor", len(self.actor_id) + 1),
                  ("losing", len(self.actor_id) + 1), ("change", len(_CHANGES)),
                  ("status", len(_STATUSES)), ("src_article", len(self.article_name)),
                  ("src_quote", len(self.quote)), ("nsrc", len(self.src_article) + 1))
        for name, bound in bounds:
            values = getattr(self, name)
            if values and not (min(values) >= 0 and max(values) < bound):
                raise ValueError(f"column {name} holds an index out of range")
        if sum(self.nsrc) != len(self.src_article):
            raise ValueError("the source counts do not add up")
        if any(e < s for s, e in zip(self.start, self.end, strict=True)):
            raise ValueError("an event ends before it starts")
        order = self.order
        if order is not None and (type(order) is not list or len(order) != len(self)
                                  or len(set(order)) != len(self)
                                  or (order and not (min(order) >= 0
                                                     and max(order) < len(self)))):
            raise ValueError("the time order is not an order of the events")


class _ColumnsBuilder:
    """Event objects (and control spans) into EventColumns, equal values stored once."""

    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = {f.name: [] for f in fields(EventColumns)}
        self._places: dict[tuple[Any, ...], int] = {}
        self._actors: dict[tuple[str, str, str], int] = {}
        self._articles: dict[tuple[str, str, str, str], int] = {}
        self._quotes: dict[str, int] = {}
        # Places and actors already seen, by identity (events share them): id -> (the object,
        # kept alive so that its id is not reused, its index)
        self._seen: dict[int, tuple[object, int]] = {}
        self._change = {c: i for i, c in enumerate(_CHANGES)}
        self._status = {s: i for i, s in enumerate(_STATUSES)}

    def place(self, p: Place) -> int:
        seen = self._seen.get(id(p))
        if seen is not None:
            return seen[1]
        key = (p.id, p.name, p.kind.value, p.lat, p.lon)
        i = self._places.get(key)
        if i is None:
            i = self._places[key] = len(self.cols["place_id"])
            for name, value in zip(("place_id", "place_name", "place_kind", "place_lat",
                                    "place_lon"), key, strict=True):
                self.cols[name].append(value)
        self._seen[id(p)] = (p, i)
        return i

    def actor(self, a: Actor | None) -> int:
        """Actor index + 1 (0: none)."""
        if a is None:
            return 0
        seen = self._seen.get(id(a))
        if seen is not None:
            return seen[1]
        key = (a.id, a.name, a.side)
        i = self._actors.get(key)
        if i is None:
            i = self._actors[key] = len(self.cols["actor_id"])
            for name, value in zip(("actor_id", "actor_name", "actor_side"), key, strict=True):
                self.cols[name].append(value)
        self._seen[id(a)] = (a, i + 1)
        return i + 1

    def add_events(self, events: Iterable[Event]) -> None:
        c = self.cols
        articles, quotes = self._articles, self._quotes
        for e in events:
            c["id"].append(e.id)
            c["start"].append(_day(e.period.start))
            c["end"].append(_day(e.period.end))
            c["precision"].append(e.period.precision)
            # 0 reads back from the store as the place's own (the same region flag)
            c["geo"].append(e.geo_precision or e.place.geo_precision)
            c["place"].append(self.place(e.place))
            c["change"].append(self._change[e.change])
            c["status"].append(self._status[e.status])
            c["actor"].append(self.actor(e.actor))
            c["losing"].append(self.actor(e.losing_actor))
            c["nsrc"].append(len(e.sources))
            c["key"].append(e.key)
            c["verified"].append(int(e.verified))
            for s in e.sources:
                key = (s.article, s.url, s.title, s.published)
                a = articles.get(key)
                if a is None:
                    a = articles[key] = len(articles)
                    for name, value in zip(("article_name", "article_url", "article_title",
                                            "article_published"), key, strict=True):
                        c[name].append(value)
                c["src_article"].append(a)
                q = quotes.get(s.quote)
                if q is None:
                    q = quotes[s.quote] = len(quotes)
                    c["quote"].append(s.quote)
                c["src_quote"].append(q)

    def spans(self, timeline: Mapping[str, Sequence[ControlSpan]]) -> list[_Span]:
        return [(self.place(s.place), _day(s.start), _STATES.get(s.state, 0),
                 self.actor(s.holder), s.event_id)
                for spans in timeline.values() for s in spans]

    def columns(self) -> EventColumns:
        return EventColumns(**self.cols)


# A control span: (place index, start day, state code (0: not drawn), holder index + 1,
# event id), as consolidate.ControlSpan.
_Span = tuple[int, int, int, int, str]


def _timeline(c: EventColumns, last: int | None) -> list[_Span]:
    """consolidate.control_timeline(events) for the events of ``c`` that start by day
    ``last`` (all when None): every span of the first place, then every span of the next,
    places in order of their first span."""
    end, start, ident = c.end, c.start, c.id
    status, change, actor, losing, place, place_id = (c.status, c.change, c.actor, c.losing,
                                                      c.place, c.place_id)
    if c.order is None:
        order = sorted((j for j in range(len(c)) if status[j] != _DISPUTED
                        and (last is None or start[j] <= last)),
                       key=lambda j: (end[j], start[j], ident[j]))
    elif last is None:
        order = [j for j in c.order if status[j] != _DISPUTED]
    else:
        order = [j for j in c.order if start[j] <= last and status[j] != _DISPUTED]
    # places with one id are one place: number them by id once, group by that number
    numbers: dict[str, int] = {}
    number = [numbers.setdefault(pid, len(numbers)) for pid in place_id]
    by_place: dict[int, list[_Span]] = {}
    for j in order:
        p = place[j]
        if change[j] == _CONTESTED:
            span = (p, end[j], _CONTESTED_STATE, 0, ident[j])
        elif actor[j]:
            span = (p, end[j], _HELD, actor[j], ident[j])
        else:
            span = (p, end[j], _LOST, losing[j], ident[j])
        spans = by_place.get(number[p])
        if spans is None:
            by_place[number[p]] = [span]
        else:
            spans.append(span)
    return [span for spans in by_place.values() for span in spans]


# ---- the page data ----

@dataclass
class _Table:
    """Values deduplicated into a list; ``add`` returns a value's index."""

    items: list = field(default_factory=list)
    index: dict = field(default_factory=dict)

    def add(self, key: object, value: object = None) -> int:
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.items)
            self.items.append(key if value is None else value)
        return i


@dataclass
class _Blob:
    """Builds the columnar page data; places and actors are column indices of ``c``, keyed
    by their ids (the first one seen stands for all with that id)."""

    c: EventColumns
    side_labels: Mapping[str, str]
    quotes: _Table = field(default_factory=_Table)
    places: _Table = field(default_factory=_Table)
    actors: _Table = field(default_factory=_Table)
    sides: _Table = field(default_factory=_Table)
    articles: _Table = field(default_factory=_Table)
    names: PlaceNames | None = None

    def place(self, p: int) -> int:
        return self.places.add(self.c.place_id[p], p)

    def actor(self, a: int) -> int:
        """Actor index + 1 (0: none) for a column actor index + 1."""
        if not a:
            return 0
        return self.actors.add(self.c.actor_id[a - 1], a - 1) + 1

    def encode_actors(self) -> dict:
        """n names (as the quotes hold them), s side indices, d [index, name] where the
        page's language names the actor otherwise ("@" + actor id in the labels, from
        actors.page_labels)."""
        names, sides, shown = [], [], []
        for i, a in enumerate(self.actors.items):
            names.append(self.c.actor_name[a])
            sides.append(self.sides.add(self.c.actor_side[a]))
            label = self.side_labels.get(f"@{self.c.actor_id[a]}")
            if label and label != names[-1]:
                shown.append([i, label])
        out: dict = {"n": names, "s": sides}
        if shown:
            out["d"] = shown
        return out

    def encode_places(self) -> dict:
        items, c = self.places.items, self.c
        out = {
            "n": [c.place_name[p] for p in items],
            "y": _delta([round(c.place_lat[p] * 1e4) for p in items]),
            "x": _delta([round(c.place_lon[p] * 1e4) for p in items]),
            "r": [i for i, p in enumerate(items) if c.place_kind[p] in _AREA_KINDS],
        }
        if self.names is not None:
            # "d": [index, name as the page's language writes it] where that differs ("n"
            # stays the gazetteer's name: the quotes hold it, and search finds both).
            shown = (self.names.show(c.place_name[p], c.place_kind[p] in _AREA_KINDS)
                     for p in items)
            out["d"] = [[i, d] for i, (n, d) in enumerate(zip(out["n"], shown, strict=True))
                        if d != n]
        return out

    def encode_articles(self) -> dict:
        """Article columns; URLs split at their last '/' with the prefixes in a table."""
        prefixes, published = _Table(), _Table()
        cols: dict[str, list] = {"n": [], "t": [], "ui": [], "u": [], "pi": []}
        c = self.c
        for a in self.articles.items:
            url = c.article_url[a]
            cut = url.rfind("/") + 1
            cols["n"].append(c.article_name[a])
            cols["t"].append(c.article_title[a])
            cols["ui"].append(prefixes.add(url[:cut]))
            cols["u"].append(url[cut:])
            cols["pi"].append(published.add(c.article_published[a]))
        cols["ui"] = _delta(cols["ui"])
        cols["pi"] = _delta(cols["pi"])
        cols["up"] = prefixes.items
        cols["p"] = published.items
        return cols

    def encode_sides(self) -> dict:
        ids = list(self.sides.items)
        return {
            "id": ids,
            "label": [_side_label(self.side_labels, s) for s in ids],
            "color": [_PALETTE[i % len(_PALETTE)] for i in range(len(ids))],
        }


def _event_code(c: EventColumns, i: int) -> int:
    """change + 4 * status + 12 * (time precision - 1) + 48 if region-level.

    The page adds 96 * the code of the control span the event starts (0 none, 1 held,
    2 contested, 3 lost).
    """
    region = c.geo[i] >= 3 or c.place_kind[c.place[i]] in _AREA_KINDS
    return (c.change[i] + 4 * c.status[i] + 12 * (min(max(c.precision[i], 1), 4) - 1)
            + (48 if region else 0))


def _span_code(c: EventColumns, span: _Span, i: int) -> int:
    """1-3 when the span is exactly what control_timeline derives from event ``i``, else 0."""
    place, start, state, holder, _ = span
    if not state or c.place_id[place] != c.place_id[c.place[i]] or start != c.end[i]:
        return 0
    if c.status[i] == _DISPUTED or (state == _CONTESTED_STATE) != (c.change[i] == _CONTESTED):
        return 0
    expected = c.actor[i] if state == _HELD else c.losing[i] if state == _LOST else 0
    if state == _LOST and c.actor[i]:
        return 0
    ids = c.actor_id
    same = (ids[expected - 1] if expected else None) == (ids[holder - 1] if holder else None)
    return state if same else 0


def _order_events(blob: _Blob, shown: list[int]) -> list[int]:
    """Places numbered in date order, then events sorted by (end, place) for small deltas."""
    c = blob.c
    ends = [c.end[i] for i in shown]
    for k in sorted(range(len(shown)), key=ends.__getitem__):
        blob.place(c.place[shown[k]])
    index, place_id, place = blob.places.index, c.place_id, c.place
    keys = [ends[k] * 10_000_000 + index[place_id[place[i]]] for k, i in enumerate(shown)]
    return [shown[k] for k in sorted(range(len(shown)), key=keys.__getitem__)]


def _encode_events(blob: _Blob, shown: Sequence[int]) -> tuple[dict, dict]:
    c = blob.c
    place_index, place_id, place = blob.places.index, c.place_id, c.place
    src_a, src_q = _encode_sources(blob, shown)
    cols = {
        "p": _delta([place_index[place_id[place[i]]] for i in shown]),
        "e": _delta([c.end[i] for i in shown]),
        "w": [c.end[i] - c.start[i] for i in shown],
        "c": [_event_code(c, i) for i in shown],
        "a": _actor_column(blob, [c.actor[i] for i in shown]),
        "l": _actor_column(blob, [c.losing[i] for i in shown]),
        "n": [c.nsrc[i] for i in shown],
    }
    return cols, {"a": _delta(src_a), "q": _delta(src_q)}


def _actor_column(blob: _Blob, actors: list[int]) -> list[int]:
    """[blob.actor(a) for a in actors], written out flat."""
    index, ids, add = blob.actors.index, blob.c.actor_id, blob.actor
    out = []
    for a in actors:
        if not a:
            out.append(0)
            continue
        i = index.get(ids[a - 1])
        out.append(add(a) if i is None else i + 1)
    return out


def _encode_sources(blob: _Blob, shown: Sequence[int]) -> tuple[list[int], list[int]]:
    """Article and quote indices of every source (the hot loop, so written out flat)."""
    c = blob.c
    arts, art_index = blob.articles.items, blob.articles.index
    quotes, quote_index = blob.quotes.items, blob.quotes.index
    first = list(accumulate(c.nsrc, initial=0))
    src_article, src_quote, quote = c.src_article, c.src_quote, c.quote
    factored: dict[tuple[int, int, int, int], str] = {}
    src_a: list[int] = []
    src_q: list[int] = []
    for i in shown:
        names = None
        place, gainer, loser = c.place[i], c.actor[i], c.losing[i]
        for s in range(first[i], first[i + 1]):
            key = src_article[s]
            a = art_index.get(key)
            if a is None:
                a = art_index[key] = len(arts)
                arts.append(key)
            src_a.append(a)
            raw = src_quote[s]
            fkey = (raw, place, gainer, loser)
            q = factored.get(fkey)
            if q is None:
                if names is None:
                    names = _quote_names(c, i)
                q = factored[fkey] = _factor_quote(quote[raw], names)
            j = quote_index.get(q)
            if j is None:
                j = quote_index[q] = len(quotes)
                quotes.append(q)
            src_q.append(j)
    return src_a, src_q


def _quote_names(c: EventColumns, i: int) -> tuple[tuple[str, str], ...]:
    gainer, loser = c.actor[i], c.losing[i]
    pairs = ((c.place_name[c.place[i]], "\x01"),
             (c.actor_name[gainer - 1] if gainer else "", "\x02"),
             (c.actor_name[loser - 1] if loser else "", "\x03"))
    return tuple(p for p in pairs if len(p[0]) > 1)


def _factor_quote(q: str, names: tuple[tuple[str, str], ...]) -> str:
    """The quote with the event's place and actor names as \x01-\x03 (see _build_data)."""
    if "\x00" in q or "\x01" in q or "\x02" in q or "\x03" in q:
        return "\x00" + q  # kept literally
    for name, mark in names:
        q = q.replace(name, mark)
    return q


def _encode_spans(blob: _Blob, shown: Sequence[int], spans: Sequence[_Span],
                  last: int | None) -> tuple[list, list]:
    """Per-event span codes plus the spans that do not follow from an event drawn here.

    A span whose place and start day single out one shown event, and which is exactly the
    span control_timeline derives from that event, comes from it; event ids tell several
    candidates apart. (The hot loop for a long history, so written out flat.)
    """
    c = blob.c
    place_id, place, end, ident = c.place_id, c.place, c.end, c.id
    by_key: dict[tuple[str, int], list[int]] = {}
    for k, i in enumerate(shown):
        key = (place_id[place[i]], end[i])
        found = by_key.get(key)
        if found is None:
            by_key[key] = [k]
        else:
            found.append(k)
    located = [math.isfinite(y) and math.isfinite(x)
               for y, x in zip(c.place_lat, c.place_lon, strict=True)]
    places, actor_ids = blob.places, c.actor_id
    place_index, actor = places.index, blob.actor
    codes = [0] * len(shown)
    extra: list[list[int]] = []
    for span in spans:
        p, start, state, holder, event_id = span
        if (last is not None and start > last) or not state:
            continue
        k, code = None, 0
        candidates = by_key.get((place_id[p], start))
        if candidates is not None:
            if len(candidates) == 1:
                code = _span_code(c, span, shown[candidates[0]])
                if code:
                    k = candidates[0]
            if not code:
                for m in candidates:
                    if ident[shown[m]] == event_id:
                        k, code = m, _span_code(c, span, shown[m])
                        break
            if code and not codes[k]:
                codes[k] = code
                continue
        if not located[p]:
            continue
        q = place_index.get(place_id[p])
        if q is None:
            q = places.add(place_id[p], p)
        a = 0
        if holder:
            a = blob.actors.index.get(actor_ids[holder - 1], -1) + 1 or actor(holder)
        extra.append([q, start, state, a, 0 if k is None else k + 1])
    extra.sort(key=itemgetter(1, 0))
    return codes, extra


def _side_order(c: EventColumns, shown: Sequence[int], spans: Sequence[_Span]) -> list:
    counts: Counter[str] = Counter()
    sides = c.actor_side
    for i in shown:
        for a in (c.actor[i], c.losing[i]):
            if a:
                counts[sides[a - 1]] += 1
    counts.update(sides[span[3] - 1] for span in spans if span[3])
    return [side for side, _ in counts.most_common()]


def _format_day(d: date, lang: str) -> str:
    months = {
        "en": "January February March April May June July August September October "
              "November December",
        "nl": "januari februari maart april mei juni juli augustus september oktober "
              "november december",
    }
    names = months.get(lang, months["en"]).split()
    return f"{d.day} {names[d.month - 1]} {d.year}"


def _page_title(title: str, lang: str, first: date | None, last: date | None) -> str:
    base = title or ui_strings(lang)["title"]
    if first is None or last is None or (first.isoformat() in base and last.isoformat() in base):
        return base  # no range, or the caller's title states it already
    if first == last:
        return f"{base} · {_format_day(first, lang)}"
    return f"{base} · {_format_day(first, lang)} – {_format_day(last, lang)}"


def _located(c: EventColumns, p: int) -> bool:
    return math.isfinite(c.place_lat[p]) and math.isfinite(c.place_lon[p])


def _drawable(c: EventColumns, first: int | None, last: int | None) -> list[int]:
    """The events in [first, last] that have a place on the map (finite coordinates)."""
    out = []
    start, end, place = c.start, c.end, c.place
    for i in range(len(c)):
        if (first is not None and end[i] < first) or (last is not None and start[i] > last):
            continue
        if _located(c, place[i]):
            out.append(i)
        else:
            log.warning("not drawn: %s has no usable coordinates", c.place_id[place[i]])
    return out


def _build_data(c: EventColumns, spans: Sequence[_Span], title: str, lang: str,
                side_labels: Mapping[str, str], date_from: date | None,
                date_to: date | None) -> dict:
    """The page's data blob. Days are days since 1970-01-01; "delta" columns store
    differences from the previous row (the page takes running sums).

    places  n names, y/x lat/lon * 1e4 (delta), r indices of region-level places
    ev      one row per drawn event, sorted by (end day, place):
            p place index (delta), e end day (delta), w end - start in days,
            c change + 4*status + 12*(time precision - 1) + 48*region + 96*span code,
            a/l gaining/losing actor index + 1 (0 none), n number of sources
    src     one row per source, in event order: a article index (delta), q quote index (delta)
    q       quotes with the event's place / gainer / loser names as \x01 / \x02 / \x03
            ("\x00" + text when the quote itself holds such bytes)
    art     n names, t titles, ui/u URL prefix index (delta) and rest (prefixes in up),
            pi published index (delta; values in p)
    xs      control spans not derived from a drawn event: [place, day, state, holder + 1,
            event + 1 or 0]
    sides   id, label, color; actors n names, s side index
    """
    blob = _Blob(c, side_labels, names=place_names(lang))
    first = _day(date_from) if date_from else None
    last = _day(date_to) if date_to else None
    shown = _order_events(blob, _drawable(c, first, last))
    if first is None:
        first = min((c.start[i] for i in shown), default=None)
    if last is None:
        last = max((c.end[i] for i in shown), default=None)
    first, last = (first if first is not None else last), (last if last is not None else first)
    for side in _side_order(c, shown, spans):
        blob.sides.add(side)
    ev, src = _encode_events(blob, shown)
    codes, extra = _encode_spans(blob, shown, spans, last)
    ev["c"] = [code + 96 * k for code, k in zip(ev["c"], codes, strict=True)]
    actors = blob.encode_actors()  # before sides: actors may add sides
    today = _day(date.today())
    return {
        "v": 1, "lang": lang,
        "title": _page_title(title, lang, None if first is None else _date(first),
                             None if last is None else _date(last)),
        "ui": {k: v for k, v in ui_strings(lang).items() if k not in _PAGE_STRINGS},
        "d0": today if first is None else first, "d1": today if last is None else last,
        "sides": blob.encode_sides(), "actors": actors, "places": blob.encode_places(),
        "ev": ev, "src": src, "art": blob.encode_articles(), "xs": extra,
        "q": blob.quotes.items, "fix": popup_report(c, shown),
    }


_OPTIONAL = frozenset({"key", "verified"})


def popup_report(c: EventColumns, shown: Sequence[int]) -> dict[str, list[Any]]:
    """What each popup's key line, verified mark and "report an error" control need
    (conflictmap_report.js), in the page's event order: k keys, v indices of verified
    events, and the fields of a corrections line (corrections.py): p place ids, g/l gaining
    and losing actor ids."""
    keys = c.key if c.key is not None and len(c.key) == len(c) else None
    ids = c.actor_id
    return {
        "k": [keys[i] if keys is not None else "" for i in shown],
        "v": [n for n, i in enumerate(shown) if c.verified is not None and c.verified[i]],
        "p": [c.place_id[c.place[i]] for i in shown],
        "g": [ids[c.actor[i] - 1] if c.actor[i] else "" for i in shown],
        "l": [ids[c.losing[i] - 1] if c.losing[i] else "" for i in shown],
    }


def _script_json(data: object) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>', '&', U+2028/9."""
    return _script_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _blob_json(data: dict) -> str:
    """_script_json(data) for the page data, by orjson when it can: the blob holds only
    text, integers, lists and dicts with text keys (no float, whose digits orjson writes
    otherwise), for which orjson writes what json.dumps(ensure_ascii=False, compact
    separators) writes, about four times as fast (tests/test_render_index.py)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        return _script_json(data)
    try:
        text = orjson.dumps(data).decode("utf-8")
    except TypeError:  # lone surrogates, integers beyond 64 bits: json writes them
        return _script_json(data)
    return _script_safe(text)


def _script_safe(text: str) -> str:
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@cache
def _static(name: str) -> str:
    return resources.files("conflictmap").joinpath("static", name).read_text("utf-8")


@cache
def _basemap_json(lang: str = "en") -> str:
    """The offline basemap (countries.json), its country labels in the page's language
    where ``data/countries.<lang>.tsv`` names them."""
    text = resources.files("conflictmap").joinpath("data", "countries.json").read_text("utf-8")
    base = json.loads(text)
    names = country_names(lang)
    for country in base["countries"]:
        country["n"] = names.get(country["n"], country["n"])
    return _script_json(base)


@cache
def country_names(lang: str) -> dict[str, str]:
    """Natural Earth country name -> its name in ``lang`` (empty when no file names them):
    ``data/countries.<lang>.tsv``, lines of ``English<TAB>name``, ``#`` for comments."""
    if not _LANG_TAG.fullmatch(lang):
        return {}
    entry = resources.files("conflictmap").joinpath("data", f"countries.{lang}.tsv")
    if not entry.is_file():
        return {}
    names: dict[str, str] = {}
    for number, line in enumerate(entry.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        english, sep, local = line.partition("\t")
        if not sep or not english.strip() or not local.strip():
            raise ValueError(f"countries.{lang}.tsv:{number}: expected 'English name<TAB>"
                             f"name in {lang}', found {line[:60]!r}")
        names[english.strip()] = local.strip()
    return names


@dataclass(frozen=True, slots=True)
class PlaceNames:
    """How a page in one language writes place names (``data/places.<lang>.tsv``)."""

    whole: Mapping[str, str]
    patterns: tuple[tuple[str, str, str], ...]  # (English prefix, English suffix, form)
    countries: Mapping[str, str]

    def show(self, name: str, area: bool) -> str:
        """``name`` as the page writes it; patterns apply to regions and countries only."""
        found = self.whole.get(name) or (self.countries.get(name) if area else None)
        if found:
            return found
        if area:
            for prefix, suffix, form in self.patterns:
                if (len(name) > len(prefix) + len(suffix) and name.startswith(prefix)
                        and name.endswith(suffix)):
                    part = name[len(prefix):len(name) - len(suffix)]
                    return form.replace("{}", self.whole.get(part)
                                        or self.countries.get(part, part))
        return name


@cache
def place_names(lang: str) -> PlaceNames | None:
    """The page's place names in ``lang`` (None when no ``data/places.<lang>.tsv``)."""
    if not _LANG_TAG.fullmatch(lang):
        return None
    entry = resources.files("conflictmap").joinpath("data", f"places.{lang}.tsv")
    if not entry.is_file():
        return None
    whole: dict[str, str] = {}
    patterns: list[tuple[str, str, str]] = []
    for number, line in enumerate(entry.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        english, sep, local = line.partition("\t")
        english, local = english.strip(), local.strip()
        where = f"places.{lang}.tsv:{number}"
        if not sep or not english or not local:
            raise ValueError(f"{where}: expected 'English name<TAB>name in {lang}', "
                             f"found {line[:60]!r}")
        if english.count("{}") != local.count("{}") or english.count("{}") > 1:
            raise ValueError(f"{where}: expected one {{}} on both sides of a pattern or "
                             f"none, found {line[:60]!r}")
        if "{}" in english:
            prefix, _, suffix = english.partition("{}")
            patterns.append((prefix, suffix, local))
        else:
            whole[english] = local
    return PlaceNames(whole, tuple(patterns), country_names(lang))


@cache
def _leaflet_inline() -> tuple[str, str]:
    """Leaflet's JS and CSS from xstatic-leaflet (pinned to LEAFLET_VERSION)."""
    import xstatic.pkg.leaflet as xleaflet

    if xleaflet.VERSION != LEAFLET_VERSION:
        log.warning("xstatic-leaflet is %s, expected %s", xleaflet.VERSION, LEAFLET_VERSION)
    base = Path(xleaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text("utf-8").replace("</script", "<\\/script")
    css = (base / "leaflet.css").read_text("utf-8")
    # The CSS names marker/layer images by URL; this page uses neither, so no fetch happens.
    return js, css


# ---- the page: folium's frame around the slots ----

_SLOTS = ("leaflet_css", "leaflet_js", "css", "data", "basemap", "js")
_SLOT_MARK = "\x00conflictmap-slot:{}\x00"


def _slots(data: dict, offline: bool) -> dict[str, str]:
    slots = {"css": _static("conflictmap.css"), "data": _blob_json(data),
             "js": "\n".join(_static(f) for f in _JS_FILES), "basemap": "",
             "leaflet_css": "", "leaflet_js": ""}
    if offline:
        slots["basemap"] = _basemap_json(str(data.get("lang") or "en"))
        slots["leaflet_js"], slots["leaflet_css"] = _leaflet_inline()
    return slots


def frame_key() -> str:
    """What the page frame depends on: this file and the versions of folium and the
    packages it renders with. A frame made under another key is not used."""
    digest = hashlib.sha1(Path(__file__).read_bytes())
    digest.update(json.dumps(_ui_tables(), sort_keys=True).encode())  # the frame's hint
    for name in _FRAME_PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"|{name}={version}".encode())
    return digest.hexdigest()


_FRAMES: dict[bool, tuple[str, ...]] = {}  # page_frame's, made here or adopted


def page_frame(offline: bool) -> tuple[str, ...]:
    """The page folium renders for this map, split at the slots: literal text at even
    positions, slot names (_SLOTS) at odd ones. Made once per process, or taken from a
    render index written by this code (:func:`adopt_frames`)."""
    found = _FRAMES.get(offline)
    if found is None:
        found = _FRAMES[offline] = _made_frame(offline)
    return found


def adopt_frames(index_file: str | os.PathLike[str]) -> bool:
    """Take the page frames stored in a render index (``events.render.json``) when this
    code and these packages made them, so that a build after the first need not import
    folium (about a second) to make the same frames again. False (and nothing taken) when
    the file is missing, damaged or of other code."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        orjson = json
    try:
        raw = Path(index_file).read_bytes()
        with gctools.paused():
            payload = orjson.loads(raw.partition(b"\n")[2])
        online, offline = indexed_frame(payload, False), indexed_frame(payload, True)
    except (OSError, ValueError, TypeError, AttributeError):
        return False
    if online is None or offline is None:
        return False
    _FRAMES.update({False: online, True: offline})
    return True


def _made_frame(offline: bool) -> tuple[str, ...]:
    marks = {name: _SLOT_MARK.format(name) for name in _SLOTS}
    page = _folium_page(marks, offline)
    pieces: list[str] = []
    pattern = re.compile("|".join(re.escape(m) for m in marks.values()))
    names = {m: name for name, m in marks.items()}
    position = 0
    for match in pattern.finditer(page):
        pieces += [page[position:match.start()], names[match.group()]]
        position = match.end()
    pieces.append(page[position:])
    used = pieces[1::2]
    if len(used) != len(set(used)):
        raise RuntimeError("a slot appears twice in the page frame")
    return tuple(pieces)


def check_frame(pieces: object, offline: bool) -> tuple[str, ...]:
    """A stored frame as page_frame gives it; ValueError when it is not one."""
    if (not isinstance(pieces, list) or len(pieces) % 2 != 1
            or not all(type(p) is str for p in pieces)):
        raise ValueError("not a page frame")
    used = pieces[1::2]
    expected = {"css", "data", "js"} | ({"basemap", "leaflet_css", "leaflet_js"} if offline
                                        else set())
    if len(used) != len(set(used)) or set(used) != expected:
        raise ValueError("the page frame's slots are not the page's")
    return tuple(pieces)


def _folium_page(marks: Mapping[str, str], offline: bool) -> str:
    """The folium map with the marks where the slots go (the only place folium is used)."""
    import folium
    import xyzservices.providers as xyz
    from branca.element import Element, MacroElement
    from jinja2 import Template

    class _Raw(Element):
        """Text put into the page as is (no Jinja parsing of large inlined libraries)."""

        _template = Template("{{ this.text }}")

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class ConflictLayer(MacroElement):
        """The folium plugin: data blob + canvas drawing + slider, filters, legend, search."""

        _template = Template("""
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
{% macro html(this, kwargs) %}
{% if this.network_check -%}
<div id="cm-needs-network" class="cm-needs-network" role="alert" hidden></div>
<script>{{ this.network_check }}</script>
{%- endif %}
<script type="application/json" id="cm-data">{{ this.data_json }}</script>
{% if this.basemap_json -%}
<script type="application/json" id="cm-basemap">{{ this.basemap_json }}</script>
{%- endif %}
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.js }}
conflictmapInit({{ this._parent.get_name() }}, {{ this.options|tojson }});
{% endmacro %}
""")

        def __init__(self) -> None:
            super().__init__()
            self._name = "ConflictLayer"
            self.data_json = marks["data"]
            self.basemap_json = marks["basemap"] if offline else ""
            self.css = marks["css"]
            self.js = marks["js"]
            self.options = {"dataId": "cm-data", "basemapId": "cm-basemap" if offline else None}
            self.network_check = "" if offline else _network_check()  # Leaflet inline

        def render(self, **kwargs: object) -> None:
            """Like MacroElement.render, but the macros' output is never parsed as Jinja
            again: MacroElement wraps each macro's output in ``Element(text)``, which
            compiles the text as a template (article text containing ``{{ ... }}`` would be
            evaluated). ``_Raw`` puts the text in as it is."""
            figure = self.get_root()
            module = self._template.module
            name = self.get_name()
            figure.header.add_child(_Raw(module.header(self, kwargs)), name=name)
            figure.html.add_child(_Raw(module.html(self, kwargs)), name=name)
            figure.script.add_child(_Raw(module.script(self, kwargs)), name=name)

    m = folium.Map(location=None, tiles=None, zoom_control=True, prefer_canvas=True)
    m._id = _MAP_ID
    m.default_js = [] if offline else [("leaflet", f"{_LEAFLET_CDN}/leaflet.js")]
    m.default_css = [] if offline else [("leaflet_css", f"{_LEAFLET_CDN}/leaflet.css")]
    if offline:
        header = m.get_root().header
        header.add_child(_Raw(f"<style>{marks['leaflet_css']}</style>"), name="leaflet_css")
        header.add_child(_Raw(f"<script>{marks['leaflet_js']}</script>"), name="leaflet")
    else:
        # CartoDB now needs an API key in xyzservices; OpenStreetMap does not (greyed by our
        # CSS).
        tiles_provider = xyz.OpenStreetMap.Mapnik
        tiles = folium.TileLayer(tiles_provider, name=tiles_provider.name)
        tiles._id = "base"  # stable names: the same input gives the same page
        tiles.add_to(m)
    ConflictLayer().add_to(m)
    return m.get_root().render()


_PAGE_STRINGS = frozenset({"needs_network"})  # used by the page itself, not the map's UI


def _network_check() -> str:
    """The page's own script, apart from the map's: when Leaflet did not load (an online
    page opened without a connection), say so and how to make an offline map, instead of
    showing a blank page. In the page's language (``<html lang>``), English otherwise."""
    hints = _script_json({lang: table["needs_network"] for lang, table in _ui_tables().items()})
    return ('window.addEventListener("load", function () {\n'
            '  if (window.L) return;\n'
            f'  var hints = {hints};\n'
            '  var box = document.getElementById("cm-needs-network");\n'
            '  box.textContent = hints[document.documentElement.lang] || hints.en;\n'
            '  box.hidden = false;\n'
            '});')


def _page(data: dict, offline: bool, frame: Sequence[str] | None) -> str:
    pieces = frame if frame is not None else page_frame(offline)
    slots = _slots(data, offline)
    page = "".join(slots[p] if i % 2 else p for i, p in enumerate(pieces))
    safe_lang = data["lang"] if _LANG_TAG.fullmatch(data["lang"]) else "en"
    head = f'<html lang="{safe_lang}">\n<head>\n<title>{html.escape(data["title"])}</title>'
    return page.replace("<html>\n<head>", head, 1)


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
) -> str:
    """The whole map page as HTML.

    Events whose interval lies outside [date_from, date_to] are not drawn; control spans
    that start before date_from still set the state at the start of the range. The title
    states the range shown. ``side_labels`` maps Actor.side ids to display names, and
    "@" + Actor.id to an actor's name in the page's language (actors.page_labels).
    """
    events = list(events)
    with gctools.paused():
        if timeline is None:
            timeline = control_timeline(events)
        builder = _ColumnsBuilder()
        builder.add_events(events)
        spans = builder.spans(timeline)
        data = _build_data(builder.columns(), spans, title, lang, side_labels or {},
                           date_from, date_to)
        page = _page(data, offline, None)
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
) -> str:
    """pipeline.render_map for a store read as columns: the events that overlap ``window``
    drawn, control taken from every event up to its end. ``frame``: page_frame(offline),
    as the render index keeps it (None: ask folium)."""
    with gctools.paused():
        c = columns
        spans = _timeline(c, None if window is None else _day(window.end))
        data = _build_data(c, spans, title, lang, side_labels,
                           window.start if window else None, window.end if window else None)
        page = _page(data, offline, frame)
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


def indexed_frame(payload: Mapping[str, Any], offline: bool) -> tuple[str, ...] | None:
    """The stored page frame when it was made by this code and these folium versions."""
    frames = payload.get("frames")
    if not isinstance(frames, dict) or frames.get("key") != frame_key():
        log.info("the render index's page frame is of other code or packages; using folium")
        return None
    return check_frame(frames.get("offline" if offline else "online"), offline)


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


def columns_span(c: EventColumns) -> tuple[date, date] | None:
    """(earliest start, latest end) of the events, as pipeline.data_window."""
    if not len(c):
        return None
    return _date(min(c.start)), _date(max(c.end))
