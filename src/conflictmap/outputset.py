"""Atomic output files: one file (:func:`atomic_write`) or a set of files replaced
together (:func:`atomic_files`)."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

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


STALE_SECONDS = 5.0  # a temp file untouched this long whose writer process is gone


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


def remove_stale_temps(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temp files of ``target`` that a killed run left (its process is gone and
    the file has not changed for STALE_SECONDS). Returns what was removed."""
    import time

    path = Path(target)
    removed = []
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{glob_escape(path.name)}.*"):
            parts = leftover.name[len(path.name) + 2:].split(".", 1)
            if len(parts) != 2 or not parts[0].isdigit() or not (
                    parts[1].endswith(".tmp") or ".staged" in parts[1]):
                continue
            pid = int(parts[0])
            with contextlib.suppress(OSError):
                fresh = time.time() - leftover.stat().st_mtime < STALE_SECONDS
                if pid != os.getpid() and not fresh and not _alive(pid):
                    leftover.unlink()
                    removed.append(leftover)
    for leftover in removed:
        log.info("%s: removed a temp file left by an interrupted run", leftover)
    return removed


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file to replace: a symlink is followed (the file it points to is updated, the
    link stays a link), as a plain open() for writing would."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    return target


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[Any]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    The new file gets the old file's permissions (or the umask's default, never mkstemp's
    0600). A target that exists and is not a regular file (``/dev/stdout``, a named pipe)
    is written directly: there is nothing to keep, and renaming over it would replace the
    device node.
    """
    kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
    try:
        info = os.stat(path)  # follows symlinks: /dev/stdout -> /proc/self/fd/1 -> a pipe
    except (FileNotFoundError, NotADirectoryError):
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        with open(path, mode, **kwargs) as handle:
            yield handle
        return
    target = _resolve_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, stat.S_IMODE(info.st_mode) if info is not None else _file_mode())
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(target.parent)


@contextlib.contextmanager
def atomic_files(directory: str | os.PathLike[str]) -> Iterator[Callable[[str], Path]]:
    """Write several files as one step: all of them replace the old ones, or none does.

    ``stage(name)`` gives a temporary path in ``directory`` to write ``name`` to (with any
    writer, atomic or not); when the block ends without an exception every staged file is
    renamed over its target, otherwise every staged file is removed and the old outputs
    stay as they were::

        with atomic_files(out_dir) as stage:
            write_geojson(events, stage("events.geojson"))
            write_csv(events, stage("events.csv"))
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []

    def stage(name: str) -> Path:
        target = _resolve_target(folder / name)
        remove_stale_temps(target)
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target),
                                   suffix=f".staged{target.suffix}", dir=target.parent)
        os.close(fd)
        os.unlink(tmp)  # writers (GDAL) may refuse an existing file; the name is ours
        staged.append((Path(tmp), target))
        return Path(tmp)

    try:
        yield stage
        for tmp, target in staged:
            if not tmp.exists():
                raise FileNotFoundError(f"staged output {target.name} was never written")
            mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _file_mode()
            os.chmod(tmp, mode)
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            for leftover in (tmp, *_sidecars(tmp)):
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
    _fsync_directory(folder)


def _sidecars(path: Path) -> list[Path]:
    """SQLite's journal files that GDAL may leave beside a GeoPackage."""
    return [path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm")]


