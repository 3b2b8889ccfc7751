"""The event lexicon files (src/armstrack/events/data/lexicon/) are well formed and shipped.

Why: the rules' word knowledge is data that people edit by hand; a typo (an
upper-case lemma, a word listed twice, an event type the model does not know)
would silently change what the rules read. These tests say which file and line.
"""

from __future__ import annotations

import fnmatch
import shutil
import tomllib
from pathlib import Path

import pytest

from armstrack.events import lexicon
from armstrack.kb.loader import read_tsv
from armstrack.model import EVENT_TYPES

REPO = Path(__file__).resolve().parents[1]
SYSTEMS_TSV = REPO / "src" / "armstrack" / "kb" / "data" / "systems.tsv"


@pytest.fixture()
def lexicon_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped lexicon, to break on purpose."""
    target = tmp_path / "lexicon"
    shutil.copytree(lexicon.LEXICON_DIR, target)
    return target


def _problems(directory: Path) -> list[str]:
    return lexicon.read_lexicon(directory)[1]


def test_shipped_lexicon_is_well_formed() -> None:
    loaded, problems = lexicon.read_lexicon()
    assert problems == []
    assert loaded.triggers["verb"] and loaded.triggers["noun"] and loaded.weapon_nouns


def test_every_trigger_has_a_known_event_type_and_direction() -> None:
    for pos, senses in lexicon.load_lexicon().triggers.items():
        for lemma, sense in senses.items():
            assert sense.type in EVENT_TYPES, (pos, lemma)
            assert sense.direction in lexicon.DIRECTIONS, (pos, lemma)
            assert lemma == lemma.lower().strip(), (pos, lemma)
    assert {s.type for s in lexicon.VERB_TRIGGERS.values()} == set(EVENT_TYPES)


def test_weapon_noun_categories_are_knowledge_base_categories() -> None:
    known = {row["category"] for _, row in read_tsv(SYSTEMS_TSV)}
    for noun in lexicon.load_lexicon().weapon_nouns:
        assert set(noun.categories) <= known, noun
        assert not noun.categories or noun.refers_back, noun  # only anaphors use categories


def test_constraints_name_triggers_of_their_part_of_speech() -> None:
    loaded = lexicon.load_lexicon()
    for pos, constraints in loaded.constraints.items():
        for name, lemmas in constraints.items():
            assert lemmas <= set(loaded.triggers[pos]), (pos, name)
    assert "operate" in lexicon.NEEDS_OBJECT and "buy" not in lexicon.NEEDS_OBJECT


def test_forms_are_of_trigger_lemmas() -> None:
    """Irregular forms and coded triggers serve the plain-text search for triggers (nlp.focus)."""
    loaded = lexicon.load_lexicon()
    triggers = set(lexicon.VERB_TRIGGERS) | set(lexicon.NOUN_TRIGGERS)
    assert set(loaded.irregular_forms) <= triggers | loaded.coded_trigger_lemmas
    assert not loaded.coded_trigger_lemmas & triggers  # a coded trigger has no row of its own
    assert lexicon.IRREGULAR_FORMS["buy"] == ("bought",)


def test_derived_tables_keep_their_meaning() -> None:
    """The tables the rules read are the columns and lists of the files."""
    assert "jet" in lexicon.ANAPHORIC_WEAPON_NOUNS and "jet" in lexicon.UNITS
    assert "arms" in lexicon.GENERIC_ARMS and "arms" not in lexicon.ANAPHORIC_WEAPON_NOUNS
    assert lexicon.ANAPHOR_CATEGORIES["frigate"] == {"ship"}
    assert lexicon.ANAPHORIC_WEAPON_NOUNS | lexicon.GENERIC_ARMS <= lexicon.TRANSFER_THINGS
    assert set(lexicon.NOUN_TRIGGERS) <= lexicon.TRANSFER_THINGS
    assert lexicon.CURRENCY_WORDS["€"] == "EUR" and lexicon.SCALE_WORDS["bn"] == 1e9
    assert lexicon.GATE_TRANSFER_STEMS[0] == "buy|s|ing|er|ers"  # file order is kept


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("triggers.tsv", "\nsell\tverb\tcontract\tprovide", "\nSell\tverb\tcontract\tprovide",
     "lower case"),
    ("triggers.tsv", "\nsell\tverb\tcontract\tprovide", "\nsell\tverb\tpurchase\tprovide",
     "event type 'purchase'"),
    ("triggers.tsv", "\nsell\tverb\tcontract\tprovide", "\nsell\tverb\tcontract\tgive",
     "direction 'give'"),
    ("triggers.tsv", "\nsell\tverb\tcontract\tprovide", "\nbuy\tverb\tcontract\tprovide",
     "listed twice"),
    ("triggers.tsv", "needs_object;no_money", "needs_object;no_cash", "constraint 'no_cash'"),
    ("weapon_nouns.tsv", "\nfrigate\tyes", "\njet\tyes", "listed twice"),
    ("forms.tsv", "\nsell\tsold", "\nbuy\tsold", "listed twice"),
    ("forms.tsv", "\nletter\t\tyes", "\nletter\t\t", "neither irregular forms"),
    ("weapon_nouns.tsv", "\nfrigate\tyes", "\nfrigate\tsure", "expected 'yes'"),
    ("rivals.toml", '"replace", "replacement"', '"replace", "replace"', "listed twice"),
    ("cues.toml", '"hope", "aim"', '"Hope", "aim"', "lower case"),
    ("cues.toml", "hope_words = [", "hope_words = [[", "cues.toml"),
    ("grammar.toml", "armstrack developers", "someone", "header comment"),
])
def test_malformed_files_are_reported(lexicon_copy: Path, file: str, old: str, new: str,
                                      expected: str) -> None:
    path = lexicon_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = _problems(lexicon_copy)
    assert any(expected in p and file in p for p in problems), problems


def test_missing_and_stray_files_are_reported(lexicon_copy: Path) -> None:
    (lexicon_copy / "cues.toml").unlink()
    (lexicon_copy / "extra.tsv").write_text("# notes\n", encoding="utf-8")
    problems = _problems(lexicon_copy)
    assert "cues.toml: missing" in problems
    assert any(p.startswith("extra.tsv: not a lexicon file") for p in problems)


def test_package_data_ships_every_lexicon_file() -> None:
    """A wheel must carry the files: pyproject's package-data globs must match each one."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["armstrack"]
    package = REPO / "src" / "armstrack"
    for path in lexicon.LEXICON_DIR.iterdir():
        parts = path.relative_to(package).parts
        assert any(_glob_matches(parts, g.split("/")) for g in globs), parts


def _glob_matches(parts: tuple[str, ...], pattern: list[str]) -> bool:
    """setuptools' package-data glob: "*" matches within one folder, never across folders."""
    return len(parts) == len(pattern) and all(map(fnmatch.fnmatch, parts, pattern))
