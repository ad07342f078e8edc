"""Curated sites a town names: "the Mosul dam", "de kerncentrale van Zaporizja".

A site named by its town ("X dam", "the plant of X") is drawn at the town's point, which for
a dam, a nuclear plant or a border crossing may lie 40-50 km off. The site rows of
``gazetteer/extra_places.tsv`` (kind ``site``) give such a site its own point: when the
words that name a town's site end with one of a listed site's names, in the town's country,
the site is that listed one. Read once on first need.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from conflictmap.model import Place, PlaceKind
from conflictmap.names import name_key

FILE_NAME = "extra_places.tsv"


def _files() -> list[Path]:
    from conflictmap.gazetteer import PACKAGED, default_directory

    tree = Path(__file__).resolve().parents[2] / "gazetteer"
    return [default_directory() / FILE_NAME, tree / FILE_NAME, PACKAGED / FILE_NAME]


@lru_cache(maxsize=1)
def _sites() -> tuple[tuple[str, Place], ...]:
    """(folded name, place) of every site row of the first extra_places.tsv found."""
    from conflictmap.gazetteer import tsv_rows

    path = next((p for p in _files() if p.is_file()), None)
    if path is None:
        return ()
    out: list[tuple[str, Place]] = []
    for _, f in tsv_rows(path, 6):
        if f[1] != PlaceKind.SITE.value:
            continue
        place = Place(id=f[0], name=f[2], kind=PlaceKind.SITE, lat=float(f[3]),
                      lon=float(f[4]), country="" if f[5] in ("-", "--") else f[5],
                      admin1="", population=0)
        names = [f[2], *(f[6].split("|") if len(f) > 6 else [])]
        out += [(k, place) for k in {name_key(n) for n in names if n.strip()} if " " in k]
    return tuple(sorted(out, key=lambda pair: -len(pair[0])))


def listed_site(written: str, country: str) -> Place | None:
    """The listed site of ``country`` whose name of several words ends the words ``written``
    ("... seized the Mosul dam" -> Mosul Dam), else None."""
    key = name_key(written)
    for name, place in _sites():
        if place.country == country and (key == name or key.endswith(" " + name)):
            return place
    return None
