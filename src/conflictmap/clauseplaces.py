"""Which places of a clause a trigger may be about: the article's plausible places (its
war's countries), then a clause's candidates (names, anaphora such as "de stad", sites named
in or after a town) and the mentions a trigger must pass over (a locator, a destination, an
origin, a speaker, a person's or a feature's name)."""


from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from conflictmap.actors import ActorMention
from conflictmap.airports import named_airport
from conflictmap.datelines import in_dateline, on_byline
from conflictmap.eventcontext import LAST_WORD, Context, Spans, spans_of, without_day
from conflictmap.factuality import furniture_line
from conflictmap.geodesy import km_between
from conflictmap.model import Change, Mention, Place, PlaceKind
from conflictmap.placereference import (
    all_speak,
    antecedent,
    antecedent_list,
    antecedent_pair,
    district_of,
    locates_generic,
)
from conflictmap.placeroles import (
    coordinated_sites,
    locates_site,
    named_sites,
    names_site,
    own_sites,
    site_anaphora,
    site_in_region,
    site_mention,
    site_town,
    unnamed_site,
)
from conflictmap.rules import LanguageRules
from conflictmap.triggers import Hit

_PLACE_KINDS = (PlaceKind.TOWN, PlaceKind.REGION, PlaceKind.SITE)
_NAMESAKE_SIZE = 10_000  # people: a smaller lone place abroad may be a namesake
_FIRST_NAME_WORD = re.compile(r"[ \u00a0]+([^\W\d_]+)")


def plausible_places(mentions: Sequence[Mention], actors: Sequence[ActorMention], text: str,
                     rules: LanguageRules, backed: frozenset[str] = frozenset()) -> list[Mention]:
    """Drop countries, places inside actor names, and stray places of uninvolved countries.

    A country is involved when the article names it, names two of its places, or names no
    country's places more often. Among countries named by one place each, those the article
    names or whose forces it names (``backed``: "Iraqi forces", the Taliban) win: a lone
    village abroad ("al-Nuri", a village in Iran, beside Mosul) loses to them; a town of
    _NAMESAKE_SIZE people or more, seldom a chance namesake, stays.

    A capital that is also an actor ("Kyiv", "Moskou") is a place after a preposition
    ("uit Kyiv", "from Moscow") and an actor otherwise ("Kyiv ontkent", "volgens Moskou").
    A place name inside an adjective ("Moscow-backed separatists") is no place at all.
    """
    compound = rules.markers.compound_after
    filed = in_dateline(text, mentions)  # "MOSCOW (AP) —": where the story was filed
    filed |= on_byline(text, mentions, rules.markers.byline)  # "Van onze correspondent, X"
    mentions = [m for m in mentions if not compound.match(text, m.end) and m.start not in filed]
    named = {m.place.country for m in mentions if m.place.kind is PlaceKind.COUNTRY}
    counts = Counter(m.place.country for m in mentions if m.place.kind in _PLACE_KINDS)
    allowed = set(named)
    if counts:
        top = counts.most_common(1)[0][1]
        tied = {c for c, n in counts.items() if n == top}
        if top == 1 and tied & (named | backed):
            towns = {m.place.country for m in mentions
                     if m.place.kind in _PLACE_KINDS and m.place.population >= _NAMESAKE_SIZE}
            tied &= named | backed | towns
        allowed |= tied | {c for c, n in counts.items() if n >= 2}
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


SMALL_TOWN = 250_000
"""The most people a place "the village"/"het stadje" may stand for has."""


