"""Read articles from files: the sample header format, Markdown/text front matter, JSON Lines.

Every file or line that cannot be used is skipped with a one-line warning that names it and
says what was expected; the run goes on. Nothing an article contains is ever executed.
"""

from __future__ import annotations

import calendar
import codecs
import json
import logging
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from pathlib import Path

from conflictmap.errors import ArticleError
from conflictmap.model import Article, Interval
from conflictmap.native import speedups

try:
    from orjson import loads as _orjson_loads
except ImportError:  # pragma: no cover - orjson is a dependency; json alone gives the same
    _orjson_loads = None

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
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SAFE_URL = re.compile(r"\Ahttps?://[^\s/?#]+", re.I)
_CHUNK = 1 << 16


def _one_line(value: str) -> str:
    """Printable on one terminal line: control characters (escape sequences, newlines) shown
    as \\x.. escapes, lone surrogates (undecodable file names) as U+FFFD."""
    value = _SURROGATE.sub("\ufffd", value)
    return _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), value)


def _clean_field(value: str, limit: int) -> str:
    """A metadata value (title, source, id): valid Unicode, one line, no control characters."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        # Most values: no surrogate, control character or other space than single ASCII
        # spaces inside (str.isprintable), so the cleaning below would give them back.
        return value[:limit]
    value = _SURROGATE.sub("\ufffd", value)
    return " ".join(_CONTROL.sub(" ", value).split())[:limit]


@dataclass(frozen=True, slots=True)
class Skip:
    """Why a file (or one line of it) was not used."""

    path: str
    reason: str  # a short category: "empty", "binary", "date", "encoding", "size", ...
    message: str
    line: int | None = None
    article_id: str = ""  # the id, for a duplicate

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return _one_line(f"{where}: skipped: {self.message}")


SkipHandler = Callable[[Skip], None]


def _warn(skip: Skip) -> None:
    log.warning("%s", skip)


def parse_date(value: str, *, today: date | None = None) -> tuple[str, Interval]:
    """'2024-12' or '2024-12-06' (or an ISO datetime) -> (as written, interval)."""
    value = value.strip()
    parse = _parse_date if len(value) <= 64 else _parse_date.__wrapped__  # keep no long keys
    return parse(value, today or _today())


def _today() -> date:
    """date.today(), asked of the clock at most once a second (it costs 10 us a call)."""
    now = time.monotonic()
    if now >= _TODAY[0]:
        _TODAY[:] = [now + 1.0, date.today()]
    return _TODAY[1]


_TODAY: list = [float("-inf"), None]


@lru_cache(maxsize=4096)  # a corpus has few distinct dates; an error is not cached
def _parse_date(value: str, today: date) -> tuple[str, Interval]:
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"expected a date YYYY-MM or YYYY-MM-DD, found {value[:40]!r}")
    year, month = int(match["y"]), int(match["m"])
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1-12 in {value!r}")
    if year < EARLIEST_YEAR:
        raise ValueError(f"date {value!r} is before {EARLIEST_YEAR}")
    if match["d"] is None:
        start = date(year, month, 1)
        end = date(year, month, calendar.monthrange(year, month)[1])
        written, interval = f"{year:04d}-{month:02d}", Interval(start, end, 3)
    else:
        try:
            day = date(year, month, int(match["d"]))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date ({exc})") from None
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
    words = list(map(str.lower, _words(text[:4000])))
    best, best_hits = default, 0
    for lang, stop in sorted(_language_profiles().items()):
        hits = sum(map(stop.__contains__, words))  # True counts 1
        if hits > best_hits:
            best, best_hits = lang, hits
    return best


def _words(text: str) -> list[str]:
    """``_WORD.findall(text)`` (the runs of letters), faster: a whitespace-separated token
    of letters only is one such run (whitespace is never part of one), and only the other
    tokens ("stad,", "2024", "al-Sham") go through the pattern."""
    words: list[str] = []
    find = _WORD.findall
    for token in text.split():
        if token.isalpha():
            words.append(token)
        else:
            words.extend(find(token))
    return words


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit at every other position (ASCII-range text
    saved as UTF-16 without a byte order mark), else None."""
    sample = raw[:8192]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd >= 0.4 and nul_even < 0.05:
        return "utf-16-le"
    if nul_even >= 0.4 and nul_odd < 0.05:
        return "utf-16-be"
    return None


