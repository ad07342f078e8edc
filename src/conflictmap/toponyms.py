"""Find the places an article names and pick, for each, the place the article means.

Recognition scans capitalised words (and the lower-case particles inside names, such as
"Deir ez-Zor" or "Bergen op Zoom") and looks the longest run up in the gazetteer's name
index: one dict lookup per n-gram, no regex per name. It rejects common words at the start
of a sentence (the generated stoplist), names after a person's title ("president Assad"),
and names glued to another capitalised word that is not a place ("Bashar Assad",
"Mark Rutte"). Disambiguation then uses the whole article: countries and demonyms it names,
unambiguous places it names (and their distance), "provincie X"/"X province" cues, and
population.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, chain, compress
from operator import itemgetter
from weakref import WeakKeyDictionary

from conflictmap.gazetteer import Gazetteer
from conflictmap.model import Article, Mention, Place, PlaceKind
from conflictmap.names import (
    ARABIC_ARTICLES,
    key_from_parts,
    name_key,
    possessive_base,
    word_parts,
)
from conflictmap.namesakes import REFERENCE_KM, in_area, near_town, nearest, stated_area
from conflictmap.native import speedups

log = logging.getLogger(__name__)

_GAP_WORD = re.compile(r"([\W\d_]*)([^\W\d_]+(?:[-'’][^\W\d_]+)*)")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
MAX_TOKENS = 6
_MISSES: WeakKeyDictionary[Gazetteer, tuple[int, dict]] = WeakKeyDictionary()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CONNECTORS = _words(
    "aan ad al am an ar as ash at az bin da das de del della den der di do dos du "
    "ed el en er es ez ibn im la le les of op sous sur van"
)
TITLES = _words(
    "ayatollah bishop bisschop burgemeester caliph captain clan colonel commandant "
    "commander dr emir familie family generaal general gouverneur governor heer imam "
    "kalief kapitein king kolonel koning koningin leader leider luitenant maarschalk "
    "marshal mayor meneer mevrouw minister mr mrs ms paus pope premier president prince "
    "prins queen senator sheik sheikh sjeik spokesman spokeswoman sultan woordvoerder"
)
REGION_BEFORE = _words(
    "deelstaat deelstaten district gouvernement gouvernementen governorate governorates "
    "oblast oblasten oblasts province provinces provincie provincies regio region regions "
    "regios staat state states"
)
REGION_AFTER = _words(
    "governorate governorates oblast oblasts province provinces provincie regio region "
    "regions state"
)
SITE_AFTER = _words(
    "international internationale airport airfield airbase luchthaven vliegveld dam prison "
    "barracks"
)
"""Capitalised words after a town that name one of its sites, not a longer name: "Aleppo
International Airport", "Kunduz Airfield" (``placeroles`` reads the site)."""
UNIT_BEFORE = _words(
    "troepengroep legergroep groep gevechtsgroep brigade bataljon eenheid operatie codenaam "
    "group battlegroup brigade battalion unit operation codename taskforce"
)
"""Words before a name that make it the name of a unit or an operation ("troepengroep
Tavria", "Operation Dawn"), not a place."""
GROUP_AFTER = _words(
    "resistance verzet rebels rebellen fighters strijders militants militanten separatists "
    "separatisten insurgents opstandelingen guerrillas guerrilla militia militie milities "
    "jihadists jihadisten brotherhood broederschap"
)
"""Group nouns right after a place name: the name stands for a people or a group
("Chin resistance", "Donetsk separatists"), not for the place."""
NAME_PARTICLES = _words("abu ag al bin bint el ibn ould van der den von")
ARMY_NOUNS = _words(
    "troepen leger legers strijdkrachten soldaten militairen eenheden luchtmacht marine "
    "drones artillerie huurlingen troops forces army armies soldiers military units navy "
    "drone artillery mercenaries warplanes jets"
)
PLACE_NOUNS = _words(
    "stad steden dorp dorpen regio provincie hoofdstad grensstad havenstad grens gebied "
    "town towns city cities village villages region province capital border oblast"
)
ACTOR_AFTER = ARMY_NOUNS | _words(
    "leaders leader leiders leider group groep groepering militia militie regime bewind clan "
    "familie family aanhangers supporters spokesman woordvoerder commander commandant chief"
)
CONTROL_BEFORE = _words(
    "captured seized overran overrun recaptured retook stormed liberated veroverden veroverde "
    "heroverden heroverde bestormden bevrijdden"
)
"""Verbs of capture before a name: evidence that a capitalised dictionary word mid-sentence is
a place ("M23 rebels seized Sake"). Not "took", "entered" or attack verbs: their objects are
as often people and groups ("took Mark to the station", "attacked Hamas")."""
CONTROL_AFTER = _words("ingenomen veroverd heroverd bevrijd")
ORG_WORDS = _words(
    "hayat tahrir jabhat jaish jaysh harakat liwa ansar ahrar front brigade brigades army "
    "liberation movement organisation organization party islamic islamitische islamitisch "
    "staat state council committee union alliance coalition forces battalion battalions "
    "division corps regiment militia group groep beweging partij leger bevrijdingsleger "
    "brigade fronts"
)
"""Words of organisation names: a place name glued to them ("Hayat Tahrir al-Sham",
"Islamic State of Iraq and the Levant", "Arakan Army") names the organisation, not a place,
unless it is a country ("Sudanese Armed Forces" has no place; "Arakan" is no country)."""
APPOSITION_NOUNS = _words("gebied regio provincie streek area region province governorate")
ARTICLE_WORDS = _words("het de een the a an")
LIST_WORDS = _words("& , and en of or")
DIRECTIONS = _words(
    "central east eastern north northeast northeastern northern northwest northwestern "
    "south southeast southeastern southern southwest southwestern west western"
)
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


