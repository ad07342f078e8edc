"""Sentence spans with character offsets.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus any closing quotes or brackets)
when the next word starts a new sentence (a capital, a digit or an opening quote),
unless the word before the stop is a known abbreviation or a single initial. A line
break always ends a sentence, so headlines and captions without a final stop stand
alone; so does a bullet between spaces (a page's "NOS Nieuws • vandaag, 11:51 • ..."
line).
Spans exclude surrounding whitespace.

Page furniture (:func:`page_furniture`, applied to the compiled and the Python scan alike)
is cut off the sentence it is glued to: a dateline at a line's start ("KARSK, Dec 5
(Reuters) - Forces took ...", "GOMA - De rebellen ...") and a time stamp before a headline
("Aangepast vandaag, 13:25 Rebellen nemen ...") or a liveblog entry ("16:32 Rebellen
nemen ..."), a photo credit ("Foto: AFP - ..."), an
embedded post's author or signature ("@handle: ...", "... — Name (@handle) May 2, 2022");
a related-links line ("Related: ...",
"Lees ook: ...") is no sentence of the article at all. So none of it hides a change or ends
up in a quote.
"""

from __future__ import annotations

import logging
import re

from conflictmap.datelines import DATELINE, MONTHS
from conflictmap.native import speedups

log = logging.getLogger(__name__)

# Abbreviations common in Dutch and English news that end with a period.
_ABBREVIATION_WORDS = """
    dr drs mr mrs ms mw mevr dhr st sr jr prof ir ing gen lt col sgt capt cpt maj adm brig gov
    pres rep sen rev fr no nr nrs vs ca cf etc al approx dept est fig inc ltd co corp
    jan feb mar apr jun jul aug sep sept okt oct nov dec
    bv bijv zgn resp mln mld mrd ong evt incl excl max min blz pag vol ed eds e.g i.e
    o.a d.w.z m.a.w t.o.v a.s z.g.a.n u.s u.k u.n e.u v.s
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())

# A stop followed by whitespace and a sentence start (or the end), or a line break: the
# regex does the scanning, Python only checks abbreviations.
_STOP = re.compile(
    r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘„«(\[¡¿-]?\s*[A-ZÀ-ÖØ-Þ0-9]|\s*$)|\n|[ \t][•·][ \t]"
)


def _is_abbreviation(text: str, stop: int) -> bool:
    """True when the period at ``stop`` closes an abbreviation or an initial."""
    chunk = text[max(0, stop - 12):stop].rsplit(None, 1)
    word = chunk[-1].lstrip("\"'“‘„«([") if chunk else ""
    if not word:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "A. Jansen"
    return word.lower() in _ABBREVIATIONS


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The (start, end) offsets of every sentence in ``text``, in order.

    ``start`` and ``end`` limit the work to a block of whole lines (``start`` at 0 or just
    after a line break, ``end`` at a line break or the end): since a line break always ends
    a sentence, the spans of a block are exactly the whole text's spans inside it.
    """
    end = len(text) if end is None else end
    if speedups is not None and start >= 0 and end >= 0:
        spans: list[tuple[int, int]] = speedups.sentence_spans(
            text, start, end, _ABBREVIATIONS, MAX_SENTENCE_CHARS)
    else:
        spans = sentence_spans_py(text, start, end)
    find = text.find
    for mark in _FURNITURE_MARKS:
        if find(mark, start, end) >= 0:
            return page_furniture(text, spans)
    return spans  # most blocks: nothing that furniture needs


