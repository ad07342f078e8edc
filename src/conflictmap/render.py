"""The interactive map page: one folium map, one compact data blob, one canvas layer.

Events are not folium Markers (far too slow at 10k events). The page holds a single
columnar JSON blob (place table, events referencing places by index, day numbers,
small integer codes, deduplicated string tables) inside ``<script type="application/json">``;
``static/conflictmap.js`` decodes it and draws every symbol on one canvas, with a date
slider, a control-as-of-date / events-in-window switch, side/change/status filters,
grid clustering, town search and popups built with ``textContent`` only.

``offline=True`` inlines Leaflet (from xstatic-leaflet) and draws a shipped Natural
Earth country outline instead of web tiles, so the file works with no network.
"""

from __future__ import annotations

import gc
import html
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import folium
import xyzservices.providers as xyz
from branca.element import Element, MacroElement
from jinja2 import Template

from conflictmap.consolidate import control_timeline
from conflictmap.model import Actor, Change, ControlSpan, Event, Place, PlaceKind, Status

log = logging.getLogger(__name__)

__all__ = ["LEAFLET_VERSION", "render_html", "ui_strings"]

LEAFLET_VERSION = "1.9.3"  # the version folium 0.20 links and xstatic-leaflet 1.9.3 ships
_LEAFLET_CDN = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist"
_EPOCH = date(1970, 1, 1).toordinal()
_CHANGES = (Change.CAPTURE, Change.RECAPTURE, Change.WITHDRAWAL, Change.CONTESTED)
_STATUSES = (Status.REPORTED, Status.CLAIMED, Status.DISPUTED)
_STATES = {"held": 1, "contested": 2, "lost": 3}
# Few, distinguishable side colours; grey (no gainer) and amber (contested) are reserved.
_PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
            "#7f7f00")
_MAP_ID = "conflictmap"
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
# CartoDB now needs an API key in xyzservices; OpenStreetMap does not (greyed by our CSS).
_TILES = xyz.OpenStreetMap.Mapnik
_JS_FILES = ("conflictmap.js", "conflictmap_ui.js", "conflictmap_popup.js")


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
    """Builds the columnar page data."""

    side_labels: Mapping[str, str]
    quotes: _Table = field(default_factory=_Table)
    places: _Table = field(default_factory=_Table)
    actors: _Table = field(default_factory=_Table)
    sides: _Table = field(default_factory=_Table)
    articles: _Table = field(default_factory=_Table)

    def place(self, p: Place) -> int:
        return self.places.add(p.id, p)

    def actor(self, a: Actor | None) -> int:
        """Actor index + 1 (0: none)."""
        if a is None:
            return 0
        return self.actors.add(a.id, a) + 1

    def encode_actors(self) -> dict:
        names, sides = [], []
        for a in self.actors.items:
            names.append(a.name)
            sides.append(self.sides.add(a.side))
        return {"n": names, "s": sides}

    def encode_places(self) -> dict:
        items = self.places.items
        return {
            "n": [p.name for p in items],
            "y": _delta([round(p.lat * 1e4) for p in items]),
            "x": _delta([round(p.lon * 1e4) for p in items]),
            "r": [i for i, p in enumerate(items)
                  if p.kind in (PlaceKind.REGION, PlaceKind.COUNTRY)],
        }

    def encode_articles(self) -> dict:
        """Article columns; URLs split at their last '/' with the prefixes in a table."""
        prefixes, published = _Table(), _Table()
        cols: dict[str, list] = {"n": [], "t": [], "ui": [], "u": [], "pi": []}
        for name, url, title, pub in self.articles.items:
            cut = url.rfind("/") + 1
            cols["n"].append(name)
            cols["t"].append(title)
            cols["ui"].append(prefixes.add(url[:cut]))
            cols["u"].append(url[cut:])
            cols["pi"].append(published.add(pub))
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


_CHANGE_CODE = {c: i for i, c in enumerate(_CHANGES)}
_STATUS_CODE = {st: 4 * i for i, st in enumerate(_STATUSES)}
_AREAS = (PlaceKind.REGION, PlaceKind.COUNTRY)


def _event_code(e: Event) -> int:
    """change + 4 * status + 12 * (time precision - 1) + 48 if region-level.

    The page adds 96 * the code of the control span the event starts (0 none, 1 held,
    2 contested, 3 lost).
    """
    region = e.geo_precision >= 3 or e.place.kind in _AREAS
    return (_CHANGE_CODE[e.change] + _STATUS_CODE[e.status]
            + 12 * (min(max(e.period.precision, 1), 4) - 1) + (48 if region else 0))


def _span_code(span: ControlSpan, e: Event) -> int:
    """1-3 when the span is exactly what control_timeline derives from ``e``, else 0."""
    if span.state not in _STATES or span.place.id != e.place.id or span.start != e.period.end:
        return 0
    if e.status is Status.DISPUTED or (span.state == "contested") != (e.change is Change.CONTESTED):
        return 0
    expected = {"held": e.actor, "lost": e.losing_actor}.get(span.state)
    if span.state == "lost" and e.actor is not None:
        return 0
    same = (expected.id if expected else None) == (span.holder.id if span.holder else None)
    return _STATES[span.state] if same else 0


