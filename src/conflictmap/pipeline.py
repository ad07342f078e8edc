"""The one loop that composes the stages: read -> extract -> consolidate -> store -> render."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from conflictmap import gctools, incremental, unresolved
from conflictmap.articles import ArticleReader, Skip
from conflictmap.cache import ReportCache, article_key
from conflictmap.cache import default_path as cache_default_path
from conflictmap.consolidate import consolidate, control_timeline, in_range, merge_places
from conflictmap.engines import (
    TIME_LIMIT,
    ExtractorSpec,
    Outcome,
    Spec,
    article_seconds,
    make_engine,
    ordered_map,
    spec_version,
)
from conflictmap.incremental import KnownArticle, KnownRun
from conflictmap.mergedcache import MergedCache
from conflictmap.model import Article, Event, Interval
from conflictmap.reportrows import EncodedReports, decode_events
from conflictmap.spill import Spill, SpillError
from conflictmap.store import event_line

log = logging.getLogger(__name__)

A = TypeVar("A", Article, KnownArticle, KnownRun)
BATCH = 64  # articles per task: enough to amortise IPC, small enough to keep workers busy


@dataclass
class RunLog:
    """What a run read and skipped (filled in as the article stream is consumed)."""

    articles: int = 0
    reports: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    not_read: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    # reports of a change at a place no gazetteer knows (unresolved.py), set apart before
    # consolidation
    unresolved: list[Event] = field(default_factory=list)

    def skip(self, skip: Skip) -> None:
        if skip.not_read:  # left alone by design: counted, listed with -v
            self.not_read[skip.reason] += 1
            log.debug("%s", skip)
            return
        self.skipped[skip.reason] += 1
        log.warning("%s", skip)

    def count(self, articles: Iterable[A]) -> Iterator[A]:
        for article in articles:
            if isinstance(article, KnownRun):
                self.articles += len(article)
                self.languages.update(article.langs)
            else:
                self.articles += 1
                self.languages[article.lang] += 1
            yield article

    @property
    def lang(self) -> str:
        return self.languages.most_common(1)[0][0] if self.languages else "en"


@dataclass(frozen=True)
class BuildSummary:
    articles: int
    skipped: dict[str, int]
    reports: int
    events: int
    events_in_range: int
    places: int
    window: Interval | None
    outputs: tuple[Path, ...]
    unconfident: int = 0  # events below --min-confidence, left out
    not_read: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # corrections applied and unmatched, names left unresolved

    def lines(self) -> list[str]:
        skipped = sum(self.skipped.values())
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        span = (f"{self.window.start} to {self.window.end}" if self.window else "no dated events")
        return [
            f"articles read: {self.articles}" + (f" (skipped {skipped}: {why})" if skipped else ""),
            *not_read_lines(self.not_read),
            f"events found: {self.events} (from {self.reports} reports); "
            f"{self.events_in_range} in range"
            + (f" ({self.unconfident} below the minimum confidence left out)"
               if self.unconfident else ""),
            f"places: {self.places}",
            f"date range: {span}",
            *self.notes,
            *(f"wrote {p}" for p in self.outputs),
        ]


def not_read_lines(not_read: dict[str, int]) -> list[str]:
    """The summary's line on the files the walk left alone, and why (none when none)."""
    if not not_read:
        return []
    why = ", ".join(f"{n} {reason}" for reason, n in sorted(not_read.items()))
    return [f"files not read: {sum(not_read.values())} ({why}); -v lists them"]


def extract_reports(
    articles: Iterable[Article], extractor: object, runlog: RunLog | None = None
) -> Iterator[Event]:
    """Every article's reports, in this process, uncached (the simplest form of the loop)."""
    for article in articles:
        try:
            yield from extractor.extract(article)  # type: ignore[attr-defined]
        except Exception as exc:  # a bug on one article must not sink a run of a thousand
            _failed(article.id, f"{type(exc).__name__}: {exc}", runlog)


