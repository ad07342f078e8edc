"""Actor mentions: canonical actors (``rules/actors.toml``) and per-language aliases.

Named aliases ("Hayat Tahrir al-Sham", "leger van Assad", "Russian troops") map straight to
an actor. Generic nouns ("de rebellen", "the army", "regeringstroepen") are resolved with
:meth:`ActorLexicon.resolve`: a demonym before the noun ("Syrische rebellen") gives the
country; otherwise the country of the place the sentence is about, and the actors the
article has named, decide. Nothing is invented: an unresolvable army stays ``None``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from conflictmap import native
from conflictmap.errors import RulesError
from conflictmap.model import Actor
from conflictmap.rules import (
    RULES_DIR,
    LanguageRules,
    language_files,
    load_language,
    parse_toml,
    read_toml_text,
)
from conflictmap.rules.literals import trie_pattern

log = logging.getLogger(__name__)

_KINDS = ("state", "non_state")


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a text; ``generic`` is the class of a generic noun, else ""."""

    actor: Actor | None
    start: int
    end: int
    text: str
    generic: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class _ActorEntry:
    actor: Actor
    country: str
    classes: tuple[str, ...]
    also_in: tuple[str, ...] = ()  # other countries whose wars it fights in


@dataclass(frozen=True, slots=True)
class _LanguageIndex:
    pattern: re.Pattern[str]  # lower-case: searched in lower-cased text (much faster)
    folded: re.Pattern[str]  # the same, ignoring case, for texts whose length lower() changes
    starts: Any  # compiled trie of every alias, demonym and noun (native.trie), or None
    aliases: dict[str, tuple[str, str]]  # lower-cased alias -> (actor id, alias as written)
    generic: dict[str, str]  # lower-cased noun -> class
    demonyms: dict[str, str]  # lower-cased demonym -> country
    labels: dict[str, str]
    articles: tuple[str, ...] = ()  # the language's definite articles ("the Tigers")


_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@lru_cache(maxsize=4096)
def _case_sensitive(alias: str) -> bool:
    """Acronyms ("IS", "HTS", "FAMa") must match their case: "is" is a Dutch verb."""
    return sum(c.isupper() for c in alias) >= 2 and len(alias) <= 6 and " " not in alias


_CAPS_BEFORE = re.compile(r"(?<![\w-])[A-Z]{2,}[ -]$")
_CAPS_AFTER = re.compile(r"[ -][A-Z]{2,}(?![\w-])")


def _in_longer_name(text: str, start: int, end: int) -> bool:
    """An acronym written next to another acronym is part of a longer name ("CMA CGM",
    "BBC RSF"), not the group's own."""
    return bool(_CAPS_BEFORE.search(text, max(0, start - 12), start)
                or _CAPS_AFTER.match(text, end))


def is_acronym(word: str) -> bool:
    """A word written as an acronym ("SNA", "FAMa"), matched by its case."""
    return _case_sensitive(word)


def _normal(text: str) -> str:
    return " ".join(text.split()).lower()


def _build_index(rules: LanguageRules, known: set[str]) -> _LanguageIndex:
    aliases: dict[str, tuple[str, str]] = {}
    for actor_id, names in rules.actor_aliases:
        if actor_id not in known:
            raise RulesError(f"[actors] names unknown actor {actor_id!r}; "
                             f"expected one of the ids in actors.toml", rules.path)
        for name in names:
            aliases[name.lower()] = (actor_id, name)
    generic = {noun.lower(): cls for cls, nouns in rules.generic for noun in nouns}
    demonyms = {d.lower(): country for country, words in rules.demonyms for d in words}
    suffix = rules.markers.actor_suffix.pattern
    # "Russian and proxy forces": the demonym before a word joined to it by "and" qualifies
    # the noun too, unless that word is a demonym of its own ("Russian and Ukrainian troops")
    joined = "|".join(re.escape(w) for w in rules.words["and"])
    dem = trie_pattern(demonyms)
    body = (rf"(?<![\w-])(?:(?P<named>{trie_pattern(aliases)})(?:{suffix.lower()})?|"
            rf"(?:(?P<dem>{dem})\s+(?:(?:{joined})\s+(?!(?:{dem})(?![\w-]))[\w-]+\s+)?)?"
            rf"(?P<gen>{trie_pattern(generic)}))(?![\w-])")
    starts = native.trie([*aliases, *demonyms, *generic], spaces=True)
    return _LanguageIndex(re.compile(body), re.compile(body, re.IGNORECASE), starts, aliases,
                          generic, demonyms, dict(rules.sides),
                          tuple(rules.words["definite_article"]))


