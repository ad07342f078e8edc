"""Place-name normalisation: one key per spelling, and a coarser "skeleton" for transliterations.

``name_key`` folds case, accents, hyphens, apostrophes and Arabic articles, so "Deir al-Zor",
"Deir ez-Zor" and "DEIR EZ ZOR" share the key "deir zor". ``skeleton`` folds further the
letters that Dutch and English transliterate differently (oe/u, sj/sh, zj/zh, tsj/ch, ch/kh,
j/y, w/v, double letters), so "Bachmoet" and "Bakhmut" share "baxmut".

Both are compositional over words: the key of a phrase is the keys of its words joined by one
space, with Arabic articles dropped unless they are the last word.
"""

from __future__ import annotations

import logging
import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

ARABIC_ARTICLES = frozenset(
    [
        "al",
        "el",
        "ad",
        "ar",
        "as",
        "ash",
        "az",
        "at",
        "an",
        "ath",
        "adh",
        "ed",
        "er",
        "es",
        "ez",
        "en",
        "et",
        "ul",
        "ud",
        "ur",
        "us",
        "un",
    ]
)
"""Transliterated Arabic articles ("al-", "ad-", "ash-", ...), dropped from keys before a word."""

_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "ß": "ss",
        "ł": "l",
        "đ": "d",
        "ı": "i",
        "ħ": "h",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
        "ŀ": "l",
        "ʼ": "",
        "ʻ": "",
        "'": "",
        "’": "",
        "‘": "",
        "`": "",
        "´": "",
        "ʿ": "",
        "ʾ": "",
        "′": "",
    }
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Applied in order to a key; each pair maps spellings of one sound to one symbol.
_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("tsch", "x"),
    ("tsj", "x"),
    ("tch", "x"),
    ("sch", "s"),
    ("ch", "x"),
    ("kh", "x"),
    ("sj", "s"),
    ("sh", "s"),
    ("zj", "z"),
    ("zh", "z"),
    ("oe", "u"),
    ("ou", "u"),
    ("ph", "f"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("ck", "k"),
    ("q", "k"),
    ("w", "v"),
    ("j", "i"),
    ("y", "i"),
)
_DOUBLE = re.compile(r"(.)\1+")

# Dutch and English spell-outs of "city": "Gaza-Stad", "Gaza City", "Koeweit-Stad".
CITY_SUFFIXES = ("stad", "city")


@lru_cache(maxsize=65536)
def word_parts(word: str) -> tuple[str, ...]:
    """The folded parts of one written word ("al-Zor" -> ("al", "zor"), "Syrië" -> ("syrie",))."""
    folded = unicodedata.normalize("NFKD", word.lower().translate(_SPECIAL))
    ascii_ = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return tuple(p for p in _NON_ALNUM.split(ascii_) if p)


def key_from_parts(parts: tuple[str, ...] | list[str]) -> str:
    """Join folded parts into a key, dropping Arabic articles that precede another part."""
    last = len(parts) - 1
    return " ".join(p for i, p in enumerate(parts) if i == last or p not in ARABIC_ARTICLES)


def name_key(name: str) -> str:
    """The lookup key of a written name: lower case, no accents, hyphens or apostrophes."""
    parts: list[str] = []
    for word in name.split():
        parts.extend(word_parts(word))
    return key_from_parts(parts)


@lru_cache(maxsize=65536)
def skeleton(key: str) -> str:
    """A coarser key that merges Dutch/English/French transliterations of one name."""
    out = key
    for old, new in _SKELETON_RULES:
        out = out.replace(old, new)
    return _DOUBLE.sub(r"\1", out)


SPELLINGS = Path(__file__).parent / "rules" / "spellings.toml"


@lru_cache(maxsize=1)
def _spellings() -> dict:
    with SPELLINGS.open("rb") as f:
        return tomllib.load(f)


def _alternate_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The other readings of a name (rules/spellings.toml): a Dutch "tsch" that is ts + ch
    ("Tschinvali" is Tskhinvali), a final -a/-ah, an Arabic article glued to its word."""
    return _compiled_rules(tuple((r["pattern"], r["replace"])
                                 for r in _spellings().get("alternate", [])))


@lru_cache(maxsize=4)
def _compiled_rules(rows: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p), r) for p, r in rows)


def joined_index(names: list[str], countries: str) -> dict[str, list[int]]:
    """Places of the countries whose names news writes as one word where GeoNames splits the
    syllables ("Muse" for "Mu-se", "Kengtung" for "Kēng Tung": Myanmar), by the joined key.
    ``countries``: two letters per place, in the order of ``names``."""
    out: dict[str, list[int]] = {}
    for cc in _spellings().get("joined_countries", ()):
        for m in re.finditer(cc, countries):
            key = name_key(names[m.start() // 2])
            if m.start() % 2 == 0 and " " in key:
                out.setdefault(key.replace(" ", ""), []).append(m.start() // 2)
    return out


def skeleton_alternates(key: str) -> list[str]:
    """The skeletons of a key's other readings (none when it has no ambiguous group)."""
    out = []
    own = skeleton(key)
    for pattern, repl in _alternate_rules():
        other = pattern.sub(repl, key)
        if other != key:
            alt = skeleton(other)
            if alt != own and alt not in out:
                out.append(alt)
    return out


def without_city_suffix(key: str) -> str | None:
    """ "gaza stad" -> "gaza"; None when the key has no city suffix."""
    head, _, last = key.rpartition(" ")
    return head if head and last in CITY_SUFFIXES else None


def possessive_base(word: str) -> str | None:
    """The name inside a possessive or genitive: "Aleppo's" -> "Aleppo", "Assads" -> "Assad"."""
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)]
    if word.endswith("s") and len(word) >= 5 and not word.endswith("ss"):
        return word[:-1]
    return None


def variants(name: str) -> set[str]:
    """Keys a name is also known by: itself, and without a "-Stad"/"City" suffix."""
    key = name_key(name)
    out = {key} if key else set()
    bare = without_city_suffix(key)
    if bare:
        out.add(bare)
    return out