def _failed(article_id: str, error: str, runlog: RunLog | None) -> None:
    if error.startswith(TIME_LIMIT):  # engines.ARTICLE_SECONDS: one warning, the run goes on
        log.warning("%s: skipped: %s; expected at most %s s an article "
                    "($CONFLICTMAP_ARTICLE_SECONDS)", article_id,
                    error.partition(": ")[2], f"{article_seconds():g}")
        reason = "over the time limit"
    else:
        log.error("%s: extraction failed (%s); article skipped", article_id, error)
        reason = "extraction error"
    if runlog is not None:
        runlog.failed.append(article_id)
        runlog.skipped[reason] += 1


def progress(items: Iterable[A], label: str,
             paths: Sequence[str | Path] | None = None) -> Iterator[A]:
    """``items`` with progress on stderr (progress.py): a bar with the total, rate and time
    left on a terminal, a line every few seconds otherwise, nothing with -q. ``paths``: the
    files and folders read, to count the total from."""
    from conflictmap import progress as shown

    total = shown.Total(shown.count_files(paths)) if paths and not shown.quiet() else None
    yield from shown.track(items, label, total=total,
                           size=lambda item: len(item) if isinstance(item, KnownRun) else 1)


@dataclass(frozen=True)
class RunOptions:
    """How to run extraction: where, on how many processes (None: every core), in what
    batches."""

    jobs: int | None = None
    engine: str = "local"
    scheduler: str | None = None
    batch: int = BATCH


def _cache_path(cache: Path | bool | None, beside: Path | None = None) -> Path | None:
    if cache is True:
        return cache_default_path(beside)
    return Path(cache) if cache else None


def stream_reports(
    articles: Iterable[Article | KnownArticle], spec: Spec, *,
    options: RunOptions = RunOptions(), runlog: RunLog | None = None,
    cache_path: Path | None = None,
) -> Iterator[tuple[Article | KnownArticle, Sequence[Event]]]:
    """(article, its reports) in reading order, read, extracted and cached as a stream.

    Articles go to the engine in batches; at most ``engine.window`` batches are in flight,
    so memory does not grow with the corpus. Cached articles are not extracted again
    (a :class:`~conflictmap.incremental.KnownArticle` is only looked up). With the project's
    extractor the reports include unresolved ones (``unresolved.is_unresolved``: a place no
    gazetteer knows), which the consolidating functions set apart.
    """
    with _cache(cache_path) as cache:
        for item, events, _, _ in _stream(articles, spec, options, runlog, cache,
                                          spec_version(spec)):
            yield item, events


def _stream(articles: Iterable[Article | KnownArticle], spec: Spec, options: RunOptions,
            runlog: RunLog | None, cache: ReportCache | None, version: str,
            ) -> Iterator[tuple[Article | KnownArticle, Sequence[Event], bytes, bool]]:
    """(article, its reports, its cache key: b"" without a cache, whether its reports came
    from the cache) in reading order."""
    # With a cache, most of a run is usually replayed: the first extraction's worker loads
    # meanwhile (make_engine's prewarm).
    engine = make_engine(spec, jobs=options.jobs, engine=options.engine,
                         scheduler=options.scheduler, prewarm=cache is not None)
    try:
        tagged = _lookups(_batched(articles, options.batch), cache, version)
        writing = cache is not None
        for (batch, keys, hits), outcomes in ordered_map(engine, tagged):
            results, fresh = _merge(batch, keys, hits, iter(outcomes), runlog)
            if writing and fresh and cache is not None:
                writing = _store(cache, fresh)
            yield from results
    except BaseException:  # interrupted or abandoned: do not wait for work in flight
        engine.terminate()
        raise
    else:
        engine.close()


@contextmanager
def _cache(path: Path | None) -> Iterator[ReportCache | None]:
    """The report cache at ``path`` (None: no cache, or one that cannot be used), closed
    with a line on its hits at the end."""
    cache = _open_cache(path) if path else None
    try:
        yield cache
    finally:
        if cache is not None:
            log.info("cache %s: %d hits, %d extracted", cache.path, cache.hits, cache.misses)
            cache.close()


