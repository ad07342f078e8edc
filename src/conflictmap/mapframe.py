"""The page around the data: folium's frame with named slots for the data, styles and
scripts, made once and kept in the render index, and the page put together from it."""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from conflictmap import gctools
from conflictmap.mapdata import _blob_json, _script_json
from conflictmap.maplabels import _LANG_TAG, _ui_tables, country_names

log = logging.getLogger(__name__)

LEAFLET_VERSION = "1.9.3"  # the version folium 0.20 links and xstatic-leaflet 1.9.3 ships
_LEAFLET_CDN = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist"
_MAP_ID = "conflictmap"
_JS_FILES = ("conflictmap.js", "conflictmap_ui.js", "conflictmap_popup.js")
# What the page frame is made of: folium's templates, this file's map and layer code.
_FRAME_PACKAGES = ("folium", "branca", "jinja2", "markupsafe", "xyzservices")


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


def page_html(data: dict, offline: bool, frame: Sequence[str] | None) -> str:
    pieces = frame if frame is not None else page_frame(offline)
    slots = _slots(data, offline)
    page = "".join(slots[p] if i % 2 else p for i, p in enumerate(pieces))
    safe_lang = data["lang"] if _LANG_TAG.fullmatch(data["lang"]) else "en"
    head = f'<html lang="{safe_lang}">\n<head>\n<title>{html.escape(data["title"])}</title>'
    return page.replace("<html>\n<head>", head, 1)



def indexed_frame(payload: Mapping[str, Any], offline: bool) -> tuple[str, ...] | None:
    """The stored page frame when it was made by this code and these folium versions."""
    frames = payload.get("frames")
    if not isinstance(frames, dict) or frames.get("key") != frame_key():
        log.info("the render index's page frame is of other code or packages; using folium")
        return None
    return check_frame(frames.get("offline" if offline else "online"), offline)


