"""The event writers: JSON Lines, GeoJSON, CSV (ACLED-style), GeoPackage."""

from __future__ import annotations

import csv
import errno
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from conflictmap.model import (
    Event,
    lonlat,
)
from conflictmap.outputset import atomic_files, atomic_write
from conflictmap.records import _dumps, _feature, event_line, event_to_record

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "geojson", "csv", "gpkg")
# What a spreadsheet takes as the start of a formula (also in full width, which some
# locales' spreadsheets convert), after any leading blanks.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d",
                  "\uff20")
# Blanks, and the invisible characters a spreadsheet skips too (zero-width space and
# joiners, word joiner, byte-order mark, soft hyphen): "\u200b=1+1" is a formula.
_BLANKS = " \u00a0\u3000\f\v\u200b\u200c\u200d\u2060\ufeff\u00ad"
CELL_LIMIT = 32_767  # characters a spreadsheet cell holds (Excel; LibreOffice likewise)
NOTES_LIMIT = 32_000  # the notes cell's cap, in UTF-16 units, with room for its note
_RISKY_FIRST = frozenset("".join(_FORMULA_START) + _BLANKS)  # a cell can only start so


def dump_jsonl(events: Iterable[Event], handle: TextIO) -> int:
    """One event per line (:func:`event_line`); the number of events."""
    return write_lines(map(event_line, events), handle)


def write_lines(lines: Iterable[bytes], handle: TextIO) -> int:
    """Lines :func:`event_line` made (without their line breaks), one per line, as
    :func:`dump_jsonl` writes them; the number of lines."""
    count = 0
    block: list[bytes] = []
    for line in lines:
        block.append(line)
        count += 1
        if len(block) >= 1024:  # written in blocks: one write per line costs more
            handle.write(b"\n".join(block).decode("utf-8") + "\n")
            block.clear()
    if block:
        handle.write(b"\n".join(block).decode("utf-8") + "\n")
    return count


def dump_geojson(events: Iterable[Event], handle: TextIO,
                 records: Sequence[dict[str, Any]] | None = None) -> None:
    """One FeatureCollection, written as the events come (a stream holds a block of
    features, not the collection); ``records``: the events' :func:`event_to_record` dicts,
    when the caller has them."""
    # orjson, or json where orjson cannot write a value (store._dumps), feature by feature:
    # the bytes of dumping the whole collection at once, not json.dump's pure-Python encoder.
    pairs: Iterable[tuple[Event, dict[str, Any] | None]] = (
        zip(events, records, strict=True) if records is not None
        else ((e, None) for e in events))
    handle.write('{"type":"FeatureCollection","features":[')
    block: list[str] = []
    joiner = ""
    for event, record in pairs:
        block.append(_dumps(_feature(event, record)).decode("utf-8"))
        if len(block) >= 1024:
            handle.write(joiner + ",".join(block))
            joiner, block = ",", []
    if block:
        handle.write(joiner + ",".join(block))
    handle.write("]}\n")


def neutralise_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe.

    A formula start after leading blanks counts too (" =1+1"), as do the full-width signs.
    """
    if not isinstance(value, str) or not value or value[0] not in _RISKY_FIRST:
        return value  # most cells: the first character is neither a formula sign nor blank
    if value.startswith(_FORMULA_START) or value.lstrip(_BLANKS).startswith(_FORMULA_START):
        return "'" + value
    return value


def _utf16_length(text: str) -> int:
    """Length as a spreadsheet counts it (UTF-16 units: an emoji is two)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF) if not text.isascii() else len(
        text)


def notes_cell(event: Event) -> str:
    """The sources' "article: quote" joined, capped under a spreadsheet's cell limit: a
    cell longer than that breaks the file in Excel. The cell then says how many sources it
    leaves out; the GeoJSON and the GeoPackage keep them all."""
    parts = [f"{s.article}: {s.quote}" for s in event.sources]
    notes = " | ".join(parts)
    if _utf16_length(notes) <= NOTES_LIMIT:
        return notes
    kept: list[str] = []
    used = 0
    for part in parts:
        size = _utf16_length(part) + 3
        if used + size > NOTES_LIMIT:
            break
        kept.append(part)
        used += size
    if not kept:  # the first quote alone is longer than a cell: cut it
        head = parts[0][:NOTES_LIMIT]
        while _utf16_length(head) > NOTES_LIMIT:
            head = head[:-(_utf16_length(head) - NOTES_LIMIT)]
        kept = [head + " [...]"]
    left = len(parts) - len(kept)
    what = f"{left} more of {len(parts)} sources not shown" if left else "a quote cut"
    return (" | ".join(kept) + f" | [{what}: a spreadsheet cell holds {CELL_LIMIT:,} "
            f"characters; events.geojson has every source in full]")


