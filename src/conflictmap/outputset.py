"""Atomic output files: one file (:func:`atomic_write`) or a set of files replaced
together, all or none (:func:`atomic_files`).

The output set keeps its plain names in the output folder (``output/events.gpkg`` is the
file a GIS opens, never a link), and is switched with a commit journal:

1. every writer that writes into a folder holds the folder's lock (``flock`` on the folder
   itself: no lock file is left), so two runs never interleave their files; the first
   thing the holder does is to finish or remove what an interrupted run left there;
2. the new files are written into a fresh hidden folder beside the targets
   (``.conflictmap-staging.<pid>.<random>/``, the files under their plain names), each
   flushed to disk;
3. the journal ``.commit.json`` in it names the targets, flushed to disk: from here on the
   new set is the output, whatever happens;
4. each file is renamed over its target, and the staging folder removed.

A run killed before step 3 leaves the old set whole (the staging folder is removed by the
next writer); one killed during step 4 leaves a journal whose remaining renames the next
writer or reader (:func:`finish_pending`) completes. A rename that fails (a target that is
a folder, a read-only folder) puts back the targets already replaced, from hard links made
before the switch, so the old set stays whole.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STAGING = ".conflictmap-staging"
JOURNAL = ".commit.json"
JOURNAL_FORMAT = "conflictmap-output-set"
FAULT_ENV = "CONFLICTMAP_FAULT_AT"  # tests: SIGKILL this process at a named point


def fault(point: str) -> None:
    """A test's fault hook: the process kills itself (SIGKILL) at ``point`` when
    $CONFLICTMAP_FAULT_AT names it ("outputs:commit", "outputs:rename:2", ...)."""
    if os.environ.get(FAULT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _file_mode() -> int:
    """0o666 minus the umask: what a plain open() would have created."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- the folder's lock ----

_held: dict[tuple[int, int], int] = {}  # (device, inode) of a folder this process locks
_held_guard = threading.Lock()


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike[str], *, wait: bool = True) -> Iterator[bool]:
    """Hold the exclusive lock of ``folder`` (``flock`` on the folder itself). Yields True
    when this call took it (the outermost holder in this process), False when this process
    already held it or it cannot be had (a folder that cannot be opened or locked: the run
    goes on unlocked, as before locks) or, with ``wait=False``, another process holds it.
    Another process's lock is waited for, with one line."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield False
        return
    try:
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino)
        with _held_guard:
            depth = _held.get(key, 0)
            _held[key] = depth + 1
        try:
            yield depth == 0 and _flock(fd, Path(folder), wait)
        finally:
            with _held_guard:
                if _held[key] <= 1:
                    del _held[key]
                else:
                    _held[key] -= 1
    finally:
        os.close(fd)  # releases the lock


def _flock(fd: int, folder: Path, wait: bool) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        if not wait:
            return False
    except OSError as exc:  # a file system without locks
        log.debug("%s: cannot lock the folder (%s); writing without a lock", folder, exc)
        return False
    log.warning("%s: another conflictmap run is writing this folder; waiting for it to finish",
                folder)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return True


# ---- what interrupted runs leave ----

STALE_SECONDS = 5.0  # unlocked: a temp file untouched this long whose writer process is gone
_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.(?:tmp|staged.*)")
_STAGED_SET = re.compile(re.escape(STAGING) + r"\.(?P<pid>\d+)\.[A-Za-z0-9_]+")


def _temp_prefix(target: Path) -> str:
    """Temp files are named .<target>.<pid>.<random>: a later run can tell which ones a
    killed run (SIGKILL, power loss) left behind and remove them."""
    return f".{target.name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def remove_stale_temps(target: str | os.PathLike[str], *, locked: bool = False) -> list[Path]:
    """Remove the temp files of ``target`` that a killed run left. ``locked``: this process
    holds the folder's lock, so every temp file of our naming but this process's is stale,
    whatever its age; otherwise only those whose process is gone and that have not changed
    for STALE_SECONDS. Returns what was removed."""
    import time

    path = Path(target)
    removed = []
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{glob_escape(path.name)}.*"):
            found = _TEMP.fullmatch(leftover.name)
            if found is None or found["name"] != path.name:
                continue
            pid = int(found["pid"])
            with contextlib.suppress(OSError):
                if pid != os.getpid() and (locked or (
                        time.time() - leftover.stat().st_mtime >= STALE_SECONDS
                        and not _alive(pid))):
                    leftover.unlink()
                    removed.append(leftover)
    for leftover in removed:
        log.info("%s: removed a temp file left by an interrupted run", leftover)
    return removed


def _tidy(folder: Path) -> None:
    """With the folder's lock held: finish the output sets an interrupted run committed,
    and remove every other staged folder and staged file of our naming (not this
    process's). A writer's temp files are removed by :func:`remove_stale_temps`, per target:
    a shared folder may hold other programs' files of a like name."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        staged = _STAGED_SET.fullmatch(name)
        temp = _TEMP.fullmatch(name)
        found = staged or temp
        if found is None or int(found["pid"]) == os.getpid():
            continue
        path = folder / name
        if staged is not None and path.is_dir() and not path.is_symlink():
            _finish(path)
        elif temp is not None and ".staged" in name:  # an older version's staged file
            with contextlib.suppress(OSError):
                path.unlink()
                log.info("%s: removed a temp file left by an interrupted run", path)


def _finish(staging: Path) -> None:
    """Roll a staged set forward when its journal says it was committed; then remove it."""
    journal = staging / JOURNAL
    try:
        targets = _read_journal(journal)
    except FileNotFoundError:
        targets = None
    except (OSError, ValueError) as exc:
        log.warning("%s: a damaged output journal (%s); removing it", journal, exc)
        targets = None
    if targets is not None:
        for name, target in targets.items():
            source = staging / name
            if source.exists():
                try:
                    os.replace(source, target)
                except OSError as exc:
                    log.warning("%s: cannot finish the output set an interrupted run had "
                                "committed (%s)", target, exc.strerror or exc)
                    return
        _fsync_directory(staging.parent)
        log.warning("%s: finished replacing the outputs an interrupted run had begun to "
                    "replace", staging.parent)
    else:
        log.info("%s: removed the staged outputs of an interrupted run", staging)
    shutil.rmtree(staging, ignore_errors=True)


def _read_journal(journal: Path) -> dict[str, Path]:
    data = json.loads(journal.read_bytes())
    if not isinstance(data, dict) or data.get("format") != JOURNAL_FORMAT:
        raise ValueError("not an output journal")
    files = data["files"]
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and "/" not in k for k, v in files.items()):
        raise ValueError("not an output journal")
    return {name: Path(target) for name, target in files.items()}


