"""Reading the plain TSV files of ``kb/data`` into entries and surface forms.

Every fact lives in a reviewable TSV file with its provenance (``SOURCES.md``);
this module only turns rows into :class:`Entry` records and :class:`Surface`
forms. The base list of states comes from pycountry (ISO 3166-1, all 249
entries) so that the files carry only what ISO does not: news names, capitals,
seats of power, demonyms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from armstrack.kb.model import Entry, Institution, Listing
from armstrack.kb.text import fold

DATA_DIR = Path(__file__).parent / "data"

#: Ranking of candidate entries for one surface form (lower wins), by where it came from.
RANK_STATE = 0
RANK_INSTITUTION = 1
RANK_SYSTEM_FAMILY = 2
RANK_SYSTEM = 3
RANK_ORGANISATION = 4

SYSTEM_CATEGORIES = frozenset(
    {
        "aircraft",
        "air-defence",
        "armoured-vehicle",
        "artillery",
        "engine",
        "missile",
        "naval-weapon",
        "sensor",
        "ship",
        "satellite",
        "other",
    }
)


@dataclass(slots=True)
class Surface:
    """One way of writing an entry, with the rules under which it may match.

    ``case``: ``exact`` (all-caps abbreviations: "US" but not "us"), ``capital``
    (a capitalised name must be capitalised in the text: "Turkey", not "turkey"),
    or ``any`` (designations: "s-400" is fine).
    """

    text: str
    entry_id: str
    form: str
    case: str
    rank: int
    needs_context: bool = False
    ref: str | None = None
    blocker: bool = False
    origin_file: str = ""
    exact_form: str = ""


@dataclass(slots=True)
class RawKB:
    """Everything read from the files, before the automaton is compiled."""

    entries: dict[str, Entry] = field(default_factory=dict)
    surfaces: list[Surface] = field(default_factory=list)
    institutions: dict[str, Institution] = field(default_factory=dict)
    listings: list[Listing] = field(default_factory=list)
    ambiguous: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_tsv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a TSV file with ``#`` comment lines and a header row, as dicts."""
    if not path.exists():
        return
    header: list[str] | None = None
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            if header is None:
                header = cells
                continue
            cells += [""] * (len(header) - len(cells))
            yield lineno, dict(zip(header, cells, strict=False))


def split_list(value: str) -> list[str]:
    """A ``;``-separated cell as a list of non-empty, stripped items."""
    return [v.strip() for v in value.split(";") if v.strip()]


def default_case(surface: str) -> str:
    """The case rule a surface gets when its file does not say.

    Short all-caps abbreviations ("US", "UK", "SSB", "NATO", "THAAD") are exact,
    since their lower-case spellings are ordinary words ("us", "nato" rarely
    matters, "sub"...). Designations with digits match in any case ("s-400").
    Other capitalised names must be capitalised ("Turkey", not "turkey").
    """
    letters = [c for c in surface if c.isalpha()]
    has_digit = any(c.isdigit() for c in surface)
    if has_digit:
        return "any"
    if letters and all(c.isupper() for c in letters) and len(letters) <= 6:
        return "exact"
    if surface[:1].isupper() or (surface.startswith("the ") and surface[4:5].isupper()):
        return "capital"
    return "any"


_SEP = re.compile(r"[-\s]+")
# "S 400", "AT 7", "A 10": a one/two-letter prefix spaced from its number reads as English
# ("at 7", "a 10", "Poor's 500") unless written in capitals, so such forms match exactly.
_SPACED_SHORT_PREFIX = re.compile(r"(?:^|[\s-])[A-Za-z]{1,2} \d")


def separator_variants(surface: str) -> list[str]:
    """Hyphen/space/no-space spellings of a designation: S-400, S 400, S400.

    Only separators next to a digit or a one/two-letter token vary ("Su-35",
    "S-400", "Type 054A"); word-word separators ("Iron Dome") stay as written.
    """
    parts = _SEP.split(surface)
    seps = _SEP.findall(surface)
    if not seps:
        return [surface]
    choices: list[tuple[str, ...]] = []
    for i, sep in enumerate(seps):
        left, right = parts[i], parts[i + 1]
        touches = (
            left[-1:].isdigit()
            or right[:1].isdigit()
            or (left.isalpha() and len(left) <= 2)
            or (right.isalpha() and len(right) <= 2 and right.isupper())
        )
        choices.append(("-", " ", "") if touches else (sep,))
    free = sum(1 for c in choices if len(c) > 1)
    out: list[str] = []
    if free > 3:
        variants = [seps] + [
            [s if len(c) == 1 else v for s, c in zip(seps, choices, strict=True)]
            for v in ("-", " ", "")
        ]
    else:
        variants = [[]]
        for c in choices:
            variants = [v + [s] for v in variants for s in c]
    for combo in variants:
        text = parts[0] + "".join(s + p for s, p in zip(combo, parts[1:], strict=True))
        if text not in out:
            out.append(text)
    return out


