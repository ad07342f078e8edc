"""Unchanged article files are not read again: their manifests stand in for them, and a run
gives exactly what reading every file gives (events, skips, duplicates)."""

from __future__ import annotations

import io
import itertools
import logging
import os
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap import filestate, incremental, manifests, replay
from conflictmap.articles import ArticleReader
from conflictmap.engines import worker_extractor
from conflictmap.pipeline import collect_events
from conflictmap.runlog import RunLog
from conflictmap.store import dump_jsonl
from conflictmap.synthetic import TemplateSpec, make_article, write_folder


@pytest.fixture(autouse=True)
def _no_racy_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust a file's stamp at once (a real run waits until the file is 2 s old); tests that
    rewrite a file also move its modification time, so no two states share a stamp. And
    pack files of any size (a real run packs only files of PACK_MIN_ARTICLES or more), so
    every test here, the properties too, goes through packs."""
    monkeypatch.setattr(filestate, "RACY_NS", 0)
    monkeypatch.setattr(replay, "PACK_MIN_ARTICLES", 1)


@pytest.fixture()
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files a run reads (ArticleReader.read), in order; "name@N" for a
    JSON Lines file read from after its line N."""
    names: list[str] = []
    real = ArticleReader.read

    def spy(self: ArticleReader, path: Path, name: str,  # type: ignore[no-untyped-def]
            after: tuple[int, int] = (0, 0)):
        names.append(name if after == (0, 0) else f"{name}@{after[1]}")
        return real(self, path, name, after)

    monkeypatch.setattr(ArticleReader, "read", spy)
    return names


def _run(paths: list[Path], cache: Path | bool, spec: TemplateSpec,
         ) -> tuple[str, dict[str, int], int]:
    """(events as JSON Lines, skipped by reason, articles counted) of one run."""
    runlog = RunLog()
    _, events = collect_events(paths, runlog, jobs=1, cache=cache, spec=spec)
    out = io.StringIO()
    dump_jsonl(events, out)
    return out.getvalue(), dict(runlog.skipped), runlog.articles


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    write_folder(folder, 40, seed=5)
    lines = [make_article(900 + i, seed=5).json_line() for i in range(30)]
    lines.insert(7, "{not json")
    lines.insert(12, '{"text": "no date here"}')
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_incremental_unchanged_files_are_not_read_again(tmp_path: Path, corpus: Path,
                                                         opened: list[str]) -> None:
    spec = TemplateSpec(version="unchanged")
    first = _run([corpus], tmp_path / "c.sqlite", spec)
    assert len(opened) == 41
    opened.clear()
    assert _run([corpus], tmp_path / "c.sqlite", spec) == first
    assert opened == []
    assert first == _run([corpus], False, spec)


def test_incremental_a_new_file_is_the_only_one_read(tmp_path: Path, corpus: Path,
                                                      opened: list[str]) -> None:
    spec = TemplateSpec(version="new")
    _run([corpus], tmp_path / "c.sqlite", spec)
    (corpus / "zz-new.txt").write_text(make_article(7000, seed=5).text_file(), encoding="utf-8")
    opened.clear()
    result = _run([corpus], tmp_path / "c.sqlite", spec)
    assert opened == ["zz-new.txt"]
    assert result == _run([corpus], False, spec)


_TICKS = itertools.count()


def _move_time(path: Path, seconds: int = 1) -> None:
    """Give the file a modification time of its own, an hour in the past (so it is
    settled, and no two states of a file share one): as if written one clock tick apart."""
    del seconds
    past = time.time_ns() - 3600 * 10**9 + next(_TICKS) * 10**6
    os.utime(path, ns=(past, past))


def test_incremental_lines_appended_are_the_only_ones_read(tmp_path: Path, corpus: Path,
                                                          opened: list[str]) -> None:
    spec = TemplateSpec(version="append")
    _run([corpus], tmp_path / "c.sqlite", spec)
    batch = corpus / "batch.jsonl"
    with batch.open("a", encoding="utf-8") as handle:
        handle.write(make_article(8000, seed=5).json_line() + "\n{broken\n")
    opened.clear()
    result = _run([corpus], tmp_path / "c.sqlite", spec)
    assert opened == ["batch.jsonl@32"]  # its 32 lines replayed, the two new ones read
    assert result == _run([corpus], False, spec)
    assert result[2] == 71 and result[1] == {"json": 2, "date": 1}
    opened.clear()
    assert _run([corpus], tmp_path / "c.sqlite", spec) == result
    assert opened == []


@pytest.mark.parametrize("edit", ["earlier line", "no final newline", "shrunk", "same size"])
def test_incremental_a_file_changed_otherwise_is_read_whole(
        tmp_path: Path, corpus: Path, opened: list[str], edit: str) -> None:
    spec = TemplateSpec(version=f"edit-{edit}")
    batch = corpus / "batch.jsonl"
    if edit == "no final newline":
        batch.write_bytes(batch.read_bytes().rstrip(b"\n"))
        _move_time(batch, -10)
    _run([corpus], tmp_path / "c.sqlite", spec)
    data = batch.read_bytes()
    if edit == "earlier line":
        data = data.replace(b'"syn5-0000900"', b'"syn5-0000999"') + b"\n"
    elif edit == "no final newline":
        data += b'"tail of the last line"}\n'
    elif edit == "shrunk":
        data = data[: data.rindex(b"\n", 0, len(data) - 1) + 1]
    else:
        data = data.replace(b'"syn5-0000900"', b'"syn5-0000999"')
    batch.write_bytes(data)
    _move_time(batch)
    opened.clear()
    assert _run([corpus], tmp_path / "c.sqlite", spec) == _run([corpus], False, spec)
    assert opened[0] == "batch.jsonl"


def test_incremental_an_appended_duplicate_is_skipped(tmp_path: Path,
                                                      opened: list[str]) -> None:
    folder = tmp_path / "dups"
    folder.mkdir()
    _write(folder / "a.jsonl", "first", "Kidal fell to Tuareg rebels.")
    spec = TemplateSpec(version="append-dup")
    _run([folder], tmp_path / "c.sqlite", spec)
    with (folder / "a.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"id": "first", "date": "2024-03-03", "text": "Kidal fell to Tuareg '
                     'rebels."}\n')
    result = _run([folder], tmp_path / "c.sqlite", spec)
    assert result == _run([folder], False, spec)
    assert result[1] == {"duplicate": 1}
    assert opened[-2] == "a.jsonl@1"