def dump_csv(events: Iterable[Event], handle: TextIO) -> None:
    """ACLED-compatible rows (acled.py: ACLED's columns in ACLED's order, then ours)."""
    from conflictmap.acled import CSV_COLUMNS as columns
    from conflictmap.acled import csv_cells

    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(map(csv_cells, events))


def write_jsonl(events: Iterable[Event], path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as handle:
        dump_jsonl(events, handle)


def write_geojson(events: Iterable[Event], path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as handle:
        dump_geojson(events, handle)


def write_csv(events: Iterable[Event], path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as handle:
        dump_csv(events, handle)


def dump_gpkg(events: Sequence[Event], path: str | os.PathLike[str],
              records: Sequence[dict[str, Any]] | None = None) -> None:
    """Write a GeoPackage layer 'events' (EPSG:4326) at ``path`` (not atomic by itself).
    ``records``: the events' :func:`event_to_record` dicts, when the caller has them."""
    import geopandas as gpd
    import pandas as pd

    # Columns built directly (no list of row dicts) and points made in one go: the same
    # frame for about half the peak memory.
    columns: dict[str, list[Any]] = {}
    for i, event in enumerate(events):
        record = dict(records[i]) if records is not None else event_to_record(event)
        record["sources"] = _dumps(record["sources"]).decode("utf-8")
        record["quotes"] = " | ".join(s.quote for s in event.sources)
        if not columns:
            columns = {key: [] for key in record}
        for key, value in record.items():
            columns[key].append(value)
    if columns:
        xy = [lonlat(e.place.lat, e.place.lon) for e in events]
        geometry = gpd.points_from_xy([x for x, _ in xy], [y for _, y in xy])
        del xy
        frame = gpd.GeoDataFrame(columns, geometry=geometry, crs="EPSG:4326")
    else:
        frame = gpd.GeoDataFrame([], geometry=[], crs="EPSG:4326")
    del columns
    arrow = _arrow_writes()
    for name in ("date_start", "date_end"):  # dates as dates (GDAL Date; DateTime w/o Arrow)
        if name in frame:
            days = pd.to_datetime(frame[name], format="%Y-%m-%d")
            frame[name] = days.dt.date if arrow else days
    try:
        frame.to_file(path, layer="events", driver="GPKG", engine="pyogrio", use_arrow=arrow)
    except RuntimeError as exc:  # GDAL's errors (pyogrio.errors.*): a full disk among them
        raise _gdal_error(exc, path) from exc
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _gdal_error(exc: RuntimeError, path: str | os.PathLike[str]) -> OSError:
    """The GeoPackage writer's error as an OSError naming ``path``: a full disk as
    ENOSPC, anything else as EIO with GDAL's words."""
    text = " ".join(str(exc).split())
    log.debug("GeoPackage writer: %s", text)
    if "disk is full" in text or "No space left" in text or _disk_full(Path(path).parent):
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    return OSError(errno.EIO, f"cannot write the GeoPackage ({text[:200]})", str(path))


def _disk_full(folder: Path) -> bool:
    """Whether a 1 MB write to ``folder`` fails for want of space (GDAL reports a full disk
    as whatever SQLite statement failed first)."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"\0" * (1 << 20))
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return False


def _arrow_writes() -> bool:
    """pyogrio writes through Arrow when pyarrow is installed: the same layer, 2.5x faster
    (0.25 s instead of 0.63 s for 21,000 events)."""
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def write_gpkg(events: Sequence[Event], path: str | os.PathLike[str]) -> None:
    """A GeoPackage layer 'events' (EPSG:4326) that QGIS and ogr2ogr open, atomically."""
    with atomic_files(Path(path).parent) as stage:
        dump_gpkg(events, stage(Path(path).name))


