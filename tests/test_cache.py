"""The report cache: hits skip extraction, changes miss, damage is survived."""

from __future__ import annotations

import io
import json
import logging
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictmap.articles import parse_text, read_articles
from conflictmap.cache import ReportCache, article_key
from conflictmap.engines import worker_extractor
from conflictmap.model import Change, Event
from conflictmap.packs import decode_pack, encode_pack, open_pack, report_places
from conflictmap.pipeline import collect_events
from conflictmap.reportrows import decode_events, encode_events
from conflictmap.runlog import RunLog
from conflictmap.store import dump_jsonl
from conflictmap.synthetic import TemplateSpec, make_article, write_folder
from map_fixtures import ALEPPO, HTS, SAA, make_event
from test_fuzz import events as fuzz_events


@pytest.fixture(autouse=True)
def _plain_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the CLI's logging setup (other tests run main()) so caplog sees our records."""
    logger = logging.getLogger("conflictmap")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", True)
    monkeypatch.setattr(logger, "level", logging.NOTSET)


def _calls(spec: TemplateSpec) -> int:
    return worker_extractor(spec)[0].calls


def _run(corpus: Path, cache: Path, spec: TemplateSpec) -> tuple[int, str]:
    """(articles extracted by this run, the events as JSON Lines); in this process."""
    before = _calls(spec)
    _, events = collect_events([corpus], RunLog(), jobs=1, cache=cache, spec=spec)
    out = io.StringIO()
    dump_jsonl(events, out)
    return _calls(spec) - before, out.getvalue()


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    write_folder(tmp_path / "articles", 120, seed=11)
    return tmp_path / "articles"


def test_cache_hit_skips_extraction(tmp_path: Path, corpus: Path) -> None:
    spec = TemplateSpec(version="hit")
    first = _run(corpus, tmp_path / "c.sqlite", spec)
    second = _run(corpus, tmp_path / "c.sqlite", spec)
    assert first[0] == 120
    assert second == (0, first[1])


def test_cache_adding_an_article_extracts_only_it(tmp_path: Path, corpus: Path) -> None:
    spec = TemplateSpec(version="add")
    _run(corpus, tmp_path / "c.sqlite", spec)
    extra = make_article(5000, seed=11)
    (corpus / "new.txt").write_text(extra.text_file(), encoding="utf-8")
    extracted, out = _run(corpus, tmp_path / "c.sqlite", spec)
    assert extracted == 1
    assert out == _run(corpus, tmp_path / "fresh.sqlite", spec)[1]


def test_cache_changed_article_is_extracted_again(tmp_path: Path, corpus: Path) -> None:
    spec = TemplateSpec(version="edit")
    _run(corpus, tmp_path / "c.sqlite", spec)
    victim = sorted(corpus.rglob("*.txt"))[3]
    victim.write_text(victim.read_text(encoding="utf-8") + "\nKidal fell to Tuareg rebels.\n",
                      encoding="utf-8")
    assert _run(corpus, tmp_path / "c.sqlite", spec)[0] == 1


def test_cache_new_rules_version_invalidates(tmp_path: Path, corpus: Path) -> None:
    _run(corpus, tmp_path / "c.sqlite", TemplateSpec(version="rules-a"))
    assert _run(corpus, tmp_path / "c.sqlite", TemplateSpec(version="rules-b"))[0] == 120
    assert _run(corpus, tmp_path / "c.sqlite", TemplateSpec(version="rules-a"))[0] == 0


def test_cache_key_covers_content_and_version() -> None:
    synthetic = make_article(1)
    article = parse_text(synthetic.id, synthetic.text_file(), synthetic.id)
    key = article_key(article, "v1")
    assert key == article_key(article, "v1")
    assert key != article_key(article, "v2")
    assert key != article_key(replace(article, text=article.text + " "), "v1")
    assert key != article_key(replace(article, id="other"), "v1")