def test_incremental_an_appended_id_with_another_text_is_kept(tmp_path: Path,
                                                              opened: list[str]) -> None:
    """The same id with another text is not a duplicate (issue 24): it is kept as id~2,
    whether the first came from the cache or was read."""
    folder = tmp_path / "dups"
    folder.mkdir()
    _write(folder / "a.jsonl", "first", "Kidal fell to Tuareg rebels.")
    spec = TemplateSpec(version="append-other")
    _run([folder], tmp_path / "c.sqlite", spec)
    with (folder / "a.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"id": "first", "date": "2024-03-03", "text": "Rebels took Gao."}\n')
    result = _run([folder], tmp_path / "c.sqlite", spec)
    assert result == _run([folder], False, spec)
    assert result[1] == {}
    assert opened[-2] == "a.jsonl@1"


def test_incremental_skips_are_reported_again(tmp_path: Path, corpus: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    spec = TemplateSpec(version="skips")
    with caplog.at_level(logging.WARNING, logger="conflictmap"):
        first = _run([corpus], tmp_path / "c.sqlite", spec)
        warned = [r.getMessage() for r in caplog.records]
        caplog.clear()
        assert _run([corpus], tmp_path / "c.sqlite", spec) == first
        assert [r.getMessage() for r in caplog.records] == warned
    assert first[1] == {"json": 1, "date": 1}
    assert any("batch.jsonl:8" in w for w in warned)


def _write(path: Path, article_id: str, text: str) -> None:
    path.write_text(f'{{"id": "{article_id}", "date": "2024-03-02", "lang": "en", '
                    f'"text": "{text}"}}\n', encoding="utf-8")


def test_incremental_duplicates_follow_the_files_that_are_there(
        tmp_path: Path, opened: list[str]) -> None:
    """An id that is a duplicate only because of another file: removing (or adding) that
    file changes what the unchanged file gives, as reading it would."""
    folder = tmp_path / "dup"
    folder.mkdir()
    _write(folder / "a.jsonl", "same", "Kidal fell to Tuareg rebels.")
    _write(folder / "b.jsonl", "same", "Kidal fell to Tuareg rebels.")
    _write(folder / "c.jsonl", "other", "Rebels captured Timbuktu.")
    spec = TemplateSpec(version="dup")
    cache = tmp_path / "c.sqlite"
    first = _run([folder], cache, spec)
    assert first[1] == {"duplicate": 1}
    (folder / "a.jsonl").unlink()
    opened.clear()
    second = _run([folder], cache, spec)
    assert opened == ["b.jsonl"]
    assert second == _run([folder], False, spec)
    assert second[1] == {}
    _write(folder / "a.jsonl", "same", "Kidal fell to Tuareg rebels.")
    assert _run([folder], cache, spec) == first


def test_incremental_missing_reports_or_a_bad_manifest_mean_reading(
        tmp_path: Path, corpus: Path, opened: list[str]) -> None:
    spec = TemplateSpec(version="damage")
    cache = tmp_path / "c.sqlite"
    first = _run([corpus], cache, spec)
    with sqlite3.connect(cache) as db:
        db.execute("DELETE FROM reports WHERE key = (SELECT key FROM reports LIMIT 1)")
        db.execute("UPDATE files SET manifest = X'5B5B2261225D5D' WHERE path = "
                   "(SELECT path FROM files ORDER BY path LIMIT 1)")
    opened.clear()
    assert _run([corpus], cache, spec) == first
    assert 1 <= len(opened) <= 2


def test_incremental_touched_file_is_read_again(tmp_path: Path, corpus: Path,
                                                opened: list[str]) -> None:
    spec = TemplateSpec(version="touch")
    cache = tmp_path / "c.sqlite"
    first = _run([corpus], cache, spec)
    victim = sorted(corpus.rglob("*.txt"))[0]
    info = victim.stat()
    os.utime(victim, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    opened.clear()
    assert _run([corpus], cache, spec) == first
    assert opened == [victim.relative_to(corpus).as_posix()]


def test_incremental_a_duplicate_within_one_file_is_replayed(tmp_path: Path,
                                                             opened: list[str]) -> None:
    folder = tmp_path / "twice"
    folder.mkdir()
    line = '{"id": "x", "date": "2024-03-02", "lang": "en", "text": "Rebels captured Gao."}'
    (folder / "a.jsonl").write_text(f"{line}\n{line}\n", encoding="utf-8")
    spec = TemplateSpec(version="twice")
    first = _run([folder], tmp_path / "c.sqlite", spec)
    assert first[1] == {"duplicate": 1} and first[2] == 1
    opened.clear()
    assert _run([folder], tmp_path / "c.sqlite", spec) == first
    assert opened == []


_LINES = [
    '{"id": "%s", "date": "2024-03-02", "lang": "en", "text": "Rebels captured Gao."}',
    '{"id": "%s", "date": "2024-03-05", "lang": "en", "text": "Kidal fell to the army."}',
    '{"id": "%s", "date": "2024-03-09", "text": "Het leger heroverde Menaka."}',
    '{"id": "%s", "date": "2024-03-04", "text": "Gao 12 34."}',  # its folder's language
    "{broken %s",
]


@st.composite
def _corpus_steps(draw: st.DrawFn) -> list[dict[str, list[str]]]:
    """A few states of a small folder: file name -> its lines (ids drawn from a small
    pool, so that duplicates within and across files come and go)."""
    line = st.builds(lambda t, i: t % i, st.sampled_from(_LINES), st.sampled_from("abcd"))
    files = st.dictionaries(st.sampled_from(["1.jsonl", "2.jsonl", "3.jsonl"]),
                            st.lists(line, min_size=1, max_size=3), max_size=3)
    return draw(st.lists(files, min_size=2, max_size=4))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=_corpus_steps())
def test_incremental_cached_runs_equal_uncached_runs(tmp_path_factory: pytest.TempPathFactory,
                                                     steps: list[dict[str, list[str]]]) -> None:
    """Whatever files come, go or change between runs, a cached run gives what reading
    every file gives: the same events, skips and article count."""
    root = tmp_path_factory.mktemp("steps")
    folder, cache = root / "articles", root / "c.sqlite"
    folder.mkdir()
    spec = TemplateSpec(version="steps")
    for state in steps:
        for old in folder.iterdir():
            if old.name not in state:
                old.unlink()
        for name, lines in state.items():
            path = folder / name
            text = "\n".join(lines) + "\n"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                info = path.stat()  # a rewrite within one clock tick still changes the stamp
                os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1000))
        assert _run([folder], cache, spec) == _run([folder], False, spec)
        assert _stream([folder], cache, spec) == _stream([folder], None, spec)


