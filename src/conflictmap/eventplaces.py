"""Which places a trigger is about: for each clause, of the candidates that
``clauseplaces.py`` gives, the places its triggers change (next targets, relative clauses,
lists, the nearest of coordinated places, places carried from the clause before and
pronouns, read as ``events.py`` describes; partial control and sites)."""

from __future__ import annotations

import re
from bisect import bisect_right

from conflictmap.clauseplaces import (
    clause_candidates,
    passed_over,
    region_locator,
    site_after,
    site_in_town,
)
from conflictmap.eventactors import actor_ok, continues, points_back
from conflictmap.eventcontext import Context
from conflictmap.eventrelatives import (
    apposition_after,
    aside,
    beyond_relative,
    dated_taking,
    held_pronoun,
    holder_left,
    in_modal_main_clause,
    in_object_relative,
    main_after_apposition,
    main_after_relative,
    opened_relative,
    outside_relative,
    past_adjunct,
    relative_antecedent,
    relative_between,
    restrictive_relative,
)
from conflictmap.model import NEAR_PREFIX, Change, Mention, Place, PlaceKind
from conflictmap.placelists import listed_places, opens_list
from conflictmap.placereference import reference_point
from conflictmap.placeroles import (
    own_named,
    site_town,
    site_words,
)
from conflictmap.rules import Words
from conflictmap.triggers import Hit

_MAX_GAP = 160  # characters between a trigger and a place of its clause
_NEXT_GAP = 45  # characters between a "next"-target trigger and its place
_COORDINATION = r"^\s*(?:,\s*)?(?:(?:%and%|%or%|&)\s+)?(?:%definite_article%\s+)?$"


def _distance(hit: Hit, mention: Mention) -> int:
    return max(0, mention.start - hit.end, hit.start - mention.end)


def _next_targets(ctx: Context, hit: Hit, places: list[Mention]) -> list[Mention]:
    """The place right after the trigger and any coordinated with it ("om X en Y")."""
    text = ctx.article.text
    chosen: list[Mention] = []
    counted = False  # "de verovering van twee dorpen, A en B": a list the count announces
    for p in places:
        if p.start < hit.end:
            continue
        gap = text[(chosen[-1].end if chosen else hit.end):p.start]
        counted = counted or (not chosen and "," in gap
                              and ctx.rules.markers.count_list.match(gap) is not None)
        first = not chosen and p.start - hit.end <= _NEXT_GAP and ("," not in gap or counted)
        if first or (chosen and ctx.rules.words.compile(_COORDINATION, re.IGNORECASE).match(gap)):
            chosen.append(p)
        else:
            break
    return chosen if not counted or len(chosen) > 1 else []


