"""Engines: ordered, bounded, and the Dask engine gives exactly the local engine's events."""

from __future__ import annotations

import gc
import io
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest

from conflictmap.engines import Outcome, local_cluster, make_engine, ordered_map, resolve_jobs
from conflictmap.errors import ConfigurationError
from conflictmap.model import Article, Interval
from conflictmap.pipeline import collect_events
from conflictmap.runlog import RunLog
from conflictmap.store import dump_jsonl
from conflictmap.synthetic import TemplateSpec, write_jsonl


class RecordingEngine:
    """Completes tasks only when asked for their result; records how many were in flight."""

    window = 3

    def __init__(self) -> None:
        self.in_flight = 0
        self.most = 0

    def submit(self, articles: Sequence[Article]):  # type: ignore[no-untyped-def]
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)

        def wait() -> list[Outcome]:
            self.in_flight -= 1
            return [Outcome(a.id.encode()) for a in articles]
        return wait

    def close(self) -> None:
        return None


def _batches(n: int) -> Iterator[tuple[int, list[Article]]]:
    from conflictmap.articles import parse_text

    for i in range(n):
        article = parse_text(f"a{i}", f" date 2024-01-0{1 + i % 9}\n\ntext {i}", f"a{i}")
        yield i, [article] if i % 4 else []  # every fourth batch is fully cached


def test_engines_ordered_map_keeps_order_and_bounds_in_flight() -> None:
    engine = RecordingEngine()
    results = list(ordered_map(engine, _batches(40)))
    assert [tag for tag, _ in results] == list(range(40))
    assert [o.blob for _, outs in results for o in outs] == [
        f"a{i}".encode() for i in range(40) if i % 4]
    assert engine.most <= engine.window


def test_engines_errors_list_valid_choices() -> None:
    with pytest.raises(ConfigurationError, match="valid: local, dask"):
        make_engine(TemplateSpec(), engine="spark")
    with pytest.raises(ConfigurationError, match="--engine dask"):
        make_engine(TemplateSpec(), engine="local", scheduler="tcp://127.0.0.1:1")


def test_engines_dask_missing_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'conflictmap\[dask\]'"):
        make_engine(TemplateSpec(), engine="dask")


def test_engines_jobs_default_is_every_core() -> None:
    assert resolve_jobs(None) == resolve_jobs(0) >= 1
    assert resolve_jobs(3) == 3


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    with local_cluster(2) as local:  # n_workers=2, processes, loopback, no dashboard
        yield local


def _events(paths: list[Path], **kwargs: object) -> str:
    _, events = collect_events(paths, RunLog(), cache=False, **kwargs)  # type: ignore[arg-type]
    out = io.StringIO()
    dump_jsonl(events, out)
    return out.getvalue()


