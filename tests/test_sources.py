"""The reading stage (sources/): ids unique across inputs, decoding before splitting, a walk
without recursion that says what it did not read, short items' language, headline stamps."""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conflictmap.articles import Skip, read_articles
from conflictmap.cli import main
from conflictmap.sources.furniture import strip_stamps
from conflictmap.sources.language import decide_language

DATA = Path(__file__).parent / "data"


def _read(*paths: Path) -> tuple[list, list[Skip]]:
    skips: list[Skip] = []
    return list(read_articles(list(paths), on_skip=skips.append)), skips


def test_sources_same_file_name_in_two_input_folders_is_two_articles(tmp_path: Path):
    for outlet, text in (("nos", "Het leger heeft de stad Hama heroverd."),
                         ("rd", "Rebellen hebben de stad Homs ingenomen.")):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "001.txt").write_text(f" date 2024-12-05\n{text}\n",
                                                   encoding="utf-8")
    articles, skips = _read(tmp_path / "nos", tmp_path / "rd")
    assert [a.id for a in articles] == ["nos/001.txt", "rd/001.txt"]
    assert skips == []


def test_sources_same_id_is_a_duplicate_only_with_the_same_text(tmp_path: Path):
    rows = [{"id": "x", "date": "2024-12", "text": "Rebellen namen de stad in."},
            {"id": "x", "date": "2024-12", "text": "Rebellen namen de stad in."},
            {"id": "x", "date": "2024-12", "text": "Het leger heroverde de stad."}]
    (tmp_path / "a.jsonl").write_text("\n".join(map(json.dumps, rows)) + "\n",
                                      encoding="utf-8")
    articles, skips = _read(tmp_path / "a.jsonl")
    assert [a.id for a in articles] == ["x", "x~2"]
    assert [(s.reason, s.line) for s in skips] == [("duplicate", 2)]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_sources_json_lines_is_decoded_before_it_is_split(tmp_path: Path, codec: str):
    rows = [{"id": f"a{i}", "date": "2024-12", "text": f"Rebellen namen stad {i} in."}
            for i in range(3)]
    text = "\n".join(map(json.dumps, rows)) + "\n"
    raw = text.encode(codec)
    if codec == "utf-16-le":
        raw = codecs.BOM_UTF16_LE + raw
    (tmp_path / "feed.jsonl").write_bytes(raw)
    articles, skips = _read(tmp_path / "feed.jsonl")
    assert [a.id for a in articles] == ["a0", "a1", "a2"], skips
    assert skips == []


def test_sources_a_utf16_json_lines_file_without_bom(tmp_path: Path):
    rows = [{"id": "first", "date": "2024-12", "text": "Het leger nam de stad in."},
            {"id": "second", "date": "2024-12", "text": "Het leger trok zich terug."}]
    raw = ("\n".join(map(json.dumps, rows)) + "\n").encode("utf-16-le")
    (tmp_path / "feed.jsonl").write_bytes(raw)
    assert [a.id for a in _read(tmp_path / "feed.jsonl")[0]] == ["first", "second"]


