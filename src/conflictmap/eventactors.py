"""Who gained and who lost a place: the actors of a trigger's clause read by their syntax
(agent, holder, source, subject; a pronoun, shared or adjunct subject), resolved against
the place's country and the actors the article named before."""

from __future__ import annotations

import re

from conflictmap.actorresolution import as_location, in_backing_phrase, resolve_actor
from conflictmap.actors import ActorMention
from conflictmap.dates import bare_years, find_dates
from conflictmap.eventcontext import LAST_WORD, Context, sentence_at, spans_of
from conflictmap.eventobjects import object_end
from conflictmap.model import Actor, Change, Mention
from conflictmap.text import whole_words
from conflictmap.triggers import Hit

_ADVERB = r"(?:%clause_adverb%)"
_ADJACENT = r"^\s*(?:(?:%article%|%actor_preposition%)\s+)*$"
# "aan al-Shabaab verloren", "ceded to the rebels": the side that got the place
_RECIPIENT = r"\b%recipient_preposition%\s+(?:%article%\s+)?$"
# "X and local clan militias": up to two words before the second actor's noun
_SUBJECTS = r"^\s*,?\s*(?:%and%|&|%together_with%)\s+(?:[\w-]+\s+){0,2}$"


def actor_ok(ctx: Context, hit: Hit, seg_start: int, seg_end: int) -> bool:
    if not hit.trigger.needs_actor:
        return True
    if any(seg_start <= a.start and a.end <= seg_end
           and not any(p.start < a.end and a.start < p.end for p in ctx.places)
           for a in ctx.actors):
        return True  # a capital read as a place ("in Yerevan") is no actor here
    # "Junta troops retreated. They abandoned Lashio": the pronoun's antecedent acts; "took
    # Kidal in March and left in May": a clause that goes on has the main clause's subject.
    return bool(_shared_subject(ctx, seg_start) or _pronoun_subject(ctx, hit, seg_start)
                or _adjunct_subject(ctx, hit, seg_start))


def merged_actors(mentions: list[ActorMention]) -> list[ActorMention]:
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


