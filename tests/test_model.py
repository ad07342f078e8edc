"""Records: what every stage passes on."""

from __future__ import annotations

import pickle
from dataclasses import fields, replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

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
    Trace,
)

_days = st.integers(0, 40_000).map(lambda n: date(1900, 1, 1) + timedelta(days=n))


@given(_days, st.integers(0, 400), st.integers(1, 4), st.lists(st.text(max_size=30), min_size=7,
                                                                max_size=7))
def test_model_article_pickles_every_field(start: date, width: int, precision: int,
                                           values: list[str]) -> None:
    """Articles go to worker processes pickled as their fields (``__reduce__``): every field
    comes back, so a field added to Article must be added there too."""
    period = Interval(start, start + timedelta(days=width), precision)
    article = Article(values[0], values[1], values[2], period, values[3], values[4],
                      values[5], values[6], "path")
    back = pickle.loads(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == article
    assert [getattr(back, f.name) for f in fields(Article)] == [
        getattr(article, f.name) for f in fields(Article)]
    assert pickle.loads(pickle.dumps(period)) == period


def test_model_rated_event_is_replace_with_its_id() -> None:
    """``Event.rated`` is ``replace(event, confidence=..., trace=None)`` field for field, the
    id kept (neither field is part of it)."""
    place = Place("geonames:1", "Goma", PlaceKind.TOWN, -1.68, 29.22, "CD", "Nord-Kivu", 670_000)
    source = Source(article="a.txt", published="2025-01-27", quote="M23 took Goma.", start=0,
                    end=14, rule="en.capture.take")
    event = Event(Change.CAPTURE, Status.CLAIMED, place,
                  Interval(date(2025, 1, 26), date(2025, 1, 27), 2),
                  Actor("m23", "M23", "m23", "rebel"), None, (source,), confidence=0.6,
                  geo_precision=2, origin="r1", trace=Trace("Goma", 9, 13, 4, 8))
    rated = event.rated(0.83)
    slow = replace(event, confidence=0.83, trace=None)
    assert [getattr(rated, name) for name in Event.__slots__] == [
        getattr(slow, name) for name in Event.__slots__]
    assert rated == slow and rated.id == event.id and rated.trace is None
