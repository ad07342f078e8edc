"""Extract control-change reports from an article: trigger patterns -> Events with evidence.

For speed, a keyword pre-filter and then one combined trigger regex per language pick the
sentences worth reading, and the trigger checks run before anything else
(``triggers.py``); places (``toponyms.find_places``, once per article), actors and dates
are worked out only when a trigger survives them. For each trigger match the sentence is
read the way the rules file says:

1. the match is dropped when a veto, a negation, a hypothetical, a future/plan, or an
   infinitive surrounds it, or when the sentence is a question;
2. its places are the places of its clause that are not countries, not part of an actor's
   name, not locators ("ten noorden van X", "near X", "in de provincie X" after a town),
   not destinations or origins ("naar X", "from X", unless the trigger is a withdrawal or
   expulsion), not speakers ("Moskou zegt ..."); "de stad"/"the city" stands for the last
   town named; each place goes to the nearest trigger in its clause;
3. partial control ("delen van", "parts of") makes a capture contested, a majority ("het
   grootste deel van", "most of") keeps it a capture; both give geo_precision 2;
4. the gaining and losing actors come from the syntax: an agent ("door X", "by X"), a holder
   ("in handen van X", "fell to X"), a source ("veroverd op X", "from X") or the subject,
   whose role the trigger states (active or passive); a pronoun subject ("zij", "they")
   stands for the one actor of the sentence before; a generic "rebellen"/"rebels" is the
   war's generic opposition (``actors.ActorLexicon.resolve``), not a group named elsewhere;
5. the status is claimed when the sentence attributes it ("volgens", "claimed"), disputed
   (and the change contested) when it or the next sentence denies it; a denial anywhere in
   the article disputes that article's claims about the same place;
6. the interval comes from ``clause_dates.clause_interval`` (the trigger's own clause);
7. what only mentions a change, states who holds a place or tells undated background is
   no event of its own (``factuality.py``).

With an optional ``geocoder`` (anything with ``geocode(name, country) -> Place | None``), a
trigger's object that the gazetteer does not know is asked of it once per name and
country (``geotargets.py``) and read as a town.

Not reports: triggers under a negation, condition, plan or question, in an infinitive
("om Homs te veroveren"), used as an adjective ("het heroverde Cherson"), or about a
state ("nog in handen van", "remains under"; but "staat inmiddels onder controle van"
marks a new state: a capture); a place in a relative clause's
antecedent is the target ("Donetsk, die in 2014 werd ingenomen"); fighting for a place
the same article says changed hands in that window is part of that change.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from conflictmap import sequels
from conflictmap.actors import ActorLexicon, ActorMention, name_words
from conflictmap.clause_dates import clause_interval
from conflictmap.confidence import calibrate, load_model
from conflictmap.errors import GeocoderError, RulesError
from conflictmap.factuality import (
    furniture_line,
    holding_statement,
    is_mention,
    join_later_mentions,
    since_reference,
    taken_back,
    undated_background,
)
from conflictmap.geotargets import Geocoder, country_hint, geocoded_mention, unknown_target
from conflictmap.model import (
    Actor,
    Article,
    Change,
    Event,
    Mention,
    Place,
    PlaceKind,
    Source,
    Status,
)
from conflictmap.placeroles import (
    antecedent,
    in_dateline,
    listed_places,
    locates_generic,
    opens_list,
    site_anaphora,
    site_mention,
    site_town,
)
from conflictmap.rules import (
    RULES_DIR,
    LanguageRules,
    Markers,
    language_files,
    load_language,
    rules_digest,
)
from conflictmap.text import sentence_spans, sentence_spans_by_line, whole_words
from conflictmap.triggers import Clause, Hit, hot_in_lines, hot_sentences, segments

log = logging.getLogger(__name__)

_PLACE_KINDS = (PlaceKind.TOWN, PlaceKind.REGION, PlaceKind.SITE)
_MAX_GAP = 160  # characters between a trigger and a place of its clause
_NEXT_GAP = 45  # characters between a "next"-target trigger and its place
_ADJACENT = re.compile(r"^\s*(?:(?:de|het|een|the|a|an|van|of|to|aan|door|by)\s+)*$",
                       re.IGNORECASE)
_SUBJECTS = re.compile(r"^\s*,?\s*(?:en|and|&|samen met|together with|with)\s+(?:[\w-]+\s+)?$",
                       re.IGNORECASE)
_COORDINATION = re.compile(r"^\s*(?:,\s*)?(?:(?:en|and|of|or|&)\s+)?(?:de\s+|het\s+|the\s+)?$",
                           re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Context:
    """What the whole article contributes to reading one sentence."""

    article: Article
    rules: LanguageRules
    places: tuple[Mention, ...]
    actors: tuple[ActorMention, ...]
    spans: tuple[tuple[int, int], ...]
    lexicon: ActorLexicon
    mentions: tuple[Mention, ...] = ()  # every place find_places saw, countries included


class _Spans:
    """The mentions of an article (places or actors) by where they start, so that those
    inside a stretch of text are found by bisection: a per-mention scan over every mention
    of the article made extraction grow with the square of the article's length."""

    __slots__ = ("in_order", "items", "named", "order", "reach", "starts")

    def __init__(self, items: Sequence[Mention] | Sequence[ActorMention]) -> None:
        self.items = items
        order = sorted(range(len(items)), key=lambda i: items[i].start)
        self.order = order
        self.starts = [items[i].start for i in order]
        self.in_order = order == list(range(len(items)))
        self.reach: list[int] | None = None
        self.named: dict[Actor, tuple[list[int], list[int]]] | None = None

    def within(self, lo: int, hi: int) -> list:
        """``[m for m in items if lo <= m.start and m.end <= hi]``, in the items' order."""
        a, b = bisect_left(self.starts, lo), bisect_right(self.starts, hi)
        picked = self.order[a:b] if self.in_order else sorted(self.order[a:b])
        items = self.items
        return [items[i] for i in picked if items[i].end <= hi]

    def overlapping(self, lo: int, hi: int) -> bool:
        """``any(m.start <= lo < m.end or lo <= m.start < hi for m in items)``."""
        starts = self.starts
        if bisect_left(starts, lo) < bisect_left(starts, hi):
            return True  # one starts inside [lo, hi)
        if self.reach is None:  # the furthest end of the first k by start
            reach, furthest = [-1], -1
            for i in self.order:
                furthest = max(furthest, self.items[i].end)
                reach.append(furthest)
            self.reach = reach
        return self.reach[bisect_right(starts, lo)] > lo  # one starts before and reaches in


    def named_before(self, at: int) -> list[Actor]:
        """The actors named by mentions that end by ``at``, each once, in the order of
        its last such mention: what ``ActorLexicon.resolve`` reads from
        ``[m.actor for m in items if m.actor is not None and m.end <= at]`` (the last
        one of each side, the most recent one of a class), found without that scan."""
        if self.named is None:
            by_actor: dict[Actor, tuple[list[int], list[int]]] = {}
            for i, m in sorted(enumerate(self.items), key=lambda x: x[1].end):
                if m.actor is not None:
                    ends, last = by_actor.setdefault(m.actor, ([], []))
                    ends.append(m.end)
                    last.append(max(i, last[-1]) if last else i)
            self.named = by_actor
        found = []
        for actor, (ends, last) in self.named.items():
            k = bisect_right(ends, at)
            if k:
                found.append((last[k - 1], actor))
        found.sort(key=lambda x: x[0])
        return [actor for _, actor in found]


_SPANS: dict[int, tuple[object, _Spans]] = {}  # id(tuple of mentions) -> its index


def _spans_of(items: Sequence[Mention] | Sequence[ActorMention]) -> _Spans:
    """The :class:`_Spans` of an article's mentions, built once per tuple (a few kept)."""
    found = _SPANS.get(id(items))
    if found is not None and found[0] is items:
        return found[1]
    if len(_SPANS) >= 8:
        _SPANS.clear()
    index = _Spans(items)
    _SPANS[id(items)] = (items, index)
    return index