def _partial(ctx: Context, hit: Hit, mention: Mention, seg_start: int) -> str:
    if mention.place.kind is PlaceKind.SITE or mention.place.id.startswith(("quarter:",
                                                                           NEAR_PREFIX)):
        return "site"  # a named part or neighbour of a town: "the neighbourhood of X" is X
    markers = ctx.rules.markers
    text = ctx.article.text
    if mention.end <= hit.start and ctx.rules.dates.get("since_when").search(
            text, mention.end, hit.start):
        # "struck parts of Aleppo, the first raids since 2016, when the army retook the
        # city": the words around the place named before tell of another clause
        return ""
    before = text[max(seg_start, mention.start - 60):mention.start]
    if (markers.locative.search(before) and site_in_town(ctx, hit, mention)) or site_after(
            ctx, hit, mention):
        return "site"
    if mention.end <= hit.start and markers.edge_before.search(before) and \
            markers.relative.search(text, mention.end, hit.start):
        return ""  # "fighting on the edges of X, which the army captured in 2020"
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
    places = clause_candidates(ctx, seg_start, seg_end)
    out: list[tuple[Hit, Mention, str]] = []
    taken: set[int] = set()
    clause_hits = [h for h in hits if h.trigger.target != "next"]
    for hit in hits:
        if hit.trigger.target != "next":
            continue
        for p in _next_targets(ctx, hit, places):
            if _town_only(hit, p.place):
                continue
            taken.add(p.start)
            out.append((hit, p, _partial(ctx, hit, p, seg_start)))
            # "stormed Aleppo, the city the army had taken from the rebels in 2016"
            out += _relative_hits(ctx, hit, p, clause_hits, places, seg_start)
    excluded: Mention | None = None  # the last place a marker excluded
    for p in places:
        if p.start in taken or not clause_hits:
            continue
        if aside(ctx, p, clause_hits):
            continue  # "Singa, die aan de Blauwe Nijl ligt, is gevallen": the Nile is aside
        # a verb of sequence takes the name it opens with or the one after it ("X volgde",
        # "volgde X"), not one before it ("verdreven ze uit Gao, later volgde Timboektoe")
        own = [h for h in clause_hits if ".sequel." not in h.trigger.id or p.end > h.start]
        hit = _taken_after_assault(ctx, min(own or clause_hits,
                                            key=lambda h: _distance(h, p)), clause_hits)
        if _subject_before(ctx, hit, p, places):
            continue  # "KDF and Ras Kamboni take X": the name before the verb is its subject
        hit = _subject_hit(ctx, p, clause_hits, hit)
        if beyond_relative(ctx, hit, p, seg_start):
            continue  # "The RSF, which seized Singa, now threatens Gedaref": not Gedaref
        if (_distance(hit, p) > _MAX_GAP or outside_relative(ctx, hit, p, places)
                or in_object_relative(ctx, hit, p, places)
                or in_modal_main_clause(ctx, hit, p, seg_start)
                or (p.end <= hit.start
                    and ctx.rules.markers.part_object.match(ctx.article.text, hit.end))):
            continue
        if excluded is not None and _listed(ctx.rules.words, ctx.article.text, excluded, p, places):
            excluded = p  # "After Aleppo and Hama, Homs fell": Hama is listed with Aleppo
            continue
        if _after_frame(ctx, hit, p, places):
            excluded = p  # "nemen Kandahar en Herat in, Kabul steeds meer omsingeld"
            continue
        if ((passed_over(ctx, hit, p, seg_start) and not relative_antecedent(ctx, hit, p, places)
                and not opens_list(ctx.article.text, ctx.rules.path, p.start, seg_start))
                or region_locator(ctx, p)):  # "Alamata, on the border of Tigray, which ..."
            excluded = p
            continue
        if _town_only(hit, p.place) or _past_wide(ctx, hit, p):
            continue
        out.append((hit, p, _partial(ctx, hit, p, seg_start)))
        out += _relative_hits(ctx, hit, p, clause_hits, places, seg_start)
        out += [(h, p, _partial(ctx, h, p, seg_start))
                for h in main_after_relative(ctx, hit, p, clause_hits, places)
                + main_after_apposition(ctx, hit, p, clause_hits, places)
                + apposition_after(ctx, hit, p, clause_hits, places)]
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
    # "de grensovergang Guerguerat", "the Guerguerat crossing", "het vliegveld Slatina bij
    # Pristina": a town right next to the site's noun names that site, no change of its own
    text = ctx.article.text
    held = [(id(h), p.start, p.end) for h, p, _ in out if p.place.kind is PlaceKind.SITE]
    out = [(h, p, part) for h, p, part in out
           if p.place.kind is not PlaceKind.TOWN or not any(
               k == id(h) and ((0 < p.start - b <= 2 and text[b:p.start].isspace())
                               or (0 < a - p.end <= 2 and text[p.end:a].isspace()))
               for k, a, b in held)]
    if not out:
        out = _list_targets(ctx, hits, seg_start, seg_end)
    if any(h.trigger.target == "nearest" for h in hits):
        out = _nearest(ctx, out)
    return [(h, p, part) for h, p, part in out if actor_ok(ctx, h, seg_start, seg_end)]


