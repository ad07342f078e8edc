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
changes while it is read, or changed less than ``RACY_NS`` ago, gets no manifest. So
adding one article file to a corpus of a hundred thousand reads that one file, and
changing a rules or gazetteer file (a new version) reads everything again. A JSON Lines
file that only grew (the bytes it had are the same, by their hash, and ended with a line
break) is replayed up to where it ended and read from there, so appending one article to
a feed of a hundred thousand reads that one line.

The other article files of a folder (one article per file, as a newsroom export or a
scraper writes them) are remembered together, in *parts* of about FOLDER_SPLIT files: one
manifest holds each file's name, stamp and what it gave, and one pack all their reports.
A part ends before a file whose name hashes to a multiple of FOLDER_SPLIT, so adding or
removing a file rewrites the manifest of its own part only, wherever it sorts. A cached
run then costs a folder a stat per file and a lookup per part, and a run of unchanged
files is replayed in one step.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import struct
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from conflictmap import gctools
from conflictmap.articles import LINES_SUFFIXES, ArticleReader, Skip, majority, name_suffix
from conflictmap.cache import ReportCache, article_key
from conflictmap.model import Article, Event
from conflictmap.packs import encode_pack, open_pack
from conflictmap.reportrows import decode_events
from conflictmap.sealed import dumps, loads
from conflictmap.sources import resumable

log = logging.getLogger(__name__)

StrPath = str | os.PathLike[str]

MANIFEST = 6  # bump when the manifest's form changes (6: a duplicate's digest and language,
# the articles that took their folder's language)
RACY_NS = 2_000_000_000
"""A file changed less than this long ago gets no manifest yet: file times come from a
coarse clock (a few ms), so two writes of the same size within one tick could share a
stamp (git's "racy clean" problem, solved the same way)."""


_PASSING = frozenset({"unreadable", "missing", "directory", "special"})
"""Skips of a whole file that say nothing lasting about its content (permissions, a file
that vanished or was swapped): a file that gave one is not given a manifest."""


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """An article of an unchanged file: its reports are in the cache under ``key``
    (a tuple, or ``packs.PackedReports``: built when first read)."""

    id: str
    lang: str
    key: bytes
    reports: Sequence[Event]


@dataclass(frozen=True, slots=True)
class KnownRun(Sequence[KnownArticle]):
    """Consecutive articles of unchanged files, replayed together: a sequence of
    :class:`KnownArticle` held as columns (their ids, languages, cache keys and reports),
    so that a run that consumes them in bulk (``pipeline.stream_events``) makes no object
    per article. Given by :func:`articles` with ``runs=True``."""

    ids: Sequence[str]
    langs: Sequence[str]
    keys: Sequence[bytes]
    reports: Sequence[Sequence[Event]]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return KnownArticle(self.ids[index], self.langs[index], self.keys[index],
                            self.reports[index])

    def __iter__(self) -> Iterator[KnownArticle]:
        return map(KnownArticle, self.ids, self.langs, self.keys, self.reports)


class FileState(NamedTuple):
    """A file as stat() sees it: its stamp, size, and whether it is settled (unchanged for
    RACY_NS, so that a later change moves its stamp). A named tuple: a folder part makes
    one per file, and a frozen dataclass costs three times as much to make."""

    stamp: bytes
    size: int
    settled: bool


def file_state(path: StrPath, version: str) -> FileState | None:
    """The file's state now (None when it cannot be stat'ed): :func:`folder_state` with
    the manifest's form and the extraction version hashed into the stamp (a JSON Lines
    file's manifest is a row of its own)."""
    state = folder_state(path)
    if state is None:
        return None
    stamp = hashlib.blake2b(f"{MANIFEST}|{version}|".encode("utf-8", "surrogatepass")
                            + state.stamp, digest_size=16).digest()
    return state._replace(stamp=stamp)


@dataclass(frozen=True, slots=True)
class Content:
    """What the first ``size`` bytes of a JSON Lines file hold: their hash, their number
    of lines, and whether they end with a line break (so that lines appended after them
    are new lines)."""

    size: int
    digest: str
    lines: int
    complete: bool


