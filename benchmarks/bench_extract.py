"""Extraction speed: articles per second in one process on generated ~3 KB articles.

    python benchmarks/bench_extract.py [--articles 2000] [--seed 1] [--trigger-share 0.3]

Articles are built from templates in Dutch and English (filler sentences about
politics, humanitarian news and background, plus zero to three control-change sentences
about towns of several wars), so the trigger pre-filter, toponyms, actors and dates all do
their real work. By default 88% of the articles have event sentences (the worst case);
``--trigger-share 0.3`` gives a realistic mix where 30% have one to three and the rest none
(their English filler "had fled their homes" still fires a trigger that the checks drop).
Loading the gazetteer and rules is not timed; times are CPU time of this process
(time.process_time), so other load on the machine does not count.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from conflictmap.events import Extractor
from conflictmap.model import Article, Interval

PLACES = {
    "UA": ["Avdiivka", "Bakhmut", "Kupiansk", "Pokrovsk", "Vuhledar", "Marinka", "Izium"],
    "SY": ["Aleppo", "Hama", "Homs", "Saraqeb", "Palmyra", "Raqqa", "Manbij"],
    "CD": ["Goma", "Bukavu", "Kiwanja", "Rutshuru", "Masisi", "Bunagana"],
    "SD": ["Wad Madani", "Omdurman", "Nyala", "El Fasher", "Khartoum"],
    "MM": ["Lashio", "Laukkai", "Myawaddy", "Kyauktaw", "Hpakant"],
}
COUNTRY = {
    "nl": {"UA": "Oekraïne", "SY": "Syrië", "CD": "Congo", "SD": "Soedan", "MM": "Myanmar"},
    "en": {"UA": "Ukraine", "SY": "Syria", "CD": "Congo", "SD": "Sudan", "MM": "Myanmar"},
}
ACTORS = {
    "nl": ["de rebellen", "Russische troepen", "het leger", "de RSF", "M23",
           "het Oekraïense leger"],
    "en": ["the rebels", "Russian forces", "the army", "the RSF", "M23", "Ukrainian troops"],
}
EVENTS = {
    "nl": ["{when} hebben {actor} {place} ingenomen.",
           "{actor} trokken zich {when} terug uit {place}.",
           "Volgens {actor} is {place} {when} gevallen.",
           "{when} wordt er gevochten om {place}.",
           "{place} is {when} in handen van {actor}, zeggen ooggetuigen.",
           "{actor} willen {place} veroveren.",
           "{actor} naderen {place}, op 20 kilometer van de stad."],
    "en": ["{actor} captured {place} {when}.",
           "{actor} withdrew from {place} {when}, officials said.",
           "{place} fell to {actor} {when}.",
           "Fierce fighting raged in {place} {when}.",
           "{actor} retook {place} {when}, the ministry claimed.",
           "{actor} plan to take {place}.",
           "{actor} are now 20 kilometres from {place}."],
}
WHEN = {"nl": ["gisteren", "vorige week", "donderdag", "in 2016", "afgelopen nacht", ""],
        "en": ["yesterday", "last week", "on Thursday", "in 2016", "overnight", ""]}
FILLER = {
    "nl": ["De Verenigde Naties roepen alle partijen op tot terughoudendheid.",
           "Hulporganisaties melden dat duizenden mensen op de vlucht zijn geslagen.",
           "De president sprak gisteren met zijn ministers over de economische situatie.",
           "In {country} is de voedselprijs het afgelopen jaar sterk gestegen.",
           "Volgens waarnemers is de situatie in het land zeer onzeker.",
           "Diplomaten proberen al maanden een staakt-het-vuren te bereiken.",
           "Het parlement debatteert volgende week over nieuwe sancties.",
           "Journalisten hebben geen toegang tot het gebied, waardoor berichten moeilijk "
           "te controleren zijn.",
           "De oorlog heeft volgens schattingen aan tienduizenden mensen het leven gekost.",
           "Buurlanden vrezen een nieuwe vluchtelingenstroom."],
    "en": ["The United Nations called on all parties to show restraint.",
           "Aid agencies said thousands of people had fled their homes.",
           "The president met his ministers yesterday to discuss the economy.",
           "Food prices in {country} have risen sharply over the past year.",
           "Observers say the situation in the country remains highly uncertain.",
           "Diplomats have been trying for months to broker a ceasefire.",
           "Parliament will debate new sanctions next week.",
           "Journalists have no access to the area, which makes reports hard to verify.",
           "The war has killed tens of thousands of people, according to estimates.",
           "Neighbouring countries fear a new wave of refugees."],
}


def make_article(n: int, rng: random.Random, trigger_share: float | None = None) -> Article:
    """An article; with ``trigger_share`` that share of articles has one to three event
    sentences and the rest none (real news), else zero to three each (88% have some)."""
    lang = rng.choice(["nl", "en"])
    country = rng.choice(sorted(PLACES))
    sentences = [rng.choice(FILLER[lang]).format(country=COUNTRY[lang][country])
                 for _ in range(40)]
    if trigger_share is None:
        count = rng.choice([0, 1, 1, 2, 3])
    else:
        count = rng.choice([1, 1, 2, 3]) if rng.random() < trigger_share else 0
    for _ in range(count):
        template = rng.choice(EVENTS[lang])
        sentence = template.format(actor=rng.choice(ACTORS[lang]),
                                   place=rng.choice(PLACES[country]), when=rng.choice(WHEN[lang]))
        sentences.insert(rng.randrange(len(sentences)), sentence[0].upper() + sentence[1:])
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    text = f"{COUNTRY[lang][country]}\n\n" + "\n\n".join(paragraphs)
    day = date(2024, 1, 1).toordinal() + rng.randrange(700)
    published = date.fromordinal(day)
    return Article(id=f"bench-{n}.txt", text=text, published=published.isoformat(),
                   period=Interval(published, published, 1), lang=lang)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--trigger-share", type=float, default=None,
                        help="share of articles with event sentences (e.g. 0.3 for a realistic "
                             "mix); default: 0-3 event sentences in every article (88%%)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    articles = [make_article(n, rng, args.trigger_share) for n in range(args.articles)]
    extractor = Extractor()
    # load the gazetteer and compile the rules of every language (patterns compiled on
    # first use are a one-off cost, not a per-article one)
    for lang in sorted({a.lang for a in articles}):
        for article in [a for a in articles if a.lang == lang][:20]:
            extractor.extract(article)
    started = time.process_time()
    reports = sum(len(extractor.extract(a)) for a in articles)
    elapsed = time.process_time() - started
    size = sum(len(a.text.encode("utf-8")) for a in articles) / len(articles)
    print(f"{len(articles)} articles (mean {size / 1024:.1f} KB), {reports} reports, "
          f"{elapsed:.2f} s: {len(articles) / elapsed:,.0f} articles/s")
    fresh = [make_article(n, rng, args.trigger_share) for n in range(args.articles)]
    topo, mine, calls = _split(extractor, fresh)
    print(f"split on {len(articles)} fresh articles: toponyms.find_places {topo:.2f} s "
          f"({calls} calls), the rest of extraction {mine:.2f} s "
          f"= {len(articles) / mine:,.0f} articles/s without toponyms")


def _split(extractor: Extractor, articles: list[Article]) -> tuple[float, float, int]:
    """Seconds in find_places and in the rest of extraction, and how often it was called."""
    import conflictmap.toponyms as toponyms

    real = toponyms.find_places
    spent = [0.0, 0]

    def timed(*args: object, **kwargs: object) -> list:
        started = time.process_time()
        try:
            return real(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent[0] += time.process_time() - started
            spent[1] += 1

    toponyms.find_places = timed  # type: ignore[assignment]
    try:
        started = time.process_time()
        for article in articles:
            extractor.extract(article)
        total = time.process_time() - started
    finally:
        toponyms.find_places = real
    return spent[0], total - spent[0], int(spent[1])


if __name__ == "__main__":
    main()