def _anaphora(ctx: Context, seg_start: int, seg_end: int) -> list[Mention]:
    """"de stad"/"the city" read as the last town (or region) named before it, unless that
    one was named as a reference point only (``placereference.antecedent``)."""
    text = ctx.article.text
    found = []
    for pattern, kinds in ((ctx.rules.markers.anaphora_town, (PlaceKind.TOWN,)),
                           (ctx.rules.markers.anaphora_region, (PlaceKind.REGION,))):
        for m in pattern.finditer(text, seg_start, seg_end):
            if _titled(ctx, m.end()) or _named(ctx, m.end()) or _apposition(ctx, m.start()) \
                    or locates_generic(text, ctx.rules.path, m.start()):
                continue
            # not a related-links line ("Read also: Kupiansk: ..."): another article's town
            before = [p for p in ctx.places if p.end <= m.start() and p.place.kind in kinds
                      and not furniture_line(ctx.rules, text, p.start)]
            small = ctx.rules.markers.anaphora_small.search(m.group()) is not None
            if small and all_speak(text, ctx.rules.path, before):
                continue  # "Officials in Moscow hailed the capture of the village"
            if small and any(p.place.population < SMALL_TOWN for p in before):
                # "het verlaten stadje" is no city of millions named in passing ("de weg
                # van Damascus naar Aleppo")
                before = [p for p in before if p.place.population < SMALL_TOWN]
            if before and not _unknown_named(ctx, pattern, before[-1].end, m.start()):
                place = antecedent(text, ctx.rules.path, before).place
                place = _topic_over(ctx, m, before, place)
                found.append(Mention(place, m.group(), m.start(), m.end()))
    for m in ctx.rules.markers.anaphora_capital.finditer(text, seg_start, seg_end):
        capital = _capital(ctx, m.groupdict().get("demonym") or "")
        if capital is not None:
            found.append(Mention(capital, m.group(), m.start(), m.end()))
    for m in ctx.rules.markers.anaphora_both.finditer(text, seg_start, seg_end):
        # "De islamisten hadden beide steden sinds april in handen": the last two towns
        towns = antecedent_pair(text, ctx.rules.path, [
            p for p in ctx.places if p.end <= m.start() and p.place.kind is PlaceKind.TOWN])
        if len(towns) == 2:  # two mentions in a row at the phrase, so that both are listed
            found += [Mention(t.place, m.group(), m.start(), m.end()) for t in towns]
    for m in ctx.rules.markers.anaphora_list.finditer(text, seg_start, seg_end):
        # "Haftar nam die havens in": the towns of the list named last before it
        found += [Mention(t.place, m.group(), m.start(), m.end()) for t in antecedent_list(
            text, ctx.rules.path, [p for p in ctx.places if p.end <= m.start()
                                   and p.place.kind in (PlaceKind.TOWN, PlaceKind.SITE)])]
    return found


def _topic_over(ctx: Context, anaphor: re.Match[str], before: list[Mention],
                place: Place) -> Place:
    """"de stad"/"the city" (a definite article, not "die stad"/"that city") whose last
    candidate stands in an earlier paragraph: the town the headline names, when the text
    names it again before the anaphor, over a town named in passing ("Avdiivka is the
    biggest town since the fall of Bakhmut. ... the city is now under Russian control")."""
    text = ctx.article.text
    first = anaphor.group().split()[0].lower()
    if first not in ctx.rules.words["definite_article"]:
        return place
    last = max((p for p in before if p.place.id == place.id), key=lambda p: p.start)
    if "\n" not in text[last.end:anaphor.start()]:
        return place
    head_end = text.find("\n")
    topic = [p for p in before if p.start < head_end and p.place.kind is place.kind]
    if len({p.place.id for p in topic}) != 1 or topic[0].place.id == place.id:
        return place  # none, or several the headline names: no one topic
    again = [p for p in before if p.place.id == topic[0].place.id and p.start > head_end]
    return topic[0].place if again else place


def _capital(ctx: Context, demonym: str) -> Place | None:
    """The capital "the capital" stands for: of the nationality named ("the Libyan
    capital"), else of the country most of the article's places are in; only a capital the
    article names (its dateline too: "Port-au-Prince - ... de hoofdstad"), so that a text
    about a province never gets its country's capital."""
    filed = in_dateline(ctx.article.text, ctx.mentions)
    named = {p.place.id: p.place for p in (*ctx.places, *(m for m in ctx.mentions
                                                           if m.start in filed))
             if p.place.kind is PlaceKind.TOWN}
    capitals = {cc: named[pid] for cc, pid in ctx.capitals.items() if pid in named}
    if demonym:
        return capitals.get(ctx.demonym(demonym))
    if len(capitals) <= 1:
        return next(iter(capitals.values()), None)
    counts = Counter(p.place.country for p in ctx.places)
    ranked = sorted(capitals, key=lambda cc: -counts[cc])
    return capitals[ranked[0]] if counts[ranked[0]] > counts[ranked[1]] else None


_UNKNOWN_WINDOW = 1500  # characters before "de stad" searched for a place the gazetteer lacks


def _unknown_named(ctx: Context, pattern: re.Pattern[str], start: int, end: int) -> bool:
    """True when a place the gazetteer lacks was named by its title after the last known
    one ("Karsk viel. ... het dorpje Dovra, ... dat plaatsje werd heroverd"): the
    anaphor stands for it, not for the known town."""
    for m in pattern.finditer(ctx.article.text, max(start, end - _UNKNOWN_WINDOW), end):
        if _named(ctx, m.end()) and not _titled(ctx, m.end()) and not any(
                m.end() <= p.start <= m.end() + 6 for p in ctx.mentions):
            return True  # not "de tweede stad van Irak": a country the gazetteer knows
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
    word = m.group(2).lower()
    if "-" in word and word.rsplit("-", 1)[1] in ctx.rules.words["compound_tail"]:
        return False  # "the stronghold of Tuareg-led rebels": an attribute, no name
    return word not in ctx.rules.dates.weekdays and word not in ctx.rules.dates.months