def content(path: StrPath, size: int, upto: int | None = None,
            ) -> tuple[Content | None, Content | None]:
    """(the file's first ``upto`` bytes, its first ``size`` bytes), hashed in one pass; None
    for a part the file no longer holds. SHA-256: where the CPU has instructions for it
    (x86 since about 2019, ARMv8) it is 2.5 times as fast as BLAKE2b (a 140 MB feed: 0.12 s
    against 0.29 s on the benchmark machine)."""
    digest = hashlib.sha256()
    lines, last, done = 0, b"", 0
    found: dict[int, Content] = {}
    with open(path, "rb") as handle:
        for mark in sorted({size} | ({upto} if upto is not None else set())):
            while done < mark:
                chunk = handle.read(min(1 << 20, mark - done))
                if not chunk:
                    return found.get(upto) if upto is not None else None, None
                digest.update(chunk)
                lines += chunk.count(b"\n")
                last = chunk[-1:]
                done += len(chunk)
            found[mark] = Content(mark, digest.hexdigest(), lines, last in (b"", b"\n"))
    return (found.get(upto) if upto is not None else None), found.get(size)


def file_id(path: StrPath, name: str) -> str:
    """The manifest's row: the file's absolute path and the name articles carry."""
    return f"{os.path.abspath(path)}\x00{name}"


class _Recorder:
    """What one file gave, in order, as columns: each article's id, language, key and
    where it was read; and each skip (``["s", position, reason, message, line]``),
    duplicate (``["d", position, id, line, digest of its text, the language it counted for
    its folder or ""]``) and article that took its folder's language (``["f", position]``),
    ``position`` being the number of articles before it. What the reader decided from the
    other files (a duplicate, a folder's language) is kept with what it was decided from,
    so that a replay decides it again (:func:`_decided`)."""

    def __init__(self, reader: ArticleReader, version: str,
                 before: _Manifest | None = None) -> None:
        """``before``: the manifest of the file's first part, which reading goes on from."""
        self.ids: list[str] = list(before.ids) if before else []
        self.langs: list[str] = list(before.langs) if before else []
        self.where: list[str] = list(before.where) if before else []
        self.keys = bytearray(b"".join(before.keys)) if before else bytearray()
        self.other: list[list[Any]] = [list(e) for e in before.other] if before else []
        self._reader = reader
        self._version = version
        self.forward = reader.on_skip
        self.passing = False

    def skip(self, skip: Skip) -> None:
        if skip.reason in _PASSING and skip.line is None:
            self.passing = True  # a read error may pass: read the file again next time
        if skip.reason == "duplicate" and skip.article_id:
            # the same id and text as the article read first (a duplicate is that)
            digest = self._reader.seen[skip.article_id].partition("\x00")[2]
            lang, by_folder = self._reader.decided_lang
            self.other.append(["d", len(self.ids), skip.article_id, skip.line, digest,
                               "" if by_folder else lang])
        else:
            self.other.append(["s", len(self.ids), skip.reason, skip.message, skip.line])
        self.forward(skip)

    def article(self, article: Article) -> None:
        if self._reader.decided_lang[1]:
            self.other.append(["f", len(self.ids)])
        self.ids.append(article.id)
        self.langs.append(article.lang)
        self.where.append(self._reader.seen[article.id])
        self.keys += article_key(article, self._version)

    def columns(self) -> _Manifest:
        """What the file gave, as a manifest's columns (for a folder part's manifest)."""
        keys = bytes(self.keys)
        return _Manifest(self.ids, self.langs, self.where,
                         [keys[i:i + 20] for i in range(0, len(keys), 20)],
                         [tuple(entry) for entry in self.other], None, self._version)

    def manifest(self, whole: Content | None = None) -> bytes:
        """The manifest; ``whole``: for a JSON Lines file, what it held when read."""
        data: dict[str, Any] = {"version": self._version, "ids": self.ids,
                                "langs": self.langs, "where": self.where,
                                "keys": self.keys.hex(), "other": self.other}
        if whole is not None:
            data["content"] = [whole.size, whole.digest, whole.lines, whole.complete]
        return dumps(data)


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
        recorder = _Recorder(reader, version)
        if state is not None and stored is not None and before is not None:
            if stored[0] == state.stamp:
                known = _replay(before, row, name, reader, cache, blobs)
                if known is not None:
                    counts["unchanged"] += 1
                    yield known
                    continue
            elif (grown := _grown(path, state, before, version)) is not None:
                known = _replay(before, row, name, reader, cache)
                if known is not None:
                    yield known
                    counts["appended to"] += 1
                    whole, after = grown, (before.content.size, before.content.lines)
                    recorder = _Recorder(reader, version, before)
        if after == (0, 0):
            counts["read"] += 1
        yield from _recorded(path, name, reader, recorder, after)
        if (state is not None and state.settled and not recorder.passing
                and file_state(path, version) == state):
            if whole is None:
                whole = _whole(path, state.size)
            if whole is not None:
                fresh.append((row, state.stamp, recorder.manifest(whole)))


