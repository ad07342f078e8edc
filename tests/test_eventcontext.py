"""eventcontext: the article's mentions and sentences, found by position."""

from __future__ import annotations

from datetime import date

from conflictmap.actors import ActorLexicon
from conflictmap.eventcontext import Context, sentence_at
from conflictmap.model import Article, Interval
from conflictmap.rules import load_language


def _context(spans: tuple[tuple[int, int], ...]) -> Context:
    day = date(2024, 1, 1)
    article = Article(id="a", text="x" * 40, published=day.isoformat(),
                      period=Interval(day, day, 1), lang="en")
    return Context(article, load_language("en"), (), (), spans, ActorLexicon.load())


def test_sentence_at_is_the_sentence_that_holds_a_position() -> None:
    ctx = _context(((0, 10), (11, 20), (21, 40)))
    assert [sentence_at(ctx, p) for p in (0, 9, 10, 11, 25, 39)] == [0, 0, 0, 1, 2, 2]
    assert sentence_at(_context(((5, 10),)), 2) == -1  # before the first sentence


def test_sentence_at_reads_each_articles_own_sentences() -> None:
    first, second = _context(((0, 10), (11, 40))), _context(((0, 30), (31, 40)))
    assert sentence_at(first, 20) == 1 and sentence_at(second, 20) == 0
    assert sentence_at(first, 20) == 1  # the second article's starts did not replace these