class Extractor:
    """Turn articles into unconsolidated control-change reports (one Source each)."""

    def __init__(self, gazetteer: object | None = None, rules_dir: Path | str | None = None,
                 geocoder: Geocoder | None = None, calibrated: bool = True):
        """``geocoder`` (optional, e.g. ``geocode.OnlineGeocoder``) is asked, once per name
        and country, for a trigger's object that the gazetteer does not know.
        ``calibrated``: confidence from the calibrated model (``confidence.py``), else the
        trigger's own (for fitting that model)."""
        self._gazetteer = gazetteer
        self.geocoder = geocoder
        # also report trigger objects no gazetteer knows, as unresolved reports (unresolved.py)
        self.report_unresolved = False
        self._geocoded: dict[tuple[str, str], Place | None] = {}
        self._rules_dir = Path(rules_dir) if rules_dir else None
        self._rules_cache: dict[str, LanguageRules | None] = {}
        self.lexicon = ActorLexicon.load(self._rules_dir)
        self.version: str = rules_digest(self._rules_dir)
        self._confidence = load_model(self._rules_dir or RULES_DIR) if calibrated else None

    @property
    def gazetteer(self) -> object:
        if self._gazetteer is None:
            from conflictmap.gazetteer import default_gazetteer

            self._gazetteer = default_gazetteer()
        return self._gazetteer

    def prepare(self) -> None:
        """Load now what extraction otherwise loads at its first article of each language
        (the rules, the actor index, the gazetteer's fuzzy index): for a worker started
        ahead of its work."""
        for lang in language_files(self._rules_dir):
            if self._rules(lang) is not None:
                self.lexicon.find("", lang)
        fuzzy = getattr(self.gazetteer, "fuzzy_indices", None)
        if fuzzy is not None:
            fuzzy("")

    def _rules(self, lang: str) -> LanguageRules | None:
        if lang not in self._rules_cache:
            try:
                self._rules_cache[lang] = load_language(lang, self._rules_dir)
            except RulesError as exc:
                if "no rules for language" not in str(exc):
                    raise
                log.warning("no extraction rules for language %r; its articles are skipped", lang)
                self._rules_cache[lang] = None
        return self._rules_cache[lang]

    def extract(self, article: Article) -> list[Event]:
        """Every control-change report in ``article``, in text order."""
        rules = self._rules(article.lang)
        if rules is None:
            return []
        text = article.text
        lowered = text.lower()
        hot_words = rules.hot_words.starts(lowered)
        if not hot_words:
            return []
        if len(lowered) == len(text):
            # Most articles: only the lines with a keyword are split, and the whole text
            # only when a trigger survives its checks (a line break always ends a sentence).
            split: dict[int, list[tuple[int, int]]] = {}
            found = hot_in_lines(rules, text, hot_words, split)
            if not found:
                return []
            spans = sentence_spans_by_line(text, split)
            number = {span: i for i, span in enumerate(spans)}
            clauses = {number[span]: found_clauses for span, found_clauses in found}
        else:  # offsets in the lower-cased text are not the text's: split it all
            spans = sentence_spans(text)
            clauses = hot_sentences(rules, text, spans, hot_words)
        hot = [i for i in sorted(clauses) if not furniture_line(rules, text, spans[i][0])]
        if not hot:
            return []
        ctx = self._context(article, rules, spans, spans[hot[-1]][1])
        lost: list[Event] = []
        if self.geocoder is not None or self.report_unresolved:
            ctx, lost = self._geocode_targets(ctx, [(spans[i], c) for i in hot
                                                    for c in clauses[i]])
        events: list[Event] = []
        mentions: set[int] = set()  # id() of the events a trigger only mentions
        for i in hot:
            events.extend(self._sentence(ctx, i, clauses[i], mentions))
        events = taken_back(join_later_mentions(sequels.inherit(events), mentions))
        events = calibrate(self._confidence, article,
                           _drop_fighting_before_change(_propagate_denials(events)))
        return events + lost if lost else events

    def _context(self, article: Article, rules: LanguageRules, spans: list[tuple[int, int]],
                 last_end: int) -> _Context:
        from conflictmap.toponyms import find_places

        # Actors after the last triggered sentence can play no role: do not look for them.
        actors = tuple(self.lexicon.find(article.text[:last_end], article.lang))
        mentions = find_places(article.text, self.gazetteer, article.lang, name_words(actors))
        places = _plausible_places(mentions, actors, article.text, rules)
        return _Context(article, rules, tuple(places), actors, tuple(spans), self.lexicon,
                        tuple(mentions))

    def _geocode_targets(self, ctx: _Context, clauses: list[tuple[tuple[int, int], Clause]],
                         ) -> tuple[_Context, list[Event]]:
        """Add the geocoder's place for each trigger object the gazetteer does not know
        (with a geocoder); the unresolved reports of those still unknown (with
        ``report_unresolved``). ``clauses``: (sentence span, clause) pairs."""
        from conflictmap import unresolved

        text = ctx.article.text
        country = country_hint(ctx.mentions) if self.geocoder is not None else ""
        added: list[Mention] = []
        lost: list[Event] = []
        for sentence, (seg_start, seg_end, hits) in clauses:
            for hit in hits:
                span = unknown_target(text, (seg_start, seg_end), (hit.start, hit.end),
                                      ctx.rules, ctx.mentions, ctx.actors)
                if span is None:
                    continue
                name = text[span[0]:span[1]]
                place = self._geocode(name, country) if self.geocoder is not None else None
                if place is not None:
                    added.append(geocoded_mention(place, name, *span))
                elif self.report_unresolved and not any(
                        e.place.name == name and e.sources[0].start == sentence[0]
                        for e in lost):
                    hint = unresolved.suggestion(ctx.mentions, sentence, [
                        (a.start, a.country or (self.lexicon.home_country(a.actor)
                                                if a.actor else "")) for a in ctx.actors])
                    lost.append(unresolved.report(ctx.article, name, hit.trigger.change,
                                                  sentence, *hint))
        if not added:
            return ctx, lost
        places = tuple(sorted(ctx.places + tuple(added), key=lambda m: m.start))
        return replace(ctx, places=places), lost

    def _geocode(self, name: str, country: str) -> Place | None:
        """The geocoder's place for a name, asked once per run; a failing service is
        logged and the name read as unknown (the article's other events still count)."""
        key = (name, country)
        if key not in self._geocoded:
            assert self.geocoder is not None
            try:
                self._geocoded[key] = self.geocoder.geocode(name, country)
            except GeocoderError as exc:
                log.warning("geocoder failed for %r: %s", name, exc)
                self._geocoded[key] = None
            log.info("geocoded %r (%s): %s", name, country or "?", self._geocoded[key])
        return self._geocoded[key]

    def _sentence(self, ctx: _Context, index: int, clauses: list[Clause],
                  mentions: set[int]) -> list[Event]:
        events: list[Event] = []
        seen: set[tuple[str, Change, str]] = set()
        carried: list[Mention] = []  # the places of the sentence's previous placed clause
        for seg_start, seg_end, hits in clauses:
            hits = sequels.told_hits(hits)
            targets = _targets(ctx, hits, seg_start, seg_end)
            if not targets and carried:
                targets = _carried_targets(ctx, hits, seg_start, seg_end, carried)
            if targets:
                carried = [m for _, m, _ in targets]
            placed = list({id(h): h for h, _, _ in targets}.values())  # hits with a place
            for hit, mention, partial in targets:
                if not _factual(ctx, hit, (seg_start, seg_end), partial):
                    continue
                event = self._event(ctx, index, hit, mention, partial, (seg_start, seg_end),
                                    placed)
                if is_mention(ctx.rules, ctx.article.text, hit):
                    mentions.add(id(event))
                # One change per place, type and gaining side: "X took Mahas before Y drove
                # them out" is two captures of Mahas.
                key = (event.place.id, event.change, event.actor.side if event.actor else "")
                if key not in seen:
                    seen.add(key)
                    events.append(event)
        changed = {e.place.id for e in events if e.change is not Change.CONTESTED}
        return [e for e in events if e.change is not Change.CONTESTED
                or e.place.id not in changed or e.status is Status.DISPUTED]

    def _event(self, ctx: _Context, index: int, hit: Hit, mention: Mention, partial: str,
               segment: tuple[int, int], hits: Sequence[Hit] = ()) -> Event:
        text = ctx.article.text
        s, e = ctx.spans[index]
        change = hit.trigger.change
        if change is Change.CAPTURE and ctx.rules.markers.again.search(
                text[max(segment[0], hit.start - 30):min(segment[1], hit.end + 10)]):
            change = Change.RECAPTURE  # "weer in handen van", "back under the control of"
        quoted = _scare_quoted(text, hit)
        if change is Change.RECAPTURE and quoted:
            change = Change.CAPTURE  # "liberated", 'bevrijd' in quotes: the speaker's word
        if partial == "contested" and change in (Change.CAPTURE, Change.RECAPTURE,
                                                 Change.WITHDRAWAL):
            change = Change.CONTESTED  # "delen van Homs ingenomen", "lost parts of Shan State"
        # A state's forces taking a town of their own country is a capture unless the text
        # says they held it before (CODEBOOK.md): no recapture from the actor alone.
        gainer, loser = _actors(ctx, hit, mention, segment)
        status = _status(ctx, index, change, segment, loser, mention.place.country,
                         mention.place.id)
        if quoted and status is Status.REPORTED:
            status = Status.CLAIMED  # the paper keeps its distance from the word
        if status is Status.DISPUTED:
            change = Change.CONTESTED
        period = clause_interval(ctx.article, ctx.rules, ctx.spans, index, hit, segment, hits,
                                 mention)
        place = mention.place
        geo = 3 if place.kind is PlaceKind.REGION else (2 if partial else 1)
        source = Source(article=ctx.article.id, published=ctx.article.published,
                        quote=text[s:e], start=s, end=e, url=ctx.article.url,
                        title=ctx.article.title, rule=hit.trigger.id)
        confidence = hit.trigger.confidence - (0.1 if status is not Status.REPORTED else 0.0)
        return Event(change=change, status=status, place=place, period=period, actor=gainer,
                     losing_actor=loser, sources=(source,), confidence=round(confidence, 2),
                     geo_precision=geo)