def test_cache_codec_round_trips_events(articles_dir: Path) -> None:
    from conflictmap.engines import ExtractorSpec

    extractor = ExtractorSpec().build()[0]
    for article in read_articles([articles_dir]):
        events = extractor.extract(article)
        assert decode_events(encode_events(events)) == events


@pytest.mark.parametrize("blob", [b"[1, 2]", b"{}", b'[["capture"]]',
                                  b"[[1,2,3,4,5,6,7,8,9,10,11]]"])
def test_cache_garbled_row_is_a_value_error(blob: bytes) -> None:
    with pytest.raises(ValueError, match="not an encoded report"):
        decode_events(blob)


def _filled_cache(path: Path, rows: int = 2000) -> None:
    with ReportCache(path) as cache:
        cache.put_many((i.to_bytes(20, "big"), b"[]" * 50) for i in range(rows))


@pytest.mark.parametrize("damage", ["garbage", "pages"])
def test_cache_corrupt_file_is_rebuilt_with_a_warning(tmp_path: Path, damage: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "c.sqlite"
    if damage == "garbage":
        path.write_bytes(b"this is not a database\n" * 400)
    else:
        _filled_cache(path)
        data = bytearray(path.read_bytes())
        data[8192:40960] = b"\xa5" * (40960 - 8192)
        path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="conflictmap.cache"), ReportCache(path) as cache:
        assert len(cache) == 0
        cache.put_many([(b"k" * 20, b"[]")])
        assert cache.get_many([b"k" * 20]) == {b"k" * 20: b"[]"}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "rebuilding it" in warnings[0].getMessage()
    assert "\n" not in warnings[0].getMessage()


WRITER = textwrap.dedent("""
    import sys
    from conflictmap.cache import ReportCache
    cache = ReportCache(sys.argv[1])
    n = 0
    while True:
        rows = [((n * 1000 + i).to_bytes(20, "big"), b"x" * 300) for i in range(1000)]
        cache.put_many(rows)
        n += 1
        print(n, flush=True)
""")


def test_cache_killed_mid_write_is_still_usable(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "c.sqlite"
    with subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE,
                          text=True) as writer:
        try:
            assert writer.stdout is not None
            committed = 0
            while committed < 5:
                committed = int(writer.stdout.readline())
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
    assert writer.returncode == -signal.SIGKILL
    with caplog.at_level(logging.WARNING), ReportCache(path) as cache:
        assert len(cache) >= committed * 1000
        assert len(cache) % 1000 == 0  # whole transactions only
        last = (committed * 1000 - 1).to_bytes(20, "big")
        assert cache.get_many([last]) == {last: b"x" * 300}
        cache.put_many([(b"after" * 4, b"[]")])
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_cache_batched_lookup_beyond_one_query(tmp_path: Path) -> None:
    _filled_cache(tmp_path / "c.sqlite", rows=1500)
    with ReportCache(tmp_path / "c.sqlite") as cache:
        keys = [i.to_bytes(20, "big") for i in range(0, 3000, 2)]
        found = cache.get_many(keys)
    assert len(found) == 750
    assert (cache.hits, cache.misses) == (750, 750)


def test_cache_fully_cached_run_starts_no_pool(tmp_path: Path, corpus: Path) -> None:
    """A cached run starts at most the one worker that loads ahead (engines.WarmEngine),
    gives it nothing to do, and leaves no process behind."""
    import multiprocessing

    from conflictmap.reportstream import RunOptions, stream_reports

    spec = TemplateSpec(version="no-workers")
    _run(corpus, tmp_path / "c.sqlite", spec)
    before = set(multiprocessing.active_children())
    options = RunOptions(jobs=2)
    stream = stream_reports(read_articles([corpus]), spec, options=options,
                            cache_path=tmp_path / "c.sqlite")
    seen = 0
    for _ in stream:
        seen += 1
        assert len(set(multiprocessing.active_children()) - before) <= 1
    assert seen == 120
    assert set(multiprocessing.active_children()) <= before


