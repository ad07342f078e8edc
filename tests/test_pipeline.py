"""The pipeline: the same events on any number of processes, streamed, failures contained."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from conflictmap.articles import read_articles
from conflictmap.consolidate import consolidate
from conflictmap.engines import ExtractorSpec, worker_extractor
from conflictmap.model import Article
from conflictmap.pipeline import build, collect_events
from conflictmap.reportstream import RunOptions, extract_reports, stream_reports
from conflictmap.runlog import RunLog
from conflictmap.store import dump_jsonl
from conflictmap.synthetic import TemplateSpec, write_jsonl


@pytest.fixture(autouse=True)
def _plain_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the CLI's logging setup (other tests run main()) so caplog sees our records."""
    logger = logging.getLogger("conflictmap")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", True)
    monkeypatch.setattr(logger, "level", logging.NOTSET)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "articles.jsonl"
    write_jsonl(path, 300, seed=7)
    return path


def _run(paths: list[Path], **kwargs: object) -> tuple[int, str, RunLog]:
    runlog = RunLog()
    n_reports, events = collect_events(paths, runlog, **kwargs)  # type: ignore[arg-type]
    out = io.StringIO()
    dump_jsonl(events, out)
    return n_reports, out.getvalue(), runlog


@pytest.mark.parametrize("jobs", [2, 3])
def test_pipeline_jobs_give_identical_output(corpus: Path, jobs: int) -> None:
    one = _run([corpus], jobs=1, cache=False, spec=TemplateSpec())
    many = _run([corpus], jobs=jobs, cache=False, spec=TemplateSpec())
    assert one[0] > 100
    assert many[:2] == one[:2]


def test_pipeline_jobs_identical_with_rule_extractor(articles_dir: Path) -> None:
    one = _run([articles_dir], jobs=1, cache=False)
    two = _run([articles_dir], jobs=2, cache=False)
    assert one[1].count("\n") > 0
    assert two[:2] == one[:2]


def test_pipeline_equals_plain_extraction_loop(articles_dir: Path) -> None:
    """Encoding reports for workers and the cache changes nothing in the output."""
    extractor = ExtractorSpec().build()[0]
    plain = consolidate(extract_reports(read_articles([articles_dir]), extractor))
    expected = io.StringIO()
    dump_jsonl(plain, expected)
    assert _run([articles_dir], jobs=2, cache=False)[1] == expected.getvalue()


class ReaderBroke(Exception):
    pass


def _breaking_reader(corpus: Path, after: int) -> Iterator[Article]:
    for i, article in enumerate(read_articles([corpus])):
        if i == after:
            raise ReaderBroke
        yield article


def test_pipeline_extracts_while_reading(corpus: Path) -> None:
    """The reader is consumed lazily: extraction has started before reading has finished."""
    spec = TemplateSpec(version="stream-test")
    extractor = worker_extractor(spec)[0]
    seen: list[str] = []
    stream = stream_reports(_breaking_reader(corpus, after=100), spec,
                            options=RunOptions(jobs=1, batch=8))
    with pytest.raises(ReaderBroke):
        for article, _ in stream:
            seen.append(article.id)
    assert len(seen) >= 80
    assert extractor.calls >= 80


def test_pipeline_failed_article_is_logged_and_skipped(tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    write_jsonl(tmp_path / "a.jsonl", 20, seed=3)
    (tmp_path / "bad.txt").write_text(" date 2024-05-01 Aleppo\n\nRAISE-IN-EXTRACTOR Aleppo "
                                      "was captured.\n", encoding="utf-8")
    cache = tmp_path / "cache.sqlite"
    for _ in range(2):  # a failure is not cached: the second run tries it again
        caplog.clear()
        n_reports, _, runlog = _run([tmp_path], jobs=2, cache=cache, spec=TemplateSpec())
        assert runlog.failed == ["bad.txt"]
        assert runlog.skipped["extraction error"] == 1  # the build summary counts it
        assert "bad.txt: extraction failed (RuntimeError: asked to fail)" in caplog.text
        assert runlog.articles == 21
        assert n_reports > 0


def test_build_puts_the_cache_beside_the_output(tmp_path: Path, corpus: Path) -> None:
    summary = build([corpus], tmp_path / "out", jobs=1, spec=TemplateSpec())
    assert summary.articles == 300
    assert (tmp_path / ".cache" / "conflictmap.sqlite").exists()
    assert (tmp_path / "out" / "events.geojson").exists()


def test_pipeline_abandoned_stream_stops_its_workers(corpus: Path) -> None:
    import multiprocessing

    stream = stream_reports(read_articles([corpus]), TemplateSpec(),
                            options=RunOptions(jobs=2, batch=4))
    next(stream)
    assert multiprocessing.active_children()
    stream.close()
    assert not multiprocessing.active_children()


def test_pipeline_a_cached_run_extracts_a_new_article_in_the_worker_loaded_ahead(
        tmp_path: Path, corpus: Path) -> None:
    """A re-run with a cache and two jobs: the new article is extracted by the worker that
    started loading when the run began (not in this process), and the events are those
    of a run without a cache."""
    from conflictmap import engines, filestate
    from conflictmap.synthetic import make_article

    spec = TemplateSpec(version="warm-new-article")
    cache = tmp_path / "c.sqlite"
    extra = tmp_path / "extra.jsonl"
    extra.write_text(make_article(5000, seed=7).json_line() + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(filestate, "RACY_NS", 0)
        collect_events([corpus], RunLog(), jobs=1, cache=cache,
                       spec=TemplateSpec(version="warm-new-article"))
        engines._BUILT.pop(spec, None)
        cached = collect_events([corpus, extra], RunLog(), jobs=2, cache=cache, spec=spec)
    assert worker_extractor(spec)[0].calls == 0  # this process extracted nothing
    assert cached == collect_events([corpus, extra], RunLog(), jobs=1, cache=False,
                                    spec=TemplateSpec(version="warm-new-article-2"))
