"""The words toponym recognition works with: a text's words with their offsets
(``tokenize``, compiled where built; ``word_lists`` is its specification), a candidate name
(``_Span``), and the word lists that mark names as places or as something else.

The word lists are language data: each is the union of one ``[words]`` key of every
``rules/<lang>.toml`` (names are found before an article's language counts), with the
particles and organisation words of names in other languages (``data/name_words.toml``),
read once at import.

Split from ``toponyms`` (recognition) and ``placechoice`` (disambiguation), which both use
them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, compress
from operator import itemgetter
from pathlib import Path

from conflictmap.names import ARABIC_ARTICLES, name_key
from conflictmap.native import speedups

_GAP_WORD = re.compile(r"([\W\d_]*)([^\W\d_]+(?:[-'’][^\W\d_]+)*)")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
MAX_TOKENS = 6


_HEADER = re.compile(r"^\[{1,2}([\w.-]+)\]{1,2}[ \t]*(?:#.*)?$", re.MULTILINE)
_CALENDAR = re.compile(r"^(?:months|month_abbreviations|weekdays)[ \t]*=[ \t]*\[[^\]]*\]",
                       re.MULTILINE)
NAME_WORDS = Path(__file__).parent / "data" / "name_words.toml"


def _tables(text: str) -> dict[str, str]:
    """The text of each TOML table of ``text``, by its name (the first of a name)."""
    heads = list(_HEADER.finditer(text))
    ends = [h.start() for h in heads[1:]] + [len(text)]
    out: dict[str, str] = {}
    for head, end in zip(heads, ends, strict=True):
        out.setdefault(head.group(1), text[head.start():end])
    return out


def language_tables() -> dict[str, dict[str, list[str]]]:
    """Per language file: its ``[words]``, with the ``months``, ``month_abbreviations`` and
    ``weekdays`` of its ``[dates]``, parsed without the thousands of lines of patterns around
    them (read at import; ``load_language`` reads the same). A broken or missing table raises
    RulesError."""
    from conflictmap.errors import RulesError
    from conflictmap.rules import language_files

    out: dict[str, dict[str, list[str]]] = {}
    for lang, path in language_files().items():
        text = path.read_text(encoding="utf-8")
        tables = _tables(text)
        words, dates = tables.get("words", ""), tables.get("dates", "")
        try:
            lists = tomllib.loads(words).get("words")
            calendar = tomllib.loads("\n".join(_CALENDAR.findall(dates)))
        except tomllib.TOMLDecodeError as exc:
            raise RulesError(f"[words] or [dates]: {exc}", path) from exc
        if not isinstance(lists, dict) or len(calendar) != 3:
            raise RulesError("expected a [words] table and [dates] months, "
                             "month_abbreviations and weekdays", path)
        out[lang] = {**lists, **calendar}
    return out


def _union(tables: dict[str, dict[str, list[str]]], key: str,
           shared: dict[str, list[str]] | None = None) -> frozenset[str]:
    """The words of ``key`` of every language file (and of ``shared``)."""
    words = {w for lists in tables.values() for w in lists.get(key, ())}
    return frozenset(words.union((shared or {}).get(key, ())))


_LANGS = language_tables()
_SHARED = tomllib.loads(NAME_WORDS.read_text(encoding="utf-8"))

CONNECTORS = _union(_LANGS, "name_connector", shared=_SHARED)
"""Lower-case words inside a name ("Bergen op Zoom", "Deir ez-Zor")."""
TITLES = _union(_LANGS, "title")
REGION_BEFORE = _union(_LANGS, "region_before")
REGION_PLURAL = _union(_LANGS, "region_plural")
REGION_AFTER = _union(_LANGS, "region_after")
ACCORD_BEFORE = _union(_LANGS, "accord_before")  # "het bestand van Minsk"
ACCORD_AFTER = _union(_LANGS, "accord_after")  # "the Minsk agreements"
OF_WORDS = _union(_LANGS, "of")
SITE_AFTER = _union(_LANGS, "site_after")
"""Capitalised words after a town that name one of its sites, not a longer name: "Aleppo
International Airport", "Kunduz Airfield" (``placeroles`` reads the site)."""
PERSON_NAMES = frozenset(
    word for line in (Path(__file__).parent / "data" / "person_names.txt").read_text(
        encoding="utf-8").splitlines() for word in line.partition("#")[0].split())