def _events_text(corpus: Path, cache: Path | bool) -> str:
    _, events = collect_events([corpus], RunLog(), jobs=1, cache=cache,
                               spec=TemplateSpec(version="unusable"))
    out = io.StringIO()
    dump_jsonl(events, out)
    return out.getvalue()


def test_cache_unopenable_path_runs_without_cache(tmp_path: Path, corpus: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "dir.sqlite").mkdir()
    with caplog.at_level(logging.WARNING):
        assert _events_text(corpus, tmp_path / "dir.sqlite") == _events_text(corpus, False)
    assert "cannot use the cache" in caplog.text
    assert (tmp_path / "dir.sqlite").is_dir()


def test_cache_locked_by_another_writer_is_kept(tmp_path: Path, corpus: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    import sqlite3

    import conflictmap.cache

    path = tmp_path / "c.sqlite"
    _filled_cache(path, rows=10)
    monkeypatch.setattr(conflictmap.cache, "BUSY_TIMEOUT", 0.05)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another run holds the write lock
        with caplog.at_level(logging.WARNING):
            assert _events_text(corpus, path) == _events_text(corpus, False)
        other.execute("COMMIT")
    finally:
        other.close()
    assert "cannot write the cache" in caplog.text
    assert "rebuilding" not in caplog.text
    with ReportCache(path) as cache:
        assert len(cache) == 10


def test_cache_decoded_events_have_every_field_and_the_same_id(articles_dir: Path) -> None:
    """Decoding restores the stored id instead of hashing again: it must be the id the
    fields give, and Event.restore must set every field the dataclass has."""
    from dataclasses import fields

    from conflictmap.engines import ExtractorSpec
    from conflictmap.model import Event

    extractor = ExtractorSpec().build()[0]
    events = [e for a in read_articles([articles_dir]) for e in extractor.extract(a)]
    assert events
    decoded = decode_events(encode_events(events))
    for event, back in zip(events, decoded, strict=True):
        for f in fields(Event):
            assert getattr(back, f.name) == getattr(event, f.name), f.name
        assert back.id == replace(back).id  # the id of its fields, computed afresh


# ---- packs: many articles' reports in one blob (incremental.py replays files from them) ----

@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(fuzz_events(), max_size=3), max_size=5))
def test_cache_pack_round_trips_articles(articles: list[list[Event]]) -> None:
    back = decode_pack(encode_pack(articles))
    assert back == [tuple(reports) for reports in articles]
    assert [e.id for a in back for e in a] == [e.id for a in articles for e in a]
    assert all(type(a) is tuple for a in back)


def test_cache_pack_equals_the_rows_of_real_reports(articles_dir: Path) -> None:
    from conflictmap.engines import ExtractorSpec

    extractor = ExtractorSpec().build()[0]
    articles = [extractor.extract(a) for a in read_articles([articles_dir])]
    assert any(articles)
    assert decode_pack(encode_pack(articles)) == [
        tuple(decode_events(encode_events(reports))) for reports in articles]


def _reframed(index: dict, columns: dict) -> bytes:
    """A pack of this index and these columns, checksummed as encode_pack does."""
    import json

    from conflictmap.sealed import checksum

    body = json.dumps(index).encode() + b"\0" + json.dumps(columns).encode()
    return checksum(body) + body


def _parts(blob: bytes) -> tuple[dict, dict]:
    import json

    index, _, columns = blob[16:].partition(b"\0")
    return json.loads(index), json.loads(columns)


@pytest.mark.parametrize("damage", ["other version", "short column", "bad index", "bad code",
                                    "counts", "negative count", "negative index",
                                    "float index", "id not a string", "no sources",
                                    "string not a string", "index not the columns"])
