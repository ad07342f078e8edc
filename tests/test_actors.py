"""Actor lexicon: aliases, generic nouns resolved by context, side labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflictmap.actors import ActorLexicon
from conflictmap.errors import RulesError
from conflictmap.rules import RULES_DIR


@pytest.fixture(scope="module")
def lexicon() -> ActorLexicon:
    return ActorLexicon.load()


@pytest.mark.parametrize(("lang", "text", "actor_id"), [
    ("nl", "Russische troepen rukken op", "russia"),
    ("nl", "het Oekraïense leger", "ukraine"),
    ("nl", "het leger van Assad", "syria_gov"),
    ("nl", "Assads troepen", "syria_gov"),
    ("nl", "Hayat Tahrir al-Sham", "hts"),
    ("nl", "de M23-rebellen", "m23"),
    ("nl", "JNIM-strijders", "jnim"),
    ("nl", "de Houthi's", "houthis"),
    ("nl", "Tigrayaanse troepen", "tplf"),
    ("nl", "het Malinese leger", "fama"),
    ("nl", "Israëlische troepen", "israel"),
    ("nl", "de Broederschapsalliantie", "three_brotherhood"),
    ("en", "the Syrian army", "syria_gov"),
    ("en", "Assad's forces", "syria_gov"),
    ("en", "the Rapid Support Forces", "rsf"),
    ("en", "the Sudanese army", "saf"),
    ("en", "Azerbaijani troops", "azerbaijan"),
    ("en", "the Arakan Army", "arakan_army"),
    ("en", "Forces loyal to Haftar", "lna"),
    ("en", "al-Shabaab militants", "al_shabaab"),
    ("en", "Islamic State", "islamic_state"),
    ("en", "Wagner mercenaries", "wagner"),
])
def test_actors_aliases(lexicon: ActorLexicon, lang: str, text: str, actor_id: str) -> None:
    found = [m for m in lexicon.find(text, lang) if m.actor is not None]
    assert [m.actor.id for m in found] == [actor_id]


def test_actors_acronyms_match_case(lexicon: ActorLexicon) -> None:
    assert [m.actor.id for m in lexicon.find("IS nam Mosul in", "nl") if m.actor] == \
        ["islamic_state"]
    assert not [m for m in lexicon.find("Hama is gevallen", "nl") if m.actor]


@pytest.mark.parametrize(("lang", "text", "country", "actor_id"), [
    ("nl", "de rebellen", "SY", "syria_opposition"),
    ("nl", "regeringstroepen", "SY", "syria_gov"),
    ("nl", "het leger", "MM", "tatmadaw"),
    ("en", "the army", "SD", "saf"),
    ("en", "government forces", "YE", "yemen_gov"),
    ("en", "the rebels", "CD", "rebels"),
    ("en", "the army", "", None),
    ("en", "Serb forces", "BA", "vrs"),
    ("en", "Serb forces", "HR", "rsk"),
    ("en", "Serb forces", "XK", "serbia"),
    ("en", "Serb forces", "", None),
    ("nl", "federale troepen", "RU", "russia"),
    ("nl", "federale troepen", "ET", "ethiopia_gov"),
    ("nl", "gewapende bendes", "HT", "viv_ansanm"),
    ("en", "armed gangs", "NG", None),
])
def test_actors_generic_resolved_by_place_country(lexicon: ActorLexicon, lang: str, text: str,
                                                  country: str, actor_id: str | None) -> None:
    (mention,) = lexicon.find(text, lang)
    actor = lexicon.resolve(mention, country)
    assert (actor.id if actor else None) == actor_id


def test_actors_generic_rebels_are_the_wars_opposition(lexicon: ActorLexicon) -> None:
    """A war with a generic opposition actor: "rebellen" is that, not the group named."""
    (mention,) = lexicon.find("de rebellen", "nl")
    hts = lexicon.get("hts")
    assert lexicon.resolve(mention, "SY", [hts]).id == "syria_opposition"


def test_actors_generic_rebels_take_the_one_named_group_without_opposition(
        lexicon: ActorLexicon) -> None:
    """No generic opposition for the war: the one named rebel group, else unspecified."""
    (mention,) = lexicon.find("de rebellen", "nl")
    m23 = lexicon.get("m23")
    assert lexicon.resolve(mention, "CD", [m23]) == m23
    assert lexicon.resolve(mention, "CD").id == "rebels"


def test_actors_demonym_wins_over_place_country(lexicon: ActorLexicon) -> None:
    (mention,) = lexicon.find("Russische troepen", "nl")
    assert lexicon.resolve(mention, "UA").id == "russia"


@pytest.mark.parametrize(("lang", "words", "actor_id"), [
    ("nl", "in Russische handen", "russia"),
    ("nl", "Oekraïense terugtrekking uit", "ukraine"),
    ("en", "under Israeli control", "israel"),
    ("en", "Sudanese withdrawal from", "saf"),
    ("en", "in the hands of", None),
    ("nl", "onder internationale controle", None),
])
def test_actors_demonym_actor_names_the_countrys_forces(lexicon: ActorLexicon, lang: str,
                                                         words: str,
                                                         actor_id: str | None) -> None:
    actor = lexicon.demonym_actor(words, lang)
    assert (actor.id if actor else None) == actor_id


@pytest.mark.parametrize(("lang", "label"), [("nl", "Syrische regering"),
                                             ("en", "Syrian government")])
def test_actors_side_labels(lexicon: ActorLexicon, lang: str, label: str) -> None:
    labels = lexicon.side_labels(lang)
    assert labels["syria_gov"] == label
    assert set(labels) == {a.side for a in lexicon.actors.values()}


def test_actors_page_labels_name_actors_in_the_pages_language(lexicon: ActorLexicon) -> None:
    """A Dutch page calls the Syrian army "Syrische regeringstroepen"; an English page
    keeps actors.toml's names (no "@" labels), and both keep every side label."""
    dutch = lexicon.page_labels("nl")
    assert dutch["@syria_gov"] == "Syrische regeringstroepen"
    assert dutch["syria_gov"] == "Syrische regering"
    assert {k[1:] for k in dutch if k.startswith("@")} <= set(lexicon.actors)
    english = lexicon.page_labels("en")
    assert not [k for k in english if k.startswith("@")]
    assert set(english) == set(lexicon.side_labels("en"))


