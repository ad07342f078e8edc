"""Where extraction runs: in this process, in a pool of local processes, or on a Dask cluster.

Every engine takes batches of articles and gives back, in submission order, one
:class:`Outcome` per article: its reports encoded by :func:`conflictmap.reportrows.encode_events`
(or the error that stopped it). The caller keeps at most ``window`` batches in flight, so
memory stays flat however large the corpus is.

Workers build the extractor once per process from an :class:`ExtractorSpec` (a small,
picklable recipe) rather than receiving it.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from conflictmap.errors import ConfigurationError
from conflictmap.model import Article, Event
from conflictmap.reportrows import encode_events

log = logging.getLogger(__name__)

CODEC = "reports-3"  # bump when the encoded form of reports changes
ENGINES = ("local", "dask")
T = TypeVar("T")


class Extractor(Protocol):
    version: str

    def extract(self, article: Article) -> list[Event]: ...


@dataclass(frozen=True)
class ExtractorSpec:
    """How to build the project's extractor: the default gazetteer plus optional overrides."""

    overrides: str | None = None
    geocoder: str | None = None  # an online geocoder's name (geocode.GEOCODERS), or None
    geocoder_url: str | None = None  # its base URL, for a self-hosted service

    def build(self) -> tuple[Extractor, str]:
        """(extractor, version): the version names the gazetteer, the rules and any geocoder."""
        from conflictmap.events import Extractor as RuleExtractor
        from conflictmap.gazetteer import Gazetteer, default_gazetteer

        gazetteer = (Gazetteer.load(overrides=self.overrides) if self.overrides
                     else default_gazetteer())
        extractor = RuleExtractor(gazetteer, geocoder=self._online_geocoder())
        extractor.report_unresolved = True  # set apart before consolidation (streammerge.py)
        return extractor, self._version(gazetteer.version, extractor.version)

    def cache_version(self) -> str:
        """The version :meth:`build` gives, from the data files' hashes alone (a run whose
        articles are all cached never loads the gazetteer)."""
        from conflictmap.gazetteer import data_version
        from conflictmap.rules import rules_digest

        return self._version(data_version(overrides=self.overrides), rules_digest())

    def _version(self, gazetteer: str, rules: str) -> str:
        version = f"{CODEC}|gazetteer:{gazetteer}|rules:{rules}|unresolved:1"
        if self.geocoder:
            version += f"|geocoder:{self.geocoder}:{self.geocoder_url or ''}"
        return version

    def _online_geocoder(self) -> Any:
        if not self.geocoder:
            return None
        from urllib.parse import urlsplit

        from conflictmap.geocode import OnlineGeocoder

        options: dict[str, str] = {}
        if self.geocoder_url:
            url = urlsplit(self.geocoder_url)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise ConfigurationError(f"--geocoder-url {self.geocoder_url!r}: expected "
                                         "http(s)://HOST[:PORT]")
            options = {"domain": url.netloc + url.path.rstrip("/"), "scheme": url.scheme}
        return OnlineGeocoder(self.geocoder, **options)


class Spec(Protocol):
    def build(self) -> tuple[Extractor, str]: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """One article's result: encoded reports and each report's place (so the main process
    can spill them by place without decoding them), or why extraction failed."""

    blob: bytes = b""
    error: str = ""
    places: tuple[str, ...] = ()


# -- the worker side ------------------------------------------------------------------------
_BUILT: dict[Any, tuple[Extractor, str]] = {}
_BUILD_LOCK = threading.Lock()
_POOL_SPEC: list[Spec] = []  # the one spec a pool worker serves


def worker_extractor(spec: Spec) -> tuple[Extractor, str]:
    """The extractor for ``spec`` in this process, built on first use."""
    with _BUILD_LOCK:
        if spec not in _BUILT:
            _BUILT[spec] = spec.build()
        return _BUILT[spec]


