"""What actor a mention stands for: a name the lexicon resolved already, "our forces" (the
speaker's side), "fighters loyal to X", or a generic noun ("the army", "de rebellen") read
against the place's country and the actors the article named before it, leaving out those it
names only as backers or as places ("wapens dieper in Rusland")."""

from __future__ import annotations

import re

from conflictmap.actors import ActorMention, is_acronym
from conflictmap.eventcontext import Context, sentence_at, spans_of, without_day
from conflictmap.model import Actor


def resolve_actor(ctx: Context, mention: ActorMention, country: str) -> Actor | None:
    """The actor a mention stands for, given the place's country and the actors the
    article named before it."""
    if mention.actor is not None and _foreign_acronym(ctx, mention, country):
        return None  # "SNA troops" in Somalia are not the Syrian National Army
    if mention.actor is not None or not mention.generic:
        # resolved already: the article's other actors do not matter, only a namesake
        return ctx.lexicon.local(mention.actor, country)
    speaker = _speaker_of_ours(ctx, mention, country) or _own_forces(ctx, mention, country)
    if speaker is not None:
        return speaker
    owner = _loyal_to(ctx, mention)
    if owner is not None:
        return resolve_actor(ctx, owner, country)
    owner = _possessor(ctx, mention)
    if owner is not None:
        return ctx.lexicon.local(owner.actor, country)
    backers = _backers_only(ctx) | _sentence_backers(ctx, mention)
    text = ctx.article.text
    named = spans_of(ctx.actors).named_before(  # "wapens dieper in Rusland": no actor
        mention.start, lambda m: as_location(ctx, m, text.rfind("\n", 0, m.start) + 1))
    return ctx.lexicon.resolve(mention, country,
                               [a for a in named if a not in backers] if backers else named)


_BACKERS: dict[int, tuple[object, frozenset[Actor]]] = {}  # id(ctx.actors) -> backers


def _backers_only(ctx: Context) -> frozenset[Actor]:
    """The actors the article names only in phrases that name backers ("supported by ...
    drones bought from Turkey"): "the army" later is not theirs."""
    found = _BACKERS.get(id(ctx.actors))
    if found is not None and found[0] is ctx.actors:
        return found[1]
    backing, acting = set(), set()
    for m in ctx.actors:
        if m.actor is None:
            continue
        k = sentence_at(ctx, m.start)
        clause = ctx.spans[k][0] if k >= 0 else 0
        (backing if in_backing_phrase(ctx, m, clause) else acting).add(m.actor)
    if len(_BACKERS) >= 8:
        _BACKERS.clear()
    result = frozenset(backing - acting)
    _BACKERS[id(ctx.actors)] = (ctx.actors, result)
    return result


def _possessor(ctx: Context, mention: ActorMention) -> ActorMention | None:
    """The named side whose forces a possessive makes a generic noun ("Khalifa Haftar launched
    his offensive ... His forces seized X"): the actor mention nearest before it, in its
    sentence or the one before, when that one is named (a generic one is read as usual)."""
    text = ctx.article.text
    if not ctx.rules.words.compile(_POSSESSIVE_BEFORE, re.IGNORECASE).search(
            text, max(0, mention.start - 12), mention.start):
        return None
    k = sentence_at(ctx, mention.start)
    start = ctx.spans[max(0, k - 1)][0] if k >= 0 else 0
    before = [m for m in spans_of(ctx.actors).within(start, mention.start)
              if m.end <= mention.start and not as_location(ctx, m, start)]
    last = before[-1] if before else None
    return last if last is not None and last.actor is not None and not last.generic else None


_POSSESSIVE_BEFORE = r"\b(?:%owner_possessive%)\s+(?:[\w-]+\s+)?$"


def _sentence_backers(ctx: Context, mention: ActorMention) -> frozenset[Actor]:
    """The forces whose demonym the mention's sentence names in a phrase of backers ("heroverde
    het leger de stad, met steun van Amerikaanse luchtaanvallen", "backed by Russian jets"):
    a generic noun of that sentence is not theirs, whoever the article named before."""
    text = ctx.article.text
    k = sentence_at(ctx, mention.start)
    if k < 0:
        return frozenset()
    start, end = ctx.spans[k]
    memo = _SENTENCE_MEMO
    if memo[0] is not text or memo[1] is not ctx.rules or memo[2] is not ctx.lexicon:
        memo[:] = [text, ctx.rules, ctx.lexicon, {}]
    known = memo[3].get((start, end))
    if known is not None:
        return known  # type: ignore[no-any-return]
    found = set()
    for word in _WORD.finditer(text, start, end):
        actor = ctx.lexicon.demonym_actor(word.group(), ctx.rules.lang)
        if actor is not None and ctx.rules.markers.backing_phrase.search(
                text[start:word.start()]):
            found.add(actor)
    memo[3][(start, end)] = result = frozenset(found)
    return result


# the last article's text, rules and lexicon (held: compared by identity) and its sentences'
# backers, by span: the generic nouns of one sentence ask for the same
_SENTENCE_MEMO: list = [None, None, None, {}]
_WORD = re.compile(r"[^\W\d_][\w-]*")


