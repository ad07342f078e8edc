"""Files the cache already holds are not read again.

For every article file it reads, a run with a cache stores a *manifest* beside the reports:
the file's stamp (size, modification and change times, inode, and the extraction version)
and, in reading order, what the file gave: each article's id, language and cache key, each
skipped line with its reason, and each duplicate id. The next run stats the file; when the
stamp is the same it replays the manifest instead of opening the file: the articles come
back as :class:`KnownArticle` (their reports are fetched by key), the skips are reported
again, and the ids count for duplicate detection exactly as if the file had been read.

What the reader decides from the other files is never taken from a manifest: whether an
article is a duplicate (an id read before with the same text) and the language a short
item takes from its folder are decided again at every replay against what this run read
before the file, from what the manifest keeps of each (a duplicate's id and text digest,
the languages counted). A manifest is only trusted when replaying it gives what reading
would: every article's reports are still cached, and every such decision is what it was.
Otherwise the file is read as usual (its articles' reports are still cached). A file that
changes while it is read, or changed less than ``filestate.RACY_NS`` ago, gets no
manifest. So adding one article file to a corpus of a hundred thousand reads that one
file, and changing a rules or gazetteer file (a new version) reads everything again. A
JSON Lines file that only grew (the bytes it had are the same, by their hash, and ended
with a line break) is replayed up to where it ended and read from there, so appending one
article to a feed of a hundred thousand reads that one line.

The other article files of a folder (one article per file, as a newsroom export or a
scraper writes them) are remembered together, in *parts* of about FOLDER_SPLIT files: one
manifest holds each file's name, stamp and what it gave, and one pack all their reports.
A part ends before a file whose name hashes to a multiple of FOLDER_SPLIT, so adding or
removing a file rewrites the manifest of its own part only, wherever it sorts. A cached
run then costs a folder a stat per file and a lookup per part, and a run of unchanged
files is replayed in one step.

The modules it uses, data flowing down: ``filestate`` (whether a file changed),
``manifests`` (what a file gave, as stored), ``redecide`` (what depends on the other
files, decided again), ``replay`` (the replayed articles and their reports from packs).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from conflictmap import gctools, replay
from conflictmap.articles import LINES_SUFFIXES, ArticleReader, name_suffix
from conflictmap.cache import ReportCache
from conflictmap.filestate import (
    Content,
    FileState,
    StrPath,
    folder_state,
    grown_content,
    whole_content,
)
from conflictmap.manifests import (
    Kept,
    Manifest,
    Recorder,
    file_id,
    file_state,
    folder_manifest,
    parse_folder,
    parse_manifest,
)
from conflictmap.model import Article
from conflictmap.redecide import decided, known_run, replayed
from conflictmap.replay import KnownArticle, KnownRun, file_reports, reports_of

log = logging.getLogger(__name__)

__all__ = ["KnownArticle", "KnownRun", "articles"]


def articles(paths: Iterable[str | Path], reader: ArticleReader, cache: ReportCache,
             version: str, *, runs: bool = False,
             ) -> Iterator[Article | KnownArticle | KnownRun]:
    """Every article of ``paths`` in reading order: read from the files that changed since
    the last run, replayed from their manifests for the rest; a JSON Lines file that only
    grew is replayed up to where it ended and read from there. Manifests of the files read
    are stored when the stream is exhausted. With ``runs``, the articles replayed together
    (a file, a run of a folder part's files) come as one :class:`KnownRun`."""
    fresh: list[tuple[str, bytes, bytes]] = []
    counts = {"read": 0, "unchanged": 0, "appended to": 0}
    for label, files in _units(reader.files(paths)):
        if label is None:
            items = _feeds(files, reader, cache, version, fresh, counts)
        else:
            items = _folder(files, label, reader, cache, version, fresh, counts)
        for item in items:
            if isinstance(item, KnownRun) and not runs:
                yield from item
            else:
                yield item
    log.info("files: %s", ", ".join(f"{n} {what}" for what, n in counts.items()))
    try:
        cache.put_files(fresh)
    except Exception as exc:  # a full disk or a locked file costs only the next run's speed
        log.warning("%s: cannot store file manifests (%s); the next run reads every file",
                    cache.path, exc)


def _feeds(files: Files, reader: ArticleReader, cache: ReportCache,
           version: str, fresh: list[tuple[str, bytes, bytes]], counts: dict[str, int],
           ) -> Iterator[Article | KnownRun]:
    """JSON Lines files, each with a manifest of its own (and packs of its reports)."""
    for path, name, row, state, stored, before, blobs in _looked_up(files, cache, version):
        whole: Content | None = None
        after = (0, 0)
        recorder = Recorder(reader, version)
        if state is not None and stored is not None and before is not None:
            if stored[0] == state.stamp:
                known = _replay(before, row, name, reader, cache, blobs)
                if known is not None:
                    counts["unchanged"] += 1
                    yield known
                    continue
            elif (before.version == version  # the manifest's keys are of this version
                  and (grown := grown_content(path, state, before.content)) is not None):
                known = _replay(before, row, name, reader, cache)
                if known is not None:
                    yield known
                    counts["appended to"] += 1
                    whole, after = grown, (before.content.size, before.content.lines)
                    recorder = Recorder(reader, version, before)
        if after == (0, 0):
            counts["read"] += 1
        yield from _recorded(path, name, reader, recorder, after)
        if (state is not None and state.settled and not recorder.passing
                and file_state(path, version) == state):
            if whole is None:
                whole = whole_content(path, state.size)
            if whole is not None:
                fresh.append((row, state.stamp, recorder.manifest(whole)))


def _recorded(path: StrPath, name: str, reader: ArticleReader, recorder: Recorder,
              after: tuple[int, int] = (0, 0)) -> Iterator[Article]:
    """The file's articles, read, with what it gives recorded."""
    reader.on_skip = recorder.skip
    renamed = reader.renamed
    try:
        for article in reader.read(path, name, after):
            recorder.article(article)
            yield article
    finally:
        reader.on_skip = recorder.forward
    if reader.renamed != renamed:  # an id kept as id~2 depends on the other files read
        recorder.passing = True


FOLDER_SPLIT = 1024
"""A folder's files are remembered in parts of about this many files: a part ends before
a file whose name hashes to a multiple of it, so that adding or removing a file changes
one part's manifest, wherever the file sorts."""


FOLDER_MAX = 8192
"""Files in one part at most (a run of names that do not split)."""


Files = list[tuple[StrPath, str]]


def _units(files: Iterable[tuple[StrPath, str]]) -> Iterator[tuple[str | None, Files]]:
    """The files in reading order, in runs: (None, JSON Lines files, remembered one by
    one), or (label, a part of one folder's other files, remembered together). The label
    names the part within its folder: "" for the folder's first part, else the name of the
    file it starts with (a part starts after a split, or where a subfolder or a JSON Lines
    file came between the folder's files), made unique within the run."""
    run: Files = []
    label: str | None = None
    folder: tuple[str, str] | None = None  # (directory, name's directory) of the run
    labels: set[tuple[str, str, str]] = set()  # the parts named so far
    last = ""  # the name of the run's last file

    def start(base: str) -> str:
        assert folder is not None
        name = base if (*folder, "") in labels else ""
        while (*folder, name) in labels:  # a folder given twice
            name += "\x00+"
        labels.add((*folder, name))
        return name

    for path, name in files:
        head, _, base = name.rpartition("/")
        if name_suffix(base) in LINES_SUFFIXES:  # is_json_lines, from the name at hand
            if label is not None or len(run) >= LOOK_AHEAD:
                if run:
                    yield label, run
                run, label, folder = [], None, None
            run.append((path, name))
            continue
        here = (os.fspath(path).rpartition(os.sep)[0], head)
        if here != folder:
            if run:
                yield label, run
            run, folder = [], here
            label = start(base)
        elif len(run) >= FOLDER_MAX or _splits(base) or base <= last:
            # (a name that does not sort after the last: the folder is listed again, or
            # files were given in another order)
            yield label, run
            run, label = [], start(base)
        run.append((path, name))
        last = base
    if run:
        yield label, run


def _splits(base: str) -> bool:
    """True when a folder's part starts at the file of this name (by a hash of the name)."""
    return zlib.crc32(base.encode("utf-8", "surrogatepass")) % FOLDER_SPLIT == 0


def _folder_row(path: StrPath, name: str, label: str) -> str:
    """The row of the folder part that starts with this file: the folder's absolute path,
    the name's directory, and the part's label (:func:`_units`; the folder's first part
    keeps its row when a file sorts before its first)."""
    head = name.rpartition("/")[0]
    return f"folder\x00{os.path.abspath(os.path.dirname(path))}\x00{head}\x00{label}"


def _folder(files: Files, label: str, reader: ArticleReader, cache: ReportCache,
            version: str, fresh: list[tuple[str, bytes, bytes]], counts: dict[str, int],
            ) -> Iterator[Article | KnownRun]:
    """The articles of a part of a folder (its files that are not JSON Lines), remembered
    in one manifest with the reports of all its articles packed together: a folder of one
    article per file costs a cached run a lookup per part rather than per file, and a run
    of unchanged files is replayed in one step."""
    row = _folder_row(*files[0], label)
    now = time.time_ns()
    with gctools.paused():  # many small objects, no cycles (gctools)
        states = [folder_state(path, now) for path, _ in files]
        stored = _stored_files(cache, [row]).get(row)
        part = parse_folder(stored[1], row) if stored is not None else None
        if part is not None and part.version != version:
            part = None  # its keys are of other rules: nothing in it can be replayed
        bases = [name.rpartition("/")[2] for _, name in files]
        same: list[tuple[int, int] | None] = []  # per file: its articles in the part, if same
        for base, state in zip(bases, states, strict=True):
            entry = part.files.get(base) if part is not None and state is not None else None
            same.append(entry[1:] if entry is not None and entry[0] == state.stamp else None)
    reader.prefetch(file for file, unchanged in zip(files, same, strict=True) if unchanged is None)
    reports = file_reports(row, part.keys, cache) if part is not None and any(same) else None
    kept: list[Kept] = []
    changed = part is None or len(part.names) != len(files)
    i = one_by_one = 0  # files before one_by_one are not tried as a run again
    while i < len(files):
        # a run of unchanged files, none with a skip or duplicate, whose articles follow
        # each other in the part: replayed at once when its ids are all new
        j, end = i, same[i][0] if same[i] is not None else -1
        while (i >= one_by_one and reports is not None and j < len(files)
               and same[j] is not None and same[j][0] == end and bases[j] not in part.other):
            end += same[j][1]
            j += 1
        if j > i:
            first = same[i][0]
            with gctools.paused():
                known = known_run(part, first, end, reader, reports, files[i][1])
            if known is not None:
                yield known
                counts["unchanged"] += j - i
                kept.extend((bases[k], states[k].stamp, same[k]) for k in range(i, j))
                i = j
                continue
            one_by_one = j  # an id is not new: these files go one by one, as files do
        (path, name), state, base, unchanged = files[i], states[i], bases[i], same[i]
        i += 1
        if unchanged is not None:
            first, count = unchanged
            manifest = part.manifest(base)
            languages = decided(manifest, reader, name)
            if languages is not None:
                found = (reports[first:first + count] if reports is not None
                         else reports_of(manifest.keys, cache))
                if found is not None:
                    counts["unchanged"] += 1
                    yield replayed(manifest, name, reader, found, languages)
                    kept.append((base, state.stamp, unchanged))
                    continue
        changed = True
        counts["read"] += 1
        recorder = Recorder(reader, version)
        yield from _recorded(path, name, reader, recorder)
        if (state is not None and state.settled and not recorder.passing
                and folder_state(path) == state):
            kept.append((base, state.stamp, recorder.columns()))
    if changed or len(kept) != len(part.names):
        fresh.append((row, b"", folder_manifest(version, part, kept)))


def _replay(parsed: Manifest, row: str, name: str, reader: ArticleReader, cache: ReportCache,
            looked_up: dict[bytes, bytes] | None = None) -> KnownRun | None:
    """The file's articles from its manifest, with its skips reported and its ids taken;
    None (and nothing done) when the manifest cannot stand for reading the file."""
    languages = decided(parsed, reader, name)
    if languages is None:
        return None
    reports = file_reports(row, parsed.keys, cache, looked_up)
    if reports is None:
        log.debug("%s: reports missing from the cache; reading the file", name)
        return None
    return replayed(parsed, name, reader, reports, languages)


LOOK_AHEAD = 256
"""Files whose stored manifests (and, for small unchanged files, cached reports) are
fetched together, a query for many rather than two for each file: a folder of one
article per file spends most of a cached run on such lookups."""


def _looked_up(files: Iterable[tuple[StrPath, str]], cache: ReportCache, version: str,
               ) -> Iterator[tuple[StrPath, str, str, FileState | None, tuple[bytes, bytes] | None,
               Manifest | None, dict[bytes, bytes]]]:
    """Each file with its row, state, stored manifest (raw and parsed) and the report blobs
    of a small file whose stamp is unchanged, looked up LOOK_AHEAD files at a time."""
    iterator = iter(files)
    while chunk := list(islice(iterator, LOOK_AHEAD)):
        rows = [file_id(path, name) for path, name in chunk]
        states = [file_state(path, version) for path, _ in chunk]
        stored = _stored_files(cache, [r for r, st in zip(rows, states, strict=True)
                                       if st is not None])
        items, wanted = [], []
        for (path, name), row, state in zip(chunk, rows, states, strict=True):
            found = stored.get(row) if state is not None else None
            before = parse_manifest(found[1], name) if found is not None else None
            if (state is not None and found is not None and before is not None
                    and found[0] == state.stamp
                    and len(before.keys) < replay.PACK_MIN_ARTICLES):
                wanted.extend(before.keys)
            items.append((path, name, row, state, found, before))
        blobs = cache.get_many(wanted, count=False) if wanted else {}
        for item in items:
            yield (*item, blobs)


def _stored_files(cache: ReportCache, rows: list[str]) -> dict[str, tuple[bytes, bytes]]:
    try:
        return cache.get_files(rows)
    except sqlite3.Error as exc:
        log.debug("manifests unreadable (%s); reading the files", exc)
        return {}