def _factual(ctx: _Context, hit: Hit, segment: tuple[int, int], partial: str) -> bool:
    """False for undated background and a statement of who holds a place (factuality.py)."""
    text, period = ctx.article.text, ctx.article.period
    return not (undated_background(ctx.rules, text, hit, segment, period)
                or holding_statement(ctx.rules, text, hit, segment, partial, period)
                or since_reference(ctx.rules, text, hit, segment, period))


_SCARE_QUOTES = re.compile(r"[\"'“‘„«‹]([^\W\d_][\w-]*)[\"'”’»›]")


def _scare_quoted(text: str, hit: Hit) -> bool:
    """True when a word of the trigger stands in quotes of its own ('"liberated"')."""
    for m in _SCARE_QUOTES.finditer(text, max(0, hit.start - 1), min(len(text), hit.end + 1)):
        if m.start(1) < hit.end and hit.start < m.end(1):
            return True
    return False


def _propagate_denials(events: list[Event]) -> list[Event]:
    """A claim the same article denies elsewhere is disputed too (so the reports merge); so
    is an unattributed capture ("Azerbeidzjan neemt Sjoesja in" as a headline) that the
    article's own denial answers."""
    denied = [e for e in events if e.status is Status.DISPUTED]
    if not denied:
        return events
    out = []
    for e in events:
        if ((e.status is Status.CLAIMED and e.change is not Change.WITHDRAWAL)
                or (e.status is Status.REPORTED and e.change is Change.CAPTURE)) and any(
                d.place.id == e.place.id and d.period.overlaps(e.period) for d in denied):
            e = replace(e, status=Status.DISPUTED, change=Change.CONTESTED)
        out.append(e)
    return out


def _drop_fighting_before_change(events: list[Event]) -> list[Event]:
    """Fighting for a place the same article says changed hands in that window is part of
    that change, not a second event (undisputed contested reports only)."""
    changes = [e for e in events if e.change is not Change.CONTESTED]
    return [e for e in events
            if e.change is not Change.CONTESTED or e.status is Status.DISPUTED
            or not any(c.place.id == e.place.id and c.period.overlaps(e.period)
                       for c in changes)]


# --- places ---------------------------------------------------------------------------


def _plausible_places(mentions: Sequence[Mention], actors: Sequence[ActorMention], text: str,
                      rules: LanguageRules) -> list[Mention]:
    """Drop countries, places inside actor names, and stray places of uninvolved countries.

    A capital that is also an actor ("Kyiv", "Moskou") is a place after a preposition
    ("uit Kyiv", "from Moscow") and an actor otherwise ("Kyiv ontkent", "volgens Moskou").
    A place name inside an adjective ("Moscow-backed separatists") is no place at all.
    """
    compound = rules.markers.compound_after
    filed = in_dateline(text, mentions)  # "MOSCOW (AP) —": where the story was filed
    mentions = [m for m in mentions if not compound.match(text, m.end) and m.start not in filed]
    named = {m.place.country for m in mentions if m.place.kind is PlaceKind.COUNTRY}
    counts = Counter(m.place.country for m in mentions if m.place.kind in _PLACE_KINDS)
    allowed = set(named)
    if counts:
        top = counts.most_common(1)[0][1]
        allowed |= {c for c, n in counts.items() if n >= 2 or n == top}
    kept = []
    overlaps = _Spans(actors)
    for m in mentions:
        if m.place.kind not in _PLACE_KINDS or m.place.country not in allowed:
            continue
        if overlaps.overlapping(m.start, m.end) \
                and not _after_preposition(rules, text, m) and not _region_named(text, m):
            continue
        kept.append(m)
    return kept


def _region_named(text: str, mention: Mention) -> bool:
    """A capital's name with a region word next to it is the region, not the government:
    "the Kyiv region", "de regio Kyiv"."""
    from conflictmap.toponyms import REGION_AFTER, REGION_BEFORE

    after = _FIRST_NAME_WORD.match(text, mention.end)
    before = _LAST_WORD.search(text, max(0, mention.start - 24), mention.start)
    return bool((after is not None and after.group(1).lower() in REGION_AFTER)
                or (before is not None and before.group(1).lower() in REGION_BEFORE))


def _after_preposition(rules: LanguageRules, text: str, mention: Mention) -> bool:
    before = text[max(0, mention.start - 40):mention.start]
    markers = rules.markers
    return bool(markers.source.search(before) or markers.locative.search(before)
                or markers.near.search(before))


def _anaphora(ctx: _Context, seg_start: int, seg_end: int) -> list[Mention]:
    """"de stad"/"the city" read as the last town (or region) named before it, unless that
    one was named as a reference point only (``placeroles.antecedent``)."""
    text = ctx.article.text
    found = []
    for pattern, kinds in ((ctx.rules.markers.anaphora_town, (PlaceKind.TOWN,)),
                           (ctx.rules.markers.anaphora_region, (PlaceKind.REGION,))):
        for m in pattern.finditer(text, seg_start, seg_end):
            if _titled(ctx, m.end()) or _named(ctx, m.end()) or _apposition(ctx, m.start()) \
                    or locates_generic(text, ctx.rules.path, m.start()):
                continue
            before = [p for p in ctx.places if p.end <= m.start() and p.place.kind in kinds]
            if before and not _unknown_named(ctx, pattern, before[-1].end, m.start()):
                place = antecedent(text, ctx.rules.path, before).place
                found.append(Mention(place, m.group(), m.start(), m.end()))
    return found


_UNKNOWN_WINDOW = 1500  # characters before "de stad" searched for a place the gazetteer lacks


