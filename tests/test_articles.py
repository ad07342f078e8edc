"""Reading articles: formats, dates and their precision, language, and what gets skipped."""

from __future__ import annotations

import codecs
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictmap.articles import Skip, decode, detect_language, parse_date, read_articles
from conflictmap.model import Interval


def _read(paths: list[Path]) -> tuple[list, list[Skip]]:
    skips: list[Skip] = []
    return list(read_articles(paths, on_skip=skips.append)), skips


@pytest.mark.parametrize(
    ("value", "written", "start", "end", "precision"),
    [
        ("2024-12", "2024-12", date(2024, 12, 1), date(2024, 12, 31), 3),
        ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29), 3),
        ("2024-12-06", "2024-12-06", date(2024, 12, 6), date(2024, 12, 6), 1),
        ("2022-3-5", "2022-03-05", date(2022, 3, 5), date(2022, 3, 5), 1),
        ("2023-10-07T06:30:00Z", "2023-10-07", date(2023, 10, 7), date(2023, 10, 7), 1),
    ],
)
def test_articles_parse_date_keeps_precision(value, written, start, end, precision):
    assert parse_date(value) == (written, Interval(start, end, precision))


@pytest.mark.parametrize(
    "value", ["2024-13", "2024-02-30", "1850-01-01", "2999-01-01", "yesterday", "12/06/2024", ""]
)
def test_articles_parse_date_rejects(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_articles_sample_header_format(articles_dir):
    articles, skips = _read([articles_dir])
    assert skips == []
    assert [a.id for a in articles] == sorted(p.name for p in articles_dir.glob("*.txt"))
    first = articles[0]
    assert first.published == "2024-12" and first.period.precision == 3
    assert first.lang == "nl"
    assert not first.text.startswith(" date")


def test_articles_front_matter_markdown(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ndate: 2022-05-20\ntitle: \"Fall of a city\"\nurl: https://example.org/x\n"
        "source: Example Wire\nlang: en\n---\nTroops took the town of Kremenets on Friday.\n",
        encoding="utf-8")
    (article,), skips = _read([tmp_path])
    assert skips == []
    assert (article.title, article.url, article.source, article.lang) == (
        "Fall of a city", "https://example.org/x", "Example Wire", "en")
    assert article.period == Interval(date(2022, 5, 20), date(2022, 5, 20), 1)
    assert article.text.startswith("Troops took")


def test_articles_json_lines_one_per_line_with_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "a1", "date": "2023-11", "text": "Het leger nam de stad in."}),
        "{not json",
        json.dumps({"date": "2023-11-02", "text": "The rebels seized the airport."}),
        json.dumps({"text": "no date here"}),
        json.dumps(["a", "list"]),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, skips = _read([tmp_path / "feed.jsonl"])
    assert [a.id for a in articles] == ["a1", "feed.jsonl#3"]
    assert [a.lang for a in articles] == ["nl", "en"]
    assert [(s.line, s.reason) for s in skips] == [(2, "json"), (4, "date"), (5, "invalid")]
    assert all("feed.jsonl" in str(s) for s in skips)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("nodate.txt", b"Just some text without a header.\n", "header"),
        ("baddate.txt", b" date 2024-99 text\n", "date"),
        ("future.txt", b" date 2999-01-01 text\n", "date"),
        ("old.txt", b" date 1850-01 text\n", "date"),
        ("binary.txt", bytes(range(256)) * 20, "binary"),
        ("onlyheader.txt", b" date 2024-12\n", "empty"),
    ],
)
def test_articles_bad_file_is_skipped_with_reason(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(" date 2024-12 Goed artikel.\n", encoding="utf-8")
    articles, skips = _read([tmp_path])
    assert [a.id for a in articles] == ["good.txt"]
    assert [(s.path, s.reason) for s in skips] == [(name, reason)]
    assert "\n" not in str(skips[0])


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        (" date 2024-12 Kämpfe in Gaza-Stad, één dag.".encode("cp1252"), "één"),
        (" date 2024-12 Kämpfe in Gaza-Stad, één dag.".encode("latin-1"), "één"),
        (codecs.BOM_UTF16_LE + " date 2024-12 Soedzja, één".encode("utf-16-le"), "één"),
        (codecs.BOM_UTF8 + " date 2024-12 Soedzja, één".encode(), "één"),
    ],
)
def test_articles_encodings(tmp_path, encoded, expected):
    (tmp_path / "x.txt").write_bytes(encoded)
    (article,), skips = _read([tmp_path])
    assert skips == [] and expected in article.text


def test_articles_duplicate_ids_kept_once(tmp_path):
    row = json.dumps({"id": "same", "date": "2024-01", "text": "De stad viel."})
    (tmp_path / "a.jsonl").write_text(row + "\n" + row + "\n", encoding="utf-8")
    articles, skips = _read([tmp_path])
    assert [a.id for a in articles] == ["same"]
    assert [s.reason for s in skips] == ["duplicate"]


