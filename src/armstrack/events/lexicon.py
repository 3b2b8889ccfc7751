"""The event rules' word knowledge, loaded from plain data files in ``events/data/lexicon/``.

Why data and not code: which words trigger an event, which cue words change its
factuality, which nouns name weapons and which words make a system a rival are
facts about English news, not logic. Kept as commented TSV and TOML files, a
reviewer can read and correct them without reading the rules, every list exists
once, and a test checks them (``tests/test_lexicon_data.py``). DEVELOPERS.md says
how to change a word and how to check that change.

The files are read once, at first import, and validated: a malformed file is an
error of the shipped package, so loading fails loudly (``LexiconError``) rather
than extracting with half a lexicon. The module exposes every table under the
name the rules use (``VERB_TRIGGERS``, ``RIVAL_WORDS``, ...), as frozen sets and
mappings, so the rules test words against them as before.

Trigger senses say which way the hardware moves relative to the grammatical
subject, which is how suppliers and recipients are told apart (the header of
``triggers.tsv`` explains the six directions).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from armstrack.kb.loader import read_tsv, split_list
from armstrack.model import EVENT_TYPES

LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"

#: Which way the hardware moves relative to the subject (see triggers.tsv).
DIRECTIONS = ("provide", "acquire", "mutual", "hold", "cut", "sanction")
#: Constraints a trigger row may carry (see triggers.tsv), by part of speech.
CONSTRAINTS = {
    "verb": ("needs_object", "habitual", "participle", "giving", "no_money", "any_object",
             "local_cue"),
    "noun": ("local_cue",),
}
#: The files of the lexicon and what each holds.
TRIGGER_FILE = "triggers.tsv"
WEAPON_FILE = "weapon_nouns.tsv"
FORMS_FILE = "forms.tsv"
WORD_LIST_FILES = ("senses.toml", "cues.toml", "rivals.toml", "grammar.toml", "gate.toml")
VALUE_TABLE_FILE = "amounts.toml"
#: Words every data file's header must carry: where its words come from.
PROVENANCE = "written by the armstrack developers"


class LexiconError(ValueError):
    """A lexicon file is malformed (the message lists every problem found)."""


@dataclass(frozen=True)
class TriggerSense:
    type: str
    direction: str


@dataclass(frozen=True)
class WeaponNoun:
    """One row of ``weapon_nouns.tsv``: a noun and what the rules may do with it."""

    noun: str
    refers_back: bool
    counts: bool
    generic: bool
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """Every table of the lexicon files, as read (``load_lexicon``)."""

    #: pos ("verb" | "noun") -> lemma -> sense
    triggers: Mapping[str, Mapping[str, TriggerSense]]
    #: pos -> constraint -> lemmas that carry it
    constraints: Mapping[str, Mapping[str, frozenset[str]]]
    weapon_nouns: tuple[WeaponNoun, ...]
    #: lemma -> forms its stem does not reach ("buy" -> "bought")
    irregular_forms: Mapping[str, tuple[str, ...]]
    #: lemmas events/triggers.py reads as triggers by rules of their own ("build")
    coded_trigger_lemmas: frozenset[str]
    #: "file stem.key" ("rivals.rival_words") -> words in file order
    word_lists: Mapping[str, tuple[str, ...]]
    #: table name ("currency_words") -> word -> value
    value_tables: Mapping[str, Mapping[str, object]]

    def words(self, name: str) -> frozenset[str]:
        return frozenset(self.word_lists[name])

    def weapon_words(self, column: str) -> frozenset[str]:
        return frozenset(w.noun for w in self.weapon_nouns if getattr(w, column))


def _flag(value: str, where: str, problems: list[str]) -> bool:
    if value not in {"", "yes"}:
        problems.append(f"{where}: expected 'yes' or nothing, got {value!r}")
    return value == "yes"


def _word_problems(word: object, where: str) -> list[str]:
    if not isinstance(word, str) or not word.strip():
        return [f"{where}: {word!r} is not a word"]
    if word != word.lower() or word != word.strip():
        return [f"{where}: {word!r} must be lower case without surrounding spaces"]
    return []


def _read_triggers(path: Path, problems: list[str]) -> tuple[dict, dict]:
    senses: dict[str, dict[str, TriggerSense]] = {"verb": {}, "noun": {}}
    constraints: dict[str, dict[str, set[str]]] = {
        pos: {c: set() for c in names} for pos, names in CONSTRAINTS.items()}
    for lineno, row in read_tsv(path):
        where = f"{path.name}:{lineno}"
        lemma, pos = row.get("lemma", ""), row.get("pos", "")
        problems.extend(_word_problems(lemma, where))
        if pos not in senses:
            problems.append(f"{where}: pos {pos!r} is not verb or noun")
            continue
        if lemma in senses[pos]:
            problems.append(f"{where}: {pos} {lemma!r} is listed twice")
        if row.get("type") not in EVENT_TYPES:
            problems.append(f"{where}: event type {row.get('type')!r} is not one of {EVENT_TYPES}")
        if row.get("direction") not in DIRECTIONS:
            problems.append(f"{where}: direction {row.get('direction')!r} is not one of "
                            f"{DIRECTIONS}")
        senses[pos][lemma] = TriggerSense(row.get("type", ""), row.get("direction", ""))
        for name in split_list(row.get("constraints", "")):
            if name not in constraints[pos]:
                problems.append(f"{where}: constraint {name!r} is not one of {CONSTRAINTS[pos]}")
                continue
            constraints[pos][name].add(lemma)
    return senses, constraints


def _read_weapon_nouns(path: Path, problems: list[str]) -> list[WeaponNoun]:
    nouns: list[WeaponNoun] = []
    seen: set[str] = set()
    for lineno, row in read_tsv(path):
        where = f"{path.name}:{lineno}"
        noun = row.get("noun", "")
        problems.extend(_word_problems(noun, where))
        if noun in seen:
            problems.append(f"{where}: {noun!r} is listed twice")
        seen.add(noun)
        flags = [_flag(row.get(c, ""), where, problems)
                 for c in ("refers_back", "counts", "generic")]
        categories = tuple(split_list(row.get("categories", "")))
        if not any(flags):
            problems.append(f"{where}: {noun!r} has no use (refers_back, counts or generic)")
        nouns.append(WeaponNoun(noun, *flags, categories))
    return nouns


def _read_forms(path: Path, problems: list[str]) -> tuple[dict[str, tuple[str, ...]], set[str]]:
    irregular: dict[str, tuple[str, ...]] = {}
    coded: set[str] = set()
    seen: set[str] = set()
    for lineno, row in read_tsv(path):
        where = f"{path.name}:{lineno}"
        lemma = row.get("lemma", "")
        forms = split_list(row.get("irregular_forms", ""))
        for word in (lemma, *forms):
            problems.extend(_word_problems(word, where))
        if lemma in seen:
            problems.append(f"{where}: {lemma!r} is listed twice")
        seen.add(lemma)
        if forms:
            irregular[lemma] = tuple(forms)
        if _flag(row.get("coded_trigger", ""), where, problems):
            coded.add(lemma)
        if not forms and lemma not in coded:
            problems.append(f"{where}: {lemma!r} has neither irregular forms nor coded_trigger")
    return irregular, coded


def _read_toml(path: Path, problems: list[str]) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        problems.append(f"{path.name}: {exc}")
        return {}


def _read_word_lists(path: Path, problems: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for key, words in _read_toml(path, problems).items():
        where = f"{path.name}: {key}"
        if not isinstance(words, list):
            problems.append(f"{where}: expected a list of words")
            continue
        for word in words:
            problems.extend(_word_problems(word, where))
        repeated = sorted({w for w in words if words.count(w) > 1})
        if repeated:
            problems.append(f"{where}: listed twice: {', '.join(map(str, repeated))}")
        out[f"{path.stem}.{key}"] = tuple(words)
    return out


def _read_value_tables(path: Path, problems: list[str]) -> dict[str, Mapping[str, object]]:
    out: dict[str, Mapping[str, object]] = {}
    for name, table in _read_toml(path, problems).items():
        if not isinstance(table, dict):
            problems.append(f"{path.name}: {name}: expected a table of word = value")
            continue
        for word in table:
            problems.extend(_word_problems(word, f"{path.name}: {name}"))
        out[name] = MappingProxyType(dict(table))
    return out


def _header_problems(directory: Path) -> list[str]:
    """Every file must say, in its header comment, where its words come from."""
    problems = []
    for path in sorted(directory.iterdir()):
        head = [line for line in path.read_text(encoding="utf-8").splitlines()[:40]
                if line.startswith("#")]
        if PROVENANCE not in " ".join(head).lower():
            problems.append(f"{path.name}: the header comment must say it was {PROVENANCE}")
    return problems


def read_lexicon(directory: Path = LEXICON_DIR) -> tuple[Lexicon, list[str]]:
    """The lexicon in ``directory`` and the problems found in it (empty when well formed)."""
    problems: list[str] = []
    expected = {TRIGGER_FILE, WEAPON_FILE, FORMS_FILE, VALUE_TABLE_FILE, *WORD_LIST_FILES}
    present = {p.name for p in directory.iterdir()} if directory.is_dir() else set()
    problems += [f"{name}: missing" for name in sorted(expected - present)]
    problems += [f"{name}: not a lexicon file (not read)" for name in sorted(present - expected)]
    senses, constraints = _read_triggers(directory / TRIGGER_FILE, problems)
    weapon_nouns = _read_weapon_nouns(directory / WEAPON_FILE, problems)
    irregular_forms, coded_trigger_lemmas = _read_forms(directory / FORMS_FILE, problems)
    word_lists: dict[str, tuple[str, ...]] = {}
    for name in WORD_LIST_FILES:
        word_lists.update(_read_word_lists(directory / name, problems))
    value_tables = _read_value_tables(directory / VALUE_TABLE_FILE, problems)
    if present:
        problems += _header_problems(directory)
    lexicon = Lexicon(
        triggers=MappingProxyType({p: MappingProxyType(s) for p, s in senses.items()}),
        constraints=MappingProxyType({p: MappingProxyType({c: frozenset(w) for c, w in cs.items()})
                                      for p, cs in constraints.items()}),
        weapon_nouns=tuple(weapon_nouns),
        irregular_forms=MappingProxyType(irregular_forms),
        coded_trigger_lemmas=frozenset(coded_trigger_lemmas),
        word_lists=MappingProxyType(word_lists),
        value_tables=MappingProxyType(value_tables),
    )
    return lexicon, problems


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The shipped lexicon, read and checked once."""
    lexicon, problems = read_lexicon(LEXICON_DIR)
    if problems:
        raise LexiconError("event lexicon files are malformed:\n  " + "\n  ".join(problems))
    return lexicon


