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

import html
import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
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
from conflictmap.model import Actor, Change, ControlSpan, Event, Place, PlaceKind, Source, Status

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
_JS_FILES = ("conflictmap.js", "conflictmap_ui.js", "conflictmap_popup.js")

_UI: dict[str, dict[str, str]] = {
    "en": {
        "title": "Territorial control changes", "date": "Date", "play": "Play",
        "pause": "Pause", "mode": "Show", "mode_control": "Control as of this date",
        "mode_events": "Events in window", "window": "Window", "win_all": "All up to date",
        "win_1": "1 day", "win_7": "7 days", "win_30": "30 days", "win_90": "90 days",
        "sides": "Sides (who gained)", "changes": "Change", "status": "Reporting",
        "capture": "Capture", "recapture": "Recapture", "withdrawal": "Withdrawal",
        "contested": "Contested", "reported": "Reported", "claimed": "Claimed (not confirmed)",
        "disputed": "Disputed (denied)", "no_side": "Not stated",
        "state_contested": "Contested", "state_lost": "Abandoned by",
        "region": "Region-level report (approximate area)", "changed": "Changed hands since last step",
        "search": "Find a town…", "cluster": "Group crowded areas", "legend": "Legend & filters",
        "events_shown": "events shown", "places_shown": "places shown", "of": "of",
        "held_by": "Held by", "since": "since", "gained_by": "Gained by", "lost_by": "Lost by",
        "interval": "Date", "precision": "precision", "prec_1": "day", "prec_2": "about a week",
        "prec_3": "about a month", "prec_4": "a year or more", "sources": "Sources",
        "history": "Control history", "no_state": "No report of control yet",
        "published": "published", "not_found": "No town by that name",
        "range": "Showing", "basemap": "Country outlines: Natural Earth (public domain)",
        "more": "more", "cluster_hint": "Click to zoom in",
    },
    "nl": {
        "title": "Wisselingen van controle over gebied", "date": "Datum", "play": "Afspelen",
        "pause": "Pauze", "mode": "Toon", "mode_control": "Controle op deze datum",
        "mode_events": "Gebeurtenissen in periode", "window": "Periode",
        "win_all": "Alles tot deze datum", "win_1": "1 dag", "win_7": "7 dagen",
        "win_30": "30 dagen", "win_90": "90 dagen", "sides": "Partijen (wie won)",
        "changes": "Verandering", "status": "Berichtgeving", "capture": "Verovering",
        "recapture": "Herovering", "withdrawal": "Terugtrekking", "contested": "Omstreden",
        "reported": "Gemeld", "claimed": "Geclaimd (niet bevestigd)",
        "disputed": "Betwist (ontkend)", "no_side": "Niet vermeld",
        "state_contested": "Omstreden", "state_lost": "Verlaten door",
        "region": "Melding op regioniveau (gebied bij benadering)",
        "changed": "Van hand gewisseld sinds vorige stap", "search": "Zoek een plaats…",
        "cluster": "Drukke gebieden groeperen", "legend": "Legenda & filters",
        "events_shown": "gebeurtenissen getoond", "places_shown": "plaatsen getoond",
        "of": "van", "held_by": "In handen van", "since": "sinds",
        "gained_by": "Gewonnen door", "lost_by": "Verloren door", "interval": "Datum",
        "precision": "precisie", "prec_1": "dag", "prec_2": "ongeveer een week",
        "prec_3": "ongeveer een maand", "prec_4": "een jaar of langer", "sources": "Bronnen",
        "history": "Geschiedenis van controle", "no_state": "Nog geen melding over controle",
        "published": "gepubliceerd", "not_found": "Geen plaats met die naam",
        "range": "Periode", "basemap": "Landsgrenzen: Natural Earth (publiek domein)",
        "more": "meer", "cluster_hint": "Klik om in te zoomen",
    },
}


def ui_strings(lang: str) -> dict[str, str]:
    """The page's UI strings for a language (English when the language is unknown)."""
    return _UI.get(lang, _UI["en"])


def _day(d: date) -> int:
    return d.toordinal() - _EPOCH


def _readable_side(side: str) -> str:
    text = side.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else side


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
    strings: _Table = field(default_factory=_Table)
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

    def article(self, s: Source) -> int:
        key = (s.article, s.url, s.title, s.published)
        return self.articles.add(key)

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
        add = self.strings.add
        cols: dict[str, list[int]] = {"n": [], "t": [], "u": [], "p": []}
        for name, url, title, published in self.articles.items:
            cols["n"].append(add(name))
            cols["u"].append(add(url))
            cols["t"].append(add(title))
            cols["p"].append(add(published))
        return cols

    def encode_sides(self) -> dict:
        ids = list(self.sides.items)
        return {
            "id": ids,
            "label": [self.side_labels.get(s) or _readable_side(s) for s in ids],
            "color": [_PALETTE[i % len(_PALETTE)] for i in range(len(ids))],
        }


def _event_code(e: Event) -> int:
    region = e.geo_precision >= 3 or e.place.kind in (PlaceKind.REGION, PlaceKind.COUNTRY)
    return (_CHANGES.index(e.change) + 4 * _STATUSES.index(e.status)
            + 12 * (min(max(e.period.precision, 1), 4) - 1) + 48 * int(region))