@cache
def allied_sides(path: Path | None = None) -> frozenset[frozenset[str]]:
    """``[allies]`` of actors.toml: the pairs of sides that fight as one coalition (side ->
    list of sides), read once."""
    path = path or Path(__file__).parent / "rules" / "actors.toml"
    raw = read_toml_text(path, "actors file")
    table = parse_toml(raw, path).get("allies", {})
    if not isinstance(table, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in table.values()):
        raise RulesError('expected [allies] of side = ["side", ...]', path,
                         _line_of(raw, "[allies]"))
    return frozenset(frozenset((side, other)) for side, others in table.items()
                     for other in others)


def _line_of(raw: str, needle: str) -> int | None:
    at = raw.find(needle)
    return raw.count("\n", 0, at) + 1 if at >= 0 else None


def _read_actors(path: Path) -> tuple[dict[str, _ActorEntry], dict[str, dict[str, str]],
                                       dict[str, dict[str, str]], dict[str, str]]:
    raw = read_toml_text(path, "actors file")
    data = parse_toml(raw, path)
    items = data.get("actor", [])
    if not isinstance(items, list):
        raise RulesError("expected [[actor]] tables", path, _line_of(raw, "actor"))
    entries: dict[str, _ActorEntry] = {}
    for n, item in enumerate(items, 1):
        entry = _actor_entry(item, n, path, raw)
        entries[entry.actor.id] = entry
    countries = _country_tables(data, "countries", "class", entries, path, raw)
    namesakes = _country_tables(data, "namesakes", "actor id", entries, path, raw)
    for country, table in namesakes.items():
        for named in table:
            if named not in entries:
                raise RulesError(f"[namesakes.{country}] {named!r}: unknown actor", path,
                                 _line_of(raw, f"[namesakes.{country}]"))
    fallback = data.get("class_fallback", {})
    if not isinstance(fallback, dict) or not all(isinstance(v, str) for v in fallback.values()):
        raise RulesError('expected [class_fallback] of class = "class"', path,
                         _line_of(raw, "[class_fallback]"))
    return entries, countries, namesakes, fallback


def _country_tables(data: dict[str, Any], key: str, what: str,
                    entries: dict[str, _ActorEntry], path: Path,
                    raw: str) -> dict[str, dict[str, str]]:
    """``[countries.XX]`` (class -> actor id) or ``[namesakes.XX]`` (actor id -> actor id)."""
    tables = data.get(key, {})
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise RulesError(f"expected [{key}.XX] tables of {what} = \"actor id\"", path,
                         _line_of(raw, f"[{key}"))
    for country, table in tables.items():
        for name, actor_id in table.items():
            if actor_id not in entries:
                raise RulesError(f"[{key}.{country}] {name} = {actor_id!r}: unknown actor",
                                 path, _line_of(raw, f"[{key}.{country}]"))
    return tables


def _actor_entry(item: object, n: int, path: Path, raw: str) -> _ActorEntry:
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str)
                                             for k in ("id", "name", "side", "kind")):
        raise RulesError(f"[[actor]] number {n}: expected string id, name, side, kind", path)
    line = _line_of(raw, f'"{item["id"]}"')
    if item["kind"] not in _KINDS:
        raise RulesError(f"actor {item['id']!r}: kind must be one of {_KINDS}", path, line)
    classes = item.get("classes", [])
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
        raise RulesError(f"actor {item['id']!r}: classes must be a list of strings", path, line)
    country = item.get("country", "")
    if not isinstance(country, str):
        raise RulesError(f"actor {item['id']!r}: country must be a string", path, line)
    also_in = item.get("also_in", [])
    if not isinstance(also_in, list) or not all(isinstance(c, str) for c in also_in):
        raise RulesError(f"actor {item['id']!r}: also_in must be a list of country codes",
                         path, line)
    actor = Actor(item["id"], item["name"], item["side"], item["kind"])
    return _ActorEntry(actor, country, tuple(classes), tuple(also_in))


