"""Display names of gazetteer places (helper p8)."""
from conflictmap.gazetteer import default_gazetteer


def test_no_transliterated_ayn_before_a_name() -> None:
    # geonames writes "'Ārdamatā": the ayn is no part of the name a map or a report shows
    names = [p.name for p in default_gazetteer().lookup("Ardamata")]
    assert "Ardamata" in names
    assert not any(n.startswith("'") for n in names)
