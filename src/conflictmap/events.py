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

This module keeps the orchestration (steps 1, 6, 7 and the article-wide passes); the
readings live in ``clauseplaces.py`` and ``eventplaces.py`` (step 2, 3),
``eventactors.py`` (step 4) and ``eventstatus.py`` (step 5), over the shared
``eventcontext.Context``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from conflictmap import sequels
from conflictmap.actors import ActorLexicon, name_words
from conflictmap.anchored import with_anchored
from conflictmap.articleevents import (
    TAKING,
    drop_fighting_before_change,
    drop_section_headings,
    headline_dated_by_body,
    propagate_denials,
)
from conflictmap.clause_dates import clause_interval, stamp_day
from conflictmap.clauseplaces import plausible_places
from conflictmap.confidence import calibrate, load_model
from conflictmap.date_choice import default_interval
from conflictmap.dates import find_dates
from conflictmap.errors import GeocoderError, RulesError
from conflictmap.eventactors import gainer_and_loser
from conflictmap.eventcontext import Context
from conflictmap.eventplaces import carried_targets, clause_targets
from conflictmap.eventstatus import claim_undenied, relative_undenied, report_status
from conflictmap.factuality import (
    civil_sense,
    extent_statement,
    furniture_line,
    holding_statement,
    is_mention,
    join_later_mentions,
    past_mention,
    region_fighting,
    since_reference,
    taken_back,
    undated_background,
)
from conflictmap.geotargets import Geocoder, country_hint, geocoded_mention, unknown_target
from conflictmap.heading_lists import heading_end, listed_items
from conflictmap.model import (
    Article,
    Change,
    Event,
    Interval,
    Mention,
    Place,
    PlaceKind,
    Source,
    Status,
    Trace,
)
from conflictmap.pronountargets import pronoun_targets
from conflictmap.rules import (
    RULES_DIR,
    LanguageRules,
    language_files,
    load_language,
    rules_digest,
)
from conflictmap.samesites import named_for_generic
from conflictmap.text import sentence_spans, sentence_spans_by_line
from conflictmap.triggers import Clause, Hit, hot_in_lines, hot_sentences

log = logging.getLogger(__name__)


_YEARS_APART = timedelta(days=365)  # two changes of one sentence this far apart are two