def _titled(ctx: Context, end: int) -> bool:
    """True when a place name follows right away ("de stad Hama", "the city of Kherson")."""
    for p in ctx.places:
        if end <= p.start <= end + 6:
            return bool(ctx.rules.markers.title_after.search(ctx.article.text[end:p.start]))
    return False


_APPOSITION_END = re.compile(r"\s*(?:[,.;:)]|$)")
_LOCATING_KM = 250.0


def _region_apposition(ctx: Context, mention: Mention) -> bool:
    """A region set off by commas right after a town of its own country and near it
    ("Zalingei, Central Darfur, on October 31"): it says where the town lies."""
    if mention.place.kind is not PlaceKind.REGION:
        return False
    text = ctx.article.text
    if not _APPOSITION_END.match(text, mention.end, mention.end + 3):
        return False
    town = next((p for p in ctx.places if p.end <= mention.start
                 and text[p.end:mention.start].strip() == ","), None)
    return (town is not None and town.place.kind in (PlaceKind.TOWN, PlaceKind.SITE)
            and town.place.country == mention.place.country
            and km_between(town.place, mention.place) <= _LOCATING_KM)


_LOCATED_REACH = 120  # characters before a region the apposition that locates it may start
_LOCATED_GAP = re.compile(r"\s*(?:\S+\s+){0,2}\S*\s*")  # "Singa heeft heroverd, de hoofdstad"
_NAME_END = re.compile(r"(?-i:[A-Z])[\w'’-]*\s*$")


def region_locator(ctx: Context, mention: Mention) -> bool:
    """A region that only says where the town or name before it lies: in an apposition
    after that name ("Palma, a town in Cabo Delgado province", "Alamata, on the southern
    border of Tigray", "Singa heeft heroverd, de hoofdstad van de staat Sennar"), or as the
    attribute of a place noun after it ("the army's last Darfur stronghold")."""
    if mention.place.kind is not PlaceKind.REGION:
        return False
    markers = ctx.rules.markers
    text = ctx.article.text
    if markers.region_attribute.match(text, mention.end):
        return True
    before = [p for p in ctx.places if p.end <= mention.start and p is not mention]
    town = max(before, key=lambda p: p.end, default=None)
    if (town is not None and town.place.kind in (PlaceKind.TOWN, PlaceKind.SITE)
            and town.place.country == mention.place.country
            and markers.region_after_town.fullmatch(text, town.end, mention.start)):
        return True  # "Vovchansk in the Kharkiv region", "Lashio, northern Shan State"
    comma = text.rfind(",", max(0, mention.start - _LOCATED_REACH), mention.start)
    while comma > 0 and text[comma - 1].isdigit() and text[comma + 1:comma + 2].isdigit():
        comma = text.rfind(",", max(0, mention.start - _LOCATED_REACH), comma)
    if comma <= 0 or not markers.region_locator.fullmatch(text, comma, mention.start):
        return False
    named = [p for p in ctx.places if p.end <= comma and p is not mention]
    last = max(named, key=lambda p: p.end, default=None)
    if last is not None and _LOCATED_GAP.fullmatch(text, last.end, comma) is not None:
        # the town named just before the comma, or before the trigger's last words
        return (last.place.kind in (PlaceKind.TOWN, PlaceKind.SITE)
                and last.place.country == mention.place.country)
    # a name the gazetteer does not know ("Tiger Hill, a peak in ...")
    return _NAME_END.search(text, max(0, comma - 40), comma) is not None


_ORIGIN_REACH = 30  # how far after a side's home town the place it takes may follow


def _origin(ctx: Context, hit: Hit, mention: Mention) -> bool:
    """A town after "militias from" is the side's home, not the place: unless the trigger
    names the place left after "from"/"uit" ("verdreven de strijders uit de stad", "troops
    from Izium were pulled back"), where it is the home only when another place left
    follows ("milities uit Misrata uit Sirte verdreven")."""
    if not hit.trigger.source_ok:
        return True
    text = ctx.article.text
    return any(mention.end < p.start <= mention.end + _ORIGIN_REACH
               and ctx.rules.markers.source.search(text, mention.end, p.start)
               for p in ctx.places)


