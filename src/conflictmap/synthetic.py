"""A synthetic news corpus with known events, for benchmarks and tests.

Articles are built from sentence templates in Dutch and English over several wars: each
has filler paragraphs, zero to three control-change sentences (whose expected events are
recorded), and "negative" sentences a reader must not take for a change (air strikes,
advances, sieges, hypotheticals). The same seed gives the same corpus, byte for byte.

Write a corpus with ``python benchmarks/corpus.py`` (JSON Lines or a folder of .txt).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Side:
    """One party to a war: its actor id and how each language names it."""

    actor: str
    en: tuple[str, ...]
    nl: tuple[str, ...]


@dataclass(frozen=True)
class War:
    country: str
    en_country: str
    nl_country: str
    towns: tuple[str, ...]
    sides: tuple[Side, Side]


@dataclass(frozen=True)
class Expected:
    """An event the text states: what a perfect extractor would report."""

    article: str
    place: str
    change: str
    actor: str
    sentence: str
    country: str = ""  # the war's ISO 3166 code: the place is the town of that name there


@dataclass(frozen=True)
class SyntheticArticle:
    id: str
    published: str
    lang: str
    title: str
    text: str
    expected: tuple[Expected, ...]

    def json_line(self) -> str:
        record = {"id": self.id, "date": self.published, "lang": self.lang,
                  "title": self.title, "source": "synthetic", "text": self.text}
        return json.dumps(record, ensure_ascii=False)

    def text_file(self) -> str:
        return f" date {self.published} {self.title}\n\n{self.text}"


WARS = (
    War("SY", "Syria", "Syrië",
        ("Aleppo", "Hama", "Homs", "Idlib", "Saraqib", "Manbij", "Palmyra", "Daraa", "Raqqa",
         "Kobani", "Deir ez-Zor", "Tal Rifaat"),
        (Side("hts", ("HTS", "Hayat Tahrir al-Sham", "Tahrir al-Sham"),
              ("HTS", "Hayat Tahrir al-Sham")),
         Side("syria_gov", ("the Syrian Arab Army", "Assad's forces", "pro-Assad forces"),
              ("het leger van Assad", "de troepen van Assad", "het Syrisch Arabisch Leger")))),
    War("UA", "Ukraine", "Oekraïne",
        ("Bakhmut", "Avdiivka", "Kupiansk", "Kherson", "Izium", "Lyman", "Soledar", "Vuhledar",
         "Pokrovsk", "Toretsk", "Chasiv Yar", "Robotyne", "Mariupol", "Lysychansk"),
        (Side("russia", ("Russian forces", "Russian troops", "the Russian army"),
              ("Russische troepen", "het Russische leger", "Russische militairen")),
         Side("ukraine", ("Ukrainian forces", "Ukrainian troops", "the Ukrainian army"),
              ("Oekraïense troepen", "het Oekraïense leger", "Oekraïense militairen")))),
    War("SD", "Sudan", "Soedan",
        ("El Fasher", "Wad Madani", "Nyala", "Geneina", "Omdurman", "Sennar", "Kadugli"),
        (Side("rsf", ("the Rapid Support Forces", "the RSF", "RSF fighters"),
              ("de RSF", "de Rapid Support Forces", "RSF-strijders")),
         Side("saf", ("the Sudanese army", "Sudanese troops", "the Sudanese Armed Forces"),
              ("het Soedanese leger", "Soedanese troepen")))),
    War("CD", "Congo", "Congo",
        ("Goma", "Bukavu", "Bunagana", "Rubaya", "Sake", "Masisi", "Uvira"),
        (Side("m23", ("M23 rebels", "the M23", "AFC/M23"),
              ("M23-rebellen", "de rebellen van M23", "rebellengroep M23")),
         Side("fardc", ("the Congolese army", "Congolese troops", "the FARDC"),
              ("het Congolese leger", "Congolese troepen")))),
    War("MM", "Myanmar", "Myanmar",
        ("Lashio", "Myawaddy", "Laukkai", "Hsenwi", "Kyaukme", "Hpakant"),
        (Side("mndaa", ("the MNDAA", "the Myanmar National Democratic Alliance Army"),
              ("de MNDAA",)),
         Side("tatmadaw", ("the junta", "junta troops", "the Myanmar military"),
              ("de junta", "het juntaleger", "het Birmese leger")))),
    War("ML", "Mali", "Mali",
        ("Kidal", "Gao", "Timbuktu", "Tessalit", "Menaka"),
        (Side("azawad_rebels", ("Tuareg rebels", "Tuareg separatists"),
              ("Toeareg-rebellen", "Toeareg-separatisten")),
         Side("fama", ("the Malian army", "Malian troops"),
              ("het Malinese leger", "Malinese troepen")))),
)

# {a}: the gaining (or acting) side, {b}: the other side, {t}: the town.
CHANGES = {
    "en": {
        "capture": (
            "{A} captured {t} on {day}, according to local sources.",
            "{A} have taken control of {t}, the defence ministry said.",
            "{T} fell to {a} after weeks of heavy fighting.",
            "{A} seized the town of {t} overnight, driving out {b}.",
            "Fighters of {a} entered {t} and took full control of the town.",
        ),
        "recapture": (
            "{A} retook {t} after a counter-offensive that lasted two weeks.",
            "{A} recaptured {t} on {day}, officials said.",
            "{T} was recaptured by {a} in a surprise assault.",
        ),
        "withdrawal": (
            "{A} withdrew from {t} to avoid being encircled.",
            "{A} pulled out of {t} on {day}, a spokesman confirmed.",
        ),
        "contested": (
            "Heavy fighting is raging in {t} between {a} and {b}.",
            "Street battles continue in {t}, where {a} and {b} fight block by block.",
        ),
    },
    "nl": {
        "capture": (
            "{T} werd {dag} ingenomen door {a}.",
            "{A} hebben {t} ingenomen, zegt het ministerie van Defensie.",
            "{A} veroverden {dag} de stad {t}.",
            "{T} is na weken van zware gevechten in handen gevallen van {a}.",
            "{A} namen {t} in en verdreven {b} uit de stad.",
        ),
        "recapture": (
            "{A} heroverden {dag} {t} na een tegenoffensief van twee weken.",
            "{T} is weer in handen van {a}, meldt het leger.",
            "{T} werd heroverd door {a} bij een verrassingsaanval.",
        ),
        "withdrawal": (
            "{A} trokken zich {dag} terug uit {t} om omsingeling te voorkomen.",
            "{A} hebben {t} verlaten, bevestigt een woordvoerder.",
        ),
        "contested": (
            "Er wordt zwaar gevochten om {t} tussen {a} en {b}.",
            "In {t} woeden straatgevechten tussen {a} en {b}.",
        ),
    },
}

NEGATIVES = {
    "en": (
        "{A} launched air strikes on {t} on {day}.",
        "{A} advanced to within {n} kilometres of {t}.",
        "If {a} capture {t}, the road to the capital will be open.",
        "{A} are preparing an assault on {t}, analysts say.",
        "The siege of {t} by {a} has entered its {n}th day.",
        "{A} shelled the outskirts of {t}, killing {n} civilians.",
    ),
    "nl": (
        "{A} voerden {dag} luchtaanvallen uit op {t}.",
        "{A} rukken op en staan op {n} kilometer van {t}.",
        "Als {a} {t} veroveren, ligt de weg naar de hoofdstad open.",
        "{A} bereiden een aanval op {t} voor, zeggen analisten.",
        "Het beleg van {t} door {a} duurt al {n} dagen.",
        "{A} beschoten de buitenwijken van {t}; daarbij kwamen {n} burgers om.",
    ),
}

FILLERS = {
    "en": (
        "Aid agencies warned that {n} thousand people had fled their homes in {c} since the "
        "start of the month, many of them women and children who now shelter in schools and "
        "mosques without running water.",
        "The United Nations Security Council is due to meet on the crisis later this week. "
        "Diplomats said a draft resolution calling for a ceasefire was still being negotiated.",
        "Prices of bread and fuel have risen sharply in the region, and the local currency lost "
        "{n} percent of its value against the dollar in a single week.",
        "Independent verification of claims from the front is difficult: journalists have "
        "little access, and both sides use social media to shape the narrative of the war.",
        "The foreign minister of a neighbouring country called for restraint and said the "
        "border would remain open for humanitarian convoys for the time being.",
        "Analysts at a think tank in London said the fighting showed how quickly the balance "
        "of power in {c} could shift once supply lines were cut.",
        "Hospitals in the area reported shortages of medicine and electricity, and doctors said "
        "they had treated dozens of wounded in the past {n} days.",
        "Residents described long queues at the few bakeries still open. \"We do not know what "
        "tomorrow brings,\" said a teacher who asked not to be named, fearing reprisals.",
        "The government in the capital has not commented on the latest reports. A spokesman "
        "said only that the situation was under control and that an official statement would "
        "follow in the coming days.",
        "Satellite images published by a commercial provider show damaged buildings, burnt-out "
        "vehicles and new trenches along the main road, {n} kilometres long in places.",
        "The war in {c} has drawn in regional powers, each backing its own allies with money, "
        "weapons and advisers, which makes a negotiated end to the conflict harder to reach.",
    ),
    "nl": (
        "Hulporganisaties waarschuwen dat sinds het begin van de maand {n} duizend mensen in "
        "{c} op de vlucht zijn geslagen, veelal vrouwen en kinderen die nu in scholen en "
        "moskeeën schuilen zonder stromend water.",
        "De VN-Veiligheidsraad komt later deze week bijeen over de crisis. Volgens diplomaten "
        "wordt nog onderhandeld over een ontwerpresolutie die oproept tot een staakt-het-vuren.",
        "De prijzen van brood en brandstof zijn in de regio fors gestegen en de munt verloor in "
        "één week {n} procent van zijn waarde ten opzichte van de dollar.",
        "Onafhankelijke controle van berichten van het front is moeilijk: journalisten hebben "
        "weinig toegang en beide partijen gebruiken sociale media om hun verhaal te vertellen.",
        "De minister van Buitenlandse Zaken van een buurland riep op tot terughoudendheid en "
        "zei dat de grens voorlopig open blijft voor humanitaire konvooien.",
        "Analisten van een denktank in Londen zeggen dat de gevechten laten zien hoe snel de "
        "machtsverhoudingen in {c} kunnen verschuiven zodra aanvoerlijnen worden afgesneden.",
        "Ziekenhuizen in het gebied melden tekorten aan medicijnen en stroom; artsen zeggen dat "
        "ze de afgelopen {n} dagen tientallen gewonden hebben behandeld.",
        "Bewoners beschrijven lange rijen bij de paar bakkerijen die nog open zijn. \"We weten "
        "niet wat morgen brengt\", zegt een leraar die uit angst voor represailles anoniem wil "
        "blijven.",
        "De regering in de hoofdstad heeft nog niet gereageerd op de berichten. Een woordvoerder "
        "zei alleen dat de situatie onder controle is en dat er de komende dagen een officiële "
        "verklaring volgt.",
        "Satellietbeelden van een commerciële aanbieder tonen beschadigde gebouwen, uitgebrande "
        "voertuigen en nieuwe loopgraven langs de hoofdweg, op sommige plekken {n} kilometer "
        "lang.",
        "De oorlog in {c} heeft regionale machten aangetrokken die elk hun eigen bondgenoten "
        "steunen met geld, wapens en adviseurs, wat een onderhandelde vrede moeilijker maakt.",
    ),
}

TITLES = {
    "en": ("Fighting intensifies in {c}", "Front line shifts near {t}", "{c}: the latest",
           "Thousands flee as battle for {t} rages"),
    "nl": ("Gevechten in {c} nemen toe", "Frontlinie verschuift bij {t}", "{c}: de laatste stand",
           "Duizenden op de vlucht door strijd om {t}"),
}
DAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")}
FIRST_DAY = date(2022, 3, 1)
SPAN_DAYS = 1000


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(template: str, rng: random.Random, lang: str, war: War, a: str, b: str,
          town: str) -> str:
    values = {"a": a, "A": _capital(a), "b": b, "t": town, "T": town, "n": rng.randint(3, 40),
              "day": rng.choice(DAYS["en"]), "dag": rng.choice(DAYS["nl"]),
              "c": war.en_country if lang == "en" else war.nl_country}
    return template.format(**values)


def _names(side: Side, lang: str) -> tuple[str, ...]:
    return side.en if lang == "en" else side.nl


def _change_sentence(rng: random.Random, lang: str, war: War, article: str,
                     ) -> tuple[str, Expected]:
    change = rng.choice(("capture", "capture", "recapture", "withdrawal", "contested"))
    gainer, other = war.sides if rng.random() < 0.5 else war.sides[::-1]
    town = rng.choice(war.towns)
    a, b = rng.choice(_names(gainer, lang)), rng.choice(_names(other, lang))
    sentence = _fill(rng.choice(CHANGES[lang][change]), rng, lang, war, a, b, town)
    actor = "" if change == "contested" else gainer.actor
    return sentence, Expected(article, town, change, actor, sentence, war.country)


def _negative_sentence(rng: random.Random, lang: str, war: War) -> str:
    side = rng.choice(war.sides)
    return _fill(rng.choice(NEGATIVES[lang]), rng, lang, war,
                 rng.choice(_names(side, lang)), "", rng.choice(war.towns))


def make_article(index: int, seed: int = 0) -> SyntheticArticle:
    """Article ``index`` of the corpus ``seed``: the same arguments give the same article."""
    rng = random.Random(seed * 1_000_003 + index)
    lang = "nl" if rng.random() < 0.5 else "en"
    war = rng.choice(WARS)
    article_id = f"syn{seed}-{index:07d}"
    day = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
    published = day.isoformat() if rng.random() < 0.8 else day.isoformat()[:7]
    paragraphs = [_fill(f, rng, lang, war, "", "", "") for f in
                  rng.sample(FILLERS[lang], rng.randint(5, 8))]
    expected = []
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
        sentence, event = _change_sentence(rng, lang, war, article_id)
        expected.append(event)
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), sentence)
    for _ in range(rng.randint(0, 2)):
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), _negative_sentence(rng, lang, war))
    title = _fill(rng.choice(TITLES[lang]), rng, lang, war, "", "", rng.choice(war.towns))
    return SyntheticArticle(article_id, published, lang, title, "\n\n".join(paragraphs),
                            tuple(expected))


def generate(n: int, seed: int = 0, start: int = 0) -> Iterator[SyntheticArticle]:
    """Articles ``start`` .. ``start + n - 1`` of corpus ``seed``, one at a time."""
    for index in range(start, start + n):
        yield make_article(index, seed)


def write_jsonl(path: Path, n: int, seed: int = 0, expected: Path | None = None) -> int:
    """Write ``n`` articles as JSON Lines (and their expected events, if asked)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out, _maybe_open(expected) as truth:
        for article in generate(n, seed):
            out.write(article.json_line() + "\n")
            count += _write_expected(truth, article)
    return count


