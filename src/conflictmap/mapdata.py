"""The page's data blob: EventColumns and control spans encoded as compact columns
(see :func:`build_data`)."""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from operator import itemgetter
from typing import Any

from conflictmap.mapcolumns import (
    _AREA_KINDS,
    _CONTESTED,
    _CONTESTED_STATE,
    _DISPUTED,
    _HELD,
    _LOST,
    EventColumns,
    _date,
    _day,
    _Span,
)
from conflictmap.maplabels import (
    _PAGE_STRINGS,
    PlaceNames,
    _page_title,
    _side_label,
    place_names,
    side_colors,
    ui_strings,
)
from conflictmap.model import NEAR_PREFIX

log = logging.getLogger(__name__)

def _delta(values: Sequence[int]) -> list[int]:
    out, prev = [], 0
    for v in values:
        out.append(v - prev)
        prev = v
    return out



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
        near = [i for i, p in enumerate(items) if c.place_id[p].startswith(NEAR_PREFIX)]
        if near:  # a place the gazetteer lacks, drawn by the town the text ties it to
            out["a"] = near
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
            "color": side_colors(ids),
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
    place, start, state, holder, _, _ = span
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
    confidence = c.confidence or [50] * len(c)
    cols = {
        "p": _delta([place_index[place_id[place[i]]] for i in shown]),
        "e": _delta([c.end[i] for i in shown]),
        "w": [c.end[i] - c.start[i] for i in shown],
        "c": [_event_code(c, i) for i in shown],
        "a": _actor_column(blob, [c.actor[i] for i in shown]),
        "l": _actor_column(blob, [c.losing[i] for i in shown]),
        "n": [c.nsrc[i] for i in shown],
        "k": [confidence[i] for i in shown],
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
    """The quote with the event's place and actor names as \x01-\x03 (see build_data)."""
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
        p, start, state, holder, event_id, since = span
        if (last is not None and since > last) or not state:
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
        extra.append([q, start, state, a, 0 if k is None else k + 1, start - since])
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


def _located(c: EventColumns, p: int) -> bool:
    return math.isfinite(c.place_lat[p]) and math.isfinite(c.place_lon[p])


def _drawable(c: EventColumns, first: int | None, last: int | None,
              min_confidence: int = 0) -> list[int]:
    """The events in [first, last] with a confidence of at least ``min_confidence`` percent
    that have a place on the map (finite coordinates)."""
    out = []
    start, end, place = c.start, c.end, c.place
    confidence = c.confidence or [50] * len(c)
    for i in range(len(c)):
        if (first is not None and end[i] < first) or (last is not None and start[i] > last):
            continue
        if confidence[i] < min_confidence:
            continue
        if _located(c, place[i]):
            out.append(i)
        else:
            log.warning("not drawn: %s has no usable coordinates", c.place_id[place[i]])
    return out


def build_data(c: EventColumns, spans: Sequence[_Span], title: str, lang: str,
               side_labels: Mapping[str, str], date_from: date | None,
               date_to: date | None, min_confidence: int = 0) -> dict:
    """The page's data blob. Days are days since 1970-01-01; "delta" columns store
    differences from the previous row (the page takes running sums).

    places  n names, y/x lat/lon * 1e4 (delta), r indices of region-level places
    ev      one row per drawn event, sorted by (end day, place):
            p place index (delta), e end day (delta), w end - start in days,
            c change + 4*status + 12*(time precision - 1) + 48*region + 96*span code,
            a/l gaining/losing actor index + 1 (0 none), n number of sources,
            k confidence in percent
    mc      the lowest confidence (percent) drawn: the page's confidence control starts here
    src     one row per source, in event order: a article index (delta), q quote index (delta)
    q       quotes with the event's place / gainer / loser names as \x01 / \x02 / \x03
            ("\x00" + text when the quote itself holds such bytes)
    art     n names, t titles, ui/u URL prefix index (delta) and rest (prefixes in up),
            pi published index (delta; values in p)
    xs      control spans not derived from a drawn event: [place, day, state, holder + 1,
            event + 1 or 0, days from its event's first possible day to the span's start]
    sides   id, label, color; actors n names, s side index
    """
    blob = _Blob(c, side_labels, names=place_names(lang))
    first = _day(date_from) if date_from else None
    last = _day(date_to) if date_to else None
    shown = _order_events(blob, _drawable(c, first, last, min_confidence))
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
        "mc": min_confidence,
        "sides": blob.encode_sides(), "actors": actors, "places": blob.encode_places(),
        "ev": ev, "src": src, "art": blob.encode_articles(), "xs": extra,
        "q": blob.quotes.items, "fix": popup_report(c, shown),
    }


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