def test_cache_garbled_pack_is_a_value_error(damage: str) -> None:
    """A pack whose columns do not fit (as only a faulty writer could make: its checksum
    holds) is a ValueError: decode_pack at once, open_pack at the first read of a report;
    its index (places, counts) is checked by open_pack at once."""
    event = make_event(Change.CAPTURE, ALEPPO, date(2024, 11, 29), actor=HTS, loser=SAA,
                       quotes=("HTS took Aleppo.", "Aleppo fell."))
    index, data = _parts(encode_pack([[event], [], [event, event]]))
    at_open = damage in ("other version", "counts", "negative count")
    if damage == "other version":
        index["pack"] = 999
    elif damage == "short column":
        data["rows"]["quote"].pop()
    elif damage == "bad index":
        data["rows"]["place"][0] = 7
    elif damage == "bad code":
        data["codes"] = ["nonsense"] * len(data["codes"])
    elif damage == "counts":
        index["counts"] = [1, 1]
    elif damage == "negative index":
        data["rows"]["period"][1] = -1
    elif damage == "float index":
        data["rows"]["art"][0] = 0.0
    elif damage == "id not a string":
        data["rows"]["id"][2] = 12
    elif damage == "no sources":
        data["rows"]["nsrc"][0] = 0
    elif damage == "string not a string":
        data["strings"][0] = ["a"]
    elif damage == "index not the columns":
        data["counts"] = [2, 0, 1]
    else:
        index["counts"] = [4, -1, 0]
    blob = _reframed(index, data)
    with pytest.raises(ValueError, match="not a pack of reports"):
        decode_pack(blob)
    if at_open:
        with pytest.raises(ValueError, match="not a pack of reports"):
            open_pack(blob)
        return
    packed = open_pack(blob)  # the index is sound: places and counts are known
    assert [len(p) for p in packed] == [1, 0, 2]
    with pytest.raises(ValueError, match="not a pack of reports"):
        list(packed[0])


@pytest.mark.parametrize("form", ["not json", "a list", "too short", "a byte changed",
                                  "cut short"])
def test_cache_damaged_pack_is_found_at_open(form: str) -> None:
    """Any change to a pack's bytes breaks its checksum: open_pack raises at once."""
    blob = encode_pack([[make_event(Change.CAPTURE, ALEPPO, date(2024, 11, 29))], []])
    damaged = {"not json": b"\x00pack", "a list": b"[1, 2]", "too short": blob[:10],
               "a byte changed": blob[:40] + bytes([blob[40] ^ 1]) + blob[41:],
               "cut short": blob[:-5]}[form]
    for read in (open_pack, decode_pack):
        with pytest.raises(ValueError, match="not a pack of reports"):
            read(damaged)


def test_cache_open_pack_knows_places_and_counts_and_builds_reports_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from conflictmap import packs

    built: list[int] = []
    real = packs._built
    monkeypatch.setattr(packs, "_built",
                        lambda data, tables: built.append(1) or real(data, tables))
    parsed: list[int] = []
    real_checked = packs._checked
    monkeypatch.setattr(packs, "_checked",
                        lambda data: parsed.append(1) or real_checked(data))
    first = make_event(Change.CAPTURE, ALEPPO, date(2024, 11, 29), actor=HTS, loser=SAA)
    other = replace(first, place=replace(ALEPPO, id="local:other", name="Other"))
    articles = [[first, other], [], [other]]
    packed = open_pack(encode_pack(articles))
    assert [p.places for p in packed] == [(ALEPPO.id, "local:other"), (), ("local:other",)]
    assert [len(p) for p in packed] == [2, 0, 1] and not packed[1]
    assert [list(report_places(p)) for p in packed] == [report_places(a) for a in articles] \
        == [[ALEPPO.id, "local:other"], [], ["local:other"]]
    assert built == [] and parsed == []  # nothing parsed for places and counts
    assert packed[2][0] == other and list(packed[0]) == [first, other]
    assert packed == [tuple(a) for a in articles] and packed[0] == packed[0]
    assert hash(packed[0]) == hash((first, other)) and packed[0] != [first, other]
    assert built == [1] and parsed == [1]  # the whole pack at the first read, once
    assert "2 reports" in repr(packed[0])


