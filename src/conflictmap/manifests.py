"""What an article file gave when it was read, as the cache keeps it (a *manifest*): in
reading order, each article's id, language, cache key and where it was read, each skip
and each duplicate, with what the reader decided from the other files kept as what it was
decided from (``redecide``). A JSON Lines file has a manifest of its own; a part of a
folder's other files one for all of them (:class:`Part`)."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from typing import Any

from conflictmap.articles import ArticleReader, Skip
from conflictmap.cache import article_key
from conflictmap.filestate import STAMP_BYTES, Content, FileState, StrPath, folder_state
from conflictmap.model import Article
from conflictmap.sealed import dumps, loads

log = logging.getLogger(__name__)


# bump when the manifest's form changes (6: a duplicate's digest and language, the articles
# that took their folder's language; 7: a short item that declares its language no longer
# takes its folder's, which a manifest of 6 may hold as decided; 8: nor does one whose
# summary told its language)
MANIFEST = 8
FOLDER_FORM = 5  # bump when a folder manifest's form changes (5: as MANIFEST 8)


_PASSING = frozenset({"unreadable", "missing", "directory", "special"})
"""Skips of a whole file that say nothing lasting about its content (permissions, a file
that vanished or was swapped): a file that gave one is not given a manifest."""


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


def file_id(path: StrPath, name: str) -> str:
    """The manifest's row: the file's absolute path and the name articles carry."""
    return f"{os.path.abspath(path)}\x00{name}"


class Recorder:
    """What one file gave, in order, as columns: each article's id, language, key and
    where it was read; and each skip (``["s", position, reason, message, line]``),
    duplicate (``["d", position, id, line, digest of its text, the language it counted for
    its folder or ""]``) and article that took its folder's language (``["f", position]``),
    ``position`` being the number of articles before it. What the reader decided from the
    other files (a duplicate, a folder's language) is kept with what it was decided from,
    so that a replay decides it again (:func:`redecide.decided`)."""

    def __init__(self, reader: ArticleReader, version: str,
                 before: Manifest | None = None) -> None:
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

    def columns(self) -> Manifest:
        """What the file gave, as a manifest's columns (for a folder part's manifest)."""
        keys = bytes(self.keys)
        return Manifest(self.ids, self.langs, self.where,
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


@dataclass(frozen=True, slots=True)
class Manifest:
    """A stored manifest, checked: the article columns and the other entries."""

    ids: list[str]
    langs: list[str]
    where: list[str]
    keys: list[bytes]
    # ("s", position, reason, message, line), ("d", position, id, line, digest, language)
    # or ("f", position): see Recorder
    other: list[tuple[Any, ...]]
    content: Content | None  # what a JSON Lines file held
    version: str | None  # the extraction version its keys are of


def parse_manifest(manifest: bytes, name: str) -> Manifest | None:
    """The manifest's columns, or None when it is not one."""
    try:
        return manifest_columns(loads(manifest))
    except (ValueError, TypeError, KeyError, IndexError):
        log.debug("%s: unreadable manifest; reading the file", name)
        return None


def manifest_columns(data: Any, entries: bool = True) -> Manifest:
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
    return Manifest(ids, langs, where, [raw[i:i + 20] for i in range(0, len(raw), 20)], other,
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


@dataclass(frozen=True, slots=True)
class Part:
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

    def manifest(self, base: str) -> Manifest:
        """The file's own manifest."""
        _, first, count = self.files[base]
        end = first + count
        return Manifest(self.ids[first:end], self.langs[first:end], self.where[first:end],
                         self.keys[first:end], self.other.get(base, []), None, self.version)


# what a folder part's new manifest takes for a file: the old part's entry for it
# (stamp, first article, count), or the manifest of what reading it gave
Kept = tuple[str, bytes, "tuple[int, int] | Manifest"]


def folder_manifest(version: str, part: Part | None, files: list[Kept]) -> bytes:
    """The manifest of a folder part: per file its name, stamp and number of articles, its
    skips and duplicates (``[file, entry...]``), and the article columns of all files.
    ``part``: the part's old manifest, which kept files' entries point into."""
    names, stamps, counts, other = [], [], [], []
    ids: list[str] = []
    langs: list[str] = []
    where: list[str] = []
    keys: list[bytes] = []
    for index, (base, stamp, source) in enumerate(files):
        if isinstance(source, Manifest):
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


def parse_folder(manifest: bytes, row: str) -> Part | None:
    """The folder part's manifest, or None when it is not one."""
    try:
        data = loads(manifest)
        if data.get("folder") != FOLDER_FORM:
            raise ValueError("not a folder manifest of this form")
        columns = manifest_columns(data, entries=False)  # its entries name their file first
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
    return Part(columns.version, names, files, other, columns.ids, columns.langs,
                 columns.where, columns.keys)
