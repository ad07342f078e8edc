"""JSON Lines files: one article per line ({"date": ..., "text": ..., "title": ...}),
streamed, so a file may hold millions; a file that only grew is read on from where it ended
(``after``). The file is decoded before it is split into lines (a UTF-16 file's line breaks
are two bytes), with the detection every format uses (``common.decode``)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

from conflictmap.errors import ArticleError
from conflictmap.model import Article
from conflictmap.sources.common import (
    MAX_ARTICLE_BYTES,
    Skip,
    SkipHandler,
    _clean_field,
    decode,
    make_article,
    utf16_codec,
)

try:
    from orjson import loads as _orjson_loads
except ImportError:  # pragma: no cover - orjson is a dependency; json alone gives the same
    _orjson_loads = None

log = logging.getLogger(__name__)

SUFFIXES = frozenset({".jsonl", ".ndjson"})
STREAMED = True
_CHUNK = 1 << 16

Resume = tuple[int, int]
"""Where to go on reading a JSON Lines file: (byte offset, lines before it)."""


def from_json(obj: object, fallback_id: str, path: str) -> Article:
    """An article from a JSON object: 'date', 'text' (or 'body', 'content'), 'id', 'title',
    'url', 'source', 'lang'."""
    if not isinstance(obj, dict):
        raise ArticleError("expected a JSON object with 'date' and 'text', "
                           f"found {type(obj).__name__}")
    text = obj.get("text") or obj.get("body") or obj.get("content") or ""
    if not isinstance(text, str):
        raise ArticleError(f"expected 'text' to be a string, found {type(text).__name__}",
                           reason="invalid")
    meta = {k: str(v) for k, v in obj.items() if isinstance(v, (str, int, float)) and k != "text"}
    given = obj.get("id")
    usable = isinstance(given, (str, int)) and not isinstance(given, bool)
    article_id = (_clean_field(str(given), 300) if usable else "") or fallback_id
    return make_article(article_id, text, meta, path)


def json_value(text: str) -> object:
    """json.loads, with every way it can fail on hostile input as one JSONDecodeError-like
    ValueError (deep nesting, 5000-digit numbers).

    orjson parses it when it can (5x faster). It reads an integer beyond 64 bits as a
    float where json gives an int, so a line whose value holds a float is read by json
    again; so is a line orjson refuses (NaN, a lone surrogate escape, an error), for
    json's reading or its message."""
    if _orjson_loads is not None:
        try:
            value = _orjson_loads(text)
        except ValueError:  # orjson.JSONDecodeError
            pass
        else:
            if not _holds_float(value):
                return value
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _holds_float(value: object) -> bool:
    """True when a parsed JSON value holds a float anywhere (no recursion: any depth)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)  # orjson gives the builtin types themselves
        if kind is str:
            continue
        if kind is float:
            return True
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return False


def _lines(handle, limit: int, number: int = 0) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, bytes or None when longer than ``limit``, length) without ever holding
    more than ``limit`` bytes of one line in memory; ``number`` lines came before."""
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield number, raw, len(raw)
            continue
        size = len(raw)
        while True:  # skip the rest of an over-long line in chunks
            chunk = handle.readline(_CHUNK)
            size += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                break
        yield number, None, size


def _text_lines(handle, codec: str, limit: int) -> Iterator[tuple[int, str | None, int]]:
    """:func:`_lines` for a UTF-16 file: (line number, text or None when longer than
    ``limit`` characters, length), decoded as it streams."""
    text = io.TextIOWrapper(handle, encoding=codec, errors="replace", newline="\n")
    try:
        number = 0
        while True:
            line = text.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) <= limit or line.endswith("\n"):
                yield number, line.lstrip("\ufeff") if number == 1 else line, len(line)
                continue
            size = len(line)
            while True:
                chunk = text.readline(_CHUNK)
                size += len(chunk)
                if not chunk or chunk.endswith("\n"):
                    break
            yield number, None, size
    finally:
        text.detach()  # the caller closes the file


def wide(path: str | Path) -> str | None:
    """The UTF-16 codec of a file that is UTF-16 text (by its BOM or its NUL bytes), else
    None. Such a file is read whole from its start (never from a byte offset)."""
    with open(path, "rb") as handle:
        return utf16_codec(handle.read(8192))


def read_stream(path: Path, name: str, on_skip: SkipHandler, after: Resume = (0, 0),
                ) -> Iterator[tuple[Article, int | None]]:
    with path.open("rb") as handle:
        codec = utf16_codec(handle.read(8192))
        handle.seek(0)
        if codec is not None:
            if after != (0, 0):
                raise ValueError(f"{name}: a UTF-16 file is not read from an offset")
            lines = _text_lines(handle, codec, MAX_ARTICLE_BYTES)
        else:
            handle.seek(after[0])
            lines = _lines(handle, MAX_ARTICLE_BYTES, after[1])
        for number, raw, size in lines:
            if raw is None or size > MAX_ARTICLE_BYTES:
                on_skip(Skip(name, "size", f"line is {size:,} bytes, over the "
                             f"{MAX_ARTICLE_BYTES:,}-byte article limit", number))
                continue
            if not raw.strip():
                continue
            try:
                obj = json_value(raw if isinstance(raw, str) else decode(raw))
                yield from_json(obj, f"{name}#{number}", name), number
            except ArticleError as exc:
                on_skip(Skip(name, exc.reason, exc.detail, number))
            except ValueError as exc:
                msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)[:80]
                on_skip(Skip(name, "json", f"expected one JSON object per line ({msg})",
                             number))