def _open_cache(path: Path) -> ReportCache | None:
    try:
        return ReportCache(path)
    except (sqlite3.OperationalError, OSError) as exc:
        log.warning("%s: cannot use the cache (%s); extracting every article", path, exc)
        return None


def _store(cache: ReportCache, rows: list[tuple[bytes, bytes]]) -> bool:
    """Write fresh reports; False after a write error (disk full, read-only): stop writing."""
    try:
        cache.put_many(rows)
    except sqlite3.OperationalError as exc:
        log.warning("%s: cannot write the cache (%s); not caching the rest of this run",
                    cache.path, exc)
        return False
    return True


Item = Article | KnownArticle | KnownRun
Tag = tuple[list[Item], list[bytes], dict[bytes, Sequence[Event]]]


def _batched(articles: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Batches of ``size`` articles; a :class:`KnownRun` is a batch of its own."""
    batch: list[Item] = []
    for item in articles:
        if isinstance(item, KnownRun):
            if batch:
                yield batch
                batch = []
            yield [item]
            continue
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _lookups(batches: Iterable[list[Item]], cache: ReportCache | None, version: str,
             ) -> Iterator[tuple[Tag, list[Article]]]:
    """Each batch with its keys and cached reports, and the articles still to extract."""
    for batch in batches:
        if cache is None or isinstance(batch[0], KnownRun):  # a run is known: nothing to do
            yield (batch, [], {}), _readable(batch)
            continue
        known = {a.key: a.reports for a in batch if isinstance(a, KnownArticle)}
        keys = [a.key if isinstance(a, KnownArticle) else article_key(a, version)
                for a in batch]
        hits = _decoded(cache.get_many([k for k in keys if k not in known])) | known
        yield (batch, keys, hits), _readable(
            [a for a, k in zip(batch, keys, strict=True) if k not in hits])


def _readable(items: list[Item]) -> list[Article]:
    return [a for a in items if isinstance(a, Article)]


def _decoded(blobs: dict[bytes, bytes]) -> dict[bytes, list[Event]]:
    """Decode cached reports; a row that does not decode is dropped (extracted again)."""
    hits = {}
    with gctools.paused():
        for key, blob in blobs.items():
            try:
                hits[key] = decode_events(blob)
            except ValueError as exc:
                log.debug("cache row %s: %s; extracting again", key.hex(), exc)
    return hits


def _merge(batch: list[Item], keys: list[bytes], hits: dict[bytes, Sequence[Event]],
           outcomes: Iterator[Outcome], runlog: RunLog | None,
           ) -> tuple[list[tuple[Item, Sequence[Event], bytes, bool]], list[tuple[bytes, bytes]]]:
    """Cached and fresh results (with their keys, and True for the cached) back in reading
    order, and the fresh (key, blob) rows."""
    fresh: list[tuple[bytes, bytes]] = []
    results: list[tuple[Item, Sequence[Event], bytes, bool]] = []
    if batch and isinstance(batch[0], KnownRun):  # its reports are the run's own
        return [(batch[0], (), b"", True)], fresh
    for i, article in enumerate(batch):
        key = keys[i] if keys else b""
        if key in hits:
            results.append((article, hits[key], key, True))
            continue
        outcome = next(outcomes)
        if outcome.error:
            _failed(article.id, outcome.error, runlog)
            continue
        if keys:
            fresh.append((key, outcome.blob))
        results.append((article, _reports(outcome), key, False))
    return results, fresh


def _reports(outcome: Outcome) -> Sequence[Event]:
    """An extracted article's reports, decoded only when read (``EncodedReports``): a run
    that spills them by place needs their places alone. An outcome without places (from
    a worker of an older version) is decoded now."""
    if not outcome.blob:
        return []
    if len(outcome.places) == 0:
        return decode_events(outcome.blob)
    return EncodedReports(outcome.blob, outcome.places)


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


SPILL_AFTER = 20_000  # reports held in memory before they go to disk (about 1 KB each)


def stream_events(
    paths: Sequence[str | Path], runlog: RunLog, *, overrides: Path | None = None,
    jobs: int | None = None, cache: Path | bool | None = True, engine: str = "local",
    scheduler: str | None = None, spec: Spec | None = None, cache_beside: Path | None = None,
    streamed: Callable[[], None] | None = None, spill_dir: str | Path | None = None,
    spill_after: int | None = None,
) -> Iterator[Event]:
    """Read and extract every article; the consolidated events as a stream, with memory
    that does not grow with the corpus (:func:`collect_events` holds them in a list).

    The first ``spill_after`` (default SPILL_AFTER) reports are held; past them every
    report goes to disk by place as it is extracted (``spill.Spill``, in ``spill_dir`` or
    $TMPDIR), is merged one place at a time and comes back sorted: what is held at once
    is then one place's reports and a block of rows. A corpus with fewer reports is
    consolidated in memory (no disk, no encoding). ``runlog.reports`` counts the reports;
    ``streamed`` is called when every article is read and extracted.
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
    """The body of :func:`stream_events` (events) and :func:`stream_lines` (``lines``)."""
    spec = spec or ExtractorSpec(str(overrides) if overrides else None)
    options = RunOptions(jobs=jobs, engine=engine, scheduler=scheduler)
    budget = SPILL_AFTER if spill_after is None else spill_after
    held: list[tuple[Sequence[Event], bytes]] = []  # (an article's reports, its ref)
    n_held = 0
    with contextlib.ExitStack() as cleanup:
        spill: Spill | None = None
        with _cache(_cache_path(cache, cache_beside)) as store:
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

            for item, events, key, cached in _corpus(paths, spec, options, runlog, store):
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
            yield from map(event_line, merged) if lines else merged
        else:
            yield from spill.lines() if lines else spill.events()


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


def corpus_reports(
    paths: Sequence[str | Path], spec: Spec, *, options: RunOptions = RunOptions(),
    runlog: RunLog | None = None, cache_path: Path | None = None,
) -> Iterator[tuple[Item, Sequence[Event]]]:
    """(article, its reports) for every article in these files and folders, in reading
    order, read, extracted and cached as a stream (:func:`stream_reports`). With a cache,
    a file unchanged since the last run is not read again (``incremental``): its
    articles come back as :class:`~conflictmap.incremental.KnownArticle`."""
    with _cache(cache_path) as store:
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
        yield from _stream(articles, spec, options, runlog, store, version)
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


def data_window(events: Sequence[Event]) -> Interval | None:
    if not events:
        return None
    start = min(e.period.start for e in events)
    end = max(e.period.end for e in events)
    return Interval.spanning(start, end)


def window_for(events: Sequence[Event], date_from: date | None, date_to: date | None,
               ) -> Interval | None:
    """The range to show: the options, filled in from the data where not given."""
    data = data_window(events) if date_from is None or date_to is None else None
    return window_from((data.start, data.end) if data else None, date_from, date_to)


def window_from(data: tuple[date, date] | None, date_from: date | None,
                date_to: date | None) -> Interval | None:
    """:func:`window_for` given the data's (first, last) day rather than its events."""
    start = date_from or (data[0] if data else None)
    end = date_to or (data[1] if data else None)
    if start is None or end is None:
        return None
    if end < start:
        start, end = end, start
    return Interval.spanning(start, end)


def map_title(window: Interval | None, lang: str) -> str:
    base = {"nl": "Verschuivingen in gebiedscontrole", "en": "Territorial control changes"}
    text = base.get(lang, base["en"])
    if window is None:
        return text
    joiner = " t/m " if lang == "nl" else " to "
    return f"{text}: {window.start.isoformat()}{joiner}{window.end.isoformat()}"


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
