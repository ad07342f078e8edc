"""Which places a trigger is about: the plausible places of an article, then for each
clause the places its triggers change (locators, destinations, origins, speakers, relative
clauses and lists read as ``events.py`` describes; partial control and sites)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from conflictmap.actors import ActorMention
from conflictmap.eventactors import actor_ok, continues, points_back
from conflictmap.eventcontext import LAST_WORD, Context, Spans, spans_of, without_day
from conflictmap.eventrelatives import (
    aside,
    beyond_relative,
    dated_taking,
    in_modal_main_clause,
    in_object_relative,
    main_after_relative,
    outside_relative,
    relative_antecedent,
    relative_between,
)
from conflictmap.model import Change, Mention, Place, PlaceKind
from conflictmap.placeroles import (
    antecedent,
    coordinated_sites,
    district_of,
    in_dateline,
    listed_places,
    locates_generic,
    locates_site,
    named_sites,
    names_site,
    opens_list,
    own_sites,
    site_anaphora,
    site_mention,
    site_town,
    unnamed_site,
)
from conflictmap.rules import LanguageRules
from conflictmap.triggers import Hit

_PLACE_KINDS = (PlaceKind.TOWN, PlaceKind.REGION, PlaceKind.SITE)
_MAX_GAP = 160  # characters between a trigger and a place of its clause
_NEXT_GAP = 45  # characters between a "next"-target trigger and its place
_COORDINATION = re.compile(r"^\s*(?:,\s*)?(?:(?:en|and|of|or|&)\s+)?(?:de\s+|het\s+|the\s+)?$",
                           re.IGNORECASE)


def plausible_places(mentions: Sequence[Mention], actors: Sequence[ActorMention], text: str,
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
    overlaps = Spans(actors)
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
    before = LAST_WORD.search(text, max(0, mention.start - 24), mention.start)
    return bool((after is not None and after.group(1).lower() in REGION_AFTER)
                or (before is not None and before.group(1).lower() in REGION_BEFORE))


def _after_preposition(rules: LanguageRules, text: str, mention: Mention) -> bool:
    before = text[max(0, mention.start - 40):mention.start]
    markers = rules.markers
    return bool(markers.source.search(before) or markers.locative.search(before)
                or markers.near.search(before))


def _anaphora(ctx: Context, seg_start: int, seg_end: int) -> list[Mention]:
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
    for m in ctx.rules.markers.anaphora_both.finditer(text, seg_start, seg_end):
        # "De islamisten hadden beide steden sinds april in handen": the last two towns
        towns: list[Mention] = []
        for p in reversed([p for p in ctx.places if p.end <= m.start()
                           and p.place.kind is PlaceKind.TOWN]):
            if all(t.place.id != p.place.id for t in towns):
                towns.append(p)
            if len(towns) == 2:
                break
        if len(towns) == 2:  # two mentions in a row at the phrase, so that both are listed
            found += [Mention(t.place, m.group(), m.start(), m.end()) for t in reversed(towns)]
    return found


_UNKNOWN_WINDOW = 1500  # characters before "de stad" searched for a place the gazetteer lacks


def _unknown_named(ctx: Context, pattern: re.Pattern[str], start: int, end: int) -> bool:
    """True when a place the gazetteer lacks was named by its title after the last known
    one ("Karsk viel. ... het dorpje Dovra, ... dat plaatsje werd heroverd"): the
    anaphor stands for it, not for the known town."""
    for m in pattern.finditer(ctx.article.text, max(start, end - _UNKNOWN_WINDOW), end):
        if _named(ctx, m.end()) and not _titled(ctx, m.end()):
            return True
    return False


def _apposition(ctx: Context, start: int) -> bool:
    """"Hama, de vierde stad van het land": a description of the place just named."""
    before = ctx.article.text[max(0, start - 3):start]
    return before.rstrip().endswith(",") and any(
        0 <= start - p.end <= 3 for p in ctx.places)


_NAME_AFTER = re.compile(r"(\s*(?:\w+\s+)?)([^\W\d_][\w'’-]*)")
_BARE_NAME_AFTER = re.compile(r"(\s*)([^\W\d_][\w'’-]*)")


def _named(ctx: Context, end: int) -> bool:
    """True when a name the gazetteer may not know follows the title ("the village of
    Krasnooktyabrskoye", "het dorp Strilets"): that place, not the last one named. A
    weekday or a month is no name ("took the town Monday")."""
    m = _NAME_AFTER.match(ctx.article.text, end)
    if m is not None and not (m.group(2)[0].isupper()
                              and ctx.rules.markers.title_after.search(m.group(1))):
        # "het dorp Dovra ten noorden"; "het stadje Um Al-Qura": the name's first word
        m = _BARE_NAME_AFTER.match(ctx.article.text, end)
    if m is None or not m.group(2)[0].isupper():
        return False
    if not ctx.rules.markers.title_after.search(m.group(1)):
        return False
    word = m.group(2).lower()
    return word not in ctx.rules.dates.weekdays and word not in ctx.rules.dates.months


def _titled(ctx: Context, end: int) -> bool:
    """True when a place name follows right away ("de stad Hama", "the city of Kherson")."""
    for p in ctx.places:
        if end <= p.start <= end + 6:
            return bool(ctx.rules.markers.title_after.search(ctx.article.text[end:p.start]))
    return False


def _excluded(ctx: Context, hit: Hit, mention: Mention, seg_start: int) -> bool:
    """A place that is a locator, destination, origin or speaker, not the changed place."""
    markers = ctx.rules.markers
    text = ctx.article.text
    before = text[max(seg_start, mention.start - 60):mention.start]
    if hit.start <= mention.start < hit.end:
        before = text[max(hit.start, mention.start - 60):mention.start]
    elif hit.end <= mention.start:  # the trigger's own words are no marker ("swept into")
        before = text[max(hit.end, mention.start - 60):mention.start]
    before = without_day(ctx, before)
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
    gap = _APPOSITION.match(text, mention.end)  # "and Kobani, on the border, has long been"
    verb_at = mention.end if gap is None else gap.end()
    if (mention.start >= hit.end and markers.verb_after.search(text[verb_at:verb_at + 30])
            and text[hit.end:mention.start].strip()):
        # "captured Hama and Homs is next": Homs begins another clause. Not the trigger's own
        # object right after it ("de terugtrekking uit Cherson is", "the troops that took X are").
        return True
    pair = _PAIRED_NAME.match(text, mention.end, mention.end + 40)
    if (pair is not None and pair.end() <= hit.start
            and markers.speaker_after.search(text[pair.end():pair.end() + 30])):
        mention = replace(mention, end=pair.end())  # "Berlijn en Parijs willen ...": both speak
        after = text[mention.end:mention.end + 30]
    if markers.speaker_after.search(after):
        # "Kyiv heeft bevestigd ..." speaks; "... dat het Kidal heeft heroverd" is the object
        # of a verb-final clause: the trigger follows the auxiliary straight away (a scare
        # quote between them too: "... dat het leger X heeft 'bevrijd'").
        gap = text[mention.end:hit.start] if hit.start >= mention.end else ""
        aux = markers.speaker_after.match(gap)
        return aux is None or bool(gap[aux.end():].strip(" \"'‘’“”„«»‹›"))
    if markers.owner_after.search(after):
        return True  # "two of Donetsk's last towns": the towns are taken, not Donetsk
    return bool(markers.feature_after.search(after)) and not _site_after(ctx, hit, mention)


_APPOSITION = re.compile(r",\s+[^,.;:()\n]{2,60}?,(?=\s)")
_PAIRED_NAME = re.compile(r"\s*(?:en|and|&)\s+[^\W\d_][\w'’-]*(?=\s)", re.IGNORECASE)
_SITE_GAP = 3  # characters between a town and the site named after it ("Goma airport")


def _site_after(ctx: Context, hit: Hit, mention: Mention) -> bool:
    """"have taken over Goma airport": a site of the town taken (geo_precision 2)."""
    if hit.trigger.change not in (Change.CAPTURE, Change.RECAPTURE) or mention.start < hit.end:
        return False
    site = ctx.rules.markers.site_object.search(ctx.article.text, mention.end,
                                                mention.end + 30)
    return site is not None and site.start() - mention.end <= _SITE_GAP  # "Goma's airport"


def _site_in_town(ctx: Context, hit: Hit, mention: Mention) -> bool:
    """"heroverde het paleis in Khartoum": a site taken inside the town (geo_precision 2)."""
    if hit.trigger.change not in (Change.CAPTURE, Change.RECAPTURE) or mention.start < hit.end:
        return False
    between = ctx.article.text[hit.end:mention.start]
    return len(between) <= 80 and ctx.rules.markers.site_object.search(between) is not None


def _candidates(ctx: Context, seg_start: int, seg_end: int) -> list[Mention]:
    places = []
    for p in spans_of(ctx.places).within(seg_start, seg_end):
        site = _as_site(ctx, p, seg_start)
        if not unnamed_site(ctx.article.text, ctx.rules.path, site, p):
            if site is not p:  # "de zeehaven en het vliegveld van Riyan": two sites of Riyan
                places += [m for m in coordinated_sites(ctx.article.text, ctx.rules.path, site,
                                                        p.place) if m.start >= seg_start]
            places.append(site)
    # "seized Hodeida's airport, on the southern edge of the city", "de basis, aan de
    # zuidrand van de stad,": the city locates the site named before it
    towns = [m for m in (_as_site(ctx, a, seg_start) for a in _anaphora(ctx, seg_start, seg_end))
             if not any(s.end <= m.start and site_town(s.place) == m.place.id for s in places)]
    named = [m for m in site_anaphora(ctx.article.text, ctx.rules.path, seg_start, seg_end,
                                      ctx.places)
             if not any(p.start < m.end and m.start < p.end for p in places + towns)]
    named += _named_sites(ctx, seg_start, seg_end, places + towns + named)
    places += [m for m in towns if not any(locates_site(ctx.article.text, s, m) for s in named)]
    places += named
    return sorted(own_sites(ctx.article.text, places), key=lambda p: p.start)


def _named_sites(ctx: Context, seg_start: int, seg_end: int,
                 places: list[Mention]) -> list[Mention]:
    """Sites with a name of their own that the gazetteer lacks ("Beaufort castle", "de heuvel
    Mishtenur"), drawn at the town they are in or near (``placeroles.named_sites``); a
    nationality word is no name ("the Russian hospital")."""
    text = ctx.article.text
    if not names_site(text, ctx.rules.path, seg_start, seg_end):
        return []  # the common case: no site name in the clause, nothing more to build
    # a place of a country the text is not about names no place here: "the Ouagadougou
    # conference centre" in Sirte is a site's name (plausible_places dropped the town)
    kept = {(m.start, m.end) for m in ctx.places}
    taken = [(m.start, m.end) for m in (*ctx.mentions, *places)
             if (m.start, m.end) in kept or m.place.kind not in _PLACE_KINDS
             or m.place.country in {k.place.country for k in ctx.places}]
    taken += [(a.start, a.end) for a in spans_of(ctx.actors).within(seg_start, seg_end)]
    towns = [m for m in ctx.places if m.place.kind is PlaceKind.TOWN]
    out = []
    for name, a, b, town, kind in named_sites(text, ctx.rules.path, seg_start, seg_end, towns,
                                              taken):
        if ctx.lexicon.demonym_actor(name.split()[0], ctx.rules.lang) is not None:
            continue
        key = "".join(c for c in name.lower() if c.isalnum())
        place = Place(id=f"{'site' if kind is PlaceKind.SITE else 'quarter'}:{key}:{town.id}",
                      name=name, kind=kind,
                      lat=town.lat, lon=town.lon, country=town.country, admin1=town.admin1,
                      population=0)
        out.append(Mention(place, text[a:b], a, b))
    return out


def _as_site(ctx: Context, mention: Mention, seg_start: int) -> Mention:
    """A town that names a site ("het vliegveld van Goma", "Goma airport") stands for the
    site, a place of its own (``placeroles``); one that names a district ("the district
    of Harib") for the district."""
    site = site_mention(ctx.article.text, ctx.rules.path, mention)
    if site is not None and site.start >= seg_start:
        return site
    return district_of(ctx.article.text, ctx.rules.path, mention) or mention


def _distance(hit: Hit, mention: Mention) -> int:
    return max(0, mention.start - hit.end, hit.start - mention.end)


def _next_targets(ctx: Context, hit: Hit, places: list[Mention]) -> list[Mention]:
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


def _partial(ctx: Context, hit: Hit, mention: Mention, seg_start: int) -> str:
    if mention.place.kind is PlaceKind.SITE or mention.place.id.startswith("quarter:"):
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


def clause_targets(ctx: Context, hits: list[Hit], seg_start: int,
                   seg_end: int) -> list[tuple[Hit, Mention, str]]:
    places = _candidates(ctx, seg_start, seg_end)
    out: list[tuple[Hit, Mention, str]] = []
    taken: set[int] = set()
    for hit in hits:
        if hit.trigger.target != "next":
            continue
        for p in _next_targets(ctx, hit, places):
            if _town_only(hit, p.place):
                continue
            taken.add(p.start)
            out.append((hit, p, _partial(ctx, hit, p, seg_start)))
    clause_hits = [h for h in hits if h.trigger.target != "next"]
    excluded: Mention | None = None  # the last place a marker excluded
    for p in places:
        if p.start in taken or not clause_hits:
            continue
        if aside(ctx, p, clause_hits):
            continue  # "Singa, die aan de Blauwe Nijl ligt, is gevallen": the Nile is aside
        hit = min(clause_hits, key=lambda h: _distance(h, p))
        if beyond_relative(ctx, hit, p, seg_start):
            continue  # "The RSF, which seized Singa, now threatens Gedaref": not Gedaref
        if (_distance(hit, p) > _MAX_GAP or outside_relative(ctx, hit, p, places)
                or in_object_relative(ctx, hit, p, places)
                or in_modal_main_clause(ctx, hit, p, seg_start)):
            continue
        if excluded is not None and _listed(ctx.article.text, excluded, p, places):
            excluded = p  # "After Aleppo and Hama, Homs fell": Hama is listed with Aleppo
            continue
        if (_excluded(ctx, hit, p, seg_start) and not relative_antecedent(ctx, hit, p, places)
                and not opens_list(ctx.article.text, ctx.rules.path, p.start, seg_start)):
            excluded = p
            continue
        if _town_only(hit, p.place):
            continue
        out.append((hit, p, _partial(ctx, hit, p, seg_start)))
        out += _relative_hits(ctx, hit, p, clause_hits, places, seg_start)
        out += [(h, p, _partial(ctx, h, p, seg_start))
                for h in main_after_relative(ctx, hit, p, clause_hits, places)]
    out += _list_relative(ctx, clause_hits, places, out, seg_start)
    # a site of a town is the change, the town after it only locates it ("the Palace in Khartoum")
    sited = {(id(h), site_town(p.place)) for h, p, _ in out if p.place.kind is PlaceKind.SITE}
    # ... and a region after a site named by its town ("seized the port of X in Mozambique")
    site_hits = {h_id for h_id, town in sited if town}
    # "parts of eastern Syria": a share of a country's quarter is no named region (CODEBOOK.md)
    out = [(h, p, part) for h, p, part in out
           if not (part in ("capture", "contested") and p.place.id.startswith("direction:"))]
    out = [(h, p, part) for h, p, part in out
           if not (part == "site" and p.place.kind is PlaceKind.TOWN
                   and (id(h), p.place.id) in sited)
           and not (part == "site" and p.place.kind is PlaceKind.REGION
                    and id(h) in site_hits)]
    if not out:
        out = _list_targets(ctx, hits, seg_start, seg_end)
    if any(h.trigger.target == "nearest" for h in hits):
        out = _nearest(ctx, out)
    return [(h, p, part) for h, p, part in out if actor_ok(ctx, h, seg_start, seg_end)]


_APPO_REACH = 80  # characters after a place its apposition's relative clause may start


def _town_only(hit: Hit, place: Place) -> bool:
    """True when a trigger for towns only may not take a place of this kind: a region or a
    country never, a site when the trigger says so (site_ok: "vielen het ziekenhuis binnen",
    "handed over their base in X"). A district named after its town counts as the town."""
    kind = place.kind
    if not hit.trigger.town_only or kind is PlaceKind.TOWN or place.id.startswith("district:"):
        return False
    return not (kind is PlaceKind.SITE and hit.trigger.site_ok)


def _relative_hits(ctx: Context, hit: Hit, place: Mention, clause_hits: list[Hit],
                   places: list[Mention], seg_start: int) -> list[tuple[Hit, Mention, str]]:
    """A relative clause right after a place that tells who held it ("took back Monguno,
    which had been in insurgent hands since January"; "captured Kilinochchi, which the
    rebels had run since 1998"): the place is its antecedent too, not only the nearer
    trigger's object. Only a holding (a state trigger), or a taking the relative clause dates
    ("recaptured Wad Madani, which the RSF seized in December 2023"): "seized Hama, which the
    army had abandoned" tells the same change twice."""
    out = []
    text = ctx.article.text
    # the apposition after the place or its clause's last words ("Damasak on Monday, the town")
    appo = ctx.rules.markers.apposition_relative.search(text, place.end, place.end + _APPO_REACH)
    if appo is not None and "," in text[place.end:appo.start()]:
        appo = None
    for other in clause_hits:
        if (other is hit or other.start < place.end or _town_only(other, place.place)
                or not (other.trigger.static_veto or dated_taking(ctx, other, place))):
            continue
        if appo is not None and appo.end() <= other.start and not any(
                place.end <= p.start < other.start for p in places
                if p.place.id != place.place.id):
            pass  # "X, de stad die ...", "X, the town the rebels had held since 2012"
        elif (relative_between(ctx, place.end, other.start) is None
                or not relative_antecedent(ctx, other, place, places)):
            continue
        out.append((other, place, _partial(ctx, other, place, seg_start)))
    return out


_LIST_JOIN = re.compile(r"^\s*(?:,\s*)?(?:(?:en|and|&|as\s+well\s+as|evenals|alsook)\s+)?"
                        r"(?:de\s+|het\s+|the\s+)?$", re.IGNORECASE)


def _list_relative(ctx: Context, clause_hits: list[Hit], places: list[Mention],
                   out: list[tuple[Hit, Mention, str]], seg_start: int,
                   ) -> list[tuple[Hit, Mention, str]]:
    """A relative clause after a list of places tells a change of every one of them, and
    the verb before the list is about every one too: "retook Slovyansk as well as
    Kramatorsk, Druzhkivka and Kostiantynivka, all of which the rebels had seized in
    April"; "heroverden A en B, die de rebellen allebei in april hadden ingenomen"."""
    text = ctx.article.text
    extra: list[tuple[Hit, Mention, str]] = []
    for hit in clause_hits:
        if hit.trigger.change is Change.WITHDRAWAL:
            continue  # "seized A and B, which the army had abandoned": one change each
        rel = relative_between(ctx, seg_start, hit.start)
        if rel is None or any(rel.end() <= p.start < hit.start for p in places):
            continue
        before = [p for p in places if p.end <= rel.start()]
        if not before or text[before[-1].end:rel.start()].strip():
            continue
        run = [before[-1]]
        for p in reversed(before[:-1]):
            if not _LIST_JOIN.match(text[p.end:run[0].start]):
                break
            run.insert(0, p)
        if len(run) < 2:
            continue
        main = [h for h in clause_hits if h is not hit and h.end <= run[0].start]
        verb = max(main, key=lambda h: h.end) if main else None
        have = {(id(h), p.start) for h, p, _ in (*out, *extra)}
        for p in run:
            if _town_only(hit, p.place):
                continue
            for h in (hit, verb):
                if h is not None and (id(h), p.start) not in have:
                    extra.append((h, p, _partial(ctx, h, p, seg_start)))
                    have.add((id(h), p.start))
    return extra


def _list_targets(ctx: Context, hits: list[Hit], seg_start: int,
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
        if not (_town_only(hit, p.place)):
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


def _nearest(ctx: Context, out: list[tuple[Hit, Mention, str]],
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


_FIRST_NAME_WORD = re.compile(r"[ \u00a0]+([^\W\d_]+)")


def carried_targets(ctx: Context, hits: list[Hit], seg_start: int, seg_end: int,
                    carried: list[Mention]) -> list[tuple[Hit, Mention, str]]:
    """A clause that goes on from the one before and names no place of its own is about
    that clause's place: "Al-Shabaab took over Mahas before being pushed out by Somali
    forces", "heeft Mahas ingenomen, maar werd later door Somalische troepen verdreven"."""
    for hit in hits:
        if not (continues(ctx, hit, seg_start) or points_back(ctx, hit, seg_start, seg_end)
                ) or not actor_ok(ctx, hit, seg_start, seg_end):
            continue
        return [(hit, m, "") for m in carried
                if not _town_only(hit, m.place)]
    return []


def pronoun_targets(ctx: Context, hits: list[Hit], seg_start: int, seg_end: int,
                    index: int) -> list[tuple[Hit, Mention, str]]:
    """A sentence that names no place, with a change verb whose object is a pronoun
    ("Government forces first captured it in early February"; pronoun_object): the pronoun
    stands for the town the text is about before it (``placeroles.antecedent``)."""
    s, e = ctx.spans[index]
    if spans_of(ctx.places).within(s, e):
        return []
    for hit in hits:
        if (hit.trigger.change is Change.CONTESTED or ".sequel." in hit.trigger.id
                or not points_back(ctx, hit, seg_start, seg_end)
                or not actor_ok(ctx, hit, seg_start, seg_end)):
            continue
        before = [p for p in ctx.places if p.end <= s and p.place.kind is PlaceKind.TOWN]
        if not before:
            return []
        town = antecedent(ctx.article.text, ctx.rules.path, before)
        end = min(seg_end, hit.end + 8)
        word = ctx.rules.markers.pronoun_object.search(ctx.article.text, hit.end, end)
        if word is None:
            continue
        return [(hit, Mention(town.place, word.group(), word.start(), word.end()), "")]
    return []
