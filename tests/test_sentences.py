"""The sentence table: each row of tests/data/sentences*.tsv is one test.

Add a row to add a case; the format is described at the top of the data file.
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from conflictmap.events import Extractor
from conflictmap.model import Article, Event, Interval

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Expected:
    change: str
    place: str
    status: str = "*"
    actor: str = "*"
    loser: str = "*"
    dates: str = "*"


@dataclass(frozen=True)
class Row:
    where: str
    lang: str
    published: str
    text: str
    expected: tuple[Expected, ...]
    context: str = ""


def _expected(cell: str) -> tuple[Expected, ...]:
    if cell.strip() == "-":
        return ()
    return tuple(Expected(*[f.strip() for f in part.split("|")]) for part in cell.split(" ; "))


def _rows() -> list[Row]:
    rows = []
    for path in sorted(DATA.glob("sentences*.tsv")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#") or line.startswith("lang\t"):
                continue
            lang, published, text, expected, *context = line.split("\t")
            rows.append(Row(f"{path.name}:{n}", lang, published, text, _expected(expected),
                            context[0] if context else ""))
    return rows


ROWS = _rows()


def _period(published: str) -> Interval:
    if len(published) == 7:
        year, month = map(int, published.split("-"))
        last = calendar.monthrange(year, month)[1]
        return Interval(date(year, month, 1), date(year, month, last), 3)
    day = date.fromisoformat(published)
    return Interval(day, day, 1)


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if c.isalnum()).lower()


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _place_matches(extractor: Extractor, event: Event, name: str) -> bool:
    ids = {p.id for p in extractor.gazetteer.lookup(name)}  # type: ignore[attr-defined]
    return event.place.id in ids or _fold(event.place.name) == _fold(name)


def _check_field(label: str, want: str, got: str | None) -> str | None:
    if want == "*":
        return None
    want_value = None if want == "_" else want
    return None if got == want_value else f"{label}: expected {want_value}, got {got}"


def _problems(event: Event, want: Expected) -> list[str]:
    dates = f"{event.period.start}..{event.period.end}"
    checks = [
        _check_field("status", want.status, event.status.value),
        _check_field("actor", want.actor, event.actor.id if event.actor else None),
        _check_field("losing actor", want.loser, event.losing_actor.id if event.losing_actor
                     else None),
        _check_field("dates", want.dates, dates),
    ]
    return [c for c in checks if c]


def _describe(events: list[Event]) -> str:
    return "; ".join(
        f"{e.change.value}|{e.place.name}|{e.status.value}|{e.actor.id if e.actor else '_'}|"
        f"{e.losing_actor.id if e.losing_actor else '_'}|{e.period.start}..{e.period.end}"
        f" ({e.sources[0].rule})" for e in events) or "-"


@pytest.mark.parametrize("row", ROWS, ids=[r.where for r in ROWS])
def test_sentences_table(row: Row, extractor: Extractor) -> None:
    # The context (a country name on its own line, after the sentence) stands for the rest
    # of an article: it lets the toponym resolver accept small towns of that country.
    text = f"{row.text}\n\n{row.context}" if row.context else row.text
    article = Article(id=row.where, text=text, published=row.published,
                      period=_period(row.published), lang=row.lang)
    events = extractor.extract(article)
    got = _describe(events)
    assert len(events) == len(row.expected), f"{row.text!r}: got {got}"
    for want in row.expected:
        same = [e for e in events
                if e.change.value == want.change and _place_matches(extractor, e, want.place)]
        assert same, f"{row.text!r}: no {want.change} of {want.place}; got {got}"
        # Two events of one change and place (two sides' captures): the closest one.
        problems = min((_problems(e, want) for e in same), key=len)
        assert not problems, f"{row.text!r}: {problems}; got {got}"


def test_sentences_table_is_large_and_varied() -> None:
    assert len(ROWS) >= 150
    assert {r.lang for r in ROWS} >= {"nl", "en"}
    assert sum(1 for r in ROWS if not r.expected) >= 40
