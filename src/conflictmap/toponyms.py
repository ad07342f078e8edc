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
from dataclasses import dataclass

from conflictmap.gazetteer import Gazetteer
from conflictmap.model import Article, Mention, Place, PlaceKind
from conflictmap.names import key_from_parts, name_key, possessive_base, word_parts

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
MAX_TOKENS = 6


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CONNECTORS = _words(
    "aan ad al am an ar as ash at az bin da das de del della den der di do dos du e ed el "
    "en er es ez i ibn im la le les of on op sous sur upon van y"
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
NAME_PARTICLES = _words("abu ag al bin bint el ibn ould")
LIST_WORDS = _words("& , and en of or")
DIRECTIONS = _words(
    "central east eastern north northeast northeastern northern northwest northwestern "
    "south southeast southeastern southern southwest southwestern west western"
)
SENTENCE_END = frozenset('.!?:;\n"“”„«»()[]•|–—-')
STRONG_POPULATION = 100_000
FUZZY_POPULATION = 20_000


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    cap: bool
    initial: bool


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


def _is_cap(word: str) -> bool:
    if word[0].isupper():
        return True
    head, sep, tail = word.partition("-")
    return bool(sep and tail and tail[0].isupper() and head.lower() in CONNECTORS)


def tokenize(text: str) -> list[_Token]:
    """Words with offsets, capitalisation and whether they start a sentence or line."""
    out = []
    prev_end = 0
    for m in _WORD.finditer(text):
        s, e = m.span()
        gap = text[prev_end:s].strip(" \t\u00a0")
        initial = not out or any(ch in SENTENCE_END for ch in gap) or "\n" in text[prev_end:s]
        w = m.group()
        out.append(_Token(s, e, w, _is_cap(w), initial))
        prev_end = e
    return out


def _joined(text: str, a: _Token, b: _Token) -> bool:
    """True when two tokens are separated by one space or hyphen only (same name)."""
    return b.start - a.end <= 1 and text[a.end : b.start] in ("", " ", "-", "\u00a0")


def _match_at(text: str, toks: list[_Token], i: int, gaz: Gazetteer) -> _Span | None:
    """The longest gazetteer name starting at token i."""
    parts: list[str] = []
    best: _Span | None = None
    for j in range(i, min(len(toks), i + MAX_TOKENS)):
        t = toks[j]
        if j > i and (
            not _joined(text, toks[j - 1], t) or (not t.cap and t.text.lower() not in CONNECTORS)
        ):
            break
        parts.extend(word_parts(t.text))
        if not t.cap:
            continue
        key = key_from_parts(parts)
        cands = gaz.resolve_key(key, fuzzy=False)
        if cands:
            best = _Span(i, j, toks[i].start, t.end, key, cands)
    return best or _fallback_match(toks[i], i, gaz)


def _fallback_match(t: _Token, i: int, gaz: Gazetteer) -> _Span | None:
    """A possessive ("Aleppo's", "Assads") or a transliteration ("Bachmoet") of one word.

    A bare genitive -s is not tried at a sentence start ("Sinds", "Opmars" are words).
    """
    base = possessive_base(t.text)
    if base and (not t.initial or not t.text.endswith("s") or t.text[-2] in "'’"):
        key = key_from_parts(list(word_parts(base)))
        cands = gaz.resolve_key(key, fuzzy=False)
        if cands:
            return _Span(i, i, t.start, t.start + len(base), key, cands)
    key = key_from_parts(list(word_parts(t.text)))
    if len(key) < 4 or key in gaz.stopwords:
        return None
    cands = gaz.fuzzy_indices(key)
    return _Span(i, i, t.start, t.end, key, cands, fuzzy=True) if cands else None


def _spans(text: str, toks: list[_Token], gaz: Gazetteer) -> list[_Span]:
    spans = []
    i = 0
    while i < len(toks):
        if not toks[i].cap:
            i += 1
            continue
        span = _match_at(text, toks, i, gaz)
        if span is None:
            i += 1
            continue
        _extend_direction(text, toks, span, gaz)
        spans.append(span)
        i = span.last + 1
    return spans


def _extend_direction(text: str, toks: list[_Token], span: _Span, gaz: Gazetteer) -> None:
    """'northern Syria': take the direction word into the span when the region exists."""
    i = span.first
    if i == 0 or not _joined(text, toks[i - 1], toks[i]):
        return
    word = toks[i - 1].text.lower()
    if word not in DIRECTIONS:
        return
    key = key_from_parts([*word_parts(word), span.key])
    cands = gaz.indices(key)
    if cands:
        span.first, span.start, span.key, span.cands = i - 1, toks[i - 1].start, key, cands


def _title_case(text: str, pos: int) -> bool:
    """True when the line around ``pos`` is mostly capitalised words (an English headline)."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    words = _LONG_WORD.findall(text, lo, hi if hi >= 0 else len(text))
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def _neighbour(toks: list[_Token], i: int, step: int, text: str) -> int | None:
    """Index of a capitalised word glued to token i (across "al", "bin"...), if any.

    A sentence-initial word before the span is no evidence: it is capitalised anyway.
    """
    j = i + step
    while 0 <= j < len(toks):
        a, b = (toks[j - step], toks[j]) if step > 0 else (toks[j], toks[j - step])
        if not _joined(text, a, b) or b.initial:
            return None
        t = toks[j]
        if t.cap:
            if t.text.isupper() or t.text.lower() in REGION_AFTER or (step < 0 and t.initial):
                return None
            return j
        if t.text.lower() not in NAME_PARTICLES:
            return None
        j += step
    return None


def _keep(text: str, toks: list[_Token], span: _Span, gaz: Gazetteer) -> bool:
    """Reject common words at a sentence start, names after a title, parts of longer names."""
    first = toks[span.first]
    if span.first == span.last and span.key in gaz.stopwords:
        if first.initial:
            return False
        span.stop = True
    if span.first > 0 and toks[span.first - 1].text.lower() in TITLES:
        return False
    if _title_case(text, span.start):
        return not span.fuzzy
    return _neighbour(toks, span.last, 1, text) is None and (
        _neighbour(toks, span.first, -1, text) is None
    )


def _region_cue(toks: list[_Token], spans: list[_Span], k: int, text: str) -> bool:
    """True for 'provincie Hama', 'provincies Daraa en Sweida', 'Idlib province',
    'Hama and Homs provinces': a region word before or after the name (across a list)."""
    by_first = {s.first: s for s in spans}
    by_last = {s.last: s for s in spans}
    i = spans[k].first - 1
    while i >= 0:
        w = toks[i].text.lower()
        if w in REGION_BEFORE:
            return True
        if i in by_last:
            i = by_last[i].first - 1
        elif w in LIST_WORDS or w in ("de", "the", "of", "van"):
            i -= 1
        else:
            break
    j = spans[k].last + 1
    while j < len(toks):
        w = toks[j].text.lower()
        if w in REGION_AFTER:
            return True
        if j in by_first:
            j = by_first[j].last + 1
        elif w in LIST_WORDS:
            j += 1
        else:
            break
    return False


@dataclass
class _Context:
    """What the whole article says about where it is.

    ``named``: weight per country from country names (3) and demonyms (2);
    ``keys``: per country, the distinct names of places that lie only in that country;
    ``anchors``: unambiguous towns; ``regions``: admin1 names of regions named.
    """

    named: Counter
    keys: dict[str, set[str]]
    anchors: list[Place]
    regions: set[str]

    def support(self, country: str, key: str = "") -> float:
        """Evidence for ``country`` apart from the name ``key`` itself."""
        others = self.keys.get(country, set())
        return self.named.get(country, 0) + len(others) - (key in others)

    @property
    def countries(self) -> Counter:
        out = Counter(self.named)
        for cc, keys in self.keys.items():
            out[cc] += len(keys)
        return out


def _context(text: str, toks: list[_Token], spans: list[_Span], gaz: Gazetteer) -> _Context:
    named: Counter = Counter()
    keys: dict[str, set[str]] = {}
    anchors: list[Place] = []
    regions: set[str] = set()
    for t in toks:
        if t.cap:
            cc = gaz.demonyms.get(key_from_parts(list(word_parts(t.text))))
            if cc:
                named[cc] += 2
    for s in spans:
        if s.fuzzy or s.stop:
            continue
        places = [gaz.place(i) for i in s.cands]
        top = places[0]
        if top.kind is PlaceKind.COUNTRY:
            named[top.country] += 3
            continue
        ccs = {p.country for p in places if p.country}
        if len(ccs) == 1:
            keys.setdefault(next(iter(ccs)), set()).add(s.key)
            if top.kind is PlaceKind.TOWN and len(places) == 1:
                anchors.append(top)
        regions.update(p.admin1 for p in places if p.kind is PlaceKind.REGION)
    return _Context(named, keys, anchors, regions)


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
    named = [p for p in places if not p.country or ctx.support(p.country, key) > 0]
    pool = named or places
    scores = [
        score(p, ctx, region_cue, p.id in pinned, key) if p in pool else -99.0 for p in places
    ]
    best = max(range(len(places)), key=lambda i: (scores[i], -i))
    return places[best], scores


def _accept(span: _Span, place: Place, ctx: _Context) -> bool:
    """Weak matches need the article's support: common words mid-sentence, transliterations,
    and small towns in a country the article otherwise never mentions."""
    in_ctx = not place.country or ctx.support(place.country, span.key) > 0
    big = place.population >= STRONG_POPULATION
    if place.kind is not PlaceKind.TOWN:
        return not span.stop or place.kind is PlaceKind.COUNTRY or in_ctx
    if span.stop:
        return in_ctx and big
    if span.fuzzy:
        return in_ctx or place.population >= FUZZY_POPULATION
    return in_ctx or big or not (ctx.named or ctx.keys)


def find_places(text: str, gazetteer: Gazetteer, lang: str) -> list[Mention]:
    """Every place named in ``text``, resolved with the whole text as context, sorted by start."""
    toks = tokenize(text)
    spans = _spans(text, toks, gazetteer)
    spans = [s for s in spans if _keep(text, toks, s, gazetteer)]
    ctx = _context(text, toks, spans, gazetteer)
    out = []
    for k, span in enumerate(spans):
        places = [gazetteer.place(i) for i in span.cands[:25]]
        cue = _region_cue(toks, spans, k, text)
        pinned = frozenset(gazetteer.place(i).id for i in gazetteer.pinned(span.key))
        place, _ = choose(places, ctx, cue, pinned, span.key)
        if cue and place.kind is PlaceKind.TOWN:
            place = gazetteer.region_of(place) or place
        if _accept(span, place, ctx):
            out.append(Mention(place, text[span.start : span.end], span.start, span.end))
    return out


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
    spans = _spans(text, toks, gaz)
    ctx = _context(text, toks, spans, gaz)
    cue = any(_region_cue(toks, spans, k, text) for k in range(len(spans)))
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