class Extractor:
    """Turn articles into unconsolidated control-change reports (one Source each)."""

    def __init__(self, gazetteer: object | None = None, rules_dir: Path | str | None = None,
                 geocoder: Geocoder | None = None, calibrated: bool = True):
        """``geocoder`` (optional, e.g. ``geocode.OnlineGeocoder``) is asked, once per name
        and country, for a trigger's object that the gazetteer does not know.
        ``calibrated``: confidence from the calibrated model (``confidence.py``), else the
        trigger's own, and each report keeps its ``Trace`` (for fitting that model)."""
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
        self._traced = not calibrated

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
        article = stamp_day(article, rules)
        ctx = self._context(article, rules, spans, spans[hot[-1]][1])
        near = with_anchored(text, (spans[i] for i in hot), ctx.places, ctx.actors, rules)
        if near is not None:
            ctx = replace(ctx, places=near)
        lost: list[Event] = []
        if self.geocoder is not None or self.report_unresolved:
            ctx, lost = self._geocode_targets(ctx, [(spans[i], c) for i in hot
                                                    for c in clauses[i]])
        events: list[Event] = []
        mentions: set[int] = set()  # id() of the events a trigger only mentions
        standing: set[int] = set()  # of those, a flag that flies: a state, not a new change
        for i in hot:
            events.extend(self._sentence(ctx, i, clauses[i], mentions, standing))
        events.extend(self._listed(ctx, hot, clauses, events))
        events = civil_sense(rules, text, events, [
            (a.start, a.end, a.generic in _ARMED or (a.actor is not None and not a.generic))
            for a in ctx.actors])
        events = taken_back(join_later_mentions(sequels.inherit(events), mentions, standing))
        events = headline_dated_by_body(article, drop_section_headings(article, events))
        named = named_for_generic(rules.path, [e.place for e in events])  # "West-Commando"
        events = [replace(e, place=named[e.place.id]) if e.place.id in named else e
                  for e in events]
        events = calibrate(self._confidence, article,
                           drop_fighting_before_change(propagate_denials(events),
                                                        rules.markers.separate_place,
                                                        rules.markers.district_word))
        if not self._traced and self._confidence is None:
            events = [replace(e, trace=None) for e in events]
        return events + lost if lost else events

    def _context(self, article: Article, rules: LanguageRules, spans: list[tuple[int, int]],
                 last_end: int) -> Context:
        from conflictmap.toponyms import find_places

        # Actors after the last triggered sentence can play no role: do not look for them.
        actors = tuple(self.lexicon.find(article.text[:last_end], article.lang))
        mentions = find_places(article.text, self.gazetteer, article.lang, name_words(actors))
        backed = frozenset(a.country or (self.lexicon.war_country(a.actor) if a.actor else "")
                           for a in actors) - {""}
        places = plausible_places(mentions, actors, article.text, rules, backed)
        gazetteer = self.gazetteer
        return Context(article, rules, tuple(places), actors, tuple(spans), self.lexicon,
                       tuple(mentions), getattr(gazetteer, "capitals", {}),
                       getattr(gazetteer, "demonym", lambda word: ""))

    def _geocode_targets(self, ctx: Context, clauses: list[tuple[tuple[int, int], Clause]],
                         ) -> tuple[Context, list[Event]]:
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

    def _sentence(self, ctx: Context, index: int, clauses: list[Clause],
                  mentions: set[int], standing: set[int]) -> list[Event]:
        events: list[Event] = []
        seen: dict[tuple[str, Change, str], list[tuple[Interval, bool]]] = {}
        entries: dict[tuple[str, Change, str], int] = {}  # a storming's or entry's event
        carried: list[Mention] = []  # the places of the sentence's previous placed clause
        for seg_start, seg_end, hits in clauses:
            hits = sequels.told_hits(hits)
            targets = clause_targets(ctx, hits, seg_start, seg_end)
            if not targets and carried:
                targets = carried_targets(ctx, hits, seg_start, seg_end, carried)
            if not targets and not carried:
                targets = pronoun_targets(ctx, hits, seg_start, seg_end, index)
            if targets:
                carried = [m for _, m, _ in targets]
            placed = list({id(h): h for h, _, _ in targets}.values())  # hits with a place
            for hit, mention, partial in targets:
                if not _factual(ctx, hit, (seg_start, seg_end), partial) or extent_statement(
                        ctx.rules, ctx.article.text, hit, (seg_start, seg_end), partial,
                        mention.place.kind is PlaceKind.REGION, ctx.article.period
                ) or region_fighting(hit, partial, mention.place.kind is PlaceKind.REGION):
                    continue
                event = self._event(ctx, index, hit, mention, partial, (seg_start, seg_end),
                                    placed)
                if ctx.rules.markers.repeat_reference.search(ctx.article.text, seg_start,
                                                             hit.start):
                    mentions.add(id(event))  # "the second time that ...": told already,
                    standing.add(id(event))  # however long before
                elif is_mention(ctx.rules, ctx.article.text, hit):
                    mentions.add(id(event))
                    if hit.trigger.static_veto and not ctx.rules.markers.again.search(
                            ctx.article.text, seg_start, seg_end):
                        standing.add(id(event))  # "the flag flew over X" with no "again"
                # One change per place, type and gaining side: "X took Mahas before Y drove
                # them out" is two captures of Mahas; so are two takings years apart
                # ("Shusha, captured by Armenian forces in May 1992, fell on Sunday"), not a
                # holding ("Kindu, de eerste hoofdstad die sinds 2012 in hun handen valt").
                key = (event.place.id, event.change, event.actor.side if event.actor else "")
                p, held = event.period, hit.trigger.static_veto
                if not any(held or q_held or (q.start - _YEARS_APART <= p.end
                                              and p.start <= q.end + _YEARS_APART)
                           for q, q_held in seen.get(key, [])):
                    seen.setdefault(key, []).append((p, held))
                    events.append(event)
                    events.extend(_again_later(ctx, index, hit, event))
                elif not held and not _later_taking(events, entries, key, event, hit):
                    _date_undated(ctx, events, key, event, mention, hit)
                if hit.trigger.entry and events and events[-1] is event:
                    entries[key] = len(events) - 1
        events = _taker_leaves(ctx, events)
        # fighting told with a change of the same place is folded into that change if it
        # ends in it (CODEBOOK.md); not one of years before ("stormed Aleppo, the city the
        # army had taken from the rebels in 2016") nor fighting weeks after it
        changed = [(e.place.id, e.period) for e in events if e.change is not Change.CONTESTED]
        return [e for e in events if e.change is not Change.CONTESTED
                or e.status is Status.DISPUTED
                or not any(pid == e.place.id and p.start - _FOLDED <= e.period.end
                           and e.period.start <= p.end + _AFTER for pid, p in changed)]

    def _listed(self, ctx: Context, hot: Sequence[int], clauses: dict[int, list[Clause]],
                events: Sequence[Event]) -> list[Event]:
        """The changes of the bullet lines under a heading that tells a change with no place
        of its own (heading_lists.py): each dated by its line, else by the heading, and
        quoted with the heading."""
        text = ctx.article.text
        told = {e.sources[0].start for e in events if e.sources}
        out: list[Event] = []
        for i in hot:
            span = ctx.spans[i]
            if span[0] in told or not heading_end(text, span):
                continue
            found = [(h, (a, b)) for a, b, hits in clauses[i] for h in hits
                     if _factual(ctx, h, (a, b), "")]
            if not found:
                continue
            hit, segment = found[0]
            for item in listed_items(text, span, ctx.places, ctx.rules.lang,
                                     ctx.article.period):
                event = self._event(ctx, i, hit, item.mention, "", segment)
                quote = f"{text[span[0]:span[1]].strip()} {text[item.start:item.end].strip()}"
                source = replace(event.sources[0], quote=quote, end=item.end)
                out.append(replace(event, period=item.period or event.period,
                                   sources=(source,)))
        return out

    def _event(self, ctx: Context, index: int, hit: Hit, mention: Mention, partial: str,
               segment: tuple[int, int], hits: Sequence[Hit] = ()) -> Event:
        text = ctx.article.text
        s, e = ctx.spans[index]
        change = hit.trigger.change
        # a word of return in the trigger's own clause: not the main clause's "took back"
        # before a relative clause ("took back X, which had been in rebel hands since May")
        own = max(segment[0], hit.start - 30)
        rel = [m.end() for m in ctx.rules.markers.relative.finditer(text, own, hit.start)]
        if change is Change.CAPTURE and (ctx.rules.markers.again.search(
                text[max([own, *rel]):min(segment[1], hit.end + 10)])
                or ctx.rules.words.compile(_AGAIN_AFTER, re.IGNORECASE).match(
                    text, mention.end, segment[1])):
            change = Change.RECAPTURE  # "weer in handen van", "back under the control of"
        if change is Change.CAPTURE and ctx.rules.words.compile(
                _FIRST_SINCE, re.IGNORECASE).search(text, hit.end, e):
            change = Change.RECAPTURE  # "for the first time since the rebels seized it"
        if change is Change.CAPTURE and ctx.rules.words.compile(
                _RETURN_AFTER, re.IGNORECASE).search(text, hit.end, segment[1]):
            change = Change.RECAPTURE
        quoted = _scare_quoted(text, hit)
        if change is Change.RECAPTURE and quoted:
            change = Change.CAPTURE  # "liberated", 'bevrijd' in quotes: the speaker's word
        if partial == "contested" and change in (Change.CAPTURE, Change.RECAPTURE,
                                                 Change.WITHDRAWAL):
            change = Change.CONTESTED  # "delen van Homs ingenomen", "lost parts of Shan State"
        if ((hit.trigger.entry or partial == "capture")
                and change in (Change.CAPTURE, Change.RECAPTURE)
                and ctx.rules.markers.not_held.search(text, hit.end, e)):
            # "entered X, but they do not control it"; "took most of X, but the garrison
            # on the hill held out"
            change = Change.CONTESTED
        # A state's forces taking a town of their own country is a capture unless the text
        # says they held it before (CODEBOOK.md): no recapture from the actor alone.
        gainer, loser = gainer_and_loser(ctx, hit, mention, segment)
        status = report_status(ctx, index, change, segment, loser, mention.place.country,
                               mention.place.id)
        if status is Status.DISPUTED and (relative_undenied(ctx, hit.start, hit.end, s, e)
                                          or claim_undenied(ctx, hit.start, s, e)):
            status = report_status(ctx, index, change, (segment[0], hit.start), loser,
                                   mention.place.country, mention.place.id, denials=False)
        if quoted and status is Status.REPORTED:
            status = Status.CLAIMED  # the paper keeps its distance from the word
        if status is Status.DISPUTED:
            change = Change.CONTESTED
        if hit.trigger.loss and change is Change.WITHDRAWAL:
            change = Change.CAPTURE  # "the military lost Pauk": the other side took it
        period = clause_interval(ctx.article, ctx.rules, ctx.spans, index, hit, segment, hits,
                                 mention)
        place = mention.place
        geo = 3 if place.kind is PlaceKind.REGION else (2 if partial else place.geo_precision)
        source = Source(article=ctx.article.id, published=ctx.article.published,
                        quote=text[s:e], start=s, end=e, url=ctx.article.url,
                        title=ctx.article.title, rule=hit.trigger.id)
        confidence = hit.trigger.confidence - (0.1 if status is not Status.REPORTED else 0.0)
        return Event(change=change, status=status, place=place, period=period, actor=gainer,
                     losing_actor=loser, sources=(source,), confidence=round(confidence, 2),
                     geo_precision=geo, trace=Trace(mention.as_written, mention.start,
                                                    mention.end, hit.start, hit.end))