def _closed_relatives(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    """The relative clauses between ``start`` and ``end`` that close before ``end``: their
    sides did another change ("Cherson, dat door Russische troepen werd ingenomen, werd in
    november heroverd": the Russians did not retake it)."""
    text = ctx.article.text
    out = []
    markers = ctx.rules.markers
    for marker in (markers.relative, markers.bare_relative):
        for rel in marker.finditer(text, start, end):
            close = text.find(",", rel.end(), end)
            if close >= 0:
                out.append((rel.start(), close))
    return sorted(out)


_APPOSITION_OPENS = r",\s*%article%\s"


def _apposition_agent(ctx: Context, hit: Hit, mention: Mention, agent: int) -> bool:
    """True when the agent word at ``agent`` stands in an apposition set off by a comma
    after the trigger, a noun phrase with no relative clause ("falls, the second provincial
    capital lost by the regime", "falls, the third town lost by the government": the place
    named again in it too); not "the fall of Knin, which was captured by Croatian troops",
    whose relative clause tells the change."""
    text = ctx.article.text
    comma = text.rfind(",", hit.end, agent)
    return (comma >= 0 and ctx.rules.words.compile(_APPOSITION_OPENS, re.IGNORECASE).match(
        text, comma) is not None
        and ctx.rules.markers.relative.search(text, comma, agent) is None)


def gainer_and_loser(ctx: Context, hit: Hit, mention: Mention,
                     segment: tuple[int, int]) -> tuple[Actor | None, Actor | None]:
    text = ctx.article.text
    markers = ctx.rules.markers
    seg_start, seg_end = segment
    country = mention.place.country
    closed = _closed_relatives(ctx, seg_start, hit.start)
    in_seg = merged_actors([a for a in spans_of(ctx.actors).within(seg_start, seg_end)
                            if not _owner_of_place(ctx, a) and not _proxy(ctx, a)
                            and not as_location(ctx, a, seg_start) and not _backer(ctx, a)
                            and not in_backing_phrase(ctx, a, seg_start)
                            and not _opposed(ctx, a, seg_start, hit)
                            and not any(a0 < a.start < a1 for a0, a1 in closed)])
    roles: dict[str, Actor | None] = {"gainer": None, "loser": None}
    bare_before: list[ActorMention] = []
    bare_after: list[ActorMention] = []
    # "took control of Kidal, the northern town that has been held by separatists since ...":
    # an actor in a relative clause about the place is that clause's, not the trigger's
    relative_at = [m.start() for pattern in (markers.relative, markers.apposition_relative)
                   for m in pattern.finditer(text, max(hit.end, mention.end) - 1, seg_end)
                   if pattern is markers.relative or m.group().split()[-1].lower() in
                   ctx.rules.words["relative_pronoun"]]
    for a in in_seg:
        if a.start >= hit.end and any(r <= a.start and any(m.end <= r for m in in_seg)
                                      for r in relative_at):
            continue  # only when the main clause names its own side before that clause:
            # "the fall of Knin, which was captured by Croatian troops" tells this change
        actor = resolve_actor(ctx, a, country)
        p0 = whole_words(text, max(seg_start, a.start - 30), a.start, seg_start, a.start)[0]
        prefix = text[p0:a.start]
        agent = markers.agent.search(prefix)
        if agent is not None and markers.backer_by.search(
                text, max(seg_start, p0 + agent.start() - 30), p0 + agent.start()):
            continue  # "supported by the Turkish military": the backer, not the agent
        if agent is not None and _relative_agent(ctx, a, hit, in_seg):
            continue  # "troops took X, which had been held by Russian forces"
        if agent is not None and a.end <= hit.start and "," in text[a.end:hit.start] and (
                "," in text[seg_start:p0 + agent.start()]):
            continue  # "X, held by Russian troops since March, was back under Ukrainian
            # control": the agent of an aside set off by commas before the main clause
        if agent is not None and _apposition_agent(ctx, hit, mention, p0 + agent.start()):
            continue  # "Idlib city falls, the second provincial capital lost by the
            # regime": the agent of an apposition after the change, not its gainer
        if agent is not None:
            # "opgegeven door X", "abandoned by X": the agent of a withdrawal is the loser.
            role = "loser" if hit.trigger.change is Change.WITHDRAWAL else "gainer"
            roles[role] = roles[role] or actor
        elif (markers.loser.search(prefix) and hit.trigger.change is not Change.WITHDRAWAL
              and not (a.end <= hit.start and len(text[seg_start:a.start].split()) <= 3)
              and not (a.end <= hit.start and ctx.rules.words.compile(
                  _WHO, re.IGNORECASE).match(text, a.end, hit.start))):
            # "took X from the army"; not "Fighters from the Fano militia took X": the
            # clause's first words are its subject; nor "an offensive against the rebels who
            # seized X": the relative clause's subject
            roles["loser"] = roles["loser"] or actor
        elif ((a.end <= hit.start or hit.trigger.loss) and hit.trigger.change is Change.WITHDRAWAL
              and ctx.rules.words.compile(_RECIPIENT, re.IGNORECASE).search(prefix)):
            # "aan al-Shabaab hadden verloren": the side that got it, not the loser (of a
            # loss, "lost the town to separatist rebels", the gainer)
            if hit.trigger.loss:
                roles["gainer"] = roles["gainer"] or actor
            continue
        elif a.end <= hit.start:
            bare_before.append(a)
        elif a.start >= hit.start:
            bare_after.append(a)
    inverted = _inverted(ctx, hit, seg_start, in_seg, bare_after)
    if inverted:
        # "Een jaar later verdreven Koerdische peshmerga de strijders uit Sinjar": the verb
        # second, its subject after it, then the object
        for role, m in zip((hit.trigger.before, hit.trigger.after), inverted, strict=False):
            roles[role] = roles[role] or resolve_actor(ctx, m, country)
        bare_after = bare_after[len(inverted):]
    if not bare_before and not inverted:
        bare_before = _shared_subject(ctx, seg_start) or _pronoun_subject(ctx, hit, seg_start)
        if not bare_before:
            bare_before = _adjunct_subject(ctx, hit, seg_start)
            if bare_before and hit.trigger.adjunct and not hit.trigger.before:
                # "Na de verovering van Goma rukte M23 op": the main clause's subject took
                # it ("after the fall of X" names the side that lost it)
                actor = resolve_actor(ctx, bare_before[0], country)
                roles[hit.trigger.adjunct] = roles[hit.trigger.adjunct] or actor
    role = "loser" if hit.trigger.change is Change.WITHDRAWAL else "gainer"
    if role == "gainer" and roles["gainer"] is None and hit.trigger.after == "gainer":
        # A side named inside a trigger whose later words name the gainer ("under Russian
        # control", "in Oekraïense handen") outranks an actor around it: "X is now under
        # Russian control, the Ukrainian general staff said" is Russia's gain, whoever says
        # it. Not in "pushed Russian troops out of X": those words name the loser.
        # A place inside the trigger (a separable verb: "nemen Iraakse miljoenenstad
        # Mosoel in") is its object: a demonym before it describes the place, not its holder.
        inside = [p.end for p in spans_of(ctx.places).within(hit.start, hit.end)]
        roles["gainer"] = ctx.lexicon.demonym_actor(text[max(inside, default=hit.start):
                                                         hit.end], ctx.rules.lang)
    if bare_before and not hit.trigger.before and roles[role] is None:
        # "Russia's capture of X", "the rebels' takeover of X": the owner of the deed
        last = bare_before[-1]
        if _OWNER.fullmatch(text, last.end, hit.start):
            roles[role] = resolve_actor(ctx, last, country)
    _assign_roles(ctx, hit, roles, bare_before, bare_after, country)
    if role == "gainer" and hit.trigger.before == "loser":
        # (r12) "The Malian garrison in Tessalit surrendered": the side named right before
        # a trigger whose subject loses is the loser, not the gainer
        if roles[role] is None:
            roles[role] = _demonym_actor(ctx, hit, seg_start, word_before=False)
        if roles["loser"] is None:
            roles["loser"] = _demonym_actor(ctx, hit, seg_start, in_trigger=False)
    elif roles[role] is None:
        roles[role] = _demonym_actor(ctx, hit, seg_start)
    if roles["loser"] is None and hit.trigger.change in (Change.CAPTURE, Change.RECAPTURE):
        roles["loser"] = _pronoun_loser(ctx, hit, segment, roles["gainer"], country)
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


def _inverted(ctx: Context, hit: Hit, seg_start: int, in_seg: list[ActorMention],
              after: list[ActorMention]) -> list[ActorMention]:
    """Subject (and object) after the verb of a trigger whose object may precede it (Dutch
    verb-final order, ``object_before``), in a main clause opened by an adverbial: the verb
    comes second and the subject right after it ("Een jaar later", "Vorige week", "In
    augustus 2014": the word before the verb is no name). Empty when not so built."""
    text = ctx.article.text
    adjacent = ctx.rules.words.compile(_ADJACENT, re.IGNORECASE)
    opening = text[seg_start:hit.start]
    if (not hit.trigger.object_before or hit.passive or not after or not hit.trigger.before
            or any(m.start < hit.start for m in in_seg) or not opening.split()
            or not adjacent.match(text[hit.end:after[0].start])
            or text[after[0].start:after[0].end] != after[0].text):
        return []  # nor a noun merged with a name ("Oekraïense eenheden de Russen"): unclear
    words = opening.split()
    if words[-1][:1].isupper() and not (
            len(words) == 1 and ctx.rules.words.compile(_ADVERB, re.IGNORECASE).fullmatch(
                words[0])) and not any(
            d.end >= len(opening.rstrip())
            for d in find_dates(opening, ctx.article.period, ctx.rules.lang)):
        return []  # "Reuzenbrigades verdrijven ...": a name, the subject ("Gisteravond" a time,
        # "Daarna" an adverbial)
    if len(after) >= 2 and adjacent.match(text[after[0].end:after[1].start]):
        return after[:2]
    return after[:1]


def _relative_agent(ctx: Context, mention: ActorMention, hit: Hit,
                    in_seg: list[ActorMention]) -> bool:
    """The agent of a phrase after the trigger, set off by a comma (a relative clause or an
    apposition), when the main clause names a side of its own before that comma: "Ukrainian
    troops entered X, which had been occupied by Russian forces", "Sri Lankan troops
    captured X, the last town held by the Tigers" (the earlier holder). Without one, the
    phrase tells this change: "na de val van Zawiya, die vorige week door de rebellen werd
    veroverd"."""
    text = ctx.article.text
    if mention.end <= hit.start:
        # "Homs, retaken by the army in 2014, fell to the rebels": the agent of an apposition
        # closed by a comma before the trigger tells the earlier change, not this one
        opened = text.rfind(",", 0, mention.start)
        closed = text.find(",", mention.end, hit.start)
        return (opened >= 0 and closed >= 0 and "," not in text[closed + 1:hit.start]
                and _MAIN_GAP.fullmatch(text, closed + 1, hit.start) is not None
                and bool(bare_years(text, ctx.rules.lang, opened, closed)))
    if hit.passive:
        return False
    comma = text.find(",", hit.end, mention.start)
    return comma >= 0 and any(m.end <= comma for m in in_seg if m is not mention)


def _own_army(ctx: Context, mentions: list[ActorMention], gainer: Actor,
              country: str) -> Actor | None:
    """The place's own army, when ``gainer`` came from a bare "the army" (resolved to the
    army named last) and so may be read against the side it took the place from."""
    if not any(m.generic == "army" and m.actor is None
               and resolve_actor(ctx, m, country) == gainer for m in mentions):
        return None
    return ctx.lexicon.resolve(ActorMention(None, 0, 0, "", "army"), country)


_MAIN_GAP = re.compile(r"\s*(?:\w+\s+){0,3}?")  # between an apposition's comma and the verb
_POSSESSIVE = re.compile(r"['’]s?\s+")
_ONE_WORD = re.compile(r"[^\W\d_]+\s+")



def _backer(ctx: Context, mention: ActorMention) -> bool:
    """The side that backs the actor ("de door Turkije gesteunde SNA", "Russia-backed
    separatists") is not the one that acts; one followed by "backed by" is backed."""
    text = ctx.article.text
    nxt = _NEXT_WORD.match(text, mention.end)
    if nxt is None or not ctx.rules.markers.proxy_before.search(text[mention.end:nxt.end()]):
        return False
    # "Serbian police backed by armoured vehicles retook X": backed, not backing
    return not ctx.rules.words.compile(r"\s*%agent_preposition%\b", re.IGNORECASE).match(
        text, nxt.end())



def _proxy(ctx: Context, mention: ActorMention) -> bool:
    """An army noun named as someone's proxy ("US-backed forces", "door de VS gesteunde
    troepen") is no side: not the place's own army, nor the backer. ("Moscow-backed
    separatists" are still separatists: rebels of that war.)"""
    return mention.generic == "army" and mention.actor is None and bool(
        ctx.rules.markers.proxy_before.search(ctx.article.text, max(0, mention.start - 30),
                                              mention.start))


def _owner_of_place(ctx: Context, mention: ActorMention) -> bool:
    """A possessive country before a place names whose place it is, not who acts:
    "crossed into Russia's Kursk region", "Ukraine's eastern Donbas"."""
    text = ctx.article.text
    gap = _POSSESSIVE.match(text, mention.end)
    if gap is None:
        return False
    word = _ONE_WORD.match(text, gap.end())
    at = {gap.end(), word.end() if word else -1}
    return any(p.start in at for p in ctx.places)


def _demonym_actor(ctx: Context, hit: Hit, seg_start: int, word_before: bool = True,
                   in_trigger: bool = True) -> Actor | None:
    """A demonym in the trigger or as the word right before it names its side ("in
    Russische handen", "under Ukrainian control", "the Russian withdrawal from")."""
    text = ctx.article.text
    before = (LAST_WORD.search(text, max(seg_start, hit.start - 30), hit.start)
              if word_before else None)
    words = (text[hit.start:hit.end] if in_trigger else "") + (
        " " + before.group(1) if before else "")
    return ctx.lexicon.demonym_actor(words, ctx.rules.lang)


_NEXT_WORD = re.compile(r"(?:-\w+|\s+\S+)\s")  # "-backed ", " gesteunde "
_OWNER = re.compile(r"['’]s?\s+(?:[^\W\d_]+\s+)?")  # "Russia's (swift) capture of"
_AND_BEFORE = r"\b%and%\s+$"
_FIRST_WORD = re.compile(r"\S+\s+")
_WHO = r"\s*,?\s*%subject_relative%\b[^,.;:]{0,60}$"


def _shared_subject(ctx: Context, seg_start: int) -> list[ActorMention]:
    """"X zijn ... binnengevallen en hebben Y ingenomen": the second verb shares X."""
    text = ctx.article.text
    if not ctx.rules.words.compile(_AND_BEFORE, re.IGNORECASE).search(
            text[max(0, seg_start - 6):seg_start]):
        return []
    index = sentence_at(ctx, seg_start)
    sentence_start = ctx.spans[index][0] if index >= 0 else 0
    earlier = spans_of(ctx.actors).within(sentence_start, seg_start)
    return earlier[:1]


def continues(ctx: Context, hit: Hit, seg_start: int) -> bool:
    """True when the trigger's clause goes on from the main clause without a subject of its
    own: a participle phrase ("before being pushed out", "after taking") or a coordinated
    verb ("maar werd later verdreven", "but was later driven out")."""
    text = ctx.article.text
    lead = text[seg_start:hit.start]
    joined = ctx.rules.words.compile(_AND_BEFORE, re.IGNORECASE).search(
        text[max(0, seg_start - 6):seg_start])
    if not lead.strip() and joined:
        return True  # "veroverden Kidal en trokken zich in mei terug": the break took "en"
    markers = ctx.rules.markers
    if joined:  # "werd in 2012 ingenomen en werd in 2023 heroverd": the break took "en"
        lead = text[seg_start - len(joined.group(0)):hit.start]
    return bool(markers.adjunct.search(lead) or markers.continuation.search(lead))


def points_back(ctx: Context, hit: Hit, seg_start: int, seg_end: int) -> bool:
    """True when the trigger's object is a pronoun ("before Somali forces drove them out",
    "voordat Somalische troepen hen verdreven", "the army retook it"): the clause is about
    the place of the clause before."""
    markers = ctx.rules.markers
    return bool(markers.pronoun_object.search(ctx.article.text, seg_start,
                                              object_end(ctx, hit, seg_end))
                or any(w.end() <= hit.start for w in markers.pronoun_object_before.finditer(
                    ctx.article.text, seg_start, hit.end)))


_OPENING = 8  # characters at a sentence's start a subject pronoun stands in ("It ", "They ")


def _adjunct_subject(ctx: Context, hit: Hit, seg_start: int) -> list[ActorMention]:
    """A trigger in a participle phrase ("... after taking Vuhledar", "After losing
    Avdiivka, Ukrainian forces fell back", "Having captured X, the rebels ...") has the
    main clause's subject: the first actor of the sentence before the phrase, or, when
    the phrase opens the sentence, the first one after the comma that ends it (after the
    trigger where no comma does)."""
    text = ctx.article.text
    if not continues(ctx, hit, seg_start):
        return []
    index = sentence_at(ctx, seg_start)
    if index < 0:
        return []
    s, e = ctx.spans[index]
    if seg_start > s:
        earlier = spans_of(ctx.actors).within(s, seg_start)
        opening = ctx.rules.markers.pronoun_subject.search(text, s, min(seg_start, s + _OPENING))
        if earlier or index < 1 or opening is None or ctx.rules.markers.verb_after.match(
                text[opening.end():opening.end() + 30]):
            return merged_actors(earlier)[:1]  # not "It is unclear who ...": no subject
        # "It overran Minova and took Sake before entering Goma": the opening pronoun's
        # antecedent, the one side the sentence before names
        ps, pe = ctx.spans[index - 1]
        named = merged_actors(spans_of(ctx.actors).within(ps, pe))
        return named[:1] if len({m.actor for m in named}) == 1 else []
    comma = text.find(",", hit.end, e)
    after = comma if comma >= 0 else hit.end  # "Na de verovering van Goma rukte M23 op"
    return merged_actors(spans_of(ctx.actors).within(after + 1, e))[:1]


def _pronoun_loser(ctx: Context, hit: Hit, segment: tuple[int, int], gainer: Actor | None,
                   country: str) -> Actor | None:
    """"entered Dessie, five weeks after Tigrayan fighters seized the town from them", "IS
    had de stad in mei op hen veroverd": a pronoun right after the loser's word (``loser``,
    then ``pronoun_object``), or inside a trigger whose object is the loser ("had driven them
    out of the town"), stands for the sentence's first actor before the trigger that
    is not the gainer's side, else for the sentence before's only actor."""
    text, markers = ctx.article.text, ctx.rules.markers
    if not any(markers.loser.search(text, max(segment[0], m.start() - 30), m.start())
               or (hit.trigger.after == "loser" and hit.start < m.start() < hit.end)
               for m in markers.pronoun_object.finditer(text, *segment)):
        return None
    index = sentence_at(ctx, hit.start)
    if index < 0:
        return None
    here = merged_actors(spans_of(ctx.actors).within(ctx.spans[index][0], hit.start))
    before = (merged_actors(spans_of(ctx.actors).within(*ctx.spans[index - 1]))
              if index >= 1 else [])
    for named in (here, before if len(before) == 1 else []):
        for mention in named:
            actor = (resolve_actor(ctx, mention, country)
                     if mention.actor is not None or mention.generic else None)
            if actor is not None and (gainer is None or actor.side != gainer.side):
                return actor
    return None


def _pronoun_subject(ctx: Context, hit: Hit, seg_start: int) -> list[ActorMention]:
    """"Russische troepen vielen aan. Zij namen ... in": a pronoun subject stands for the
    actor of the sentence before, when that sentence names exactly one (a named actor or a
    generic noun such as "de rebellen"), or, in a clause after the main one, for the main
    clause's actor ("Russische troepen rukken op, nadat ze Voehledar hebben ingenomen").
    The pronoun may also follow the trigger's first word, where the verb comes first
    ("Maandag namen ze de stad in")."""
    pronoun, text = ctx.rules.markers.pronoun_subject, ctx.article.text
    first = _FIRST_WORD.match(text, hit.start)
    found = pronoun.search(text, seg_start, hit.start)
    if not (found or (first is not None and pronoun.match(text, first.end()))):
        return []
    if found is not None and _speaker_before(ctx, seg_start, found.start()):
        return []
    index = sentence_at(ctx, seg_start)
    if index < 0:
        return []
    # A clause after the main one ("..., nadat ze Voehledar hebben ingenomen") refers to
    # the main clause's actor; a clause that opens its sentence, to the sentence before.
    sentence_start = ctx.spans[index][0]
    if seg_start > sentence_start and spans_of(ctx.actors).within(sentence_start, seg_start):
        s, e = sentence_start, seg_start
    elif index >= 1:
        s, e = ctx.spans[index - 1]
    else:
        return []
    before = merged_actors(spans_of(ctx.actors).within(s, e))
    if len(before) != 1 or (before[0].actor is None and not before[0].generic):
        return []  # a generic noun ("de rebellen") is resolved as if it stood here
    if ctx.rules.words.compile(_AND_BEFORE, re.IGNORECASE).search(
            ctx.article.text[max(s, before[0].start - 6):before[0].start]):
        return []  # "Russian and Ukrainian troops clashed": two sides, no antecedent
    if _opposed(ctx, before[0], s):
        return []  # "a group fighting Myanmar's military government said it had taken X"
    return before


_OPPONENT = r"\b(?:%opponent_before%)\s+(?:[\w'’-]+\s+){0,2}$"
_NEXT_NOUN = re.compile(r"\s+[\w'’-]+")


def _opposed(ctx: Context, mention: ActorMention, seg_start: int, hit: Hit | None = None
             ) -> bool:
    """The side a participle or preposition names as the one fought ("an armed group
    fighting Myanmar's military government took X", "a campaign against the RSF"); not the
    subject of a relative clause that does the deed ("an offensive against the rebels who
    seized X")."""
    text = ctx.article.text
    if hit is not None and mention.end <= hit.start:
        who = ctx.rules.words.compile(_WHO, re.IGNORECASE)
        noun = _NEXT_NOUN.match(text, mention.end, hit.start)  # "the Islamic State fighters who"
        if who.match(text, mention.end, hit.start) or (
                noun is not None and who.match(text, noun.end(), hit.start)):
            return False
    return bool(ctx.rules.words.compile(_OPPONENT, re.IGNORECASE).search(
        text, max(seg_start, mention.start - 40), mention.start))


_LAST = re.compile(r"(\S+)\s+$")


def _speaker_before(ctx: Context, seg_start: int, at: int) -> bool:
    """"Police said they had regained X": a pronoun right after a verb of saying with its
    own subject stands for that speaker (one the lexicon does not know, or it would be the
    clause's subject already), not for the actor of the sentence before."""
    gap = ctx.article.text[seg_start:at]
    last = _LAST.search(gap)
    return bool(last is not None and gap[:last.start()].strip()
                and ctx.rules.markers.speaker_after.match(gap[last.start():]))



def _assign_roles(ctx: Context, hit: Hit, roles: dict[str, Actor | None],
                  before: list[ActorMention], after: list[ActorMention], country: str) -> None:
    trigger = hit.trigger
    before_role = trigger.passive_before if hit.passive else trigger.before
    first_after = after[0] if after else None
    immediate = first_after is not None and (
        first_after.start < hit.end
        or ctx.rules.words.compile(_ADJACENT, re.IGNORECASE).match(
            ctx.article.text[hit.end:first_after.start]) is not None)
    picks: list[tuple[str, ActorMention]] = []
    if trigger.after and first_after is not None and (immediate or trigger.prefer_after):
        picks.append((trigger.after, first_after))
    if (trigger.object_before and not hit.passive and len(before) >= 2
            and not ctx.rules.words.compile(_SUBJECTS, re.IGNORECASE).match(
                ctx.article.text[before[-2].end:before[-1].start])):
        # Dutch verb-final order: "dat Oekraïne de Russen uit Robotyne heeft verdreven" (the
        # subject first, then the object, then the verb).
        picks.append((trigger.object_before, before[-1]))
        before = before[:-1]
    if before_role and before:
        picks.append((before_role, _subject(ctx, before)))
    for role, mention in picks:
        if roles[role] is None:
            roles[role] = resolve_actor(ctx, mention, country)


def _subject(ctx: Context, before: list[ActorMention]) -> ActorMention:
    """The first of the coordinated actors right before the trigger ("X en Y namen ...")."""
    text = ctx.article.text
    k = len(before) - 1
    subjects = ctx.rules.words.compile(_SUBJECTS, re.IGNORECASE)
    while k > 0 and subjects.match(text[before[k - 1].end:before[k].start]):
        k -= 1
    if (k > 0 and before[k].actor is None and before[k - 1].actor is not None
            and _APPOSITION.match(text, before[k - 1].end, before[k].start)
            and _APPOSITION_END.match(text, before[k].end)):
        # "Strijders van het SNA, een verzameling door Turkije gesteunde rebellengroepen,
        # namen ...", "De MNDAA, een gewapende groep van de Kokang-minderheid, veroverde":
        # a generic noun in an apposition describes the named actor.
        k -= 1
    first = ctx.rules.words.compile(_DEMONYM_AND, re.IGNORECASE).search(
        text, max(0, before[k].start - 30), before[k].start)
    if first is not None and before[k].actor is not None:
        # "Jemenitische en Emiraatse militairen": the first of the coordinated demonyms.
        actor = ctx.lexicon.demonym_actor(first.group(1), ctx.rules.lang)
        if actor is not None:
            return ActorMention(actor, first.start(), before[k].end, text[first.start():
                                                                         before[k].end])
    return before[k]


_DEMONYM_AND = r"\b([^\W\d_]+)\s+%and%\s+$"
# the rest of the apposition up to its closing comma ("een gewapende groep van de
# Kokang-minderheid, veroverde ...")
_APPOSITION_END = re.compile(r"(?:\s+[^\W\d_][\w'’-]*){0,5}\s*,")
_APPOSITION = re.compile(r"\s*\)?\s*(?:\([^)]*\)\s*)?,\s*[^,.;:]*$")

