"""Find the places an article names and pick, for each, the place the article means.

Recognition scans capitalised words (and the lower-case particles inside names, such as
"Deir ez-Zor" or "Bergen op Zoom") and looks the longest run up in the gazetteer's name
index: one dict lookup per n-gram, no regex per name. It rejects common words at the start
of a sentence (the generated stoplist), names after a person's title ("president Assad"),
and names glued to another capitalised word that is not a place ("Bashar Assad",
"Mark Rutte"), and words that are not places here (a month, a nationality word, a unit,
a people before a group noun). Disambiguation then uses the whole article: countries and
demonyms it names, unambiguous places it names (and their distance), "provincie X"/"X
province" cues, and population (``placechoice``), after what the sentence says about where
the name lies (``namesakes``). The word lists and the tokenizer are in ``toponym_words``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache
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
from conflictmap.namesakes import near_town, short_forms, stated_area
from conflictmap.placechoice import (
    WORLD_CITY,
    _context,
    _resolve_within,
    abroad_span,
    accepted,
    choose,
    home_namesake,
    score,
)
from conflictmap.regioncues import region_cues
from conflictmap.toponym_words import (
    _BOUNDARY,
    _GAP_WORD,
    _GLUE,
    ACCORD_AFTER,
    ACCORD_BEFORE,
    CONNECTORS,
    DIRECTIONS,
    MAX_TOKENS,
    MONTHS,
    NAME_PARTICLES,
    OF_WORDS,
    ORG_LINKS,
    ORG_REGION_LINKS,
    ORG_WORDS,
    PERSON_NAMES,
    REGION_AFTER,
    REGION_BEFORE,
    SITE_AFTER,
    TITLES,
    UNIT_BEFORE,
    WEEKDAYS,
    _is_cap,
    _Span,
    _title_case,
    _Toks,
    calendar_words,
    group_tails,
    name_pairs,
    people_words,
    person_words,
    site_tails,
    tokenize,
    word_lists,
)

log = logging.getLogger(__name__)

_MISSES: WeakKeyDictionary[Gazetteer, tuple[int, dict]] = WeakKeyDictionary()

__all__ = [  # the API, and names kept importable from here since the split
    "CONNECTORS",
    "REGION_AFTER",
    "REGION_BEFORE",
    "_BOUNDARY",
    "_GAP_WORD",
    "_Span",
    "_Toks",
    "_context",
    "_is_cap",
    "choose",
    "explain_choice",
    "find_places",
    "place_records",
    "score",
    "tokenize",
    "word_lists",
]

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
            return _owner(toks, i, gaz) or _Span(i, i, toks.starts[i], toks.ends[i], key, cands)
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
    if best is not None and best.last == i:
        best = _owner(toks, i, gaz) or best
    return best or _fallback_match(toks, i, gaz)


def _owner(toks: _Toks, i: int, gaz: Gazetteer) -> _Span | None:
    """The place a possessive of one word names, when the gazetteer also knows the word with
    its s: "Marawi's displaced" is Marawi, not the town called Marawis."""
    if not toks.words[i].endswith(("'s", "’s")):
        return None
    owner = _fallback_match(toks, i, gaz)
    return owner if owner is not None and not owner.fuzzy else None


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


_COMPOUND_KINDS = (PlaceKind.COUNTRY, PlaceKind.REGION)


def _fallback_span(toks: _Toks, i: int, gaz: Gazetteer) -> _Span | None:
    word, start = toks.words[i], toks.starts[i]
    head, _, tail = word.partition("-")
    if tail and tail[0].islower() and not tail.startswith(head.lower()):
        # "Syrië-kenner": a country or region in a compound; not towns ("Gaza-oorlog") but
        # those that name a site of theirs ("Rafah-grensovergang"), nor a region before a
        # group's noun ("Kokang-rebellen", "Tigray-strijders": a group)
        if tail.lower() in group_tails():
            kinds: tuple[PlaceKind, ...] = (PlaceKind.COUNTRY,)
        else:
            kinds = _COMPOUND_KINDS + ((PlaceKind.TOWN,) if tail in site_tails() else ())
        cands = tuple(c for c in gaz.resolve_key(_word_key(head), fuzzy=False)
                      if gaz.place(c).kind in kinds)
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


def _neighbour(toks: _Toks, i: int, step: int, countries: set[int]) -> int | None:
    """Index of a capitalised word glued to word i (across "al", "bin"...), if any.

    A sentence-initial word before the span is no evidence: it is capitalised anyway;
    nor is a country name ("gebruikt Iran Syrië als route"), nor a compound that ends in a
    lower-case noun ("HTS-strijders", "Kremlin-backed").
    """
    if step > 0 and toks.words[i].endswith(("'s", "’s")) and any(
            w.lower() in SITE_AFTER for w in toks.words[i + 1:i + 5]):
        return None  # a genitive before a site's own name: "Kabul's Hamid Karzai Airport"
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
            if word.lower() in MONTHS or word.lower() in WEEKDAYS:
                return None  # a date glued to the name: "On Sunday Kidal fell", "In May Gao"
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
    pairs: frozenset[tuple[str, str]] = frozenset(),
    people: frozenset[str] = frozenset(),
) -> bool:
    """Reject common words at a sentence start, names after a title, parts of longer names
    and of organisation names. ``countries``: indices of words inside country names;
    ``persons``: words the article uses for a person ("president Assad"); ``initial_ok``:
    the article also writes this common word as a name mid-sentence, so at a sentence start
    it is that name too (a weak match, as mid-sentence); ``people``: the article language's
    words for peoples and faiths (``people_words``)."""
    if span.first == span.last and span.key in gaz.stopwords:
        if not initial_ok and (toks.initials[span.first] or toks.words[span.first].isupper()
                               or _title_case(toks.text, span.start, lines)):
            return False  # a sentence start, a headline that capitalises every word ("In")
            # or a word in capitals ("BLOODIEST BATTLE")
        span.stop = True
    if span.first > 0 and not toks.initials[span.first] and (
            toks.words[span.first - 1].lower() in TITLES
            or toks.words[span.first - 1].lower() in UNIT_BEFORE):
        return False  # (a title ending the sentence before governs no name: "met the governor.")
    if span.first == span.last and (span.key in persons or span.key in PERSON_NAMES
                                    or span.key in people) \
            and gaz.place(span.cands[0]).kind is PlaceKind.TOWN:
        return False  # "Prime Minister Abiy Ahmed ... Abiy's office": Abiy, not Ābīy Ādī
    if span.first == span.last and gaz.demonym(toks.words[span.first]) and not (
            span.last + 1 < toks.n and toks.words[span.last + 1].lower() in REGION_AFTER):
        return False  # "Somali troops": a nationality word, not the Somali Region
    if span.first == span.last and toks.words[span.first].lower() in MONTHS:
        return False
    nxt = span.last + 1
    if (nxt < toks.n and toks.words[nxt].lower() in group_tails()
            and span.first not in countries and toks.joined(span.last)):
        return False  # "Chin resistance", "Kachin rebels": a group's name
    if span.first not in countries and _in_organisation(toks, span, lines, gaz):
        return False
    after = _neighbour(toks, span.last, 1, countries)
    before = _neighbour(toks, span.first, -1, countries)
    if before is None and span.first and toks.initials[span.first - 1] and (
            toks.words[span.first - 1], toks.words[span.first]) in pairs:
        before = span.first - 1  # "Suu Kyi, 76": the name written mid-sentence elsewhere
    if (before is not None and (toks.words[before] in persons or (
            name_key(toks.words[before]) in persons and len(span.key) > _NAME_PART))
            and after is None and not (before > 0 and toks.words[before - 1].lower() in TITLES)):
        # (the surname after a title's first name, then a place: "generaal Ratko Mladić
        # Srebrenica binnen"; a short word is the name's third part: "Zaw Min Tun")
        before = None  # "Assad Aleppo": a person the article names, then a place (not
        # "Minister Gideon Saar": a first name after a title, then the surname)
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


_NAME_PART = 4  # a word this short after a person's name and surname is part of the name


def _in_organisation(toks: _Toks, span: _Span, lines: dict[int, bool], gaz: Gazetteer) -> bool:
    """True when the span is part of an organisation's name: a capitalised run (across
    "of", "and the", "al-") with an organisation word before or right after it ("Hayat
    Tahrir al-Sham", "Islamic State of Iraq and the Levant", "Arakan Army"). In a Title Case
    headline only organisation words themselves are walked ("Russian Army Retakes Kherson").
    "in" links only to a region ("Islamitische Staat in de Levant"), never to a town ("the
    Islamic State in Raqqa" is about Raqqa)."""
    words, caps = toks.words, toks.caps
    links = ORG_LINKS
    if gaz.place(span.cands[0]).kind is not PlaceKind.TOWN:
        links = ORG_REGION_LINKS
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


_NEXT_WORD = re.compile(r"[\s-]+([^\W\d_]+)")
_ACCORD_REACH = 30  # characters before a name where "het bestand van" stands


def _names_accord(text: str, start: int, end: int) -> bool:
    """True when the name at text[start:end] names an accord or talks, no place of the
    news: "het bestand van Minsk", "the Treaty of Lausanne", "the Minsk agreements",
    "de Minsk-akkoorden" ([words] accord_before, accord_after)."""
    after = _NEXT_WORD.match(text, end)
    if after is not None and after.group(1).lower() in ACCORD_AFTER:
        return True
    before = text[max(0, start - _ACCORD_REACH):start].rsplit(None, 2)[-2:]
    return (len(before) == 2 and before[1].lower() in OF_WORDS
            and before[0].lower() in ACCORD_BEFORE)


def _common_first(toks: _Toks, gaz: Gazetteer, spans: list[_Span]) -> list[_Span]:
    """Without a sentence's first word that the text also writes in lower case (a common
    word: "Ook", "Then") in a name read by its transliteration: "Ook Ann zelf is ..." is Ann,
    not the village Oke Kan; the rest of the run is read again on its own."""
    lower: set[str] | None = None
    out: list[_Span] = []
    for span in spans:
        if span.fuzzy and span.last > span.first and toks.initials[span.first]:
            if lower is None:
                lower = {w for w in toks.words if w.islower()}
            if toks.words[span.first].lower() in lower:
                rest = _match_at(toks, span.first + 1, gaz)
                if rest is not None and rest.last <= span.last:
                    out.append(rest)
                continue
        out.append(span)
    return out


def find_places(text: str, gazetteer: Gazetteer, lang: str,
                actor_words: frozenset[str] = frozenset()) -> list[Mention]:
    """Every place named in ``text``, resolved with the whole text as context, sorted by start.
    ``actor_words``: the words of the actors the text names ("Hamas", "Taliban"), which do
    not make a longer name with a place right after them."""
    toks = tokenize(text)
    lines: dict[int, bool] = {}
    calendar = calendar_words(lang)
    spans = _common_first(toks, gazetteer, [s for s in _spans(toks, gazetteer)
                                           if not (s.first == s.last and s.key in calendar)])
    countries = _country_words(spans, gazetteer)
    persons, pairs = person_words(toks, lines), name_pairs(toks)
    people = people_words(lang)
    kept = {id(s) for s in spans
            if _keep(toks, s, gazetteer, lines, countries, persons, actor_words=actor_words,
                     pairs=pairs, people=people)}
    # Common words the article uses as names mid-sentence are that name at a sentence start
    # too ("Sake werd ingenomen. ... ten oosten van Sake"); not short words and particles,
    # which open sentences as themselves ("Van daar ... naar Van").
    weak = {s.key for s in spans if id(s) in kept and s.stop and len(s.key) >= 4
            and s.key not in CONNECTORS and s.key not in NAME_PARTICLES}
    if weak:
        kept |= {id(s) for s in spans if id(s) not in kept and s.key in weak
                 and _keep(toks, s, gazetteer, lines, countries, persons, initial_ok=True,
                           actor_words=actor_words, pairs=pairs, people=people)}
    spans = [s for s in spans if id(s) in kept]
    ctx = _context(toks, spans, gazetteer)
    by_first, by_last = {s.first: s for s in spans}, {s.last: s for s in spans}
    out = []
    chosen: dict[tuple, Place | None] = {}  # one choice per name, cue, country, candidates
    cues = region_cues(toks, spans, by_first, by_last, countries)
    for k, span in enumerate(spans):
        cue = cues[k]
        within = stated_area(toks, span, by_first, gazetteer)
        near = near_town(toks, span, by_first, gazetteer)
        memo = (span.key, cue, within, span.cands, near[0].id if near[0] else "", near[1])
        if memo not in chosen:
            chosen[memo] = _resolve_within(span, ctx, cue, within, gazetteer, near)
        place = chosen[memo]
        if place is not None and place.kind is PlaceKind.TOWN and span.first == span.last \
                and toks.words[span.first] in actor_words and place.population < WORLD_CITY \
                and ctx.support(place.country, span.key) < 1:
            continue  # "in handen van Hamas", "Fano fighters": the actor, not Hamm or Fano
            # (a world city stays: "Kyiv | 3 oktober" above an article of Ukraine's war)
        found = place
        if place is not None and not within and abroad_span(span, place, ctx, gazetteer):
            place = home_namesake(span, ctx, cue, gazetteer, place)  # Rafah, Gaza's
        span, place = accepted(span, place, ctx, cue, gazetteer, toks, found is not None)
        if place is not None and not _names_accord(text, span.start, span.end):
            out.append(Mention(place, text[span.start : span.end], span.start, span.end))
    return short_forms(out)


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
    cue = any(region_cues(toks, spans, by_first, by_last, _country_words(spans, gaz)))
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