_KEEPS_SUBJECT = r"\b%keeps_subject%\s+$"
_LEAVING_REACH = 120  # characters between the taking's trigger and the leaving's


def _taker_leaves(ctx: Context, events: list[Event]) -> list[Event]:
    """"The group briefly overran Diapaga before pulling out after two days": a leaving with
    no side of its own right after a taking of the same place, joined by words that keep
    the subject (``keeps_subject``), is the taker's leaving, a second change (consolidate
    joins no taking with its own gainer's leaving), not the loser's leaving of that taking."""
    text, out = ctx.article.text, list(events)
    for i, w in enumerate(out):
        if (w.change is not Change.WITHDRAWAL or w.actor is not None
                or w.losing_actor is not None or w.trace is None):
            continue
        for t in out:
            if (t.change in TAKING and t.actor is not None and t.trace is not None
                    and t.place.id == w.place.id
                    and 0 <= w.trace.trigger_start - t.trace.trigger_end <= _LEAVING_REACH
                    and ctx.rules.words.compile(_KEEPS_SUBJECT, re.IGNORECASE).search(
                        text, t.trace.trigger_end, w.trace.trigger_start)):
                out[i] = replace(w, losing_actor=t.actor)
                break
    return out


def _later_taking(events: list[Event], entries: dict[tuple[str, Change, str], int],
                  key: tuple[str, Change, str], event: Event, hit: Hit) -> bool:
    """(r12) "stormed Manbij in June and captured it in August": the storming (an entry
    trigger) was fighting, the later taking the change; both stay, the first as contested."""
    i = entries.get(key)
    if i is None or hit.trigger.entry or event.period.start <= events[i].period.end:
        return False
    events[i] = replace(events[i], change=Change.CONTESTED)
    del entries[key]
    events.append(event)
    return True