def spec_version(spec: Spec) -> str:
    """The cache version of what ``spec`` builds, without building it where it can say."""
    known = getattr(spec, "cache_version", None)
    return known() if callable(known) else worker_extractor(spec)[1]


ARTICLE_SECONDS = 120.0
"""The most one article's extraction may take (CPU-bound; $CONFLICTMAP_ARTICLE_SECONDS, 0 for
no limit). Extraction is linear in an article's length (about 2 ms a KB: a 5 MB article
takes about 10 s), so only a pathological article reaches it; it is skipped with one
warning line and the run goes on."""
TIME_LIMIT = "time limit"  # how an Outcome's error starts when the limit stopped it


class _TooLong(BaseException):
    """Raised by SIGALRM in the article's extraction (a BaseException, so no ``except
    Exception`` inside extraction swallows it)."""


def article_seconds() -> float:
    try:
        return float(os.environ.get("CONFLICTMAP_ARTICLE_SECONDS", ARTICLE_SECONDS))
    except ValueError:
        return ARTICLE_SECONDS


_REFIRE = 0.05  # seconds between repeated alarms once the limit has passed


_armed = False  # whether an alarm now stops the running extraction


def _expire(signum: int, frame: object) -> None:
    if _armed:
        raise _TooLong


def _drop_swallowed_alarm(unraisable: Any, *, passed_on: Callable[[Any], object]) -> None:
    """An unraisable-exception hook for while the limit is armed: an alarm that landed in
    a callback Python cannot raise from (a garbage-collector hook, a ``__del__``) is dropped
    quietly, since the repeating timer stops the extraction a moment later; anything else
    goes on to the hook that was there before."""
    if not isinstance(unraisable.exc_value, _TooLong):
        passed_on(unraisable)


def _limited(seconds: float) -> bool:
    """Whether a time limit can be set here: SIGALRM is delivered to the main thread of
    a process (a pool worker, or the main process); not in a Dask worker's threads."""
    return (seconds > 0 and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread())


def extract_one(extractor: Extractor, article: Article) -> Outcome:
    global _armed
    seconds = article_seconds()
    limited = _limited(seconds)
    if limited:
        previous = signal.signal(signal.SIGALRM, _expire)
        # The alarm repeats until cleared: a signal that lands while Python runs a callback
        # that swallows exceptions (a garbage-collector hook) is raised again moments later,
        # and the swallowed one is not reported as an error.
        hook = sys.unraisablehook
        sys.unraisablehook = functools.partial(_drop_swallowed_alarm, passed_on=hook)
        _armed = True
        signal.setitimer(signal.ITIMER_REAL, seconds, _REFIRE)
    try:
        events = extractor.extract(article)
        _armed = False
        return Outcome(encode_events(events), places=tuple(e.place.id for e in events))
    except _TooLong:
        _armed = False
        return Outcome(error=f"{TIME_LIMIT}: extraction took longer than {seconds:g} s "
                             f"({len(article.text) // 1024:,} KB)")
    except Exception as exc:  # one bad article must not sink a run of a thousand
        _armed = False
        log.debug("%s: extraction failed", article.id, exc_info=True)
        return Outcome(error=f"{type(exc).__name__}: {exc}")
    finally:
        _armed = False
        if limited:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            sys.unraisablehook = hook


def extract_batch(spec: Spec, articles: Sequence[Article]) -> list[Outcome]:
    """The task every engine runs: one batch of articles -> one Outcome each, in order."""
    extractor = worker_extractor(spec)[0]
    return [extract_one(extractor, a) for a in articles]


def _pool_init(spec: Spec) -> None:
    _POOL_SPEC[:] = [spec]
    worker_extractor(spec)  # forked workers inherit the parent's; spawned ones build it here


def _warm_init(spec: Spec) -> None:
    _pool_init(spec)
    prepare = getattr(worker_extractor(spec)[0], "prepare", None)
    if prepare is not None:
        prepare()