_LEXICON = load_lexicon()
_words = _LEXICON.words

# triggers.tsv
VERB_TRIGGERS: Mapping[str, TriggerSense] = _LEXICON.triggers["verb"]
NOUN_TRIGGERS: Mapping[str, TriggerSense] = _LEXICON.triggers["noun"]
NEEDS_OBJECT = _LEXICON.constraints["verb"]["needs_object"]
HABITUAL_WITHOUT_OBJECT = _LEXICON.constraints["verb"]["habitual"]
PARTICIPLES = _LEXICON.constraints["verb"]["participle"]
GIVING = _LEXICON.constraints["verb"]["giving"]
NO_MONEY_OBJECT = _LEXICON.constraints["verb"]["no_money"]
ANY_OBJECT = _LEXICON.constraints["verb"]["any_object"]
VERBS_NEEDING_LOCAL_CUE = _LEXICON.constraints["verb"]["local_cue"]
NOUNS_NEEDING_LOCAL_CUE = _LEXICON.constraints["noun"]["local_cue"]

# weapon_nouns.tsv
ANAPHORIC_WEAPON_NOUNS = _LEXICON.weapon_words("refers_back")
UNITS = _LEXICON.weapon_words("counts")
GENERIC_ARMS = _LEXICON.weapon_words("generic")
#: Which system categories a generic noun can refer back to ("the jets" -> aircraft).
ANAPHOR_CATEGORIES: Mapping[str, frozenset[str]] = MappingProxyType(
    {w.noun: frozenset(w.categories) for w in _LEXICON.weapon_nouns if w.categories})