# "had overrun Kunduz in September 2015 and again in October 2016": the same change, again
_AND_AGAIN = r",?\s+%and%\s+%again%\s+(?=%date_opener%\b)"


def _date_undated(ctx: Context, events: list[Event], key: tuple[str, Change, str],
                  event: Event, mention: Mention, hit: Hit) -> None:
    """A second report of a change the sentence told without a date gives it its date ("The
    first city to fall was Kherson, which Russian troops entered in early March"); not one
    in the past perfect ("..., which they had entered in March": an earlier change)."""
    undated = default_interval(ctx.article.period)
    if event.period == undated or ctx.rules.dates.get("anterior").search(
            ctx.article.text, mention.end, hit.start):
        return
    for i, told in enumerate(events):
        if told.period == undated and (told.place.id, told.change, told.actor.side
                                       if told.actor else "") == key:
            events[i] = replace(told, period=event.period)
            return


def _again_later(ctx: Context, index: int, hit: Hit, event: Event) -> list[Event]:
    """A taking told once more with a date of its own after "and again" is a second change
    of the place, a return of the same side (CODEBOOK: two changes, two events)."""
    if event.change not in TAKING:
        return []
    text = ctx.article.text
    e = ctx.spans[index][1]
    m = ctx.rules.words.compile(_AND_AGAIN, re.IGNORECASE).search(text, hit.end, e)
    if m is None:
        return []
    tail = text[m.end():e]
    found = [d for d in find_dates(tail, ctx.article.period, ctx.rules.lang)
             if d.explicit and not d.year_guessed
             and tail[:d.start].strip().lower() in ("", *ctx.rules.words["date_preposition"])]
    if not found or found[0].interval.start <= event.period.end:
        return []
    return [replace(event, change=Change.RECAPTURE, period=found[0].interval)]


