"""What the reader decides from the other files, decided again when a file is replayed
from its manifest: whether each of its articles is new, whether each of its duplicates
still has an article read before it with its id and its text, and whether each short item
would take the same language from its folder. None of it is ever taken from the cache as
a fact of the file: it depends on what this run read before the file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from conflictmap.articles import ArticleReader, Skip, majority
from conflictmap.manifests import Manifest, Part
from conflictmap.model import Event
from conflictmap.replay import KnownRun


def decided(manifest: Manifest, reader: ArticleReader, name: str) -> Counter[str] | None:
    """What the reader decides from the other files, decided again for the file's articles
    against what this run has read before it: each of its articles is new; each of its
    duplicates has an article read before with its id and its text; each short item that
    took its folder's language would take the same. Then the counts of its folder's
    languages after the file (reading order kept: a tie goes to the language counted
    first); None when a decision is another now (the file is then read)."""
    ids, langs, where = manifest.ids, manifest.langs, manifest.where
    seen = reader.seen
    if len(set(ids)) != len(ids) or not seen.keys().isdisjoint(ids):
        return None  # an article of the file would now be a duplicate, or renamed
    counts = Counter(reader.languages(name))
    done = 0
    index: dict[str, int] | None = None
    for entry in manifest.other:
        kind, position = entry[0], entry[1]
        if kind == "s":
            continue
        counts.update(langs[done:position])
        if kind == "f":
            if majority(counts) != langs[position]:
                return None  # the folder's language is another now
            done = position + 1
            continue
        done = position
        _, _, article_id, _, digest, lang = entry
        first = seen.get(article_id)
        if first is None:  # a duplicate of an article before it in the file, if any
            if index is None:
                index = {article_id: i for i, article_id in enumerate(ids)}
            at = index.get(article_id, len(ids))
            first = where[at] if at < position else None
        if first is None or first.partition("\x00")[2] != digest:
            return None  # the id is new now, or was read first with another text
        if lang:
            counts[lang] += 1
    counts.update(langs[done:])
    return counts


def replayed(parsed: Manifest, name: str, reader: ArticleReader,
             reports: list[Sequence[Event]], languages: Counter[str]) -> KnownRun:
    """The file's articles from its manifest and their reports, with its skips reported,
    its ids taken and its folder's languages counted (``languages``: as :func:`decided`
    found them after the file)."""
    done = 0
    for entry in parsed.other:  # in order, so a duplicate names where its id was first read
        if entry[0] == "f":
            continue
        position = entry[1]
        reader.seen.update(zip(parsed.ids[done:position], parsed.where[done:position],
                               strict=True))
        done = position
        if entry[0] == "d":
            reader.duplicate(entry[2], name, entry[3])
        else:
            reader.on_skip(Skip(name, entry[2], entry[3], entry[4]))
    reader.seen.update(zip(parsed.ids[done:], parsed.where[done:], strict=True))
    counts = reader.languages(name)
    counts.clear()
    counts.update(languages)
    if not len(parsed.ids) == len(parsed.langs) == len(parsed.keys) == len(reports):
        raise ValueError("a manifest's columns differ in length")
    return KnownRun(parsed.ids, parsed.langs, parsed.keys, reports)


def known_run(part: Part, first: int, end: int, reader: ArticleReader,
              reports: list[Sequence[Event]], name: str) -> KnownRun | None:
    """The part's articles ``first:end`` (of files without skips, duplicates or articles
    that took their folder's language; ``name``: the first file's), with their ids taken
    and their languages counted; None when an id is not new (the files are then replayed
    one by one)."""
    ids = part.ids[first:end]
    seen = reader.seen
    if len(set(ids)) != len(ids) or not seen.keys().isdisjoint(ids):
        return None
    seen.update(zip(ids, part.where[first:end], strict=True))
    langs = part.langs[first:end]
    reader.languages(name).update(langs)
    return KnownRun(ids, langs, part.keys[first:end], reports[first:end])