def _order_events(blob: _Blob, events: list[Event]) -> list[Event]:
    """Places numbered in date order, then events sorted by (end, place) for small deltas."""
    ends = [e.period.end.toordinal() for e in events]
    by_end = sorted(range(len(events)), key=ends.__getitem__)
    places = blob.places
    for i in by_end:
        places.add(events[i].place.id, events[i].place)
    index = places.index
    keys = [ends[i] * 10_000_000 + index[e.place.id] for i, e in enumerate(events)]
    return [events[i] for i in sorted(range(len(events)), key=keys.__getitem__)]


def _encode_events(blob: _Blob, events: Sequence[Event]) -> tuple[dict, dict]:
    place_index, actor = blob.places.index, blob.actor
    src_a, src_q = _encode_sources(blob, events)
    cols = {
        "p": _delta([place_index[e.place.id] for e in events]),
        "e": _delta([e.period.end.toordinal() - _EPOCH for e in events]),
        "w": [(e.period.end - e.period.start).days for e in events],
        "c": [_event_code(e) for e in events],
        "a": [actor(e.actor) for e in events],
        "l": [actor(e.losing_actor) for e in events],
        "n": [len(e.sources) for e in events],
    }
    return cols, {"a": _delta(src_a), "q": _delta(src_q)}


def _encode_sources(blob: _Blob, events: Sequence[Event]) -> tuple[list[int], list[int]]:
    """Article and quote indices of every source (the hot loop, so written out flat)."""
    arts, art_index = blob.articles.items, blob.articles.index
    quotes, quote_index = blob.quotes.items, blob.quotes.index
    src_a: list[int] = []
    src_q: list[int] = []
    for e in events:
        names = _quote_names(e)
        for s in e.sources:
            key = (s.article, s.url, s.title, s.published)
            a = art_index.get(key)
            if a is None:
                a = art_index[key] = len(arts)
                arts.append(key)
            src_a.append(a)
            q = _factor_quote(s.quote, names)
            i = quote_index.get(q)
            if i is None:
                i = quote_index[q] = len(quotes)
                quotes.append(q)
            src_q.append(i)
    return src_a, src_q


def _quote_names(e: Event) -> tuple[tuple[str, str], ...]:
    pairs = ((e.place.name, "\x01"), (e.actor.name if e.actor else "", "\x02"),
             (e.losing_actor.name if e.losing_actor else "", "\x03"))
    return tuple(p for p in pairs if len(p[0]) > 1)


def _factor_quote(q: str, names: tuple[tuple[str, str], ...]) -> str:
    """The quote with the event's place and actor names as \x01-\x03 (see _build_data)."""
    if "\x00" in q or "\x01" in q or "\x02" in q or "\x03" in q:
        return "\x00" + q  # kept literally
    for name, mark in names:
        q = q.replace(name, mark)
    return q


def _span_matcher(events: Sequence[Event]) -> Callable[[ControlSpan], tuple[int | None, int]]:
    """A function span -> (index of the shown event it comes from or None, span code).

    A span whose place and start day single out one shown event, and which is exactly the
    span control_timeline derives from that event, comes from it; content hashes
    (Event.id, a SHA-1 each) are computed only to tell several candidates apart.
    """
    by_key: dict[tuple[str, date], list[int]] = {}
    for i, e in enumerate(events):
        by_key.setdefault((e.place.id, e.period.end), []).append(i)
    ids: dict[int, str] = {}

    def match(span: ControlSpan) -> tuple[int | None, int]:
        candidates = by_key.get((span.place.id, span.start), ())
        if len(candidates) == 1:
            code = _span_code(span, events[candidates[0]])
            if code:
                return candidates[0], code
        for i in candidates:
            if ids.setdefault(i, events[i].id) == span.event_id:
                return i, _span_code(span, events[i])
        return None, 0

    return match


def _encode_spans(blob: _Blob, events: Sequence[Event],
                  timeline: Mapping[str, Sequence[ControlSpan]],
                  last: date) -> tuple[list, list]:
    """Per-event span codes plus the spans that do not follow from an event drawn here."""
    match = _span_matcher(events)
    codes = [0] * len(events)
    extra: list[list[int]] = []
    for spans in timeline.values():
        for span in spans:
            if span.start > last or span.state not in _STATES:
                continue
            i, code = match(span)
            if code and not codes[i]:
                codes[i] = code
                continue
            if not _located(span.place):
                continue
            extra.append([blob.place(span.place), _day(span.start), _STATES[span.state],
                          blob.actor(span.holder), 0 if i is None else i + 1])
    extra.sort(key=lambda r: (r[1], r[0]))
    return codes, extra


def _side_order(events: Sequence[Event], timeline: Mapping[str, Sequence[ControlSpan]]) -> list:
    counts: Counter[str] = Counter()
    for e in events:
        for a in (e.actor, e.losing_actor):
            if a is not None:
                counts[a.side] += 1
    for spans in timeline.values():
        counts.update(s.holder.side for s in spans if s.holder is not None)
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