def _loyal_to(ctx: Context, mention: ActorMention) -> ActorMention | None:
    """The named side a generic noun belongs to by the words after it ("fighters loyal to
    the STC", "strijders die loyaal zijn aan de STC"), or None."""
    gap = ctx.rules.markers.loyal_after.match(ctx.article.text, mention.end)
    if gap is None:
        return None
    nxt = spans_of(ctx.actors).within(gap.end(), gap.end() + 80)
    return nxt[0] if nxt and nxt[0].start == gap.end() and not nxt[0].generic else None


_QUOTES = "\"“”‘’'«»„"


def _possessed_in(ctx: Context, mention: ActorMention, key: str) -> tuple[int, int] | None:
    """The sentence of a generic noun that a possessive of ``[words] key`` stands right before
    ("our forces", "its forces"); None for any other noun."""
    text = ctx.article.text
    before = re.findall(r"\w+", text[max(0, mention.start - 12):mention.start])
    if not before or before[-1].lower() not in ctx.rules.words[key]:
        return None
    i = sentence_at(ctx, mention.start)
    return ctx.spans[i] if i >= 0 else None


def _speaker_of_ours(ctx: Context, mention: ActorMention, country: str) -> Actor | None:
    """The side that speaks of "our forces"/"onze troepen" (``[words]
    first_person_possessive``): the one actor its sentence names outside the quote
    ("'Our forces have taken X,' TPLF spokesman Getachew Reda wrote"); None when the
    sentence names none or several (the generic noun is then read as any other)."""
    sentence = _possessed_in(ctx, mention, "first_person_possessive")
    if sentence is None:
        return None
    text = ctx.article.text
    s, e = sentence
    q0 = max(text.rfind(q, s, mention.start) for q in _QUOTES)
    ends = [k for k in (text.find(q, mention.end, e) for q in _QUOTES) if k >= 0]
    q1 = min(ends, default=e) if q0 >= 0 else q0
    found = {actor for m in spans_of(ctx.actors).within(s, e)
             if m is not mention and not (q0 <= m.start < q1 if q0 >= 0 else
                                          m.start < mention.end and mention.start < m.end)
             and (m.actor is not None or m.generic)
             and (actor := resolve_actor(ctx, m, country)) is not None}
    return found.pop() if len(found) == 1 else None


_OWN_REACH = 60  # characters between the side that speaks and "its forces"


def _own_forces(ctx: Context, mention: ActorMention, country: str) -> Actor | None:
    """"The RSF said its forces had captured Singa": a generic noun after a third-person
    possessive (``[words] third_person_possessive``) is the side named right before it as
    the one that speaks (a claim verb between them), not the country's army."""
    sentence = _possessed_in(ctx, mention, "third_person_possessive")
    if sentence is None:
        return None
    text = ctx.article.text
    named = [m for m in spans_of(ctx.actors).within(sentence[0], mention.start)
             if m is not mention and not m.generic and m.actor is not None
             and m.end <= mention.start]
    if not named or mention.start - named[-1].end > _OWN_REACH:
        return None
    if not ctx.rules.markers.claim.search(text, named[-1].end, mention.start):
        return None
    return resolve_actor(ctx, named[-1], country)


def _foreign_acronym(ctx: Context, mention: ActorMention, country: str) -> bool:
    """An acronym of an armed group of one country's war, for a place in another country:
    another organisation with the same letters."""
    actor = mention.actor
    if actor is None or actor.kind != "non_state" or not country:
        return False
    word = mention.text.split()[0] if mention.text.split() else ""
    if not is_acronym(word):
        return False
    home = ctx.lexicon.war_country(actor)
    return bool(home) and not ctx.lexicon.fights_in(actor, country)


def as_location(ctx: Context, mention: ActorMention, seg_start: int) -> bool:
    """A country named as where things happen ("rukken op in het oosten van Oekraïne",
    "fighting in eastern Ukraine") does not act there, though its name stands for its
    forces elsewhere ("Oekraïne heroverde X")."""
    if mention.generic:
        return False
    text, markers = ctx.article.text, ctx.rules.markers
    if ctx.rules.words.compile(_HOLDER, re.IGNORECASE).match(text, mention.end):
        return False  # "in LNA hands": the side that holds it, not where it is
    before = without_day(ctx, text[max(seg_start, mention.start - 40):mention.start])
    where = markers.locative.search(before)
    if where is not None and _NUMBER_TAIL.search(where.group()):
        where = None  # a time, not a place: "In 2019 Haftar's forces ..."
    return bool(where or markers.partial_contested.search(before))


_NUMBER_TAIL = re.compile(r"\d\s*,?\s*$")
_HOLDER = r"[\s-]*(?:%holder_noun%)\b"


def in_backing_phrase(ctx: Context, mention: ActorMention, seg_start: int) -> bool:
    """An actor inside an open phrase that names the backers or allies of the side that acts
    ("Malian troops, supported by Russian fighters of the Wagner group and by drones bought
    from Turkey, took Kidal"; "met steun van Turkse drones"): neither gainer nor loser."""
    return bool(ctx.rules.markers.backing_phrase.search(ctx.article.text, seg_start,
                                                        mention.start))