_APPOSED = re.compile(r",\s+[^,.;:()\n]{2,60}?,(?=\s)")
# "Paletwa in neighbouring Chin State has been": a locating phrase between subject and verb
_LOCATED = r"\s+%locating_preposition%\s+"
_SUBJECT_SLOT = r"(?:[,;]|\b%and%)\s+$"  # a subject opens the clause after the last one
_WORD = re.compile(r"[^\W\d_][\w'’-]*\s+")
_LOCATED_WORDS = 4  # words of such a phrase after its preposition
_VERB_REACH = 20  # characters between the verb after an apposition and the trigger


def _subject_before(ctx: Context, hit: Hit, place: Mention, places: list[Mention]) -> bool:
    """True when ``place`` stands right before an active verb whose subject takes the gain
    and another place follows the verb as its object:
    "KDF and Ras Kamboni take Afmadow" (a unit or an ally named like a town); the language's
    ``[markers] subject_verb`` says which verbs, ``capital_subject_verb`` those after a
    capital that opens its sentence ("Damascus herovert Palmyra": the government)."""
    text, markers = ctx.article.text, ctx.rules.markers
    if (place.end > hit.start or text[place.end:hit.start].strip() or hit.passive
            or place.place.kind is not PlaceKind.TOWN):
        return False
    if hit.trigger.before == "gainer" and markers.subject_verb.match(text, hit.start, hit.end):
        after = hit.end
    elif (markers.capital_subject_verb.match(text, hit.start, hit.end)
          and place.place.id in ctx.capitals.values() and _opens_sentence(text, place.start)):
        # the government gains or leaves ("Kiev trekt troepen terug uit X"); the object may
        # stand inside a separable verb ("Damascus neemt Palmyra weer in")
        after = hit.start
    else:
        return False
    return any(q.start >= after and q.place.kind is PlaceKind.TOWN
               and q.place.id != place.place.id for q in places)


def _opens_sentence(text: str, start: int) -> bool:
    """True when nothing but a line break or a sentence's end stands before ``start``."""
    before = text[max(0, start - 3):start].rstrip(" \t")
    return not before or before.endswith(("\n", ".", "!", "?", ":"))


def _subject_hit(ctx: Context, place: Mention, hits: list[Hit], hit: Hit) -> Hit:
    """"Zaranj fell on Friday, and Sheberghan, the home town of Dostum, was overrun on
    Saturday", "Buthidaung was captured in May, and Paletwa in Chin State has been in its
    hands since January": a place whose apposition (or locating phrase) is followed by its
    verb is the subject of the trigger right after that verb, not a place of the nearer
    trigger before it."""
    text, verb_after = ctx.article.text, ctx.rules.markers.verb_after
    if hit.start >= place.end or not ctx.rules.words.compile(_SUBJECT_SLOT, re.IGNORECASE).search(
            text, max(0, place.start - 12), place.start):
        return hit  # not "several villages along the Blue Nile, including ..., were"
    ends = []
    gap = _APPOSED.match(text, place.end)
    if gap is not None:
        ends.append(gap.end())
    located = ctx.rules.words.compile(_LOCATED, re.IGNORECASE).match(text, place.end)
    pos = located.end() if located is not None else -1
    for _ in range(_LOCATED_WORDS if located is not None else 0):
        word = _WORD.match(text, pos)
        if word is None:
            break
        pos = word.end()
        ends.append(pos - 1)
    for end in ends:
        verb = verb_after.match(text[end:end + 30])
        if verb is not None:
            later = [h for h in hits if 0 <= h.start - (end + verb.end()) <= _VERB_REACH
             and not h.trigger.needs_since]  # not "Gao, on the Niger, has been held since 2013"
            return later[0] if later else hit
    return hit


