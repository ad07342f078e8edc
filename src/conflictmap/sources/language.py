"""Which rule set reads an article: its language, decided from its words.

A long article is decided by its stopwords (languages/<code>.txt). A short item (a wire
flash, a feed summary: "Rebels captured Hama.") has too few of them, so it is decided by
the words of the rule files' ``keywords`` (rules/<code>.toml: the verbs and nouns of control
changes), and when those say nothing either, by the caller (the majority of its folder:
``articles.ArticleReader``). Every choice that is not a plain stopword majority goes to
the verbose log.
"""

from __future__ import annotations

import logging
import re
import tomllib
from functools import lru_cache
from importlib import resources

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+")
SURE = 3
"""Stopword hits from which a language decision is sure (a sentence of news has more)."""
SHORT = 600
"""Characters below which an article is a short item whose language may be undecided."""


@lru_cache(maxsize=1)
def language_profiles() -> dict[str, frozenset[str]]:
    """Stopword lists per language, one data file each (languages/<code>.txt)."""
    profiles: dict[str, frozenset[str]] = {}
    for entry in resources.files("conflictmap.languages").iterdir():
        if entry.name.endswith(".txt"):
            words = entry.read_text(encoding="utf-8").split()
            profiles[entry.name[:-4]] = frozenset(w.lower() for w in words)
    return profiles


_language_profiles = language_profiles  # the name it had in articles.py


def supported_languages() -> list[str]:
    return sorted(language_profiles())


@lru_cache(maxsize=1)
def rule_words() -> dict[str, tuple[str, ...]]:
    """Per language, the rule file's keywords that are words (prefixes of words: "captur",
    "verover"), lower-cased; keywords with spaces or punctuation are left out."""
    found: dict[str, tuple[str, ...]] = {}
    for lang in language_profiles():
        entry = resources.files("conflictmap.rules").joinpath(f"{lang}.toml")
        try:
            keywords = tomllib.loads(entry.read_text(encoding="utf-8")).get("keywords", [])
        except (OSError, tomllib.TOMLDecodeError):
            keywords = []
        found[lang] = tuple(sorted({k.lower() for k in keywords
                                    if isinstance(k, str) and k.isalpha() and len(k) >= 3}))
    return found


def _stopword_hits(words: list[str]) -> dict[str, int]:
    return {lang: sum(map(stop.__contains__, words))  # True counts 1
            for lang, stop in sorted(language_profiles().items())}


def detect_language(text: str, default: str = "nl") -> str:
    """The language whose stopwords are most frequent in the first few thousand characters."""
    words = list(map(str.lower, _words(text[:4000])))
    best, best_hits = default, 0
    for lang, hits in _stopword_hits(words).items():
        if hits > best_hits:
            best, best_hits = lang, hits
    return best


def decide_language(text: str, other: str = "") -> tuple[str | None, str]:
    """(language, how it was decided) from the text and the article's other fields
    (``other``: its title, a summary); (None, why) when its words do not tell.

    Stopwords decide when there are SURE of them (ties as :func:`detect_language`); else
    the rule files' keywords, when one language has more of them; else a stopword
    majority of one or two words."""
    words = list(map(str.lower, _words(f"{other}\n{text[:4000]}" if other else text[:4000])))
    hits = _stopword_hits(words)
    best = max(hits.values(), default=0)
    leaders = [lang for lang, n in hits.items() if n == best]
    if best >= SURE:
        return leaders[0], "stopwords"
    keyed = {lang: sum(1 for w in words if w.startswith(prefixes))
             for lang, prefixes in rule_words().items() if prefixes}
    top = max(keyed.values(), default=0)
    winners = [lang for lang, n in keyed.items() if n == top]
    if top and len(winners) == 1:
        return winners[0], f"its words of the {winners[0]} rules"
    if best and len(leaders) == 1:
        return leaders[0], f"{best} stopword{'s' if best > 1 else ''}"
    return None, f"{len(words)} words, {best} stopwords and no rule words that tell"


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
