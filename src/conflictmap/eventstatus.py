"""The status of a report: disputed when denied (in its sentence or the next), claimed when
a claim marker governs its clause, reported otherwise (a withdrawal the losing side
admits is reported)."""

from __future__ import annotations

import re

from conflictmap.actorresolution import resolve_actor
from conflictmap.eventactors import merged_actors
from conflictmap.eventcontext import Context, spans_of
from conflictmap.model import Actor, Change, Status
from conflictmap.rules import Markers
from conflictmap.triggers import any_fires, segments


def report_status(ctx: Context, index: int, change: Change, segment: tuple[int, int],
                  loser: Actor | None = None, country: str = "", place_id: str = "",
                  denials: bool = True) -> Status:
    """Disputed when denied; for a withdrawal, reported unless the other side says it
    ("Hamas has lost control of Gaza City, the Israeli military said" is Israel's claim;
    "het leger zei zich te hebben teruggetrokken" is an admission); otherwise claimed when
    a claim marker governs the clause and nothing confirms it. ``denials=False``: a denial
    was found to be about something else (``relative_undenied``)."""
    text = ctx.article.text
    markers = ctx.rules.markers
    s, e = ctx.spans[index]
    sentence = text[s:e]
    if denials and _denied(markers, sentence):
        return Status.DISPUTED
    # the next sentence, or the one after it when the sentence between goes on about the
    # claim (no change word, no other place): "Wagner zegt dat het Bachmoet heeft ingenomen.
    # Prigozjin verscheen in een video tussen de ruïnes van de stad. Oekraïne spreekt dat tegen."
    last = min(index + 3, len(ctx.spans)) - 1
    for k in range(index + 1, last + 1 if denials else 0):
        ns, ne = ctx.spans[k]
        following = text[ns:ne]
        back = markers.denial_back.search(following) is not None
        if ((_denied(markers, following) or (back and not markers.confirm.search(following)))
                and (back or not any_fires(ctx.rules, following))
                and _names_or_points_back(ctx, ns, ne, place_id)):
            return Status.DISPUTED
        if k == last:
            break  # no sentence after it is read: whether this one ends the entry is moot
        if not _own_sentence(following) or any(
                p.place.id != place_id for p in spans_of(ctx.places).within(ns, ne)
        ) or any_fires(ctx.rules, following):
            break  # (not a day heading or a time stamp of a live blog: another entry)
    if markers.confirm.search(sentence) or not _claimed(ctx, s, e, segment):
        return Status.REPORTED
    if change is Change.WITHDRAWAL and not _other_side_says(ctx, s, e, loser, country):
        return Status.REPORTED
    return Status.CLAIMED


_LAST_WORD = re.compile(r"\S*[.!?][\"'”’]?")


def _own_sentence(text: str) -> bool:
    """A sentence of its own: five words or more, the last ended by a full stop (or a quote
    after it). (Words are split, not matched by a pattern over the whole text: a search for
    the words and the stop was tried at every position and cost 100 us a sentence.)"""
    words = text.split()
    return len(words) >= 5 and _LAST_WORD.fullmatch(words[-1]) is not None


def _names_or_points_back(ctx: Context, s: int, e: int, place_id: str) -> bool:
    """A denial in the next sentence answers the claim when it names the claimed place (or
    stands for it: "de stad", "the town") or points back at the claim ("ontkende dat",
    "denied it", "the claim"); one that names other places denies something else."""
    denial = ctx.rules.markers.denial
    named = [p for p in spans_of(ctx.places).within(s, e)
             if not denial.match(ctx.article.text, p.end + 1)]  # "Kyiv ontkent": a speaker
    # a site answers to its town's name ("seized the Northeastern Command base ... troops
    # were still defending positions inside Lashio")
    town = place_id.split(":", 2)[2] if place_id.startswith("site:") else ""
    if any(p.place.id == place_id or (town and p.place.id == town) for p in named):
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


def _other_side_says(ctx: Context, s: int, e: int, loser: Actor | None,
                     country: str) -> bool:
    """True when the speaker of a claim in text[s:e] (the actor nearest a speech verb:
    "the Israeli military said", "zegt het leger", "volgens Kyiv") is not the losing side."""
    if loser is None:
        return False
    mentions = merged_actors(spans_of(ctx.actors).within(s, e))
    for claim in ctx.rules.markers.claim.finditer(ctx.article.text, s, e):
        # The subject before the verb speaks ("the Israeli military said its troops ..."),
        # else the one right after it ("..., zegt het Israëlische leger", "volgens Kyiv").
        before = [m for m in mentions if -1 <= claim.start() - m.end <= _SPEAKER_GAP]
        after = [m for m in mentions if -1 <= m.start - claim.end() <= _SPEAKER_GAP]
        if not (before or after):
            continue
        mention = before[-1] if before else after[0]
        speaker = resolve_actor(ctx, mention, country)
        if speaker is not None and speaker.side != loser.side:
            return True
    return False


_ATTRIBUTION_WORDS = 6  # a later clause this short is an attribution ("– the ministry said")


def _claimed(ctx: Context, s: int, e: int, segment: tuple[int, int]) -> bool:
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


_RELATIVE_REACH = 120  # characters before a trigger searched for the relative clause holding it


def relative_undenied(ctx: Context, hit_start: int, hit_end: int, s: int, e: int) -> bool:
    """True when the trigger stands in a relative clause set off by commas and the
    sentence's denial is outside it ("The RSF, which has held Nyala since October 2023,
    denied launching the attacks": the denial is about the attacks)."""
    text, markers = ctx.article.text, ctx.rules.markers
    opened = [m for m in markers.relative.finditer(text, max(s, hit_start - _RELATIVE_REACH),
                                                    hit_start)]
    if not opened or "," in text[opened[-1].end():hit_start]:
        return False
    close = text.find(",", hit_end, e)
    if close < 0:
        return False
    inside = text[opened[-1].start():close]
    return markers.denial.search(inside) is None and _denied(markers, text[close:e])


def claim_undenied(ctx: Context, hit_start: int, s: int, e: int) -> bool:
    """True when the sentence's denial is an apposition to a claim ("..., and Aliyev said
    they had captured Hadrut, a claim the Armenian side denied") and the trigger stands
    before that claim's verb: the earlier clause ("In October they seized Jabrayil") is not
    what is denied. Any other denial in the sentence keeps it disputed."""
    text, markers = ctx.article.text, ctx.rules.markers
    apposition = markers.denied_claim.search(text, hit_start, e)
    if apposition is None or markers.claim.search(text, hit_start,
                                                  apposition.start()) is None:
        return False
    return not _denied(markers, text[s:apposition.start()] + " " + text[apposition.end():e])
