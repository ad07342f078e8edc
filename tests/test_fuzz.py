"""Property tests (bounded fuzzing) over reading, extraction, the store and the page.

The number of examples comes from a Hypothesis settings profile: ``conflictmap-ci`` (the
default, the whole file well under 30 s) or ``conflictmap-long`` for a longer local run::

    CONFLICTMAP_FUZZ=conflictmap-long pytest tests/test_fuzz.py
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap.articles import decode, parse_date, read_articles
from conflictmap.errors import ArticleError
from conflictmap.model import (
    Actor,
    Article,
    Change,
    Event,
    Interval,
    Place,
    PlaceKind,
    Source,
    Status,
)
from conflictmap.store import dump_csv, read_events, write_geojson, write_jsonl
from hostile_helpers import CAPTURE_NL, markup_payloads

settings.register_profile("conflictmap-ci", max_examples=40, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("conflictmap-long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings.get_profile(os.environ.get("CONFLICTMAP_FUZZ", "conflictmap-ci"))


def _few(n: int) -> settings:
    """The profile, with at most ``n`` examples in the CI profile (slow properties)."""
    return settings(FUZZ, max_examples=min(FUZZ.max_examples, n)
                    if FUZZ.max_examples <= 100 else FUZZ.max_examples)


# ---- strategies ----

WORDS = ["Russische", "troepen", "hebben", "de", "Oekraïense", "stad", "Avdiivka", "ingenomen",
         "veroverd", "heroverd", "trokken", "zich", "terug", "uit", "Kherson", "Aleppo", "HTS",
         "rebellen", "namen", "in", "Hama", "gisteren", "vorige", "week", "in 2016", "op",
         "captured", "retook", "withdrew", "from", "the", "town", "of", "Bakhmut", "army",
         "Ukrainian", "forces", "fighting", "for", "Homs", "volgens", "ontkent", "niet",
         "delen", "van", "het", "leger", "zegt", ".", ",", "?", "!", "\n", "\n\n", "«", "»",
         "\"", "'", "(", ")", "-", "–", "maandag", "december", "2024", "5", "6 december",
         "<script>", "</script>", "\u2028", "\x00", "\x1b[31m", "Ｍ", "ﬁ", "İ", "ß", "\u0301"]
sentences = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=60).map(
    " ".join)
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
dates = st.dates(min_value=date(1900, 1, 1), max_value=date.today())


@st.composite
def article_bytes(draw: st.DrawFn) -> bytes:
    """Mostly well-formed articles in assorted encodings, sometimes damaged."""
    day = draw(dates)
    written = draw(st.sampled_from([day.isoformat(), day.isoformat()[:7],
                                    f"{day.year}-{day.month}-{day.day}"]))
    text = f" date {written} " + draw(sentences)
    codec = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252",
                                  "latin-1"]))
    raw = text.encode(codec, errors="replace")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=20)) + raw[at:]
    return raw


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=12)
json_articles = st.fixed_dictionaries(
    {"date": st.one_of(dates.map(str), st.text(max_size=12), st.integers()),
     "text": st.one_of(sentences, json_values)},
    optional={"id": json_values, "title": st.text(max_size=30), "url": st.text(max_size=30),
              "lang": st.text(max_size=3), "source": json_values})


def _check_article(article: Article) -> None:
    assert article.text.strip() and "\x00" not in article.text
    article.text.encode("utf-8")  # no lone surrogates: every output can be written
    for value in (article.id, article.title, article.source, article.url, article.path):
        value.encode("utf-8")
    assert article.id and not CONTROL.search(article.id + article.title + article.source)
    assert article.period.start <= article.period.end <= date.today() + timedelta(days=31)
    assert article.period.start.year >= 1900 and 1 <= article.period.precision <= 4
    assert parse_date(article.published) == (article.published, article.period)
    assert article.url == "" or re.match(r"(?i)https?://", article.url)


def _read_all(folder: Path) -> tuple[list[Article], list]:
    skips: list = []
    articles = list(read_articles([folder], on_skip=skips.append))
    for skip in skips:
        assert "\n" not in str(skip) and skip.path in str(skip)
    return articles, skips


# ---- reading ----

@FUZZ
@given(raw=st.one_of(st.binary(max_size=3000), article_bytes()),
       suffix=st.sampled_from([".txt", ".md", ".json", ".jsonl"]))
def test_fuzz_read_articles_never_crashes(raw, suffix):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "a" + suffix).write_bytes(raw)
        articles, skips = _read_all(Path(folder))
        for article in articles:
            _check_article(article)
        if suffix != ".jsonl":
            assert len(articles) + len(skips) >= 1


@FUZZ
@given(rows=st.lists(st.one_of(json_articles, json_values), max_size=8),
       junk=st.lists(st.binary(max_size=40), max_size=3))
def test_fuzz_json_lines_every_line_accounted_for(rows, junk):
    lines = [json.dumps(r, ensure_ascii=bool(i % 2)).encode() for i, r in enumerate(rows)]
    lines += [j.replace(b"\n", b" ") for j in junk]
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "feed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
        articles, skips = _read_all(Path(folder))
    for article in articles:
        _check_article(article)
    used = sum(1 for ln in lines if ln.strip())
    assert len(articles) + len(skips) == used
    assert all(s.line is not None for s in skips)


@FUZZ
@given(st.text())
def test_fuzz_parse_date_is_total(value):
    try:
        written, interval = parse_date(value)
    except ValueError:
        return
    assert parse_date(written) == (written, interval)
    assert interval.start <= interval.end and interval.start.year >= 1900


@FUZZ
@given(dates)
def test_fuzz_parse_date_round_trip(day):
    assert parse_date(day.isoformat()) == (day.isoformat(), Interval(day, day, 1))
    _, month = parse_date(day.isoformat()[:7])
    assert month.start <= day <= month.end and month.precision == 3


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_decode_is_total(raw):
    try:
        text = decode(raw)
    except ArticleError as exc:
        assert exc.reason == "binary"
    else:
        assert isinstance(text, str)


# ---- extraction ----

@cache
def _extractor():
    from conflictmap.events import Extractor
    from conflictmap.gazetteer import default_gazetteer

    return Extractor(default_gazetteer())


def _article(text: str, day: date, lang: str) -> Article:
    return Article(id="fuzz.txt", text=text, published=day.isoformat(),
                   period=Interval(day, day, 1), lang=lang)


@_few(60)
@given(text=st.one_of(sentences, st.text(max_size=400),
                      sentences.map(lambda s: f"{s} {CAPTURE_NL} {s}")),
       day=dates, lang=st.sampled_from(["nl", "en"]))
def test_fuzz_extract_never_crashes_and_sources_point_into_the_text(text, day, lang):
    article = _article(text, day, lang)
    events = _extractor().extract(article)
    for event in events:
        assert event.sources
        for source in event.sources:
            assert source.article == article.id
            assert 0 <= source.start < source.end <= len(text)
            span = text[source.start:source.end]
            assert source.quote == span or source.quote.strip() == span.strip(), (
                source.quote, span)
        assert 1 <= event.period.precision <= 4
        assert 0 <= event.confidence <= 1


def test_fuzz_extract_event_not_after_its_article():
    """Found by the long fuzz run: an event cannot happen after the article reporting it."""
    day = date(2000, 1, 1)
    events = _extractor().extract(_article(f"in 2016 {CAPTURE_NL} in 2016", day, "nl"))
    assert all(e.period.start <= day for e in events)


def test_fuzz_extract_finds_the_known_sentence():
    """The fuzz above would be vacuous if the seed sentence gave nothing."""
    events = _extractor().extract(_article(CAPTURE_NL, date(2024, 2, 17), "nl"))
    assert [e.change for e in events] == [Change.CAPTURE]


# ---- store and page ----

texts = st.one_of(st.text(max_size=40), st.sampled_from(markup_payloads()).map(lambda p: p[:200]))


@st.composite
def events(draw: st.DrawFn) -> Event:
    start = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)))
    end = start + timedelta(days=draw(st.integers(0, 400)))
    place = Place(draw(texts) or "p", draw(texts), draw(st.sampled_from(list(PlaceKind))),
                  draw(st.floats(-90, 90)), draw(st.floats(-180, 180)), draw(texts),
                  draw(texts), draw(st.integers(0, 10**9)))
    actors = st.none() | st.builds(Actor, texts.filter(bool), texts, texts.filter(bool),
                                   st.sampled_from(["state", "non_state"]))
    n = draw(st.integers(1, 3))
    sources = tuple(Source(draw(texts), draw(texts), draw(texts), i, i + 1, draw(texts),
                           draw(texts), draw(texts)) for i in range(n))
    return Event(draw(st.sampled_from(list(Change))), draw(st.sampled_from(list(Status))),
                 place, Interval.spanning(start, end),
                 draw(actors), draw(actors), sources,
                 confidence=draw(st.floats(0, 1)), geo_precision=draw(st.integers(1, 3)))


def _normal(event: Event) -> Event:
    """What a round trip through the files keeps (confidence to 3 decimals)."""
    from dataclasses import replace

    return replace(event, confidence=round(event.confidence, 3))


@_few(40)
@given(st.lists(events(), max_size=4))
def test_fuzz_store_round_trip(evs):
    with tempfile.TemporaryDirectory() as folder:
        for name, writer in (("e.jsonl", write_jsonl), ("e.geojson", write_geojson)):
            writer(evs, Path(folder, name))
            assert read_events(Path(folder, name)) == [_normal(e) for e in evs]
        with Path(folder, "e.csv").open("w", encoding="utf-8", newline="") as handle:
            dump_csv(evs, handle)


@_few(25)
@given(st.lists(events(), min_size=1, max_size=4), st.booleans())
def test_fuzz_render_keeps_data_out_of_markup(evs, offline):
    from conflictmap.render import render_html

    page = render_html(evs, lang="nl", offline=offline)
    body = page.split('id="cm-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body and ">" not in body and "\u2028" not in body
    for event in evs:
        for source in event.sources:
            for value in (source.quote, source.title, source.url, event.place.name):
                if "<" in value and ("pwned" in value or "alert(" in value):  # a payload
                    assert value not in page