def _match_at(toks: _Toks, i: int, gaz: Gazetteer) -> _Span | None:
    """The longest gazetteer name starting at word i (stops when no longer name exists).

    A capitalised run of several words with no exact entry ("Tal Rifaat") is tried by
    transliteration skeleton before its first word alone.
    """
    words, caps = toks.words, toks.caps
    if i + 1 == len(words) or not _may_continue(toks, i + 1):
        key = _word_key(words[i])  # the common case: a single capitalised word
        if len(words[i]) <= 4 and words[i].isupper():
            cands = gaz.pinned(key)  # acronyms ("VS", "DRC") only by curated alias
        else:
            cands = gaz.resolve_key(key, fuzzy=False)
        if cands:
            return _Span(i, i, toks.starts[i], toks.ends[i], key, cands)
        return None if words[i].isupper() else _fallback_match(toks, i, gaz)
    parts: list[str] = []
    best: _Span | None = None
    key, run_end, gated = "", i, False
    for j in range(i, min(len(words), i + MAX_TOKENS)):
        if j > i:
            if not _may_continue(toks, j):
                break
            if not gated and key not in ARABIC_ARTICLES and not gaz.continues(key):
                gated = True  # no longer exact name; keep reading the run for the fuzzy step
        parts.extend(word_parts(words[j]))
        if not caps[j]:
            continue
        run_end = j
        key = key_from_parts(parts)
        if not gated:
            cands = gaz.resolve_key(key, fuzzy=False)
            if cands:
                best = _Span(i, j, toks.starts[i], toks.ends[j], key, cands)
    for last in range(run_end, best.last if best else i, -1):
        run = _fuzzy_run(toks, i, last, gaz) if caps[last] else None
        if run is not None:
            return run
    if best is None and words[i].isupper():
        return None
    return best or _fallback_match(toks, i, gaz)


def _may_continue(toks: _Toks, j: int) -> bool:
    """True when word j may continue the name before it (glued, capitalised or a particle)."""
    return toks.joined(j - 1) and (toks.caps[j] or toks.words[j].lower() in CONNECTORS)


@lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    return key_from_parts(word_parts(word))


def _fuzzy_run(toks: _Toks, i: int, last: int, gaz: Gazetteer) -> _Span | None:
    parts: list[str] = []
    for j in range(i, last + 1):
        parts.extend(word_parts(toks.words[j]))
    key = key_from_parts(parts)
    cands = gaz.fuzzy_indices(key) if len(key) >= 6 else ()
    return (
        _Span(i, last, toks.starts[i], toks.ends[last], key, cands, fuzzy=True) if cands else None
    )


def _fallback_match(toks: _Toks, i: int, gaz: Gazetteer) -> _Span | None:
    """A possessive ("Aleppo's", "Assads") or a transliteration ("Bachmoet") of one word.

    A bare genitive -s is not tried at a sentence start ("Sinds", "Opmars" are words).
    Words that matched nothing are remembered per gazetteer.
    """
    misses = _memo(_MISSES, gaz)
    probe = (toks.words[i], toks.initials[i])
    if probe in misses:
        return None
    span = _fallback_span(toks, i, gaz)
    if span is None:
        if len(misses) > 200_000:
            misses.clear()
        misses[probe] = True
    return span