def _pool_task(articles: Sequence[Article]) -> list[Outcome]:
    return extract_batch(_POOL_SPEC[0], articles)


# -- the engines ----------------------------------------------------------------------------
Pending = Callable[[], list[Outcome]]


class Engine(Protocol):
    window: int

    def submit(self, articles: Sequence[Article]) -> Pending: ...

    def close(self) -> None: ...


class SerialEngine:
    """Extraction in this process: the reference every other engine must equal."""

    window = 1

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        worker_extractor(spec)

    def submit(self, articles: Sequence[Article]) -> Pending:
        outcomes = extract_batch(self.spec, articles)
        return lambda: outcomes

    def close(self) -> None:
        return None


class PoolEngine:
    """``jobs`` forked worker processes, each with its own extractor (built once)."""

    def __init__(self, spec: Spec, jobs: int) -> None:
        worker_extractor(spec)  # build before forking: children inherit it copy-on-write
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        self._pool = context.Pool(jobs, initializer=_pool_init, initargs=(spec,))
        self.window = 3 * jobs

    def submit(self, articles: Sequence[Article]) -> Pending:
        result = self._pool.apply_async(_pool_task, (list(articles),))
        return result.get

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def terminate(self) -> None:
        self._pool.terminate()
        self._pool.join()


class WarmEngine:
    """One worker process that starts building its extractor at once, while the main
    process is still replaying cached files, so that a run which finds a few new articles
    late extracts them without waiting for the gazetteer and the rules to load (0.6 s)."""

    window = 1

    def __init__(self, spec: Spec) -> None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        # Forked before this process has built an extractor: the worker builds its own.
        self._pool = multiprocessing.get_context(method).Pool(
            1, initializer=_warm_init, initargs=(spec,))
        self._used = False
        self._closed = False

    def submit(self, articles: Sequence[Article]) -> Pending:
        self._used = True
        return self._pool.apply_async(_pool_task, (list(articles),)).get

    def close(self) -> None:
        """End the worker once what it was given is done (its results stay readable)."""
        if self._closed:
            return
        self._closed = True
        if not self._used:  # never given work: do not wait for it to finish loading
            self._pool.terminate()
        else:
            self._pool.close()
        self._pool.join()

    def terminate(self) -> None:
        self._closed = True
        self._pool.terminate()
        self._pool.join()


class DaskEngine:
    """Batches as tasks on a Dask cluster (``scheduler`` address, or a LocalCluster)."""

    def __init__(self, spec: Spec, jobs: int, scheduler: str | None = None) -> None:
        distributed = import_distributed()
        self.spec = spec
        self._cluster = None
        if scheduler:
            self._client = distributed.Client(scheduler, set_as_default=False)
        else:
            self._cluster = local_cluster(jobs)
            self._client = distributed.Client(self._cluster, set_as_default=False)
        workers = len(self._client.scheduler_info().get("workers", {})) or jobs
        self.window = 3 * max(workers, 1)
        log.info("dask: %s with %d workers", self._client.scheduler.address, workers)

    def submit(self, articles: Sequence[Article]) -> Pending:
        future = self._client.submit(extract_batch, self.spec, list(articles), pure=False)
        return future.result

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def local_cluster(workers: int):  # type: ignore[no-untyped-def]
    """A LocalCluster of worker processes on loopback, one thread each, no dashboard.

    The scheduler's HTTP server (health routes) gets a free port, so two clusters can run
    side by side instead of both wanting 8787.
    """
    distributed = import_distributed()
    return distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
        host="127.0.0.1", scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})