# ---- merged events remembered per place (MergedCache) ----

def _places_of(reports: list[Event], n: int) -> list[Event]:
    """The reports spread over ``n`` places (same names, other ids)."""
    return [replace(e, place=replace(e.place, id=f"{e.place.id}#{i % n}"))
            for i, e in enumerate(reports)]


def _consolidated(cache: Path, reports: list[Event], keys: list[bytes],
                  ) -> tuple[list[Event], int, int]:
    """consolidate(reports) with a MergedCache on ``cache``: (events, merged, replayed)."""
    from conflictmap.consolidate import consolidate
    from conflictmap.mergedcache import MergedCache

    with ReportCache(cache) as store:
        memo = MergedCache(store)
        for key, report in zip(keys, reports, strict=True):
            memo.note(key, [report])
        events = consolidate(reports, memo)
        memo.flush()
    return events, memo.merged, memo.replayed


@settings(max_examples=60, deadline=None)
@given(reports=st.lists(fuzz_events(), max_size=12), places=st.integers(1, 3),
       changed=st.integers(0, 20))
def test_cache_merged_events_are_those_of_a_fresh_merge(reports: list[Event], places: int,
                                                        changed: int) -> None:
    """Remembered merges give what merging gives: the same run again replays every place;
    a report from a changed article merges its own place again, and only it."""
    import tempfile

    from conflictmap.consolidate import consolidate

    reports = _places_of(reports, places)
    keys = [i.to_bytes(20, "big") for i in range(len(reports))]
    expected = consolidate(list(reports))
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "c.sqlite"
        first = _consolidated(cache, reports, keys)
        assert first[0] == expected
        n_places = len({e.place.id for e in reports})
        assert first[1:] == (n_places, 0)
        copies = [decode_events(encode_events([e]))[0] for e in reports]  # as a new run has them
        again = _consolidated(cache, copies, keys)
        assert again == (expected, 0, n_places)
        if reports:
            k = changed % len(reports)
            keys[k] = b"\xff" * 20
            third = _consolidated(cache, copies, keys)
            assert third == (expected, 1, n_places - 1)


@pytest.mark.parametrize("damage", [b"garbage", b"{}", b"[[99]]", b"[[0, 1]]",
                                    b'[["id", "capture", "reported", "2024-01-01", '
                                    b'"2024-01-02", 2, 7, -1, 0.5, 1, [0, 5]]]'])
def test_cache_merged_events_that_do_not_fit_are_merged_again(tmp_path: Path,
                                                               damage: bytes) -> None:
    from conflictmap.consolidate import consolidate

    reports = [make_event(Change.CAPTURE, ALEPPO, date(2024, 11, 27 + i), date(2024, 11, 30),
                          actor=HTS, loser=SAA, article=f"a{i}.txt") for i in range(3)]
    keys = [bytes([i]) * 20 for i in range(3)]
    cache = tmp_path / "c.sqlite"
    _consolidated(cache, reports, keys)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE merges SET recipe = ?", (damage,))
    assert _consolidated(cache, reports, keys) == (consolidate(list(reports)), 1, 0)


def test_cache_a_run_merges_again_only_the_places_it_changed(
        tmp_path: Path, corpus: Path, caplog: pytest.LogCaptureFixture) -> None:
    spec = TemplateSpec(version="merged")
    cache = tmp_path / "c.sqlite"
    first = _run(corpus, cache, spec)
    with caplog.at_level(logging.INFO, logger="conflictmap.streammerge"):
        assert _run(corpus, cache, spec) == (0, first[1])
    assert "consolidated: 0 places merged" in caplog.text
    caplog.clear()
    article = next(a for a in map(make_article, range(7300, 7400)) if a.expected)
    (corpus / "zz-new.txt").write_text(article.text_file(), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="conflictmap.streammerge"):
        extracted, text = _run(corpus, cache, spec)
    assert extracted == 1
    line = next(r.getMessage() for r in caplog.records if "consolidated" in r.getMessage())
    assert int(line.split()[1]) == len({e.place for e in article.expected})  # its places
    assert text == _run(corpus, False, spec)[1]