def _after_frame(ctx: Context, hit: Hit, place: Mention, places: list[Mention]) -> bool:
    """True when ``place`` follows, after a bare comma, a verb frame that encloses its own
    objects ("nemen Kandahar en Herat in, Kabul steeds meer omsingeld"): the frame's end
    closes the clause, and a name after the comma starts another (the headline's second
    clause), not a list ("namen Goma in, en daarna Bukavu" is no bare comma)."""
    if place.start < hit.end or not any(
            hit.start < q.start and q.end <= hit.end for q in places):
        return False
    comma = ctx.rules.words.compile(_LIST_COMMA, re.IGNORECASE)
    return comma.match(ctx.article.text[hit.end:place.start]) is not None


_THEN_TAKEN = r"\s*(?:,\s*)?%and%\s+$"


def _taken_after_assault(ctx: Context, hit: Hit, hits: list[Hit]) -> Hit:
    """"bestormd en ingenomen", "stormed and captured": an assault the clause says ended in
    a taking is that taking (the fighting is folded into it, CODEBOOK.md)."""
    if hit.trigger.change is not Change.CONTESTED:
        return hit
    text = ctx.article.text
    then_taken = ctx.rules.words.compile(_THEN_TAKEN, re.IGNORECASE)
    for other in hits:
        if (other.trigger.change in (Change.CAPTURE, Change.RECAPTURE)
                and other.start >= hit.end and then_taken.fullmatch(text, hit.end, other.start)):
            return other
    return hit


def _past_wide(ctx: Context, hit: Hit, place: Mention) -> bool:
    """True for a site that an entry trigger for towns only may not take: one it reaches past
    other words ("enter Kosovo as Russians hold Pristina airport": Kosovo is the object), or
    a town's site of a kind ("Troops entered Kismayo's port": entering a town's port is no
    taking of it; "entered the Abu Salim prison", a site's own name, is)."""
    if place.place.kind is not PlaceKind.SITE or not hit.trigger.town_only:
        return False
    words = site_words(ctx.rules.path)
    kind = place.place.id.split(":")[1] if place.place.id.startswith("site:") else ""
    if (hit.trigger.entry and words is not None and kind in {k for _, k in words.kinds}
            and kind not in words.entry_kinds
            and not own_named(ctx.article.text, ctx.rules.path, place)):
        return True  # (not "entered the Nasser hospital in Khan Younis": a name of its own)
    return (hit.end <= place.start
            and len(ctx.article.text[hit.end:place.start].split()) > _SITE_OBJECT_WORDS)


_SITE_OBJECT_WORDS = 3  # words between an entry verb and the site it takes ("the", "Gadhafi's")