def _unknown_named(ctx: _Context, pattern: re.Pattern[str], start: int, end: int) -> bool:
    """True when a place the gazetteer lacks was named by its title after the last known
    one ("Karsk viel. ... het dorpje Dovra, ... dat plaatsje werd heroverd"): the
    anaphor stands for it, not for the known town."""
    for m in pattern.finditer(ctx.article.text, max(start, end - _UNKNOWN_WINDOW), end):
        if _named(ctx, m.end()) and not _titled(ctx, m.end()):
            return True
    return False


def _apposition(ctx: _Context, start: int) -> bool:
    """"Hama, de vierde stad van het land": a description of the place just named."""
    before = ctx.article.text[max(0, start - 3):start]
    return before.rstrip().endswith(",") and any(
        0 <= start - p.end <= 3 for p in ctx.places)


_NAME_AFTER = re.compile(r"(\s*(?:\w+\s+)?)([^\W\d_][\w'’-]*)")
_BARE_NAME_AFTER = re.compile(r"(\s*)([^\W\d_][\w'’-]*)")


def _named(ctx: _Context, end: int) -> bool:
    """True when a name the gazetteer may not know follows the title ("the village of
    Krasnooktyabrskoye", "het dorp Strilets"): that place, not the last one named. A
    weekday or a month is no name ("took the town Monday")."""
    m = _NAME_AFTER.match(ctx.article.text, end)
    if m is not None and not m.group(2)[0].isupper():
        m = _BARE_NAME_AFTER.match(ctx.article.text, end)  # "het dorp Dovra ten noorden"
    if m is None or not m.group(2)[0].isupper():
        return False
    if not ctx.rules.markers.title_after.search(m.group(1)):
        return False
    word = m.group(2).lower()
    return word not in ctx.rules.dates.weekdays and word not in ctx.rules.dates.months


def _titled(ctx: _Context, end: int) -> bool:
    """True when a place name follows right away ("de stad Hama", "the city of Kherson")."""
    for p in ctx.places:
        if end <= p.start <= end + 6:
            return bool(ctx.rules.markers.title_after.search(ctx.article.text[end:p.start]))
    return False


_DAY_TAILS: dict[str, re.Pattern[str]] = {}  # rules file path -> its trailing-day pattern


def _without_day(ctx: _Context, before: str) -> str:
    """``before`` without a trailing day ("On Sunday", "op 8 december", "in May"): a day
    before a place is no locator ("On Sunday the town was retaken" is not "on the town").
    The short word before the day (a preposition) goes with it."""
    dates = ctx.rules.dates
    tail = _DAY_TAILS.get(ctx.rules.path)
    if tail is None:
        words = "|".join(re.escape(w) for w in (*dates.weekdays, *dates.months))
        tail = _DAY_TAILS[ctx.rules.path] = re.compile(
            rf"(?:\b[^\W\d_]{{1,4}}\s+)?(?:\d{{1,2}}\s+)?\b(?:{words})\b\.?"
            rf"(?:\s+\d{{1,4}})?\s*,?\s*$", re.IGNORECASE)
    m = tail.search(before)
    return before[:m.start()] if m else before


def _excluded(ctx: _Context, hit: Hit, mention: Mention, seg_start: int) -> bool:
    """A place that is a locator, destination, origin or speaker, not the changed place."""
    markers = ctx.rules.markers
    text = ctx.article.text
    before = text[max(seg_start, mention.start - 60):mention.start]
    if hit.start <= mention.start < hit.end:
        before = text[max(hit.start, mention.start - 60):mention.start]
    elif hit.end <= mention.start:  # the trigger's own words are no marker ("swept into")
        before = text[max(hit.end, mention.start - 60):mention.start]
    before = _without_day(ctx, before)
    if (hit.trigger.locative_ok and mention.place.kind is PlaceKind.SITE
            and hit.end <= mention.start and len(before.split()) <= 2):
        return False  # "hesen de vlag op de staalfabriek van X": the flag went up on the site
    if markers.near.search(before):
        # Fighting near a place is fighting for it: "fierce fighting near X", and "Bij X
        # braken gevechten uit" where the phrase opens the clause ("The hill outside X
        # changed hands" is about the hill).
        head = text[seg_start:mention.start]
        near = markers.proximity.search(head)
        opens = near is not None and not head[:near.start()].strip(" \"'“‘„«(")
        return not (hit.trigger.change is Change.CONTESTED
                    and (hit.end <= mention.start or opens))
    if markers.locative.search(before):
        return not (hit.trigger.locative_ok or hit.trigger.change is Change.CONTESTED
                    or _site_in_town(ctx, hit, mention))
    if markers.source.search(before):
        return not hit.trigger.source_ok
    after = text[mention.end:mention.end + 30]
    if (mention.start >= hit.end and markers.verb_after.search(after)
            and text[hit.end:mention.start].strip()):
        # "captured Hama and Homs is next": Homs begins another clause. Not the trigger's
        # own object right after it ("de terugtrekking uit Cherson is ...", "the troops
        # that took Bakhmut are ...").
        return True
    pair = _PAIRED_NAME.match(text, mention.end, mention.end + 40)
    if (pair is not None and pair.end() <= hit.start
            and markers.speaker_after.search(text[pair.end():pair.end() + 30])):
        mention = replace(mention, end=pair.end())  # "Berlijn en Parijs willen ...": both speak
        after = text[mention.end:mention.end + 30]
    if markers.speaker_after.search(after):
        # "Kyiv heeft bevestigd ..." speaks; "... dat het Kidal heeft heroverd" is the object
        # of a verb-final clause: the trigger follows the auxiliary straight away.
        gap = text[mention.end:hit.start] if hit.start >= mention.end else ""
        aux = markers.speaker_after.match(gap)
        return aux is None or bool(gap[aux.end():].strip())
    if markers.owner_after.search(after):
        return True  # "two of Donetsk's last towns": the towns are taken, not Donetsk
    return bool(markers.feature_after.search(after)) and not _site_after(ctx, hit, mention)


_PAIRED_NAME = re.compile(r"\s*(?:en|and|&)\s+[^\W\d_][\w'’-]*(?=\s)", re.IGNORECASE)
_SITE_GAP = 3  # characters between a town and the site named after it ("Goma airport")


def _site_after(ctx: _Context, hit: Hit, mention: Mention) -> bool:
    """"have taken over Goma airport": a site of the town taken (geo_precision 2)."""
    if hit.trigger.change not in (Change.CAPTURE, Change.RECAPTURE) or mention.start < hit.end:
        return False
    site = ctx.rules.markers.site_object.search(ctx.article.text, mention.end,
                                                mention.end + 30)
    return site is not None and site.start() - mention.end <= _SITE_GAP  # "Goma's airport"


def _site_in_town(ctx: _Context, hit: Hit, mention: Mention) -> bool:
    """"heroverde het paleis in Khartoum": a site taken inside the town (geo_precision 2)."""
    if hit.trigger.change not in (Change.CAPTURE, Change.RECAPTURE) or mention.start < hit.end:
        return False
    between = ctx.article.text[hit.end:mention.start]
    return len(between) <= 80 and ctx.rules.markers.site_object.search(between) is not None


def _candidates(ctx: _Context, seg_start: int, seg_end: int) -> list[Mention]:
    places = [_as_site(ctx, p, seg_start)
              for p in _spans_of(ctx.places).within(seg_start, seg_end)]
    for m in _anaphora(ctx, seg_start, seg_end):
        m = _as_site(ctx, m, seg_start)
        # "seized Hodeida's airport, on the southern edge of the city": the city locates
        # the site named before it
        if not any(s.end <= m.start and site_town(s.place) == m.place.id for s in places):
            places.append(m)
    places += [m for m in site_anaphora(ctx.article.text, ctx.rules.path, seg_start, seg_end,
                                        ctx.places)
               if not any(p.start < m.end and m.start < p.end for p in places)]
    return sorted(places, key=lambda p: p.start)


