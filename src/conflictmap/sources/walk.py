"""The files to read: the inputs given, folders walked in sorted order without recursion
(a tree a thousand folders deep is walked like a flat one), each file named by its path
relative to the input it came from, with the input's own name first when several are given
(``nos/001.txt`` and ``rd/001.txt`` stay two articles).

What the walk leaves alone is reported to ``on_skip``: hidden files and folders, files of
another kind, symlinked folders (``Skip.not_read``: counted in the run's summary, listed
with -v), and a folder that cannot be listed (a warning: the rest is read)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path

from conflictmap.sources.common import _SURROGATE, Skip, SkipHandler

log = logging.getLogger(__name__)

Entry = tuple[str, str, bool, bool]  # (name, path, is a directory, to descend into)


def name_suffix(name: str) -> str:
    """Path(name).suffix.lower(), without making a Path."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def listing(root: Path, on_skip: SkipHandler | None = None,
            ) -> Iterator[tuple[tuple[str, ...], str, bool]]:
    """(parts relative to ``root``, path, is a directory) of everything under ``root``
    that is not hidden (no part starts with "."), in the order of their parts: what
    ``sorted(root.rglob("*"))`` lists, less the hidden, with os.scandir (3-4x faster on a
    folder of 100,000 files). Walking each folder's entries sorted by name is sorting the
    whole paths by their parts, so the listing streams: it holds the folders being walked
    (a stack, not recursion: any depth), not the tree. Like rglob it does not descend into
    a symlinked folder or one it may not read; a root it cannot list raises OSError (at
    once)."""
    return _walk(_entries(str(root), on_skip, top=True), on_skip)


def _entries(folder: str, on_skip: SkipHandler | None, top: bool = False) -> list[Entry]:
    """The folder's entries that are not hidden, sorted by name; none when it cannot be
    read (OSError for the top folder)."""
    try:
        with os.scandir(folder) as entries:
            listed = list(entries)
    except OSError as exc:
        if top:
            raise
        if on_skip is not None:
            on_skip(Skip(_shown(folder), "unreadable", f"cannot list the folder "
                         f"({exc.strerror or exc}); the files beside it are read"))
        return []
    found = []
    for entry in listed:
        if entry.name.startswith("."):
            if on_skip is not None:
                on_skip(Skip(_shown(entry.path), "hidden", "hidden (its name starts with "
                             "'.'); give it by name to read it"))
            continue  # and everything under it
        try:
            is_dir = entry.is_dir()  # follows a symlink, like Path.is_dir
        except OSError:
            is_dir = False
        linked = is_dir and entry.is_symlink()
        if linked and on_skip is not None:
            on_skip(Skip(_shown(entry.path), "symlinked folder", "a symlinked folder is not "
                         "followed (it may loop); give it by name to read it"))
        found.append((entry.name, entry.path, is_dir, is_dir and not linked))
    found.sort(key=_first)
    return found


def _walk(top: list[Entry], on_skip: SkipHandler | None,
          ) -> Iterator[tuple[tuple[str, ...], str, bool]]:
    stack: list[tuple[Iterator[Entry], tuple[str, ...]]] = [(iter(top), ())]
    while stack:
        entries, parts = stack[-1]
        for name, path, is_dir, descend in entries:
            here = (*parts, name)
            yield here, path, is_dir
            if descend:
                stack.append((iter(_entries(path, on_skip)), here))
                break  # the folder's entries first, then the rest of this one's
        else:
            stack.pop()


_first = itemgetter(0)


def _shown(path: str) -> str:
    return _SURROGATE.sub("\ufffd", path)


def input_labels(paths: list[str | Path]) -> list[str]:
    """The name each input gives its articles' names: when several folders are given, a
    folder's own name ("." resolved to the folder's name); else "" (a file given by name
    is named by its own name, and a single folder's files by their path in it)."""
    folders = [Path(given).is_dir() for given in paths]
    if sum(folders) < 2:
        return [""] * len(paths)
    return [(Path(given).name or Path(given).resolve().name or str(given)) if is_dir else ""
            for given, is_dir in zip(paths, folders, strict=True)]


def expand(paths: Iterable[str | Path], suffixes: frozenset[str], on_skip: SkipHandler,
           ) -> Iterator[tuple[str, str]]:
    """(path, name) of every file to read, in reading order; a file given by name is read
    whatever its suffix (as text when it is of no known kind)."""
    given_paths = list(paths)
    for given, label in zip(given_paths, input_labels(given_paths), strict=True):
        root = Path(given)
        if root.is_dir():
            try:
                found = listing(root, on_skip)
            except OSError as exc:
                on_skip(Skip(str(root), "unreadable",
                             f"cannot list the folder ({exc.strerror or exc}), expected a "
                             "readable folder of articles"))
                continue
            prefix = f"{label}/" if label else ""
            for parts, where, is_dir in found:
                if is_dir:
                    continue
                if name_suffix(parts[-1]) in suffixes:
                    name = prefix + "/".join(parts)
                    yield where, name if name.isascii() else _SURROGATE.sub("\ufffd", name)
                else:
                    on_skip(Skip(_shown(where), "other kind", "not an article file (expected "
                                 f"{', '.join(sorted(suffixes))})"))
        elif root.exists() or root.is_symlink():
            yield str(root), _SURROGATE.sub("\ufffd", root.name)
        else:
            on_skip(Skip(str(root), "missing", "no such file or directory"))