"""People whose bare name GeoNames also gives a town ("Stalin", "Tito"): no single-word place.
Names, not a language's words: ``data/person_names.txt``. The words for peoples and faiths
(``people_words``) and the ends of compounds that name a site (``site_tails``) are language
data: the ``[words]`` of ``rules/<lang>.toml``."""
NOT_PERSON_TITLES = _union(_LANGS, "not_person_title")
"""Words of TITLES that name no person after them ("operation Afrin" is about Afrin)."""
UNIT_BEFORE = _union(_LANGS, "unit_before")
"""Words before a name that make it the name of a unit or an operation ("troepengroep
Tavria", "Operation Dawn"), not a place."""
NAME_PARTICLES = _union(_LANGS, "name_particle", shared=_SHARED)
ARMY_NOUNS = _union(_LANGS, "army_noun")
PLACE_NOUNS = _union(_LANGS, "place_noun")
ACTOR_AFTER = ARMY_NOUNS | _union(_LANGS, "actor_after")
GROUP_AFTER = ACTOR_AFTER | _union(_LANGS, "group_after")
"""Words after a people's or a region's name that make it the name of an armed group ("Chin
resistance", "Kachin rebels", "Karen fighters"): no place of the article."""
MONTHS = _union(_LANGS, "months") | _union(_LANGS, "month_abbreviations")
"""Month names are dates, not the small towns abroad that share them ("from August")."""
WEEKDAYS = _union(_LANGS, "weekdays")
"""Weekdays (capitalised in English) are dates: "On Sunday Kidal fell" names Kidal alone."""
CONTROL_BEFORE = _union(_LANGS, "capture_before")
"""Verbs of capture before a name: evidence that a capitalised dictionary word mid-sentence is
a place ("M23 rebels seized Sake")."""
CONTROL_AFTER = _union(_LANGS, "capture_after")
ORG_WORDS = _union(_LANGS, "organisation_word", shared=_SHARED)
"""Words of organisation names: a place name glued to them ("Hayat Tahrir al-Sham",
"Islamic State of Iraq and the Levant", "Arakan Army") names the organisation, not a place,
unless it is a country ("Sudanese Armed Forces" has no place; "Arakan" is no country)."""
APPOSITION_NOUNS = _union(_LANGS, "apposition_noun")
ARTICLE_WORDS = _union(_LANGS, "article")
LIST_WORDS = frozenset({"&", ","}) | _union(_LANGS, "and") | _union(_LANGS, "or")
DIRECTIONS = _union(_LANGS, "direction")
OBJECT_FILLERS = _union(_LANGS, "object_filler")
"""Words between a verb of capture and its place ("captured the strategic town of X")."""
INTERNATIONAL = _union(_LANGS, "international")
"""How a written airport name says it is the international one (``airports``)."""
ORG_LINKS = _union(_LANGS, "organisation_link")
"""Lower-case words inside an organisation's name ("Islamic State of Iraq and the Levant")."""
ORG_REGION_LINKS = ORG_LINKS | _union(_LANGS, "in")
"""ORG_LINKS and "in", which links an organisation's name only to a region ("Islamitische
Staat in de Levant"), never to a town ("the Islamic State in Raqqa" is about Raqqa)."""
COMPASS = _union(_LANGS, "compass")
AREA_FILLERS = COMPASS | _union(_LANGS, "area_filler")
"""Words between "in" and the country or region that says where a place lies: "in northern
Mali", "in the far north of Cameroon", "in het noorden van Burkina Faso", "in de oblast
Donetsk", "in the province of Idlib" (``namesakes``)."""
AREA_REGION_WORDS = _union(_LANGS, "region_word")
NEAR_WORDS = _union(_LANGS, "near_word")
"""Words that tie a name to a nearby town after it: "Andriivka bij Bachmoet"."""
REFERENCE_WORDS = _union(_LANGS, "reference_word")
"""Words that name a town as a reference point after a name ("30 km from Kherson"), as "of"
and "van" do after a compass word ("north of", "ten noorden van": Dutch "of" is "or")."""
NEAR_FILLERS = NEAR_WORDS | REFERENCE_WORDS | COMPASS | _union(_LANGS, "near_filler")
SETTLEMENT_ENDS = tuple(sorted(_union(_LANGS, "settlement_end")))
"""How the noun of an apposition that names a place's kind ends ("a coastal town")."""
del _LANGS, _SHARED
_BOUNDARY = re.compile(r'[.!?:;\n"“”„«»()\[\]•|–—]|\s-\s')
STRONG_POPULATION = 100_000
NEAR_KM = 1000.0
DOMINANT_KM = 30.0


