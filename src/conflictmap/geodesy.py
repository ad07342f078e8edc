"""Distances on the earth, in one place: the great-circle distance (haversine) that the
extractor, the airport table and the scorer's mirror (``evaluate``) all use, and the flat
approximation that ranking place candidates uses where it is asked many times per mention.
Both take (lat, lon) in degrees (model.Place's order)."""

from __future__ import annotations

import math
from typing import Protocol

EARTH_RADIUS_KM = 6371.0088
"""The mean earth radius (IUGG), as ../shared/eval/score.py reckons it."""


class _Located(Protocol):
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def km_between(a: _Located, b: _Located) -> float:
    """Great-circle distance in kilometres between two located things (places, airports)."""
    return km(a.lat, a.lon, b.lat, b.lon)


def flat_km(a: _Located, b: _Located) -> float:
    """The equirectangular approximation of :func:`km_between`: within a fraction of a percent
    at the few hundred kilometres candidate ranking compares, and cheaper."""
    dlat = math.radians(b.lat - a.lat)
    dlon = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return EARTH_RADIUS_KM * math.hypot(dlat, dlon)
