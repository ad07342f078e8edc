"""What every article source shares: skips, dates, decoding, cleaning, making an Article.

Every file or line that cannot be used is skipped with a one-line warning that names it and
says what was expected; the run goes on. Nothing an article contains is ever executed.
"""

from __future__ import annotations

import calendar
import codecs
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from conflictmap.date_choice import stamp_period
from conflictmap.errors import ArticleError
from conflictmap.model import Article, Interval
from conflictmap.native import speedups
from conflictmap.sources.furniture import strip_stamps
from conflictmap.sources.language import (
    SHORT,
    decide_language,
    detect_language,
    language_profiles,
    supported_languages,
)

log = logging.getLogger(__name__)

MAX_ARTICLE_BYTES = 5_000_000  # one article; a larger one is almost surely not an article
MAX_FILE_BYTES = 2_000_000_000  # a JSON Lines file holds many articles and is streamed
EARLIEST_YEAR = 1900
DEFAULT_LANGUAGE = "nl"  # an article whose words do not tell (Dutch first)

_DATE = re.compile(r"\A(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?(?:[T ][0-9:.+\-Z]*)?\Z")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SAFE_URL = re.compile(r"\Ahttps?://[^\s/?#]+", re.I)

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
        verb = "not read" if self.not_read else "skipped"
        return _one_line(f"{where}: {verb}: {self.message}")

    @property
    def not_read(self) -> bool:
        """True for what the folder walk leaves alone by design (a hidden file, one of
        another kind, a symlinked folder): counted in a summary, listed only with -v."""
        return self.reason in NOT_READ


NOT_READ = frozenset({"hidden", "other kind", "symlinked folder"})

SkipHandler = Callable[[Skip], None]


def _warn(skip: Skip) -> None:
    log.log(logging.DEBUG if skip.not_read else logging.WARNING, "%s", skip)


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


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit at every other position (ASCII-range text
    saved as UTF-16 without a byte order mark), else None. ``raw`` is the whole text or its
    first 8192 bytes (a shorter ``raw`` is all of it)."""
    sample = raw[:8192]
    if len(sample) < 4 or (len(raw) < 8192 and len(raw) % 2):
        return None  # short, or all of it there and an odd number of bytes: no UTF-16 text
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    # the text's own bytes must hold a printable character: NUL bytes and line ends alone
    # ("\0\n\0\n", a junk line of NULs per line) are no UTF-16 text
    if nul_odd >= 0.4 and nul_even < 0.05 and max(even) > 0x20:
        return "utf-16-le"
    if nul_even >= 0.4 and nul_odd < 0.05 and max(odd) > 0x20:
        return "utf-16-be"
    return None


def utf16_codec(head: bytes) -> str | None:
    """The codec of text whose first bytes are ``head`` when it is UTF-16 (by its byte order
    mark, or NUL bytes at every other position), else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8) or b"\x00" not in head:
        return None
    return _utf16_without_bom(head)


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


def _language(text: str, meta: dict[str, str], path: str) -> tuple[str, bool]:
    """The article's language from its words, and whether they told it: a long text by its
    stopwords, a short item (``language.SHORT``) by
    :func:`~conflictmap.sources.language.decide_language` with its title and summary (the
    reader may still decide an undecided one by its folder)."""
    if len(text) >= SHORT:
        return detect_language(text), True
    other = " ".join(meta.get(k, "") for k in ("title", "summary", "description"))
    lang, how = decide_language(text, other)
    if lang is None:
        log.debug("%s: short text (%s): language %s by default", _one_line(path), how,
                  DEFAULT_LANGUAGE)
        return DEFAULT_LANGUAGE, False
    if how != "stopwords":
        log.debug("%s: short text: language %s from %s", _one_line(path), lang, how)
    return lang, True


def make_article(article_id: str, text: str, meta: dict[str, str], path: str) -> Article:
    date_value = meta.get("date") or meta.get("published") or ""
    if not date_value:
        raise ArticleError("no date: expected a first line ' date YYYY-MM[-DD]', a front matter "
                           "'date:' or a JSON 'date' field", reason="date")
    try:
        written, period = parse_date(str(date_value))
    except ValueError as exc:
        raise ArticleError(f"{exc}; expected a date YYYY-MM or YYYY-MM-DD from {EARLIEST_YEAR} "
                           "up to today", reason="date") from None
    raw = _clean_text(text)
    text = strip_stamps(raw)
    if not text.strip():
        raise ArticleError("the article has a date but no text; expected the article text "
                           "after the date", reason="empty")
    if _looks_binary(text):
        raise ArticleError("looks like binary data, expected text", reason="binary")
    lang = (meta.get("lang") or meta.get("language") or "").strip().lower()[:2]
    settled = lang in language_profiles()  # a declaration wins over any guess
    if not settled:
        if lang:
            log.info("%s: language %r has no rules (valid: %s); detecting it", _one_line(path),
                     lang,
                     ", ".join(supported_languages()))
        lang, settled = _language(text, meta, path)
    if raw is not text and lang in supported_languages():
        # a stamp line taken out ("Kyiv | 18 February 2024 | 11:20") still dates the page
        period = stamp_period(raw, period, lang)
    return Article(id=_clean_field(article_id, 300) or "?", text=text, published=written,
                   period=period, lang=lang, title=_clean_field(meta.get("title", ""), 500),
                   url=_clean_url(meta.get("url", ""), path),
                   source=_clean_field(meta.get("source", ""), 200),
                   path=_SURROGATE.sub("\ufffd", path), lang_settled=settled)

