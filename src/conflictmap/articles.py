"""Read articles from files: the sample header format, Markdown/text front matter, JSON Lines.

Every file or line that cannot be used is skipped with a one-line warning that names it and
says what was expected; the run goes on. Nothing an article contains is ever executed.
"""

from __future__ import annotations

import calendar
import codecs
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from conflictmap.errors import ArticleError
from conflictmap.model import Article, Interval

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
JSON_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
MAX_ARTICLE_BYTES = 5_000_000  # one article; a larger one is almost surely not an article
MAX_FILE_BYTES = 2_000_000_000  # a JSON Lines file holds many articles and is streamed
EARLIEST_YEAR = 1900

_HEADER = re.compile(r"\A\ufeff?[ \t]*date[ \t]+(?P<date>\S+)[ \t]?")
_DATE = re.compile(r"\A(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?(?:[T ][0-9:.+\-Z]*)?\Z")
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Skip:
    """Why a file (or one line of it) was not used."""

    path: str
    reason: str  # a short category: "empty", "binary", "date", "encoding", "size", ...
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: skipped: {self.message}"


SkipHandler = Callable[[Skip], None]


def _warn(skip: Skip) -> None:
    log.warning("%s", skip)


def parse_date(value: str, *, today: date | None = None) -> tuple[str, Interval]:
    """'2024-12' or '2024-12-06' (or an ISO datetime) -> (as written, interval)."""
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"expected a date YYYY-MM or YYYY-MM-DD, found {value.strip()[:40]!r}")
    year, month = int(match["y"]), int(match["m"])
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1-12 in {value.strip()!r}")
    today = today or date.today()
    if year < EARLIEST_YEAR:
        raise ValueError(f"date {value.strip()!r} is before {EARLIEST_YEAR}")
    if match["d"] is None:
        start = date(year, month, 1)
        end = date(year, month, calendar.monthrange(year, month)[1])
        written, interval = f"{year:04d}-{month:02d}", Interval(start, end, 3)
    else:
        try:
            day = date(year, month, int(match["d"]))
        except ValueError as exc:
            raise ValueError(f"{value.strip()!r} is not a real date ({exc})") from None
        written, interval = day.isoformat(), Interval(day, day, 1)
    if interval.start > today + timedelta(days=1):
        raise ValueError(f"date {written} is in the future")
    return written, interval


@lru_cache(maxsize=1)
def _language_profiles() -> dict[str, frozenset[str]]:
    """Stopword lists per language, one data file each (languages/<code>.txt)."""
    profiles: dict[str, frozenset[str]] = {}
    for entry in resources.files("conflictmap.languages").iterdir():
        if entry.name.endswith(".txt"):
            words = entry.read_text(encoding="utf-8").split()
            profiles[entry.name[:-4]] = frozenset(w.lower() for w in words)
    return profiles


def supported_languages() -> list[str]:
    return sorted(_language_profiles())


def detect_language(text: str, default: str = "nl") -> str:
    """The language whose stopwords are most frequent in the first few thousand characters."""
    words = [w.lower() for w in _WORD.findall(text[:4000])]
    best, best_hits = default, 0
    for lang, stop in sorted(_language_profiles().items()):
        hits = sum(1 for w in words if w in stop)
        if hits > best_hits:
            best, best_hits = lang, hits
    return best