def _as_site(ctx: _Context, mention: Mention, seg_start: int) -> Mention:
    """A town that names a site ("het vliegveld van Goma", "Goma airport") stands for the
    site, a place of its own (``placeroles``)."""
    site = site_mention(ctx.article.text, ctx.rules.path, mention)
    return site if site is not None and site.start >= seg_start else mention


def _distance(hit: Hit, mention: Mention) -> int:
    return max(0, mention.start - hit.end, hit.start - mention.end)


def _next_targets(ctx: _Context, hit: Hit, places: list[Mention]) -> list[Mention]:
    """The place right after the trigger and any coordinated with it ("om X en Y")."""
    text = ctx.article.text
    chosen: list[Mention] = []
    for p in places:
        if p.start < hit.end:
            continue
        gap = text[(chosen[-1].end if chosen else hit.end):p.start]
        first = not chosen and p.start - hit.end <= _NEXT_GAP and "," not in gap
        if first or (chosen and _COORDINATION.match(gap)):
            chosen.append(p)
        else:
            break
    return chosen


def _partial(ctx: _Context, hit: Hit, mention: Mention, seg_start: int) -> str:
    if mention.place.kind is PlaceKind.SITE:
        return "site"
    markers = ctx.rules.markers
    text = ctx.article.text
    before = text[max(seg_start, mention.start - 60):mention.start]
    if (markers.locative.search(before) and _site_in_town(ctx, hit, mention)) or _site_after(
            ctx, hit, mention):
        return "site"
    if markers.partial_capture.search(before):
        return "capture"
    if markers.partial_contested.search(before) or markers.partial_after.search(
            text[mention.end:mention.end + 40]):
        return "contested"
    if hit.trigger.change is Change.CONTESTED and markers.proximity.search(before):
        return "contested"  # fighting near the place: geo_precision 2
    window = text[max(seg_start, min(hit.start, mention.start) - 30):max(hit.end, mention.end) + 5]
    if markers.partial_adverb_capture.search(window):
        return "capture"
    if markers.partial_adverb_contested.search(window):
        return "contested"
    return ""


def _targets(ctx: _Context, hits: list[Hit], seg_start: int,
             seg_end: int) -> list[tuple[Hit, Mention, str]]:
    places = _candidates(ctx, seg_start, seg_end)
    out: list[tuple[Hit, Mention, str]] = []
    taken: set[int] = set()
    for hit in hits:
        if hit.trigger.target != "next":
            continue
        for p in _next_targets(ctx, hit, places):
            if hit.trigger.town_only and p.place.kind is not PlaceKind.TOWN:
                continue
            taken.add(p.start)
            out.append((hit, p, _partial(ctx, hit, p, seg_start)))
    clause_hits = [h for h in hits if h.trigger.target != "next"]
    excluded: Mention | None = None  # the last place a marker excluded
    for p in places:
        if p.start in taken or not clause_hits:
            continue
        hit = min(clause_hits, key=lambda h: _distance(h, p))
        if (_distance(hit, p) > _MAX_GAP or _outside_relative(ctx, hit, p, places)
                or _in_object_relative(ctx, hit, p, places)):
            continue
        if excluded is not None and _listed(ctx.article.text, excluded, p, places):
            excluded = p  # "After Aleppo and Hama, Homs fell": Hama is listed with Aleppo
            continue
        if (_excluded(ctx, hit, p, seg_start) and not _antecedent(ctx, hit, p, places)
                and not opens_list(ctx.article.text, ctx.rules.path, p.start, seg_start)):
            excluded = p
            continue
        if hit.trigger.town_only and p.place.kind is not PlaceKind.TOWN:
            continue
        out.append((hit, p, _partial(ctx, hit, p, seg_start)))
    if not out:
        out = _list_targets(ctx, hits, seg_start, seg_end)
    if any(h.trigger.target == "nearest" for h in hits):
        out = _nearest(ctx, out)
    return [(h, p, part) for h, p, part in out if _actor_ok(ctx, h, seg_start, seg_end)]


def _list_targets(ctx: _Context, hits: list[Hit], seg_start: int,
                  seg_end: int) -> list[tuple[Hit, Mention, str]]:
    """The places a generic plural noun's list names ("took two villages: A and B", "...
    villages were retaken. They include A and B"), for a clause with no place of its own."""
    k = bisect_right(ctx.spans, (seg_start, len(ctx.article.text) + 1)) - 1
    following = ctx.spans[k + 1] if k + 1 < len(ctx.spans) else None
    listed = listed_places(ctx.article.text, ctx.rules.path, (seg_start, seg_end),
                           ctx.spans[k][1], following, ctx.places)
    out = []
    for p in listed:
        hit = min(hits, key=lambda h: _distance(h, p))
        if not (hit.trigger.town_only and p.place.kind is not PlaceKind.TOWN):
            out.append((hit, p, _partial(ctx, hit, p, seg_start)))
    return out


_AND = re.compile(r"^\s+(?:and|en|or|of|&)\s+(?:de\s+|het\s+|the\s+)?$", re.IGNORECASE)
_LIST_COMMA = re.compile(r"^\s*,\s*(?:de\s+|het\s+|the\s+)?$", re.IGNORECASE)


def _listed(text: str, first: Mention, place: Mention, places: list[Mention]) -> bool:
    """True when ``place`` is listed with ``first`` right before it: "Aleppo and Hama", or
    "Aleppo, Hama and Homs" (a comma inside a list that an "and" closes). A comma before
    "and" ends an apposition ("Hama, north of Damascus, and Deir ez-Zor")."""
    if first.end > place.start:
        return False
    gap = text[first.end:place.start]
    if _AND.match(gap):
        return True
    if not _LIST_COMMA.match(gap):
        return False
    later = [p for p in places if p.start >= place.end]
    return bool(later) and bool(_AND.match(text[place.end:later[0].start])
                                or _LIST_COMMA.match(text[place.end:later[0].start]))


def _nearest(ctx: _Context, out: list[tuple[Hit, Mention, str]],
             ) -> list[tuple[Hit, Mention, str]]:
    """For a "nearest"-target trigger, only its place nearest to it and the places
    coordinated with that one ("in Marioepol en Bachmoet woeden gevechten"): a place
    further on in the clause is somewhere else ("..., vluchten burgers naar Zaporizja")."""
    text = ctx.article.text
    kept: list[tuple[Hit, Mention, str]] = []
    for hit in {id(h): h for h, _, _ in out if h.trigger.target == "nearest"}.values():
        mine = sorted((t for t in out if t[0] is hit), key=lambda t: t[1].start)
        best = min(range(len(mine)), key=lambda k: _distance(hit, mine[k][1]))
        low = high = best
        while low > 0 and _COORDINATION.match(text[mine[low - 1][1].end:mine[low][1].start]):
            low -= 1
        while (high + 1 < len(mine)
               and _COORDINATION.match(text[mine[high][1].end:mine[high + 1][1].start])):
            high += 1
        kept.extend(mine[low:high + 1])
    return [t for t in out if t[0].trigger.target != "nearest" or t in kept]


def _relative_between(ctx: _Context, start: int, end: int) -> re.Match[str] | None:
    matches = list(ctx.rules.markers.relative.finditer(ctx.article.text, start, end))
    return matches[-1] if matches else None


def _antecedent(ctx: _Context, hit: Hit, place: Mention, places: list[Mention]) -> bool:
    """The place a relative clause with the trigger refers to ("Donetsk, die sinds ...").
    A locator set off by commas between them is no antecedent: in "the town of Bara, in
    North Kordofan, which the RSF claimed to have captured" the relative is about Bara."""
    text = ctx.article.text
    rel = _relative_between(ctx, place.end, hit.start)
    if rel is None:
        return False
    between = [p for p in places if place.end <= p.start and p.end <= rel.start()]
    gap = text[place.end:rel.start()]
    if gap.strip() and not _VERB_FINAL.fullmatch(gap):
        if len(between) != 1 or text[between[0].end:rel.start()].strip():
            return False
        if not _parenthetical(ctx, text[place.end:between[0].start]):
            return False
    elif _parenthetical(ctx, text[max(0, place.start - 40):place.start]) and any(
            place.start - p.end <= 40 for p in places if p.end <= place.start):
        return False  # the locator itself ("..., in North Kordofan, which ...")
    return not any(place.end <= p.start < hit.start for p in places
                   if p is not place and p not in between)