def test_incremental_a_file_changed_just_now_is_read_again(
        tmp_path: Path, corpus: Path, opened: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changed within RACY_NS of the run gets no manifest: two writes of the same
    size within one tick of the file clock could otherwise look unchanged."""
    monkeypatch.setattr(filestate, "RACY_NS", 3600 * 10**9)
    spec = TemplateSpec(version="racy")
    first = _run([corpus], tmp_path / "c.sqlite", spec)
    opened.clear()
    assert _run([corpus], tmp_path / "c.sqlite", spec) == first
    assert len(opened) == 41


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunks=st.lists(st.lists(st.builds(lambda t, i: t % i, st.sampled_from(_LINES),
                                          st.sampled_from("abcdef")), max_size=3),
                       min_size=1, max_size=4),
       versions=st.lists(st.sampled_from(["v1", "v2"]), min_size=5, max_size=5))
def test_incremental_appending_runs_equal_uncached_runs(
        tmp_path_factory: pytest.TempPathFactory, chunks: list[list[str]],
        versions: list[str]) -> None:
    """A JSON Lines file that grows run after run (duplicates and bad lines included, the
    rules version switching now and then): replaying its start and reading only its end
    gives what reading it whole gives."""
    root = tmp_path_factory.mktemp("append")
    folder, cache = root / "articles", root / "c.sqlite"
    folder.mkdir()
    path = folder / "feed.jsonl"
    path.write_text(_LINES[0] % "start" + "\n", encoding="utf-8")
    spec = TemplateSpec(version="append-steps")
    assert _run([folder], cache, spec) == _run([folder], False, spec)
    for chunk, version in zip(chunks, versions, strict=False):
        with path.open("a", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in chunk))
        _move_time(path)
        spec = TemplateSpec(version=f"append-{version}")
        assert _run([folder], cache, spec) == _run([folder], False, spec)


def test_incremental_an_appended_file_under_new_rules_is_read_whole(
        tmp_path: Path, corpus: Path, opened: list[str]) -> None:
    """Lines appended after the rules changed: the old lines' cached reports are of the old
    rules, so the file is read (and extracted) whole, not replayed."""
    _run([corpus], tmp_path / "c.sqlite", TemplateSpec(version="rules-1"))
    batch = corpus / "batch.jsonl"
    with batch.open("a", encoding="utf-8") as handle:
        handle.write(make_article(8100, seed=5).json_line() + "\n")
    _move_time(batch)
    spec = TemplateSpec(version="rules-2")
    opened.clear()
    before = worker_extractor(spec)[0].calls if spec in _built() else 0
    result = _run([corpus], tmp_path / "c.sqlite", spec)
    assert "batch.jsonl" in opened and not any("@" in name for name in opened)
    assert worker_extractor(spec)[0].calls - before == 71
    assert result == _run([corpus], False, spec)


def _built() -> dict:  # type: ignore[type-arg]
    from conflictmap.engines import _BUILT

    return _BUILT


def test_incremental_a_read_error_is_not_remembered(tmp_path: Path, corpus: Path,
                                                    opened: list[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that could not be read (permissions, a passing I/O error) gets no manifest:
    the next run tries it again instead of repeating the error."""
    import conflictmap.articles as articles

    spec = TemplateSpec(version="read-error")
    real = articles.read_file

    def failing(path, name, on_skip, after=(0, 0)):  # type: ignore[no-untyped-def]
        if name == "batch.jsonl":
            raise PermissionError(13, "Permission denied")
        return real(path, name, on_skip, after)

    monkeypatch.setattr(articles, "read_file", failing)
    assert _run([corpus], tmp_path / "c.sqlite", spec)[1]["unreadable"] == 1
    monkeypatch.setattr(articles, "read_file", real)
    opened.clear()
    result = _run([corpus], tmp_path / "c.sqlite", spec)
    assert opened == ["batch.jsonl"]
    assert result == _run([corpus], False, spec)


def test_incremental_a_feed_that_cannot_be_hashed_gets_no_manifest(
        tmp_path: Path, corpus: Path, opened: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON Lines file vanishes (or turns unreadable) between reading and hashing it:
    the run ends normally, and the next run reads the file again."""
    spec = TemplateSpec(version="no-hash")

    def vanished(path: Path, size: int, upto: int | None = None):  # type: ignore[no-untyped-def]
        raise FileNotFoundError(2, "No such file or directory")

    real = filestate.content
    monkeypatch.setattr(filestate, "content", vanished)
    first = _run([corpus], tmp_path / "c.sqlite", spec)
    monkeypatch.setattr(filestate, "content", real)
    opened.clear()
    assert _run([corpus], tmp_path / "c.sqlite", spec) == first
    assert opened == ["batch.jsonl"]


# ---- packs: a replayed file's reports in one blob ----

def _packs(cache: Path) -> dict[str, list[tuple[int, int]]]:
    """File name (for a folder part: "folder/first file", "folder/" when it starts the
    folder) -> (first article, count) of each of its packs."""
    with sqlite3.connect(cache) as db:
        rows = db.execute("SELECT path, first, count FROM packs ORDER BY path, first").fetchall()
    found: dict[str, list[tuple[int, int]]] = {}
    for path, first, count in rows:
        parts = path.split("\x00")
        name = "/".join(parts[2:]) if parts[0] == "folder" else parts[1]
        found.setdefault(name, []).append((first, count))
    return found


@pytest.fixture()
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many keys each ReportCache.get_many call asks for."""
    from conflictmap.cache import ReportCache

    sizes: list[int] = []
    real = ReportCache.get_many

    def spy(self: ReportCache, keys, **options):  # type: ignore[no-untyped-def]
        sizes.append(len(keys))
        return real(self, keys, **options)

    monkeypatch.setattr(ReportCache, "get_many", spy)
    return sizes


def test_incremental_a_replayed_file_is_packed_then_read_from_its_pack(
        tmp_path: Path, corpus: Path, asked: list[int]) -> None:
    spec = TemplateSpec(version="packs")
    cache = tmp_path / "c.sqlite"
    first = _run([corpus], cache, spec)
    assert _packs(cache) == {}  # reading a file packs nothing: its reports are not known yet
    assert _run([corpus], cache, spec) == first  # replayed by key, and packed
    # the feed's pack, and one for the folder of 40 one-article files
    assert _packs(cache) == {"batch.jsonl": [(0, 30)], "0000/": [(0, 40)]}
    asked.clear()
    assert _run([corpus], cache, spec) == first
    assert sum(asked) == 0  # every report came from a pack
    assert first == _run([corpus], False, spec)


@pytest.mark.parametrize("damage", ["garbage", "other keys", "gap", "rows gone"])
def test_incremental_a_pack_that_does_not_fit_is_replaced(
        tmp_path: Path, corpus: Path, opened: list[str], damage: str) -> None:
    spec = TemplateSpec(version=f"pack-{damage}")
    cache = tmp_path / "c.sqlite"
    first = _run([corpus], cache, spec)
    _run([corpus], cache, spec)
    with sqlite3.connect(cache) as db:
        where = "path LIKE '%batch.jsonl'"
        if damage == "garbage":
            db.execute(f"UPDATE packs SET pack = X'7B7D' WHERE {where}")
        elif damage == "other keys":
            db.execute(f"UPDATE packs SET keys = zeroblob(16) WHERE {where}")
        elif damage == "gap":
            db.execute(f"UPDATE packs SET first = 1 WHERE {where}")
        else:  # the pack stands in for rows the reports table no longer has
            db.execute("DELETE FROM reports")
    opened.clear()
    assert _run([corpus], cache, spec) == first
    assert opened == []
    assert _packs(cache)["batch.jsonl"] == [(0, 30)]


def test_incremental_a_grown_feed_keeps_its_full_packs_and_repacks_its_tail(
        tmp_path: Path, corpus: Path, asked: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Packs hold PACK_ARTICLES articles at most; a feed that grows at every run keeps its
    full packs and one small last pack, packed again with the articles after it."""
    monkeypatch.setattr(replay, "PACK_ARTICLES", 31)
    spec = TemplateSpec(version="pack-append")
    cache = tmp_path / "c.sqlite"
    batch = corpus / "batch.jsonl"
    _run([corpus], cache, spec)
    _run([corpus], cache, spec)
    assert _packs(cache)["batch.jsonl"] == [(0, 30)]  # not full
    expected = [[(0, 31)], [(0, 31), (31, 1)], [(0, 31), (31, 2)], [(0, 31), (31, 3)]]
    for n in range(4):
        with batch.open("a", encoding="utf-8") as handle:
            handle.write(make_article(8100 + n, seed=5).json_line() + "\n")
        _move_time(batch)
        result = _run([corpus], cache, spec)  # the start from its packs, the new line read
        assert result == _run([corpus], False, spec)
        asked.clear()
        assert _run([corpus], cache, spec) == result  # the new article by key, then packed
        assert sum(asked) == 1
        assert _packs(cache)["batch.jsonl"] == expected[n]
        assert _run([corpus], cache, spec) == result  # and now from the packs alone


def test_incremental_a_large_file_gets_several_packs(
        tmp_path: Path, corpus: Path, asked: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay, "PACK_ARTICLES", 7)
    spec = TemplateSpec(version="pack-split")
    cache = tmp_path / "c.sqlite"
    first = _run([corpus], cache, spec)
    _run([corpus], cache, spec)
    assert _packs(cache)["batch.jsonl"] == [(0, 7), (7, 7), (14, 7), (21, 7), (28, 2)]
    asked.clear()
    assert _run([corpus], cache, spec) == first
    assert sum(asked) == 0


def test_incremental_a_cache_that_cannot_take_packs_still_replays(
        tmp_path: Path, corpus: Path, opened: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from conflictmap.cache import ReportCache

    def refuse(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(ReportCache, "put_pack", refuse)
    spec = TemplateSpec(version="pack-readonly")
    cache = tmp_path / "c.sqlite"
    first = _run([corpus], cache, spec)
    opened.clear()
    assert _run([corpus], cache, spec) == first
    assert opened == [] and _packs(cache) == {}


def test_incremental_files_of_a_few_articles_are_not_packed(
        tmp_path: Path, corpus: Path, asked: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A feed (or a folder part) of fewer than PACK_MIN_ARTICLES articles: its rows are
    fetched as they are (a pack's tables cost more than they save for so few); the folder
    of 40 is packed."""
    monkeypatch.setattr(replay, "PACK_MIN_ARTICLES", 35)
    spec = TemplateSpec(version="pack-min")
    cache = tmp_path / "c.sqlite"
    first = _run([corpus], cache, spec)
    _run([corpus], cache, spec)
    assert _packs(cache) == {"0000/": [(0, 40)]}
    asked.clear()
    assert _run([corpus], cache, spec) == first
    assert [n for n in asked if n] == [30]  # the feed's keys in one look-ahead query


# ---- folders: one manifest (and pack) per part of a folder, not per file ----

def _rows(cache: Path) -> dict[str, bytes]:
    """Row of the files table -> its manifest (without the checksum it is stored with)."""
    with sqlite3.connect(cache) as db:
        return {path: bytes(m)[16:]
                for path, m in db.execute("SELECT path, manifest FROM files")}


@pytest.fixture()
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows each ReportCache.get_files call asks for."""
    from conflictmap.cache import ReportCache

    sizes: list[int] = []
    real = ReportCache.get_files

    def spy(self: ReportCache, paths):  # type: ignore[no-untyped-def]
        sizes.append(len(paths))
        return real(self, paths)

    monkeypatch.setattr(ReportCache, "get_files", spy)
    return sizes


def test_incremental_a_folder_is_remembered_in_parts(
        tmp_path: Path, corpus: Path, opened: list[str], lookups: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """40 one-article files in a subfolder, split in parts by their names' hashes (1 in 4
    here): a row per part, none per file; a cached run looks each part up once."""
    monkeypatch.setattr(incremental, "FOLDER_SPLIT", 4)
    spec = TemplateSpec(version="parts")
    cache = tmp_path / "c.sqlite"
    first = _run([corpus], cache, spec)
    rows = _rows(cache)
    parts = [r for r in rows if r.startswith("folder\x00")]
    assert len(rows) == len(parts) + 1  # and the feed's own row
    names = sorted(p.relative_to(corpus).name for p in (corpus / "0000").iterdir())
    expected = 1 + sum(incremental._splits(n) for n in names[1:])
    assert len(parts) == expected > 3
    opened.clear()
    lookups.clear()
    assert _run([corpus], cache, spec) == first
    assert opened == []
    assert lookups == [1] * expected + [1]  # each part, then the feed
    assert _rows(cache) == rows  # nothing changed, nothing written


def _new_name(names: list[str], splits: bool) -> str:
    """A new file name that sorts in the middle of ``names`` and does (or does not) start
    a part of its own."""
    middle = names[len(names) // 2][:-4]
    return next(n for n in (f"{middle}-{i}.txt" for i in range(10_000))
                if incremental._splits(n) == splits)


@pytest.mark.parametrize("splits", [False, True])
def test_incremental_a_new_file_rewrites_only_its_part(
        tmp_path: Path, corpus: Path, opened: list[str], monkeypatch: pytest.MonkeyPatch,
        splits: bool) -> None:
    """Adding a file rewrites the manifest of the part it falls in. When its name starts
    a part, the files after it in the old part make the new part with it: they are read
    again (their reports are cached: only the new article is extracted)."""
    monkeypatch.setattr(incremental, "FOLDER_SPLIT", 4)
    spec = TemplateSpec(version=f"parts-new-{splits}")
    cache = tmp_path / "c.sqlite"
    _run([corpus], cache, spec)
    _run([corpus], cache, spec)
    before = _rows(cache)
    names = sorted(p.name for p in (corpus / "0000").iterdir())
    new = corpus / "0000" / _new_name(names, splits)
    new.write_text(make_article(7100, seed=5).text_file(), encoding="utf-8")
    opened.clear()
    calls = worker_extractor(spec)[0].calls
    result = _run([corpus], cache, spec)
    assert worker_extractor(spec)[0].calls - calls == 1
    assert opened[0] == f"0000/{new.name}"
    later = [f"0000/{n}" for n in names if n > new.name]
    assert opened[1:] == ([] if not splits else later[:len(opened) - 1])
    assert result == _run([corpus], False, spec)
    after = _rows(cache)
    changed = {r for r in after if before.get(r) != after[r]} | (before.keys() - after.keys())
    assert len(changed) == 1 + splits  # its part (and the part it split off)
    opened.clear()
    assert _run([corpus], cache, spec) == result
    assert opened == []


def test_incremental_a_removed_file_leaves_its_part(tmp_path: Path, corpus: Path,
                                                    opened: list[str]) -> None:
    spec = TemplateSpec(version="parts-removed")
    cache = tmp_path / "c.sqlite"
    _run([corpus], cache, spec)
    _run([corpus], cache, spec)
    sorted((corpus / "0000").iterdir())[3].unlink()
    opened.clear()
    result = _run([corpus], cache, spec)
    assert opened == [] and result == _run([corpus], False, spec)
    assert result[2] == 69


def test_incremental_a_folder_part_with_a_report_missing_reads_that_file(
        tmp_path: Path, corpus: Path, opened: list[str]) -> None:
    """The part is not packed yet and one article's reports are gone from the cache: that
    file alone is read; a garbled part manifest reads the part's files."""
    spec = TemplateSpec(version="parts-missing")
    cache = tmp_path / "c.sqlite"
    first = _run([corpus], cache, spec)
    victim = sorted((corpus / "0000").iterdir())[5]
    row = next(r for r in _rows(cache) if r.startswith("folder\x00"))
    part = manifests.parse_folder(_rows(cache)[row], row)
    assert part is not None
    key = part.keys[part.files[victim.name][1]]
    with sqlite3.connect(cache) as db:
        db.execute("DELETE FROM reports WHERE key = ?", (key,))
    opened.clear()
    assert _run([corpus], cache, spec) == first
    assert opened == [f"0000/{victim.name}"]
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE files SET manifest = X'7B7D' WHERE path = ?", (row,))
    opened.clear()
    assert _run([corpus], cache, spec) == first
    assert len(opened) == 40


def test_incremental_a_folder_under_new_rules_is_read_again(tmp_path: Path, corpus: Path,
                                                            opened: list[str]) -> None:
    cache = tmp_path / "c.sqlite"
    _run([corpus], cache, TemplateSpec(version="parts-rules-1"))
    opened.clear()
    spec = TemplateSpec(version="parts-rules-2")
    result = _run([corpus], cache, spec)
    assert len(opened) == 41
    assert result == _run([corpus], False, spec)


@pytest.mark.parametrize(("names", "parts"), [
    (["a.txt", "b.md", "c.txt"], [("", ["a.txt", "b.md", "c.txt"])]),
    # a JSON Lines file between a folder's files: the files after it are a part of their own
    (["a.txt", "b.jsonl", "c.txt"], [("", ["a.txt"]), (None, ["b.jsonl"]), ("c.txt", ["c.txt"])]),
    # a subfolder listed between them: the same, and the subfolder has a first part
    (["a.txt", "m/x.txt", "m/y.txt", "z.txt"],
     [("", ["a.txt"]), ("", ["m/x.txt", "m/y.txt"]), ("z.txt", ["z.txt"])]),
    (["f.jsonl", "g.ndjson"], [(None, ["f.jsonl", "g.ndjson"])]),
])
def test_incremental_units(tmp_path: Path, names: list[str],
                           parts: list[tuple[str | None, list[str]]]) -> None:
    files = [(str(tmp_path / n), n) for n in names]
    assert [(label, [n for _, n in run]) for label, run in incremental._units(files)] == parts


def test_incremental_a_folder_given_twice_gets_parts_of_its_own(tmp_path: Path) -> None:
    files = [(str(tmp_path / n), n) for n in ("a.txt", "b.txt")]
    labels = [label for label, _ in incremental._units(files + files)]
    assert len(set(labels)) == 2 and labels[0] == ""


@settings(max_examples=60, deadline=None)
@given(names=st.sets(st.from_regex(r"[a-z0-9]{1,6}\.txt", fullmatch=True), max_size=40),
       new=st.from_regex(r"[a-z0-9]{1,6}\.txt", fullmatch=True))
def test_incremental_a_new_name_moves_one_part_boundary_at_most(names: set[str],
                                                                new: str) -> None:
    """Parts end where the names say (a hash of each name), not at a count: adding a file
    changes the part it falls in (or splits it in two), and no other."""
    def parts(listing: set[str]) -> list[tuple[str | None, list[str]]]:
        files = [(f"/f/{n}", n) for n in sorted(listing)]
        return [(label, [n for _, n in run]) for label, run in incremental._units(files)]

    old_split = incremental.FOLDER_SPLIT
    incremental.FOLDER_SPLIT = 3
    try:
        before, after = parts(names), parts(names | {new})
    finally:
        incremental.FOLDER_SPLIT = old_split
    assert [part for part in after if part not in before] != [] or new in names
    assert len([part for part in after if part not in before]) <= 2
    assert len([part for part in before if part not in after]) <= 1


def test_incremental_stamps_of_fields_beyond_64_bits(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system's 128-bit file id still gives a stamp of the fixed size, the same for
    the same file and another when it changes."""
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    real = os.stat

    class Big:
        def __init__(self, info: os.stat_result, ino: int) -> None:
            self.st_size, self.st_mtime_ns = info.st_size, info.st_mtime_ns
            self.st_ctime_ns, self.st_dev = info.st_ctime_ns, info.st_dev
            self.st_mode = info.st_mode
            self.st_ino = ino

    monkeypatch.setattr(filestate.os, "stat", lambda p: Big(real(p), 2**100))
    one, two = filestate.folder_state(path), filestate.folder_state(path)
    monkeypatch.setattr(filestate.os, "stat", lambda p: Big(real(p), 2**100 + 1))
    three = filestate.folder_state(path)
    assert one is not None and two is not None and three is not None
    assert len(one.stamp) == filestate.STAMP_BYTES
    assert one == two and one.stamp != three.stamp


_TEXTS = [
    " date 2024-03-02\n\nRebels captured Gao on Monday.\n",
    " date 2024-03-05\n\nHet leger heroverde Menaka.\n",
    "no date in this one\n",
    "",
    " date 2024-03-04\n\nGao 12 34.\n",  # a short item: its folder's language
]
_JSONS = [
    '{"id": "%s", "date": "2024-03-02", "lang": "en", "text": "Rebels captured Gao."}',
    '[{"id": "%s", "date": "2024-03-05", "lang": "en", "text": "Kidal fell to the army."},'
    ' {"id": "z", "date": "2024-03-06", "lang": "en", "text": "Rebels took Timbuktu."}]',
    '{"id": "%s", "date": "2024-03-04", "text": "Gao 12 34."}',  # its folder's language
    "{broken %s",
]


@st.composite
def _folder_steps(draw: st.DrawFn) -> list[dict[str, str]]:
    """A few states of a folder with a subfolder: file name -> its content (text files,
    JSON files with ids drawn from a small pool so that duplicates come and go across
    files, a feed between them, files that are skipped)."""
    text = st.sampled_from(_TEXTS)
    json_file = st.builds(lambda t, i: t % i if "%s" in t else t, st.sampled_from(_JSONS),
                          st.sampled_from("abc"))
    names = ["a.txt", "b.json", "c.md", "d.json", "m/e.txt", "m/f.json", "n.jsonl", "z.txt"]
    files = st.fixed_dictionaries({}, optional={
        name: (json_file if name.endswith((".json", ".jsonl")) else text) for name in names})
    return draw(st.lists(files, min_size=2, max_size=4))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=_folder_steps())
def test_incremental_cached_folder_runs_equal_uncached_runs(
        tmp_path_factory: pytest.TempPathFactory, steps: list[dict[str, str]]) -> None:
    """Whatever files come, go or change in a folder split in small parts, a cached run
    gives what reading every file gives: the same events, skips and article count."""
    root = tmp_path_factory.mktemp("folder-steps")
    folder, cache = root / "articles", root / "c.sqlite"
    (folder / "m").mkdir(parents=True)
    spec = TemplateSpec(version="folder-steps")
    old_split = incremental.FOLDER_SPLIT
    incremental.FOLDER_SPLIT = 2
    try:
        for state in steps:
            for old in [p for p in folder.rglob("*") if p.is_file()]:
                if old.relative_to(folder).as_posix() not in state:
                    old.unlink()
            for name, text in state.items():
                path = folder / name
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    path.write_text(text, encoding="utf-8")
                    info = path.stat()  # a rewrite within one clock tick changes the stamp
                    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1000))
            assert _run([folder], cache, spec) == _run([folder], False, spec)
            assert _stream([folder], cache, spec) == _stream([folder], None, spec)
            assert _run([folder], cache, spec) == _run([folder], False, spec)
    finally:
        incremental.FOLDER_SPLIT = old_split


def test_incremental_a_folder_file_that_became_a_duplicate_is_read(
        tmp_path: Path, opened: list[str]) -> None:
    """A feed added before a folder's files holds one of their ids: the run of unchanged
    files cannot be replayed at once; that file is read (a duplicate now), the rest are
    replayed one by one, and the result is what reading every file gives."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    for i, article_id in enumerate(["p", "q", "r", "s"]):
        (folder / f"b{i}.json").write_text(
            f'{{"id": "{article_id}", "date": "2024-03-0{i + 1}", "lang": "en", '
            f'"text": "Rebels captured Gao."}}', encoding="utf-8")
    spec = TemplateSpec(version="folder-dup")
    cache = tmp_path / "c.sqlite"
    _run([folder], cache, spec)
    _run([folder], cache, spec)
    _write(folder / "a.jsonl", "r", "Rebels captured Gao.")
    opened.clear()
    result = _run([folder], cache, spec)
    assert opened == ["a.jsonl", "b2.json"]
    assert result == _run([folder], False, spec)
    assert result[1] == {"duplicate": 1}


def test_incremental_runs_stand_for_the_articles_they_replay(tmp_path: Path,
                                                              corpus: Path) -> None:
    """With runs=True, what a file (or a run of a folder part's files) replays comes as one
    KnownRun: the same articles, in the same order, as the stream without runs gives one
    by one, and the same skips reported."""
    from conflictmap.cache import ReportCache

    spec = TemplateSpec(version="runs")
    store = tmp_path / "c.sqlite"
    _run([corpus], store, spec)  # the cache holds every file now
    (corpus / "zz-new.txt").write_text(make_article(5000, seed=9).text_file(),
                                       encoding="utf-8")
    version = spec.build()[1]
    streams = {}
    for runs in (False, True):
        skips: list[str] = []
        with ReportCache(store) as cache:
            items = list(incremental.articles([corpus], ArticleReader(skips.append), cache,
                                              version, runs=runs))
        streams[runs] = (items, skips)
    plain, grouped = streams[False][0], streams[True][0]
    runs = [item for item in grouped if isinstance(item, incremental.KnownRun)]
    assert runs and all(len(run) > 0 for run in runs)
    assert not any(isinstance(item, incremental.KnownRun) for item in plain)
    expanded = [a for item in grouped for a in (item if isinstance(item, incremental.KnownRun)
                                                else [item])]
    assert [(a.id, getattr(a, "key", None)) for a in expanded] == [
        (a.id, getattr(a, "key", None)) for a in plain]
    assert [tuple(a.reports) for a in expanded if isinstance(a, incremental.KnownArticle)] == [
        tuple(a.reports) for a in plain if isinstance(a, incremental.KnownArticle)]
    assert streams[False][1] == streams[True][1]
    run = runs[0]
    assert run[0] == next(iter(run)) and run[-1] == list(run)[-1] and run[:2] == list(run)[:2]


def test_incremental_same_id_and_text_in_two_json_lines_files(tmp_path: Path) -> None:
    """Found by the property test above: two files hold one id with one text (the second is
    a duplicate); the first's text changes, so the unchanged second is no duplicate now
    but kept under a new id, as reading it gives (it was replayed as a duplicate)."""
    folder, cache = tmp_path / "articles", tmp_path / "c.sqlite"
    folder.mkdir()
    spec = TemplateSpec(version="same-id")
    steps = [{"1.jsonl": [_LINES[0] % "a"], "2.jsonl": [_LINES[1] % "b"],
              "3.jsonl": [_LINES[1] % "b"]},
             {"1.jsonl": [_LINES[0] % "a"], "2.jsonl": [_LINES[0] % "b"],
              "3.jsonl": [_LINES[1] % "b"]}]
    for state in steps:
        for name, lines in state.items():
            path, text = folder / name, "\n".join(lines) + "\n"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                info = path.stat()
                os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1000))
        assert _run([folder], cache, spec) == _run([folder], False, spec)


# ---- decisions that depend on other files are taken again at every run ----

def _apply(folder: Path, state: dict[str, str]) -> None:
    """Make the folder hold exactly these files (name -> content); a file rewritten gets a
    new modification time, so that a rewrite within one clock tick changes its stamp."""
    for old in [p for p in folder.rglob("*") if p.is_file()]:
        if old.relative_to(folder).as_posix() not in state:
            old.unlink()
    for name, text in state.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            info = path.stat()
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1000))


