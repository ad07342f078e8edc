"""The place a pronoun stands for: a change verb whose object is "it"/"het" ("Government
forces first captured it in early February") or fighting "there"/"daar" in a clause that
names no place of its own takes the town the text is about before it (split from
``eventplaces.py``, which reads the clauses that name their places)."""

from __future__ import annotations

from conflictmap.eventactors import actor_ok, points_back
from conflictmap.eventcontext import Context, spans_of
from conflictmap.eventobjects import changed_in, held_until, loser_object, object_end
from conflictmap.model import Change, Mention, PlaceKind
from conflictmap.placereference import antecedent, reference_point
from conflictmap.placeroles import site_anaphora, site_mention
from conflictmap.triggers import Hit


def pronoun_targets(ctx: Context, hits: list[Hit], seg_start: int, seg_end: int,
                    index: int) -> list[tuple[Hit, Mention, str]]:
    """A clause that names no place (nor does its sentence before it), with a change verb
    whose object is a pronoun ("Government forces first captured it in early February";
    pronoun_object, pronoun_object_before) or fighting "there" (pronoun_locative): the
    pronoun stands for the town the text is about before it (``placereference.antecedent``)."""
    s = ctx.spans[index][0]
    # a clause that names no place ("The army took it back in September; on Saturday RSF
    # fighters stormed the town again ... to El Obeid": a later clause's place is not "it")
    if _names_place(ctx, hits, seg_start, seg_end):
        return []
    # its sentence names towns before it, in a clause with no change of theirs ("Taliban
    # fighters patrolled Kunduz after seizing it"): "it" is the last of them
    inside = [p for p in ctx.places if s <= p.start and p.end <= seg_start]
    if inside and (inside[-1].place.kind is not PlaceKind.TOWN or s == seg_start):
        return []
    for hit in hits:
        if hit.trigger.change is Change.CONTESTED:
            fought = _fought_there(ctx, hit, seg_start, seg_end, s)
            if fought:
                return fought
            continue
        if (".sequel." in hit.trigger.id or not (points_back(ctx, hit, seg_start, seg_end)
                or loser_object(ctx, hit, seg_start, seg_end)) or not actor_ok(ctx, hit, seg_start,
                                                                   seg_end)):
            continue
        before = [p for p in ctx.places if p.end <= s and p.place.kind is PlaceKind.TOWN]
        if not before and not inside:
            return []
        town = inside[-1] if inside else (_subject_site(ctx, index) or _as_named_site(
            ctx, antecedent(ctx.article.text, ctx.rules.path, before)))
        end = object_end(ctx, hit, seg_end)  # "verdreef het leger hen": past an inverted subject
        # after the verb ("captured it"), or before it where the language puts it there
        # ("IS had het in mei ingenomen"): the one nearest the verb
        markers = ctx.rules.markers
        # (inside a separable verb too: "trokken zich na tien dagen terug")
        word = markers.pronoun_object.search(ctx.article.text, hit.start, end)
        if word is None:
            before_verb = [w for w in markers.pronoun_object_before.finditer(
                ctx.article.text, seg_start, hit.end) if w.end() <= hit.start]
            side = None if before_verb else loser_object(ctx, hit, seg_start, seg_end)
            if side is not None and changed_in(ctx, town, index):  # "drove the IS fighters out"
                return [(hit, Mention(town.place, side.text, side.start, side.end), "")]
            if not before_verb:
                continue
            word = before_verb[-1]
        if hit.start <= word.start() < hit.end and (not spans_of(ctx.actors).within(
                seg_start, seg_end) or not (changed_in(ctx, town, index)
                                            or held_until(ctx, s, seg_start))):
            continue  # "De politie trok zich terug": an armed side withdraws, no one else;
            # from a town its sentence reports taken, not one it "stood at the gates of"
        return [(hit, Mention(town.place, word.group(), word.start(), word.end()), "")]
    return []


def _as_named_site(ctx: Context, town: Mention) -> Mention:
    """The site ``town`` names where the text names it as a site's ("M23 heeft het vliegveld
    van Kavumu ingenomen. Het leger trok zich ... terug": left the airfield), else the town."""
    site = site_mention(ctx.article.text, ctx.rules.path, town)
    return site if site is not None else town


def _names_place(ctx: Context, hits: list[Hit], seg_start: int, seg_end: int) -> bool:
    """True when the clause names a place that "it" cannot stand for: not a region or a town
    named as a reference point (``placereference.reference_point``) after a verb whose
    object is the pronoun ("Ukraine took it back in September during its counteroffensive
    in Kharkiv region", "... east of Kharkiv": they only locate)."""
    if not spans_of(ctx.places).within(seg_start, seg_end):
        return False
    text, pronoun = ctx.article.text, ctx.rules.markers.pronoun_object
    after = [w.end() for h in hits if (w := pronoun.match(text, h.end + 1)) is not None
             and text[h.end] == " "]
    return any(seg_start <= p.start < seg_end and not (
        (p.place.kind is PlaceKind.REGION or reference_point(text, ctx.rules.path, p))
        and after and min(after) <= p.start)
        for p in ctx.places)



def _subject_site(ctx: Context, index: int) -> Mention | None:
    """The site the sentence before opens with as its subject ("The base, Yemen's largest,
    lies ... north of Aden. Houthi fighters seized it on March 25"): "it" is that site."""
    if index == 0:
        return None
    s = ctx.spans[index - 1][0]
    found = site_anaphora(ctx.article.text, ctx.rules.path, s, s + _SUBJECT_REACH, ctx.places)
    # its determiner at most before it: the sentence's first words
    return found[0] if found and len(ctx.article.text[s:found[0].start].split()) <= 1 else None


_SUBJECT_REACH = 30  # characters from a sentence's start its subject's site noun ends within


_THERE_GAP = 40  # characters between "there"/"daar" and its fighting words


def _fought_there(ctx: Context, hit: Hit, seg_start: int, seg_end: int,
                  sentence_start: int) -> list[tuple[Hit, Mention, str]]:
    """Fighting "there" ("Daar wordt hevig gevochten", "fighting raged there") is fighting
    in the town the text named before (``placereference.antecedent``)."""
    words = [w for w in ctx.rules.markers.pronoun_locative.finditer(
        ctx.article.text, seg_start, seg_end)
        if max(w.start() - hit.end, hit.start - w.end()) <= _THERE_GAP]
    if not words:
        return []
    word = words[0]
    before = [p for p in ctx.places if p.end <= sentence_start and p.place.kind is PlaceKind.TOWN]
    if not before:
        return []
    town = antecedent(ctx.article.text, ctx.rules.path, before)
    # "De oude luchthaven van Tripoli is ... in handen van het LNA. Er wordt daar ...
    # gevochten": the town named as a site's is that site
    site = site_mention(ctx.article.text, ctx.rules.path, town)
    place = site.place if site is not None else town.place
    return [(hit, Mention(place, word.group(), word.start(), word.end()), "")]