def test_articles_missing_path_and_directory_named_like_file(tmp_path):
    (tmp_path / "looks.txt").mkdir()
    (tmp_path / "looks.txt" / "inner.txt").write_text(" date 2024-01 Tekst.", encoding="utf-8")
    articles, skips = _read([tmp_path, tmp_path / "missing.txt"])
    assert [a.id for a in articles] == ["looks.txt/inner.txt"]
    assert [s.reason for s in skips] == ["missing"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("De rebellen hebben de stad ingenomen, zegt het leger.", "nl"),
        ("The army said it had withdrawn from the city after heavy fighting.", "en"),
    ],
)
def test_articles_detect_language(text, lang):
    assert detect_language(text) == lang


def test_articles_decode_rejects_nul_bytes():
    with pytest.raises(ValueError):
        decode(b"abc\x00def")


def _binary_reference(text: str) -> bool:
    """The plain definition: NUL, or over 5% control characters (not tab, newline, form
    feed, carriage return) in the first 4096 characters."""
    sample = text[:4096]
    if not sample:
        return False
    control = sum(1 for c in sample if (c < " " and c not in "\n\r\t\f") or c == "\x7f")
    return "\x00" in sample or control / len(sample) > 0.05


@given(st.text(alphabet=st.sampled_from("ab \n\t\r\f\x00\x01\x0b\x1f\x7f\x80é"), max_size=300)
       | st.text(max_size=5000))
def test_articles_looks_binary_matches_the_plain_definition(text: str) -> None:
    from conflictmap.articles import _looks_binary

    assert _looks_binary(text) is _binary_reference(text)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(_JSON_VALUES, st.sampled_from([True, False]))
def test_articles_json_line_parsing_is_the_json_module(value, ascii_only):
    """articles._json reads a line with orjson where it can: the same values, of the same
    types (an int of any size stays an int), as json.loads, or the same refusal."""
    import math

    from conflictmap.articles import _json

    text = json.dumps(value, ensure_ascii=ascii_only)

    def same(a, b):  # NaN != NaN; 1 == 1.0 == True: compare types as well
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
            return math.isnan(b)
        if type(a) is not type(b):
            return False
        if isinstance(a, list):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
        if isinstance(a, dict):
            return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
        return a == b

    assert same(_json(text), json.loads(text))


_FIELD_CHARS = st.characters(blacklist_categories=()) | st.sampled_from(
    [" ", "\t", "\n", "\x1b", "\x85", "\u00a0", "\u2028", "\ud800", "\u200b", "é"])


@settings(max_examples=300, deadline=None)
@given(st.text(_FIELD_CHARS, max_size=40), st.integers(0, 50))
def test_articles_clean_field_fast_path_gives_what_cleaning_gives(value, limit):
    from conflictmap.articles import _CONTROL, _SURROGATE, _clean_field

    cleaned = " ".join(_CONTROL.sub(" ", _SURROGATE.sub("\ufffd", value)).split())[:limit]
    assert _clean_field(value, limit) == cleaned


def _rglob_listing(root: Path) -> list[tuple[str, bool]]:
    """What the folder listing was before os.scandir: sorted rglob, hidden parts dropped."""
    found = sorted(p for p in root.rglob("*")
                   if not any(part.startswith(".") for part in p.relative_to(root).parts))
    return [(p.relative_to(root).as_posix(), p.is_dir()) for p in found]


_TREE_NAMES = st.sampled_from(["a.txt", "B.txt", "b.md", ".hidden.txt", "c.jsonl", "d",
                               ".git", "Z", "e.TXT", "f.json", "g.", "sub", "ä.txt"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(_TREE_NAMES, min_size=1, max_size=3),
                          st.sampled_from(["file", "dir", "link-dir", "link-file", "broken"])),
                max_size=12))
def test_articles_folder_listing_is_sorted_rglob_without_hidden(tmp_path_factory, tree):
    from conflictmap.articles import _listing

    root = tmp_path_factory.mktemp("tree")
    for parts, kind in tree:
        path = root.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() or path.is_symlink():
                continue
            if kind == "file":
                path.write_text("x", encoding="utf-8")
            elif kind == "dir":
                path.mkdir()
            elif kind == "link-dir":
                path.symlink_to(root, target_is_directory=True)  # a loop rglob must not follow
            elif kind == "link-file":
                path.symlink_to(root / "a.txt")
            else:
                path.symlink_to(root / "nowhere")
        except OSError:
            continue  # a file or a link where a folder was wanted: not this tree
    assert [("/".join(parts), is_dir) for parts, _, is_dir in _listing(root)] == \
        _rglob_listing(root)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.text(alphabet="ab1_ -,.\u00e9\u0130\u00bd\u0660\u2028\u1680",
                                        max_size=60))
def test_articles_word_runs_equal_the_pattern(text: str) -> None:
    """Language detection's fast word split gives exactly the pattern's runs of letters."""
    from conflictmap.articles import _WORD, _words

    assert _words(text) == _WORD.findall(text)