def _cached_equal_uncached(tmp_path: Path, states: list[dict[str, str]], version: str,
                           inputs: list[str] | None = None,
                           ) -> list[tuple[str, dict[str, int], int]]:
    """Each state in turn, run with the cache (twice) and without: the runs must agree.
    ``inputs``: folders under the root given as the inputs (the root when None)."""
    root, cache = tmp_path / "in", tmp_path / "c.sqlite"
    root.mkdir(parents=True)
    spec = TemplateSpec(version=version)
    paths = [root / name for name in inputs] if inputs else [root]
    results = []
    for state in states:
        _apply(root, state)
        cached = _run(paths, cache, spec)
        assert cached == _run(paths, False, spec)
        assert _stream(paths, cache, spec) == _stream(paths, None, spec)
        assert _run(paths, cache, spec) == cached
        results.append(cached)
    return results


def _stream(paths: list[Path], cache: Path | None, spec: TemplateSpec,
            ) -> tuple[list[tuple[str, str, bytes]], list[str]]:
    """(id, language, cache key) of each article the reading stage gives, in order, and each
    skip's message: through the cache's manifests, or (``cache`` None) reading every file.
    The events do not show an article's language (the template extractor reads none)."""
    from conflictmap.cache import ReportCache, article_key

    version = spec.build()[1]
    skips: list[str] = []
    reader = ArticleReader(lambda skip: skips.append(str(skip)))
    if cache is None:
        found = [(a.id, a.lang, article_key(a, version))
                 for path, name in reader.files(paths) for a in reader.read(path, name)]
        return found, skips
    with ReportCache(cache) as store:
        found = [(a.id, a.lang, a.key if isinstance(a, incremental.KnownArticle)
                  else article_key(a, version))
                 for a in incremental.articles(paths, reader, store, version)]
    return found, skips