@pytest.mark.timeout(120)
def test_engines_dask_equals_local_on_synthetic_corpus(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_jsonl(tmp_path / "a.jsonl", 400, seed=5)
    local = _events([tmp_path], jobs=1, spec=TemplateSpec())
    dask = _events([tmp_path], engine="dask", scheduler=cluster.scheduler_address,
                   spec=TemplateSpec())
    assert local.count("\n") > 100
    assert dask == local


@pytest.mark.timeout(120)
def test_engines_dask_equals_local_with_rule_extractor(cluster, articles_dir: Path) -> None:  # type: ignore[no-untyped-def]
    local = _events([articles_dir], jobs=1)
    dask = _events([articles_dir], engine="dask", scheduler=cluster.scheduler_address)
    assert dask == local


@pytest.mark.timeout(120)
def test_engines_dask_without_scheduler_starts_a_local_cluster(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    write_jsonl(tmp_path / "a.jsonl", 50, seed=6)
    local = _events([tmp_path], jobs=1, spec=TemplateSpec())
    assert _events([tmp_path], engine="dask", jobs=2, spec=TemplateSpec()) == local


@pytest.mark.parametrize("overrides", [None, "tests/data/gaz_overrides.toml"])
def test_engines_cache_version_is_the_built_version(overrides: str | None) -> None:
    """A fully cached run takes the version from the data files without building the
    extractor; it must be the version the built extractor has."""
    from conflictmap.engines import ExtractorSpec

    root = Path(__file__).resolve().parents[1]
    spec = ExtractorSpec(str(root / overrides) if overrides else None)
    assert spec.cache_version() == spec.build()[1]


def test_engines_a_pool_starts_only_for_a_second_batch() -> None:
    """The first batch to extract runs in this process: a run that adds a few articles to
    a cached corpus forks no workers; the second batch starts the pool. Same outcomes."""
    from conflictmap.synthetic import make_article

    spec = TemplateSpec(version="first-serial")
    articles = [_article(make_article(i, seed=3)) for i in range(6)]
    serial = make_engine(spec, jobs=1)
    expected = [serial.submit(articles[:3])(), serial.submit(articles[3:])()]
    serial.close()
    engine = make_engine(spec, jobs=2)
    try:
        first = engine.submit(articles[:3])
        assert not engine.started
        second = engine.submit(articles[3:])
        assert engine.started
        assert [first(), second()] == expected
    finally:
        engine.close()


def _article(synthetic):  # type: ignore[no-untyped-def]
    from conflictmap.articles import parse_text

    return parse_text(synthetic.id, synthetic.text_file(), synthetic.id)


def test_engines_a_prewarmed_first_batch_runs_in_a_worker_loaded_ahead() -> None:
    """With ``prewarm`` (a cached run), the first batch goes to a worker that started
    loading at once, not to this process; the second batch starts the pool. Same outcomes."""
    import multiprocessing

    from conflictmap import engines
    from conflictmap.synthetic import make_article

    spec = TemplateSpec(version="prewarm")
    articles = [_article(make_article(i, seed=4)) for i in range(6)]
    serial = make_engine(TemplateSpec(version="prewarm-serial"), jobs=1)
    expected = [serial.submit(articles[:3])(), serial.submit(articles[3:])()]
    serial.close()
    before = set(multiprocessing.active_children())  # other tests' processes may linger
    engine = make_engine(spec, jobs=2, prewarm=True)
    try:
        assert len(set(multiprocessing.active_children()) - before) == 1  # loading already
        first = engine.submit(articles[:3])
        assert first() == expected[0]
        assert spec not in engines._BUILT  # this process built no extractor
        second = engine.submit(articles[3:])
        assert engine.started
        assert second() == expected[1]
    finally:
        engine.close()
    assert set(multiprocessing.active_children()) <= before


def test_engines_an_unused_prewarmed_worker_is_stopped_at_once() -> None:
    import multiprocessing
    import time

    before = set(multiprocessing.active_children())
    engine = make_engine(TemplateSpec(version="prewarm-unused"), jobs=2, prewarm=True)
    started = time.perf_counter()
    engine.close()
    assert time.perf_counter() - started < 5
    assert set(multiprocessing.active_children()) <= before
    engine = make_engine(TemplateSpec(version="prewarm-terminated"), jobs=2, prewarm=True)
    engine.submit([])
    engine.terminate()
    assert set(multiprocessing.active_children()) <= before


def test_engines_prepare_loads_what_the_first_article_would() -> None:
    from conflictmap.engines import ExtractorSpec
    from conflictmap.rules import language_files
    from conflictmap.synthetic import make_article

    articles = [_article(make_article(i, seed=8)) for i in range(4)]
    fresh = ExtractorSpec().build()[0]
    prepared = ExtractorSpec().build()[0]
    prepared.prepare()
    assert set(prepared._rules_cache) == set(language_files())
    assert [prepared.extract(a) for a in articles] == [fresh.extract(a) for a in articles]


def _tiny_article() -> Article:
    """An article whose text does not matter: the extractors of the time-limit tests ignore it."""
    day = date(2024, 2, 20)
    return Article(id="a", text="x", published=day.isoformat(), period=Interval(day, day, 1),
                   lang="en")


class _SwallowsOnce:
    """An extractor whose code swallows the first exception that lands in it, as Python does
    for an exception raised while a garbage-collector callback runs."""

    def extract(self, article: Article) -> list:
        import contextlib
        import time

        with contextlib.suppress(BaseException):
            time.sleep(0.5)  # the alarm lands here and is swallowed
        for _ in range(40):  # then it goes on working for up to 2 s
            time.sleep(0.05)
        return []


def test_a_swallowed_time_limit_alarm_fires_again(monkeypatch):
    """The per-article limit holds even when the first alarm is lost inside the extraction."""
    from conflictmap.engines import TIME_LIMIT, extract_one

    monkeypatch.setenv("CONFLICTMAP_ARTICLE_SECONDS", "0.1")
    outcome = extract_one(_SwallowsOnce(), _tiny_article())  # type: ignore[arg-type]
    assert outcome.error is not None and outcome.error.startswith(TIME_LIMIT)


class _SlowCollectorHook:
    """An extractor during whose work a garbage-collector callback runs past the limit: the
    alarm lands inside the callback, where Python cannot raise it and reports it as
    'unraisable' instead (pytest fails a test on that)."""

    version = "test"

    def extract(self, article: Article) -> list:  # type: ignore[type-arg]
        import time

        def slow(phase: str, info: dict) -> None:  # type: ignore[type-arg]
            if phase == "start":
                time.sleep(0.3)

        gc.callbacks.append(slow)
        try:
            gc.collect()
        finally:
            gc.callbacks.remove(slow)
        for _ in range(40):
            time.sleep(0.05)
        return []


def test_an_alarm_inside_a_collector_callback_is_no_error(monkeypatch):
    """The limit still stops the article, and the alarm lost in the callback reaches no
    unraisable-exception hook (hypothesis installs such a callback in test runs)."""
    from conflictmap.engines import TIME_LIMIT, extract_one

    # garbage other tests left (an unclosed file's ResourceWarning) is collected first: the
    # collector run inside the article must find only the alarm's own
    gc.collect()
    reached: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", reached.append)
    monkeypatch.setenv("CONFLICTMAP_ARTICLE_SECONDS", "0.1")
    outcome = extract_one(_SlowCollectorHook(), _tiny_article())  # type: ignore[arg-type]
    assert outcome.error is not None and outcome.error.startswith(TIME_LIMIT)
    assert reached == []
    assert sys.unraisablehook == reached.append