def decode(raw: bytes) -> str:
    """Decode bytes: BOM first (UTF-8, UTF-16), then UTF-8, then cp1252, then latin-1.

    Never raises UnicodeDecodeError: broken bytes after a BOM become U+FFFD. Raises
    ArticleError (a ValueError) for binary data (NUL bytes that are not UTF-16 text).
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace")
    if b"\x00" in raw[:8192]:
        codec = _utf16_without_bom(raw)
        if codec is None:
            raise ArticleError("looks like a binary file (NUL bytes); expected UTF-8 text",
                               reason="binary")
        return raw.decode(codec, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


_SAMPLE = 4096


def _looks_binary(text: str) -> bool:
    """NUL, or more than 5% control characters in the first 4096 characters."""
    size = min(len(text), _SAMPLE)
    if not size:
        return False
    if speedups is not None:
        control = speedups.count_controls(text, _SAMPLE)
    else:
        control = len(_CONTROL_TEXT.findall(text, 0, _SAMPLE))  # not \t \n \f \r
    return text.find("\x00", 0, _SAMPLE) >= 0 or control / size > 0.05


def _clean_text(text: str) -> str:
    if speedups is None or speedups.has_surrogates(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _clean_url(url: str, path: str) -> str:
    """Only an http(s) URL is kept: a javascript:, data: or file: URL is dropped here already
    (the map checks again)."""
    url = _clean_field(url, 2000)
    if url and not _SAFE_URL.match(url):
        log.info("%s: url %s dropped: expected an http(s) URL", _one_line(path),
                 _one_line(repr(url[:60])))
        return ""
    return url


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
        raise ArticleError(f"{exc}; expected a date YYYY-MM or YYYY-MM-DD from {EARLIEST_YEAR} "
                           "up to today", reason="date") from None
    text = _clean_text(text)
    if not text.strip():
        raise ArticleError("the article has a date but no text; expected the article text "
                           "after the date", reason="empty")
    if _looks_binary(text):
        raise ArticleError("looks like binary data, expected text", reason="binary")
    lang = (meta.get("lang") or meta.get("language") or "").strip().lower()[:2]
    if lang not in _language_profiles():
        if lang:
            log.info("%s: language %r has no rules (valid: %s); detecting it", _one_line(path),
                     lang,
                     ", ".join(supported_languages()))
        lang = detect_language(text)
    return Article(id=_clean_field(article_id, 300) or "?", text=text, published=written,
                   period=period, lang=lang, title=_clean_field(meta.get("title", ""), 500),
                   url=_clean_url(meta.get("url", ""), path),
                   source=_clean_field(meta.get("source", ""), 200),
                   path=_SURROGATE.sub("\ufffd", path))


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
        raise ArticleError(f"expected 'text' to be a string, found {type(text).__name__}",
                           reason="invalid")
    meta = {k: str(v) for k, v in obj.items() if isinstance(v, (str, int, float)) and k != "text"}
    given = obj.get("id")
    usable = isinstance(given, (str, int)) and not isinstance(given, bool)
    article_id = (_clean_field(str(given), 300) if usable else "") or fallback_id
    return _make(article_id, text, meta, path)


def _json(text: str) -> object:
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


def _read_json_lines(path: Path, name: str, on_skip: SkipHandler, after: Resume = (0, 0),
                     ) -> Iterator[tuple[Article, int | None]]:
    with path.open("rb") as handle:
        handle.seek(after[0])
        for number, raw, size in _lines(handle, MAX_ARTICLE_BYTES, after[1]):
            if raw is None or size > MAX_ARTICLE_BYTES:
                on_skip(Skip(name, "size", f"line is {size:,} bytes, over the "
                             f"{MAX_ARTICLE_BYTES:,}-byte article limit", number))
                continue
            if not raw.strip():
                continue
            try:
                obj = _json(decode(raw))
                yield _from_json(obj, f"{name}#{number}", name), number
            except ArticleError as exc:
                on_skip(Skip(name, exc.reason, exc.detail, number))
            except ValueError as exc:
                msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)[:80]
                on_skip(Skip(name, "json", f"expected one JSON object per line ({msg})",
                             number))


Resume = tuple[int, int]
"""Where to go on reading a JSON Lines file: (byte offset, lines before it)."""


def _read_file(path: Path, name: str, on_skip: SkipHandler, after: Resume = (0, 0),
               ) -> Iterator[tuple[Article, int | None]]:
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        # A FIFO, socket or device would block or never end: never opened.
        on_skip(Skip(name, "special", "not a regular file (a pipe, socket or device), "
                     "expected an article file"))
        return
    if is_json_lines(path):
        yield from _read_json_lines(path, name, on_skip, after)
        return
    if after != (0, 0):
        raise ValueError(f"{name}: only a JSON Lines file is read from an offset")
    if info.st_size == 0:
        on_skip(Skip(name, "empty", "empty file, expected a dated article"))
        return
    if info.st_size > MAX_ARTICLE_BYTES:
        on_skip(Skip(name, "size", f"{info.st_size:,} bytes is over the {MAX_ARTICLE_BYTES:,}"
                     "-byte limit for one article (use JSON Lines for many articles)"))
        return
    with path.open("rb") as handle:
        raw = handle.read(MAX_ARTICLE_BYTES + 1)  # the file may have grown since stat()
    if len(raw) > MAX_ARTICLE_BYTES:
        on_skip(Skip(name, "size", f"over the {MAX_ARTICLE_BYTES:,}-byte limit for one "
                     "article (use JSON Lines for many articles)"))
        return
    if not raw:
        on_skip(Skip(name, "empty", "empty file, expected a dated article"))
        return
    text = decode(raw)
    if path.suffix.lower() == ".json":
        try:
            data = _json(text)
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
                yield _from_json(obj, name if len(items) == 1 else f"{name}#{i}", name), None
            except ArticleError as exc:
                on_skip(Skip(name, exc.reason, f"item {i}: {exc.detail}"))
        return
    yield parse_text(name, text, name), None


def _listing(root: Path) -> Iterator[tuple[tuple[str, ...], str, bool]]:
    """(parts relative to ``root``, path, is a directory) of everything under ``root``
    that is not hidden (no part starts with "."), in the order of their parts: what
    ``sorted(root.rglob("*"))`` lists, less the hidden, with os.scandir (3-4x faster on a
    folder of 100,000 files). Sorting whole paths by their parts is walking the tree with
    each folder's entries sorted by name, so the listing streams: it holds the folders
    being walked, not the tree. Like rglob it does not descend into a symlinked folder or
    one it may not read; a root it cannot list raises OSError (at once)."""
    return _walk(_entries(str(root), top=True), ())


def _entries(folder: str, top: bool = False) -> list[tuple[str, str, bool, bool]]:
    """(name, path, is a directory, to descend into) of a folder's entries that are not
    hidden, sorted by name; none when it cannot be read (OSError for the top folder)."""
    try:
        with os.scandir(folder) as entries:
            listed = list(entries)
    except OSError:
        if top:
            raise
        return []  # rglob skips a folder it cannot read
    found = []
    for entry in listed:
        if entry.name.startswith("."):
            continue  # hidden, and everything under it
        try:
            is_dir = entry.is_dir()  # follows a symlink, like Path.is_dir
        except OSError:
            is_dir = False
        found.append((entry.name, entry.path, is_dir, is_dir and not entry.is_symlink()))
    found.sort(key=_first)
    return found


def _walk(entries: list[tuple[str, str, bool, bool]], parts: tuple[str, ...],
          ) -> Iterator[tuple[tuple[str, ...], str, bool]]:
    for name, path, is_dir, descend in entries:
        here = (*parts, name)
        yield here, path, is_dir
        if descend:
            yield from _walk(_entries(path), here)


_first = itemgetter(0)


_ARTICLE_SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES


def name_suffix(name: str) -> str:
    """Path(name).suffix.lower(), without making a Path."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def is_json_lines(path: str | os.PathLike[str]) -> bool:
    """True for a JSON Lines file (one article per line)."""
    return name_suffix(os.path.basename(path)) in LINES_SUFFIXES