def _span_code(span: ControlSpan, e: Event) -> int:
    """1-3 when the span is exactly what control_timeline derives from ``e``, else 0."""
    if span.place.id != e.place.id or span.start != e.period.end:
        return 0
    expected = {"held": e.actor, "lost": e.losing_actor, "contested": None}.get(span.state)
    if span.state not in _STATES:
        return 0
    same = (expected.id if expected else None) == (span.holder.id if span.holder else None)
    return _STATES[span.state] if same else 0


def _encode_events(blob: _Blob, events: Sequence[Event]) -> tuple[dict, dict]:
    cols: dict[str, list[int]] = {k: [] for k in "pewcalns"}
    src: dict[str, list[int]] = {"a": [], "q": []}
    for e in events:
        cols["p"].append(blob.place(e.place))
        cols["e"].append(_day(e.period.end))
        cols["w"].append(e.period.days - 1)
        cols["c"].append(_event_code(e))
        cols["a"].append(blob.actor(e.actor))
        cols["l"].append(blob.actor(e.losing_actor))
        cols["n"].append(len(e.sources))
        for s in e.sources:
            src["a"].append(blob.article(s))
            src["q"].append(blob.strings.add(s.quote))
    cols["e"] = _delta(cols["e"])
    src["a"] = _delta(src["a"])
    src["q"] = _delta(src["q"])
    return cols, src


def _encode_spans(blob: _Blob, events: Sequence[Event],
                  timeline: Mapping[str, Sequence[ControlSpan]], last: date) -> tuple[list, list]:
    """Per-event span codes plus the spans that do not follow from an event drawn here."""
    by_id = {e.id: i for i, e in enumerate(events)}
    codes = [0] * len(events)
    extra: list[list[int]] = []
    for spans in timeline.values():
        for span in spans:
            if span.start > last or span.state not in _STATES:
                continue
            i = by_id.get(span.event_id)
            code = _span_code(span, events[i]) if i is not None else 0
            if code and not codes[i]:
                codes[i] = code
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
    if first is None or last is None:
        return base
    return f"{base} · {_format_day(first, lang)} – {_format_day(last, lang)}"


def _in_range(e: Event, first: date | None, last: date | None) -> bool:
    return (first is None or e.period.end >= first) and (last is None or e.period.start <= last)


def _build_data(events: Sequence[Event], timeline: Mapping[str, Sequence[ControlSpan]],
                title: str, lang: str, side_labels: Mapping[str, str],
                first: date | None, last: date | None) -> dict:
    shown = sorted((e for e in events if _in_range(e, first, last)),
                   key=lambda e: (e.period.end, e.period.start, e.place.id))
    days = [d for e in shown for d in (e.period.start, e.period.end)]
    first = first or (min(days) if days else None)
    last = last or (max(days) if days else None)
    blob = _Blob(side_labels=side_labels)
    for side in _side_order(shown, timeline):
        blob.sides.add(side)
    ev, src = _encode_events(blob, shown)
    codes, extra = _encode_spans(blob, shown, timeline, last or date.max)
    ev["k"] = codes
    actors = blob.encode_actors()  # before sides: actors may add sides
    return {
        "v": 1, "lang": lang, "title": _page_title(title, lang, first, last),
        "ui": ui_strings(lang),
        "d0": _day(first) if first else 0, "d1": _day(last) if last else 0,
        "sides": blob.encode_sides(), "actors": actors, "places": blob.encode_places(),
        "ev": ev, "src": src, "art": blob.encode_articles(), "xs": extra,
        "str": blob.strings.items,
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


class ConflictLayer(MacroElement):
    """The folium plugin: data blob + canvas drawing + slider, filters, legend, search."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
{% macro html(this, kwargs) %}
<script type="application/json" id="cm-data">{{ this.data_json }}</script>
{% if this.basemap_json %}<script type="application/json" id="cm-basemap">{{ this.basemap_json }}</script>{% endif %}
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


def _make_map(offline: bool, lang: str) -> folium.Map:
    m = folium.Map(location=None, tiles=None, zoom_control=True, prefer_canvas=True)
    m._id = _MAP_ID
    m.default_js = [] if offline else [("leaflet", f"{_LEAFLET_CDN}/leaflet.js")]
    m.default_css = [] if offline else [("leaflet_css", f"{_LEAFLET_CDN}/leaflet.css")]
    if offline:
        js, css = _leaflet_inline()
        header = m.get_root().header
        header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
        header.add_child(Element(f"<script>{js}</script>"), name="leaflet")
    else:
        folium.TileLayer(xyz.CartoDB.Positron, name="CartoDB Positron").add_to(m)
    return m


def _finish(page: str, title: str, lang: str) -> str:
    safe_lang = lang if lang.isalpha() and len(lang) <= 8 else "en"
    head = f'<html lang="{safe_lang}">\n<head>\n<title>{html.escape(title)}</title>'
    return page.replace("<html>\n<head>", head, 1)


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
    if timeline is None:
        timeline = control_timeline(events)
    data = _build_data(events, timeline, title, lang, side_labels or {}, date_from, date_to)
    m = _make_map(offline, lang)
    ConflictLayer(data, offline=offline).add_to(m)
    page = m.get_root().render()
    log.debug("rendered %d events into %d characters", len(data["ev"]["p"]), len(page))
    return _finish(page, data["title"], lang)
