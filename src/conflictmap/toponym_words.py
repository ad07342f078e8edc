"""The words toponym recognition works with: a text's words with their offsets
(``tokenize``, compiled where built; ``word_lists`` is its specification), a candidate name
(``_Span``), and the word lists that mark names as places or as something else.

Split from ``toponyms`` (recognition) and ``placechoice`` (disambiguation), which both use
them.
"""

from __future__ import annotations

import re
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
    "prins queen senator sheik sheikh sjeik spokesman spokeswoman sultan woordvoerder "
    "operation operatie codename codenaam troepengroep taskforce "
    "opperbevelhebber bevelhebber legerchef legerleider stafchef chief envoy gezant"
)
# No "district": "the district of Ghorian" is named after its town (a second-level
# area), as "Ghorian district" is (REGION_AFTER has none either), not the town's province.
REGION_BEFORE = _words(
    "deelstaat deelstaten gouvernement gouvernementen governorate governorates "
    "oblast oblasten oblasts province provinces provincie provincies regio region regions "
    "regios staat state states"
)
# the plural region words: after one of these a comma lists more regions ("de provincies
# Daraa, Sweida en Quneitra"); after a singular one it opens an apposition
REGION_PLURAL = _words(
    "deelstaten gouvernementen governorates oblasten oblasts provinces provincies regions "
    "regios states"
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
PERSON_NAMES = frozenset(
    word for line in (Path(__file__).parent / "data" / "person_names.txt").read_text(
        encoding="utf-8").splitlines() for word in line.partition("#")[0].split())
"""People whose bare name GeoNames also gives a town ("Stalin", "Tito"): no single-word place.
Names, not a language's words: ``data/person_names.txt``. The words for peoples and faiths
(``people_words``) and the ends of compounds that name a site (``site_tails``) are language
data: the ``[words]`` of ``rules/<lang>.toml``."""
NOT_PERSON_TITLES = _words(
    "operation operatie codename codenaam troepengroep taskforce familie family clan"
)
"""Words of TITLES that name no person after them ("operation Afrin" is about Afrin)."""
UNIT_BEFORE = _words(
    "troepengroep legergroep groep gevechtsgroep brigade bataljon eenheid operatie codenaam "
    "group battlegroup brigade battalion unit operation codename taskforce"
)
"""Words before a name that make it the name of a unit or an operation ("troepengroep
Tavria", "Operation Dawn"), not a place."""
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
GROUP_AFTER = ACTOR_AFTER | _words(
    "resistance verzet verzetsstrijders rebels rebellen fighters strijders insurgents "
    "opstandelingen militants militanten guerrillas guerrilla's separatists separatisten "
    "jihadists jihadisten brotherhood broederschap militias milities militiamen "
    "battalion battalions bataljon bataljons regiment regiments regimenten brigade brigades"
)
"""Words after a people's or a region's name that make it the name of an armed group ("Chin
resistance", "Kachin rebels", "Karen fighters"): no place of the article."""
MONTHS = _words(
    "january february march april may june july august september october november december "
    "januari februari maart mei juni juli augustus oktober "
    "jan feb mar apr jun jul aug sep sept oct okt nov dec"
)
"""Month names are dates, not the small towns abroad that share them ("from August")."""
WEEKDAYS = _words(
    "monday tuesday wednesday thursday friday saturday sunday "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag"
)
"""Weekdays (capitalised in English) are dates: "On Sunday Kidal fell" names Kidal alone."""
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


@lru_cache(maxsize=8)
def calendar_words(lang: str) -> frozenset[str]:
    """The month and weekday names of a language's rules file: never a place ("August",
    a town in California, is a month in news)."""
    from conflictmap.errors import RulesError
    from conflictmap.rules import load_language

    try:
        dates = load_language(lang).dates
    except RulesError:
        return frozenset()
    return frozenset(name_key(w) for w in (*dates.months, *dates.weekdays))


def _rules_words(lang: str, key: str) -> tuple[str, ...]:
    from conflictmap.errors import RulesError
    from conflictmap.rules import load_language

    try:
        return load_language(lang).words[key]
    except RulesError:
        return ()


@lru_cache(maxsize=8)
def people_words(lang: str) -> frozenset[str]:
    """Words for peoples and faiths that GeoNames also gives a town ("Arab tribes": Arab,
    Alabama; "Hausa": Haouza, Western Sahara): no single-word town (``[words] people``)."""
    return frozenset(w.lower() for w in _rules_words(lang, "people"))


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
    words, caps = toks.words, toks.caps
    return frozenset((words[i - 1], words[i]) for i in range(1, toks.n)
                     if caps[i - 1] and caps[i] and toks.joined(i - 1) and not toks.initials[i - 1])