def _country_display(country: object) -> str:
    return getattr(country, "common_name", None) or country.name  # type: ignore[attr-defined]


def _clean_iso_name(name: str) -> str | None:
    if "," in name:
        return None
    return re.sub(r"\s*\(.*?\)\s*", " ", name).strip() or None


def load_states(raw: RawKB, data_dir: Path) -> None:
    """All ISO 3166-1 states from pycountry plus the extra forms of ``states.tsv``."""
    rows = list(read_tsv(data_dir / "states.tsv"))
    canonical = {r["state"]: r["form"] for _, r in rows if r.get("kind") == "canonical"}
    dropped = {(r["state"], fold(r["form"]).lower()) for _, r in rows if r.get("kind") == "drop"}
    for country in pycountry.countries:
        code = country.alpha_3
        name = canonical.get(code) or _country_display(country)
        raw.entries[code] = Entry(
            id=code, kind="state", name=name, state=code, party=code, category="state"
        )
    for code, name in canonical.items():
        if code not in raw.entries:  # a state ISO does not list (Kosovo: XKX)
            raw.entries[code] = Entry(
                id=code, kind="state", name=name, state=code, party=code, category="state"
            )
    for lineno, r in rows:
        code, form, kind = r["state"], r["form"], r.get("kind") or "name"
        if kind == "drop":
            continue
        if code not in raw.entries:
            raw.problems.append(f"states.tsv:{lineno}: unknown state {code!r}")
            continue
        raw.surfaces.append(
            Surface(
                form,
                code,
                "name" if kind == "canonical" else kind,
                r.get("case") or default_case(form),
                RANK_STATE,
                origin_file="states.tsv",
            )
        )
    for country in pycountry.countries:
        code = country.alpha_3
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            form = _clean_iso_name(value) if value else None
            if form and (code, fold(form).lower()) not in dropped:
                raw.surfaces.append(
                    Surface(
                        form, code, "name", default_case(form), RANK_STATE, origin_file="pycountry"
                    )
                )


def load_nonstate(raw: RawKB, data_dir: Path) -> None:
    """Non-state parties that SIPRI counts as suppliers or recipients (NATO, Hezbollah...)."""
    for lineno, r in read_tsv(data_dir / "nonstate.tsv"):
        pid = r["id"]
        if pid in raw.entries:
            raw.problems.append(f"nonstate.tsv:{lineno}: duplicate id {pid!r}")
            continue
        raw.entries[pid] = Entry(
            id=pid, kind="state", name=r["name"], state=None, party=pid, category="non-state"
        )
        _add_names(raw, pid, r["name"], r.get("aliases", ""), RANK_STATE, "nonstate.tsv")


def _add_names(raw: RawKB, entry_id: str, name: str, aliases: str, rank: int,
               origin_file: str) -> None:
    """An entry's name and ``;``-separated aliases as surfaces of the automaton."""
    for i, form in enumerate([name, *split_list(aliases)]):
        raw.surfaces.append(Surface(form, entry_id, "name" if i == 0 else "alias",
                                    default_case(form), rank, origin_file=origin_file))


def load_institutions(raw: RawKB, data_dir: Path) -> None:
    """Ministries, armed forces, agencies: surfaces of the state (or party) they stand for."""
    for lineno, r in read_tsv(data_dir / "institutions.tsv"):
        iid, state = r["id"], r["state"]
        if state not in raw.entries:
            raw.problems.append(f"institutions.tsv:{lineno}: unknown state {state!r}")
            continue
        if iid in raw.institutions:
            raw.problems.append(f"institutions.tsv:{lineno}: duplicate id {iid!r}")
            continue
        aliases = tuple(split_list(r.get("aliases", "")))
        raw.institutions[iid] = Institution(
            iid, state, r["name"], r.get("kind", ""), aliases, r.get("notes", "")
        )
        for form in (r["name"], *aliases):
            raw.surfaces.append(
                Surface(
                    form,
                    state,
                    "institution",
                    default_case(form),
                    RANK_INSTITUTION,
                    ref=iid,
                    origin_file="institutions.tsv",
                )
            )


