"""The small error hierarchy. Each also subclasses a builtin so callers can catch either.

Messages are one line: what file (and line) and what was expected.
"""

from __future__ import annotations

from pathlib import Path


class ConflictmapError(Exception):
    """Base of every error conflictmap raises on purpose (a user-facing problem)."""


def _where(path: str | Path | None, line: int | None) -> str:
    if path is None:
        return ""
    return f"{path}:{line}: " if line is not None else f"{path}: "


class InputError(ConflictmapError, ValueError):
    """A data file (article, gazetteer row, rules, overrides) is not what was expected."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.detail = message
        super().__init__(_where(path, line) + message)


class ArticleError(InputError):
    """An article file cannot be used. ``reason`` is a short category for run summaries."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None,
                 reason: str = "invalid"):
        super().__init__(message, path, line)
        self.reason = reason


class GazetteerError(InputError):
    """A gazetteer, alias or overrides file is malformed."""


class RulesError(InputError):
    """A language rules or actors file is malformed."""


class ConfigurationError(ConflictmapError, ValueError):
    """An option has a value outside its valid set."""


class GeocoderError(ConflictmapError, RuntimeError):
    """The optional online geocoder failed."""
