"""Consolidation on disk (spill.Spill, pipeline.stream_events): the events of in-memory
consolidation, in the same order, holding one place's reports at a time."""

from __future__ import annotations

import io
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from conflictmap import spill as spill_module
from conflictmap.consolidate import consolidate, merge_places
from conflictmap.model import Actor, Change, Event, Interval, Place, PlaceKind, Source, Status
from conflictmap.pipeline import collect_events, stream_events, stream_lines
from conflictmap.runlog import RunLog
from conflictmap.spill import Spill, SpillError
from conflictmap.store import dump_jsonl, write_lines
from conflictmap.synthetic import TemplateSpec, synthetic_events, write_jsonl

# Place ids of several scripts and forms: ordering is by code point, as Python's sort.
PLACES = [Place(pid, name, PlaceKind.TOWN, 10.0 + i, 20.0 + i, "XX") for i, (pid, name) in
          enumerate([("geonames:100", "Avdiivka"), ("geonames:99", "Bakhmut"),
                     ("local:Ḩamāh", "Hama"), ("local:Ärbil", "Erbil"),
                     ("local:هرات", "Herat"), ("zz:1", "Gao"), ("local:Z", "Goma")])]
SIDES = [Actor("m23", "M23", "m23"), Actor("fardc", "FARDC", "drc_gov", "state"), None]


def _spilled(articles: list[list[Event]]) -> list[Event]:
    with Spill() as spill:
        for reports in articles:
            spill.add(reports)
        spill.keep(merge_places(spill.places()))
        return list(spill.events())


def _report(place: int, change: Change, day: int, wide: int, side: int, article: str,
            ) -> Event:
    start = date(2023, 3, 1) + timedelta(days=day)
    return Event(change, Status.REPORTED, PLACES[place], Interval(start, start + timedelta(
        days=wide), 2), SIDES[side], None, (Source(article, start.isoformat(), "q", 0, 1),))


def test_spill_equals_in_memory_consolidation() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    report = st.tuples(st.integers(0, len(PLACES) - 1), st.sampled_from(list(Change)),
                       st.integers(0, 40), st.integers(0, 8), st.integers(0, 2))
    corpus = st.lists(st.lists(report, max_size=4), max_size=30)

    @settings(max_examples=60, deadline=None)
    @given(corpus)
    def check(rows: list[list[tuple[int, Change, int, int, int]]]) -> None:
        articles = [[_report(*r, article=f"art-{i}") for r in rows_]
                    for i, rows_ in enumerate(rows)]
        flat = [e for reports in articles for e in reports]
        assert _spilled(articles) == consolidate(flat)

    check()


def test_spill_takes_encoded_reports_as_they_are() -> None:
    """Reports a worker encoded (cache.EncodedReports) go to disk undecoded when they are
    all at one place, split by place otherwise: the same events as in memory."""
    from conflictmap.reportrows import EncodedReports, encode_events

    events = list(synthetic_events(300, seed=4, places=12))
    articles: list[list[Event]] = [events[i:i + 3] for i in range(0, len(events), 3)]
    articles += [[e] for e in events[:40]]  # one place each: undecoded
    encoded = [EncodedReports(encode_events(a), tuple(e.place.id for e in a))
               for a in articles]
    list(encoded[-1])  # one read already: its blob is gone, so it goes by its events
    with Spill() as spill:
        for reports in encoded:
            spill.add(reports)
        spill.keep(merge_places(spill.places()))
        got = list(spill.events())
    assert got == consolidate([e for a in articles for e in a])
    assert sum(not r.decoded for r in encoded) >= 39  # those were never decoded


def test_spill_writes_in_blocks_and_keeps_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill_module, "ROWS", 3)  # many blocks, each a separate write
    events = list(synthetic_events(400, seed=3, places=40))
    articles = [events[i:i + 2] for i in range(0, len(events), 2)]
    assert _spilled(articles) == consolidate(events)


def test_spill_places_come_sorted_with_reports_in_reading_order() -> None:
    a = _report(2, Change.CAPTURE, 5, 1, 0, "first")
    b = _report(0, Change.CAPTURE, 1, 1, 1, "second")
    c = _report(2, Change.WITHDRAWAL, 0, 1, 2, "third")
    with Spill() as spill:
        spill.add([a, b])
        spill.add([c])
        got = [(place, [e.sources[0].article for e in reports])
               for place, reports in spill.places()]
        assert spill.reported == 3
    assert got == [("geonames:100", ["second"]), ("local:Ḩamāh", ["first", "third"])]