_second = itemgetter(1)


_GLUE = ("", " ", "-", "\u00a0")


class _Toks:
    """The words of a text as parallel lists: offsets, text, capitalised, sentence-initial."""

    __slots__ = ("cap_idx", "caps", "ends", "initials", "n", "starts", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        if speedups is not None:
            self.starts, self.ends, self.words, self.caps, self.initials = speedups.tokenize(
                text, CONNECTORS)
        else:
            self.starts, self.ends, self.words, self.caps, self.initials = word_lists(text)
        self.n = len(self.words)
        self.cap_idx = list(compress(range(self.n), self.caps))

    def __len__(self) -> int:
        return self.n

    def joined(self, i: int) -> bool:
        """True when word i and word i+1 are separated by one space or hyphen only."""
        return (
            self.starts[i + 1] - self.ends[i] <= 1
            and self.text[self.ends[i] : self.starts[i + 1]] in _GLUE
        )


def word_lists(text: str) -> tuple[list[int], list[int], list[str], list[bool], list[bool]]:
    """The words of ``text`` (``_GAP_WORD``) as (starts, ends, words, capitalised, after a
    boundary): the specification of the compiled ``tokenize``."""
    pairs = _GAP_WORD.findall(text)
    ends = list(accumulate(map(len, chain.from_iterable(pairs))))
    words = list(map(_second, pairs))
    caps = [w[0].isupper() or ("-" in w and _is_cap(w)) for w in words]
    boundary = _BOUNDARY.search
    initials = [g != " " and boundary(g) is not None for g, _ in pairs]
    if initials:
        initials[0] = True
    return ends[0::2], ends[1::2], words, caps, initials


@dataclass(slots=True)
class _Span:
    first: int  # token index
    last: int
    start: int
    end: int
    key: str
    cands: tuple[int, ...]
    fuzzy: bool = False
    stop: bool = False
    after: str = ""  # the rest of a compound ("Syrië-kenner" -> "kenner")


def _is_cap(word: str) -> bool:
    if word[0].isupper():
        return True
    head, sep, tail = word.partition("-")
    return bool(sep and tail and tail[0].isupper() and head.lower() in CONNECTORS)


def tokenize(text: str) -> _Toks:
    """Words with offsets, capitalisation and whether they start a sentence or line."""
    return _Toks(text)


@lru_cache(maxsize=8)
def calendar_words(lang: str) -> frozenset[str]:
    """The month and weekday names of a language's rules file: never a place ("August",
    a town in California, is a month in news)."""
    from conflictmap.rules import language_files, load_language

    if lang not in language_files():
        return frozenset()
    dates = load_language(lang).dates
    return frozenset(name_key(w) for w in (*dates.months, *dates.weekdays))


def _rules_words(lang: str, key: str) -> tuple[str, ...]:
    """``[words] key`` of a language's rules file; none for a language without one (a broken
    file raises RulesError)."""
    from conflictmap.rules import language_files, load_language

    if lang not in language_files():
        return ()
    return load_language(lang).words[key]


@lru_cache(maxsize=8)
def people_words(lang: str) -> frozenset[str]:
    """Words for peoples and faiths that GeoNames also gives a town ("Arab tribes": Arab,
    Alabama; "Hausa": Haouza, Western Sahara): no single-word town (``[words] people``)."""
    return frozenset(w.lower() for w in _rules_words(lang, "people"))


@lru_cache(maxsize=1)
def group_tails() -> frozenset[str]:
    """``GROUP_AFTER`` and the words of every language file's ``[words] people_tail`` ("the
    Kokang minority", "de Kachin-minderheid") and ``building_tail`` ("the Ouagadougou
    conference centre"): after a name, they make it a people's, a group's or a building's
    name, no place."""
    from conflictmap.rules import language_files

    return GROUP_AFTER | frozenset(
        w for lang in language_files() for key in ("people_tail", "building_tail")
        for w in _rules_words(lang, key))


@lru_cache(maxsize=1)
def site_tails() -> frozenset[str]:
    """The ends of a compound that names a town's site ("Rafah-grensovergang", "Goma-vliegveld":
    the town at its head, ``placeroles`` reads the site), of every language file (``[words]
    site_tail``): names are looked up, and remembered, before an article's language counts."""
    from conflictmap.rules import language_files

    return frozenset(w for lang in language_files() for w in _rules_words(lang, "site_tail"))


def apposition(toks: _Toks, j: int) -> bool:
    """'Daraa, het gebied helemaal in het zuiden' / 'Idlib, a province in the north'."""
    if j + 1 >= len(toks) or "," not in toks.text[toks.ends[j - 1] : toks.starts[j]]:
        return False
    return toks.words[j].lower() in ARTICLE_WORDS and toks.words[j + 1].lower() in APPOSITION_NOUNS


def _title_case(text: str, pos: int, cache: dict[int, bool]) -> bool:
    """True when the line around ``pos`` is mostly capitalised words (an English headline);
    not a line in brackets or with a semicolon, as the wire's credits ("(Writing by Tom
    Hallett; Editing by Nick Marsh and Frances Kerry)"), whose names are people."""
    lo = text.rfind("\n", 0, pos) + 1
    found = cache.get(lo)
    if found is None:
        hi = text.find("\n", pos)
        hi = hi if hi >= 0 else len(text)
        words = _LONG_WORD.findall(text, lo, hi)
        found = (len(words) >= 5 and sum(w[0].isupper() for w in words) / len(words) >= 0.8
                 and not text.startswith("(", lo) and text.find(";", lo, hi) < 0)
        cache[lo] = found
    return found


def person_words(toks: _Toks, lines: dict[int, bool]) -> frozenset[str]:
    """Capitalised words the article uses for a person: after a title ("president Assad"),
    and the keys of the name and surname after a person's title ("Colonel Assimi Goita":
    assimi, goita), which are no single-word town anywhere in the article (not from a Title
    Case headline: "President Visits Kherson")."""
    words, caps = toks.words, toks.caps
    raw = [i for i in toks.cap_idx if i and words[i - 1].lower() in TITLES]
    keys = {name_key(words[j]) for i in raw if words[i - 1].lower() not in NOT_PERSON_TITLES
            and not _title_case(toks.text, toks.starts[i], lines)
            for j in (i, i + 1) if j < toks.n and caps[j] and toks.joined(j - 1)}
    # "Premier Haider al-Abadi ... verklaarde Abadi Mosul bevrijd": the surname after its
    # article is the person too
    bare = [_after_article(words[j]) for i in raw if words[i - 1].lower() not in NOT_PERSON_TITLES
            for j in range(i + 1, min(toks.n, i + 3)) if all(toks.joined(k) for k in range(i, j))]
    return (frozenset(words[i] for i in raw) | keys | {b for b in bare if b}
            | {name_key(b) for b in bare if b})


def _after_article(word: str) -> str:
    """"Abadi" of "al-Abadi" (an Arabic article, a hyphen, a capitalised name), else ""."""
    head, sep, rest = word.partition("-")
    return rest if sep and head.lower() in ARABIC_ARTICLES and rest[:1].isupper() else ""


def name_pairs(toks: _Toks) -> frozenset[tuple[str, str]]:
    """Two capitalised words glued mid-sentence ("Aung San Suu Kyi": (Suu, Kyi)): the same two
    at a sentence start are that name too ("Suu Kyi, 76, ...": not the village Kyi)."""
    words, caps, initials = toks.words, toks.caps, toks.initials
    return frozenset((words[i - 1], words[i]) for i in toks.cap_idx  # the capitalised only
                     if i and caps[i - 1] and not initials[i - 1] and toks.joined(i - 1))