def passed_over(ctx: Context, hit: Hit, mention: Mention, seg_start: int) -> bool:
    """A place that is a locator, destination, origin or speaker, not the changed place."""
    markers = ctx.rules.markers
    text = ctx.article.text
    before = text[max(seg_start, mention.start - 60):mention.start]
    if hit.start <= mention.start < hit.end:
        before = text[max(hit.start, mention.start - 60):mention.start]
    elif hit.end <= mention.start:  # the trigger's own words are no marker ("swept into")
        before = text[max(hit.end, mention.start - 60):mention.start]
    before = without_day(ctx, before)
    if _region_apposition(ctx, mention) or region_locator(ctx, mention):
        return True  # "seized the base in Zalingei, Central Darfur, on October 31"
    if hit.end <= mention.start and markers.holder_before.search(without_day(
            ctx, text[max(seg_start, hit.start, mention.start - 60):mention.start])):
        return True  # "opnieuw in handen van Bagdad": the capital holds the place
    if hit.end <= mention.start and markers.result_before.search(before):
        return True  # "retook Shirqat, cutting Hawija off": a result, not the change
    if site_in_region(text, ctx.rules.path, markers.locative, mention):
        return True  # "a military airport in Idlib province": the site, not the region
    if (hit.trigger.locative_ok and mention.place.kind is PlaceKind.SITE
            and hit.end <= mention.start and len(before.split()) <= 2):
        return False  # "hesen de vlag op de staalfabriek van X": the flag went up on the site
    if markers.route_before.search(before):
        return True  # "fighting on the road to Pokrovsk": the road, named by where it leads
    if markers.speaker_before.search(before):
        return True  # "Volgens Rabat hebben de soldaten ...": Rabat speaks
    if markers.seat_before.search(before):
        return True  # "De regering in Kabul ontkent ...": the seat of government
    between = text[mention.end:hit.start] if mention.end <= hit.start else ""
    if len(between.split()) == 1 and markers.infinitive.search(between):
        return False  # "slaagde erin om X te heroveren": X is the infinitive's object
    if mention.place.kind is PlaceKind.SITE and markers.site_part_before.search(before):
        return False  # "took control of the Gaza side of the Rafah border crossing"
    if not between.strip() and mention.end <= hit.start and markers.subject_clause.search(
            before):
        return False  # "two days after Damascus fell to the rebels": the clause's subject
    if (hit.end <= mention.start and mention.place.kind is PlaceKind.TOWN
            and markers.capital_object.search(before)):
        return False  # "captured the provincial capital of Kunduz": the town itself
    if markers.near.search(before):
        # Fighting near a place is fighting for it: "fierce fighting near X", and "Bij X
        # braken gevechten uit" where the phrase opens the clause ("The hill outside X
        # changed hands" is about the hill).
        head = text[seg_start:mention.start]
        near = markers.proximity.search(head)
        opens = near is not None and not head[:near.start()].strip(" \"'“‘„«(")
        return not (hit.trigger.change is Change.CONTESTED
                    and (hit.end <= mention.start or opens))
    if markers.origin_before.search(before) and _origin(ctx, hit, mention):
        return True  # "milities uit Misrata verdreven IS uit Sirte": where they come from
    if mention.start >= hit.end and _speaker_clause(ctx, hit, mention):
        return True  # "bestormd, zegt het ministerie in Moskou": where the speaker sits
    if markers.locative.search(before):
        return not (hit.trigger.locative_ok or hit.trigger.change is Change.CONTESTED
                    or site_in_town(ctx, hit, mention))
    if markers.source.search(before):
        # "withdraws from Gezira capital": the region names the town left, as after a taking
        return (not hit.trigger.source_ok
                or bool(markers.feature_after.search(text[mention.end:mention.end + 30])))
    after = text[mention.end:mention.end + 30]
    gap = _APPOSITION.match(text, mention.end)  # "and Kobani, on the border, has long been"
    verb_at = mention.end if gap is None else gap.end()
    if (mention.start >= hit.end and markers.verb_after.search(text[verb_at:verb_at + 30])
            and text[hit.end:mention.start].strip()):
        # "captured Hama and Homs is next": Homs begins another clause. Not the trigger's own
        # object right after it ("de terugtrekking uit Cherson is", "the troops that took X are").
        return True
    pair = ctx.rules.words.compile(_PAIRED_NAME, re.IGNORECASE).match(text, mention.end,
                                                                     mention.end + 40)
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
    # (reaching past 30 characters: "Nineveh provincial government compound")
    feature = text[mention.end:mention.end + _FEATURE_REACH]
    return bool(markers.feature_after.search(feature)) and not site_after(ctx, hit, mention)


_FEATURE_REACH = 45  # characters after a place its feature noun may end within