def _recorded(path: StrPath, name: str, reader: ArticleReader, recorder: _Recorder,
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
FOLDER_FORM = 3  # bump when a folder manifest's form changes (3: as MANIFEST 6)

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


_STAMP = struct.Struct("<QqqQQQ")
_pack_stamp = _STAMP.pack
STAMP_BYTES = _STAMP.size


def folder_state(path: StrPath, now: int | None = None) -> FileState | None:
    """A file's state for a folder part's manifest (None when it cannot be stat'ed): its
    size, modification and change times, inode, device and mode as they are (the part's
    manifest holds the extraction version once, for all its files). ``now``: the clock
    (time.time_ns), when the caller has read it for many files."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    size, mtime, ctime = info.st_size, info.st_mtime_ns, info.st_ctime_ns
    try:
        stamp = _pack_stamp(size, mtime, ctime, info.st_ino, info.st_dev, info.st_mode)
    except struct.error:  # a field beyond 64 bits (a file system's 128-bit file ids)
        parts = (size, mtime, ctime, info.st_ino, info.st_dev, info.st_mode)
        stamp = hashlib.blake2b(repr(parts).encode(), digest_size=STAMP_BYTES).digest()
    newest = mtime if mtime > ctime else ctime
    return FileState(stamp, size, (now or time.time_ns()) - newest >= RACY_NS)


@dataclass(frozen=True, slots=True)
class _Part:
    """A stored folder part's manifest, checked: per file its stamp, where its articles
    are in the columns, and its skips and duplicates; and the columns of all articles."""

    version: str
    names: list[str]
    files: dict[str, tuple[bytes, int, int]]  # file -> (stamp, first article, count)
    other: dict[str, list[tuple[Any, ...]]]
    ids: list[str]
    langs: list[str]
    where: list[str]
    keys: list[bytes]

    def manifest(self, base: str) -> _Manifest:
        """The file's own manifest."""
        _, first, count = self.files[base]
        end = first + count
        return _Manifest(self.ids[first:end], self.langs[first:end], self.where[first:end],
                         self.keys[first:end], self.other.get(base, []), None, self.version)


# what a folder part's new manifest takes for a file: the old part's entry for it
# (stamp, first article, count), or the manifest of what reading it gave
_Kept = tuple[str, bytes, "tuple[int, int] | _Manifest"]


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
        part = _parse_folder(stored[1], row) if stored is not None else None
        if part is not None and part.version != version:
            part = None  # its keys are of other rules: nothing in it can be replayed
        bases = [name.rpartition("/")[2] for _, name in files]
        same: list[tuple[int, int] | None] = []  # per file: its articles in the part, if same
        for base, state in zip(bases, states, strict=True):
            entry = part.files.get(base) if part is not None and state is not None else None
            same.append(entry[1:] if entry is not None and entry[0] == state.stamp else None)
    reader.prefetch(file for file, unchanged in zip(files, same, strict=True) if unchanged is None)
    reports = _file_reports(row, part.keys, cache) if part is not None and any(same) else None
    kept: list[_Kept] = []
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
                known = _known_run(part, first, end, reader, reports, files[i][1])
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
            languages = _decided(manifest, reader, name)
            if languages is not None:
                found = (reports[first:first + count] if reports is not None
                         else _reports_of(manifest.keys, cache))
                if found is not None:
                    counts["unchanged"] += 1
                    yield _replayed(manifest, name, reader, found, languages)
                    kept.append((base, state.stamp, unchanged))
                    continue
        changed = True
        counts["read"] += 1
        recorder = _Recorder(reader, version)
        yield from _recorded(path, name, reader, recorder)
        if (state is not None and state.settled and not recorder.passing
                and folder_state(path) == state):
            kept.append((base, state.stamp, recorder.columns()))
    if changed or len(kept) != len(part.names):
        fresh.append((row, b"", _folder_manifest(version, part, kept)))


def _known_run(part: _Part, first: int, end: int, reader: ArticleReader,
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


def _reports_of(keys: list[bytes], cache: ReportCache) -> list[tuple[Event, ...]] | None:
    """The reports of these keys, in order (None when one is not cached)."""
    rows = _cached_reports(keys, cache)
    return None if rows is None else [rows[key] for key in keys]


def _folder_manifest(version: str, part: _Part | None, files: list[_Kept]) -> bytes:
    """The manifest of a folder part: per file its name, stamp and number of articles, its
    skips and duplicates (``[file, entry...]``), and the article columns of all files.
    ``part``: the part's old manifest, which kept files' entries point into."""
    names, stamps, counts, other = [], [], [], []
    ids: list[str] = []
    langs: list[str] = []
    where: list[str] = []
    keys: list[bytes] = []
    for index, (base, stamp, source) in enumerate(files):
        if isinstance(source, _Manifest):
            manifest = source
        else:
            assert part is not None
            manifest = part.manifest(base)
        names.append(base)
        stamps.append(stamp)
        counts.append(len(manifest.ids))
        other.extend([index, *entry] for entry in manifest.other)
        ids += manifest.ids
        langs += manifest.langs
        where += manifest.where
        keys += manifest.keys
    return dumps({"version": version, "folder": FOLDER_FORM, "names": names,
                   "stamps": b"".join(stamps).hex(), "counts": counts, "other": other,
                   "ids": ids, "langs": langs, "where": where, "keys": b"".join(keys).hex()})


def _parse_folder(manifest: bytes, row: str) -> _Part | None:
    """The folder part's manifest, or None when it is not one."""
    try:
        data = loads(manifest)
        if data.get("folder") != FOLDER_FORM:
            raise ValueError("not a folder manifest of this form")
        columns = _columns(data, entries=False)  # its entries name their file first
        names, counts, stamps = data["names"], data["counts"], bytes.fromhex(data["stamps"])
        if not (type(names) is type(counts) is list and len(names) == len(counts)
                and len(stamps) == STAMP_BYTES * len(names) and len(set(names)) == len(names)
                and all(type(n) is str for n in names)
                and all(type(c) is int and c >= 0 for c in counts)
                and sum(counts) == len(columns.ids) and type(columns.version) is str):
            raise ValueError("files and articles do not agree")
        files: dict[str, tuple[bytes, int, int]] = {}
        first = 0
        for index, (base, count) in enumerate(zip(names, counts, strict=True)):
            files[base] = (stamps[STAMP_BYTES * index:STAMP_BYTES * (index + 1)], first, count)
            first += count
        other: dict[str, list[tuple[Any, ...]]] = {}
        for item in data["other"]:
            index = item[0]
            if type(index) is not int or not 0 <= index < len(names):
                raise ValueError("file index")
            other.setdefault(names[index], []).append(_entry(item[1:], counts[index]))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        log.debug("%s: unreadable folder manifest; reading its files", row)
        return None
    return _Part(columns.version, names, files, other, columns.ids, columns.langs,
                 columns.where, columns.keys)


LOOK_AHEAD = 256
"""Files whose stored manifests (and, for small unchanged files, cached reports) are
fetched together, a query for many rather than two for each file: a folder of one
article per file spends most of a cached run on such lookups."""


def _looked_up(files: Iterable[tuple[StrPath, str]], cache: ReportCache, version: str,
               ) -> Iterator[tuple[StrPath, str, str, FileState | None, tuple[bytes, bytes] | None,
                               _Manifest | None, dict[bytes, bytes]]]:
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
            before = _parse(found[1], name) if found is not None else None
            if (state is not None and found is not None and before is not None
                    and found[0] == state.stamp and len(before.keys) < PACK_MIN_ARTICLES):
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


def _whole(path: StrPath, size: int) -> Content | None:
    """What the JSON Lines file holds, or None when it can no longer be read whole."""
    try:
        return content(path, size)[1]
    except OSError as exc:
        log.debug("%s: cannot hash it (%s); no manifest", path, exc)
        return None


def _grown(path: StrPath, state: FileState, before: _Manifest, version: str) -> Content | None:
    """What the JSON Lines file holds now, when it is what it was plus lines appended (and
    the manifest's keys are of this extraction version)."""
    old = before.content
    if (old is None or not old.complete or state.size <= old.size or not resumable(path)
            or before.version != version):
        return None
    try:
        head, whole = content(path, state.size, old.size)
    except OSError:
        return None
    return whole if head is not None and head.digest == old.digest else None


@dataclass(frozen=True, slots=True)
class _Manifest:
    """A stored manifest, checked: the article columns and the other entries."""

    ids: list[str]
    langs: list[str]
    where: list[str]
    keys: list[bytes]
    # ("s", position, reason, message, line), ("d", position, id, line, digest, language)
    # or ("f", position): see _Recorder
    other: list[tuple[Any, ...]]
    content: Content | None  # what a JSON Lines file held
    version: str | None  # the extraction version its keys are of


def _parse(manifest: bytes, name: str) -> _Manifest | None:
    """The manifest's columns, or None when it is not one."""
    try:
        return _columns(loads(manifest))
    except (ValueError, TypeError, KeyError, IndexError):
        log.debug("%s: unreadable manifest; reading the file", name)
        return None


def _columns(data: Any, entries: bool = True) -> _Manifest:
    """The manifest's columns (ValueError, TypeError or KeyError when it is not one);
    without ``entries``, its other entries are left to the caller (a folder part's)."""
    ids, langs, where = data["ids"], data["langs"], data["where"]
    raw = bytes.fromhex(data["keys"])
    n = len(ids)
    if not (type(ids) is type(langs) is type(where) is list and len(langs) == len(where) == n
            and len(raw) == 20 * n):
        raise ValueError("columns of different lengths")
    if not all(type(x) is str for column in (ids, langs, where) for x in column):
        raise TypeError("expected strings")
    other = [_entry(item, n) for item in data["other"]] if entries else []
    known = data.get("content")
    if known is not None:
        size, digest, lines, complete = known
        if not (type(size) is int and type(digest) is str and type(lines) is int
                and type(complete) is bool):
            raise TypeError("content")
        known = Content(size, digest, lines, complete)
    version = data.get("version")
    if version is not None and type(version) is not str:
        raise TypeError("version")
    return _Manifest(ids, langs, where, [raw[i:i + 20] for i in range(0, len(raw), 20)], other,
                     known, version)


def _entry(item: Any, articles: int) -> tuple[Any, ...]:
    kind, position = item[0], item[1]
    if type(position) is not int or not 0 <= position <= articles:
        raise ValueError("position")
    if kind == "f" and len(item) == 2 and position < articles:
        return ("f", position)
    line = item[3] if kind == "d" else item[-1]
    if line is not None and type(line) is not int:
        raise TypeError("line")
    if (kind == "d" and len(item) == 6 and type(item[2]) is str and type(item[4]) is str
            and type(item[5]) is str):
        return ("d", position, item[2], line, item[4], item[5])
    if kind == "s" and len(item) == 5 and type(item[2]) is str and type(item[3]) is str:
        return ("s", position, item[2], item[3], line)
    raise ValueError(f"not a manifest entry: {str(item)[:60]}")


def _replay(parsed: _Manifest, row: str, name: str, reader: ArticleReader, cache: ReportCache,
            looked_up: dict[bytes, bytes] | None = None) -> KnownRun | None:
    """The file's articles from its manifest, with its skips reported and its ids taken;
    None (and nothing done) when the manifest cannot stand for reading the file."""
    languages = _decided(parsed, reader, name)
    if languages is None:
        return None
    reports = _file_reports(row, parsed.keys, cache, looked_up)
    if reports is None:
        log.debug("%s: reports missing from the cache; reading the file", name)
        return None
    return _replayed(parsed, name, reader, reports, languages)


def _replayed(parsed: _Manifest, name: str, reader: ArticleReader,
              reports: list[Sequence[Event]], languages: Counter[str]) -> KnownRun:
    """The file's articles from its manifest and their reports, with its skips reported,
    its ids taken and its folder's languages counted (``languages``: as :func:`_decided`
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


def _file_reports(row: str, keys: list[bytes], cache: ReportCache,
                  looked_up: dict[bytes, bytes] | None = None,
                  ) -> list[Sequence[Event]] | None:
    """The reports of the file's articles, in order; None when one is not cached.

    They come from the file's packs (``packs.encode_pack``: one blob for up to
    PACK_ARTICLES articles) as far as those hold the articles the manifest names, by the
    digest of their keys, and from the reports table for the rest; those are then packed,
    so the next run reads them in one piece. A pack that does not hold what the manifest
    names is replaced.
    """
    if len(keys) < PACK_MIN_ARTICLES:  # a pack of a few articles costs more than it saves
        rows = _cached_reports(keys, cache, looked_up)
        return None if rows is None else [rows[key] for key in keys]
    found: list[Sequence[Event]] = []
    packs = _stored_packs(cache, row)
    last_first, last_count = 0, PACK_ARTICLES  # the last pack used: where a repack starts
    with gctools.paused():
        for first, count, digest, blob in packs:
            if first != len(found) or _keys_digest(keys[first:first + count]) != digest:
                break
            try:
                decoded = open_pack(blob)
            except ValueError as exc:
                log.debug("%s: pack of articles %d+: %s", row, first, exc)
                break
            if len(decoded) != count:
                break
            found.extend(decoded)
            last_first, last_count = first, count
            if len(found) == len(keys):
                return found
    covered = len(found)
    rest = _cached_reports(keys[covered:], cache)
    if rest is None:
        return None
    found.extend(rest[key] for key in keys[covered:])
    # Full packs stay; a last one that is not full is packed again with what follows it,
    # so a feed that grows at every run keeps at most one small pack at its end.
    start = last_first if covered and last_count < PACK_ARTICLES else covered
    for first in range(start, len(keys), PACK_ARTICLES):
        end = min(first + PACK_ARTICLES, len(keys))
        if not _store_pack(cache, row, first, keys[first:end], found[first:end],
                           replace_from=first if first == start else None):
            break
    return found


PACK_ARTICLES = 25_000
"""Articles per pack at most: packing a file of a million articles holds the columns of
25,000 at a time, and each pack stays far below SQLite's blob limit."""
PACK_MIN_ARTICLES = 64
"""Files of fewer articles (a folder of one article per file) are not packed: their rows
are fetched as they are, which is cheaper than a pack's tables for so few."""


def _keys_digest(keys: list[bytes]) -> bytes:
    return hashlib.blake2b(b"".join(keys), digest_size=16).digest()


def _stored_packs(cache: ReportCache, row: str) -> list[tuple[int, int, bytes, bytes]]:
    try:
        return cache.get_packs(row)
    except sqlite3.Error as exc:
        log.debug("%s: packs unreadable (%s)", row, exc)
        return []


def _store_pack(cache: ReportCache, row: str, first: int, keys: list[bytes],
                reports: list[Sequence[Event]], *, replace_from: int | None) -> bool:
    """Pack those articles' reports; False when the cache cannot take it (an accelerator:
    the run goes on without)."""
    try:
        cache.put_pack(row, first, len(keys), _keys_digest(keys), encode_pack(reports),
                       replace_from=replace_from)
    except sqlite3.Error as exc:
        log.debug("%s: cannot store its pack (%s)", row, exc)
        return False
    return True


def _cached_reports(keys: list[bytes], cache: ReportCache,
                    looked_up: dict[bytes, bytes] | None = None,
                    ) -> dict[bytes, tuple[Event, ...]] | None:
    """Every key's decoded reports, or None when one is missing or does not decode.

    The reports are decoded now rather than as they stream: a run keeps every report
    until consolidation anyway, so this costs no memory at the peak. ``looked_up``: blobs
    fetched ahead (:func:`_looked_up`); a key they lack is asked of the cache.
    """
    reports: dict[bytes, tuple[Event, ...]] = {}
    for i in range(0, len(keys), _CHUNK):  # a chunk's blobs at a time, not the file's
        chunk = keys[i:i + _CHUNK]
        found = {k: looked_up[k] for k in chunk if k in looked_up} if looked_up else {}
        cache.hits += len(found)
        missing = [k for k in chunk if k not in found]
        if missing:
            found |= cache.get_many(missing)
        if len(found) != len(set(chunk)):
            return None
        try:
            with gctools.paused():
                reports.update((key, tuple(decode_events(blob))) for key, blob in found.items())
        except ValueError:
            return None
    return reports


_CHUNK = 2000


def _decided(manifest: _Manifest, reader: ArticleReader, name: str) -> Counter[str] | None:
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
