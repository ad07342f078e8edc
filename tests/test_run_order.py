"""An article's reports do not depend on the articles read before it in the same process
(a per-sentence date cache once made a report of one article come and go with the history of
the process: ``-j 1`` and ``-j 0`` differed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).parent / "data" / "probe"

_RUN = r"""
import json, logging, sys
logging.disable(logging.CRITICAL)
from conflictmap.articles import read_articles
from conflictmap.events import Extractor
arts = sorted(read_articles([sys.argv[1]]), key=lambda a: a.id)
if sys.argv[2] == "reversed":
    arts.reverse()
ex = Extractor()
out = {}
for a in arts:
    out[a.id] = sorted(
        (e.change.value, e.place.id, str(e.period.start), str(e.period.end), e.status.value)
        for e in ex.extract(a))
print(json.dumps(out))
"""


def _reports(order: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _RUN, str(PROBE), order], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def test_reports_do_not_depend_on_the_articles_read_before() -> None:
    forward, backward = _reports("forward"), _reports("reversed")
    assert len(forward) > 1000
    differ = [name for name in forward if forward[name] != backward[name]]
    assert differ == []