def _speaker_clause(ctx: Context, hit: Hit, mention: Mention) -> bool:
    """True when the place stands in a clause after the trigger's that says who reports the
    change (", zegt het ministerie van Defensie in Moskou", ", the ministry in Moscow said")."""
    text = ctx.article.text
    comma = text.rfind(",", hit.end, mention.start)
    if comma < 0:
        return False
    stop = len(text)
    for mark in ".;:\n":
        at = text.find(mark, mention.end)
        if 0 <= at < stop:
            stop = at
    if ctx.rules.markers.speaker_clause.search(text[comma:stop]) is not None:
        return True
    # ", the minister told reporters in the capital, Mogadishu": the place in apposition to
    # a town noun of the speaker's clause
    before = text.rfind(",", hit.end, comma)
    noun = ctx.rules.words.compile(r"\b%town_noun%\s*$", re.IGNORECASE)
    return (before >= 0 and noun.search(text, before, comma) is not None
            and ctx.rules.markers.speaker_clause.search(text[before:stop]) is not None)


_APPOSITION = re.compile(r",\s+[^,.;:()\n]{2,60}?,(?=\s)")
_PAIRED_NAME = r"\s*(?:%and%|&)\s+[^\W\d_][\w'’-]*(?=\s)"
_SITE_GAP = 3  # characters between a town and the site named after it ("Goma airport")


def site_after(ctx: Context, hit: Hit, mention: Mention) -> bool:
    """"have taken over Goma airport": a site of the town taken (geo_precision 2)."""
    if hit.trigger.change not in (Change.CAPTURE, Change.RECAPTURE) or mention.start < hit.end:
        return False
    site = ctx.rules.markers.site_object.search(ctx.article.text, mention.end,
                                                mention.end + 30)
    return site is not None and site.start() - mention.end <= _SITE_GAP  # "Goma's airport"


def site_in_town(ctx: Context, hit: Hit, mention: Mention) -> bool:
    """"heroverde het paleis in Khartoum": a site taken inside the town (geo_precision 2).
    Not a region: "a key base of al-Shabaab in Middle Shabelle" does not take the region."""
    if (hit.trigger.change not in (Change.CAPTURE, Change.RECAPTURE) or mention.start < hit.end
            or mention.place.kind is PlaceKind.REGION):
        return False
    between = ctx.article.text[hit.end:mention.start]
    return len(between) <= 80 and ctx.rules.markers.site_object.search(between) is not None


def clause_candidates(ctx: Context, seg_start: int, seg_end: int) -> list[Mention]:
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
    # ("het vliegveld van Lalibela en de stad zelf": the town joined to its site by "and" is
    # taken too)
    joined = ctx.rules.words.compile(_JOINED, re.IGNORECASE)
    towns = [m for m in (_as_site(ctx, a, seg_start) for a in _anaphora(ctx, seg_start, seg_end))
             if not any(s.end <= m.start and site_town(s.place) == m.place.id
                        and not joined.fullmatch(ctx.article.text, s.end, m.start)
                        for s in places)]
    named = [m for m in site_anaphora(ctx.article.text, ctx.rules.path, seg_start, seg_end,
                                      ctx.places)
             if not any(p.start < m.end and m.start < p.end for p in places + towns)]
    named += _named_sites(ctx, seg_start, seg_end, places + towns + named)
    places += [m for m in towns
               if not any(locates_site(ctx.article.text, ctx.rules.path, s, m) for s in named)]
    places += named
    return sorted(own_sites(ctx.article.text, ctx.rules.path, places), key=lambda p: p.start)


_JOINED = r"\s*,?\s*%and%\s+(?:\w+\s+)?"  # "airport and (then) the town": both taken


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
    actors = [(a.start, a.end) for a in spans_of(ctx.actors).within(seg_start, seg_end)]
    towns = [m for m in ctx.places if m.place.kind is PlaceKind.TOWN]
    out = []
    for name, a, b, town, kind in named_sites(text, ctx.rules.path, seg_start, seg_end, towns,
                                              taken, actors):
        if ctx.lexicon.demonym_actor(name.split()[0], ctx.rules.lang) is not None:
            continue
        key = "".join(c for c in name.lower() if c.isalnum())
        # "the Jirah air base": an air base the airport data names, at its own point
        air = named_airport(name, town.country) if kind is PlaceKind.SITE else None
        place = Place(id=f"{'site' if kind is PlaceKind.SITE else 'quarter'}:{key}:{town.id}",
                      name=name, kind=kind, lat=air.lat if air else town.lat,
                      lon=air.lon if air else town.lon, country=town.country,
                      admin1=town.admin1, population=0)
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