def _json(article_id: str, text: str, lang: str = "en", fmt: str = "jsonl") -> str:
    """An article as JSON; ``lang`` "": one that declares no language."""
    declared = f'"lang": "{lang}", ' if lang else ""
    line = f'{{"id": "{article_id}", "date": "2024-03-02", {declared}"text": "{text}"}}'
    return f"{line}\n" if fmt == "jsonl" else (f"[{line}]" if fmt == "array" else line)


_GAO, _KIDAL = "Rebels captured Gao.", "Kidal fell to the army."


def test_incremental_an_id_that_stopped_being_a_duplicate_in_a_folder(tmp_path: Path) -> None:
    """The same as above for JSON files of a folder (remembered in a folder part): the
    unchanged file's article is kept under a new id once the first one's text changed."""
    runs = _cached_equal_uncached(tmp_path, [
        {"a.json": _json("b", _KIDAL, fmt="json"), "c.json": _json("b", _KIDAL, fmt="json")},
        {"a.json": _json("b", _GAO, fmt="json"), "c.json": _json("b", _KIDAL, fmt="json")},
    ], "dup-folder")
    assert runs[0][1] == {"duplicate": 1} and runs[1][1] == {}


def test_incremental_a_text_changed_to_the_other_files_makes_a_duplicate(
        tmp_path: Path) -> None:
    """Two files, one id, two texts (the second kept as id~2); the first file's text becomes
    the second's: the second is a duplicate now; and back."""
    states = [{"2.jsonl": _json("b", _GAO), "3.jsonl": _json("b", _KIDAL)},
              {"2.jsonl": _json("b", _KIDAL), "3.jsonl": _json("b", _KIDAL)},
              {"2.jsonl": _json("b", _GAO), "3.jsonl": _json("b", _KIDAL)}]
    runs = _cached_equal_uncached(tmp_path, states, "dup-became")
    assert [r[1] for r in runs] == [{}, {"duplicate": 1}, {}]


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_incremental_duplicates_follow_the_order_of_the_files(tmp_path: Path, fmt: str) -> None:
    """The file holding an id first is renamed to sort after the other, removed, and put
    back: which of the two is the duplicate (or kept as id~2) follows the order; for JSON
    Lines files (a manifest each) and JSON files (a folder part's)."""
    def files(**texts: tuple[str, str]) -> dict[str, str]:
        return {f"{n}.{fmt}": _json(i, t, fmt=fmt) for n, (i, t) in texts.items()}

    same = files(n2=("b", _GAO), n3=("b", _GAO), n4=("c", _KIDAL))
    other = files(n2=("b", _GAO), n3=("b", _KIDAL))
    _cached_equal_uncached(tmp_path, [
        same, files(n5=("b", _GAO), n3=("b", _GAO)), same, files(n3=("b", _GAO)), same,
        other, files(n1=("b", _KIDAL), n2=("b", _GAO)), other,
    ], f"dup-order-{fmt}")


