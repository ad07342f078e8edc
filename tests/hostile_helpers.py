"""Shared by the hostile-input tests: the payload corpus and the checks on CLI messages."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
# A sentence the extractor turns into an event, so hostile articles get a popup.
CAPTURE_NL = "Russische troepen hebben de Oekraïense stad Avdiivka ingenomen."
_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@cache
def _payloads() -> dict[str, list[str]]:
    return json.loads((HOSTILE / "payloads.json").read_text(encoding="utf-8"))


def markup_payloads() -> list[str]:
    """HTML/JavaScript injection payloads (each would set window.__pwned, open a dialog,
    change document.title, load 127.0.0.1:9 or navigate if it ever ran)."""
    return list(_payloads()["markup"])


def formula_payloads() -> list[str]:
    """Spreadsheet formula injection payloads."""
    return list(_payloads()["formula"])


def tagged(payload: str, i: int) -> str:
    """The payload with its flag value set to ``i`` so a failure names the payload."""
    return payload.replace("__pwned=1", f"__pwned={i}")


def assert_clean_stderr(err: str, *names: str) -> None:
    """No traceback; every message is one line (no raw control characters) and, when
    ``names`` are given, some error line names one of them."""
    assert "Traceback" not in err, err
    assert not _ESCAPE.search(err), repr(err)
    for line in err.splitlines():
        assert len(line) < 2000, line[:200]
    if names:
        errors = [ln for ln in err.splitlines() if "error" in ln.lower()]
        assert errors, err
        assert any(n in ln for ln in errors for n in names), (names, err)


def inventory() -> dict[str, int]:
    """How many bad and hostile inputs the tests try, by group (``python
    tests/hostile_helpers.py`` prints it). Tables are counted from the test modules."""
    import tempfile

    import test_cli_errors as cli
    import test_hostile_articles as arts
    import test_hostile_map as page
    import test_store as store

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "events.jsonl").write_text("{}\n")
        bad_events = len(cli._bad_events(Path(folder)))
    url_payloads = [p for p in markup_payloads() if ":" in p[:12] or p.startswith("//")]
    fields_per_payload = 13  # place name/id/country/admin1, gainer name/side, side label,
    # loser name, quote, title, url, article name, rule
    counts = {
        "bad article files (table)": len(arts.BAD_FILES),
        "encodings": len(arts.ENCODINGS),
        "JSON Lines files (several bad lines each)": len(arts.JSONL),
        "article url payloads": len(url_payloads),
        "huge/long/special/symlink/vanishing/unreadable/named/duplicate files": 24,
        "decode() byte strings": 10,
        "CLI option values": len(cli.USAGE_ERRORS),
        "malformed events files for render": bad_events,
        "other CLI mistakes (outputs, ranges, missing paths, subprocess)": 6 + 4 + 4 + 4 + 3,
        "gold files": len(cli.GOLD_ROWS) + 1,
        "overrides files": len(cli.OVERRIDES) + len(cli.OVERRIDES_HOSTILE) + 2,
        "gazetteer data files": len(cli.GAZETTEER_ROWS) + len(cli.GAZETTEER_NOT_UTF8),
        "rules and actors files": len(cli._rules_variants()) + 2 + len(cli._actor_variants())
        + 4,
        "CSV formula payloads x text columns": len(formula_payloads()) * len(store.TEXT_COLUMNS),
        "store: hostile events files, record values, atomic-write targets": 6 + 8 + 10,
        "interrupted builds (disk full, Ctrl-C, SIGKILL)": 12,
        "HTML/JS payloads x fields x (online, offline, render command)": len(markup_payloads())
        * fields_per_payload * 3,
        "hostile URL fragments": 5,
        "hostile articles through the whole pipeline": len(markup_payloads())
        + len(formula_payloads()) + 20,
        "long sentence (extraction time)": 1,
        "damaged report caches": 5,
    }
    assert page.POPUP_TAGS
    return counts


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    table = inventory()
    for label, n in table.items():
        print(f"{n:6d}  {label}")
    print(f"{sum(table.values()):6d}  in all (plus the Hypothesis examples of test_fuzz.py)")
