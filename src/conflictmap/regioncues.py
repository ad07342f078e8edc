"""Which names a region word marks as regions: "provincie Hama", "provincies Daraa en
Sweida", "Idlib province", "Hama and Homs provinces" (a region word before or after the name,
across a list). Split from ``toponyms``, which finds the names and resolves them with these
cues (``placechoice``)."""

from __future__ import annotations

from conflictmap.toponym_words import (
    LIST_WORDS,
    REGION_AFTER,
    REGION_BEFORE,
    REGION_PLURAL,
    _Span,
    _Toks,
    apposition,
)

_CLOSING = LIST_WORDS - {"of"}  # a list word after a region word ("of" is also "province of X")


def region_cues(
    toks: _Toks, spans: list[_Span], by_first: dict[int, _Span], by_last: dict[int, _Span],
    countries: set[int] | frozenset[int] = frozenset(),
) -> list[bool]:
    """For each span: True for 'provincie Hama', 'provincies Daraa en Sweida', 'Idlib
    province', 'Hama and Homs provinces': a region word before or after the name (across a
    list). ``by_first``/``by_last``: the spans by their first and last word; ``countries``:
    the words of country names ("United States and Turkey" is no list of states).

    Linear in the number of words: a walk that reaches the next name of a list takes that
    name's answer (computed first) instead of walking the rest of the list again."""
    words = toks.words
    before: dict[int, bool] = {}  # id(span) -> a region word before it, across a list
    single: set[int] = set()  # id(span) of those whose region word is singular
    for span in spans:
        i, found = span.first - 1, False
        while i >= 0:
            w = words[i].lower()
            if w in REGION_BEFORE and i not in countries:
                # "Abyan province, and Jaar": a comma after the word ends its reach, and
                # so does a sentence's end ("in Nimroz province. Sheberghan, the capital")
                # nor does a list word right after it: "Pokrovsk in the Donetsk region and
                # of Vovchansk": the region word closed the name before it
                found = not any(c in toks.text[toks.ends[i]:toks.starts[i + 1]]
                                for c in ",.;!?") and words[i + 1].lower() not in _CLOSING
                if w not in REGION_PLURAL:
                    single.add(id(span))
                break
            prev = by_last.get(i)
            if prev is not None:
                # "de hoofdstad van de provincie Helmand, Lashkar Gah": after one province
                # a name set off by a comma alone is an apposition, not a second province
                gap = toks.text[toks.ends[prev.last]:toks.starts[span.first]]
                found = before.get(id(prev), False) and not (
                    id(prev) in single and gap.strip() == ",")
                if id(prev) in single:
                    single.add(id(span))
                break
            if w == "en" and i > 0 and "," in toks.text[toks.ends[i - 1]:toks.starts[i]]:
                break  # "de provincie Abyan, en Jaar": a Dutch ", en" ends an apposition
            if w in LIST_WORDS or w in ("de", "the", "of", "van"):
                i -= 1
            else:
                break
        before[id(span)] = found
    after: dict[int, bool] = {}  # id(span) -> a region word after it, across a list
    plural: set[int] = set()  # id(span) of those whose region word after is plural
    for span in reversed(spans):
        j, found = span.last + 1, False
        while j < toks.n:
            w = words[j].lower()
            if w in REGION_AFTER:
                # "Idlib province", not "Palmyra, state television reported"
                found = toks.joined(j - 1)
                if w in REGION_PLURAL:
                    plural.add(id(span))
                break
            nxt = by_first.get(j)
            if nxt is not None:
                # "Singa (Sennar state)": a bracket locates the name, it lists no region;
                # nor does a comma before one province ("Aybak, Samangan Province": the
                # town, then its province), unlike "Hama and Homs provinces"
                gap = toks.text[toks.ends[j - 1]:toks.starts[j]]
                found = after.get(id(nxt), False) and "(" not in gap and not (
                    gap.strip() == "," and id(nxt) not in plural)
                if id(nxt) in plural:
                    plural.add(id(span))
                break
            if w in LIST_WORDS:
                j += 1
            else:
                break
        after[id(span)] = found
    return [before[id(s)] or apposition(toks, s.last + 1) or after[id(s)] for s in spans]