class ActorLexicon:
    """Canonical actors and the aliases every language gives them."""

    def __init__(self, entries: dict[str, _ActorEntry], countries: dict[str, dict[str, str]],
                 rules_dir: Path | None = None,
                 namesakes: dict[str, dict[str, str]] | None = None,
                 fallback: dict[str, str] | None = None) -> None:
        self._entries = entries
        self._countries = countries
        self._namesakes = namesakes or {}
        self._fallback = fallback or {}
        self._rules_dir = rules_dir
        self._indexes: dict[str, _LanguageIndex] = {}

    @classmethod
    def load(cls, rules_dir: Path | str | None = None) -> ActorLexicon:
        directory = Path(rules_dir) if rules_dir else RULES_DIR
        entries, countries, namesakes, fallback = _read_actors(directory / "actors.toml")
        return cls(entries, countries, directory, namesakes, fallback)

    def _index(self, lang: str) -> _LanguageIndex:
        index = self._indexes.get(lang)
        if index is None:
            rules = load_language(lang, self._rules_dir)
            index = self._indexes[lang] = _build_index(rules, set(self._entries))
        return index

    @property
    def actors(self) -> dict[str, Actor]:
        return {k: e.actor for k, e in self._entries.items()}

    def get(self, actor_id: str) -> Actor | None:
        entry = self._entries.get(actor_id)
        return entry.actor if entry else None

    def war_country(self, actor: Actor) -> str:
        """The country an actor belongs to, of either kind ("" when it has none)."""
        entry = self._entries.get(actor.id)
        return entry.country if entry else ""

    def fights_in(self, actor: Actor, country: str) -> bool:
        """True when the actor's home war is in ``country`` or it fights there too
        (``also_in``: JNIM in Burkina Faso and Niger as in Mali)."""
        entry = self._entries.get(actor.id)
        return bool(entry and country and country in (entry.country, *entry.also_in))

    def home_country(self, actor: Actor) -> str:
        """The country whose forces a state actor is ("" for others and unknown ids)."""
        entry = self._entries.get(actor.id)
        return entry.country if entry and actor.kind == "state" else ""

    def languages(self) -> list[str]:
        return sorted(language_files(self._rules_dir))

    def side_labels(self, lang: str) -> dict[str, str]:
        """Side id -> display label in ``lang`` (sides without a label show their id).
        From the language's rules alone: the actor index (two large patterns) is not built
        for it, since a run that extracts nothing needs only the labels."""
        labels = dict(load_language(lang, self._rules_dir).sides)
        sides = {e.actor.side for e in self._entries.values()}
        return {side: labels.get(side, side) for side in sorted(sides)}

    def page_labels(self, lang: str) -> dict[str, str]:
        """What a map page in ``lang`` calls sides and actors: :meth:`side_labels`, plus
        "@" + actor id -> the actor's name in ``lang`` where ``[actor_names]`` gives one
        ("@syria_gov" -> "Syrische regeringstroepen"; other actors keep their name)."""
        rules = load_language(lang, self._rules_dir)
        for actor_id, _name in rules.actor_names:
            if actor_id not in self._entries:
                raise RulesError(f"[actor_names] names unknown actor {actor_id!r}; "
                                 f"expected one of the ids in actors.toml", rules.path)
        labels = self.side_labels(lang)
        labels.update({f"@{actor_id}": name for actor_id, name in rules.actor_names})
        return labels

    def local(self, actor: Actor | None, country: str) -> Actor | None:
        """The actor a war in ``country`` means by a name another group also bears
        (``[namesakes.XX]``: "al-Shabaab" in Mozambique is the Cabo Delgado insurgency,
        not Somalia's), else ``actor``."""
        local_id = self._namesakes.get(country, {}).get(actor.id) if actor else None
        return self.get(local_id) if local_id else actor

    def demonym_actor(self, words: str, lang: str) -> Actor | None:
        """The forces of the country whose demonym is one of ``words`` ("in Russische
        handen", "under Ukrainian control", "de Russische terugtocht"), else None."""
        demonyms = self._index(lang).demonyms
        for word in _WORD.findall(words):
            country = demonyms.get(word.lower())
            if country:
                return self._default(country, "army")
        return None

    def find(self, text: str, lang: str, offset: int = 0) -> list[ActorMention]:
        """Every actor mention in ``text``; offsets are shifted by ``offset``."""
        index = self._index(lang)
        lowered = text.lower()
        if len(lowered) == len(text):
            # where an actor name can start, then the pattern there (compiled: Trie.matches_at
            # is rules.literals.matches_at over Trie.at)
            matches = (index.starts.matches_at(index.pattern, lowered)
                       if index.starts is not None else index.pattern.finditer(lowered))
        else:
            matches = index.folded.finditer(text)
        mentions = []
        for match in matches:
            mention = self._mention(index, match, text, offset)
            if mention is not None:
                mentions.append(mention)
        mentions = _with_defined_abbreviations(text, mentions, offset)
        return _with_short_names(text, mentions, offset, index.articles, index.generic)

    def _mention(self, index: _LanguageIndex, match: re.Match[str], text: str,
                 offset: int) -> ActorMention | None:
        start, end = match.start() + offset, match.end() + offset
        written_here = text[match.start():match.end()]
        if match.group("named"):
            named = text[match.start("named"):match.end("named")]
            actor_id, written = index.aliases[_normal(named)]
            if _case_sensitive(written) and " ".join(named.split()) != written:
                return None  # "is" is not "IS"
            if _case_sensitive(written) and _in_longer_name(text, match.start("named"),
                                                            match.end("named")):
                return None  # "CMA CGM", a shipping group, is not the CMA
            return ActorMention(self.get(actor_id), start, end, written_here)
        noun = _normal(match.group("gen"))
        country = index.demonyms.get(_normal(match.group("dem") or ""), "")
        cls = index.generic.get(noun, "")
        actor = self._default(country, cls) if country else None
        return ActorMention(actor, start, end, written_here, generic=cls, country=country)

    def _class_in(self, country: str, cls: str) -> str:
        """``cls``, or the class it is read as in a war without an actor of its own for it
        (``[class_fallback]``: "separatists" are the rebels where no side is separatist)."""
        if cls in self._fallback and cls not in self._countries.get(country, {}):
            return self._fallback[cls]
        return cls

    def _default(self, country: str, cls: str) -> Actor | None:
        cls = self._class_in(country, cls)
        actor_id = self._countries.get(country, {}).get(cls)
        if actor_id is None and cls in ("army", "government"):
            # "Russische troepen": a country's own forces even without a class entry.
            actor_id = self._countries.get(country, {}).get("army" if cls == "government"
                                                           else "government")
        if actor_id is None and cls in ("rebels", "jihadists"):
            actor_id = cls
        return self.get(actor_id) if actor_id else None

    def resolve(self, mention: ActorMention, country: str,
                named: Iterable[Actor] = ()) -> Actor | None:
        """The actor a mention stands for, given the place's country and the article's actors.

        A named or demonym-qualified mention is already resolved. A generic "rebels" is the
        generic opposition of that country's war where the war has one (``rebels`` in
        ``[countries.XX]``); elsewhere, and for "jihadists" and "paramilitaries", the one
        named non-state actor of that war the article mentions, else the country's default;
        "the army" is the most recently named armed state actor, else the country's own forces;
        "the government"/"regeringstroepen" is the most recently named government of the
        place's country (Gaddafi's forces in Libya in 2011, not the later GNA), else its default.
        """
        if mention.actor is not None or not mention.generic:
            return self.local(mention.actor, country)
        cls = self._class_in(country, mention.generic)
        named = list(named)
        opposition = self._countries.get(country, {}).get("rebels") if cls == "rebels" else None
        if opposition is not None:
            # "de rebellen" is the war's generic opposition, not the group named most:
            # only words that tie them ("rebellen van HTS", "HTS-rebellen") name a group.
            return self.get(opposition)
        if cls in ("rebels", "jihadists", "paramilitary"):
            sides = {a.side: a for a in named if self._serves(a, cls, country)}
            if len(sides) == 1:
                return next(iter(sides.values()))
        if cls in ("army", "government"):
            for actor in reversed(named):
                entry = self._entries.get(actor.id)
                if entry and cls in entry.classes and (cls == "army" or entry.country == country):
                    return actor
        return self._default(country, cls) if country else self._default("", cls)

    def _serves(self, actor: Actor, cls: str, country: str) -> bool:
        entry = self._entries.get(actor.id)
        return bool(entry and cls in entry.classes and entry.country in (country, ""))


