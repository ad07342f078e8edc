"""The render index: what `conflictmap render` needs, beside events.geojson."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conflictmap import gctools
from conflictmap.model import (
    Event,
)
from conflictmap.outputset import atomic_files, finish_pending
from conflictmap.records import _dumps, _orjson, _short
from conflictmap.writers import write_geojson

log = logging.getLogger(__name__)

RENDER_INDEX_FORMAT = "conflictmap-render-index"
RENDER_INDEX_VERSION = 1


def render_index_path(events_file: str | os.PathLike[str]) -> Path:
    """events.geojson -> events.render.json beside it."""
    path = Path(events_file)
    return path.with_name(f"{path.stem}.render.json")


def _file_sha1(path: Path) -> str:
    import hashlib

    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha1").hexdigest()


def write_render_index(events: Sequence[Event], geojson: str | os.PathLike[str],
                       path: str | os.PathLike[str]) -> None:
    """The render index of ``events``, which ``geojson`` (already written, closed) holds.

    Line 1 is a header naming the GeoJSON file's size and SHA-1 and the SHA-1 of line 2,
    the payload (render.index_payload: the events as columns, the page frames, the side
    labels). ``conflictmap render`` uses it only while both digests match; otherwise it
    reads the GeoJSON. Not atomic by itself: write it to a path from atomic_files.
    """
    from conflictmap.render import index_payload

    source = Path(geojson)
    payload = _dumps(index_payload(events))
    header = {"format": RENDER_INDEX_FORMAT, "version": RENDER_INDEX_VERSION,
              "store": {"size": source.stat().st_size, "sha1": _file_sha1(source)},
              "payload": {"size": len(payload), "sha1": _sha1(payload)}}
    with open(path, "wb") as handle:
        handle.write(json.dumps(header).encode("ascii") + b"\n")
        handle.write(payload)
        handle.write(b"\n")
        handle.flush()
        os.fsync(handle.fileno())


def write_indexed_geojson(events: Sequence[Event], path: str | os.PathLike[str]) -> None:
    """``path`` (a .geojson) and its render index beside it, replaced together, as
    ``conflictmap build`` writes them."""
    target = Path(path)
    with atomic_files(target.parent) as stage:
        geojson = stage(target.name)
        write_geojson(events, geojson)
        write_render_index(events, geojson, stage(render_index_path(target).name))


def _sha1(data: bytes) -> str:
    import hashlib

    return hashlib.sha1(data).hexdigest()


class _Stale(Exception):
    """The render index does not belong to the events file as it is now."""


def read_render_index(events_file: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The payload of the render index beside ``events_file`` (a .geojson), or None: when
    there is none (silently), or it is damaged, of another version, or not of the file as
    it is now (one warning line). Never raises."""
    source = Path(events_file)
    if source.suffix.lower() != ".geojson":
        return None
    finish_pending(source.parent)  # a set an interrupted build left half replaced
    path = render_index_path(source)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("%s: cannot read the render index (%s); reading %s", path, _short(exc),
                    source.name)
        return None
    try:
        return _index_payload(raw, source)
    except _Stale as exc:
        log.warning("%s: %s; reading %s instead", path, exc, source.name)
    except Exception as exc:  # a damaged index is only a slower render
        log.warning("%s: not a usable render index (%s); reading %s instead", path,
                    _short(exc), source.name)
    return None


def _index_payload(raw: bytes, source: Path) -> dict[str, Any]:
    line, _, payload = raw.partition(b"\n")
    header = json.loads(line)
    if not isinstance(header, dict) or header.get("format") != RENDER_INDEX_FORMAT:
        raise ValueError("not a render index")
    if header.get("version") != RENDER_INDEX_VERSION:
        raise _Stale(f"render index version {header.get('version')!r}, expected "
                     f"{RENDER_INDEX_VERSION}")
    store, body = header["store"], header["payload"]
    payload = payload[:-1] if payload.endswith(b"\n") else payload
    if len(payload) != body["size"] or _sha1(payload) != body["sha1"]:
        raise ValueError("its digest does not match its content")
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise _Stale(f"cannot read {source.name} ({_short(exc)})") from None
    if size != store["size"] or _file_sha1(source) != store["sha1"]:
        raise _Stale(f"out of date ({source.name} has changed since the index was written)")
    orjson = _orjson()
    with gctools.paused():
        data = orjson.loads(payload) if orjson is not None else json.loads(payload)
    if not isinstance(data, dict):
        raise ValueError("the payload is not an object")
    return data