def test_cache_encoded_reports_decode_at_the_first_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's reports reach the main process encoded, with their places: they are
    decoded at the first read, once, and equal the reports."""
    from conflictmap import reportrows
    from conflictmap.reportrows import EncodedReports

    first = make_event(Change.CAPTURE, ALEPPO, date(2024, 11, 29), actor=HTS, loser=SAA)
    other = replace(first, place=replace(ALEPPO, id="local:other", name="Other"))
    decoded: list[int] = []
    real = reportrows.decode_events
    monkeypatch.setattr(reportrows, "decode_events",
                        lambda blob: decoded.append(1) or real(blob))
    reports = EncodedReports(encode_events([first, other]), (ALEPPO.id, "local:other"))
    assert len(reports) == 2 and list(report_places(reports)) == [ALEPPO.id, "local:other"]
    assert decoded == []
    assert reports == (first, other) and reports == [first, other] and reports[1] == other
    assert list(reports) == [first, other] and hash(reports) == hash((first, other))
    assert decoded == [1] and "2 reports" in repr(reports)
    assert reports.decoded and reports.blob == b""  # the events hold it now
    wrong = EncodedReports(encode_events([first]), ("local:other",))
    with pytest.raises(ValueError, match="not at the places"):
        list(wrong)


_BLOBS = {"reports": ("key", "blob"), "files": ("path", "manifest"),
          "packs": ("rowid", "pack"), "merges": ("place", "recipe"),
          "merged_rows": ("place", "events")}


def _corrupt(cache: Path, tables: list[str], seed: int) -> int:
    """Random bytes written at random places into every row of those tables' blobs (what
    a bad disk or a stray write does: SQLite's own checks do not see it). The rows hit."""
    import random

    rng = random.Random(seed)
    hit = 0
    with sqlite3.connect(cache) as db:
        for table in tables:
            key, column = _BLOBS[table]
            for row, blob in db.execute(f"SELECT {key}, {column} FROM {table}").fetchall():
                data = bytearray(blob)
                if not data:
                    continue
                for _ in range(rng.randint(1, 8)):
                    at = rng.randrange(len(data))
                    data[at] = (data[at] + rng.randint(1, 255)) % 256  # always a change
                db.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                           (bytes(data), row))
                hit += 1
    return hit


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("tables", [["reports"], ["files"], ["merges"], ["merged_rows"],
                                    list(_BLOBS)])
def test_cache_damaged_rows_are_extracted_again_and_the_outputs_stay_right(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, tables: list[str], seed: int,
        ) -> None:
    """Every cached blob carries a checksum: a row whose bytes changed is not believed
    (one warning), what it held is made again, and the events are those of a clean run."""
    corpus = tmp_path / "articles"
    write_folder(corpus, 150, seed=5)
    (corpus / "batch.jsonl").write_text("".join(
        json.dumps({"id": f"j{i}", "date": "2024-05-01", "text": make_article(
            i, seed=9).text}) + "\n" for i in range(80)), encoding="utf-8")
    spec = TemplateSpec(version=f"damage-{seed}")
    cache = tmp_path / "c.sqlite"
    _, clean = _run(corpus, cache, spec)
    assert _run(corpus, cache, spec)[1] == clean
    hit = _corrupt(cache, tables, seed)
    assert hit > 0
    caplog.clear()
    assert _run(corpus, cache, spec)[1] == clean
    warnings = [r for r in caplog.records if "damaged cache row" in r.getMessage()]
    assert len(warnings) <= 1
    if "reports" in tables or "files" in tables:
        assert len(warnings) == 1
    caplog.clear()
    assert _run(corpus, cache, spec) == (0, clean)  # the rows were written again
    assert not [r for r in caplog.records if "damaged" in r.getMessage()]