def sentence_spans_py(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """:func:`sentence_spans` in Python: the specification of the compiled scan."""
    spans: list[tuple[int, int]] = []
    # No endpos: a stop's look-ahead may read past the line ("end. -\nNext") as it does
    # when the whole text is split.
    for match in _STOP.finditer(text, start):
        if match.start() >= end:
            break
        stop_text = match.group()
        bullet = stop_text.strip() in ("•", "·")
        if stop_text == "\n" or bullet:
            stop = match.start()  # a line break or a bullet ("NOS Nieuws • vandaag")
        elif stop_text == "." and _is_abbreviation(text, match.start()):
            continue
        else:
            stop = match.end()
        _append_trimmed(spans, text, start, stop)
        start = match.end()
    _append_trimmed(spans, text, start, end)
    return spans


# -- page furniture -----------------------------------------------------------------------
_DAYS = ("mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|"
         "sun(?:day)?|ma(?:andag)?|di(?:nsdag)?|wo(?:ensdag)?|do(?:nderdag)?|vr(?:ijdag)?|"
         "za(?:terdag)?|zo(?:ndag)?")
_CAPS = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\-]+"
# A time stamp before a headline: "Aangepast vandaag, 13:25", "maandag 28 sep 2015, 16:40",
# "Updated 2 March 2024 at 10:15", then a capital.
_TOKEN = rf"(?:vandaag|gisteren|today|yesterday|om|at|{_DAYS}|{MONTHS}|\d{{1,4}})[\s,.]*"
_DATE_WORD = rf"(?:vandaag|gisteren|today|yesterday|{_DAYS}|{MONTHS})[\s,.]*"
_STAMP = re.compile(
    r"(?i:(?:(?:aangepast|bijgewerkt|laatst\s+gewijzigd|gewijzigd|gepubliceerd|updated|"
    rf"last\s+updated|published|posted)\s*:?\s+(?:{_TOKEN}){{0,6}}"
    rf"|(?:\d{{1,4}}[\s,.]*){{0,2}}{_DATE_WORD}(?:{_TOKEN}){{0,5}})"
    r"\d{1,2}[:.]\d{2}(?:\s*(?:uur|u|am|pm|cet|cest|gmt|utc)\b)?)"
    r"(?=\s+[\"'“‘„«]?[A-ZÀ-ÖØ-Þ])")
# A photo credit or an embedded post's author before its text: "Foto: AFP - ...", "Photo:",
# "@handle: ...", "Name (@handle) 27 januari 2025: ...".
_CREDIT = re.compile(
    r"(?:(?i:foto|photo|beeld|image|video)\s*:\s*(?:(?:AFP|AP|ANP|EPA|Reuters|Belga|Getty\s+Images|"
    r"[A-Z]{2,}(?:/[A-Z]{2,})*)\b(?:\s*[-–—|]\s*|\s+(?=[\"'“‘„«]?[A-ZÀ-ÖØ-Þ]))?)?"
    r"|@\w{1,30}\s*:|[^\s()@][^()\n@]{0,60}?\s\(@\w{1,30}\)[^:\n()]{0,40}:)\s*")
# An embedded post's signature after its text: "... — Name (@handle) April 2, 2022".
_SIGNATURE = re.compile(r"\s[—–-]{1,2}\s*[^\s()@][^()\n@]{0,60}?\s\(@\w{1,30}\)[\w\s,.]{0,40}$")
# A liveblog entry's clock time at a line's start: "16:32 Luchthaven in handen van M23".
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?=\s+[\"'“‘„«]?[A-ZÀ-ÖØ-Þ])")
# A related-links line: a headline of another article, no sentence of this one.
_RELATED = re.compile(
    r"(?i:related|read\s+(?:more|also|next)|also\s+read|see\s+also|watch|more\s+on\s+this|"
    r"lees\s+(?:ook|meer|verder)|bekijk\s+ook|zie\s+ook|meer\s+over\s+dit\s+onderwerp|"
    r"ook\s+interessant)\s*:")


