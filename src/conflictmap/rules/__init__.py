"""Load the per-language rules files (``<lang>.toml``) into frozen records.

Every language file has the same keys (see ``nl.toml``); adding a language means adding
a file. Malformed files raise :class:`~conflictmap.errors.RulesError` naming the file, the
line and what was expected.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from conflictmap.errors import RulesError
from conflictmap.model import Change
from conflictmap.rules.conjunction import Conjunction, trigger_sets
from conflictmap.rules.literals import (
    Guarded,
    Literals,
    Scanner,
    WordStarts,
    union,
)
from conflictmap.rules.schema import DATE_KEYS, MARKER_KEYS, WORD_KEYS

log = logging.getLogger(__name__)

RULES_DIR = Path(__file__).parent
ROLES = ("gainer", "loser", "")
TARGETS = ("clause", "next", "nearest")
_FLAGS = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger pattern and how to read the sentence around it."""

    id: str
    change: Change
    pattern: Guarded
    before: str
    after: str
    passive_before: str
    object_before: str = ""  # the role of a second unmarked actor before the trigger
    adjunct: str = ""  # the role of the main clause's subject when the trigger opens a phrase
    target: str = "clause"
    source_ok: bool = False
    needs_actor: bool = False
    town_only: bool = False
    territory_veto: bool = False
    prefer_after: bool = False
    locative_ok: bool = False
    static_veto: bool = False
    # only with a date after "since"/"sinds" near it in its clause ("had run X since 2016",
    # "die de stad sinds 2016 bestuurden"): a holding verb dates the start of that hold
    needs_since: bool = False
    site_ok: bool = False  # a town_only trigger that takes a site too ("handed over the base")
    # an entry into a place ("entered", "trokken binnen"): contested when the sentence goes on
    # to say the place is not held ("but they do not control it", markers.not_held)
    entry: bool = False
    # a loss told from the side that lost it ("the army lost X", "X was lost on Monday", "het
    # verlies van X"): read as a withdrawal (the named side is the loser), reported as the
    # capture it is (CODEBOOK.md: the other side took it; events.py)
    loss: bool = False
    veto: Guarded | None = None
    confidence: float = 0.6
    required: Literals | None = None  # one of these is in every match (a pre-check)


@dataclass(frozen=True, slots=True)
class Markers:
    """Compiled marker patterns, one attribute per key of ``[markers]``."""

    claim: Guarded
    confirm: Guarded
    denial: Guarded
    negation: Guarded
    hypothetical: Guarded
    future: Guarded
    infinitive: Guarded
    static: Guarded
    durative: Guarded
    territory: Guarded
    partial_contested: Guarded
    partial_capture: Guarded
    partial_adverb_capture: Guarded
    partial_adverb_contested: Guarded
    near: Guarded
    locative: Guarded
    source: Guarded
    agent: Guarded
    loser: Guarded
    speaker_after: Guarded
    anaphora_town: Guarded
    anaphora_region: Guarded
    title_after: Guarded
    clause_break: Guarded
    passive_aux: Guarded
    active_aux: Guarded
    actor_suffix: Guarded
    feature_after: Guarded
    again: Guarded
    relative: Guarded
    attributive: Guarded
    verb_after: Guarded
    site_object: Guarded
    state_change: Guarded
    still: Guarded
    pronoun_subject: Guarded
    unsettled: Guarded
    proximity: Guarded
    purpose: Guarded
    adjunct: Guarded
    continuation: Guarded
    compound_after: Guarded
    proxy_before: Guarded
    subject_clause: Guarded
    owner_after: Guarded
    partial_after: Guarded
    edge_before: Guarded  # "the edges of X, which ...": the main clause's edge (eventplaces)
    pronoun_object: Guarded
    count_list: Guarded
    related_line: Guarded
    related_heading: Guarded
    earlier: Guarded
    holding: Guarded
    mention: Guarded
    wish: Guarded
    backer_by: Guarded
    no_longer: Guarded
    denial_back: Guarded
    holding_after: Guarded
    antecedent_gap: Guarded
    locator_gap: Guarded
    anchor_names: Guarded
    anchor_after: Guarded
    anchor_before: Guarded
    origin_before: Guarded
    region_after_town: Guarded
    anaphora_both: Guarded
    capital_object: Guarded
    denied_claim: Guarded
    attributive_list: Guarded
    apposition_relative: Guarded
    embedded_relative: Guarded
    anaphora_list: Guarded
    civil_domain: Guarded
    civil_act: Guarded
    extent_verb: Guarded
    not_held: Guarded
    war_relative: Guarded
    separate_place: Guarded
    district_word: Guarded
    subject_verb: Guarded
    capital_subject_verb: Guarded
    speaker_clause: Guarded
    speaker_before: Guarded
    pronoun_object_before: Guarded
    pronoun_locative: Guarded
    holder_before: Guarded
    result_before: Guarded
    route_before: Guarded
    anaphora_small: Guarded
    site_part_before: Guarded
    part_object: Guarded
    anaphora_capital: Guarded
    repeat_reference: Guarded
    bare_relative: Guarded
    seat_before: Guarded
    backing_phrase: Guarded
    loyal_after: Guarded
    region_locator: Guarded
    region_attribute: Guarded
    counted_after: Guarded
    counted_before: Guarded
    byline: Guarded


