"""The one loop that composes the stages: read -> extract -> consolidate -> store -> render.

The stages live below: reportstream.py (extract, with the report cache), streammerge.py
(consolidate, in memory or on disk), window.py (the dates shown) and outputs.py (the
event files and the map); runlog.py is what a run read, skipped and made."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from conflictmap import incremental, unresolved
from conflictmap.articles import ArticleReader
from conflictmap.cache import ReportCache
from conflictmap.consolidate import in_range
from conflictmap.engines import ExtractorSpec, Spec, spec_version
from conflictmap.incremental import KnownArticle, KnownRun
from conflictmap.model import Article, Event
from conflictmap.outputs import confident, render_map, write_outputs
from conflictmap.reportstream import (
    Item,
    RunOptions,
    opened_cache,
    report_stream,
    resolve_cache_path,
)
from conflictmap.runlog import BuildSummary, RunLog
from conflictmap.streammerge import consolidated
from conflictmap.window import window_for

log = logging.getLogger(__name__)

A = TypeVar("A", Article, KnownArticle, KnownRun)
DEFAULT_OPTIONS = RunOptions()  # frozen: one instance serves every call


def progress(items: Iterable[A], label: str,
             paths: Sequence[str | Path] | None = None) -> Iterator[A]:
    """``items`` with progress on stderr (progress.py): a bar with the total, rate and time
    left on a terminal, a line every few seconds otherwise, nothing with -q. ``paths``: the
    files and folders read, to count the total from."""
    from conflictmap import progress as shown

    total = shown.Total(shown.count_files(paths)) if paths and not shown.quiet() else None
    yield from shown.track(items, label, total=total,
                           size=lambda item: len(item) if isinstance(item, KnownRun) else 1)


def collect_events(
    paths: Sequence[str | Path], runlog: RunLog, *, overrides: Path | None = None,
    jobs: int | None = None, cache: Path | bool | None = True, engine: str = "local",
    scheduler: str | None = None, spec: Spec | None = None, cache_beside: Path | None = None,
    streamed: Callable[[], None] | None = None, spill_after: int | None = sys.maxsize,
) -> tuple[int, list[Event]]:
    """Read and extract every article; return (number of reports, consolidated events).

    ``cache``: a path, True for the default (.cache/conflictmap.sqlite beside
    ``cache_beside`` or in the working folder, or $CONFLICTMAP_CACHE), False for none.
    ``streamed``: called when every article is read and extracted, before consolidation.
    With a cache, a place whose reports are those of the last run is not merged again
    (``mergedcache.MergedCache``). ``spill_after``: the reports held in memory before they are
    consolidated on disk (:func:`stream_events`; the default holds them all, None: its
    default): the events come in the same order either way.
    """
    events = list(stream_events(
        paths, runlog, overrides=overrides, jobs=jobs, cache=cache, engine=engine,
        scheduler=scheduler, spec=spec, cache_beside=cache_beside, streamed=streamed,
        spill_after=spill_after))
    return runlog.reports, events


def stream_events(
    paths: Sequence[str | Path], runlog: RunLog, *, overrides: Path | None = None,
    jobs: int | None = None, cache: Path | bool | None = True, engine: str = "local",
    scheduler: str | None = None, spec: Spec | None = None, cache_beside: Path | None = None,
    streamed: Callable[[], None] | None = None, spill_dir: str | Path | None = None,
    spill_after: int | None = None,
) -> Iterator[Event]:
    """Read and extract every article; the consolidated events as a stream, with memory
    that does not grow with the corpus (:func:`collect_events` holds them in a list).

    The first ``spill_after`` (default ``streammerge.SPILL_AFTER``) reports are held; past
    them every report goes to disk by place as it is extracted (``spill.Spill``, in
    ``spill_dir`` or $TMPDIR), is merged one place at a time and comes back sorted: what is
    held at once is then one place's reports and a block of rows. A corpus with fewer
    reports is consolidated in memory (no disk, no encoding). ``runlog.reports`` counts the
    reports; ``streamed`` is called when every article is read and extracted.
    """
    yield from _consolidated(paths, runlog, False, overrides=overrides, jobs=jobs, cache=cache,
                             engine=engine, scheduler=scheduler, spec=spec,
                             cache_beside=cache_beside, streamed=streamed, spill_dir=spill_dir,
                             spill_after=spill_after)


def stream_lines(
    paths: Sequence[str | Path], runlog: RunLog, *, overrides: Path | None = None,
    jobs: int | None = None, cache: Path | bool | None = True, engine: str = "local",
    scheduler: str | None = None, spec: Spec | None = None, cache_beside: Path | None = None,
    streamed: Callable[[], None] | None = None, spill_dir: str | Path | None = None,
    spill_after: int | None = None,
) -> Iterator[bytes]:
    """:func:`stream_events` as the events' JSON lines (``store.event_line``), what
    ``conflictmap extract --format jsonl`` writes. Past the spill, no event is built for
    them: each place's merged events come with their lines, and a place whose reports are
    those of the last run takes its lines from the cache (``mergedcache.MergedCache``)."""
    yield from _consolidated(paths, runlog, True, overrides=overrides, jobs=jobs, cache=cache,
                             engine=engine, scheduler=scheduler, spec=spec,
                             cache_beside=cache_beside, streamed=streamed, spill_dir=spill_dir,
                             spill_after=spill_after)


def _consolidated(
    paths: Sequence[str | Path], runlog: RunLog, lines: bool, *, overrides: Path | None,
    jobs: int | None, cache: Path | bool | None, engine: str, scheduler: str | None,
    spec: Spec | None, cache_beside: Path | None, streamed: Callable[[], None] | None,
    spill_dir: str | Path | None, spill_after: int | None,
) -> Iterator[Any]:
    """The body of :func:`stream_events` (events) and :func:`stream_lines` (``lines``):
    the corpus's reports (:func:`_corpus`) consolidated (``streammerge.consolidated``),
    read once the cache is closed."""
    spec = spec or ExtractorSpec(str(overrides) if overrides else None)
    options = RunOptions(jobs=jobs, engine=engine, scheduler=scheduler)
    with contextlib.ExitStack() as cleanup:  # holds the spill, if any, while it is read
        with opened_cache(resolve_cache_path(cache, cache_beside)) as store:
            merged = consolidated(
                _corpus(paths, spec, options, runlog, store), runlog, store, cleanup,
                lines=lines, streamed=streamed, spill_dir=spill_dir, spill_after=spill_after)
        yield from merged


def corpus_reports(
    paths: Sequence[str | Path], spec: Spec, *, options: RunOptions = DEFAULT_OPTIONS,
    runlog: RunLog | None = None, cache_path: Path | None = None,
) -> Iterator[tuple[Item, Sequence[Event]]]:
    """(article, its reports) for every article in these files and folders, in reading
    order, read, extracted and cached as a stream (``reportstream.stream_reports``). With a cache,
    a file unchanged since the last run is not read again (``incremental``): its
    articles come back as :class:`~conflictmap.incremental.KnownArticle`."""
    with opened_cache(cache_path) as store:
        for item, events, _, _ in _corpus(paths, spec, options, runlog, store):
            if isinstance(item, KnownRun):
                for known in item:
                    yield known, known.reports
            else:
                yield item, events


def _corpus(paths: Sequence[str | Path], spec: Spec, options: RunOptions,
            runlog: RunLog | None, store: ReportCache | None,
            ) -> Iterator[tuple[Item, Sequence[Event], bytes, bool]]:
    """:func:`corpus_reports` on an open cache, with each article's cache key and whether
    its reports came from the cache."""
    runlog = runlog if runlog is not None else RunLog()
    version = spec_version(spec)
    reader = ArticleReader(runlog.skip)
    if store is not None:
        source: Iterable[Item] = incremental.articles(paths, reader, store, version, runs=True)
    else:
        source = _read_ahead(reader, paths)
    articles = runlog.count(progress(source, "articles", paths))
    try:
        yield from report_stream(articles, spec, options, runlog, store, version)
    finally:
        reader.close()


READ_AHEAD = 256  # files listed ahead, so that costly ones are read by worker processes


def _read_ahead(reader: ArticleReader, paths: Sequence[str | Path]) -> Iterator[Article]:
    """Every file's articles, in order, the costly files of each window of READ_AHEAD read
    ahead by workers (``ArticleReader.prefetch``)."""
    files = reader.files(paths)
    while window := list(islice(files, READ_AHEAD)):
        reader.prefetch(window)
        for path, name in window:
            yield from reader.read(path, name)

def build(
    paths: Sequence[str | Path], out_dir: Path, *, date_from: date | None = None,
    date_to: date | None = None, lang: str | None = None, offline: bool = False,
    overrides: Path | None = None, jobs: int | None = None, cache: Path | bool | None = True,
    engine: str = "local", scheduler: str | None = None, spec: Spec | None = None,
    min_confidence: float = 0.0,
    corrections: Path | None = None,
) -> BuildSummary:
    """articles/ in, the map and the event files out. The event files hold the events in range
    with a confidence of at least ``min_confidence``.

    The default cache is .cache/conflictmap.sqlite beside ``out_dir``. ``corrections``: an
    analyst's corrections file (corrections.py), applied to the consolidated events.
    """
    from conflictmap.render import adopt_frames  # not at import: extract needs no render
    from conflictmap.store import render_index_path

    runlog = RunLog()
    # The page embeds every event, so they are held; their reports are not: past
    # SPILL_AFTER they are consolidated on disk, a place at a time (a corpus has several
    # reports an event: holding them all was most of build's memory)
    n_reports, events = collect_events(
        paths, runlog, overrides=overrides, jobs=jobs, cache=cache, engine=engine,
        scheduler=scheduler, spec=spec, cache_beside=Path(out_dir), spill_after=None)
    events, fixed = apply_corrections(events, corrections, overrides)
    found = len(events)
    if min_confidence:
        events = confident(events, min_confidence)
    window = window_for(events, date_from, date_to)
    shown = in_range(events, window) if (date_from or date_to) else events
    page_lang = lang or runlog.lang
    adopt_frames(render_index_path(Path(out_dir) / "events.geojson"))  # the last build's

    def page() -> str:  # made once the event files are written (write_outputs)
        return render_map(events, window=window, lang=page_lang, offline=offline,
                          min_confidence=min_confidence)

    lost = unresolved.rows(runlog.unresolved)
    outputs = (write_outputs(shown, out_dir, page, runlog.unresolved) if runlog.articles
               else ())
    notes = [*fixed.lines()]
    if lost:
        names = len({row.name for row in lost})
        notes.append(f"places no gazetteer knows: {names} names in {len(lost)} sentences "
                     f"(listed in {Path(out_dir) / unresolved.FILE_NAME}; add them to the "
                     f"overrides file)")
    return BuildSummary(
        articles=runlog.articles, skipped=dict(runlog.skipped), reports=n_reports,
        events=found, events_in_range=len(shown), unconfident=found - len(events),
        places=len({e.place.id for e in shown}), window=window, outputs=outputs,
        not_read=dict(runlog.not_read),
        notes=tuple(notes),
    )


def apply_corrections(events: Sequence[Event], path: Path | None,
                      overrides: Path | None = None) -> tuple[list[Event], Any]:
    """The events with an analyst's corrections file applied (corrections.py), and what
    was done; places are looked up in the gazetteer with ``overrides``."""
    from conflictmap.corrections import Outcome, apply_file

    if path is None:
        return list(events), Outcome()
    gazetteer = None
    if overrides is not None:
        from conflictmap.gazetteer import Gazetteer

        gazetteer = Gazetteer.load(overrides=overrides)
    events, outcome = apply_file(events, path, gazetteer=gazetteer)
    for line in outcome.lines():
        log.info("%s", line)
    return events, outcome
