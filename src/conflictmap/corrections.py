"""The analyst's corrections file: fix the extractor's output once, and every later build
and render applies the fix.

``corrections.csv`` lives beside the gazetteer overrides file (the user folder: see
``gazetteer.user_directory``; with ``--overrides FILE``, FILE's folder; ``--corrections FILE``
names another). A CSV file an analyst edits in a spreadsheet or a text editor: a header
line, then one correction per line; blank lines and lines starting with ``#`` are skipped.

Columns (any order; only ``action`` is required, and ``key`` for all but ``add``):

- ``key``: the event's key, as each map popup shows it ("r" and 12 hex digits). A key is
  :func:`conflictmap.model.report_key` of (article id, place id, change) of one article's
  report: it does not depend on the order of extraction, on the other articles of the
  corpus or on the dates the rules find, so it survives rebuilds and re-extraction. An
  event reported by several articles answers to each of its reports' keys; an event a
  correction changed keeps the key it had before.
- ``action``: ``reject`` (drop the event), ``verify`` (a person checked it: the files and
  the map mark it), ``change`` (set the fields given below; the event is marked corrected),
  ``add`` (a new event, from ``place``, ``change``, the dates and ``source``/``quote``).
- ``place``: a gazetteer id ("geonames:99072") or a name the gazetteer knows ("Mosul").
- ``change``: capture, recapture, withdrawal or contested. ``status``: reported, claimed or
  disputed.
- ``actor`` / ``losing_actor``: an actor id from rules/actors.toml ("iraq_gov"); ``-`` for
  none.
- ``date_start`` / ``date_end``: YYYY-MM-DD; one alone is a single day.
- ``source``, ``url``, ``quote``: for ``add``: the article (id or title), its address, the
  sentence that says it.
- ``note``: free text, not read.

A correction whose key matches no event is reported in the run's summary (the event is gone,
or its article left the corpus). A malformed file stops the run with one line naming the
file and line (exit 2).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from conflictmap.errors import InputError
from conflictmap.model import (
    Actor,
    Change,
    Event,
    Interval,
    Place,
    Source,
    Status,
    report_key,
)

log = logging.getLogger(__name__)

FILE_NAME = "corrections.csv"
ACTIONS = ("reject", "verify", "change", "add")
COLUMNS = ("key", "action", "place", "change", "actor", "losing_actor", "date_start",
           "date_end", "status", "source", "url", "quote", "note")
NONE = "-"
_COUNTERS = {"reject": "rejected", "verify": "verified", "change": "changed"}


class CorrectionsError(InputError):
    """The corrections file is malformed (names the file and line)."""


@dataclass(frozen=True)
class Correction:
    """One line of the corrections file, checked."""

    line: int
    key: str
    action: str
    place: Place | None = None
    change: Change | None = None
    actor: Actor | None = None
    losing_actor: Actor | None = None
    clear_actor: bool = False
    clear_losing: bool = False
    period: Interval | None = None
    status: Status | None = None
    source: str = ""
    url: str = ""
    quote: str = ""


@dataclass
class Outcome:
    """What applying a corrections file did (for the run's summary)."""

    path: Path | None = None
    total: int = 0
    applied: int = 0
    rejected: int = 0
    changed: int = 0
    verified: int = 0
    added: int = 0
    unmatched: list[Correction] = field(default_factory=list)

    def lines(self) -> list[str]:
        if not self.total:
            return []
        done = ", ".join(f"{n} {what}" for what, n in (
            ("rejected", self.rejected), ("changed", self.changed),
            ("verified", self.verified), ("added", self.added)) if n)
        out = [f"corrections: {self.applied} of {self.total} applied"
               + (f" ({done})" if done else "") + f" from {self.path}"]
        if self.unmatched:
            where = ", ".join(f"line {c.line} ({c.key})" for c in self.unmatched[:10])
            more = f" and {len(self.unmatched) - 10} more" if len(self.unmatched) > 10 else ""
            out.append(f"corrections matching no event: {len(self.unmatched)}: {where}{more}")
        return out


def default_path(overrides: Path | None = None) -> Path:
    """corrections.csv beside the overrides file: FILE's folder with --overrides FILE, else
    the user folder that holds the default overrides.toml."""
    if overrides is not None:
        return Path(overrides).parent / FILE_NAME
    from conflictmap.gazetteer import user_directory

    return user_directory() / FILE_NAME


def resolve_path(given: Path | None, overrides: Path | None = None) -> Path | None:
    """The corrections file to apply: the one given (which must exist), else the default
    one if it exists, else None."""
    if given is not None:
        if not Path(given).is_file():
            raise CorrectionsError("no such corrections file", given)
        return Path(given)
    path = default_path(overrides)
    return path if path.is_file() else None


# ---- reading ----------------------------------------------------------------------------

def load(path: Path, *, gazetteer: Any = None, lexicon: Any = None) -> list[Correction]:
    """The corrections in ``path``, checked; CorrectionsError (file and line) if malformed.
    ``gazetteer``/``lexicon``: to look places and actors up (default: the packaged ones,
    loaded only when a line names one)."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorrectionsError(f"not UTF-8 text ({exc.reason})", path) from None
    except OSError as exc:
        raise CorrectionsError(f"cannot read ({exc.strerror or exc})", path) from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return []
    header_line, header = lines[0]
    names = [h.strip().lower() for h in next(csv.reader([header]))]
    unknown = [h for h in names if h not in COLUMNS]
    if unknown or "action" not in names:
        raise CorrectionsError(
            f"header {header.strip()!r}: expected column names among {', '.join(COLUMNS)} "
            f"(with 'action')", path, header_line)
    lookup = _Lookup(gazetteer, lexicon)
    out = []
    for n, line in lines[1:]:
        try:
            (cells,) = list(csv.reader(io.StringIO(line)))
        except (csv.Error, ValueError) as exc:
            raise CorrectionsError(f"not a CSV line ({exc})", path, n) from None
        if len(cells) > len(names):
            raise CorrectionsError(f"{len(cells)} fields, the header has {len(names)}", path, n)
        row = {name: cells[i].strip() if i < len(cells) else ""
               for i, name in enumerate(names)}
        out.append(_correction(row, path, n, lookup))
    return out


class _Lookup:
    def __init__(self, gazetteer: Any, lexicon: Any) -> None:
        self._gazetteer = gazetteer
        self._lexicon = lexicon

    def place(self, value: str) -> Place | None:
        if self._gazetteer is None:
            from conflictmap.gazetteer import default_gazetteer

            self._gazetteer = default_gazetteer()
        found = self._gazetteer.get(value)
        if found is None:
            candidates = self._gazetteer.lookup(value)
            found = candidates[0] if candidates else None
        return found

    def actor(self, value: str) -> Actor | None:
        if self._lexicon is None:
            from conflictmap.actors import default_lexicon

            self._lexicon = default_lexicon()
        return self._lexicon.get(value)


def _correction(row: dict[str, str], path: Path, n: int, lookup: _Lookup) -> Correction:
    def fail(message: str) -> CorrectionsError:
        return CorrectionsError(message, path, n)

    action = row.get("action", "").lower()
    if action not in ACTIONS:
        raise fail(f"action {row.get('action', '')!r}: expected one of {', '.join(ACTIONS)}")
    key = row.get("key", "")
    if action != "add" and not key:
        raise fail(f"a {action} needs the event's key (shown in its map popup)")
    values: dict[str, Any] = {}
    if row.get("place"):
        place = lookup.place(row["place"])
        if place is None:
            raise fail(f"place {row['place']!r}: not in the gazetteer; expected a place id "
                       f"or a known name (add it to the overrides file)")
        values["place"] = place
    if row.get("change"):
        try:
            values["change"] = Change(row["change"].lower())
        except ValueError:
            raise fail(f"change {row['change']!r}: expected one of "
                       f"{', '.join(c.value for c in Change)}") from None
    if row.get("status"):
        try:
            values["status"] = Status(row["status"].lower())
        except ValueError:
            raise fail(f"status {row['status']!r}: expected one of "
                       f"{', '.join(s.value for s in Status)}") from None
    for column, clear in (("actor", "clear_actor"), ("losing_actor", "clear_losing")):
        value = row.get(column, "")
        if value == NONE:
            values[clear] = True
        elif value:
            actor = lookup.actor(value)
            if actor is None:
                raise fail(f"{column} {value!r}: not an actor id of rules/actors.toml")
            values[column] = actor
    period = _period(row.get("date_start", ""), row.get("date_end", ""), fail)
    if period is not None:
        values["period"] = period
    if action == "add":
        missing = [c for c in ("place", "change") if c not in values]
        if period is None:
            missing.append("date_start")
        if not row.get("source"):
            missing.append("source")
        if missing:
            raise fail(f"an add needs {', '.join(missing)}")
        if not key:
            key = report_key(row["source"], values["place"].id, values["change"])
    elif action == "change" and not values:
        raise fail("a change gives nothing to change; expected place, change, actor, "
                   "losing_actor, date_start/date_end or status")
    return Correction(line=n, key=key, action=action, source=row.get("source", ""),
                      url=row.get("url", ""), quote=row.get("quote", ""), **values)


def _period(start: str, end: str, fail: Any) -> Interval | None:
    if not start and not end:
        return None
    try:
        a = date.fromisoformat(start or end)
        b = date.fromisoformat(end or start)
    except ValueError:
        raise fail(f"dates {start!r}/{end!r}: expected YYYY-MM-DD") from None
    if b < a:
        raise fail(f"date_end {b} is before date_start {a}")
    return Interval.spanning(a, b)


# ---- applying ---------------------------------------------------------------------------

def apply(events: Iterable[Event], corrections: Sequence[Correction],
          path: Path | None = None) -> tuple[list[Event], Outcome]:
    """The events with the corrections applied (in file order), and what was done."""
    outcome = Outcome(path=path, total=len(corrections))
    events = list(events)
    if not corrections:
        return events, outcome
    by_key: dict[str, list[int]] = {}
    for i, event in enumerate(events):
        for key in event.keys:
            by_key.setdefault(key, []).append(i)
    kept: list[Event | None] = list(events)
    added: list[Event] = []
    for c in corrections:
        if c.action == "add":
            # an events file a build wrote holds the event it added already
            if not any(events[i].corrected and events[i].origin == c.key
                       for i in by_key.get(c.key, ())):
                added.append(_added(c))
            outcome.added += 1
            outcome.applied += 1
            continue
        hits = [i for i in by_key.get(c.key, ()) if kept[i] is not None]
        if not hits:
            outcome.unmatched.append(c)
            log.info("correction at line %d (%s) matches no event", c.line, c.key)
            continue
        outcome.applied += 1
        for i in hits:
            event = kept[i]
            assert event is not None
            if c.action == "reject":
                kept[i] = None
            elif c.action == "verify":
                kept[i] = replace(event, verified=True, origin=event.origin)
            else:
                kept[i] = _changed(event, c)
        counter = _COUNTERS[c.action]
        setattr(outcome, counter, getattr(outcome, counter) + 1)
    return [e for e in kept if e is not None] + added, outcome


def _changed(event: Event, c: Correction) -> Event:
    values: dict[str, Any] = {"corrected": True, "origin": event.key}
    if c.place is not None:
        values["place"] = c.place
        values["geo_precision"] = c.place.geo_precision
    if c.change is not None:
        values["change"] = c.change
    if c.status is not None:
        values["status"] = c.status
    if c.period is not None:
        values["period"] = c.period
    if c.actor is not None or c.clear_actor:
        values["actor"] = c.actor
    if c.losing_actor is not None or c.clear_losing:
        values["losing_actor"] = c.losing_actor
    return replace(event, **values)


def _added(c: Correction) -> Event:
    assert c.place is not None and c.change is not None and c.period is not None
    quote = c.quote
    source = Source(article=c.source, published=c.period.end.isoformat(), quote=quote,
                    start=0, end=len(quote), url=c.url, title="", rule="corrections")
    return Event(change=c.change, status=c.status or Status.REPORTED, place=c.place,
                 period=c.period, actor=c.actor, losing_actor=c.losing_actor,
                 sources=(source,), confidence=1.0, geo_precision=c.place.geo_precision,
                 verified=True, corrected=True, origin=c.key)


def apply_file(events: Iterable[Event], path: Path | None, *, gazetteer: Any = None,
               ) -> tuple[list[Event], Outcome]:
    """:func:`apply` with the corrections of ``path`` (None: no file, nothing changes)."""
    if path is None:
        return list(events), Outcome()
    return apply(events, load(path, gazetteer=gazetteer), path)


# ---- the flags in the event files ---------------------------------------------------------

def record_flags(event: Event) -> dict[str, Any]:
    """The key and flags an event's record carries (store.event_to_record)."""
    return {"key": event.key, "verified": event.verified, "corrected": event.corrected}


def with_flags(event: Event, record: dict[str, Any]) -> Event:
    """The event read from ``record`` with the flags the record carries (a corrected
    event keeps the key it had before the correction)."""
    verified = record.get("verified") in (True, 1, "1", "true", "True")
    corrected = record.get("corrected") in (True, 1, "1", "true", "True")
    if not (verified or corrected):
        return event
    key = record.get("key")
    origin = str(key) if corrected and isinstance(key, str) and key else ""
    return replace(event, verified=verified, corrected=corrected, origin=origin)
