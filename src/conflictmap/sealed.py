"""The checksummed blob codec of the cache: compact JSON (orjson when installed, the same
JSON as the standard library's) and a checksum sealed onto every stored blob.

SQLite checks its pages, not what a row holds: bytes changed inside a row pass its
integrity checks, and would change the outputs on every later run. Every blob the cache
stores is sealed (:func:`seal`: its checksum, then itself) and checked on read
(:func:`unseal`)."""

from __future__ import annotations

import hashlib

try:  # orjson is optional: 3-5x faster on the hot path, same JSON
    import orjson

    def dumps(obj: object) -> bytes:
        return orjson.dumps(obj)

    loads = orjson.loads
except ImportError:  # pragma: no cover - exercised where orjson is absent
    import json

    def dumps(obj: object) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    loads = json.loads


def seal(blob: bytes) -> bytes:
    """``blob`` as the cache stores it: its checksum (:func:`checksum`), then itself."""
    return checksum(blob) + blob


def unseal(sealed: bytes) -> bytes | None:
    """What :func:`seal` sealed; None when the checksum does not hold."""
    sealed = bytes(sealed)
    if len(sealed) < 16 or checksum(sealed[16:]) != sealed[:16]:
        return None
    return sealed[16:]


def checksum(data: bytes) -> bytes:
    """A 16-byte checksum (SHA-256: hardware on most CPUs, unlike BLAKE2b)."""
    return hashlib.sha256(data).digest()[:16]
