"""Records: what every stage passes on."""

from __future__ import annotations

import pickle
from dataclasses import fields
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from conflictmap.model import Article, Interval

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