def test_actors_unknown_id_in_actor_names_is_an_error(tmp_path: Path) -> None:
    for path in RULES_DIR.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    nl = tmp_path / "nl.toml"
    nl.write_text(nl.read_text(encoding="utf-8").replace("[actor_names]\n",
                                                         "[actor_names]\nnobody = \"X\"\n"),
                  encoding="utf-8")
    with pytest.raises(RulesError, match=r"\[actor_names\] names unknown actor 'nobody'"):
        ActorLexicon.load(tmp_path).page_labels("nl")


def test_actors_kinds_are_state_or_non_state(lexicon: ActorLexicon) -> None:
    assert {a.kind for a in lexicon.actors.values()} == {"state", "non_state"}


def test_actors_unknown_id_in_language_file_is_an_error(tmp_path: Path) -> None:
    for path in RULES_DIR.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    nl = tmp_path / "nl.toml"
    nl.write_text(nl.read_text(encoding="utf-8").replace("hts = [", "nobody = ["),
                  encoding="utf-8")
    with pytest.raises(RulesError, match="nobody"):
        ActorLexicon.load(tmp_path).find("HTS", "nl")


@pytest.mark.parametrize(("lang", "text", "country", "actor_id"), [
    ("en", "al-Shabaab fighters", "SO", "al_shabaab"),
    ("en", "al-Shabaab fighters", "MZ", "ansar_al_sunna"),
    ("nl", "al-Shabaab", "KE", "al_shabaab"),
    ("en", "al-Qaeda", "YE", "aqap"),
    ("nl", "al-Qaida", "IQ", "al_qaeda"),
    ("en", "the Northern Alliance", "AF", "northern_alliance"),
    ("en", "the Northern Alliance", "MM", "myanmar_resistance"),
])
def test_actors_namesakes_are_the_local_group(lexicon: ActorLexicon, lang: str, text: str,
                                              country: str, actor_id: str) -> None:
    (mention,) = [m for m in lexicon.find(text, lang) if m.actor is not None]
    assert lexicon.resolve(mention, country).id == actor_id  # type: ignore[union-attr]


def test_actors_unknown_id_in_namesakes_is_an_error(tmp_path: Path) -> None:
    for path in RULES_DIR.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    actors = tmp_path / "actors.toml"
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        "[namesakes.MZ]\n", "[namesakes.MZ]\nnobody = \"m23\"\n"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"\[namesakes.MZ\] 'nobody': unknown actor"):
        ActorLexicon.load(tmp_path)