def finish_pending(folder: str | os.PathLike[str]) -> None:
    """For readers: when an interrupted run left an output set half switched in ``folder``,
    finish it (if no other run holds the folder), so what is read is one set. Cheap when
    there is nothing to do; never raises."""
    path = Path(folder)
    try:
        if not any(name.startswith(STAGING) for name in os.listdir(path)):
            return
        with folder_lock(path, wait=False) as mine:
            if mine:
                _tidy(path)
            elif any((path / name / JOURNAL).exists() for name in os.listdir(path)
                     if name.startswith(STAGING)):
                log.warning("%s: another run is replacing these outputs right now", path)
    except OSError as exc:
        log.warning("%s: cannot finish the outputs an interrupted run left (%s)", path,
                    exc.strerror or exc)


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file to replace: a symlink is followed (the file it points to is updated, the
    link stays a link), as a plain open() for writing would."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    return target


def output_folder(directory: str | os.PathLike[str]) -> Path:
    """``directory``, made if missing; OSError naming it (and what was expected) when it is
    a file or cannot be made."""
    folder = Path(directory)
    if str(directory) == "":
        raise FileNotFoundError(errno.ENOENT, "expected a folder name, found an empty one", "")
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "is a file; expected a folder for the outputs",
                                 str(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a parent is a file
        raise NotADirectoryError(errno.ENOTDIR, "cannot make this folder (a part of its path "
                                 "is a file); expected a folder", str(folder)) from None
    except OSError as exc:
        raise type(exc)(exc.errno, f"cannot make this folder ({exc.strerror})",
                        str(folder)) from None
    return folder


def _named(exc: OSError, temps: dict[str, Path], default: Path | None) -> OSError:
    """``exc`` naming the target rather than one of our temp files (``temps``: a temp path
    or staging folder -> its target); an error naming no file names ``default``."""
    filename = None if exc.filename is None else str(exc.filename)
    if filename is None:
        if default is not None:
            exc.filename = str(default)
        return exc
    for temp, target in temps.items():
        if filename == temp or filename.startswith(temp + os.sep):
            exc.filename = str(target)
            exc.filename2 = None
            break
    return exc


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[Any]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    The new file gets the old file's permissions (or the umask's default, never mkstemp's
    0600). A target that exists and is not a regular file (``/dev/stdout``, a named pipe)
    is written directly: there is nothing to keep, and renaming over it would replace the
    device node. Errors name ``path``, never the temporary file.
    """
    kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
    if str(path) == "":
        raise FileNotFoundError(errno.ENOENT, "expected a file name, found an empty one", "")
    try:
        info = os.stat(path)  # follows symlinks: /dev/stdout -> /proc/self/fd/1 -> a pipe
    except (FileNotFoundError, NotADirectoryError):
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder; expected a file (or a new name)",
                                str(path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(path, mode, **kwargs) as handle:
            yield handle
        return
    target = _resolve_target(path)
    output_folder(target.parent)
    with folder_lock(target.parent) as first:
        if first:
            _tidy(target.parent)
        remove_stale_temps(target, locked=first)
        try:
            fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp",
                                       dir=target.parent)
        except OSError as exc:  # it names the temp file: name the target
            exc.filename, exc.filename2 = str(path), None
            raise
        try:
            os.fchmod(fd, stat.S_IMODE(info.st_mode) if info is not None else _file_mode())
            with os.fdopen(fd, mode, **kwargs) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise _named(exc, {tmp: Path(path)}, Path(path)) from exc
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    _fsync_directory(target.parent)


@contextlib.contextmanager
def atomic_files(directory: str | os.PathLike[str]) -> Iterator[Callable[[str], Path]]:
    """Write several files as one step: all of them replace the old ones, or none does
    (the module's docstring says how).

    ``stage(name)`` gives the path to write ``name`` to (with any writer, atomic or not),
    in a fresh staging folder; when the block ends without an exception the staged files
    replace their targets, otherwise they are removed and the old outputs stay as they
    were. Errors name the targets, never the staged files::

        with atomic_files(out_dir) as stage:
            write_geojson(events, stage("events.geojson"))
            write_csv(events, stage("events.csv"))
    """
    folder = output_folder(directory)
    with folder_lock(folder) as first:
        if first:
            _tidy(folder)
        staging: dict[Path, Path] = {}  # a target's folder -> its staging folder
        staged: list[tuple[Path, Path]] = []

        def stage(name: str) -> Path:
            target = _resolve_target(folder / name)
            remove_stale_temps(target, locked=first)
            if target.parent not in staging:
                try:
                    staging[target.parent] = Path(tempfile.mkdtemp(
                        prefix=f"{STAGING}.{os.getpid()}.", dir=target.parent))
                except OSError as exc:  # it names the new folder: name the target's
                    exc.filename, exc.filename2 = str(target.parent), None
                    raise
            path = staging[target.parent] / target.name
            staged.append((path, target))
            return path

        try:
            try:
                yield stage
            except OSError as exc:
                raise _named(exc, _temps(staged, staging), folder) from exc
            _switch(staged, staging)
        finally:
            for path in staging.values():
                shutil.rmtree(path, ignore_errors=True)
    _fsync_directory(folder)


def _temps(staged: list[tuple[Path, Path]], staging: dict[Path, Path]) -> dict[str, Path]:
    temps = {str(path): target for path, target in staged}
    temps |= {str(path): parent for parent, path in staging.items()}
    return temps


def _switch(staged: list[tuple[Path, Path]], staging: dict[Path, Path]) -> None:
    """Replace every target by its staged file (steps 3 and 4 of the module's docstring)."""
    temps = _temps(staged, staging)
    try:
        for path, target in staged:
            if not path.exists():
                raise FileNotFoundError(errno.ENOENT, "was never written", str(target))
            try:
                info = os.stat(target)
            except FileNotFoundError:
                info = None
            if info is not None and stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, "is a folder; expected a file (or no "
                                        "such name) for an output", str(target))
            os.chmod(path, stat.S_IMODE(info.st_mode) if info is not None else _file_mode())
            _fsync_file(path)
        fault("outputs:staged")
        backups = _backups(staged)
        for folder in staging.values():
            files = {path.name: str(target) for path, target in staged
                     if path.parent == folder}
            _write_journal(folder / JOURNAL, files)
    except OSError as exc:
        raise _named(exc, temps, None) from exc
    fault("outputs:commit")
    done: list[tuple[Path, Path]] = []
    try:
        for i, (path, target) in enumerate(staged, start=1):
            _replace(path, target)
            done.append((path, target))
            fault(f"outputs:rename:{i}")
    except OSError as exc:
        for folder in staging.values():
            with contextlib.suppress(OSError):
                (folder / JOURNAL).unlink()
        _roll_back(done, backups)
        raise _named(exc, temps, None) from exc
    for folder in staging.values():
        with contextlib.suppress(OSError):
            (folder / JOURNAL).unlink()
    for parent in staging:
        _fsync_directory(parent)


_replace = os.replace  # a test may make it fail


def _backups(staged: list[tuple[Path, Path]]) -> dict[Path, Path | None]:
    """A hard link to each existing target, in its staging folder (None: it did not
    exist), so a failing rename can put the old file back."""
    backups: dict[Path, Path | None] = {}
    for path, target in staged:
        backup = path.with_name(f".old.{target.name}")
        try:
            os.link(target, backup)
        except FileNotFoundError:
            backups[target] = None
            continue
        except OSError as exc:  # a file system without hard links: no way back for it
            log.debug("%s: no backup link (%s)", target, exc)
            continue
        backups[target] = backup
    return backups


def _roll_back(done: list[tuple[Path, Path]], backups: dict[Path, Path | None]) -> None:
    for _, target in reversed(done):
        if target not in backups:
            log.warning("%s: replaced, and cannot be put back (no backup)", target)
            continue
        backup = backups[target]
        try:
            if backup is None:
                os.unlink(target)
            else:
                os.replace(backup, target)
        except OSError as exc:
            log.warning("%s: cannot put the previous file back (%s)", target,
                        exc.strerror or exc)


def _write_journal(journal: Path, files: dict[str, str]) -> None:
    with open(journal, "wb") as handle:
        handle.write(json.dumps({"format": JOURNAL_FORMAT, "files": files}).encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    _fsync_directory(journal.parent)