def page_furniture(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with a dateline, a time stamp, a photo credit or an embedded post's author
    cut off the sentence it opens, and an embedded post's signature off the sentence it
    closes (each as a sentence of its own); the sentences of a related-links line left out."""
    out: list[tuple[int, int]] = []
    skip_to = -1
    for s, e in spans:
        if s < skip_to:
            continue
        # Cheap tests first: furniture needs a colon, a dash, a handle or "uur" near the
        # start, or a handle in brackets at the end; most sentences have none of these.
        head = text[s:min(e, s + 120)]
        colon = ":" in head
        dateline = "-" in head or "–" in head or "—" in head
        credit = "@" in head or (colon and head[:5].lower() in _CREDIT_WORDS)
        signature = text.find("(@", s, e) >= 0
        if not (colon or dateline or credit or signature or " uur" in head):
            out.append((s, e))
            continue
        line_start = _line_start(text, s)
        if line_start and colon and _RELATED.match(text, s, e):
            end = text.find("\n", e)
            skip_to = len(text) if end < 0 else end
            continue
        start = s
        while s < e and (text[s].isalnum() or text[s] == "@"):
            cut = DATELINE.match(text, s, e) if line_start and dateline else None
            cut = cut or (_CLOCK.match(text, s, e) if line_start and colon else None)
            cut = cut or _STAMP.match(text, s, e) or (_CREDIT.match(text, s, e) if credit
                                                       else None)
            if cut is None or cut.end() >= e:
                break
            _append_trimmed(out, text, s, cut.end())
            s = cut.end() + len(text[cut.end():e]) - len(text[cut.end():e].lstrip())
            line_start = False
        sign = _SIGNATURE.search(text, s, e) if signature else None
        if sign is not None and sign.start() > s:
            _append_trimmed(out, text, s, sign.start())
            s = sign.start()
        if s == start:
            out.append((s, e))
        elif s < e:
            _append_trimmed(out, text, s, e)
    return out


_FURNITURE_MARKS = (":", "@", " -", "—", "–", " uur")
"""What every piece of furniture holds (a colon, a handle, a spaced dash, "uur")."""
_CREDIT_WORDS = frozenset({"foto:", "foto ", "photo", "beeld", "image", "video"})


def _line_start(text: str, position: int) -> bool:
    """True when only whitespace stands between the line's start and ``position`` (a line
    of more than 300 characters before it is no page's furniture line)."""
    k = text.rfind("\n", max(0, position - 300), position)
    return (k >= 0 or position <= 300) and not text[k + 1:position].strip()


MAX_SENTENCE_CHARS = 800
"""A longer "sentence" is a page without full stops (a scrape, a list): it is cut at
whitespace into pieces of at most this size, so the work on it stays linear."""


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Append (start, end) without surrounding whitespace, unless nothing is left."""
    chunk = text[start:end]
    left = chunk.lstrip()
    if not left:
        return
    first = start + len(chunk) - len(left)
    last = first + len(left.rstrip())
    while last - first > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", first + MAX_SENTENCE_CHARS // 2, first + MAX_SENTENCE_CHARS)
        cut = cut if cut > first else first + MAX_SENTENCE_CHARS
        spans.append((first, len(text[first:cut].rstrip()) + first))
        first = cut + len(text[cut:last]) - len(text[cut:last].lstrip())
    spans.append((first, last))


def line_bounds(text: str, position: int) -> tuple[int, int]:
    """The (start, end) of the line holding ``position`` (without its line break)."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, len(text) if end < 0 else end


def sentence_spans_by_line(text: str,
                           split: dict[int, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """``sentence_spans(text)``, reusing the lines already split (line start -> spans)."""
    spans: list[tuple[int, int]] = []
    size = len(text)
    block = 0  # the start of the lines not split yet, split together as one block
    for start in sorted(split):
        if start > block:
            spans.extend(sentence_spans(text, block, start - 1))
        spans.extend(split[start])
        end = text.find("\n", start)
        block = size + 1 if end < 0 else end + 1
    if block <= size:
        spans.extend(sentence_spans(text, block, size))
    return spans


def whole_words(text: str, a: int, b: int, low: int, high: int) -> tuple[int, int]:
    """(a, b) widened to whole words within [low, high]: a check window that cuts
    "northern" to "nor" or "crisis" to "is" reads words that are not there."""
    while a > low and text[a - 1].isalnum():
        a -= 1
    while b < high and text[b].isalnum():
        b += 1
    return a, b
