"""Text and Markdown files: a first line ' date YYYY-MM[-DD]' (the sample format) or a
'---' front matter with 'date:' (and 'title:', 'url:', 'source:', 'lang:')."""

from __future__ import annotations

import re
from collections.abc import Iterator

from conflictmap.errors import ArticleError
from conflictmap.model import Article
from conflictmap.sources.common import SkipHandler, decode, make_article

SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
STREAMED = False

_HEADER = re.compile(r"\A\ufeff?[ \t]*date[ \t]+(?P<date>\S+)[ \t]?")
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def read(raw: bytes, name: str, on_skip: SkipHandler) -> Iterator[tuple[Article, int | None]]:
    """The file's one article (ArticleError when it has none)."""
    yield parse_text(name, decode(raw), name), None


def front_matter(body: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta


def parse_text(article_id: str, text: str, path: str) -> Article:
    """One article from a text file: the ' date ...' header or a front matter."""
    if text.startswith("\ufeff"):
        text = text[1:]
    header = _HEADER.match(text)
    if header:
        return make_article(article_id, text[header.end():], {"date": header["date"]}, path)
    front = _FRONT.match(text)
    if front:
        return make_article(article_id, text[front.end():], front_matter(front["body"]), path)
    first = text.lstrip()[:40].splitlines()[0] if text.strip() else ""
    raise ArticleError(f"no date header: expected a first line ' date YYYY-MM' or "
                       f"' date YYYY-MM-DD' or a '---' front matter with 'date:', found {first!r}",
                       reason="header")
