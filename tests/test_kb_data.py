"""The knowledge-base data files are valid, consistent and documented.

These tests read the shipped TSV files: a broken reference (a maker id that no
organisation has, a sanctions row naming nobody) fails here rather than as a
silently missing supplier in an extracted event.
"""

from __future__ import annotations

import re
from datetime import date

import pycountry
import pytest

from armstrack.kb import load_kb
from armstrack.kb.loader import DATA_DIR, SYSTEM_CATEGORIES, read_tsv
from armstrack.kb.text import key

ID_RE = re.compile(r"^[A-Za-z][\w:.-]*$")
KEBAB_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
ISO3 = {c.alpha_3 for c in pycountry.countries}
EXTRA_STATES = {"XKX"}  # Kosovo: user-assigned code, not in ISO 3166-1
KNOWN_LISTS = {
    "us-caatsa-231",
    "us-ofac-sdn",
    "us-ofac-ssi",
    "eu-russia",
    "eu-russia-arms-embargo",
    "eu-china-arms-embargo",
    "uk-russia",
    "un-arms-embargo",
    "un-sanctions-1718",
}
MY_FILES = [
    "states.tsv",
    "nonstate.tsv",
    "institutions.tsv",
    "organisations.tsv",
    "sanctions.tsv",
    "blockers.tsv",
    "ambiguous.tsv",
]


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _rows(name: str) -> list[dict[str, str]]:
    return [row for _, row in read_tsv(DATA_DIR / name)]


def test_loader_reports_no_problems(kb) -> None:
    assert kb.problems == []


@pytest.mark.parametrize("name", [*MY_FILES, "systems.tsv"])
def test_files_have_provenance_header_and_even_columns(name: str) -> None:
    path = DATA_DIR / name
    if not path.exists():
        pytest.skip(f"{name} not written yet")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#"), f"{name} must open with comment lines on provenance"
    body = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    width = len(body[0].split("\t"))
    bad = [i for i, ln in enumerate(body) if len(ln.split("\t")) > width]
    assert not bad, f"{name}: rows wider than the header: {bad[:5]}"