def write_folder(directory: Path, n: int, seed: int = 0, expected: Path | None = None) -> int:
    """Write ``n`` articles as .txt files (the ' date ...' header format), 1,000 per folder."""
    count = 0
    with _maybe_open(expected) as truth:
        for i, article in enumerate(generate(n, seed)):
            sub = directory / f"{i // 1000:04d}"
            if i % 1000 == 0:
                sub.mkdir(parents=True, exist_ok=True)
            (sub / f"{article.id}.txt").write_text(article.text_file(), encoding="utf-8")
            count += _write_expected(truth, article)
    return count


def _maybe_open(path: Path | None) -> ContextManager[TextIO | None]:
    return path.open("w", encoding="utf-8") if path else nullcontext()


def _write_expected(handle: TextIO | None, article: SyntheticArticle) -> int:
    if handle is not None:
        for event in article.expected:
            handle.write(json.dumps(event.__dict__, ensure_ascii=False) + "\n")
    return len(article.expected)


# -- a reference extractor for this corpus ---------------------------------------------------
# It knows the templates above, so it is fast and exact on them and useless elsewhere. It lets
# tests and benchmarks exercise the pipeline, the cache and the engines without depending on
# the rule extractor, and it measures the pipeline's own overhead.
_TRIGGERS = (
    ("recapture", ("retook", "recaptured", "heroverd", "weer in handen")),
    ("withdrawal", ("withdrew", "pulled out", "trokken zich", "verlaten")),
    ("contested", ("fighting is raging", "street battles", "gevochten", "straatgevechten")),
    ("capture", ("captured", "taken control", "fell to", "seized", "took full control",
                 "ingenomen", "veroverden", "in handen gevallen", "namen ")),
)