LINES_SUFFIXES = (".jsonl", ".ndjson")


def _expand(paths: Iterable[str | Path], on_skip: SkipHandler) -> Iterator[tuple[str, str]]:
    for given in paths:
        root = Path(given)
        if root.is_dir():
            try:
                found = _listing(root)
            except OSError as exc:
                on_skip(Skip(str(root), "unreadable",
                             f"cannot list the folder ({exc.strerror or exc}), expected a "
                             "readable folder of articles"))
                continue
            for parts, where, is_dir in found:
                if is_dir:
                    continue
                if name_suffix(parts[-1]) in _ARTICLE_SUFFIXES:
                    name = "/".join(parts)
                    yield where, name if name.isascii() else _SURROGATE.sub("\ufffd", name)
                else:
                    log.debug("%s: not an article file (expected %s)", _one_line(where),
                              ", ".join(sorted(_ARTICLE_SUFFIXES)))
        elif root.exists() or root.is_symlink():
            yield str(root), _SURROGATE.sub("\ufffd", root.name)
        else:
            on_skip(Skip(str(root), "missing", "no such file or directory"))


def read_articles(
    paths: Iterable[str | Path], on_skip: SkipHandler | None = None
) -> Iterator[Article]:
    """Stream the articles in these files and directories (directories recursively, sorted).

    Unusable files and lines are reported to ``on_skip`` (default: a warning) and skipped.
    An article id seen twice is kept once.
    """
    reader = ArticleReader(on_skip)
    for path, name in reader.files(paths):
        yield from reader.read(path, name)


