"""The event store: events.geojson, events.csv (ACLED-style), events.gpkg, JSON Lines.

The public names of the store, each defined in the module of its responsibility:

- :mod:`conflictmap.records`: events as flat records (EVENTS.md's contract) and back;
- :mod:`conflictmap.writers`: the JSON Lines, GeoJSON, CSV and GeoPackage writers;
- :mod:`conflictmap.readers`: reading the files conflictmap wrote;
- :mod:`conflictmap.renderindex`: the render index beside events.geojson;
- :mod:`conflictmap.outputset`: atomic files and the all-or-none output set.

Every file is written atomically: to a temporary file in the same folder, flushed to disk,
then renamed over the target, so an interrupted run leaves the previous output intact.
"""

from __future__ import annotations

from conflictmap.outputset import (
    STALE_SECONDS,
    atomic_files,
    atomic_write,
    glob_escape,
    remove_stale_temps,
)
from conflictmap.readers import read_events, scan_events
from conflictmap.records import event_line, event_to_record, record_to_event
from conflictmap.renderindex import (
    RENDER_INDEX_FORMAT,
    RENDER_INDEX_VERSION,
    read_render_index,
    render_index_path,
    write_indexed_geojson,
    write_render_index,
)
from conflictmap.writers import (
    FORMATS,
    dump_csv,
    dump_geojson,
    dump_gpkg,
    dump_jsonl,
    neutralise_cell,
    write_csv,
    write_geojson,
    write_gpkg,
    write_jsonl,
    write_lines,
)

__all__ = [
    "FORMATS", "RENDER_INDEX_FORMAT", "RENDER_INDEX_VERSION", "STALE_SECONDS",
    "atomic_files", "atomic_write", "dump_csv", "dump_geojson", "dump_gpkg",
    "dump_jsonl", "event_line", "event_to_record", "glob_escape", "neutralise_cell",
    "read_events", "read_render_index", "record_to_event", "remove_stale_temps",
    "render_index_path", "scan_events", "write_csv", "write_geojson", "write_gpkg",
    "write_indexed_geojson", "write_jsonl", "write_lines", "write_render_index",
]
