"""The report stage: articles in, (article, its reports) out in reading order, extracted
in batches by an engine (engines.py), with the report cache's lookups and stores around
it: a cached article is not extracted again, a fresh one's reports are cached."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conflictmap import gctools
from conflictmap.cache import ReportCache, article_key
from conflictmap.cache import default_path as cache_default_path
from conflictmap.engines import (
    TIME_LIMIT,
    Outcome,
    Spec,
    article_seconds,
    make_engine,
    ordered_map,
    spec_version,
)
from conflictmap.incremental import KnownArticle, KnownRun
from conflictmap.model import Article, Event
from conflictmap.reportrows import EncodedReports, decode_events
from conflictmap.runlog import RunLog

log = logging.getLogger(__name__)

BATCH = 64  # articles per task: enough to amortise IPC, small enough to keep workers busy


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


@dataclass(frozen=True)
class RunOptions:
    """How to run extraction: where, on how many processes (None: every core), in what
    batches."""

    jobs: int | None = None
    engine: str = "local"
    scheduler: str | None = None
    batch: int = BATCH


def resolve_cache_path(cache: Path | bool | None, beside: Path | None = None) -> Path | None:
    """The cache's path: ``cache`` itself, the default for True, None for none."""
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
    with opened_cache(cache_path) as cache:
        for item, events, _, _ in report_stream(articles, spec, options, runlog, cache,
                                                spec_version(spec)):
            yield item, events


def report_stream(articles: Iterable[Article | KnownArticle], spec: Spec, options: RunOptions,
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
def opened_cache(path: Path | None) -> Iterator[ReportCache | None]:
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