class ArticleReader:
    """Reads article files one at a time, remembering the article ids seen across files
    (the second article with an id is skipped as a duplicate)."""

    def __init__(self, on_skip: SkipHandler | None = None) -> None:
        self.on_skip = on_skip or _warn
        self.seen: dict[str, str] = {}  # article id -> where it was first read

    def files(self, paths: Iterable[str | Path]) -> Iterator[tuple[str, str]]:
        """(path, name) of every article file, in reading order; ``name`` is the path
        relative to the folder given (the article's ``path``). The paths are strings (a
        Path for each of 100,000 files costs more than reading the folder)."""
        return _expand(paths, self.on_skip)

    def duplicate(self, article_id: str, name: str, line: int | None) -> bool:
        """True (and reported) when ``article_id`` was read before; else it is remembered."""
        first = self.seen.get(article_id)
        if first is not None:
            self.on_skip(Skip(name, "duplicate", f"duplicate article id {article_id!r} "
                              f"(first read from {first})", line, article_id))
            return True
        self.seen[article_id] = name if line is None else f"{name}:{line}"
        return False

    def read(self, path: str | Path, name: str, after: Resume = (0, 0)) -> Iterator[Article]:
        """The usable articles of one file; everything else goes to ``on_skip``.
        ``after``: for a JSON Lines file, the (byte offset, line number) to go on from."""
        handler = self.on_skip
        try:
            for article, line in _read_file(Path(path), name, handler, after):
                if not self.duplicate(article.id, name, line):
                    yield article
        except ArticleError as exc:
            handler(Skip(name, exc.reason, exc.detail))
        except IsADirectoryError:
            handler(Skip(name, "directory", "is a directory, expected an article file"))
        except PermissionError:
            handler(Skip(name, "unreadable", "permission denied, expected a readable file"))
        except FileNotFoundError:
            handler(Skip(name, "missing", "vanished before it could be read "
                         "(or a broken symlink), expected an article file"))
        except OSError as exc:
            handler(Skip(name, "unreadable", f"cannot read ({exc.strerror or exc}), expected a "
                         "readable article file"))
