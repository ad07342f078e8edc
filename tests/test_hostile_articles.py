"""Bad article input: every unusable file or line is skipped with a one-line warning naming
it (and the line), the run goes on, the summary counts why, and nothing crashes."""

from __future__ import annotations

import codecs
import json
import os
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import pytest

from conflictmap.articles import MAX_ARTICLE_BYTES, Skip, decode, read_articles
from conflictmap.cli import main
from conflictmap.model import Article, Interval
from hostile_helpers import CAPTURE_NL, assert_clean_stderr, markup_payloads

GOOD = " date 2024-12 Goed artikel over de stad.\n"
MB = 1 << 20


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report cache goes to this test's folder, never the working directory."""
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache" / "reports.sqlite"))


def _read(*paths: Path) -> tuple[list[Article], list[Skip]]:
    skips: list[Skip] = []
    return list(read_articles(list(paths), on_skip=skips.append)), skips


def _assert_one_line(skip: Skip, name: str) -> None:
    text = str(skip)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text, repr(text)
    assert name in text, (name, text)
    assert "expected" in text or "duplicate" in text or "no such" in text, text


def _soon(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


# (file name, content, reason it is skipped). Each is read beside a good article.
BAD_FILES: list[tuple[str, bytes, str]] = [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n\t\n", "header"),
    ("onlyheader.txt", b" date 2024-12\n", "empty"),
    ("onlyheader_ws.txt", b" date 2024-12    \n\n  \n", "empty"),
    ("nul.txt", b" date 2024-12 De stad\x00 viel.", "binary"),
    ("binary.txt", bytes(range(256)) * 40, "binary"),
    ("png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
    ("controls.txt", b" date 2024-12 " + bytes(range(1, 9)) * 300, "binary"),
    ("elf.md", b"\x7fELF\x02\x01\x01\x00" + bytes(100), "binary"),
    ("nodate.txt", b"Just some text without a header.\n", "header"),
    ("date_word.txt", b" date tomorrow De stad viel.\n", "date"),
    ("date_month13.txt", b" date 2024-13 De stad viel.\n", "date"),
    ("date_feb30.txt", b" date 2024-02-30 De stad viel.\n", "date"),
    ("date_day00.txt", b" date 2024-02-00 De stad viel.\n", "date"),
    ("date_slashes.txt", b" date 06/12/2024 De stad viel.\n", "date"),
    ("date_only_word.txt", b" date\nDe stad viel.\n", "header"),
    ("future.txt", b" date 2999-01-01 De stad viel.\n", "date"),
    ("future_soon.txt", f" date {_soon(40)} De stad viel.\n".encode(), "date"),
    ("old.txt", b" date 1899-12-31 De stad viel.\n", "date"),
    ("year0.txt", b" date 0000-01 De stad viel.\n", "date"),
    ("front_nodate.md", b"---\ntitle: x\n---\nDe stad viel.\n", "date"),
    ("front_baddate.md", b"---\ndate: 12 december\n---\nDe stad viel.\n", "date"),
    ("front_unclosed.md", b"---\ndate: 2024-12-01\nDe stad viel.\n", "header"),
    ("front_empty_body.md", b"---\ndate: 2024-12-01\n---\n\n", "empty"),
    ("bad.json", b'{"date": "2024-12", "text": ', "json"),
    ("deep.json", b"[" * 50_000, "json"),
    ("bigint.json", b'{"date":"2024-12","text":"x","n":' + b"9" * 5000 + b"}", "json"),
    ("nodate.json", b'{"text": "De stad viel."}', "date"),
    ("list.json", b'[1]', "invalid"),
    ("text_not_string.json", b'{"date":"2024-12","text":["De stad viel."]}', "invalid"),
    ("date_number.json", b'{"date":2024,"text":"De stad viel."}', "date"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES,
                         ids=[c[0] for c in BAD_FILES])
def test_hostile_bad_file_is_skipped_and_run_goes_on(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "zz_good.txt").write_text(GOOD, encoding="utf-8")
    articles, skips = _read(tmp_path)
    assert [a.id for a in articles] == ["zz_good.txt"]
    assert [(s.path, s.reason) for s in skips] == [(name, reason)]
    _assert_one_line(skips[0], name)


TEXT = " date 2024-12 Kämpfe in Gaza-Stad, één dag. Russische troepen namen de stad in."

# (file name, content, a string the article text must contain). All readable.
ENCODINGS: list[tuple[str, bytes, str]] = [
    ("utf8.txt", TEXT.encode(), "één"),
    ("latin1.txt", TEXT.encode("latin-1"), "één"),
    ("cp1252.txt", (TEXT + " \u201cquote\u201d \u20ac").encode("cp1252"), "\u201cquote\u201d"),
    ("utf8_bom.txt", codecs.BOM_UTF8 + TEXT.encode(), "één"),
    ("utf8_bom_crlf.txt", codecs.BOM_UTF8 + TEXT.replace(". ", ".\r\n").encode(), "één"),
    ("utf16le_bom.txt", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "één"),
    ("utf16be_bom.txt", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "één"),
    ("utf16le_nobom.txt", TEXT.encode("utf-16-le"), "één"),
    ("utf16be_nobom.txt", TEXT.encode("utf-16-be"), "één"),
    ("utf8_bom_broken.txt", codecs.BOM_UTF8 + TEXT.encode() + b"\xff\xfe\xc3", "één"),
    ("utf16_bom_odd.txt", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le") + b"\x00", "één"),
    ("utf16_bom_lone_surrogate.txt",
     codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le") + b"\x00\xd8a\x00", "één"),
    ("mixed_utf8_latin1.txt", TEXT.encode() + " café".encode("latin-1"), "Gaza-Stad"),
    ("cr_only.txt", TEXT.replace(". ", ".\r").encode(), "één"),
    ("header_no_space.txt", TEXT.lstrip().encode(), "één"),
    ("header_tab.txt", TEXT.replace(" date ", "\tdate\t").encode(), "één"),
    ("iso_datetime.txt", TEXT.replace("2024-12", "2024-12-06T10:00:00+01:00").encode(), "één"),
]


@pytest.mark.parametrize(("name", "content", "expected"), ENCODINGS,
                         ids=[c[0] for c in ENCODINGS])
def test_hostile_encodings_are_read(tmp_path, name, content, expected):
    (tmp_path / name).write_bytes(content)
    (article,), skips = _read(tmp_path)
    assert skips == []
    assert expected in article.text
    assert "\x00" not in article.text and "\r" not in article.text
    article.text.encode("utf-8")  # no lone surrogates: every output can be written


def _jsonl(*rows: object) -> bytes:
    return b"\n".join(r if isinstance(r, bytes) else json.dumps(r).encode() for r in rows) + b"\n"


OK_ROW = {"date": "2024-12-01", "text": "De stad viel."}

# (content of feed.jsonl, ids read, [(line, reason)] skipped)
JSONL: list[tuple[str, bytes, list[str], list[tuple[int, str]]]] = [
    ("invalid_utf8", _jsonl(b'{"date":"2024-12","text":"caf\xe9 De stad viel."}', OK_ROW),
     ["feed.jsonl#1", "feed.jsonl#2"], []),
    ("nul_line", _jsonl(b'{"date":"2024-12","text":"a\x00b"}', OK_ROW),
     ["feed.jsonl#2"], [(1, "binary")]),
    ("json_nul_escape", _jsonl({"date": "2024-12", "text": "De stad\u0000 viel."}),
     ["feed.jsonl#1"], []),
    ("lone_surrogate", _jsonl(b'{"date":"2024-12","text":"De \\ud800 stad viel."}'),
     ["feed.jsonl#1"], []),
    ("deep", _jsonl(b"[" * 100_000, OK_ROW), ["feed.jsonl#2"], [(1, "json")]),
    ("bigint", _jsonl(b'{"date":"2024-12","text":"x","n":' + b"1" * 5000 + b"}", OK_ROW),
     ["feed.jsonl#2"], [(1, "json")]),
    ("scalars", _jsonl(b"null", b"42", b'"text"', b"[]", b"true", OK_ROW),
     ["feed.jsonl#6"], [(n, "invalid") for n in range(1, 6)]),
    ("truncated", _jsonl(b'{"date":"2024-12","text":"De st', OK_ROW),
     ["feed.jsonl#2"], [(1, "json")]),
    ("duplicate_ids", _jsonl({"id": "x", **OK_ROW}, {"id": "x", **OK_ROW}, {"id": "y", **OK_ROW}),
     ["x", "y"], [(2, "duplicate")]),
    ("bom_first_line", codecs.BOM_UTF8 + _jsonl(OK_ROW, OK_ROW),
     ["feed.jsonl#1", "feed.jsonl#2"], []),
    ("crlf", _jsonl(OK_ROW, OK_ROW).replace(b"\n", b"\r\n"),
     ["feed.jsonl#1", "feed.jsonl#2"], []),
    ("blank_lines", b"\n\n  \n" + _jsonl(OK_ROW), ["feed.jsonl#4"], []),
    ("no_text", _jsonl({"date": "2024-12"}, {"date": "2024-12", "text": "  "}), [],
     [(1, "empty"), (2, "empty")]),
    ("future", _jsonl({"date": "2999-12", "text": "x"}, {"date": "1066-10", "text": "x"}), [],
     [(1, "date"), (2, "date")]),
    ("ids_odd", _jsonl({"id": 7, **OK_ROW}, {"id": {"a": 1}, **OK_ROW}, {"id": "", **OK_ROW}),
     ["7", "feed.jsonl#2", "feed.jsonl#3"], []),
    ("ids_beyond_64_bits", _jsonl({"id": 123456789012345678901234567890, **OK_ROW},
                                  {"id": -9223372036854775809, **OK_ROW},
                                  {"id": 18446744073709551615, **OK_ROW}),
     ["123456789012345678901234567890", "-9223372036854775809", "18446744073709551615"], []),
    ("nan_and_infinity", _jsonl(b'{"date":"2024-12","text":"x","a":NaN,"b":-Infinity}'),
     ["feed.jsonl#1"], []),
]


@pytest.mark.parametrize(("case", "content", "ids", "skipped"), JSONL, ids=[c[0] for c in JSONL])
def test_hostile_json_lines(tmp_path, case, content, ids, skipped):
    (tmp_path / "feed.jsonl").write_bytes(content)
    articles, skips = _read(tmp_path)
    assert [a.id for a in articles] == ids
    assert [(s.line, s.reason) for s in skips] == skipped
    for skip in skips:
        _assert_one_line(skip, "feed.jsonl")
        assert f"feed.jsonl:{skip.line}" in str(skip)
    for article in articles:
        article.text.encode("utf-8")
        assert "\x00" not in article.text


def test_hostile_metadata_is_one_line_and_urls_only_http(tmp_path):
    row = {"id": "evil\n\x1b[31mred\u2028x", "date": "2024-12", "text": CAPTURE_NL,
           "title": "Titel\r\nmet\x00regels\x1b]0;pwned\x07", "source": "Bron\x85\u2029x",
           "url": "javascript:alert(1)"}
    good = {**row, "id": "ok", "url": "https://example.org/a?b=1"}
    (tmp_path / "feed.jsonl").write_bytes(_jsonl(row, good))
    (evil, ok), skips = _read(tmp_path)
    assert skips == []
    for value in (evil.id, evil.title, evil.source):
        assert value.isprintable(), repr(value)
    assert evil.url == "" and ok.url == "https://example.org/a?b=1"


@pytest.mark.parametrize("url", [p for p in markup_payloads() if ":" in p[:12] or
                                 p.startswith("//")])
def test_hostile_article_url_keeps_http_only(tmp_path, url):
    (tmp_path / "feed.jsonl").write_bytes(_jsonl({"date": "2024-12", "text": "x", "url": url}))
    (article,), _ = _read(tmp_path)
    assert article.url == "" or article.url.lower().startswith(("http://", "https://"))


def test_hostile_huge_file_skipped_without_reading(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # 50 MB, sparse: cheap to make
        handle.write(b" date 2024-12 ")
        handle.truncate(50 * MB)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    articles, skips = _read(tmp_path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [a.id for a in articles] == ["good.txt"]
    assert [(s.path, s.reason) for s in skips] == [("huge.txt", "size")]
    assert elapsed < 2 and peak < 5 * MB, (elapsed, peak)


def test_hostile_huge_json_lines_line_is_streamed(tmp_path):
    feed = tmp_path / "feed.jsonl"
    with feed.open("wb") as handle:  # one 50 MB line between two good ones
        handle.write(_jsonl({"id": "a", **OK_ROW}))
        handle.write(b'{"date":"2024-12","text":"')
        chunk = b"a" * MB
        for _ in range(50):
            handle.write(chunk)
        handle.write(b'"}\n')
        handle.write(_jsonl({"id": "b", **OK_ROW}))
    tracemalloc.start()
    articles, skips = _read(feed)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [a.id for a in articles] == ["a", "b"]
    assert [(s.line, s.reason) for s in skips] == [(2, "size")]
    assert peak < 3 * MAX_ARTICLE_BYTES, peak  # never the whole 50 MB line


@pytest.mark.parametrize(("size", "read"), [(MAX_ARTICLE_BYTES - 100, True),
                                            (5 * MB, False)])
def test_hostile_very_long_single_line(tmp_path, size, read):
    header = b" date 2024-12 "
    (tmp_path / "long.txt").write_bytes(header + b"x" * (size - len(header)))
    started = time.perf_counter()
    articles, skips = _read(tmp_path)
    assert time.perf_counter() - started < 3
    assert len(articles) == int(read)
    assert [s.reason for s in skips] == ([] if read else ["size"])


def test_hostile_directory_named_like_a_file_and_symlinks(tmp_path):
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "dir.txt" / "inner.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "loop_a.txt").symlink_to(tmp_path / "loop_b.txt")
    (tmp_path / "loop_b.txt").symlink_to(tmp_path / "loop_a.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)  # a folder loop
    articles, skips = _read(tmp_path)
    assert [a.id for a in articles] == ["dir.txt/inner.txt"]
    assert [(s.path, s.reason) for s in skips if s.not_read] == [
        (str(tmp_path / "sub" / "up"), "symlinked folder")]  # said, listed with -v
    skips = [s for s in skips if not s.not_read]
    assert sorted((s.path, s.reason) for s in skips) == [
        ("dangling.txt", "missing"), ("loop_a.txt", "unreadable"), ("loop_b.txt", "unreadable")]
    for skip in skips:
        _assert_one_line(skip, skip.path)


def test_hostile_symlink_loop_given_directly(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    articles, skips = _read(tmp_path / "a.txt", tmp_path / "missing.txt")
    assert articles == []
    assert [s.reason for s in skips] == ["unreadable", "missing"]


def test_hostile_file_vanishes_between_listing_and_reading(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    skips: list[Skip] = []
    stream = read_articles([tmp_path], on_skip=skips.append)
    first = next(stream)  # the folder has been listed
    (tmp_path / "b.txt").unlink()
    rest = list(stream)
    assert [a.id for a in [first, *rest]] == ["a.txt", "c.txt"]
    assert [(s.path, s.reason) for s in skips] == [("b.txt", "missing")]
    _assert_one_line(skips[0], "b.txt")


def test_hostile_unreadable_file(tmp_path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD, encoding="utf-8")
    (tmp_path / "open.txt").write_text(GOOD.replace("Goed", "Ander"), encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the open itself fail instead
        real_open = Path.open

        def deny(self: Path, *args, **kwargs):
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", deny)
    articles, skips = _read(tmp_path)
    locked.chmod(0o644)
    assert [a.id for a in articles] == ["open.txt"]
    assert [(s.path, s.reason) for s in skips] == [("locked.txt", "unreadable")]
    _assert_one_line(skips[0], "locked.txt")


def test_hostile_fifo_and_device_are_not_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.jsonl")  # opening it would block the run forever
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zz.txt").write_text(GOOD, encoding="utf-8")
    articles, skips = _read(tmp_path, Path("/dev/zero"), Path("/dev/null"))
    assert [a.id for a in articles] == ["zz.txt"]
    assert [(s.path, s.reason) for s in skips] == [
        ("pipe.jsonl", "special"), ("pipe.txt", "special"), ("zero", "special"),
        ("null", "special")]


def test_hostile_file_names(tmp_path):
    evil = os.fsencode(tmp_path) + b"/bad\xffname\x1b[31m.txt"
    with open(evil, "wb") as handle:
        handle.write(GOOD.encode())
    with open(os.fsencode(tmp_path) + b"/empty\nline.txt", "wb"):
        pass
    (tmp_path / '<img src=x onerror=alert(1)>".txt').write_text(GOOD.replace("Goed", "B"))
    articles, skips = _read(tmp_path)
    assert len(articles) == 2
    for article in articles:
        article.id.encode("utf-8")
        article.path.encode("utf-8")
    assert [s.reason for s in skips] == ["empty"]
    assert "\n" not in str(skips[0]) and "\\n" in str(skips[0])


def test_hostile_same_file_twice_and_same_name_in_two_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b" / "x.txt").write_text(GOOD.replace("Goed", "Ander"), encoding="utf-8")
    articles, skips = _read(tmp_path / "a", tmp_path / "a", tmp_path / "b")
    # several folders: an id is the path in its folder after the folder's name (issue 24),
    # so b/x.txt is not lost; the folder given twice gives the same texts: duplicates
    assert [a.id for a in articles] == ["a/x.txt", "b/x.txt"]
    assert [s.reason for s in skips] == ["duplicate"]
    assert all("first read from a/x.txt" in str(s) for s in skips)


@pytest.mark.parametrize("raw", [b"", b"\x00", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf",
                                 b"\xff\xfe\x00", b"\xff\xfe\x00\xd8", b"\x00a\x00b\x00c\x00d",
                                 b"a\x00b\x00c\x00d\x00", bytes(range(256))])
def test_hostile_decode_is_total(raw):
    try:
        text = decode(raw)
    except ValueError as exc:
        assert "binary" in str(exc)
    else:
        assert isinstance(text, str)


# ---- through the CLI: warnings, summary, exit code ----

def _mixed_corpus(folder: Path) -> int:
    """A folder of bad files plus one good article; returns the number of bad files."""
    folder.mkdir()
    for name, content, _ in BAD_FILES:
        (folder / name).write_bytes(content)
    (folder / "zz_good.txt").write_text(f" date 2024-02-17 {CAPTURE_NL}\n", encoding="utf-8")
    return len(BAD_FILES)


def test_hostile_build_warns_per_file_and_summarises(tmp_path, capsys):
    bad = _mixed_corpus(tmp_path / "in")
    code = main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 0
    assert_clean_stderr(err)
    warnings = [ln for ln in err.splitlines() if "skipped:" in ln]
    assert len(warnings) == bad
    for name, _, _ in BAD_FILES:
        assert sum(name in ln for ln in warnings) >= 1, name
    summary = out.splitlines()[0]
    assert summary.startswith("articles read: 1 (skipped 31:"), summary
    for reason in ("binary", "date", "empty", "header", "json"):
        assert reason in summary
    assert (tmp_path / "out" / "map.html").exists()


def test_hostile_build_with_nothing_usable_fails_and_keeps_old_outputs(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(f" date 2024-02-17 {CAPTURE_NL}\n")
    out_dir = tmp_path / "out"
    assert main(["build", str(tmp_path / "in"), "--out", str(out_dir)]) == 0
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    (tmp_path / "bad").mkdir()
    for name, content, _ in BAD_FILES[:8]:
        (tmp_path / "bad" / name).write_bytes(content)
    capsys.readouterr()
    assert main(["build", str(tmp_path / "bad"), "--out", str(out_dir)]) == 1
    _, err = capsys.readouterr()
    assert_clean_stderr(err, "bad")
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before


@pytest.mark.parametrize("args", [["missing_folder"], ["missing.txt", "also_missing.jsonl"]])
def test_hostile_build_on_missing_paths(tmp_path, capsys, args):
    code = main(["build", *(str(tmp_path / a) for a in args), "--out", str(tmp_path / "o")])
    _, err = capsys.readouterr()
    assert code == 1
    assert_clean_stderr(err, *args)
    assert not (tmp_path / "o").exists()



def test_hostile_long_sentence_is_extracted_in_bounded_pieces():
    """A page without full stops is cut into sentences of bounded length, so extraction
    stays linear in its size (timings are the benchmarks' business, not a test's)."""
    from conflictmap.events import Extractor
    from conflictmap.gazetteer import default_gazetteer
    from conflictmap.text import MAX_SENTENCE_CHARS

    unit = "Russische troepen hebben de Oekraïense stad Avdiivka ingenomen en "
    text = (unit * 1000)[:60_000]  # one sentence, as a scraped page without full stops
    day = date(2024, 2, 17)
    article = Article("long.txt", text, day.isoformat(), Interval(day, day, 1), "nl")
    events = Extractor(default_gazetteer()).extract(article)
    sources = [s for e in events for s in e.sources]
    assert sources and {e.place.name for e in events} == {"Avdiivka"}
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in sources)
    assert all(text[s.start:s.end] == s.quote for s in sources)


@pytest.mark.parametrize("size", [60, 99, 100, 101, 102, 250, 100_000])
@pytest.mark.parametrize("newline", [True, False], ids=["newline", "last-line"])
def test_hostile_json_lines_length_limit_boundaries(tmp_path, monkeypatch, size, newline):
    from conflictmap.sources import jsonl

    monkeypatch.setattr(jsonl, "MAX_ARTICLE_BYTES", 100)
    head = b'{"id": "big", "date": "2024-12", "text": "'
    line = head + b"a" * (size - len(head) - 2 - int(newline)) + b'"}'
    line += b"\n" if newline else b""
    assert len(line) == size
    first = json.dumps({"id": "ok", **OK_ROW}).encode() + b"\n"
    after = json.dumps({"id": "ok2", **OK_ROW}).encode() + b"\n" if newline else b""
    (tmp_path / "feed.jsonl").write_bytes(first + line + after)
    articles_read, skips = _read(tmp_path)
    ids = [a.id for a in articles_read]
    assert ids[0] == "ok"
    if size <= 100:
        assert "big" in ids and skips == []
    else:
        assert "big" not in ids
        assert [(s.line, s.reason) for s in skips] == [(2, "size")]
    if newline:
        assert ids[-1] == "ok2"  # the line after an over-long one is read


def test_hostile_unlistable_folders(tmp_path, monkeypatch):
    """A folder given that cannot be listed is one skip line; a subfolder that cannot be
    listed is passed over and the rest is read (root reads everything, so os.scandir is
    made to refuse)."""
    import os

    (tmp_path / "given").mkdir()
    (tmp_path / "tree" / "locked").mkdir(parents=True)
    (tmp_path / "tree" / "ok.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "tree" / "locked" / "inside.txt").write_text(GOOD, encoding="utf-8")
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith(("given", "locked")):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    articles, skips = _read(tmp_path / "given", tmp_path / "tree")
    assert [a.id for a in articles] == ["tree/ok.txt"]  # two folders given: named by theirs
    assert [(s.reason, "cannot list the folder" in s.message) for s in skips] == \
        [("unreadable", True), ("unreadable", True)]  # the locked subfolder: one line
    _assert_one_line(skips[0], "given")
