"""Rebuild src/conflictmap/data/countries.json from Natural Earth (naturalearth_lowres).

The source is the public-domain Natural Earth 1:110m countries file that pyogrio ships
as a test fixture. Geometries are simplified and quantised to 0.01 degrees, and each
ring is stored as delta-encoded integers: [x0, y0, dx1, dy1, ...] (lon, lat order).

Usage: python scripts/build_basemap.py [--tolerance 0.05]
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import pyogrio
import shapely

log = logging.getLogger(__name__)

OUT = Path(__file__).resolve().parents[1] / "src" / "conflictmap" / "data" / "countries.json"
SCALE = 100  # 0.01 degree


def _source() -> Path:
    return (
        Path(pyogrio.__file__).parent
        / "tests" / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
    )


def _encode_ring(coords: list[tuple[float, float]]) -> list[int]:
    out: list[int] = []
    px = py = 0
    for x, y in coords[:-1]:  # the ring closes itself
        ix, iy = round(x * SCALE), round(y * SCALE)
        if out and ix == px and iy == py:
            continue
        out += [ix - px, iy - py]
        px, py = ix, iy
    return out


def _encode(geom: shapely.Geometry, tolerance: float) -> list[list[int]]:
    geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    polys = list(getattr(geom, "geoms", [geom]))
    rings = [_encode_ring(list(p.exterior.coords)) for p in polys if not p.is_empty]
    return [r for r in rings if len(r) >= 6]


def build(tolerance: float) -> dict:
    df = pyogrio.read_dataframe(_source())
    countries = []
    for row in df.itertuples():
        rings = _encode(row.geometry, tolerance)
        if rings:
            label = row.geometry.representative_point()
            centre = [round(label.x * SCALE), round(label.y * SCALE)]
            countries.append({"n": row.name, "c": centre, "r": rings})
    return {
        "credit": "Made with Natural Earth (public domain), naturalearthdata.com",
        "scale": SCALE,
        "countries": countries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=0.05)
    args = parser.parse_args()
    data = build(args.tolerance)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), "utf-8")
    logging.basicConfig(level=logging.INFO)
    log.info("wrote %s (%d countries, %d bytes)", OUT, len(data["countries"]), OUT.stat().st_size)


if __name__ == "__main__":
    main()