@dataclass(frozen=True, slots=True)
class DateWords:
    """The time expressions of one language (``[dates]``), compiled."""

    patterns: tuple[tuple[str, Guarded], ...]
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    month_abbreviations: tuple[str, ...]
    numbers: tuple[str, ...]
    tens: tuple[str, ...] = ()  # "twenty" .. "ninety": 20 .. 90
    few: tuple[str, ...] = ()  # "a few", "several", "enkele": a count from 1 to FEW
    _index: dict[str, Guarded] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update(self.patterns)  # get() is called for every clause: a dict lookup

    def get(self, key: str) -> Guarded:
        return self._index[key]


class Words:
    """One language's ``[words]``: lists of words, and the patterns the code builds from them.

    A pattern template names a list as ``%key%``, which becomes ``(?:word|word ...)`` (each
    word escaped, a space in a phrase any whitespace); ``compile`` caches each pattern."""

    __slots__ = ("_compiled", "_lists")

    def __init__(self, lists: dict[str, tuple[str, ...]]) -> None:
        self._lists = lists
        self._compiled: dict[tuple[str, int], re.Pattern[str]] = {}

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._lists[key]

    def alternation(self, key: str) -> str:
        """``(?:a|b|...)`` for the words of ``key`` (never matching when the list is empty)."""
        words = self._lists.get(key)
        if words is None:
            raise RulesError(f"a pattern names [words] {key!r}, which no rules file has; "
                             f"expected one of: {', '.join(sorted(self._lists))}")
        if not words:
            return "(?!)"
        return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"

    def compile(self, template: str, flags: int = 0) -> re.Pattern[str]:
        """``template`` with each ``%key%`` replaced by that list's alternation, compiled."""
        pattern = self._compiled.get((template, flags))
        if pattern is None:
            text = re.sub(r"%([a-z_]+)%", lambda m: self.alternation(m.group(1)), template)
            pattern = self._compiled[(template, flags)] = re.compile(text, flags)
        return pattern


@dataclass(frozen=True, slots=True)
class LanguageRules:
    """Everything one language file says."""

    lang: str
    path: str
    triggers: tuple[Trigger, ...]
    keywords: re.Pattern[str]  # searched in lower-cased text
    hot_words: WordStarts  # where ``keywords`` matches, compiled where built
    markers: Markers
    dates: DateWords
    sides: tuple[tuple[str, str], ...]
    actor_names: tuple[tuple[str, str], ...]  # actor id -> name on a page in this language
    actor_aliases: tuple[tuple[str, tuple[str, ...]], ...]
    generic: tuple[tuple[str, tuple[str, ...]], ...]
    demonyms: tuple[tuple[str, tuple[str, ...]], ...]
    digest: str
    scanner: Scanner  # which triggers' literals a sentence holds
    words: Words  # ``[words]``: the word lists the code's own patterns are built from
    any_required: Literals | None = None  # one of these is in every trigger match
    # which triggers a sentence holds a word of each needed set of (``rules.conjunction``):
    # a subset of ``scanner``'s, and every trigger that matches there
    sharp: Conjunction | None = None


class _Source:
    """A rules file's raw text, to point errors at a line."""

    def __init__(self, path: Path, raw: str) -> None:
        self.path = path
        self.raw = raw

    def line_of(self, needle: str) -> int | None:
        index = self.raw.find(needle)
        return None if index < 0 else self.raw.count("\n", 0, index) + 1

    def error(self, message: str, needle: str = "") -> RulesError:
        return RulesError(message, self.path, self.line_of(needle) if needle else None)


def _parse(path: Path) -> tuple[_Source, dict]:
    raw = read_toml_text(path, "rules file")
    return _Source(path, raw), parse_toml(raw, path)