# forms.tsv
IRREGULAR_FORMS = _LEXICON.irregular_forms
CODED_TRIGGER_LEMMAS = _LEXICON.coded_trigger_lemmas

# senses.toml
CONTRACT_AGREEMENT_MODIFIERS = _words("senses.contract_agreement_modifiers")
LOCAL_CUES = _words("senses.local_cues")
TRANSFER_XCOMPS = _words("senses.transfer_complements")
EASE_ADJECTIVES = _words("senses.ease_adjectives")
REJECTABLE = _words("senses.rejectable_nouns")
#: Nouns that make an object something a transfer can be about.
TRANSFER_THINGS = (_words("senses.transfer_object_nouns") | ANAPHORIC_WEAPON_NOUNS | GENERIC_ARMS
                   | frozenset(NOUN_TRIGGERS))
HOPED_BUSINESS_MODIFIERS = _words("senses.hoped_business_modifiers")
EVENT_GOVERNORS = _words("senses.event_governors")
TALKED_ABOUT = _words("senses.talked_about_governors")
BUSINESS_MODIFIERS = _words("senses.business_modifiers")
BUSINESS_FIGURE_NOUNS = _words("senses.business_figure_nouns")
PROPERTY_NOUNS = _words("senses.property_nouns")
RECEIVING_GOVERNORS = _words("senses.receiving_governors")
TARGET_GOVERNORS = _words("senses.target_governors")
WINNING_GOVERNORS = _words("senses.winning_governors")
SIGNING_VERBS = _words("senses.signing_verbs")
WARNING_VERBS = _words("senses.warning_verbs")
GO_AHEAD_VERBS = _words("senses.go_ahead_verbs")
ORIGIN_PARTICIPLES = _words("senses.origin_participles")
US_SANCTION_WORDS = _words("senses.us_sanction_words")
SANCTION_WARNING_VERBS = _words("senses.sanction_warning_verbs")

