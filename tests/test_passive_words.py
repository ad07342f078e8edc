"""triggers._passive: when the words before a trigger hold no word of an auxiliary, the
answer (False) comes without blanking relative clauses; the same answers as reading the
blanked words on every word of the main sentence table."""

from __future__ import annotations

from pathlib import Path

from conflictmap.rules import load_language
from conflictmap.text import whole_words
from conflictmap.triggers import _passive, without_relatives


def _passive_read(rules, text: str, seg_start: int, start: int) -> bool:  # type: ignore[no-untyped-def]
    a, _ = whole_words(text, max(seg_start, start - 80), start, seg_start, start)
    before = without_relatives(rules, text[a:start], start - a)
    aux = list(rules.markers.passive_aux.finditer(before))
    if not aux:
        return False
    return not rules.markers.active_aux.search(before[aux[-1].start():])


def test_passive_as_read_in_full() -> None:
    rows = [line.split("\t") for line in
            Path(__file__).with_name("data").joinpath("sentences.tsv").read_text(
                encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for lang in ("en", "nl"):
        rules = load_language(lang)
        texts = [r[2] for r in rows if len(r) > 2 and r[0] == lang][:400]
        assert texts
        for text in texts:
            for start in [i for i in range(1, len(text)) if text[i - 1] == " "]:
                assert _passive(rules, text, 0, start) == _passive_read(rules, text, 0, start), (
                    text, start)