_VERB_FINAL = re.compile(r"\s+[^\W\d_]+")  # "Mosoel bevrijden, dat ...": one verb between


def _parenthetical(ctx: _Context, gap: str) -> bool:
    """True for ", in" / ", near" right before a place: a locator set off by a comma."""
    markers = ctx.rules.markers
    comma = gap.rfind(",")
    tail = gap[comma + 1:] if comma >= 0 else ""
    return comma >= 0 and bool(markers.locative.search(tail) or markers.near.search(tail))


def _outside_relative(ctx: _Context, hit: Hit, place: Mention, places: list[Mention]) -> bool:
    """A place before a relative clause holding the trigger is no target, but its antecedent."""
    if place.end > hit.start or _relative_between(ctx, place.end, hit.start) is None:
        return False
    return not _antecedent(ctx, hit, place, places)


def _in_object_relative(ctx: _Context, hit: Hit, place: Mention,
                        places: list[Mention]) -> bool:
    """A place in a relative clause about the trigger's object when that object is no
    place ("withdrew from the corridor, which splits the Gaza Strip in two") is no target."""
    if place.start < hit.end:
        return False
    rel = _relative_between(ctx, hit.end, place.start)
    return rel is not None and not any(
        hit.end <= p.start and p.end <= rel.start() for p in places)


def _actor_ok(ctx: _Context, hit: Hit, seg_start: int, seg_end: int) -> bool:
    if not hit.trigger.needs_actor:
        return True
    if any(seg_start <= a.start and a.end <= seg_end
           and not any(p.start < a.end and a.start < p.end for p in ctx.places)
           for a in ctx.actors):
        return True  # a capital read as a place ("in Yerevan") is no actor here
    # "Junta troops retreated. They abandoned Lashio": the pronoun's antecedent acts.
    return bool(_shared_subject(ctx, seg_start) or _pronoun_subject(ctx, hit, seg_start))


# --- actors, status, dates ------------------------------------------------------------


def _merged_actors(mentions: list[ActorMention]) -> list[ActorMention]:
    """Adjacent mentions ("rebellen van HTS", "Russian troops") keep the most specific."""
    out: list[ActorMention] = []
    for m in mentions:
        if out and m.start - out[-1].end <= 5 and (out[-1].generic and not m.generic):
            out[-1] = ActorMention(m.actor, out[-1].start, m.end, m.text)
            continue
        if out and m.actor is not None and m.actor == out[-1].actor and not m.generic \
                and 0 <= m.start - out[-1].end <= 3:
            out[-1] = ActorMention(out[-1].actor, out[-1].start, m.end, out[-1].text)
            continue  # "Islamitische Staat (IS)": a name and its abbreviation are one
        if out and m.generic and not out[-1].generic and m.start - out[-1].end <= 3:
            out[-1] = ActorMention(out[-1].actor, out[-1].start, m.end, out[-1].text)
            continue  # "Russia's army": the named actor's own forces
        out.append(m)
    return out


def _actors(ctx: _Context, hit: Hit, mention: Mention,
            segment: tuple[int, int]) -> tuple[Actor | None, Actor | None]:
    text = ctx.article.text
    markers = ctx.rules.markers
    seg_start, seg_end = segment
    country = mention.place.country
    in_seg = _merged_actors([a for a in _spans_of(ctx.actors).within(seg_start, seg_end)
                             if not _owner_of_place(ctx, a) and not _proxy(ctx, a)
                             and not _a_location(ctx, a, seg_start) and not _backer(ctx, a)])
    roles: dict[str, Actor | None] = {"gainer": None, "loser": None}
    bare_before: list[ActorMention] = []
    bare_after: list[ActorMention] = []
    for a in in_seg:
        actor = _resolve(ctx, a, country)
        p0 = whole_words(text, max(seg_start, a.start - 30), a.start, seg_start, a.start)[0]
        prefix = text[p0:a.start]
        agent = markers.agent.search(prefix)
        if agent is not None and markers.backer_by.search(
                text, max(seg_start, p0 + agent.start() - 30), p0 + agent.start()):
            continue  # "supported by the Turkish military": the backer, not the agent
        if agent is not None:
            # "opgegeven door X", "abandoned by X": the agent of a withdrawal is the loser.
            role = "loser" if hit.trigger.change is Change.WITHDRAWAL else "gainer"
            roles[role] = roles[role] or actor
        elif markers.loser.search(prefix) and hit.trigger.change is not Change.WITHDRAWAL:
            roles["loser"] = roles["loser"] or actor
        elif a.end <= hit.start:
            bare_before.append(a)
        elif a.start >= hit.start:
            bare_after.append(a)
    if not bare_before:
        bare_before = _shared_subject(ctx, seg_start) or _pronoun_subject(ctx, hit, seg_start)
        if not bare_before:
            bare_before = _adjunct_subject(ctx, hit, seg_start)
            if bare_before and hit.trigger.adjunct and not hit.trigger.before:
                # "Na de verovering van Goma rukte M23 op": the main clause's subject took
                # it ("after the fall of X" names the side that lost it)
                actor = _resolve(ctx, bare_before[0], country)
                roles[hit.trigger.adjunct] = roles[hit.trigger.adjunct] or actor
    role = "loser" if hit.trigger.change is Change.WITHDRAWAL else "gainer"
    if role == "gainer" and roles["gainer"] is None and hit.trigger.after == "gainer":
        # A side named inside a trigger whose later words name the gainer ("under Russian
        # control", "in Oekraïense handen") outranks an actor around it: "X is now under
        # Russian control, the Ukrainian general staff said" is Russia's gain, whoever says
        # it. Not in "pushed Russian troops out of X": those words name the loser.
        # A place inside the trigger (a separable verb: "nemen Iraakse miljoenenstad
        # Mosoel in") is its object: a demonym before it describes the place, not its holder.
        inside = [p.end for p in ctx.places if hit.start <= p.start and p.end <= hit.end]
        roles["gainer"] = ctx.lexicon.demonym_actor(text[max(inside, default=hit.start):
                                                         hit.end], ctx.rules.lang)
    if bare_before and not hit.trigger.before and roles[role] is None:
        # "Russia's capture of X", "the rebels' takeover of X": the owner of the deed
        last = bare_before[-1]
        if _OWNER.fullmatch(text, last.end, hit.start):
            roles[role] = _resolve(ctx, last, country)
    _assign_roles(ctx, hit, roles, bare_before, bare_after, country)
    if roles[role] is None:
        roles[role] = _demonym_actor(ctx, hit, seg_start)
    gainer, loser = roles["gainer"], roles["loser"]
    if hit.trigger.static_veto and markers.no_longer.search(
            text, max(seg_start, hit.start - 40), hit.start):
        # "no longer in the hands of the insurgents": they lost it; the gainer is unnamed.
        gainer, loser = None, loser or gainer
    if gainer is not None and loser is not None and gainer.side == loser.side:
        own = _own_army(ctx, in_seg, gainer, country)
        if own is not None and own.side != loser.side:
            gainer = own  # "het leger heroverde X op de separatisten": not Russia's army
        else:
            loser = None
    return gainer, loser


def _own_army(ctx: _Context, mentions: list[ActorMention], gainer: Actor,
              country: str) -> Actor | None:
    """The place's own army, when ``gainer`` came from a bare "the army" (resolved to the
    army named last) and so may be read against the side it took the place from."""
    if not any(m.generic == "army" and m.actor is None and _resolve(ctx, m, country) == gainer
               for m in mentions):
        return None
    return ctx.lexicon.resolve(ActorMention(None, 0, 0, "", "army"), country)