def _fallback_span(toks: _Toks, i: int, gaz: Gazetteer) -> _Span | None:
    word, start = toks.words[i], toks.starts[i]
    head, _, tail = word.partition("-")
    if tail and tail[0].islower() and not tail.startswith(head.lower()):
        # "Syrië-kenner": a country or region in a compound; not towns ("Gaza-oorlog")
        cands = tuple(
            c
            for c in gaz.resolve_key(_word_key(head), fuzzy=False)
            if gaz.place(c).kind in (PlaceKind.COUNTRY, PlaceKind.REGION)
        )
        if cands:
            return _Span(i, i, start, start + len(head), _word_key(head), cands, after=tail)
    base = possessive_base(word)
    if base and (not toks.initials[i] or not word.endswith("s") or word[-2] in "'’"):
        key = key_from_parts(word_parts(base))
        cands = gaz.resolve_key(key, fuzzy=False)
        if cands:
            return _Span(i, i, start, start + len(base), key, cands)
    key = key_from_parts(word_parts(word))
    if len(key) < 4 or key in gaz.stopwords or gaz.demonym(word):
        return None
    cands = gaz.fuzzy_indices(key)
    return _Span(i, i, start, toks.ends[i], key, cands, fuzzy=True) if cands else None


_MATCHES: WeakKeyDictionary[Gazetteer, tuple[int, dict]] = WeakKeyDictionary()


def _memo(store: WeakKeyDictionary[Gazetteer, tuple[int, dict]], gaz: Gazetteer) -> dict:
    """A per-gazetteer cache, emptied when a place or pin was added since it was filled."""
    entry = store.get(gaz)
    if entry is None or entry[0] != gaz.generation:
        entry = store[gaz] = (gaz.generation, {})
    return entry[1]


def _spans(toks: _Toks, gaz: Gazetteer) -> list[_Span]:
    """The longest gazetteer names at capitalised words, left to right, not overlapping.

    ``_match_at`` depends only on the run of glued words from i (and whether word i starts a
    sentence), so its result is remembered per gazetteer by that run: names repeat within
    and across articles, and most capitalised words are the same few common words.
    """
    spans: list[_Span] = []
    covered = -1
    memo = _memo(_MATCHES, gaz)
    words, n, starts, ends = toks.words, toks.n, toks.starts, toks.ends
    caps, text = toks.caps, toks.text
    for i in toks.cap_idx:
        if i <= covered:
            continue
        j = i + 1  # the glued run from i (_may_continue, inlined: this loop is hot)
        while (
            j < n
            and j - i < MAX_TOKENS
            and (caps[j] or words[j].lower() in CONNECTORS)
            and starts[j] - ends[j - 1] <= 1
            and text[ends[j - 1] : starts[j]] in _GLUE
        ):
            j += 1
        probe = (toks.initials[i], *words[i:j])
        found = memo.get(probe, False)
        if found is False:
            span = _match_at(toks, i, gaz)
            if len(memo) > 200_000:
                memo.clear()
            memo[probe] = found = (
                None
                if span is None
                else (
                    span.last - i,
                    span.end - ends[span.last],
                    span.key,
                    span.cands,
                    span.fuzzy,
                    span.after,
                )
            )
        if found is None:
            continue
        rel, end_delta, key, cands, fuzzy, after = found
        last = i + rel
        span = _Span(i, last, starts[i], ends[last] + end_delta, key, cands, fuzzy, False, after)
        _extend_direction(toks, span, gaz)
        spans.append(span)
        covered = last
    return spans


def _country_words(spans: list[_Span], gaz: Gazetteer) -> set[int]:
    """Indices of the words of spans whose best candidate is a country."""
    return {
        k
        for s in spans
        if not s.fuzzy and gaz.place(s.cands[0]).kind is PlaceKind.COUNTRY
        for k in range(s.first, s.last + 1)
    }


def _extend_direction(toks: _Toks, span: _Span, gaz: Gazetteer) -> None:
    """'northern Syria': take the direction word into the span when the region exists."""
    i = span.first
    if i == 0 or not toks.joined(i - 1):
        return
    word = toks.words[i - 1].lower()
    if word not in DIRECTIONS:
        return
    key = key_from_parts([*word_parts(word), span.key])
    cands = gaz.indices(key)
    if cands:
        span.first, span.start, span.key, span.cands = i - 1, toks.starts[i - 1], key, cands


def _title_case(text: str, pos: int, cache: dict[int, bool]) -> bool:
    """True when the line around ``pos`` is mostly capitalised words (an English headline)."""
    lo = text.rfind("\n", 0, pos) + 1
    found = cache.get(lo)
    if found is None:
        hi = text.find("\n", pos)
        words = _LONG_WORD.findall(text, lo, hi if hi >= 0 else len(text))
        found = len(words) >= 5 and sum(w[0].isupper() for w in words) / len(words) >= 0.8
        cache[lo] = found
    return found