def test_incremental_ids_across_formats_and_inputs(tmp_path: Path) -> None:
    """A text file's id is its name: a JSON article with that id, in a JSON Lines file, a
    JSON file of another folder or another input, is a duplicate or kept as id~2 as its
    text says, whichever files changed."""
    txt = " date 2024-03-02\n\nRebels captured Gao.\n"
    html = ("<html><head><title>Gao</title><meta name='date' content='2024-03-02'></head>"
            "<body><article><p>Rebels captured Gao.</p></article></body></html>")
    as_txt = "\\n\\nRebels captured Gao.\\n"  # the text file's text, escaped for JSON
    both = {"one/a.txt": txt, "one/b.jsonl": _json("one/a.txt", as_txt),
            "two/c.json": _json("one/a.txt", as_txt, fmt="array"), "one/p.html": html,
            "two/q.jsonl": _json("one/p.html", _GAO)}
    states = [both, {**both, "one/a.txt": txt.replace("Gao", "Menaka"),
                     "one/p.html": html.replace("Gao.", "Menaka.")},
              {k: v for k, v in both.items() if k not in ("one/a.txt", "one/p.html")}, both]
    for inputs in (None, ["one", "two"]):
        runs = _cached_equal_uncached(tmp_path / str(inputs), states, "dup-formats", inputs)
        assert [r[1] for r in runs] == [{"duplicate": 3}, {}, {"duplicate": 1},
                                        {"duplicate": 3}]