# "seized Singa again on Saturday", "nam Singa opnieuw in": a word of return after the place
_AGAIN_AFTER = r"\s+%again%\b"
# the gainer back where another side had taken the place from it (CODEBOOK.md)
_RETURN_WHAT = r"(?=(?:[\w'’-]+\s+){0,6}?%return_what%\b)"
_FIRST_SINCE = r"\b%first_since%\s+(?:[\w'’-]+\s+){0,5}?%taking_past%\b"
# "captured Shusha on November 8, returning it to Azerbaijani control", "nam de stad in,
# waarmee de stad weer ...": the clause after the taking tells it as a return
# (r13) ... to a side's control, rule or hands (``return_what`` a few words on): not "returning
# it to normal life", "bringing it back to life"
_RETURN_AFTER = (r",\s+(?:%return_gerund%\s+%return_object%\s+" + _RETURN_WHAT
                 + r"(?:%return_back%\s+)?%return_to%"
                 r"|%return_back_gerund%\s+%return_object%\s+" + _RETURN_WHAT + r"%return_back%)\b")


def _factual(ctx: Context, hit: Hit, segment: tuple[int, int], partial: str) -> bool:
    """False for undated background and a statement of who holds a place (factuality.py)."""
    text, period = ctx.article.text, ctx.article.period
    return not (undated_background(ctx.rules, text, hit, segment, period)
                or holding_statement(ctx.rules, text, hit, segment, partial, period)
                or since_reference(ctx.rules, text, hit, segment, period)
                or past_mention(ctx.rules, text, hit, segment, period))


_FOLDED = timedelta(days=31)  # fighting this long before a change of its place ends in it
_AFTER = timedelta(days=3)  # and fighting after it, within this, is the same change told again
_ARMED = frozenset({"army", "rebels", "paramilitary", "jihadists", "kurds"})  # generic nouns
_SCARE_QUOTES = re.compile(r"[\"'“‘„«‹]([^\W\d_][\w-]*)[\"'”’»›]")


def _scare_quoted(text: str, hit: Hit) -> bool:
    """True when a word of the trigger stands in quotes of its own ('"liberated"')."""
    for m in _SCARE_QUOTES.finditer(text, max(0, hit.start - 1), min(len(text), hit.end + 1)):
        if m.start(1) < hit.end and hit.start < m.end(1):
            return True
    return False