def _neighbour(toks: _Toks, i: int, step: int, countries: set[int]) -> int | None:
    """Index of a capitalised word glued to word i (across "al", "bin"...), if any.

    A sentence-initial word before the span is no evidence: it is capitalised anyway;
    nor is a country name ("gebruikt Iran Syrië als route"), nor a compound that ends in a
    lower-case noun ("HTS-strijders", "Kremlin-backed").
    """
    j = i + step
    while 0 <= j < toks.n:
        later = max(j, j - step)
        if not toks.joined(later - 1) or toks.initials[later]:
            return None
        word = toks.words[j]
        if toks.caps[j]:
            if (word.isupper() or word.lower() in REGION_AFTER or (step < 0 and toks.initials[j])
                    or (step > 0 and word.lower() in SITE_AFTER)):
                return None
            if "-" in word and word.rpartition("-")[2][:1].islower():
                return None  # a noun compound: "HTS-strijders Idlib", "Hamas-run Gaza"
            if j in countries:
                return None
            return j
        if word.lower() not in NAME_PARTICLES:
            return None
        j += step
    return None


def _keep(
    toks: _Toks,
    span: _Span,
    gaz: Gazetteer,
    lines: dict[int, bool],
    countries: set[int],
    persons: frozenset[str] = frozenset(),
    initial_ok: bool = False,
    actor_words: frozenset[str] = frozenset(),
) -> bool:
    """Reject common words at a sentence start, names after a title, parts of longer names
    and of organisation names. ``countries``: indices of words inside country names;
    ``persons``: words the article uses for a person ("president Assad"); ``initial_ok``:
    the article also writes this common word as a name mid-sentence, so at a sentence start
    it is that name too (a weak match, as mid-sentence)."""
    if span.first == span.last and span.key in gaz.stopwords:
        if not initial_ok and (toks.initials[span.first]
                               or _title_case(toks.text, span.start, lines)):
            return False  # a sentence start, or a headline that capitalises every word ("In")
        span.stop = True
    if span.first > 0 and (toks.words[span.first - 1].lower() in TITLES
                           or toks.words[span.first - 1].lower() in UNIT_BEFORE):
        return False
    if span.first == span.last and gaz.demonym(toks.words[span.first]) and not (
            span.last + 1 < toks.n and toks.words[span.last + 1].lower() in REGION_AFTER):
        return False  # "Somali troops": a nationality word, not the Somali Region
    if span.first not in countries and _in_organisation(toks, span, lines, gaz):
        return False
    after = _neighbour(toks, span.last, 1, countries)
    before = _neighbour(toks, span.first, -1, countries)
    if (before is not None and toks.words[before] in persons and after is None
            and not (before > 0 and toks.words[before - 1].lower() in TITLES)):
        # "Assad Aleppo": a person the article names, then a place; not the person's own
        # last name right after a title and a first name ("Minister Gideon Saar")
        before = None
    if before is not None and (gaz.demonym(toks.words[before])
                               or toks.words[before] in actor_words):
        # "namen de Russen Strilecha in", "het Oekraïense Charkiv": a people; "nam Hamas
        # Rafah in" (Dutch puts the subject after the verb): an actor
        before = None
    glued = after is not None or before is not None
    if not glued and not span.fuzzy:
        return True
    title = _title_case(toks.text, span.start, lines)  # headlines capitalise every word
    return title and not span.fuzzy if glued else not title


_ORG_LINKS = frozenset({"of", "and", "the", "for", "van", "de", "het", "en", "voor", "der"})


def _in_organisation(toks: _Toks, span: _Span, lines: dict[int, bool], gaz: Gazetteer) -> bool:
    """True when the span is part of an organisation's name: a capitalised run (across
    "of", "and the", "al-") with an organisation word before or right after it ("Hayat
    Tahrir al-Sham", "Islamic State of Iraq and the Levant", "Arakan Army"). In a Title Case
    headline only organisation words themselves are walked ("Russian Army Retakes Kherson").
    "in" links only to a region ("Islamitische Staat in de Levant"), never to a town ("the
    Islamic State in Raqqa" is about Raqqa)."""
    words, caps = toks.words, toks.caps
    links = _ORG_LINKS
    if gaz.place(span.cands[0]).kind is not PlaceKind.TOWN:
        links = _ORG_LINKS | {"in"}
    j, steps = span.first - 1, 0
    while j >= 0 and steps < 6 and toks.joined(j) and not toks.initials[j + 1]:
        low = words[j].lower()
        if caps[j]:
            if low in ORG_WORDS:
                return True
            if words[j].isupper() or _title_case(toks.text, span.start, lines):
                break
        elif low not in links and low not in NAME_PARTICLES:
            break
        j -= 1
        steps += 1
    j = span.last + 1
    for _ in range(3):
        if j >= toks.n or not caps[j] or not toks.joined(j - 1) or toks.initials[j]:
            return False
        low = words[j].lower()
        if low in ORG_WORDS and low not in REGION_AFTER:
            return True
        j += 1
    return False


