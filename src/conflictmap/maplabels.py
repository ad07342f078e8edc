"""What the page says and how it colours: UI strings, dates, place and country names in the
page's language, side labels and side colours."""

from __future__ import annotations

import colorsys
import json
import logging
import re
import tomllib
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

log = logging.getLogger(__name__)

# Colours for sides that [side_colors] in rules/actors.toml does not name (chosen by a hash
# of the side's id), dark enough for a light basemap. Grey (no gainer) and amber (contested)
# are the page's own (conflictmap.js GREY, AMBER).
_FALLBACK = ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#a65628", "#f781bf", "#17becf",
             "#7f7f00", "#000075", "#469990", "#800000", "#e6550d", "#6a3d9a", "#1b9e77",
             "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#525252")
_RESERVED = frozenset(("#8a8a8a", "#f2a900"))
_COLOR = re.compile(r"#[0-9a-f]{6}")
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_PAGE_STRINGS = frozenset({"needs_network"})  # used by the page itself, not the map's UI


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


def _readable_side(side: str) -> str:
    text = side.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else side


def _side_label(labels: Mapping[str, str], side: str) -> str:
    label = labels.get(side)
    return label if label and label != side else _readable_side(side)


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
def fixed_side_colors() -> dict[str, str]:
    """Side id -> colour, from ``[side_colors]`` in rules/actors.toml."""
    text = resources.files("conflictmap").joinpath("rules", "actors.toml").read_text("utf-8")
    table = tomllib.loads(text).get("side_colors", {})
    if not isinstance(table, dict):
        raise ValueError("actors.toml: [side_colors] must be a table of side = \"#rrggbb\"")
    out: dict[str, str] = {}
    for side, colour in table.items():
        if not isinstance(colour, str) or not _COLOR.fullmatch(colour.lower()):
            raise ValueError(f"actors.toml: [side_colors] {side} = {colour!r}: expected "
                             f"\"#rrggbb\"")
        if colour.lower() in _RESERVED:
            raise ValueError(f"actors.toml: [side_colors] {side} = {colour!r}: grey and "
                             f"amber are the map's own (no gainer, contested)")
        out[side] = colour.lower()
    return out


def _spare_colour(side: str, used: set[str]) -> str:
    """The first colour not in ``used``: from the fallback list, starting where the side's
    hash points, else made from the hash (hue steps by the golden ratio)."""
    start = zlib.crc32(side.encode("utf-8"))
    for k in range(len(_FALLBACK)):
        colour = _FALLBACK[(start + k) % len(_FALLBACK)]
        if colour not in used:
            return colour
    hue = (start % 1000) / 1000
    while True:
        hue = (hue + 0.618034) % 1
        r, g, b = colorsys.hls_to_rgb(hue, 0.38, 0.7)
        colour = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
        if colour not in used and colour not in _RESERVED:
            return colour


def side_colors(sides: Sequence[str]) -> list[str]:
    """A colour for each of the sides on one map, the same on every map: the side's own
    (``[side_colors]``), else the one its id's hash picks. Sides on one map never share a
    colour: sides with an own colour come first, then the others, each in id order, and a
    side whose colour is taken gets the next free one."""
    fixed = fixed_side_colors()
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for side in sorted(set(sides), key=lambda s: (s not in fixed, s)):
        colour = fixed.get(side) or _FALLBACK[zlib.crc32(side.encode("utf-8"))
                                              % len(_FALLBACK)]
        if colour in used:
            colour = _spare_colour(side, used)
        chosen[side] = colour
        used.add(colour)
    return [chosen[s] for s in sides]