def _town_place(town: str, country: str):  # type: ignore[no-untyped-def]
    from conflictmap.model import Place, PlaceKind

    digest = hashlib.blake2b(town.encode("utf-8"), digest_size=4).digest()
    lat = -30 + digest[0] * 60 / 255 + digest[1] / 2550
    lon = -20 + digest[2] * 120 / 255 + digest[3] / 2550
    slug = town.lower().replace(" ", "-")
    return Place(f"synthetic:{slug}", town, PlaceKind.TOWN, round(lat, 4), round(lon, 4),
                 country=country)


class TemplateExtractor:
    """Finds the template sentences of this corpus: one event per paragraph that has one."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.calls = 0
        towns = {t: _town_place(t, w.country) for w in WARS for t in w.towns}
        self._places = towns
        self._town = re.compile("|".join(re.escape(t) for t in sorted(towns, key=len,
                                                                     reverse=True)))

    def extract(self, article):  # type: ignore[no-untyped-def]
        from conflictmap.model import Change, Event, Source, Status

        self.calls += 1
        if "RAISE-IN-EXTRACTOR" in article.text:
            raise RuntimeError("asked to fail")
        events = []
        for start, end in _paragraphs(article.text):
            paragraph = article.text[start:end]
            change = _change_of(paragraph)
            town = self._town.search(paragraph) if change else None
            if town is None or change is None:
                continue
            source = Source(article.id, article.published, paragraph, start, end,
                            title=article.title, rule=f"synthetic.{change}")
            events.append(Event(Change(change), Status.REPORTED, self._places[town.group()],
                                article.period, None, None, (source,), confidence=0.9))
        return events


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    while start < len(text):
        end = text.find("\n\n", start)
        end = len(text) if end < 0 else end
        yield start, end
        start = end + 2


def _change_of(paragraph: str) -> str | None:
    if paragraph.startswith(("If ", "Als ")):
        return None
    for change, words in _TRIGGERS:
        if any(w in paragraph for w in words):
            return change
    return None


@dataclass(frozen=True)
class TemplateSpec:
    """A picklable recipe for :class:`TemplateExtractor` (see conflictmap.engines)."""

    version: str = "template-1"

    def build(self) -> tuple[TemplateExtractor, str]:
        return TemplateExtractor(self.version), f"synthetic|{self.version}"


# -- a synthetic event store ----------------------------------------------------------------
def synthetic_events(n: int, seed: int = 0, places: int = 2000):  # type: ignore[no-untyped-def]
    """``n`` consolidated-looking events over ``places`` places of the wars above."""
    from conflictmap.model import Actor, Change, Event, Interval, Source, Status

    rng = random.Random(seed)
    sites = []
    for k in range(places):
        war = WARS[k % len(WARS)]
        town = war.towns[k // len(WARS) % len(war.towns)]
        base = _town_place(town, war.country)
        sites.append((war, base.__class__(f"{base.id}-{k}", f"{town} {k}", base.kind,
                                          round(base.lat + rng.uniform(-1, 1), 4),
                                          round(base.lon + rng.uniform(-1, 1), 4),
                                          country=war.country)))
    changes = list(Change)
    for i in range(n):
        war, place = rng.choice(sites)
        gainer, loser = war.sides if rng.random() < 0.5 else war.sides[::-1]
        start = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
        end = start + timedelta(days=rng.choice((0, 0, 0, 2, 6, 29)))
        change = rng.choice(changes)
        quote = f"{_capital(gainer.en[0])} captured {place.name}, officials said."
        yield Event(change, Status.REPORTED, place,
                    Interval(start, end, 1 if end == start else 2 if (end - start).days < 8
                             else 3),
                    Actor(gainer.actor, gainer.en[0], gainer.actor, "state"),
                    Actor(loser.actor, loser.en[0], loser.actor, "non_state"),
                    (Source(f"syn-store-{i:07d}", start.isoformat(), quote, 0, len(quote),
                            url=f"https://news.example/{i}", title=f"Report {i}"),),
                    confidence=0.8)


def write_event_store(path: Path, n: int, seed: int = 0) -> None:
    """events.geojson (with its render index, as ``conflictmap build`` writes them) or a
    .jsonl of ``n`` synthetic events."""
    from conflictmap.store import write_indexed_geojson, write_jsonl

    writer = write_jsonl if path.suffix == ".jsonl" else write_indexed_geojson
    writer(list(synthetic_events(n, seed)), path)
