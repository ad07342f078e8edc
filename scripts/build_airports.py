"""Rebuild gazetteer/airports.tsv: the airports a site "the airport of X" is placed at.

Source: the airportsdata package (https://github.com/mborsetti/airportsdata, MIT licence),
about 28,000 airports with ICAO and IATA codes, name, city, country and coordinates. Kept:
every airport with an IATA code, and outside the countries with the most private strips
(US, CA, AU, BR) the air bases, military airfields and named airports without one (about
13,000 rows, under 1 MB). The file ships in the repository; only this script needs the
package: pip install -e ".[build-data]".
"""

from __future__ import annotations

import re
from pathlib import Path

import airportsdata

OUT = Path(__file__).resolve().parents[1] / "gazetteer" / "airports.tsv"
# a field with no IATA code is kept only when its name says it is an airport or air base
_NAMED = re.compile(r"air ?base|air force|military|airfield|airport|\bAB\b|\bAFB\b|naval air",
                    re.IGNORECASE)
_MANY_STRIPS = {"US", "CA", "AU", "BR"}


def _clean(value: object) -> str:
    return str(value).replace("\t", " ").replace("\n", " ").strip()


def main() -> None:
    rows = []
    for icao, a in sorted(airportsdata.load("ICAO").items()):
        if not a["iata"] and (a["country"] in _MANY_STRIPS or not _NAMED.search(a["name"])):
            continue
        rows.append("\t".join((_clean(icao), _clean(a["iata"]), _clean(a["name"]),
                               _clean(a["city"]), _clean(a["country"]),
                               f"{float(a['lat']):.5f}", f"{float(a['lon']):.5f}")))
    header = ["# Airports and air bases: data from airportsdata "
              "(https://github.com/mborsetti/airportsdata), MIT licence.",
              "# Built by scripts/build_airports.py; do not edit by hand.",
              "# icao\tiata\tname\tcity\tcountry\tlat\tlon"]
    OUT.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(rows)} airports")


if __name__ == "__main__":
    main()