_POSSESSIVE = re.compile(r"['’]s?\s+")
_ONE_WORD = re.compile(r"[^\W\d_]+\s+")


def _a_location(ctx: _Context, mention: ActorMention, seg_start: int) -> bool:
    """A country named as where things happen ("rukken op in het oosten van Oekraïne",
    "fighting in eastern Ukraine") does not act there, though its name stands for its
    forces elsewhere ("Oekraïne heroverde X")."""
    if mention.generic:
        return False
    text, markers = ctx.article.text, ctx.rules.markers
    before = _without_day(ctx, text[max(seg_start, mention.start - 40):mention.start])
    where = markers.locative.search(before)
    if where is not None and _NUMBER_TAIL.search(where.group()):
        where = None  # a time, not a place: "In 2019 Haftar's forces ..."
    return bool(where or markers.partial_contested.search(before))


_NUMBER_TAIL = re.compile(r"\d\s*,?\s*$")


def _backer(ctx: _Context, mention: ActorMention) -> bool:
    """The side that backs the actor ("de door Turkije gesteunde SNA", "Russia-backed
    separatists") is not the one that acts."""
    text = ctx.article.text
    nxt = _NEXT_WORD.match(text, mention.end)
    return nxt is not None and bool(ctx.rules.markers.proxy_before.search(
        text[mention.end:nxt.end()]))


def _proxy(ctx: _Context, mention: ActorMention) -> bool:
    """An army noun named as someone's proxy ("US-backed forces", "door de VS gesteunde
    troepen") is no side: not the place's own army, nor the backer. ("Moscow-backed
    separatists" are still separatists: rebels of that war.)"""
    return mention.generic == "army" and mention.actor is None and bool(
        ctx.rules.markers.proxy_before.search(ctx.article.text, max(0, mention.start - 30),
                                              mention.start))


def _owner_of_place(ctx: _Context, mention: ActorMention) -> bool:
    """A possessive country before a place names whose place it is, not who acts:
    "crossed into Russia's Kursk region", "Ukraine's eastern Donbas"."""
    text = ctx.article.text
    gap = _POSSESSIVE.match(text, mention.end)
    if gap is None:
        return False
    word = _ONE_WORD.match(text, gap.end())
    at = {gap.end(), word.end() if word else -1}
    return any(p.start in at for p in ctx.places)


def _demonym_actor(ctx: _Context, hit: Hit, seg_start: int) -> Actor | None:
    """A demonym in the trigger or as the word right before it names its side ("in
    Russische handen", "under Ukrainian control", "the Russian withdrawal from")."""
    text = ctx.article.text
    before = _LAST_WORD.search(text, max(seg_start, hit.start - 30), hit.start)
    words = text[hit.start:hit.end] + (" " + before.group(1) if before else "")
    return ctx.lexicon.demonym_actor(words, ctx.rules.lang)


