"""Consolidation of a run's stream of reports: held in memory, or, past ``SPILL_AFTER``
reports, on disk by place (spill.Spill) and merged a place at a time, with the merged
places of the last run reused (mergedcache.MergedCache). The reports of places no
gazetteer knows are set apart (unresolved.py)."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from conflictmap import gctools, unresolved
from conflictmap.cache import ReportCache
from conflictmap.consolidate import consolidate, merge_places
from conflictmap.incremental import KnownRun
from conflictmap.mergedcache import MergedCache
from conflictmap.model import Event
from conflictmap.reportrows import decode_events
from conflictmap.reportstream import Item
from conflictmap.runlog import RunLog
from conflictmap.spill import Spill, SpillError
from conflictmap.store import event_line

log = logging.getLogger(__name__)

SPILL_AFTER = 20_000  # reports held in memory before they go to disk (about 1 KB each)


def consolidated(
    stream: Iterable[tuple[Item, Sequence[Event], bytes, bool]], runlog: RunLog,
    store: ReportCache | None, cleanup: contextlib.ExitStack, *, lines: bool,
    streamed: Callable[[], None] | None, spill_dir: str | Path | None,
    spill_after: int | None,
) -> Iterator[Any]:
    """The consolidated events of ``stream`` ((article, its reports, its cache key,
    whether they came from the cache) in reading order: ``reportstream.report_stream``),
    or with ``lines`` their JSON lines. Every report is consumed and merged before this
    returns (``streamed`` is called between); what it returns reads the result. A spill
    is opened in ``cleanup``, which must stay open while the result is read; ``store``
    need not. ``runlog.reports`` counts the reports, ``runlog.unresolved`` gets the
    unresolved ones."""
    budget = SPILL_AFTER if spill_after is None else spill_after
    held: list[tuple[Sequence[Event], bytes]] = []  # (an article's reports, its ref)
    n_held = 0
    spill: Spill | None = None
    memo = MergedCache(store) if store is not None else None

    def take(events: Sequence[Event], key: bytes, cached: bool) -> None:
        """One article's reports, in reading order."""
        nonlocal spill, n_held
        # reports the cache holds go to disk as their article's key, not encoded
        ref = key if cached else b""
        if spill is not None:
            spill.add(events, ref)
        elif n_held + len(events) <= budget:
            if events:
                held.append((events, ref))
                n_held += len(events)
        else:  # past the budget: what is held goes first, in reading order
            spill = cleanup.enter_context(Spill(spill_dir, fetch=_fetcher(store),
                                                events=not lines))
            log.info("%d reports: consolidating on disk in %s", n_held, spill.folder)
            for reports, held_ref in held:
                spill.add(reports, held_ref)
            held.clear()
            spill.add(events, ref)
        if memo is not None:
            memo.note(key, events)

    for item, events, key, cached in stream:
        if not isinstance(item, KnownRun):
            take(events, key, cached)
            continue
        # an unchanged file's articles: held one by one until the spill starts,
        # then spilled (as their keys) and noted in one loop each
        keys, known = item.keys, item.reports
        done = 0
        while spill is None and done < len(keys):
            take(known[done], keys[done], True)
            done += 1
        if done < len(keys):
            rest_keys, rest = keys[done:], known[done:]
            spill.add_known(rest_keys, rest)
            if memo is not None:
                memo.note_all(rest_keys, rest)
    if streamed is not None:
        streamed()
    if spill is None:
        found, lost = unresolved.split(e for reports, _ in held for e in reports)
        runlog.unresolved.extend(lost)
        runlog.reports = n_held - len(lost)
        merged = consolidate(found, memo)
    else:
        with gctools.paused():
            _merge_spilled(spill, memo, runlog.unresolved)
        runlog.reports = spill.reported - len(runlog.unresolved)
    if memo is not None:
        memo.flush()
        log.info("consolidated: %d places merged, %d as the last run merged them",
                 memo.merged, memo.replayed)
    if spill is None:
        return map(event_line, merged) if lines else iter(merged)
    return spill.lines() if lines else spill.events()


def _merge_spilled(spill: Spill, memo: MergedCache | None, lost: list[Event]) -> None:
    """Merge the spilled reports place by place into the spill's merged events. A place
    whose reports are those the last run merged takes its stored events (and their JSON
    lines) as they are (``MergedCache.encoded``): its reports are not read back, nor its
    events built. The reports of unresolved names go to ``lost``, not merged."""
    for place, rows in spill.place_rows():
        if place.startswith(unresolved.PREFIX):
            lost.extend(spill.reports(place, rows))
            continue
        stored = memo.encoded(place, spill.keeps_events) if memo is not None else None
        if stored is not None:
            spill.keep_encoded((start, place, event_id, blob, line)
                               for start, event_id, blob, line in stored)
            continue
        reports = spill.reports(place, rows)
        events = memo.get(place, reports) if memo is not None else None
        fresh = events is None
        if events is None:  # merging sorts its list: the memo keeps the reading order
            events = list(merge_places([(place, list(reports))]))
        # the lines go to the cache's merged places and to a spill of lines
        lines = ([event_line(e) for e in events] if memo is not None or not spill.keeps_events
                 else None)
        if fresh and memo is not None:
            memo.put(place, reports, events, lines)
        spill.keep(events, lines)


def _fetcher(store: ReportCache | None,
             ) -> Callable[[list[bytes]], dict[bytes, list[Event]]] | None:
    """Cached articles' reports by key, for a spill to read back the reports it holds as
    keys; SpillError when the cache no longer has them (another run emptied it)."""
    if store is None:
        return None

    def fetch(keys: list[bytes]) -> dict[bytes, list[Event]]:
        try:
            found = {key: decode_events(blob)
                     for key, blob in store.get_many(keys, count=False).items()}
        except (sqlite3.Error, ValueError) as exc:
            raise SpillError(f"{store.path}: cannot read back cached reports to consolidate "
                             f"them ({exc}); expected a readable cache: run again, or with "
                             f"--no-cache") from None
        if len(found) < len(set(keys)):
            raise SpillError(f"{store.path}: the reports of {len(set(keys)) - len(found)} "
                             f"articles left the cache during the run (another run emptied "
                             f"it?); expected them there: run again")
        return found

    return fetch