def decode(raw: bytes) -> str:
    """Decode bytes: BOM first (UTF-8, UTF-16), then UTF-8, then cp1252, then latin-1."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec)
    if b"\x00" in raw[:8192]:
        raise ArticleError("looks like a binary file (NUL bytes); expected UTF-8 text",
                           reason="binary")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    control = sum(1 for c in sample if (c < " " and c not in "\n\r\t\f") or c == "\x7f")
    return "\x00" in sample or control / len(sample) > 0.05


def _clean_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _front_matter(body: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta


def _make(article_id: str, text: str, meta: dict[str, str], path: str) -> Article:
    date_value = meta.get("date") or meta.get("published") or ""
    if not date_value:
        raise ArticleError("no date: expected a first line ' date YYYY-MM[-DD]', a front matter "
                           "'date:' or a JSON 'date' field", reason="date")
    try:
        written, period = parse_date(str(date_value))
    except ValueError as exc:
        raise ArticleError(str(exc), reason="date") from None
    text = _clean_text(text)
    if not text.strip():
        raise ArticleError("the article has a date but no text", reason="empty")
    if _looks_binary(text):
        raise ArticleError("looks like binary data, expected text", reason="binary")
    lang = (meta.get("lang") or meta.get("language") or "").strip().lower()[:2]
    if lang not in _language_profiles():
        if lang:
            log.info("%s: language %r has no rules (valid: %s); detecting it", path, lang,
                     ", ".join(supported_languages()))
        lang = detect_language(text)
    return Article(id=article_id, text=text, published=written, period=period, lang=lang,
                   title=meta.get("title", "").strip()[:500],
                   url=meta.get("url", "").strip()[:2000],
                   source=meta.get("source", "").strip()[:200], path=path)


def parse_text(article_id: str, text: str, path: str) -> Article:
    """One article from a text file: the ' date ...' header or a front matter."""
    if text.startswith("\ufeff"):
        text = text[1:]
    header = _HEADER.match(text)
    if header:
        return _make(article_id, text[header.end():], {"date": header["date"]}, path)
    front = _FRONT.match(text)
    if front:
        return _make(article_id, text[front.end():], _front_matter(front["body"]), path)
    first = text.lstrip()[:40].splitlines()[0] if text.strip() else ""
    raise ArticleError(f"no date header: expected a first line ' date YYYY-MM' or "
                       f"' date YYYY-MM-DD' or a '---' front matter with 'date:', found {first!r}",
                       reason="header")


def _from_json(obj: object, fallback_id: str, path: str) -> Article:
    if not isinstance(obj, dict):
        raise ArticleError("expected a JSON object with 'date' and 'text', "
                           f"found {type(obj).__name__}")
    text = obj.get("text") or obj.get("body") or obj.get("content") or ""
    if not isinstance(text, str):
        raise ArticleError("'text' must be a string", reason="invalid")
    meta = {k: str(v) for k, v in obj.items() if isinstance(v, (str, int, float)) and k != "text"}
    article_id = str(obj.get("id") or fallback_id)[:300]
    return _make(article_id, text, meta, path)


def _read_json_lines(path: Path, name: str, on_skip: SkipHandler) -> Iterator[Article]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            if len(raw) > MAX_ARTICLE_BYTES:
                on_skip(Skip(name, "size", f"line is {len(raw):,} bytes, over the "
                             f"{MAX_ARTICLE_BYTES:,}-byte article limit", number))
                continue
            try:
                obj = json.loads(decode(raw))
                yield _from_json(obj, f"{name}#{number}", name)
            except json.JSONDecodeError as exc:
                on_skip(Skip(name, "json", f"expected one JSON object per line ({exc.msg})",
                             number))
            except ArticleError as exc:
                on_skip(Skip(name, exc.reason, exc.detail, number))


def _read_file(path: Path, name: str, on_skip: SkipHandler) -> Iterator[Article]:
    size = path.stat().st_size
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _read_json_lines(path, name, on_skip)
        return
    if size == 0:
        on_skip(Skip(name, "empty", "empty file, expected a dated article"))
        return
    if size > MAX_ARTICLE_BYTES:
        on_skip(Skip(name, "size", f"{size:,} bytes is over the {MAX_ARTICLE_BYTES:,}-byte "
                     "limit for one article (use JSON Lines for many articles)"))
        return
    text = decode(path.read_bytes())
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ArticleError(f"invalid JSON at line {exc.lineno}: {exc.msg}",
                               reason="json") from None
        items = data if isinstance(data, list) else [data]
        for i, obj in enumerate(items, start=1):
            try:
                yield _from_json(obj, name if len(items) == 1 else f"{name}#{i}", name)
            except ArticleError as exc:
                on_skip(Skip(name, exc.reason, f"item {i}: {exc.detail}"))
        return
    yield parse_text(name, text, name)


def _expand(paths: Iterable[str | Path], on_skip: SkipHandler) -> Iterator[tuple[Path, str]]:
    for given in paths:
        root = Path(given)
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if not any(
                part.startswith(".") for part in p.relative_to(root).parts))
            for path in found:
                if path.is_dir():
                    continue
                if path.suffix.lower() in TEXT_SUFFIXES | JSON_SUFFIXES:
                    yield path, path.relative_to(root).as_posix()
                else:
                    log.debug("%s: not an article file (expected %s)", path,
                              ", ".join(sorted(TEXT_SUFFIXES | JSON_SUFFIXES)))
        elif root.exists() or root.is_symlink():
            yield root, root.name
        else:
            on_skip(Skip(str(root), "missing", "no such file or directory"))


def read_articles(
    paths: Iterable[str | Path], on_skip: SkipHandler | None = None
) -> Iterator[Article]:
    """Stream the articles in these files and directories (directories recursively, sorted).

    Unusable files and lines are reported to ``on_skip`` (default: a warning) and skipped.
    An article id seen twice is kept once.
    """
    handler = on_skip or _warn
    seen: dict[str, str] = {}
    for path, name in _expand(paths, handler):
        try:
            for article in _read_file(path, name, handler):
                if article.id in seen:
                    handler(Skip(name, "duplicate", f"duplicate article id {article.id!r} "
                                 f"(first read from {seen[article.id]})"))
                    continue
                seen[article.id] = name
                yield article
        except ArticleError as exc:
            handler(Skip(name, exc.reason, exc.detail))
        except IsADirectoryError:
            handler(Skip(name, "directory", "is a directory, expected an article file"))
        except PermissionError:
            handler(Skip(name, "unreadable", "permission denied, expected a readable file"))
        except OSError as exc:
            handler(Skip(name, "unreadable", f"cannot read ({exc.strerror or exc})"))

