"""Distances on the earth: the haversine and its flat approximation."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from conflictmap.geodesy import flat_km, km, km_between


@dataclass(frozen=True)
class _Point:
    lat: float
    lon: float


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert 111.0 < km(10.0, 30.0, 11.0, 30.0) < 111.4


def test_aleppo_to_damascus() -> None:
    assert 300 < km_between(_Point(36.20, 37.16), _Point(33.51, 36.29)) < 320


lats = st.floats(min_value=-80, max_value=80)
lons = st.floats(min_value=-179, max_value=179)


@given(lats, lons, lats, lons)
def test_distance_is_symmetric_and_not_negative(a: float, b: float, c: float, d: float) -> None:
    assert km(a, b, c, d) >= 0
    assert abs(km(a, b, c, d) - km(c, d, a, b)) < 1e-6


@given(lats, lons, st.floats(min_value=-1, max_value=1), st.floats(min_value=-1, max_value=1))
def test_flat_distance_is_close_at_short_range(lat: float, lon: float, dlat: float,
                                               dlon: float) -> None:
    a, b = _Point(lat, lon), _Point(lat + dlat, lon + dlon)
    assert abs(flat_km(a, b) - km_between(a, b)) <= 0.01 * km_between(a, b) + 1e-6