def _persons(toks: _Toks) -> frozenset[str]:
    """Capitalised words the article uses for a person: after a title ("president Assad")."""
    words = toks.words
    return frozenset(words[i] for i in toks.cap_idx if i and words[i - 1].lower() in TITLES)


def _region_cues(
    toks: _Toks, spans: list[_Span], by_first: dict[int, _Span], by_last: dict[int, _Span],
    countries: set[int] | frozenset[int] = frozenset(),
) -> list[bool]:
    """For each span: True for 'provincie Hama', 'provincies Daraa en Sweida', 'Idlib
    province', 'Hama and Homs provinces': a region word before or after the name (across a
    list). ``by_first``/``by_last``: the spans by their first and last word; ``countries``:
    the words of country names ("United States and Turkey" is no list of states).

    Linear in the number of words: a walk that reaches the next name of a list takes that
    name's answer (computed first) instead of walking the rest of the list again."""
    words = toks.words
    before: dict[int, bool] = {}  # id(span) -> a region word before it, across a list
    for span in spans:
        i, found = span.first - 1, False
        while i >= 0:
            w = words[i].lower()
            if w in REGION_BEFORE and i not in countries:
                found = True
                break
            prev = by_last.get(i)
            if prev is not None:
                found = before.get(id(prev), False)
                break
            if w in LIST_WORDS or w in ("de", "the", "of", "van"):
                i -= 1
            else:
                break
        before[id(span)] = found
    after: dict[int, bool] = {}  # id(span) -> a region word after it, across a list
    for span in reversed(spans):
        j, found = span.last + 1, False
        while j < toks.n:
            w = words[j].lower()
            if w in REGION_AFTER:
                # "Idlib province", not "Palmyra, state television reported"
                found = toks.joined(j - 1)
                break
            nxt = by_first.get(j)
            if nxt is not None:
                found = after.get(id(nxt), False)
                break
            if w in LIST_WORDS:
                j += 1
            else:
                break
        after[id(span)] = found
    return [before[id(s)] or _apposition(toks, s.last + 1) or after[id(s)] for s in spans]


def _apposition(toks: _Toks, j: int) -> bool:
    """'Daraa, het gebied helemaal in het zuiden' / 'Idlib, a province in the north'."""
    if j + 1 >= len(toks) or "," not in toks.text[toks.ends[j - 1] : toks.starts[j]]:
        return False
    return toks.words[j].lower() in ARTICLE_WORDS and toks.words[j + 1].lower() in APPOSITION_NOUNS


@dataclass
class _Context:
    """What the whole article says about where it is.

    ``named``: weight per country from country names (3) and demonyms (2);
    ``keys``: per country, the distinct names of places that lie only in that country;
    ``anchors``: unambiguous towns; ``regions``: admin1 names of regions named;
    ``area``: countries of armies named ("Russian troops") and their neighbours.
    """

    named: Counter
    keys: dict[str, set[str]]
    anchors: list[Place]
    regions: set[str]
    area: frozenset[str] = frozenset()

    def support(self, country: str, key: str = "") -> float:
        """Evidence for ``country`` apart from the name ``key`` itself."""
        others = self.keys.get(country, set())
        return self.named.get(country, 0) + len(others) - (key in others)

    def has_evidence(self, key: str) -> bool:
        """True when the article points at any country apart from the name ``key``."""
        return bool(self.named or self.area) or any(keys - {key} for keys in self.keys.values())

    @property
    def countries(self) -> Counter:
        out = Counter(self.named)
        for cc, keys in self.keys.items():
            out[cc] += len(keys)
        return out


def _demonym_weight(toks: _Toks, i: int) -> float:
    """How much a nationality word says about where things are.

    "de Syrische stad", "the Ukrainian town of": a lot; "Syrian rebels": some;
    "Russische troepen", "Russian forces": nothing by itself (an army may fight abroad), but
    see ``_Context.area``.
    """
    nxt = toks.words[i + 1].lower() if i + 1 < len(toks) else ""
    if nxt in PLACE_NOUNS:
        return 4.0
    return 0.0 if nxt in ARMY_NOUNS else 1.0


