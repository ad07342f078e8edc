"""Sentence spans."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictmap.text import sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Rebellen namen Hama in. Het leger trok zich terug.",
     ["Rebellen namen Hama in.", "Het leger trok zich terug."]),
    ("Gen. Smith said the U.S. troops left. They did.",
     ["Gen. Smith said the U.S. troops left.", "They did."]),
    ("Volgens o.a. de VN is dat zo. Klopt.", ["Volgens o.a. de VN is dat zo.", "Klopt."]),
    ('"We took Bakhmut." Then A. Jansen spoke!', ['"We took Bakhmut."', "Then A. Jansen spoke!"]),
    ("Aleppo in handen van rebellen\n\nVorige week nam HTS Aleppo in.",
     ["Aleppo in handen van rebellen", "Vorige week nam HTS Aleppo in."]),
    ("Is Bakhmut gevallen? Ja.", ["Is Bakhmut gevallen?", "Ja."]),
    ("Het is 3.5 km van Homs. Echt.", ["Het is 3.5 km van Homs.", "Echt."]),
    ("Op 6 dec. 2024 viel Homs.", ["Op 6 dec. 2024 viel Homs."]),
    ("   ", []),
    ("NOS Nieuws • vandaag, 11:51 • Rebellen nemen Aleppo in",
     ["NOS Nieuws", "vandaag, 11:51", "Rebellen nemen Aleppo in"]),
    ("BBC News · 2 hours ago · Rebels enter Homs",
     ["BBC News", "2 hours ago", "Rebels enter Homs"]),
    ("Hama•Homs", ["Hama•Homs"]),
    # Page furniture: a dateline or a time stamp is cut off the sentence it opens, a
    # related-links line is no sentence of the article.
    ("KARSK, Veldland, Dec 5 (Reuters) - Forces took Karsk.",
     ["KARSK, Veldland, Dec 5 (Reuters) -", "Forces took Karsk."]),
    ("DOVRA/SARN (ANP/AFP) - Rebellen namen Dovra in.",
     ["DOVRA/SARN (ANP/AFP) -", "Rebellen namen Dovra in."]),
    ("Sarn (AFP) —The army left Sarn.", ["Sarn (AFP) —", "The army left Sarn."]),
    ("BELTAN, 3 maart - Het leger trok zich terug.",
     ["BELTAN, 3 maart -", "Het leger trok zich terug."]),
    ("Bijgewerkt gisteren, 08:10 Milities nemen Karsk in",
     ["Bijgewerkt gisteren, 08:10", "Milities nemen Karsk in"]),
    ("Radio Een • zaterdag 4 mei 2024, 21:05 • Rebels enter Dovra",
     ["Radio Een", "zaterdag 4 mei 2024, 21:05", "Rebels enter Dovra"]),
    ("Related: Karsk falls to rebels\nThe army held Dovra.", ["The army held Dovra."]),
    ("WATCH: Rebels enter Sarn\nBekijk ook: Leger verlaat Sarn\nThe army held Dovra.",
     ["The army held Dovra."]),
    ("Lees ook: Dovra gevallen. Sarn ook.\n\nHet leger hield Karsk.", ["Het leger hield Karsk."]),
    ("Foto: ANP - Soldaten in Dovra, zondag.", ["Foto: ANP -", "Soldaten in Dovra, zondag."]),
    ("Liveblog\n16:32 Vliegveld Karsk in handen van rebellen",
     ["Liveblog", "16:32", "Vliegveld Karsk in handen van rebellen"]),
    ("@karsk_news: De vlag wappert op het stadhuis.",
     ["@karsk_news:", "De vlag wappert op het stadhuis."]),
    ("Flag up over Sarn. — Jan Peters (@jpeters) May 2, 2024",
     ["Flag up over Sarn.", "— Jan Peters (@jpeters) May 2, 2024"]),
    # ... but not an acronym in running text, a bare clock time or a dash inside a sentence
    ("The UN - and the AU - said so.", ["The UN - and the AU - said so."]),
    ("At 10:30 Russian troops entered Kherson.", ["At 10:30 Russian troops entered Kherson."]),
    ("He said: Related: no.", ["He said: Related: no."]),
    ("The army - which (@x) said - left.", ["The army - which (@x) said - left."]),
])
def test_text_sentence_spans(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


@given(st.text(alphabet=st.sampled_from(list("ab .?!\n\"'AB1")), max_size=60))
def test_text_spans_are_ordered_trimmed_and_inside(text: str) -> None:
    previous_end = 0
    for start, end in sentence_spans(text):
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end


@pytest.mark.parametrize("text", [
    "Het einde. -\nVolgende zin.", "Zin een. (\n\nD. Jansen zei.", "Mr. (\n\nD.AaMr. B(\xa0 ",
    "Dr.\nX. Hallo.\n\nfoo... Bar!\nbaz.\n", "a. b\n\n\nC", "\n", "",
])
def test_text_lines_split_alone_give_the_whole_texts_spans(text: str) -> None:
    from conflictmap.text import line_bounds, sentence_spans_by_line

    pieces, position = [], 0
    while position <= len(text):
        start, end = line_bounds(text, position)
        pieces += sentence_spans(text, start, end)
        position = end + 1
    assert pieces == sentence_spans(text)
    assert sentence_spans_by_line(text, {}) == sentence_spans(text)
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    for chosen in (starts[::2], starts[1::2], starts[-1:], starts):
        split = {a: sentence_spans(text, *line_bounds(text, a)) for a in chosen}
        assert sentence_spans_by_line(text, split) == sentence_spans(text), chosen


_PIECES = [*"aB. !?…\n\t\"'”)(“-[Dr.A1", "Mr. ", ". -\n", ". (\n\nX"]


@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_text_line_split_property(text: str) -> None:
    test_text_lines_split_alone_give_the_whole_texts_spans(text)


@pytest.mark.parametrize(
    "text", ["woord " * 2000, "x" * 5000, ("lange zin zonder punt " * 300) + "."])
def test_text_overlong_sentences_are_cut_at_whitespace(text):
    from conflictmap.text import MAX_SENTENCE_CHARS

    spans = sentence_spans(text)
    assert all(0 < end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    assert all(text[start:end] == text[start:end].strip() for start, end in spans)
    covered = sum(end - start for start, end in spans)
    assert covered >= len(text.strip()) - len(spans)  # only the cut spaces are left out


def test_text_whole_words_widens_a_window_to_word_boundaries() -> None:
    from conflictmap.text import whole_words

    text = "seized Djibo in northern Burkina Faso"
    a, b = whole_words(text, 2, text.index("northern") + 3, 0, len(text))
    assert text[a:b] == "seized Djibo in northern"
    assert whole_words(text, 3, 10, 1, 12) == (1, 12)  # never past the bounds