_DEFAULT: ActorLexicon | None = None


def default_lexicon() -> ActorLexicon:
    """The lexicon of the packaged rules (loaded once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = ActorLexicon.load()
    return _DEFAULT


_DEFINED = re.compile(r"\s*\(((?-i:[A-Z][A-Za-z0-9]{1,6}))\)")


def _with_defined_abbreviations(text: str, mentions: list[ActorMention],
                                offset: int) -> list[ActorMention]:
    """An abbreviation the article defines after a named actor ("the Arakan Army (AA)")
    stands for that actor wherever the article writes it ("The AA said", "the AA's
    takeover of Maungdaw")."""
    extra: list[ActorMention] = []
    for m in mentions:
        defined = _DEFINED.match(text, m.end - offset) if m.actor and not m.generic else None
        if defined is None:
            continue
        word = re.compile(rf"(?<![\w-]){re.escape(defined.group(1))}(?![\w-])")
        for found in word.finditer(text, defined.end()):
            start, end = found.start() + offset, found.end() + offset
            if not any(x.start < end and start < x.end for x in (*mentions, *extra)):
                extra.append(ActorMention(m.actor, start, end, found.group()))
    return sorted(mentions + extra, key=lambda x: x.start) if extra else mentions


def _with_short_names(text: str, mentions: list[ActorMention], offset: int,
                      articles: tuple[str, ...], generic: dict[str, str]) -> list[ActorMention]:
    """"The Giants Brigades ... the brigades said": the definite article and the last word of
    a named actor's name of several words, after it, stand for that actor (not a word that is
    a generic noun of its own: "the Rapid Support Forces ... the forces" stays generic)."""
    if not articles:
        return mentions
    extra: list[ActorMention] = []
    done: set[str] = set()
    for m in mentions:
        words = m.text.split()
        if m.actor is None or m.generic or len(words) < 2:
            continue
        last = words[-1].lower()
        if len(last) < 4 or not last.isalpha() or last in generic or last in done:
            continue
        done.add(last)
        short = re.compile(rf"\b(?:{'|'.join(map(re.escape, articles))})\s+{re.escape(last)}\b",
                           re.IGNORECASE)
        for found in short.finditer(text, m.end - offset):
            start, end = found.start() + offset, found.end() + offset
            if not any(x.start < end and start < x.end for x in (*mentions, *extra)):
                extra.append(ActorMention(m.actor, start, end, found.group()))
    return sorted(mentions + extra, key=lambda x: x.start) if extra else mentions


def find_actors(text: str, lang: str) -> list[ActorMention]:
    """Actor mentions in ``text`` with the packaged lexicon."""
    return default_lexicon().find(text, lang)


def name_words(mentions: Iterable[ActorMention]) -> frozenset[str]:
    """The capitalised words of the named actors among ``mentions`` ("Hamas", "Taliban",
    "Houthi's"): what toponyms.find_places must not glue to a place name after them."""
    return frozenset(w for m in mentions if m.actor is not None and not m.generic
                     for w in m.text.split() if w[:1].isupper())


def page_labels(lang: str) -> dict[str, str]:
    """Side and actor labels of a map page in ``lang`` with the packaged lexicon."""
    return default_lexicon().page_labels(lang)