_LAST_WORD = re.compile(r"([^\W\d_]+)\s+$")
_NEXT_WORD = re.compile(r"(?:-\w+|\s+\S+)\s")  # "-backed ", " gesteunde "
_FIRST_NAME_WORD = re.compile(r"[ \u00a0]+([^\W\d_]+)")
_OWNER = re.compile(r"['’]s?\s+(?:[^\W\d_]+\s+)?")  # "Russia's (swift) capture of"
_AND_BEFORE = re.compile(r"\b(?:en|and)\s+$", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\S+\s+")


def _shared_subject(ctx: _Context, seg_start: int) -> list[ActorMention]:
    """"X zijn ... binnengevallen en hebben Y ingenomen": the second verb shares X."""
    text = ctx.article.text
    if not _AND_BEFORE.search(text[max(0, seg_start - 6):seg_start]):
        return []
    index = bisect_right([s for s, _ in ctx.spans], seg_start) - 1
    sentence_start = ctx.spans[index][0] if index >= 0 else 0
    earlier = _spans_of(ctx.actors).within(sentence_start, seg_start)
    return earlier[:1]


def _continues(ctx: _Context, hit: Hit, seg_start: int) -> bool:
    """True when the trigger's clause goes on from the main clause without a subject of its
    own: a participle phrase ("before being pushed out", "after taking") or a coordinated
    verb ("maar werd later verdreven", "but was later driven out")."""
    lead = ctx.article.text[seg_start:hit.start]
    markers = ctx.rules.markers
    return bool(markers.adjunct.search(lead) or markers.continuation.search(lead))


def _points_back(ctx: _Context, hit: Hit, seg_start: int, seg_end: int) -> bool:
    """True when the trigger's object is a pronoun ("before Somali forces drove them out",
    "voordat Somalische troepen hen verdreven", "the army retook it"): the clause is about
    the place of the clause before."""
    return bool(ctx.rules.markers.pronoun_object.search(
        ctx.article.text, seg_start, min(seg_end, hit.end + 8)))


def _carried_targets(ctx: _Context, hits: list[Hit], seg_start: int, seg_end: int,
                     carried: list[Mention]) -> list[tuple[Hit, Mention, str]]:
    """A clause that goes on from the one before and names no place of its own is about
    that clause's place: "Al-Shabaab took over Mahas before being pushed out by Somali
    forces", "heeft Mahas ingenomen, maar werd later door Somalische troepen verdreven"."""
    for hit in hits:
        if not (_continues(ctx, hit, seg_start) or _points_back(ctx, hit, seg_start, seg_end)
                ) or not _actor_ok(ctx, hit, seg_start, seg_end):
            continue
        return [(hit, m, "") for m in carried
                if not hit.trigger.town_only or m.place.kind is PlaceKind.TOWN]
    return []


def _adjunct_subject(ctx: _Context, hit: Hit, seg_start: int) -> list[ActorMention]:
    """A trigger in a participle phrase ("... after taking Vuhledar", "After losing
    Avdiivka, Ukrainian forces fell back", "Having captured X, the rebels ...") has the
    main clause's subject: the first actor of the sentence before the phrase, or, when
    the phrase opens the sentence, the first one after the comma that ends it (after the
    trigger where no comma does)."""
    text = ctx.article.text
    if not _continues(ctx, hit, seg_start):
        return []
    index = bisect_right([s for s, _ in ctx.spans], seg_start) - 1
    if index < 0:
        return []
    s, e = ctx.spans[index]
    if seg_start > s:
        earlier = _spans_of(ctx.actors).within(s, seg_start)
        return _merged_actors(earlier)[:1]
    comma = text.find(",", hit.end, e)
    after = comma if comma >= 0 else hit.end  # "Na de verovering van Goma rukte M23 op"
    return _merged_actors(_spans_of(ctx.actors).within(after + 1, e))[:1]


def _pronoun_subject(ctx: _Context, hit: Hit, seg_start: int) -> list[ActorMention]:
    """"Russische troepen vielen aan. Zij namen ... in": a pronoun subject stands for the
    actor of the sentence before, when that sentence names exactly one (a named actor or a
    generic noun such as "de rebellen"), or, in a clause after the main one, for the main
    clause's actor ("Russische troepen rukken op, nadat ze Voehledar hebben ingenomen").
    The pronoun may also follow the trigger's first word, where the verb comes first
    ("Maandag namen ze de stad in")."""
    pronoun, text = ctx.rules.markers.pronoun_subject, ctx.article.text
    first = _FIRST_WORD.match(text, hit.start)
    if not (pronoun.search(text, seg_start, hit.start)
            or (first is not None and pronoun.match(text, first.end()))):
        return []
    index = bisect_right([s for s, _ in ctx.spans], seg_start) - 1
    if index < 0:
        return []
    # A clause after the main one ("..., nadat ze Voehledar hebben ingenomen") refers to
    # the main clause's actor; a clause that opens its sentence, to the sentence before.
    sentence_start = ctx.spans[index][0]
    if seg_start > sentence_start and _spans_of(ctx.actors).within(sentence_start, seg_start):
        s, e = sentence_start, seg_start
    elif index >= 1:
        s, e = ctx.spans[index - 1]
    else:
        return []
    before = _merged_actors(_spans_of(ctx.actors).within(s, e))
    if len(before) != 1 or (before[0].actor is None and not before[0].generic):
        return []  # a generic noun ("de rebellen") is resolved as if it stood here
    if _AND_BEFORE.search(ctx.article.text[max(s, before[0].start - 6):before[0].start]):
        return []  # "Russian and Ukrainian troops clashed": two sides, no antecedent
    return before


def _resolve(ctx: _Context, mention: ActorMention, country: str) -> Actor | None:
    """The actor a mention stands for, given the place's country and the actors the
    article named before it."""
    if mention.actor is not None or not mention.generic:
        return mention.actor  # resolved already: the article's other actors do not matter
    return ctx.lexicon.resolve(mention, country, _spans_of(ctx.actors).named_before(
        mention.start))


def _assign_roles(ctx: _Context, hit: Hit, roles: dict[str, Actor | None],
                  before: list[ActorMention], after: list[ActorMention], country: str) -> None:
    trigger = hit.trigger
    before_role = trigger.passive_before if hit.passive else trigger.before
    first_after = after[0] if after else None
    immediate = first_after is not None and (
        first_after.start < hit.end
        or _ADJACENT.match(ctx.article.text[hit.end:first_after.start]) is not None)
    picks: list[tuple[str, ActorMention]] = []
    if trigger.after and first_after is not None and (immediate or trigger.prefer_after):
        picks.append((trigger.after, first_after))
    if (trigger.object_before and not hit.passive and len(before) >= 2
            and not _SUBJECTS.match(ctx.article.text[before[-2].end:before[-1].start])):
        # Dutch verb-final order: "dat Oekraïne de Russen uit Robotyne heeft verdreven" (the
        # subject first, then the object, then the verb).
        picks.append((trigger.object_before, before[-1]))
        before = before[:-1]
    if before_role and before:
        picks.append((before_role, _subject(ctx, before)))
    for role, mention in picks:
        if roles[role] is None:
            roles[role] = _resolve(ctx, mention, country)


def _subject(ctx: _Context, before: list[ActorMention]) -> ActorMention:
    """The first of the coordinated actors right before the trigger ("X en Y namen ...")."""
    text = ctx.article.text
    k = len(before) - 1
    while k > 0 and _SUBJECTS.match(text[before[k - 1].end:before[k].start]):
        k -= 1
    if (k > 0 and before[k].actor is None and before[k - 1].actor is not None
            and _APPOSITION.match(text, before[k - 1].end, before[k].start)
            and text.startswith(",", before[k].end)):
        # "Strijders van het SNA, een verzameling door Turkije gesteunde rebellengroepen,
        # namen ...": a generic noun in an apposition describes the named actor.
        k -= 1
    first = _DEMONYM_AND.search(text, max(0, before[k].start - 30), before[k].start)
    if first is not None and before[k].actor is not None:
        # "Jemenitische en Emiraatse militairen": the first of the coordinated demonyms.
        actor = ctx.lexicon.demonym_actor(first.group(1), ctx.rules.lang)
        if actor is not None:
            return ActorMention(actor, first.start(), before[k].end, text[first.start():
                                                                         before[k].end])
    return before[k]


_DEMONYM_AND = re.compile(r"\b([^\W\d_]+)\s+(?:en|and)\s+$", re.IGNORECASE)


_APPOSITION = re.compile(r"\s*\)?\s*(?:\([^)]*\)\s*)?,\s*[^,.;:]*$")


def _status(ctx: _Context, index: int, change: Change, segment: tuple[int, int],
            loser: Actor | None = None, country: str = "", place_id: str = "") -> Status:
    """Disputed when denied; for a withdrawal, reported unless the other side says it
    ("Hamas has lost control of Gaza City, the Israeli military said" is Israel's claim;
    "het leger zei zich te hebben teruggetrokken" is an admission); otherwise claimed when
    a claim marker governs the clause and nothing confirms it."""
    text = ctx.article.text
    markers = ctx.rules.markers
    s, e = ctx.spans[index]
    sentence = text[s:e]
    if _denied(markers, sentence):
        return Status.DISPUTED
    if index + 1 < len(ctx.spans):
        ns, ne = ctx.spans[index + 1]
        following = text[ns:ne]
        if (_denied(markers, following) and not ctx.rules.any_trigger.search(following)
                and _names_or_points_back(ctx, ns, ne, place_id)):
            return Status.DISPUTED
    if markers.confirm.search(sentence) or not _claimed(ctx, s, e, segment):
        return Status.REPORTED
    if change is Change.WITHDRAWAL and not _other_side_says(ctx, s, e, loser, country):
        return Status.REPORTED
    return Status.CLAIMED


def _names_or_points_back(ctx: _Context, s: int, e: int, place_id: str) -> bool:
    """A denial in the next sentence answers the claim when it names the claimed place (or
    stands for it: "de stad", "the town") or points back at the claim ("ontkende dat",
    "denied it", "the claim"); one that names other places denies something else."""
    denial = ctx.rules.markers.denial
    named = [p for p in ctx.places if s <= p.start and p.end <= e
             and not denial.match(ctx.article.text, p.end + 1)]  # "Kyiv ontkent": a speaker
    if any(p.place.id == place_id for p in named):
        return True
    markers, text = ctx.rules.markers, ctx.article.text
    return not named and bool(markers.anaphora_town.search(text, s, e)
                              or markers.denial_back.search(text, s, e))


def _denied(markers: Markers, sentence: str) -> bool:
    """A denial that the sentence does not take back: "ontkende dat aanvankelijk, maar
    erkende maandag ...", "initially denied the claim but conceded" is a concession."""
    denial = markers.denial.search(sentence)
    return denial is not None and markers.confirm.search(sentence, denial.end()) is None


_SPEAKER_GAP = 40  # characters between a speech verb and the actor that speaks


def _other_side_says(ctx: _Context, s: int, e: int, loser: Actor | None,
                     country: str) -> bool:
    """True when the speaker of a claim in text[s:e] (the actor nearest a speech verb:
    "the Israeli military said", "zegt het leger", "volgens Kyiv") is not the losing side."""
    if loser is None:
        return False
    mentions = _merged_actors(_spans_of(ctx.actors).within(s, e))
    for claim in ctx.rules.markers.claim.finditer(ctx.article.text, s, e):
        # The subject before the verb speaks ("the Israeli military said its troops ..."),
        # else the one right after it ("..., zegt het Israëlische leger", "volgens Kyiv").
        before = [m for m in mentions if -1 <= claim.start() - m.end <= _SPEAKER_GAP]
        after = [m for m in mentions if -1 <= m.start - claim.end() <= _SPEAKER_GAP]
        if not (before or after):
            continue
        mention = before[-1] if before else after[0]
        speaker = _resolve(ctx, mention, country)
        if speaker is not None and speaker.side != loser.side:
            return True
    return False


_ATTRIBUTION_WORDS = 6  # a later clause this short is an attribution ("– the ministry said")


def _claimed(ctx: _Context, s: int, e: int, segment: tuple[int, int]) -> bool:
    """A claim marker governs the trigger's clause: in that clause, in an earlier clause of
    the sentence not cut off by a semicolon ("Residents said the rebels took X after ..."),
    or in a later clause that is only an attribution ("..., dat meldt het ministerie").
    A claim in a later clause of its own ("..., while the government said it was sending
    reinforcements") is about something else."""
    text, markers = ctx.article.text, ctx.rules.markers
    seg_start, seg_end = segment
    semicolon = text.rfind(";", s, seg_start)
    start = s if semicolon < 0 else semicolon + 1
    if markers.claim.search(text, start, seg_end):
        return True
    for a, b in segments(ctx.rules, text, seg_end, e):
        if len(text[a:b].split()) <= _ATTRIBUTION_WORDS and markers.claim.search(text, a, b):
            return True
    return False
