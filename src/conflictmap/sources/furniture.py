"""Page furniture every format may carry into an article's text, removed while reading: a
headline stamp ("Omroep Nieuws • vandaag, 11:51 • Aangepast vandaag, 13:25"), on a line of
its own or glued before the first line's headline, as a page's main text or a pasted one
keeps it. A stamp is recognised by its form, not its words (any language): short segments
apart by bullets, holding a clock time, with no sentence in them."""

from __future__ import annotations

import re

_CLOCK = re.compile(r"(?<![\d:.])\d{1,2}[:.]\d{2}(?![\d:.])")
_BULLETS = "•·|"
# bullets and stamp segments (each up to 40 characters, no bullet, no sentence end) up to
# the last clock time of the run; at least one bullet
_GLUED = re.compile(
    r"\A[^\S\n]*(?:[^\n•·|.!?]{0,40}?[•·|][^\S\n]*)+[^\n•·|.!?]{0,40}?"
    r"(?<![\d:.])\d{1,2}[:.]\d{2}(?![\d:.])[^\S\n]+(?=\S)")
HEAD_LINES = 3  # a stamp glued before text is looked for in the first lines only
MAX_STAMP = 80


def is_stamp(line: str) -> bool:
    """True for a line that is a stamp: short, a clock time or only bullets, no sentence."""
    bare = line.strip()
    if not bare:
        return False
    if not bare.strip(_BULLETS + " "):
        return True  # bullets alone (what is left of a stamp whose times were markup)
    clocks = list(_CLOCK.finditer(bare))
    if len(bare) > MAX_STAMP or bare[-1] in ".!?\"”'" or not clocks:
        return False
    words = bare.replace("•", " ").replace("·", " ").replace("|", " ").split()
    return len(words) <= 8 and len(bare[clocks[-1].end():].split()) <= 1  # "13:25 GMT"


def strip_stamps(text: str) -> str:
    """The text without stamp lines, and without a stamp glued before the headline on one
    of its first lines. Quotes are taken from the text after this, so offsets agree."""
    if not _CLOCK.search(text) and not any(b in text for b in _BULLETS):
        return text
    lines = text.split("\n")
    kept: list[str] = []
    changed = False
    for index, line in enumerate(lines):
        if is_stamp(line):
            changed = True
            continue
        if index < HEAD_LINES:
            glued = _GLUED.match(line)
            if glued:
                line = line[glued.end():]
                changed = True
        kept.append(line)
    return "\n".join(kept) if changed else text
