"""JSON files: one article object, or a list of them (read whole: one file, a few articles)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from conflictmap.errors import ArticleError
from conflictmap.model import Article
from conflictmap.sources.common import Skip, SkipHandler, decode
from conflictmap.sources.jsonl import from_json, json_value

SUFFIXES = frozenset({".json"})
STREAMED = False


def read(raw: bytes, name: str, on_skip: SkipHandler) -> Iterator[tuple[Article, int | None]]:
    try:
        data = json_value(decode(raw))
    except json.JSONDecodeError as exc:
        raise ArticleError(f"invalid JSON at line {exc.lineno}: {exc.msg}; expected a JSON "
                           "object (or a list of them) with 'date' and 'text'",
                           reason="json") from None
    except ValueError as exc:
        raise ArticleError(f"invalid JSON ({str(exc)[:80]}); expected a JSON object (or a "
                           "list of them) with 'date' and 'text'", reason="json") from None
    items = data if isinstance(data, list) else [data]
    for i, obj in enumerate(items, start=1):
        try:
            yield from_json(obj, name if len(items) == 1 else f"{name}#{i}", name), None
        except ArticleError as exc:
            on_skip(Skip(name, exc.reason, f"item {i}: {exc.detail}"))
