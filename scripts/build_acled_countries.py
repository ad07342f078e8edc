"""Rebuild src/conflictmap/data/acled_countries.tsv: ISO 3166-1 alpha-2 code, numeric code
(ACLED's ``iso`` column) and the country's short English name (ACLED's ``country``).

Names: pycountry's common name where it has one, else the gazetteer's country name (short
forms such as "Russia"), with the few names ACLED writes otherwise in ACLED_NAMES.
Needs the build-data extra (pycountry): pip install -e ".[build-data]".
"""

from __future__ import annotations

from pathlib import Path

import pycountry

from conflictmap.gazetteer import default_gazetteer

OUT = Path(__file__).resolve().parents[1] / "src" / "conflictmap" / "data" / "acled_countries.tsv"
ACLED_NAMES = {
    "CD": "Democratic Republic of Congo",
    "CG": "Republic of Congo",
    "PS": "Palestine",
    "CI": "Ivory Coast",
    "US": "United States",
    "GB": "United Kingdom",
    "CZ": "Czech Republic",
    "MK": "North Macedonia",
    "TR": "Turkey",
    "SZ": "eSwatini",
}


def main() -> None:
    gazetteer = default_gazetteer()
    lines = ["# alpha-2\tISO 3166-1 numeric (ACLED iso)\tcountry name as ACLED writes it",
             "# built by scripts/build_acled_countries.py"]
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        place = gazetteer.country_place(code)
        name = (ACLED_NAMES.get(code) or getattr(country, "common_name", None)
                or (place.name if place else country.name))
        lines.append(f"{code}\t{int(country.numeric)}\t{name}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines) - 2} countries)")


if __name__ == "__main__":
    main()