def read_toml_text(path: Path, what: str) -> str:
    """A data file's text, or a RulesError saying what was expected."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise RulesError(f"{what} is not UTF-8 text (byte {exc.start}); expected UTF-8 TOML",
                         path, line) from None
    except OSError as exc:
        raise RulesError(f"cannot read {what}: {exc.strerror or exc}", path) from None


def parse_toml(raw: str, path: Path) -> dict:
    """Parse TOML; a syntax error or absurd nesting is a RulesError naming file and line."""
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise RulesError(f"not valid TOML: {exc}", path,
                         int(found.group(1)) if found else None) from None
    except RecursionError:
        raise RulesError("nesting too deep; expected plain TOML tables and arrays",
                         path) from None


def _table(source: _Source, data: dict, key: str) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise source.error(f"expected a table [{key}]", f"[{key}")
    return value


def _string(source: _Source, table: dict, key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str):
        raise source.error(f"expected a string {key!r} in {where}", key)
    return value


def _strings(source: _Source, value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise source.error(f"expected a list of strings for {where}", where.split(".")[-1])
    return tuple(value)


def _compile(source: _Source, text: str, where: str, subst: dict[str, str]) -> Guarded:
    for name, value in subst.items():
        text = text.replace(f"%{name}%", value)
    try:
        return Guarded(re.compile(text, _FLAGS))
    except re.error as exc:
        raise source.error(f"{where}: not a valid regular expression ({exc})",
                           where.split(".")[-1]) from exc


def _markers(source: _Source, data: dict, subst: dict[str, str]) -> Markers:
    table = _table(source, data, "markers")
    values = {}
    for key in MARKER_KEYS:
        raw = _string(source, table, key, "[markers]")
        subst[key.upper()] = raw
        values[key] = _compile(source, raw, f"markers.{key}", subst)
    return Markers(**values)


def _dates(source: _Source, data: dict, subst: dict[str, str]) -> DateWords:
    table = _table(source, data, "dates")
    patterns = tuple(
        (key, _compile(source, _string(source, table, key, "[dates]"), f"dates.{key}", subst))
        for key in DATE_KEYS
    )
    weekdays = _strings(source, table.get("weekdays"), "dates.weekdays")
    months = _strings(source, table.get("months"), "dates.months")
    abbreviations = _strings(source, table.get("month_abbreviations"), "dates.month_abbreviations")
    numbers = _strings(source, table.get("numbers"), "dates.numbers")
    tens = _strings(source, table.get("tens", []), "dates.tens")
    few = _strings(source, table.get("few", []), "dates.few")
    if len(weekdays) != 7 or len(months) != 12 or len(abbreviations) != 12:
        raise source.error("expected 7 weekdays (Monday first), 12 months and 12 abbreviations",
                           "weekdays")
    return DateWords(patterns, tuple(w.lower() for w in weekdays),
                     tuple(m.lower() for m in months), tuple(a.lower() for a in abbreviations),
                     tuple(n.lower() for n in numbers), tuple(t.lower() for t in tens),
                     tuple(f.lower() for f in few))


def _role(source: _Source, entry: dict, key: str, where: str) -> str:
    value = entry.get(key, "")
    if value not in ROLES:
        raise source.error(f"{where}: {key} must be one of {ROLES}, not {value!r}", where)
    return value


def _trigger(source: _Source, entry: object, subst: dict[str, str]) -> Trigger:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise source.error("each [[trigger]] needs a string id", "[[trigger]]")
    tid = entry["id"]
    try:
        change = Change(entry.get("change"))
    except ValueError:
        raise source.error(f"{tid}: change must be one of {[c.value for c in Change]}",
                           tid) from None
    target = entry.get("target", "clause")
    if target not in TARGETS:
        raise source.error(f"{tid}: target must be one of {TARGETS}", tid)
    veto = entry.get("veto")
    pattern = _compile(source, _string(source, entry, "pattern", tid), tid, subst)
    return Trigger(
        id=tid, change=change,
        pattern=pattern, required=pattern.required,
        before=_role(source, entry, "before", tid), after=_role(source, entry, "after", tid),
        passive_before=_role(source, entry, "passive_before", tid), target=target,
        object_before=_role(source, entry, "object_before", tid),
        adjunct=_role(source, entry, "adjunct", tid),
        source_ok=bool(entry.get("source_ok", False)),
        needs_actor=bool(entry.get("needs_actor", False)),
        town_only=bool(entry.get("town_only", False)),
        territory_veto=bool(entry.get("territory_veto", False)),
        prefer_after=bool(entry.get("prefer_after", False)),
        locative_ok=bool(entry.get("locative_ok", False)),
        static_veto=bool(entry.get("static_veto", False)),
        needs_since=bool(entry.get("needs_since", False)),
        site_ok=bool(entry.get("site_ok", False)),
        entry=bool(entry.get("entry", False)),
        loss=bool(entry.get("loss", False)),
        veto=_compile(source, veto, f"{tid}.veto", subst) if isinstance(veto, str) else None,
        confidence=float(entry.get("confidence", 0.6)),
    )


def _string_lists(source: _Source, data: dict, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    table = _table(source, data, key)
    return tuple((name, _strings(source, value, f"{key}.{name}")) for name, value in table.items())


def _labels(source: _Source, data: dict, key: str = "sides",
            item: str = "side") -> tuple[tuple[str, str], ...]:
    table = _table(source, data, key)
    if not all(isinstance(v, str) for v in table.values()):
        raise source.error(f"expected {item} = \"label\" strings in [{key}]", f"[{key}]")
    return tuple(table.items())


def _words(source: _Source, data: dict) -> Words:
    table = _table(source, data, "words")
    unknown = sorted(set(table) - set(WORD_KEYS))
    if unknown:
        raise source.error(f"[words]: unknown key {unknown[0]!r}; expected {WORD_KEYS}",
                           unknown[0])
    return Words({key: _strings(source, table.get(key), f"words.{key}") for key in WORD_KEYS})


def load_file(path: Path) -> LanguageRules:
    """Read and compile one language rules file."""
    source, data = _parse(path)
    lang = data.get("lang")
    if not isinstance(lang, str) or not lang:
        raise source.error("expected lang = \"<code>\" at the top", "lang")
    subst = {k: v for k, v in data.get("define", {}).items() if isinstance(v, str)}
    markers = _markers(source, data, subst)
    entries = data.get("trigger")
    if not isinstance(entries, list) or not entries:
        raise source.error("expected at least one [[trigger]]", "trigger")
    triggers = tuple(_trigger(source, entry, subst) for entry in entries)
    keywords = _strings(source, data.get("keywords"), "keywords")
    # Keywords match at the start of a word; "-handen" matches inside one ("rebellenhanden").
    starts = [k for k in keywords if not k.startswith("-")]
    inside = [k[1:] for k in keywords if k.startswith("-")]
    hot_words = WordStarts(starts, inside)
    return LanguageRules(
        lang=lang, path=str(path), triggers=triggers,
        keywords=hot_words.pattern, hot_words=hot_words, markers=markers,
        dates=_dates(source, data, subst), sides=_labels(source, data),
        actor_names=_labels(source, data, "actor_names", "actor"),
        actor_aliases=_string_lists(source, data, "actors"),
        generic=_string_lists(source, data, "generic"),
        demonyms=_string_lists(source, data, "demonyms"),
        digest=hashlib.sha1(source.raw.encode("utf-8")).hexdigest(),
        any_required=union([t.required for t in triggers]),
        scanner=Scanner([t.required for t in triggers]),
        sharp=Conjunction([trigger_sets(t.pattern) for t in triggers]),
        words=_words(source, data),
    )


NOT_LANGUAGES = frozenset({"actors", "confidence", "spellings"})


def language_files(rules_dir: Path | None = None) -> dict[str, Path]:
    """Every ``<lang>.toml`` in the rules directory (``actors.toml``, the confidence model
    ``confidence.toml`` and the place-name readings ``spellings.toml`` are not languages)."""
    directory = Path(rules_dir) if rules_dir else RULES_DIR
    return {p.stem: p for p in sorted(directory.glob("*.toml"))
            if p.stem not in NOT_LANGUAGES}


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime: float) -> LanguageRules:
    del mtime  # part of the cache key only
    rules = load_file(Path(path))
    _WORDS_AT[path] = rules.words
    return rules


_WORDS_AT: dict[str, Words] = {}  # the [words] of each file last loaded, by its path


def load_language(lang: str, rules_dir: Path | None = None) -> LanguageRules:
    """The rules of one language; RulesError lists the languages there are."""
    files = language_files(rules_dir)
    if lang not in files:
        raise RulesError(f"no rules for language {lang!r}; expected one of {sorted(files)}",
                         Path(rules_dir) if rules_dir else RULES_DIR)
    path = files[lang]
    return _load_cached(str(path), path.stat().st_mtime)


def rules_digest(rules_dir: Path | None = None) -> str:
    """A short hash of every rules file (language files and actors), for cache keys."""
    directory = Path(rules_dir) if rules_dir else RULES_DIR
    digest = hashlib.sha1()
    for path in sorted(directory.glob("*.toml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def words_at(path: str) -> Words:
    """The ``[words]`` of the rules file at ``path`` (for code that holds only the path, as
    ``LanguageRules.path``): those of its last load, without a look at the file."""
    words = _WORDS_AT.get(path)
    if words is None:
        file = Path(path)
        words = _load_cached(str(file), file.stat().st_mtime).words
        _WORDS_AT[path] = words
    return words
