"""The build's outputs: the map page for a window, and the event files, the page and
unresolved.csv written together (all or none)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from conflictmap import unresolved
from conflictmap.consolidate import control_timeline, in_range
from conflictmap.model import Event, Interval
from conflictmap.window import map_title


def render_map(events: Sequence[Event], *, window: Interval | None, lang: str,
               offline: bool, min_confidence: float = 0.0) -> str:
    """The map page for the events whose interval overlaps ``window``.

    Control as of a date is taken from every event up to the end of the window, so a
    town taken before the window still shows its holder. Events with a confidence below
    ``min_confidence`` are left out of both.
    """
    from conflictmap.actors import page_labels
    from conflictmap.render import render_html

    if min_confidence:
        events = confident(events, min_confidence)
    shown = in_range(events, window)
    history = [e for e in events if window is None or e.period.start <= window.end]
    return render_html(
        shown, timeline=control_timeline(history), title=map_title(window, lang), lang=lang,
        offline=offline, date_from=window.start if window else None,
        date_to=window.end if window else None, side_labels=page_labels(lang),
        min_confidence=min_confidence,
    )


def confident(events: Iterable[Event], min_confidence: float) -> list[Event]:
    """The events with a confidence of at least ``min_confidence`` (0-1), compared in whole
    percent as the map page compares them."""
    from conflictmap.mapcolumns import percent

    floor = percent(min_confidence)
    return [e for e in events if percent(e.confidence) >= floor]


OUTPUT_NAMES = ("events.geojson", "events.csv", "events.gpkg", "events.render.json",
                "map.html", unresolved.FILE_NAME)


def write_outputs(events: Sequence[Event], out_dir: Path, html: str | Callable[[], str],
                  lost: Sequence[Event] = ()) -> tuple[Path, ...]:
    """The event files, the map and unresolved.csv (``lost``: the reports of places no
    gazetteer knows), replaced together: all of them or, on failure, none
    (``outputset.atomic_files``). An error names the output it was writing.

    ``html``: the page, or what makes it, called once the event files are written: then
    the page is never held beside the GeoPackage's columns, which keeps the peak of memory
    at the events plus the largest one output, not their sum. Each event's record is made
    as each file is written, not kept for all the events."""
    from conflictmap.store import (
        atomic_files,
        dump_csv,
        dump_geojson,
        dump_gpkg,
        write_render_index,
    )

    with atomic_files(out_dir) as stage:
        staged = {name: stage(name) for name in ("events.geojson", "events.csv")}
        with _writing(out_dir / "events.geojson"), staged["events.geojson"].open(
                "w", encoding="utf-8", newline="") as handle:
            dump_geojson(events, handle)
        with _writing(out_dir / "events.csv"), staged["events.csv"].open(
                "w", encoding="utf-8", newline="") as handle:
            dump_csv(events, handle)
        with _writing(out_dir / "events.gpkg"):
            dump_gpkg(events, stage("events.gpkg"))
        with _writing(out_dir / "events.render.json"):
            write_render_index(events, staged["events.geojson"], stage("events.render.json"))
        page = html if isinstance(html, str) else html()
        with _writing(out_dir / "map.html"):
            stage("map.html").write_text(page, encoding="utf-8")
        del page
        with _writing(out_dir / unresolved.FILE_NAME), stage(unresolved.FILE_NAME).open(
                "w", encoding="utf-8", newline="") as handle:
            unresolved.dump_csv(unresolved.rows(lost), handle)
    return tuple(out_dir / name for name in OUTPUT_NAMES)


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    """An OSError that names no file (a full disk while writing) names ``target``."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(target)
        raise
