"""Saved web pages (.html, .htm: "Save page as" in a browser, or a page ``conflictmap fetch``
keeps): the main text, title, publication date, language and canonical URL, found by
trafilatura (main text, title, URL) and htmldate (date). No HTML is parsed by hand here.

The date keeps the precision the page gives: a day when the page's markup writes it as a
day (2024-12-06, 2024/12/06), a month when it writes only the month; a date the page does
not give is not invented. A date found only in the URL is used, and the log says so.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from conflictmap.errors import ArticleError
from conflictmap.model import Article
from conflictmap.sources.common import SkipHandler, _one_line, decode, make_article

log = logging.getLogger(__name__)
for _name in ("trafilatura", "htmldate", "courlan"):
    # their notes ("discarding data: None") are not the user's business: our own one-line
    # skips say what went wrong (a handler here keeps Python's last-resort one from printing)
    logging.getLogger(_name).addHandler(logging.NullHandler())
MIN_WORDS = 5
"""A main text of fewer words and no sentence is page furniture (a menu's links)."""

SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
STREAMED = False
COSTLY = True  # read ahead in worker processes (sources.prefetch)

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""",
                           re.I)
"""The HTML standard's encoding prescan in short: the charset a <meta> declares in the
page's first bytes (a page without a BOM that is not UTF-8 is read with it)."""
_URL_DAY = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/_.-]|$)")
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])(?:/|$)")


@dataclass(frozen=True, slots=True)
class Page:
    """What a page gives: its main text (paragraphs apart by a blank line), title,
    publication date ("YYYY-MM-DD" or "YYYY-MM", "" when none), where the date came from
    ("page", "url" or ""), canonical URL, language code ("" when the page declares none)
    and site name."""

    text: str
    title: str
    date: str
    date_from: str
    url: str
    lang: str
    site: str


def decode_page(raw: bytes, declared: str | None = None) -> str:
    """The page's text: a BOM first, then UTF-8 when the bytes are UTF-8, then the charset
    the server (``declared``) or the page's <meta> declares, then what every format falls
    back to (``common.decode``). A declared charset the bytes are not in is passed over."""
    if raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    found = _META_CHARSET.search(raw, 0, 4096)
    for name in (declared, found[1].decode("ascii") if found else None):
        if not name:
            continue
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            log.debug("unknown charset %r declared; guessing", name[:40])
            continue
        if codec == "utf-8":
            continue  # the bytes are not UTF-8 (tried above): the declaration is wrong
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            log.debug("charset %s declared but the bytes are not in it; guessing", codec)
    return decode(raw)


def extract_page(html: str, url: str = "") -> Page:
    """The page's main text and metadata. ``url``: where it was fetched from (a saved
    page's canonical URL is read from it)."""
    import htmldate
    import lxml.html
    import trafilatura
    from lxml.etree import ParserError
    from trafilatura.metadata import extract_sitename, extract_title

    try:
        tree = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return Page("", "", "", "", url, "", "")
    found = tree.xpath("//link[@rel='canonical']/@href|//meta[@property='og:url']/@content")
    canonical = next((str(u).strip() for u in found if str(u).strip().startswith("http")), "")
    page_url = canonical or url
    for node in tree.xpath("//link[@rel='canonical']|//meta[@property='og:url']"):
        node.getparent().remove(node)  # htmldate would take a date from them: only the markup's
    day = htmldate.find_date(tree, extensive_search=False, original_date=True)
    markup = html
    for given in {str(u).strip() for u in found}:
        markup = markup.replace(given, "") if given else markup
    written, source = _honest(day, markup) if day else ("", "")
    if not written:
        written = _url_date(page_url) or _url_date(url)
        source = "url" if written else ""
    # metadata from the tree directly (title, site name): trafilatura's own metadata pass
    # (authors, categories, a second date search) costs 40 % of a page's reading
    title = extract_title(tree) or ""
    site = extract_sitename(tree) or ""
    doc = trafilatura.bare_extraction(tree, options=_options())
    lang = str(tree.get("lang") or tree.get("xml:lang") or "").strip().lower()[:2]
    if doc is None:
        return Page("", title, written, source, page_url, lang, site)
    text = "\n\n".join(line.strip() for line in (doc.text or "").splitlines() if line.strip())
    return Page(text, title, written, source, page_url, lang, site)


@lru_cache(maxsize=1)
def _options() -> Any:
    """trafilatura's settings, made once (making them costs a tenth of a page's reading):
    the main text only, fast (no second algorithm), without comments or tables."""
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", fast=True, comments=False, tables=False)


def _honest(day: str, html: str) -> tuple[str, str]:
    """htmldate's day as the page gives it: the day when the markup writes it, else the
    month when the markup writes that, else nothing (htmldate fills in what a page leaves
    out, such as the day of a "2024-12")."""
    year, month, mday = day[:4], day[5:7], day[8:10]
    if any(form in html for form in (f"{year}-{month}-{mday}", f"{year}/{month}/{mday}",
                                     f"{mday}-{month}-{year}", f"{mday}.{month}.{year}")):
        return day, "page"
    if f"{year}-{month}" in html or f"{year}/{month}" in html:
        return f"{year}-{month}", "page"
    return "", ""


def _url_date(url: str) -> str:
    """The date a URL's path holds (/2024/12/06/, /2024-12-06-..., or only /2024/12/)."""
    match = _URL_DAY.search(url)
    if match:
        return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    match = _URL_MONTH.search(url)
    return f"{match[1]}-{int(match[2]):02d}" if match else ""


def has_text(text: str) -> bool:
    """True when a main text is an article's: MIN_WORDS words, or a sentence."""
    return len(text.split()) >= MIN_WORDS or any(
        line.rstrip().endswith((".", "!", "?")) for line in text.splitlines())


def article_of(page: Page, article_id: str, path: str, url: str = "") -> Article:
    """The page as an article; ArticleError (one line) when it has no main text or date."""
    if not has_text(page.text):
        raise ArticleError("no main text found in the page (expected an article's "
                           "paragraphs, found only page furniture or nothing)", reason="no text")
    if not page.date:
        raise ArticleError("no publication date in the page or its URL (none is invented); "
                           "expected a dated article page", reason="date")
    if page.date_from == "url":
        log.info("%s: date %s found only in the URL %s", _one_line(path), page.date,
                 _one_line(page.url[:200]))
    meta = {"date": page.date, "title": page.title, "url": url or page.url, "lang": page.lang,
            "source": page.site}
    return make_article(article_id, page.text, meta, path)


def read(raw: bytes, name: str, on_skip: SkipHandler) -> Iterator[tuple[Article, int | None]]:
    yield article_of(extract_page(decode_page(raw)), name, name), None
