"""Shared by the hostile-input tests: the payload corpus and the checks on CLI messages."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
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