_LOCATING_KINDS = (PlaceKind.REGION, PlaceKind.COUNTRY)  # only locate the town before them
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
    trigger's object. Only a holding (a state trigger), a taking the relative clause dates
    ("recaptured Wad Madani, which the RSF seized in December 2023"), or a taking back of what
    the main clause lost: "seized Hama, which the army had abandoned" tells the same change
    twice."""
    out: list[tuple[Hit, Mention, str]] = []
    if not any(other is not hit and other.start >= place.end for other in clause_hits):
        return out
    text = ctx.article.text
    dated = past_adjunct(ctx, place)  # "captured Kilinochchi on Friday, ..., which"
    # the apposition after the place or its clause's last words ("Damasak on Monday, the town")
    appo = ctx.rules.markers.apposition_relative.search(text, dated.end, dated.end + _APPO_REACH)
    if appo is not None and "," in text[dated.end:appo.start()]:
        appo = None
    for other in clause_hits:
        own = opened_relative(ctx, other)  # "..., which they had lost to ...": after "which"
        if (other is hit or other.start < place.end or _town_only(other, place.place)
                or not (other.trigger.static_veto
                        or dated_taking(ctx, own, place,
                                        after_leaving=hit.trigger.change is Change.WITHDRAWAL)
                        or _taken_back(hit, other)
                        or holder_left(ctx, hit, other, place, places))):
            continue
        if any(p.place.id != place.place.id and other.end <= p.start
               and not text[other.end:p.start].strip() for p in places):
            continue  # "a hub that Russia has tried to reach since capturing Avdiivka"
        if appo is not None and appo.end() <= other.start and not any(
                place.end <= p.start < other.start for p in places if p.place.id !=
                place.place.id and p.place.kind not in _LOCATING_KINDS
                and not reference_point(text, ctx.rules.path, p)):
            # "X, de stad die ...", "X, the town [south of the capital] that ...", "X, a
            # district town in Middle Shabelle region that the army had taken in 2022"
            pass
        elif held_pronoun(ctx, other, place, places) or holder_left(ctx, hit, other, place,
                                                                    places):
            pass  # "taking the town from rebels who had controlled it since 2014"
        elif restrictive_relative(ctx, other, place, places):
            pass  # "retaking the northern town that rebels had held since 2012"
        elif other.trigger.town_only and relative_between(ctx, place.end, own.start) and all(
                p.place.kind in _LOCATING_KINDS for p in places
                if p is not place and place.end <= p.start < own.start):
            pass  # "Harib in southern Marib province, which they had lost": not the province
        elif (relative_between(ctx, place.end, own.start) is None
                or not relative_antecedent(ctx, own, dated, places)):
            continue
        out.append((other, place, _partial(ctx, other, place, seg_start)))
    return out



def _taken_back(hit: Hit, other: Hit) -> bool:
    """True when a relative clause takes back what the main clause says was taken ("viel
    Masisi, dat het leger na een paar dagen weer heroverde"): a second change, not the
    same one told twice. Not after a withdrawal: "withdrew from Kherson, which Ukrainian
    troops retook" is one change (CODEBOOK: a withdrawal framed with the other side's entry)."""
    return other.trigger.change is Change.RECAPTURE and hit.trigger.change is Change.CAPTURE


_LIST_JOIN = r"^\s*(?:,\s*)?(?:(?:%and%|&|%as_well_as%)\s+)?(?:%definite_article%\s+)?$"


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
            if not ctx.rules.words.compile(_LIST_JOIN, re.IGNORECASE).match(
                    text[p.end:run[0].start]):
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


_AND = r"^\s+(?:%and%|%or%|&)\s+(?:%definite_article%\s+)?$"
_LIST_COMMA = r"^\s*,\s*(?:%definite_article%\s+)?$"


def _listed(words: Words, text: str, first: Mention, place: Mention,
            places: list[Mention]) -> bool:
    """True when ``place`` is listed with ``first`` right before it: "Aleppo and Hama", or
    "Aleppo, Hama and Homs" (a comma inside a list that an "and" closes). A comma before
    "and" ends an apposition ("Hama, north of Damascus, and Deir ez-Zor")."""
    if first.end > place.start:
        return False
    gap = text[first.end:place.start]
    and_ = words.compile(_AND, re.IGNORECASE)
    comma = words.compile(_LIST_COMMA, re.IGNORECASE)
    if and_.match(gap):
        return True
    if not comma.match(gap):
        return False
    later = [p for p in places if p.start >= place.end]
    return bool(later) and bool(and_.match(text[place.end:later[0].start])
                                or comma.match(text[place.end:later[0].start]))


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
        # "Ramadi, dat in december 2015 werd heroverd, en Fallujah": the relative clause
        # holding the trigger is about the place it opens after, not the nearer next one
        opened = [k for k, (_, p, _) in enumerate(mine) if p.end <= hit.start
                  and (m := ctx.rules.markers.relative.match(text, p.end)) is not None
                  and "," not in text[m.end():hit.start]]
        if opened:
            best = opened[-1]
        low = high = best
        coordination = ctx.rules.words.compile(_COORDINATION, re.IGNORECASE)
        while low > 0 and coordination.match(text[mine[low - 1][1].end:mine[low][1].start]):
            low -= 1
        while (high + 1 < len(mine)
               and coordination.match(text[mine[high][1].end:mine[high + 1][1].start])):
            high += 1
        kept.extend(mine[low:high + 1])
    return [t for t in out if t[0].trigger.target != "nearest" or t in kept]


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