def _context(toks: _Toks, spans: list[_Span], gaz: Gazetteer) -> _Context:
    named: Counter = Counter()
    keys: dict[str, set[str]] = {}
    anchors: list[Place] = []
    regions: set[str] = set()
    area: set[str] = set()
    for i in toks.cap_idx:
        cc = gaz.demonym(toks.words[i])
        if cc:
            weight = _demonym_weight(toks, i)
            named[cc] += weight
            if not weight:
                area.update({cc, *gaz.neighbours.get(cc, ())})
    for s in spans:
        if s.fuzzy or s.stop:
            continue
        places = [gaz.place(i) for i in s.cands]
        top = places[0]
        if top.kind is not PlaceKind.TOWN and top.country:
            named[top.country] += 3 if top.kind is PlaceKind.COUNTRY else 2
            regions.add(top.admin1)
            continue
        ccs = {p.country for p in places if p.country and not _negligible(p, top)}
        if len(ccs) == 1:
            keys.setdefault(next(iter(ccs)), set()).add(s.key)
            if len(places) == 1 and all(a is not top for a in anchors):
                anchors.append(top)
    return _Context(+named, keys, anchors, regions, frozenset(area))


NEGLIGIBLE_SHARE = 0.01


def _negligible(place: Place, top: Place) -> bool:
    """A namesake town of under 1 % of the first candidate's population ("Gasa", Bhutan, pop.
    548, beside Gaza City's 410,000): no reason to doubt which country the name points at."""
    return (place.kind is PlaceKind.TOWN and top.kind is PlaceKind.TOWN
            and place.population < top.population * NEGLIGIBLE_SHARE)


@lru_cache(maxsize=65536)
def _own_key(name: str) -> str:
    """names.name_key of a place's own name (cached: scoring asks for it per candidate)."""
    return name_key(name)


def _distance_km(a: Place, b: Place) -> float:
    dlat = math.radians(b.lat - a.lat)
    dlon = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return 6371.0 * math.hypot(dlat, dlon)


def score(
    place: Place, ctx: _Context, region_cue: bool, pinned: bool = False, key: str = ""
) -> float:
    """Higher is likelier: population, the article's countries, nearby anchors, region cues,
    and curation (a curated name or an analyst's pin)."""
    s = math.log10(place.population + 10) + (5.0 if pinned else 0.0)
    if key and _own_key(place.name) == key:
        s += 2.0  # the place's own name, not an old or foreign alternate
    support = ctx.support(place.country, key) if place.country else 3.0
    s += 6.0 * support / (support + 2.0)
    if place.kind is PlaceKind.COUNTRY:
        s += 3.0
    if place.kind is PlaceKind.REGION:
        s += 4.0 if region_cue else (0.0 if pinned or not place.country else -2.5)
    if place.admin1 and place.admin1 in ctx.regions and place.kind is PlaceKind.TOWN:
        s += 1.0
    if any(_distance_km(place, a) < 150 for a in ctx.anchors if a.id != place.id):
        s += 1.5
    return s


def choose(
    places: list[Place],
    ctx: _Context,
    region_cue: bool,
    pinned: frozenset[str] = frozenset(),
    key: str = "",
) -> tuple[Place, list[float]]:
    """The candidate the context picks, and every candidate's score.

    Candidates in a country the article gives signs of (or with no country) shut out the others.
    """
    if len(places) == 1:
        return places[0], [0.0]
    # a country's own name is the sign of it: "the United States and Turkey" is not a town
    # of the United States known as Turkey
    named = [p for p in places if not p.country or p.kind is PlaceKind.COUNTRY
             or ctx.support(p.country, key) >= 1]
    pool = named or [p for p in places if p.country in ctx.area] or places
    in_pool = {id(p) for p in pool}
    scores = [
        score(p, ctx, region_cue, p.id in pinned, key) if id(p) in in_pool else -99.0
        for p in places
    ]
    best = max(range(len(places)), key=lambda i: (scores[i], -i))
    return places[best], scores


def _accept(span: _Span, place: Place, ctx: _Context, gaz: Gazetteer, toks: _Toks) -> bool:
    """Weak matches need the article's support: common words mid-sentence, transliterations,
    names used for an actor ("Wagner mercenaries", "Assads regime"), and small towns far
    from every country and place the article names."""
    if not place.country:
        return True
    nxt = span.last + 1
    if (place.kind is not PlaceKind.COUNTRY and nxt < toks.n and toks.joined(span.last)
            and toks.words[nxt].lower() in GROUP_AFTER):
        return False  # "Chin resistance", "Donetsk separatists": a people or a group
    in_ctx = ctx.support(place.country, span.key) >= 1
    if place.kind is not PlaceKind.TOWN:
        if span.fuzzy:
            return in_ctx or _near_context(place, ctx, gaz, span.key)
        return not span.stop or place.kind is PlaceKind.COUNTRY or in_ctx
    if in_ctx:
        return True
    nxt = span.last + 1
    after = span.after or (toks.words[nxt] if nxt < len(toks) else "")
    if after.lower() in ACTOR_AFTER:
        return False
    if not ctx.has_evidence(span.key):
        # no country signal: the name alone must point at one place; a dictionary word
        # ("Sake") needs a capture verb, a transliteration a large town
        if not _dominant(span, place, gaz):
            return False
        if span.stop:
            return _control_object(toks, span)
        return not span.fuzzy or place.population >= STRONG_POPULATION
    near = _near_context(place, ctx, gaz, span.key)
    if span.stop or span.fuzzy:
        return near
    return near or place.population >= STRONG_POPULATION