def test_sources_md_describes_every_file() -> None:
    sources = (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for name in [*MY_FILES, "systems.tsv"]:
        assert name in sources


def test_every_iso_state_is_an_entry(kb) -> None:
    states = {e.id for e in kb.entries("state") if e.category == "state"}
    assert states >= ISO3
    assert states - ISO3 == EXTRA_STATES
    assert len(ISO3) == 249


def test_ids_are_unique_and_well_formed(kb) -> None:
    for name in ["nonstate.tsv", "institutions.tsv", "organisations.tsv", "systems.tsv"]:
        ids = [r["id"] for r in _rows(name)]
        assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
        if name != "systems.tsv":  # system ids are slugs ("3m-14"), never event participants
            assert all(ID_RE.match(i) for i in ids), name
    assert all(SLUG_RE.match(r["id"]) for r in _rows("systems.tsv"))
    all_ids = [e.id for e in kb.entries()]
    assert len(all_ids) == len(set(all_ids))
    assert all(KEBAB_RE.match(r["id"]) for r in _rows("organisations.tsv"))


def test_state_codes_are_valid() -> None:
    valid = ISO3 | EXTRA_STATES
    nonstate = {r["id"] for r in _rows("nonstate.tsv")}
    assert all(r["state"] in valid for r in _rows("states.tsv"))
    assert all(r["state"] in valid for r in _rows("organisations.tsv"))
    for r in _rows("institutions.tsv"):
        assert r["state"] in valid | nonstate, r["id"]
        assert r["id"].split(":")[0] == r["state"], r["id"]
    assert not nonstate & valid


def test_state_rows_use_known_kinds() -> None:
    kinds = {r["kind"] for r in _rows("states.tsv")}
    assert kinds <= {"canonical", "drop", "name", "former-name", "capital", "seat", "demonym"}
    assert {r["case"] for r in _rows("states.tsv")} <= {"", "exact", "capital", "any"}


def test_organisation_rows(kb) -> None:
    ids = {r["id"] for r in _rows("organisations.tsv")}
    for r in _rows("organisations.tsv"):
        assert r["kind"] in {"maker", "export-agency", "holding", "joint-venture"}, r["id"]
        assert not r["parent"] or r["parent"] in ids, r["id"]
        assert r["parent"] != r["id"]


def test_systems_have_category_origin_family_and_makers(kb) -> None:
    systems = list(kb.entries("system"))
    if not systems:
        pytest.skip("systems.tsv is empty")
    orgs = {e.id for e in kb.entries("organisation")}
    for e in systems:
        assert e.category in SYSTEM_CATEGORIES, e.id
        assert e.origin in ISO3 | EXTRA_STATES, e.id
        family = kb.get(e.family)
        assert family is not None and family.kind == "system", e.id
        assert family.family == family.id, f"{e.id}: family {e.family} is itself a variant"
        assert e.family_name == family.name
        missing = [m for m in e.makers if m not in orgs]
        assert not missing, f"{e.id}: unknown makers {missing}"


def test_every_surface_names_one_entry_or_is_declared_ambiguous(kb) -> None:
    declared = {key(r["form"]): r for r in _rows("ambiguous.tsv")}
    undeclared = []
    for k, cands in kb.surface_keys().items():
        ids = list(dict.fromkeys(s.entry_id for s in cands if not s.blocker))
        if len(ids) < 2:
            continue
        families = {kb.get(i).family for i in ids}
        if len(families) == 1 and None not in families:
            continue  # a family and its own variants: the family row wins, by design
        if k not in declared:
            undeclared.append((k, ids))
    assert not undeclared, undeclared[:20]


def test_declared_ambiguities_choose_a_real_candidate(kb) -> None:
    for r in _rows("ambiguous.tsv"):
        candidates = r["candidates"].split(";")
        assert r["chosen"] in candidates
        assert kb.get(r["chosen"]) is not None, r
        sharing = {s.entry_id for s in kb.surface_keys().get(key(r["form"]), ())}
        if len(sharing) < 2:
            continue  # systems.tsv (edited elsewhere) no longer shares the form: nothing to decide
        match = kb.resolve_match(r["form"])
        assert match is not None
        assert r["chosen"] in {match.entry.id, match.ref}


def test_blockers_do_not_erase_entries(kb) -> None:
    for k, cands in kb.surface_keys().items():
        if any(s.blocker for s in cands):
            assert all(s.blocker for s in cands), f"blocker {k!r} is also an entry's surface"


def test_sanctions_reference_entities_with_dated_sources(kb) -> None:
    rows = _rows("sanctions.tsv")
    assert len(rows) >= 30
    for r in rows:
        assert kb.get(r["entity"]) is not None or kb.institution(r["entity"]) is not None, r
        assert r["list"] in KNOWN_LISTS, r["list"]
        assert r["source"], r
        if r["date_listed"]:
            date.fromisoformat(r["date_listed"])
        else:
            assert "verify" in r["notes"], r


def test_counts_are_meaningful(kb) -> None:
    orgs = list(kb.entries("organisation"))
    assert len(orgs) >= 150
    assert len(list(kb.institutions())) >= 80
    nonstate = [e for e in kb.entries("state") if e.category == "non-state"]
    assert {"NATO", "AU", "UN", "EU", "HEZBOLLAH", "HOUTHIS"} <= {e.id for e in nonstate}
    capitals = [r for r in _rows("states.tsv") if r["kind"] == "capital"]
    assert len({r["state"] for r in capitals}) >= 190


def test_data_text_is_clean_utf8() -> None:
    for name in MY_FILES:
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        assert "\r" not in text and "\ufffd" not in text, name
        for line in text.splitlines():
            if not line.startswith("#"):
                assert all(cell == cell.strip() for cell in line.split("\t")), (name, line)
