"""events.csv as ACLED-compatible rows: ACLED's columns, by ACLED's names, in ACLED's order.

A file of these rows concatenates with an ACLED export in pandas or a spreadsheet without
renaming (``pd.concat([acled, ours])``): every ACLED column is there, empty where
conflictmap has nothing to say (fatalities, admin2, source_scale, ...), and conflictmap's
own columns (event_id, key, exact dates, change, status, place_id, verified, corrected...)
come after them.

Coding follows ACLED's codebook:

- ``event_type``/``sub_event_type``: :func:`conflictmap.model.acled_types` (a capture is
  "Government regains territory" only with a state-force gainer, "Non-state actor overtakes
  territory" only with a named non-state gainer, an "Armed clash" with no named gainer).
- ``disorder_type``: "Political violence" for Battles, "Strategic developments" for them.
- ``inter1``/``inter2``: the actor type codes, 1 State forces, 2 Rebel groups, 3 Political
  militias, 4 Identity militias, 5 Rioters, 6 Protesters, 7 Civilians, 8 External/Other
  forces. A state actor is 1 in its own country and 8 outside it (state forces active
  outside their main country of operation); a non-state actor is 2 unless actors.toml
  gives it ``acled_inter``; an unknown actor has no code (empty), never a non-state one.
- ``interaction``: the two codes, the lower first (12: state forces vs rebel groups); one
  actor alone is its code times ten (20: sole rebel groups); empty with no known actor.
- ``time_precision``: ACLED's 1 (day), 2 (week), 3 (month); conflictmap's 4 (a year or more)
  is written as 3, the widest ACLED has, and the exact interval is in date_start/date_end.
- ``iso``: the ISO 3166-1 numeric code; ``country``: the country's name (data/acled_countries.tsv).
"""

from __future__ import annotations

import logging
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from conflictmap.model import Actor, Event

log = logging.getLogger(__name__)

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)
OWN_COLUMNS = (
    "event_id", "key", "date_start", "date_end", "date_precision", "change", "status",
    "place_id", "country_code", "source_urls", "confidence", "verified", "corrected",
)
CSV_COLUMNS = ACLED_COLUMNS + OWN_COLUMNS

INTER_CODES = {
    1: "State forces", 2: "Rebel groups", 3: "Political militias", 4: "Identity militias",
    5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces",
}
DISORDER_TYPES = {"Battles": "Political violence",
                  "Strategic developments": "Strategic developments"}
STATE, REBEL, EXTERNAL = 1, 2, 8


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[int, str]]:
    """Alpha-2 code -> (ISO 3166-1 numeric code, country name as ACLED writes it)."""
    text = resources.files("conflictmap").joinpath("data/acled_countries.tsv").read_text(
        encoding="utf-8")
    table: dict[str, tuple[int, str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, numeric, name = line.split("\t")[:3]
            table[code] = (int(numeric), name)
    return table


@lru_cache(maxsize=1)
def _actor_table() -> dict[str, tuple[str, int | None]]:
    """Actor id -> (home country, acled_inter override or None), from rules/actors.toml."""
    raw = resources.files("conflictmap").joinpath("rules/actors.toml").read_text(
        encoding="utf-8")
    table: dict[str, tuple[str, int | None]] = {}
    for item in tomllib.loads(raw).get("actor", []):
        inter = item.get("acled_inter")
        table[str(item.get("id"))] = (str(item.get("country", "")),
                                      inter if inter in INTER_CODES else None)
    return table


def inter_code(actor: Actor | None, country: str) -> int | None:
    """The ACLED inter code of ``actor`` in an event in ``country`` (alpha-2); None when
    the actor is unknown."""
    if actor is None:
        return None
    home, override = _actor_table().get(actor.id, ("", None))
    if override is not None:
        return override
    if actor.kind == "state":
        return EXTERNAL if home and country and home != country else STATE
    return REBEL


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: both inter codes, the lower first; one alone times ten."""
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    if not codes:
        return None
    if len(codes) == 1:
        return codes[0] * 10
    return codes[0] * 10 + codes[1]


def _text(value: str) -> str:
    from conflictmap.store import neutralise_cell

    # A lone CR is not quoted by the csv module (the line ends in LF) but ends a row in
    # spreadsheets and other readers: every line break becomes LF, which is quoted.
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return neutralise_cell(value)


def _blank(value: Any) -> Any:
    return "" if value is None else value


def csv_cells(event: Event) -> list[Any]:
    """One row of events.csv, in :data:`CSV_COLUMNS` order (actor1 gains, actor2 loses)."""
    from conflictmap.writers import notes_cell

    place = event.place
    event_type, sub_event_type = event.acled_event_type, event.acled_sub_event_type
    numeric, country_name = countries().get(place.country, (None, place.country))
    inter1 = inter_code(event.actor, place.country)
    inter2 = inter_code(event.losing_actor, place.country)
    day = event.period.end
    text = _text
    acled = [
        "",  # event_id_cnty: ACLED's own ids
        day.isoformat(), day.year, min(event.period.precision, 3),
        DISORDER_TYPES.get(event_type, ""), event_type, sub_event_type,
        text(event.actor.name) if event.actor else "", "", _blank(inter1),
        text(event.losing_actor.name) if event.losing_actor else "", "", _blank(inter2),
        _blank(interaction(inter1, inter2)), "",
        _blank(numeric), "", text(country_name or ""), text(place.admin1), "", "",
        text(place.name), place.lat, place.lon, event.geo_precision,
        text("; ".join(dict.fromkeys(s.title or s.article for s in event.sources))), "",
        text(notes_cell(event)), "", "", "",
    ]
    own = [
        text(event.id), event.key, event.period.start.isoformat(),
        event.period.end.isoformat(), event.period.precision, event.change.value,
        event.status.value, text(place.id), text(place.country),
        text(" ".join(dict.fromkeys(s.url for s in event.sources if s.url))),
        round(event.confidence, 3), int(event.verified), int(event.corrected),
    ]
    return acled + own