def test_spill_removes_its_folder_also_when_abandoned(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    (folder,) = tmp_path.iterdir()
    spill.add(list(synthetic_events(10, places=5)))
    spill.keep(merge_places(spill.places()))
    next(iter(spill.events()))
    spill.close()
    assert not folder.exists()

    corpus = tmp_path / "a.jsonl"
    write_jsonl(corpus, 20, seed=2)
    stream = stream_events([corpus], RunLog(), cache=False, jobs=1, spec=TemplateSpec(),
                           spill_dir=tmp_path, spill_after=0)
    next(stream)
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()]  # the run's spill
    stream.close()  # a consumer that stops early (a closed pipe)
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]


def test_spill_in_a_folder_it_cannot_write_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(SpillError) as caught:
        Spill(blocker)
    message = str(caught.value)
    assert str(blocker) in message and "TMPDIR" in message and "\n" not in message


def test_spill_database_error_names_the_folder(tmp_path: Path) -> None:
    with Spill(tmp_path) as spill:
        spill._db.execute("PRAGMA max_page_count = 3")  # as a full disk: SQLITE_FULL
        with pytest.raises(SpillError, match="cannot write the temporary consolidation") as caught:
            for event in synthetic_events(3 * spill_module.ROWS):
                spill.add([event])
    assert str(spill.folder) in str(caught.value) and "full" in str(caught.value)


def _jsonl(events: object) -> str:
    out = io.StringIO()
    dump_jsonl(events, out)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize("spill_after", [0, 50, 10**6])  # at once, part way, never
@pytest.mark.parametrize("cache", [False, True])
def test_stream_events_equals_collect_events(tmp_path: Path, cache: bool,
                                             spill_after: int) -> None:
    corpus = tmp_path / "a.jsonl"
    write_jsonl(corpus, 300, seed=11)
    store = tmp_path / "cache.sqlite" if cache else False
    options = {"cache": store, "jobs": 1, "spec": TemplateSpec()}
    runlog = RunLog()
    n_reports, events = collect_events([corpus], RunLog(), **options)  # type: ignore[arg-type]
    expected = _jsonl(events)
    for _ in range(2 if cache else 1):  # cold, then warm: merged places replayed
        runlog = RunLog()
        streamed = _jsonl(stream_events([corpus], runlog, spill_after=spill_after,
                                        **options))  # type: ignore[arg-type]
        assert streamed == expected
        assert runlog.reports == n_reports > 100 and runlog.articles == 300
    for _ in range(2 if cache else 1):  # the JSON lines `extract` writes: the same bytes
        runlog = RunLog()
        out = io.StringIO()
        write_lines(stream_lines([corpus], runlog, spill_after=spill_after,
                                 **options), out)  # type: ignore[arg-type]
        assert out.getvalue() == expected
        assert runlog.reports == n_reports and runlog.articles == 300


@pytest.mark.parametrize("spill_after", [0, 10**6])
def test_stream_lines_after_one_more_article(tmp_path: Path, spill_after: int) -> None:
    """A cached run with one new file takes the other places' lines as the last run stored
    them and merges again the places the new article names: the bytes of a run without a
    cache."""
    corpus, extra = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(corpus, 200, seed=5)
    write_jsonl(extra, 3, seed=6)
    options = {"cache": tmp_path / "cache.sqlite", "jobs": 1, "spec": TemplateSpec(),
               "spill_after": spill_after}

    def lines(paths: list[Path], **extra_options: object) -> str:
        out = io.StringIO()
        write_lines(stream_lines(paths, RunLog(), **{**options, **extra_options}), out)  # type: ignore[arg-type]
        return out.getvalue()

    lines([corpus])  # the cache holds the corpus and its merged places
    assert lines([corpus, extra]) == lines([corpus, extra], cache=False)
    assert lines([corpus]) == lines([corpus], cache=False)