def _dominant(span: _Span, place: Place, gaz: Gazetteer) -> bool:
    """True when the name means this town alone: no other town of that name more than
    DOMINANT_KM away has half its population (a town known by this name only as an old or
    foreign alternate does not compete with one whose own name it is), or curation (a
    curated place, alias or pin) chose it. Twin entries of one town and border twins
    (Rafah) do not compete."""
    if gaz.pinned(span.key)[:1] == span.cands[:1]:
        return True
    own = _own_key(place.name) == span.key  # "Pokrovsk" is Engels' old name only
    for c in span.cands[:25]:
        other = gaz.place(c)
        if (
            other is not place
            and other.kind is PlaceKind.TOWN
            and other.population * 2 > place.population
            and _distance_km(place, other) > DOMINANT_KM
            and not (own and _own_key(other.name) != span.key)
        ):
            return False
    return True


def _control_object(toks: _Toks, span: _Span) -> bool:
    """True when the name is the object of a capture verb: "seized Sake", "captured the town
    of Paletwa", "Sake ingenomen". Known gap: "Police seized Mark" (a first name that is
    also a village) passes too when the article names no country."""
    i = span.first - 1
    words = toks.words
    skipped = 0
    while i >= 0 and skipped < 4 and words[i].lower() in _OBJECT_FILLERS:
        i -= 1
        skipped += 1
    if i >= 0 and words[i].lower() in CONTROL_BEFORE:
        return True
    j = span.last + 1
    return j < toks.n and words[j].lower() in CONTROL_AFTER


_OBJECT_FILLERS = _words(
    "the town city village of control over de het stad dorp plaats strategic strategische key"
)


def _near_context(place: Place, ctx: _Context, gaz: Gazetteer, key: str) -> bool:
    """True when the place lies in or next to a country the article names, or within
    NEAR_KM of a place it names (other than by the name ``key`` itself)."""
    countries = {*ctx.named, *(cc for cc, keys in ctx.keys.items() if keys - {key})}
    if (
        place.country in countries
        or place.country in ctx.area
        or any(place.country in gaz.neighbours.get(cc, ()) for cc in countries)
    ):
        return True
    return any(_distance_km(place, p) <= NEAR_KM for p in ctx.anchors if p.id != place.id)


@lru_cache(maxsize=8)
def _calendar_words(lang: str) -> frozenset[str]:
    """The month and weekday names of a language's rules file: never a place ("August",
    a town in California, is a month in news)."""
    from conflictmap.errors import RulesError
    from conflictmap.rules import load_language

    try:
        dates = load_language(lang).dates
    except RulesError:
        return frozenset()
    return frozenset(name_key(w) for w in (*dates.months, *dates.weekdays))


def find_places(text: str, gazetteer: Gazetteer, lang: str,
                actor_words: frozenset[str] = frozenset()) -> list[Mention]:
    """Every place named in ``text``, resolved with the whole text as context, sorted by start.
    ``actor_words``: the words of the actors the text names ("Hamas", "Taliban"), which do
    not make a longer name with a place right after them."""
    toks = tokenize(text)
    lines: dict[int, bool] = {}
    calendar = _calendar_words(lang)
    spans = [s for s in _spans(toks, gazetteer)
             if not (s.first == s.last and s.key in calendar)]  # "from August": a month
    countries = _country_words(spans, gazetteer)
    persons = _persons(toks)
    kept = {id(s) for s in spans
            if _keep(toks, s, gazetteer, lines, countries, persons, actor_words=actor_words)}
    # Common words the article uses as names mid-sentence are that name at a sentence start
    # too ("Sake werd ingenomen. ... ten oosten van Sake"); not short words and particles,
    # which open sentences as themselves ("Van daar ... naar Van").
    weak = {s.key for s in spans if id(s) in kept and s.stop and len(s.key) >= 4
            and s.key not in CONNECTORS and s.key not in NAME_PARTICLES}
    if weak:
        kept |= {id(s) for s in spans if id(s) not in kept and s.key in weak
                 and _keep(toks, s, gazetteer, lines, countries, persons, initial_ok=True,
                           actor_words=actor_words)}
    spans = [s for s in spans if id(s) in kept]
    ctx = _context(toks, spans, gazetteer)
    by_first, by_last = {s.first: s for s in spans}, {s.last: s for s in spans}
    out = []
    chosen: dict[tuple, Place | None] = {}  # one choice per name, cue, country, candidates
    cues = _region_cues(toks, spans, by_first, by_last, countries)
    for k, span in enumerate(spans):
        cue = cues[k]
        within = stated_area(toks, span, by_first, gazetteer)
        near = near_town(toks, span, by_first, gazetteer)
        memo = (span.key, cue, within, span.cands, near[0].id if near[0] else "", near[1])
        if memo in chosen:
            place = chosen[memo]
        else:
            place = chosen[memo] = _resolve_within(span, ctx, cue, within, gazetteer, near)
        if place is not None and _accept(span, place, ctx, gazetteer, toks):
            out.append(Mention(place, text[span.start : span.end], span.start, span.end))
    return out