def _deep(root: Path, levels: int, name: str) -> None:
    """A tree ``levels`` folders deep (made relative to each folder: its path may be
    longer than the system allows), with an article at the bottom."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        bottom = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(bottom, b" date 2024-12\nHet leger nam de stad in.\n")
        os.close(bottom)
    finally:
        os.close(fd)


def _remove_deep(root: Path, name: str) -> None:
    """Remove a tree made by :func:`_deep` without recursion (pytest's own clean-up of old
    temporary folders is recursive, and a thousand levels exceed Python's recursion limit)."""
    fds = [os.open(root, os.O_RDONLY)]
    try:
        while True:
            try:
                fds.append(os.open(name, os.O_RDONLY, dir_fd=fds[-1]))
            except FileNotFoundError:
                break
        with contextlib.suppress(FileNotFoundError):
            os.unlink("deep.txt", dir_fd=fds[-1])
        while len(fds) > 1:
            os.close(fds.pop())
            os.rmdir(name, dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)


@pytest.fixture
def deep_tree(tmp_path: Path) -> Iterator[Callable[[str], None]]:
    """Make a tree a thousand folders deep under tmp_path; removed afterwards."""
    names: list[str] = []

    def make(name: str) -> None:
        names.append(name)
        _deep(tmp_path, 1000, name)

    yield make
    for name in names:
        _remove_deep(tmp_path, name)


def test_sources_a_tree_a_thousand_folders_deep_is_walked(tmp_path: Path, deep_tree):
    (tmp_path / "a.txt").write_text(" date 2024-12\nDe stad viel.\n", encoding="utf-8")
    deep_tree("d")
    (tmp_path / "z.txt").write_text(" date 2024-12\nDe stad viel weer.\n", encoding="utf-8")
    articles, skips = _read(tmp_path)
    assert [a.path for a in articles] == ["a.txt", "d/" * 1000 + "deep.txt", "z.txt"]
    assert skips == []


def test_sources_a_folder_that_cannot_be_listed_is_one_line(tmp_path: Path, deep_tree):
    (tmp_path / "a.txt").write_text(" date 2024-12\nDe stad viel.\n", encoding="utf-8")
    deep_tree("level")  # deeper than a path may be: listing fails at a depth
    (tmp_path / "z.txt").write_text(" date 2024-12\nDe stad viel weer.\n", encoding="utf-8")
    articles, skips = _read(tmp_path)
    assert [a.id for a in articles] == ["a.txt", "z.txt"]
    assert [s.reason for s in skips] == ["unreadable"]
    assert "cannot list the folder" in str(skips[0]) and "\n" not in str(skips[0])


def test_sources_what_is_not_read_is_said(tmp_path: Path, capsys, caplog):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ok.txt").write_text(" date 2024-12-05\nRebellen hebben Hama ingenomen.\n",
                                   encoding="utf-8")
    (folder / ".draft.txt").write_text(" date 2024-12\nx\n", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "elsewhere").mkdir()
    (folder / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    out = tmp_path / "out"
    assert main(["build", str(folder), "--out", str(out), "--no-cache"]) == 0
    printed = capsys.readouterr().out
    assert "files not read: 3 (1 hidden, 1 other kind, 1 symlinked folder); -v lists them" \
        in printed
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert main(["build", str(folder), "--out", str(out), "--no-cache", "-v"]) == 0
    listed = [line for line in capsys.readouterr().err.splitlines() if ": not read: " in line]
    assert len(listed) == 3 and any(".draft.txt" in m for m in listed)


def _language_rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in (DATA / "short_items.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, title, lang = line.split("\t")
            rows.append((text, title, lang))
    return rows


@pytest.mark.parametrize(("text", "title", "lang"), _language_rows())
def test_sources_short_items_language(text: str, title: str, lang: str):
    """A wire flash or a feed summary: decided by its words of the rule files (and its
    title) when its stopwords are too few (tests/data/short_items.tsv)."""
    assert decide_language(text, title)[0] == (lang or None)


def test_sources_a_short_flash_is_read_in_its_language_and_found(tmp_path: Path, capsys):
    (tmp_path / "flash.txt").write_text(" date 2024-12-05\nRebels captured Hama.\n",
                                        encoding="utf-8")
    (article,), _ = _read(tmp_path)
    assert article.lang == "en"
    assert main(["extract", str(tmp_path), "--no-cache", "-q", "--format", "jsonl"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["change"], e["place"]) for e in events] == [("capture", "Hama")]


def test_sources_an_undecided_short_item_takes_its_folders_language(tmp_path: Path, caplog):
    for i, text in enumerate(["The army said the rebels took the town and the airport.",
                              "Troops were seen in the streets of the city on Friday.",
                              "Homs."]):
        (tmp_path / f"{i}.txt").write_text(f" date 2024-12-05\n{text}\n", encoding="utf-8")
    with caplog.at_level(logging.DEBUG, logger="conflictmap"):
        articles, _ = _read(tmp_path)
    assert [a.lang for a in articles] == ["en", "en", "en"]
    assert any("majority of its folder" in r.getMessage() for r in caplog.records)


_FOLDER = {"en": "The army said the rebels took the town and the airport on Friday.",
           "nl": "Het leger zei dat de rebellen de stad en het vliegveld hebben ingenomen."}
_DECLARED = {  # a short item whose words do not tell its language, declaring ``{lang}``
    "z.json": '{{"id": "z", "date": "2024-12-05", "lang": "{lang}", "text": "Idlib 3 4."}}',
    "z.jsonl": '{{"id": "z", "date": "2024-12-05", "language": "{lang}", "text": "Idlib 3 4."}}\n',
    "z.md": "---\ndate: 2024-12-05\nlang: {lang}\n---\nIdlib 3 4.\n",
}


@pytest.mark.parametrize("name", sorted(_DECLARED))
@pytest.mark.parametrize(("declared", "folder"), [("nl", "en"), ("en", "nl")])
def test_sources_a_short_items_declared_language_wins_over_its_folders(
        tmp_path: Path, name: str, declared: str, folder: str):
    """A short item whose words do not tell its language keeps the language it declares
    (JSON "lang" or "language", front matter "lang:"): a declaration wins over any guess,
    its folder's majority too; and it counts for that majority as any article does."""
    for i in range(2):
        (tmp_path / f"{i}.txt").write_text(f" date 2024-12-05\n{_FOLDER[folder]}\n",
                                           encoding="utf-8")
    (tmp_path / name).write_text(_DECLARED[name].format(lang=declared), encoding="utf-8")
    (tmp_path / "zz.txt").write_text(" date 2024-12-05\nHoms 5 6.\n", encoding="utf-8")
    articles, skips = _read(tmp_path)
    assert not skips
    assert [a.lang for a in articles] == [folder, folder, declared, folder]


@pytest.mark.parametrize(("summary", "told", "folder"), [
    ("De rebellen hebben volgens het leger de stad ingenomen en de weg naar het noorden "
     "afgesloten.", "nl", "en"),
    ("The rebels said they had taken the town and closed the road to the north, the army "
     "said.", "en", "nl"),
])
def test_sources_a_short_item_whose_summary_tells_its_language_keeps_it(
        tmp_path: Path, summary: str, told: str, folder: str):
    """A short item whose own text does not tell its language, but whose summary does,
    keeps that language: the folder's majority is only for items nothing tells."""
    for i in range(2):
        (tmp_path / f"{i}.txt").write_text(f" date 2024-12-05\n{_FOLDER[folder]}\n",
                                           encoding="utf-8")
    item = {"date": "2024-12-05", "text": "Idlib 3 4.", "summary": summary}
    (tmp_path / "y.json").write_text(json.dumps(item), encoding="utf-8")
    articles, skips = _read(tmp_path)
    assert not skips
    assert [a.lang for a in articles] == [folder, folder, told]


def _stamp_rows() -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / "stamps.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            given, kept = line.split("\t")
            rows.append((given.replace("\\n", "\n"), kept.replace("\\n", "\n")))
    return rows


@pytest.mark.parametrize(("given", "kept"), _stamp_rows())
def test_sources_headline_stamps_are_not_text(given: str, kept: str):
    """tests/data/stamps.tsv: a headline stamp on its own line or glued before the first
    line's headline is removed; text with times in it is not."""
    assert strip_stamps(given) == kept


def test_sources_a_glued_stamp_never_reaches_a_quote(tmp_path: Path, capsys):
    (tmp_path / "a.txt").write_text(
        " date 2024-12-05\nOmroep Nieuws • vandaag, 11:51 • Aangepast vandaag, 13:25 Rebellen "
        "hebben de stad Hama ingenomen.\n", encoding="utf-8")
    assert main(["extract", str(tmp_path), "--no-cache", "-q", "--format", "jsonl"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert events and all("11:51" not in s["quote"] and "Aangepast" not in s["quote"]
                          for e in events for s in e["sources"])


def test_sources_saved_pages_read_ahead_by_workers_give_what_reading_gives(tmp_path: Path):
    """Saved pages are read ahead in worker processes (sources.prefetch) in a build with
    and without a cache: the same articles, skips and order as reading them one by one."""
    from conflictmap.engines import ExtractorSpec
    from conflictmap.pipeline import corpus_reports
    from conflictmap.runlog import RunLog
    from news_site import ENGLISH, NOS, english_page, nos_page

    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(40):
        story, make = (NOS, nos_page) if i % 2 else (ENGLISH, english_page)
        page = make().replace(story.paragraphs[0], f"{story.paragraphs[0]} ({i})")
        (pages / f"{i:03d}.html").write_text(page if i != 7 else "<html></html>",
                                             encoding="utf-8")
    expected, skips = _read(pages)
    assert len(expected) == 39 and [s.path for s in skips] == ["007.html"]
    for cache in (None, tmp_path / "c.sqlite", tmp_path / "c.sqlite"):
        runlog = RunLog()
        got = [item for item, _ in corpus_reports([pages], ExtractorSpec(), runlog=runlog,
                                                  cache_path=cache)]
        assert [a.id for a in got] == [a.id for a in expected]
        assert dict(runlog.skipped) == {"no text": 1}


def test_an_odd_number_of_bytes_with_nuls_is_no_utf16(tmp_path: Path) -> None:
    """A short JSON-lines feed with a junk line of NUL bytes and an empty line after it: the
    junk line is one skip (UTF-16 text has an even number of bytes; read as UTF-16 it became
    two lines; a case hypothesis found)."""
    from conflictmap.sources.common import utf16_codec

    assert utf16_codec(b"\x00\x01\x00\n\n") is None
    assert utf16_codec("a\nb\n".encode("utf-16-le")) == "utf-16-le"


def test_nul_bytes_and_line_ends_alone_are_no_utf16(tmp_path: Path) -> None:
    """Lines that are each one NUL byte ("\\0\\n\\0\\n", an even number of bytes) read as
    UTF-16 were two empty lines, and the two junk lines were lost; they are two skips (a case
    hypothesis found). UTF-16 text holds a printable character."""
    from conflictmap.sources.common import utf16_codec

    assert utf16_codec(b"\x00\n\x00\n") is None
    assert utf16_codec(b"\n\x00\n\x00") is None
    assert utf16_codec("a\n".encode("utf-16-be")) == "utf-16-be"
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"\x00\n\x00\n")
    articles, skips = _read(feed)
    assert not articles and [s.line for s in skips] == [1, 2]