_SHORT = "Gao 12 34."  # a short item whose words do not tell its language


def test_incremental_a_short_item_takes_the_language_of_its_folder_as_it_is_now(
        tmp_path: Path) -> None:
    """A short item takes the language most of its folder's articles have: when those
    change, the unchanged file holding it gives what reading it would."""
    long_en = "The rebels said that they captured the town of Gao. " * 15
    long_nl = "De rebellen zeiden dat zij de stad Gao hebben ingenomen. " * 15
    runs = _cached_equal_uncached(tmp_path, [
        {"a.json": _json("a", long_en, fmt="json"), "b.json": _json("b", _SHORT, "", "json"),
         "c.jsonl": _json("c", _SHORT, "")},
        {"a.json": _json("a", long_nl, "nl", "json"), "b.json": _json("b", _SHORT, "", "json"),
         "c.jsonl": _json("c", _SHORT, "")},
        {"a.json": _json("a", long_en, fmt="json"), "b.json": _json("b", _SHORT, "", "json"),
         "c.jsonl": _json("c", _SHORT, "")},
    ], "short-lang")
    assert runs[0][2] == 3


def test_incremental_a_short_items_declared_language_wins_cached_or_not(
        tmp_path: Path) -> None:
    """A short item whose words do not tell its language keeps the language it declares,
    whatever its folder's majority, in a run that reads it and in one that replays it
    (a JSON file of a folder part, a JSON Lines file); one that declares none takes its
    folder's."""
    long_en = "The rebels said that they captured the town of Gao. " * 15
    long_nl = "De rebellen zeiden dat zij de stad Gao hebben ingenomen. " * 15
    spec = TemplateSpec(version="declared")
    for long, lang, other in ((long_en, "en", "nl"), (long_nl, "nl", "en")):
        base = tmp_path / lang
        root, cache = base / "in", base / "c.sqlite"
        folder = {f"a{i}.json": _json(f"a{i}", long, lang, "json") for i in range(3)}
        _cached_equal_uncached(base, [
            {**folder, "b.json": _json("b", _SHORT, other, "json"),
             "c.jsonl": _json("c", _SHORT, other) + _json("d", _SHORT, "")},
        ], "declared")
        expected = [("a0", lang), ("a1", lang), ("a2", lang), ("b", other), ("c", other),
                    ("d", lang)]
        for replayed in (None, cache):  # read, and replayed from the cache's manifests
            found, _ = _stream([root], replayed, spec)
            assert [(i, language) for i, language, _ in found] == expected
        runlog = RunLog()
        collect_events([root], runlog, jobs=1, cache=cache, spec=spec)
        assert runlog.languages == Counter({lang: 4, other: 2})