# cues.toml
PLANNED_AUX = _words("cues.planned_aux")
PLANNED_LEMMAS = _words("cues.planned_lemmas")
POSSIBLE_AUX = _words("cues.possible_aux")
POSSIBLE_LEMMAS = _words("cues.possible_lemmas")
CONDITION_MARKS = _words("cues.condition_marks")
NEGATIONS = _words("cues.negations")
NOT_REALLY_NEGATION = _words("cues.not_really_negation")
THREAT_LEMMAS = _words("cues.threat_lemmas")
HOPE_WORDS = _words("cues.hope_words")
REFUSAL_WORDS = _words("cues.refusal_words")
DENIAL_WORDS = _words("cues.denial_words")
INTEREST_VERBS = _words("cues.interest_verbs")
REPORTING_VERBS = _words("cues.reporting_verbs")
NOUN_HEAD_PREPS = _words("cues.noun_head_preps")
SANCTION_HEAD_PREPS = _words("cues.sanction_head_preps")

# rivals.toml
RIVAL_WORDS = _words("rivals.rival_words")
LINEAR_RIVAL_WORDS = _words("rivals.linear_rival_words")
BEATING_WORDS = _words("rivals.beating_words")
LOSING_BID_MODIFIERS = _words("rivals.losing_bid_modifiers")
COMPETITION_WORDS = _words("rivals.competition_words")
#: Words that make a contract noun or a verb of buying a prize still sought or competed for
#: ("the race for the contract", "a bid for the order", "interest in buying"): talks.
COMPETITION_FRAMES = (COMPETITION_WORDS | INTEREST_VERBS
                      | _words("rivals.prize_frames")) - {"rival"}

# grammar.toml
OBJECT_CONTROL = _words("grammar.object_control")
RELATIVE_PRONOUNS = _words("grammar.relative_pronouns")
PERSONAL_PRONOUNS = _words("grammar.personal_pronouns")
NON_SPEAKER_SUBJECTS = _words("grammar.non_speaker_subjects")

# amounts.toml
WORD_NUMBERS: Mapping[str, int] = _LEXICON.value_tables["word_numbers"]  # type: ignore[assignment]
SCALE_WORDS: Mapping[str, float] = _LEXICON.value_tables["scale_words"]  # type: ignore[assignment]
CURRENCY_WORDS: Mapping[str, str] = _LEXICON.value_tables["currency_words"]  # type: ignore[assignment]

# gate.toml (in file order: the gate expands "buy|s|ing" forms)
GATE_TRANSFER_STEMS = _LEXICON.word_lists["gate.transfer_terms"]
GATE_WEAPON_STEMS = _LEXICON.word_lists["gate.weapon_terms"]
GATE_MAKER_TERMS = _LEXICON.word_lists["gate.maker_terms"]