def test_stream_events_of_the_sample_articles(articles_dir: Path) -> None:
    runlog = RunLog()
    _, events = collect_events([articles_dir], RunLog(), cache=False, jobs=1)
    assert list(stream_events([articles_dir], runlog, cache=False, jobs=1)) == events
    assert events and runlog.articles >= 5


def test_stream_events_spills_under_tmpdir_by_default(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with Spill() as spill:
        assert spill.folder.parent == tmp_path


def test_extract_with_an_unwritable_tmpdir_is_one_line_and_exit_2(
        tmp_path: Path, articles_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from conflictmap.cli import main

    blocker = tmp_path / "tmp-is-a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))  # what gettempdir() answers
    out = tmp_path / "events.jsonl"
    monkeypatch.setattr("conflictmap.streammerge.SPILL_AFTER", 0)
    code = main(["extract", str(articles_dir), "--no-cache", "-o", str(out)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(lines) == 1 and str(blocker) in lines[0] and "TMPDIR" in lines[0]
    assert not out.exists()  # nothing half written


def test_spill_that_cannot_set_up_leaves_no_folder(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    def refuse(self: Spill) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Spill, "_setup", refuse)
    with pytest.raises(SpillError, match="disk is full"):
        Spill(tmp_path)
    assert list(tmp_path.iterdir()) == []


def _logged_merges(caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    """(places merged, places as the last run merged them) from the run's log line."""
    line = next(r.getMessage() for r in reversed(caplog.records)
                if r.getMessage().startswith("consolidated:"))
    words = line.split()
    return int(words[1]), int(words[4])


def test_spilled_warm_run_takes_stored_events_and_a_new_article_merges_only_its_places(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """On disk, a place whose reports are the last run's takes the events stored for it
    (its reports are not decoded); adding an article merges again only its places; the
    events are those of a run without a cache."""
    import logging

    from conflictmap.synthetic import make_article

    corpus = tmp_path / "a.jsonl"
    write_jsonl(corpus, 200, seed=5)
    options = {"cache": tmp_path / "cache.sqlite", "jobs": 1, "spec": TemplateSpec(),
               "spill_after": 0}

    def run(paths: list[Path]) -> tuple[str, tuple[int, int]]:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="conflictmap.streammerge"):
            text = _jsonl(stream_events(paths, RunLog(), **options))  # type: ignore[arg-type]
        return text, _logged_merges(caplog)

    cold, (merged, replayed) = run([corpus])
    assert merged > 10 and replayed == 0
    warm, counts = run([corpus])
    assert warm == cold and counts == (0, merged)
    article = next(a for a in map(make_article, range(9100, 9200)) if a.expected)
    extra = tmp_path / "new.jsonl"
    extra.write_text(article.json_line() + "\n", encoding="utf-8")
    uncached = _jsonl(stream_events([corpus, extra], RunLog(), cache=False, jobs=1,
                                    spec=TemplateSpec(), spill_after=0))
    more, (again, kept) = run([corpus, extra])
    assert more == uncached
    new_places = len({e.place for e in article.expected})
    assert 1 <= again <= new_places and again + kept >= merged


def test_spilled_warm_run_builds_no_packed_reports(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged file's articles come from its packs with their places and counts
    only: on disk their reports are never built (the spill keeps their keys); in memory
    they are, and both give the events of a run without a cache."""
    from conflictmap import filestate, packs

    monkeypatch.setattr(filestate, "RACY_NS", 0)  # files just written count as settled
    built: list[int] = []
    real = packs._built
    monkeypatch.setattr(packs, "_built",
                        lambda data, tables: built.append(1) or real(data, tables))
    corpus = tmp_path / "a.jsonl"
    write_jsonl(corpus, 150, seed=11)
    common = {"jobs": 1, "spec": TemplateSpec()}
    cache = tmp_path / "cache.sqlite"
    uncached = _jsonl(stream_events([corpus], RunLog(), cache=False, spill_after=0, **common))
    for _ in range(2):  # cold, then warm from the reports table (which packs them)
        assert _jsonl(stream_events([corpus], RunLog(), cache=cache, spill_after=0,
                                    **common)) == uncached
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM packs").fetchone()[0] == 1
    runlog = RunLog()
    assert _jsonl(stream_events([corpus], runlog, cache=cache, spill_after=0, **common)) \
        == uncached
    assert built == [] and runlog.reports > 50  # from the pack, nothing built
    n, events = collect_events([corpus], RunLog(), cache=cache, **common)
    assert _jsonl(events) == uncached and n == runlog.reports and built == [1]


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x00" * 16 + b"[]",
                                    "sealed-garbage", "sealed-wrong-form"])
def test_spilled_run_merges_again_a_place_whose_stored_events_are_damaged(
        tmp_path: Path, damage: bytes | str) -> None:
    import hashlib
    import sqlite3

    corpus = tmp_path / "a.jsonl"
    write_jsonl(corpus, 60, seed=3)
    options = {"cache": tmp_path / "cache.sqlite", "jobs": 1, "spec": TemplateSpec(),
               "spill_after": 0}
    expected = _jsonl(stream_events([corpus], RunLog(), **options))  # type: ignore[arg-type]
    if isinstance(damage, str):  # a good checksum over what is not events
        body = b"not json" if damage == "sealed-garbage" else b'[["2024-01-01", "x", 5]]'
        damage = hashlib.blake2b(body, digest_size=16).digest() + body
    with sqlite3.connect(tmp_path / "cache.sqlite") as db:
        db.execute("UPDATE merged_rows SET events = ?", (damage,))
    again = _jsonl(stream_events([corpus], RunLog(), **options))  # type: ignore[arg-type]
    assert again == expected


def test_spill_reads_back_cached_reports_by_key_only_for_the_places_it_merges(
        tmp_path: Path) -> None:
    """Reports the cache holds are spilled as their article's key and read back (only
    the place's own) when the place is merged; the result is that of encoded reports."""
    from conflictmap.cache import ReportCache
    from conflictmap.reportrows import encode_events
    from conflictmap.streammerge import _fetcher

    articles = [[_report(i % 3, Change.CAPTURE, i, 2, i % 2, f"a{i}"),
                 _report((i + 1) % 3, Change.WITHDRAWAL, i, 3, 0, f"a{i}")] for i in range(9)]
    keys = [bytes([i]) * 20 for i in range(len(articles))]
    with ReportCache(tmp_path / "c.sqlite") as store:
        store.put_many((k, encode_events(a)) for k, a in zip(keys, articles, strict=True))
        asked: list[list[bytes]] = []
        fetch = _fetcher(store)
        assert fetch is not None

        def counted(wanted: list[bytes]) -> dict[bytes, list[Event]]:
            asked.append(wanted)
            return fetch(wanted)

        with Spill(fetch=counted) as spill:
            for i, (key, reports) in enumerate(zip(keys, articles, strict=True)):
                spill.add(reports, key if i % 2 else b"")  # by key and encoded, mixed
            spill.keep(merge_places(spill.places()))
            events = list(spill.events())
    assert events == consolidate([e for a in articles for e in a])
    assert [len(k) for k in asked] == [2, 3, 3]  # once per place, its own articles only


def test_spill_whose_cached_reports_left_the_cache_is_one_clear_error(tmp_path: Path) -> None:
    from conflictmap.cache import ReportCache
    from conflictmap.streammerge import _fetcher

    with ReportCache(tmp_path / "c.sqlite") as store:
        fetch = _fetcher(store)
        assert fetch is not None
        with pytest.raises(SpillError, match="left the cache") as caught:
            fetch([b"\x01" * 20])
    assert str(tmp_path / "c.sqlite") in str(caught.value)
    assert "\n" not in str(caught.value)


def test_spill_keeps_one_form_of_the_merged_events() -> None:
    """A spill keeps the merged events encoded, or (events=False) their JSON lines only, and
    gives back only the form it kept."""
    from conflictmap.store import event_line

    events = list(synthetic_events(30, seed=8, places=4))
    merged = consolidate(events)
    for keeps_events in (True, False):
        with Spill(events=keeps_events) as spill:
            for event in events:
                spill.add([event])
            spill.keep(merge_places(spill.places()))
            if keeps_events:
                assert list(spill.events()) == merged
                with pytest.raises(ValueError, match="not their lines"):
                    next(spill.lines())
            else:
                assert list(spill.lines()) == [event_line(e) for e in merged]
                with pytest.raises(ValueError, match="lines only"):
                    next(spill.events())