def _in_range(e: Event, first: date | None, last: date | None) -> bool:
    return (first is None or e.period.end >= first) and (last is None or e.period.start <= last)


def _located(p: Place) -> bool:
    return math.isfinite(p.lat) and math.isfinite(p.lon)


def _drawable(events: Sequence[Event], first: date | None, last: date | None) -> list[Event]:
    """The events in [first, last] that have a place on the map (finite coordinates)."""
    out = []
    for e in events:
        if not _in_range(e, first, last):
            continue
        if _located(e.place):
            out.append(e)
        else:
            log.warning("not drawn: %s has no usable coordinates", e.place.id)
    return out


def _build_data(events: Sequence[Event], timeline: Mapping[str, Sequence[ControlSpan]],
                title: str, lang: str, side_labels: Mapping[str, str],
                first: date | None, last: date | None) -> dict:
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
    blob = _Blob(side_labels=side_labels)
    shown = _order_events(blob, _drawable(events, first, last))
    first = first or min((e.period.start for e in shown), default=None)
    last = last or max((e.period.end for e in shown), default=None)
    first, last = first or last, last or first
    for side in _side_order(shown, timeline):
        blob.sides.add(side)
    ev, src = _encode_events(blob, shown)
    codes, extra = _encode_spans(blob, shown, timeline, last or date.max)
    ev["c"] = [c + 96 * k for c, k in zip(ev["c"], codes, strict=True)]
    actors = blob.encode_actors()  # before sides: actors may add sides
    return {
        "v": 1, "lang": lang, "title": _page_title(title, lang, first, last),
        "ui": ui_strings(lang),
        "d0": _day(first or date.today()), "d1": _day(last or date.today()),
        "sides": blob.encode_sides(), "actors": actors, "places": blob.encode_places(),
        "ev": ev, "src": src, "art": blob.encode_articles(), "xs": extra,
        "q": blob.quotes.items,
    }


def _script_json(data: object) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>', '&', U+2028/9."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@cache
def _static(name: str) -> str:
    return resources.files("conflictmap").joinpath("static", name).read_text("utf-8")


@cache
def _basemap_json() -> str:
    text = resources.files("conflictmap").joinpath("data", "countries.json").read_text("utf-8")
    return _script_json(json.loads(text))


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

    def __init__(self, data: dict, *, offline: bool) -> None:
        super().__init__()
        self._name = "ConflictLayer"
        self.data_json = _script_json(data)
        self.basemap_json = _basemap_json() if offline else ""
        self.css = _static("conflictmap.css")
        self.js = "\n".join(_static(f) for f in _JS_FILES)
        self.options = {"dataId": "cm-data", "basemapId": "cm-basemap" if offline else None}

    def render(self, **kwargs: object) -> None:
        """Like MacroElement.render, but the macros' output is never parsed as Jinja again.

        MacroElement wraps each macro's output in ``Element(text)``, which compiles the text
        as a template: article text containing ``{{ ... }}`` would be evaluated, and a large
        blob costs seconds of lexing. ``_Raw`` puts the text in as it is.
        """
        figure = self.get_root()
        module = self._template.module
        name = self.get_name()
        figure.header.add_child(_Raw(module.header(self, kwargs)), name=name)
        figure.html.add_child(_Raw(module.html(self, kwargs)), name=name)
        figure.script.add_child(_Raw(module.script(self, kwargs)), name=name)


def _make_map(offline: bool) -> folium.Map:
    m = folium.Map(location=None, tiles=None, zoom_control=True, prefer_canvas=True)
    m._id = _MAP_ID
    m.default_js = [] if offline else [("leaflet", f"{_LEAFLET_CDN}/leaflet.js")]
    m.default_css = [] if offline else [("leaflet_css", f"{_LEAFLET_CDN}/leaflet.css")]
    if offline:
        js, css = _leaflet_inline()
        header = m.get_root().header
        header.add_child(_Raw(f"<style>{css}</style>"), name="leaflet_css")
        header.add_child(_Raw(f"<script>{js}</script>"), name="leaflet")
    else:
        tiles = folium.TileLayer(_TILES, name=_TILES.name)
        tiles._id = "base"  # stable names: the same input gives the same page
        tiles.add_to(m)
    return m


def _finish(page: str, title: str, lang: str) -> str:
    safe_lang = lang if _LANG_TAG.fullmatch(lang) else "en"
    head = f'<html lang="{safe_lang}">\n<head>\n<title>{html.escape(title)}</title>'
    return page.replace("<html>\n<head>", head, 1)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC: building the blob allocates millions of acyclic objects."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_html(
    events: Sequence[Event],
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
    states the range shown. ``side_labels`` maps Actor.side ids to display names.
    """
    events = list(events)
    with _gc_paused():
        if timeline is None:
            timeline = control_timeline(events)
        data = _build_data(events, timeline, title, lang, side_labels or {}, date_from,
                           date_to)
        m = _make_map(offline)
        ConflictLayer(data, offline=offline).add_to(m)
        page = m.get_root().render()
    log.debug("rendered %d events into %d characters", len(data["ev"]["p"]), len(page))
    return _finish(page, data["title"], lang)