def _resolve_within(span: _Span, ctx: _Context, cue: bool, within: str,
                    gaz: Gazetteer, near: tuple[Place | None, bool] = (None, False),
                    ) -> Place | None:
    """:func:`_resolve`, among the candidates in the country (and region) ``within`` the
    text says the place lies in, when it says one (``namesakes.stated_area``), and the one
    nearest the town ``near`` it says it lies by. When the gazetteer has no such place
    there, a town of that name in a neighbouring country is still meant (a border or an
    annexation: "Sevastopol in Russia"), one farther away is not (None: "Palma in
    Mozambique" is not Palma de Mallorca)."""
    if within:
        country = within.partition("|")[0]
        cands = in_area(span.cands, within, gaz)
        if not cands:
            place = _resolve(span, ctx, cue, gaz)
            close = place.country == country or place.country in gaz.neighbours.get(country, ())
            return place if close else None
        if cands != span.cands:
            span = replace(span, cands=cands)
    town, close = near
    if town is not None and not cue:
        if close:  # "Andriivka bij Bachmoet": the Andriivka by Bakhmut, or none known
            return nearest(span.cands, town, gaz)
        place = nearest(span.cands, town, gaz, REFERENCE_KM)  # "Homs, east of Misrata"
        if place is not None:
            return place
    return _resolve(span, ctx, cue, gaz)


def _resolve(span: _Span, ctx: _Context, cue: bool, gaz: Gazetteer) -> Place:
    """The place a span names, given the article's context and a region cue."""
    places = [gaz.place(i) for i in span.cands[:25]]
    pinned = (
        frozenset(gaz.place(i).id for i in gaz.pinned(span.key)) if len(places) > 1 else frozenset()
    )
    place, _ = choose(places, ctx, cue, pinned, span.key)
    if cue and place.kind is PlaceKind.TOWN:
        place = gaz.region_of(place) or place
    return place


def place_records(article: Article, mentions: list[Mention]) -> Iterator[dict]:
    """One dict per mention: the ``conflictmap places --format jsonl`` contract (EVENTS.md)."""
    for m in mentions:
        p = m.place
        kind = p.kind.value if p.kind.value in ("town", "region", "country") else "other"
        yield {
            "article": article.id,
            "as_written": m.as_written,
            "start": m.start,
            "end": m.end,
            "place_id": p.id,
            "name": p.name,
            "kind": kind,
            "country": p.country,
            "lat": p.lat,
            "lon": p.lon,
        }


def explain_choice(gaz: Gazetteer, name: str, context_text: str = "") -> str:
    """Text for `conflictmap gazetteer lookup NAME`: candidates, scores, the winner and why."""
    places = gaz.lookup(name)
    if not places:
        return f"{name!r}: no place of that name in the gazetteer (version {gaz.version})"
    text = context_text or name
    toks = tokenize(text)
    spans = _spans(toks, gaz)
    ctx = _context(toks, spans, gaz)
    by_first, by_last = {s.first: s for s in spans}, {s.last: s for s in spans}
    cue = any(_region_cues(toks, spans, by_first, by_last, _country_words(spans, gaz)))
    key = name_key(name)
    pinned = frozenset(gaz.place(i).id for i in gaz.pinned(key))
    best, scores = choose(places[:25], ctx, cue, pinned, key)
    lines = [
        f"{name!r}: {len(places)} candidate(s); context countries: "
        f"{dict(ctx.countries) or 'none'}; region cue: {cue}"
    ]
    for p, s in zip(places[:25], scores, strict=True):
        mark = "*" if p is best else " "
        lines.append(
            f"{mark} {s:6.2f}  {p.id:<22} {p.kind.value:<7} {p.name} ({p.country or '-'}"
            f"{', ' + p.admin1 if p.admin1 else ''}) pop {p.population:,} "
            f"at {p.lat:.4f},{p.lon:.4f}"
        )
    lines.append(
        f"chosen: {best.id} {best.name}; score = log10(population) + article's "
        f"countries + nearby places + region cue (-99: not in a country the text names)"
    )
    return "\n".join(lines)