class LazyEngine:
    """Starts its engine on the first batch that needs extracting, so a fully cached run
    forks no workers and starts no cluster. With ``first``, the first such batch goes to
    that engine (the serial one) and the pool starts only at the second: a run that adds
    a few articles to a cached corpus forks nothing (every engine gives the same events)."""

    def __init__(self, start: Callable[[], Engine],
                 first: Callable[[], Engine] | None = None,
                 warm: Engine | None = None) -> None:
        """``warm``: an engine already started, that takes the first batch instead."""
        self._start = start
        self._first = first
        self._engine: Engine | None = None
        self._serial: Engine | None = warm
        self._first_used = False

    @property
    def window(self) -> int:
        return self._engine.window if self._engine is not None else 1

    @property
    def started(self) -> bool:
        return self._engine is not None

    def submit(self, articles: Sequence[Article]) -> Pending:
        if self._engine is None and not self._first_used and (
                self._serial is not None or self._first is not None):
            self._first_used = True
            if self._serial is None:
                self._serial = self._first()
            return self._serial.submit(articles)
        if self._engine is None:
            if self._serial is not None:
                # It gets no more work: a warm worker finishes its batch and ends before the
                # pool forks, so its extractor and the pool's are never in memory together.
                self._serial.close()
            self._engine = self._start()
        return self._engine.submit(articles)

    def close(self) -> None:
        for engine in (self._serial, self._engine):
            if engine is not None:
                engine.close()

    def terminate(self) -> None:
        for engine in (self._serial, self._engine):
            if engine is not None:
                getattr(engine, "terminate", engine.close)()


def import_distributed():  # type: ignore[no-untyped-def]
    try:
        import distributed
    except ImportError:
        raise ConfigurationError(
            "--engine dask needs Dask: pip install 'conflictmap[dask]'") from None
    return distributed


def make_engine(spec: Spec, *, jobs: int | None = None, engine: str = "local",
                scheduler: str | None = None, prewarm: bool = False) -> LazyEngine:
    """The engine to run, started on first use: 'local' (serial for one job, else a process
    pool) or 'dask' (the cluster at ``scheduler``, else a LocalCluster of ``jobs`` workers).

    The first batch of a local pool runs in this process (a run that adds a few articles
    forks nothing), or, with ``prewarm`` (a run that will mostly replay its cache), in a
    :class:`WarmEngine` started now, so its extractor loads on another core meanwhile."""
    jobs = resolve_jobs(jobs)
    if engine not in ENGINES:
        raise ConfigurationError(f"unknown engine {engine!r}; valid: {', '.join(ENGINES)}")
    if engine == "dask":
        import_distributed()  # fail now, with the install hint, not at the first batch
        return LazyEngine(lambda: DaskEngine(spec, jobs, scheduler))
    if scheduler:
        raise ConfigurationError("--scheduler needs --engine dask")
    if jobs == 1:
        return LazyEngine(lambda: SerialEngine(spec))
    if prewarm:
        return LazyEngine(lambda: PoolEngine(spec, jobs), warm=WarmEngine(spec))
    return LazyEngine(lambda: PoolEngine(spec, jobs), first=lambda: SerialEngine(spec))


def resolve_jobs(jobs: int | None) -> int:
    """None or 0 means every core."""
    return jobs if jobs and jobs > 0 else (os.cpu_count() or 1)


def ordered_map(engine: Engine, items: Iterable[tuple[T, Sequence[Article]]],
                ) -> Iterator[tuple[T, list[Outcome]]]:
    """Submit each (tag, batch) and yield (tag, outcomes) in order, ``engine.window`` ahead.

    The window is the back-pressure: the reader is not asked for the next batch until a
    slot is free, so a fast reader never piles the corpus into memory (Pool.imap's feeder
    thread would drain the reader without bound).
    """
    pending: deque[tuple[T, Pending | None]] = deque()
    for tag, batch in items:
        pending.append((tag, engine.submit(batch) if batch else None))
        while len(pending) > engine.window:
            yield _resolve(pending.popleft())
    while pending:
        yield _resolve(pending.popleft())


def _resolve(item: tuple[T, Pending | None]) -> tuple[T, list[Outcome]]:
    tag, wait = item
    return tag, (wait() if wait is not None else [])