def load_organisations(raw: RawKB, data_dir: Path) -> None:
    """Arms makers and export agencies: they stand for their state as suppliers."""
    for lineno, r in read_tsv(data_dir / "organisations.tsv"):
        oid, state = r["id"], r["state"]
        if oid in raw.entries:
            raw.problems.append(f"organisations.tsv:{lineno}: duplicate id {oid!r}")
            continue
        if state not in raw.entries:
            raw.problems.append(f"organisations.tsv:{lineno}: unknown state {state!r}")
        raw.entries[oid] = Entry(
            id=oid,
            kind="organisation",
            name=r["name"],
            state=state,
            party=state,
            category=r.get("kind") or "maker",
            parent=r.get("parent") or None,
        )
        _add_names(raw, oid, r["name"], r.get("aliases", ""), RANK_ORGANISATION,
                   "organisations.tsv")


def load_systems(raw: RawKB, data_dir: Path) -> None:
    """Weapon systems from the colleague-maintained ``systems.tsv`` (whatever is there)."""
    rows = list(read_tsv(data_dir / "systems.tsv"))
    names = {r.get("id", ""): r.get("name", "") for _, r in rows}
    for lineno, r in rows:
        sid = r.get("id", "")
        if not sid or not r.get("name"):
            raw.problems.append(f"systems.tsv:{lineno}: row without id or name")
            continue
        if sid in raw.entries:
            raw.problems.append(f"systems.tsv:{lineno}: duplicate id {sid!r}")
            continue
        family = r.get("family") or sid
        needs = r.get("needs_context", "").lower() in {"yes", "y", "true", "1"}
        origin = r.get("origin") or None
        raw.entries[sid] = Entry(
            id=sid,
            kind="system",
            name=r["name"],
            state=origin,
            party=None,
            category=r.get("category", ""),
            family=family,
            family_name=names.get(family) or None,
            origin=origin,
            makers=tuple(split_list(r.get("makers", ""))),
            needs_context=needs,
        )
        rank = RANK_SYSTEM_FAMILY if family == sid else RANK_SYSTEM
        for i, form in enumerate([r["name"], *split_list(r.get("aliases", ""))]):
            has_digit = any(c.isdigit() for c in form)
            word_like = not has_digit and "-" not in form
            kind = "name" if i == 0 else ("designation" if has_digit else "alias")
            case = default_case(form)
            if needs and word_like and case == "any":
                case = "capital"
            for variant in separator_variants(form) if has_digit else [form]:
                vkind = kind if variant == form else "designation"
                vcase = "exact" if _SPACED_SHORT_PREFIX.search(variant) else case
                raw.surfaces.append(
                    Surface(
                        variant,
                        sid,
                        vkind,
                        vcase,
                        rank,
                        needs_context=needs and word_like,
                        origin_file="systems.tsv",
                    )
                )


def load_blockers(raw: RawKB, data_dir: Path) -> None:
    """Phrases that contain an entry's name but mean something else ("New Jersey")."""
    for _, r in read_tsv(data_dir / "blockers.tsv"):
        raw.surfaces.append(
            Surface(
                r["form"],
                "",
                "blocker",
                r.get("case") or "any",
                -1,
                blocker=True,
                origin_file="blockers.tsv",
            )
        )


def load_sanctions(raw: RawKB, data_dir: Path) -> None:
    """Sanctions listings; each must name an entry or an institution."""
    for lineno, r in read_tsv(data_dir / "sanctions.tsv"):
        ent = r["entity"]
        if ent not in raw.entries and ent not in raw.institutions:
            raw.problems.append(f"sanctions.tsv:{lineno}: unknown entity {ent!r}")
        raw.listings.append(
            Listing(
                ent, r["list"], r.get("date_listed", ""), r.get("source", ""), r.get("notes", "")
            )
        )


def load_ambiguous(raw: RawKB, data_dir: Path) -> None:
    """Surface forms shared by several entries, with the entry chosen on purpose."""
    for _, r in read_tsv(data_dir / "ambiguous.tsv"):
        raw.ambiguous[fold(r["form"]).lower()] = r["chosen"]


def load_raw(data_dir: Path = DATA_DIR) -> RawKB:
    """Read every data file; unknown references are collected in ``problems``, not raised."""
    raw = RawKB()
    load_states(raw, data_dir)
    load_nonstate(raw, data_dir)
    load_institutions(raw, data_dir)
    load_organisations(raw, data_dir)
    load_systems(raw, data_dir)
    load_blockers(raw, data_dir)
    load_sanctions(raw, data_dir)
    load_ambiguous(raw, data_dir)
    return raw