def test_incremental_a_cache_where_a_declared_language_lost_is_not_replayed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache made when a short item's folder language still overrode the language it
    declares (manifests of form 6) is not replayed: its files are read again, and the
    declaration wins."""
    import dataclasses

    root, cache = tmp_path / "in", tmp_path / "c.sqlite"
    long_en = "The rebels said that they captured the town of Gao. " * 15
    _apply(root, {**{f"a{i}.json": _json(f"a{i}", long_en, fmt="json") for i in range(2)},
                  "b.json": _json("b", _SHORT, "nl", "json"), "c.jsonl": _json("c", _SHORT, "nl")})
    spec = TemplateSpec(version="old-manifests")
    decide = ArticleReader._language
    with monkeypatch.context() as old:  # the reader and the manifests of before
        old.setattr(manifests, "MANIFEST", 6)
        old.setattr(manifests, "FOLDER_FORM", 3)
        old.setattr(ArticleReader, "_language", lambda self, article, name: decide(
            self, dataclasses.replace(article, lang_settled=False), name))
        _run([root], cache, spec)
        assert [lang for _, lang, _ in _stream([root], cache, spec)[0]] == ["en"] * 4
    found, _ = _stream([root], cache, spec)
    assert [lang for _, lang, _ in found] == ["en", "en", "nl", "nl"]


def test_incremental_replayed_articles_count_for_their_folders_language(tmp_path: Path) -> None:
    """Unchanged files replayed count for their folder's language: a short item read after
    them takes the language they have, as when every file is read."""
    long_en = "The rebels said that they captured the town of Gao. " * 15
    _cached_equal_uncached(tmp_path, [
        {"a.json": _json("a", long_en, fmt="json"), "b.json": _json("b", long_en, fmt="json"),
         "m.jsonl": _json("m", long_en), "z.json": _json("z", _SHORT, "", "json")},
        {"a.json": _json("a", long_en, fmt="json"), "b.json": _json("b", long_en, fmt="json"),
         "m.jsonl": _json("m", long_en), "z.json": _json("z", _SHORT + " ", "", "json")},
        {"a.json": _json("a", long_en, fmt="json"), "b.json": _json("b", long_en, fmt="json"),
         "m.jsonl": _json("m", long_en) + _json("n", _SHORT, ""),
         "z.json": _json("z", _SHORT + " ", "", "json")},
    ], "short-replayed")



def test_incremental_a_folder_part_with_skips_and_duplicates_is_replayed(
        tmp_path: Path, opened: list[str]) -> None:
    """A folder part whose files gave a skip (no date header), a duplicate and a short item
    in its folder's language is replayed whole by the next run, not read again (its
    manifest's entries name their file)."""
    folder = tmp_path / "part"
    _apply(folder, {"a.json": _json("x", _GAO, fmt="json"), "b.txt": "no date here\n",
                    "c.json": _json("x", _GAO, fmt="json"),
                    "d.json": _json("y", _SHORT, "", fmt="json"),
                    "e.txt": " date 2024-03-02\n\nRebels captured Kidal.\n"})
    spec = TemplateSpec(version="part-skips")
    cache = tmp_path / "c.sqlite"
    first = _run([folder], cache, spec)
    assert first[1] == {"header": 1, "duplicate": 1} and first[2] == 3
    opened.clear()
    assert _run([folder], cache, spec) == first
    assert opened == []
