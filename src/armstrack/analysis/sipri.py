"""SIPRI's Arms Transfers Database against the register: read a trade register, compare, export.

SIPRI compiles its database by hand and publishes it once a year; it counts a
deal once an order is placed or a delivery has begun, and cites no source per
record. A user downloads a *trade register* (CSV) from SIPRI's site; we never
ship SIPRI's data. This module:

* reads such a file by column *names* (:func:`read_trade_register`): a few
  title lines before the header, unnamed flag columns beside "Year of order",
  "Number ordered" and "Number delivered" (SIPRI marks uncertain values with
  ``?`` there, or wraps estimates in parentheses), header spellings that vary
  between export versions, comma, semicolon or tab delimiters, UTF-8 or
  Latin-1. Whatever cannot be read is said per row, and the rest goes on;
* maps countries to ISO alpha-3 and designations to knowledge-base families
  (:mod:`armstrack.analysis.names`);
* compares (:func:`compare`): SIPRI rows and deals meet on (supplier,
  recipient, family); the order year must agree within a tolerance, and the
  number ordered, the delivery years and the stage are compared. Each row and
  deal ends in exactly one category, with the evidence of both sides:
  ``confirmed``, ``disagreement``, ``sipri_only``, ``news_only``; deals that
  SIPRI's inclusion rule would not count yet (talks, agreements, plans) are
  listed as ``not_compared``;
* writes the register in SIPRI's columns plus the sources SIPRI lacks
  (:func:`sipri_rows`).

SIPRI's "status" column, in the exports we know, says whether weapons were new
or second hand, not how far a deal got; SIPRI's stage is therefore read from
the numbers (nothing delivered: ordered; some: delivering; all: delivered),
and from the status or comments only when they say "cancelled".
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from armstrack.analysis.facts import (
    Claim,
    delivery_claims,
    delivery_years,
    number_delivered,
    order_claims,
    order_year,
)
from armstrack.analysis.names import country_iso, knowledge_base, system_family
from armstrack.register import STATUS_ORDER, Deal, Source, fold_system

__all__ = [
    "CATEGORIES",
    "SIPRI_COLUMNS",
    "SipriFormatError",
    "SipriReport",
    "SipriRow",
    "TradeRegister",
    "compare",
    "read_trade_register",
    "sipri_rows",
]

#: The comparison's categories, in the order reports list them.
CATEGORIES = ("confirmed", "disagreement", "sipri_only", "news_only", "not_compared")

#: Field -> header spellings (folded: lower case, letters and digits only).
_HEADERS: dict[str, tuple[str, ...]] = {
    "sipri_id": ("sipriatdatabaseid", "sipriid", "databaseid", "dealid", "tradeid", "id"),
    "recipient": ("recipient", "recipientcountry", "importer", "buyer", "recipients"),
    "supplier": ("supplier", "suppliercountry", "exporter", "seller", "suppliers"),
    "order_year": ("yearoforder", "yearsoforder", "orderyear", "yearordered", "ordered"),
    "ordered": ("numberordered", "noordered", "quantityordered", "numberofweaponsordered"),
    "designation": ("weapondesignation", "designation", "weapon", "armament", "system"),
    "description": ("weapondescription", "description", "weaponcategory", "category"),
    "delivered": ("numberdelivered", "nodelivered", "quantitydelivered", "delivered"),
    "delivery_years": (
        "yearsofdelivery",
        "yearofdelivery",
        "yearsofdeliveries",
        "deliveryyears",
        "deliveryyear",
    ),
    "status": ("status", "weaponstatus", "dealstatus"),
    "comments": ("comments", "comment", "notes", "remarks", "note"),
    "tiv_unit": ("sipritivperunit", "tivperunit", "tivunit"),
    "tiv_total": ("sipritivfortotalorder", "tivfortotalorder", "tivtotal"),
    "tiv_delivered": (
        "sipritivofdeliveredweapons",
        "tivofdeliveredweapons",
        "tivdelivered",
    ),
}
#: Without these a row cannot be matched to anything.
REQUIRED = ("supplier", "recipient", "designation", "order_year")
#: How messages name the fields: as SIPRI's own header does.
FIELD_NAMES = {
    "sipri_id": "SIPRI AT Database ID",
    "recipient": "Recipient",
    "supplier": "Supplier",
    "order_year": "Year of order",
    "ordered": "Number ordered",
    "designation": "Weapon designation",
    "description": "Weapon description",
    "delivered": "Number delivered",
    "delivery_years": "Year(s) of delivery",
    "status": "status",
    "comments": "Comments",
    "tiv_unit": "SIPRI TIV per unit",
    "tiv_total": "SIPRI TIV for total order",
    "tiv_delivered": "SIPRI TIV of delivered weapons",
}
#: Fields SIPRI flags as uncertain in the (often unnamed) column to their right.
_FLAGGED = ("order_year", "ordered", "delivered")
_HEADER_SEARCH_LINES = 40


class SipriFormatError(ValueError):
    """The file cannot be read as a SIPRI trade register at all (the message says why)."""


def _fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", header.casefold())


@dataclass
class SipriRow:
    """One order in a SIPRI trade register, as read and resolved.

    ``line`` is the 1-based line in the file; ``supplier``/``recipient`` are
    ISO codes, ``family`` the knowledge base's family name; ``*_uncertain``
    are SIPRI's flags ("?" or an estimate in parentheses).
    """

    line: int
    sipri_id: str
    supplier_name: str
    recipient_name: str
    supplier: str
    recipient: str
    designation: str
    family: str
    order_year: int
    order_year_uncertain: bool = False
    ordered: int | None = None
    ordered_uncertain: bool = False
    delivered: int | None = None
    delivered_uncertain: bool = False
    delivery_years: tuple[int, int] | None = None
    delivery_years_text: str = ""
    description: str = ""
    status: str = ""
    comments: str = ""
    tiv: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.supplier, self.recipient, fold_system(self.family))

    @property
    def stage(self) -> str:
        """SIPRI's stage in the register's words: contracted, delivering, delivered, cancelled."""
        said = f"{self.status} {self.comments}".casefold()
        if "cancel" in said:
            return "cancelled"
        if not self.delivered:
            return "contracted"
        if self.ordered is not None and self.delivered < self.ordered:
            return "delivering"
        return "delivered"

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "sipri_id": self.sipri_id,
            "supplier": self.supplier_name,
            "recipient": self.recipient_name,
            "designation": self.designation,
            "description": self.description,
            "family": self.family,
            "order_year": self.order_year,
            "order_year_uncertain": self.order_year_uncertain,
            "number_ordered": self.ordered,
            "number_ordered_uncertain": self.ordered_uncertain,
            "number_delivered": self.delivered,
            "number_delivered_uncertain": self.delivered_uncertain,
            "delivery_years": self.delivery_years_text,
            "status": self.status,
            "comments": self.comments,
            "stage": self.stage,
        }


@dataclass
class TradeRegister:
    """A SIPRI file as read: usable rows, what could not be read, and which columns were found."""

    path: str
    rows: list[SipriRow]
    problems: list[str]
    columns: dict[str, str]  # field -> the header as the file spells it
    missing: list[str]  # optional fields the file has no column for
    skipped: int = 0  # rows given up on (each has a line in ``problems``)
    ignored: list[str] = field(default_factory=list)  # named columns we do not read


# --------------------------------------------------------------------------- reading


def _decode(data: bytes, where: str) -> str:
    if not data.strip():
        raise SipriFormatError(f"{where}: the file is empty")
    if b"\x00" in data[:4096]:
        raise SipriFormatError(f"{where}: not a CSV file (binary content)")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SipriFormatError(f"{where}: not a text file")  # unreachable: latin-1 decodes anything


def _find_columns(header: Sequence[str]) -> dict[str, int]:
    """Field -> column index for one candidate header row; first spelling that fits wins."""
    folded = [_fold(h) for h in header]
    found: dict[str, int] = {}
    for name, spellings in _HEADERS.items():
        for spelling in spellings:
            if spelling in folded and folded.index(spelling) not in found.values():
                found[name] = folded.index(spelling)
                break
    return found


def _flag_columns(header: Sequence[str], columns: dict[str, int]) -> dict[str, int]:
    """The flag column of each flagged field: the next column when it is unnamed or says so."""
    flags = {}
    taken = set(columns.values())
    for name in _FLAGGED:
        if name not in columns:
            continue
        nxt = columns[name] + 1
        if nxt < len(header) and nxt not in taken:
            label = _fold(header[nxt])
            if not label or "flag" in label or "uncertain" in label or header[nxt].strip() == "?":
                flags[name] = nxt
    return flags


def _split(text: str) -> tuple[str, list[list[str]]]:
    """The delimiter that makes a header appear, and the parsed rows."""
    lines = text.splitlines()[:_HEADER_SEARCH_LINES]
    sample = "\n".join(lines)
    best = ","
    best_score = -1
    for delimiter in (",", ";", "\t"):
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        score = max((len(_find_columns(r)) for r in rows), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best, list(csv.reader(io.StringIO(text), delimiter=best))


def _number(text: str) -> tuple[int | None, bool]:
    """SIPRI's numbers: ``12``, ``(12)`` (an estimate), ``12?``; anything else is None."""
    cleaned = text.strip()
    uncertain = "(" in cleaned or "?" in cleaned
    digits = re.sub(r"[()?\s,]", "", cleaned)
    return (int(digits), uncertain) if digits.isdigit() else (None, uncertain)


def _years(text: str) -> tuple[int, int] | None:
    found = [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", text)]
    return (min(found), max(found)) if found else None


def read_trade_register(source: str | Path | bytes, name: str | None = None) -> TradeRegister:
    """Read a SIPRI trade register CSV (a path, or its bytes) into resolved rows.

    Raises :class:`SipriFormatError` when the file as a whole is unusable (empty,
    binary, no header with the required columns); a row that cannot be used
    (an unknown country, a designation not in the knowledge base, a year that
    is not a year) is skipped with a line in ``problems`` naming it.
    """
    if isinstance(source, bytes):
        where, data = name or "<sipri file>", source
    else:
        where = name or str(source)
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise SipriFormatError(f"{where}: cannot be read ({exc.strerror or exc})") from exc
    text = _decode(data, where)
    _, rows = _split(text)
    header_at, columns = -1, {}
    for i, row in enumerate(rows[:_HEADER_SEARCH_LINES]):
        found = _find_columns(row)
        if len(found) > len(columns):
            header_at, columns = i, found
        if all(r in found for r in REQUIRED):
            break
    missing_required = [f for f in REQUIRED if f not in columns]
    if header_at < 0 or len(columns) < 2:
        raise SipriFormatError(
            f"{where}: no SIPRI header found in the first {_HEADER_SEARCH_LINES} lines "
            f"(expected columns such as Supplier, Recipient, Year of order, Weapon designation)"
        )
    header = rows[header_at]
    if missing_required:
        raise SipriFormatError(
            f"{where}: the header on line {header_at + 1} lacks required column(s): "
            + ", ".join(FIELD_NAMES[f] for f in missing_required)
            + f" (found: {', '.join(h for h in header if h.strip())})"
        )
    flags = _flag_columns(header, columns)
    problems: list[str] = []
    missing = [f for f in _HEADERS if f not in columns]
    if any(f in missing for f in ("ordered", "delivered", "delivery_years")):
        problems.append(
            f"{where}: no column for "
            + ", ".join(
                FIELD_NAMES[f] for f in ("ordered", "delivered", "delivery_years") if f in missing
            )
            + "; those facts are not compared"
        )
    kb = knowledge_base()
    out: list[SipriRow] = []
    skipped = 0
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(cell.strip() for cell in row):
            continue
        parsed = _row(row, offset, columns, flags, kb)
        if isinstance(parsed, str):
            problems.append(f"{where}: line {offset}: {parsed}; row skipped")
            skipped += 1
        else:
            out.append(parsed)
    used = {*columns.values(), *flags.values()}
    ignored = [h for i, h in enumerate(header) if i not in used and h.strip()]
    if ignored:
        problems.insert(0, f"{where}: column(s) not read: {', '.join(ignored)}")
    return TradeRegister(
        path=where,
        rows=out,
        problems=problems,
        columns={f: header[i] for f, i in columns.items()},
        missing=missing,
        skipped=skipped,
        ignored=ignored,
    )


def _row(
    row: Sequence[str],
    line: int,
    columns: dict[str, int],
    flags: dict[str, int],
    kb: Any,
) -> SipriRow | str:
    """One data row, or why it cannot be used."""

    def cell(name: str) -> str:
        i = columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def flagged(name: str) -> bool:
        i = flags.get(name)
        return i is not None and i < len(row) and bool(row[i].strip())

    sipri_id = cell("sipri_id")
    label = f" (SIPRI id {sipri_id})" if sipri_id else ""
    if len(row) < len(columns) // 2:
        return f"only {len(row)} cell(s){label}, not a register row"
    names = {}
    for party in ("supplier", "recipient"):
        raw = cell(party)
        iso = country_iso(raw, kb) if raw else None
        if iso is None:
            return f"unknown {party} {raw!r}{label}" if raw else f"no {party}{label}"
        names[party] = (raw, iso)
    designation = cell("designation")
    family = system_family(designation, kb) if designation else None
    if family is None:
        what = f"designation {designation!r}" if designation else "no weapon designation"
        return f"{what} not in the knowledge base{label}"
    year, year_flag = _number(cell("order_year"))
    if year is None or not 1900 <= year <= 2100:
        return f"year of order {cell('order_year')!r} is not a year{label}"
    ordered, ordered_flag = _number(cell("ordered"))
    delivered, delivered_flag = _number(cell("delivered"))
    years_text = cell("delivery_years")
    return SipriRow(
        line=line,
        sipri_id=sipri_id,
        supplier_name=names["supplier"][0],
        recipient_name=names["recipient"][0],
        supplier=names["supplier"][1],
        recipient=names["recipient"][1],
        designation=designation,
        family=family,
        order_year=year,
        order_year_uncertain=year_flag or flagged("order_year"),
        ordered=ordered,
        ordered_uncertain=ordered_flag or flagged("ordered"),
        delivered=delivered,
        delivered_uncertain=delivered_flag or flagged("delivered"),
        delivery_years=_years(years_text),
        delivery_years_text=years_text,
        description=cell("description"),
        status=cell("status"),
        comments=cell("comments"),
        tiv={k: cell(k) for k in ("tiv_unit", "tiv_total", "tiv_delivered") if cell(k)},
    )


# --------------------------------------------------------------------------- comparing

#: Register statuses below SIPRI's inclusion rule (no order placed, no delivery begun).
_BELOW_SIPRI = {"prospective", "negotiating", "agreed"}
#: Register stage -> the SIPRI stages it agrees with.
_AGREES = {
    "contracted": {"contracted"},
    "delivering": {"delivering"},
    "delivered": {"delivered"},
    "in_service": {"delivering", "delivered"},  # deployed: some or all delivered
    "cancelled": {"cancelled"},
}


@dataclass
class Comparison:
    """One finding: a SIPRI row, a deal, or both, with the evidence of each side.

    ``category`` is one of :data:`CATEGORIES`; ``differences`` lists
    ``{"field", "sipri", "news", "note"}`` for a disagreement (``field`` is
    ``order_year``, ``number_ordered``, ``delivery_years`` or ``status``).
    """

    category: str
    key: str
    sipri: SipriRow | None
    deal: Deal | None
    differences: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "key": self.key,
            "note": self.note,
            "differences": self.differences,
            "sipri": self.sipri.to_json() if self.sipri else None,
            "news": _news_evidence(self.deal) if self.deal else None,
        }


def _news_evidence(deal: Deal) -> dict[str, Any]:
    """The register's side: status, orders and deliveries with their sentences, and sources."""
    delivered, years = number_delivered(deal), delivery_years(deal)
    return {
        "deal": deal.id,
        "key": deal.key,
        "status": deal.status,
        "order_year": order_year(deal),
        "number_ordered": deal.quantity.value if deal.quantity else None,
        "number_delivered": _int(delivered) if delivered is not None else None,
        "delivery_years": _span(years) if years else None,
        "orders": [c.to_json() for c in order_claims(deal)],
        "deliveries": [c.to_json() for c in delivery_claims(deal)],
        "sources": [s.to_json() for s in deal.sources],
    }


@dataclass
class SipriReport:
    """The whole comparison: findings by category, and what could not be read or compared."""

    path: str
    tolerance: int
    comparisons: list[Comparison]
    problems: list[str]
    sipri_years: tuple[int, int] | None
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as in the file
    ignored_columns: list[str] = field(default_factory=list)

    def by_category(self, category: str) -> list[Comparison]:
        return [c for c in self.comparisons if c.category == category]

    def counts(self) -> dict[str, int]:
        return {c: len(self.by_category(c)) for c in CATEGORIES}

    def to_json(self) -> dict[str, Any]:
        """``{"file", "tolerance", "sipri_years", "columns", "ignored_columns", "counts",
        "problems", CATEGORY: [finding...] for each of CATEGORIES}``."""
        out: dict[str, Any] = {
            "file": self.path,
            "tolerance": self.tolerance,
            "sipri_years": list(self.sipri_years) if self.sipri_years else None,
            "columns": dict(self.columns),
            "ignored_columns": list(self.ignored_columns),
            "counts": self.counts(),
            "problems": list(self.problems),
        }
        for category in CATEGORIES:
            out[category] = [c.to_json() for c in self.by_category(category)]
        return out


def _order_for(row: SipriRow, orders: Sequence[Claim], tolerance: int) -> tuple[Claim | None, bool]:
    """The news contract a SIPRI row is about, and whether the row's year disagrees with it.

    A dated contract within ``tolerance`` years matches. Else an undated one
    matches if it was reported no earlier than the row's year (a report says a
    contract was signed by its publication date, not when). Else the nearest
    dated contract is returned with the disagreement flag set; None when the
    news reports no contract at all.
    """
    dated = [(c.year, c) for c in orders if c.year is not None]
    nearest = min(dated, key=lambda yc: (abs(yc[0] - row.order_year), -yc[0]), default=None)
    if nearest is not None and abs(nearest[0] - row.order_year) <= tolerance:
        return nearest[1], False
    undated = [
        c for c in orders if c.year is None and c.published and c.published.year >= row.order_year
    ]
    if undated:
        return min(undated, key=lambda c: (c.published, c.event)), False
    return (nearest[1], True) if nearest is not None else (None, False)


def _differences(row: SipriRow, deal: Deal, tolerance: int) -> list[dict[str, Any]]:
    """Where a SIPRI row and the deal it matched disagree (empty: they agree)."""
    found: list[dict[str, Any]] = []
    order, year_differs = _order_for(row, order_claims(deal), tolerance)
    if year_differs and order is not None:
        found.append(
            {
                "field": "order_year",
                "sipri": row.order_year,
                "news": order.year,
                "note": "no contract the news reports is within "
                f"{tolerance} year(s) of SIPRI's; the nearest is shown",
            }
        )
    elif (
        order is not None
        and order.quantity is not None
        and row.ordered is not None
        and order.quantity != row.ordered
    ):
        found.append(
            {
                "field": "number_ordered",
                "sipri": row.ordered,
                "news": _int(order.quantity),
                "note": "SIPRI's number is an estimate" if row.ordered_uncertain else "",
            }
        )
    if row.delivery_years:
        first, last = row.delivery_years[0] - tolerance, row.delivery_years[1] + tolerance
        outside = [
            (c.year, c.last_year or c.year)
            for c in delivery_claims(deal)
            if c.year is not None and ((c.last_year or c.year) < first or c.year > last)
        ]
        if outside:
            found.append(
                {
                    "field": "delivery_years",
                    "sipri": row.delivery_years_text,
                    "news": ", ".join(_span(years) for years in outside),
                    "note": "news deliveries dated outside SIPRI's years of delivery",
                }
            )
    if row.stage not in _AGREES.get(deal.status, set()):
        ahead = _rank(deal.status) > _rank(row.stage)
        found.append(
            {
                "field": "status",
                "sipri": row.stage,
                "news": deal.status,
                "note": "the news reports a later stage (SIPRI's yearly lag?)"
                if ahead
                else "SIPRI records a later stage than the news reports",
            }
        )
    return found


def _rank(status: str) -> int:
    order = ("prospective", *STATUS_ORDER)
    return order.index(status) if status in order else -1


def _int(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _span(years: tuple[int, int]) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"


def compare(
    trade_register: TradeRegister, deals: Sequence[Deal], tolerance: int = 1
) -> SipriReport:
    """Match SIPRI rows to deals and put every row and every deal in one category.

    Rows and deals meet on (supplier, recipient, family). A matched row is
    ``confirmed`` when the order year agrees within ``tolerance`` years (or the
    news gives no year), and the number ordered, delivery years and stage
    agree; otherwise it is a ``disagreement`` listing each difference. A row
    with no deal is ``sipri_only``; a deal with no row is ``news_only`` if it
    reached SIPRI's inclusion rule (a contract, a delivery, or an order since
    cancelled) and ``not_compared`` otherwise.
    """
    index: dict[tuple[str, str, str], Deal] = {
        (d.supplier, d.recipient, fold_system(d.system)): d for d in deals
    }
    rows = sorted(trade_register.rows, key=lambda r: (r.key, r.order_year, r.line))
    years = [r.order_year for r in rows]
    span = (min(years), max(years)) if years else None
    comparisons: list[Comparison] = []
    used: set[tuple[str, str, str]] = set()
    by_key: dict[tuple[str, str, str], list[SipriRow]] = defaultdict(list)
    for row in rows:
        by_key[row.key].append(row)
    for key, group in by_key.items():
        deal = index.get(key)
        for row in group:
            name = f"{row.supplier}:{row.recipient}:{row.family}"
            if deal is None:
                comparisons.append(
                    Comparison(
                        "sipri_only",
                        name,
                        row,
                        None,
                        note="no deal in the register for this supplier, recipient and family",
                    )
                )
                continue
            used.add(key)
            differences = _differences(row, deal, tolerance)
            comparisons.append(
                Comparison(
                    "disagreement" if differences else "confirmed",
                    deal.key,
                    row,
                    deal,
                    differences,
                    note="; ".join(f"{d['field']}: SIPRI {d['sipri']} vs news {d['news']}"
                                   for d in differences),
                )
            )
    for key, deal in sorted(index.items()):
        if key in used:
            continue
        comparisons.append(_unmatched(deal, span))
    return SipriReport(
        path=trade_register.path,
        tolerance=tolerance,
        comparisons=comparisons,
        problems=list(trade_register.problems),
        sipri_years=span,
        columns=dict(trade_register.columns),
        ignored_columns=list(trade_register.ignored),
    )


def _unmatched(deal: Deal, span: tuple[int, int] | None) -> Comparison:
    """A deal no SIPRI row names: news only, or not yet something SIPRI would count."""
    ordered = bool(order_claims(deal))
    if deal.status in _BELOW_SIPRI or (deal.status == "cancelled" and not ordered):
        return Comparison(
            "not_compared",
            deal.key,
            None,
            deal,
            note=f"below SIPRI's inclusion rule (status {deal.status}: no order, no delivery)",
        )
    year = order_year(deal) or (deal.first_reported.year if deal.first_reported else None)
    if span is not None and year is not None and year > span[1]:
        note = f"after the SIPRI file's last order year {span[1]}: new, or SIPRI's lag"
    else:
        note = "a contract or delivery the SIPRI file lacks"
    return Comparison("news_only", deal.key, None, deal, note=note)


# --------------------------------------------------------------------------- exporting

#: SIPRI's trade-register columns, then the one SIPRI does not have.
SIPRI_COLUMNS: tuple[str, ...] = (
    "Deal",
    "Recipient",
    "Supplier",
    "Year of order",
    "Number ordered",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    "Year(s) of delivery",
    "Status",
    "Comments",
    "Sources",
)

#: ``include`` choices of :func:`sipri_rows`: which register statuses a row needs.
INCLUSION: dict[str, frozenset[str]] = {
    # SIPRI's rule: an order placed (contract) or a delivery begun; cancelled orders stay listed.
    "ordered": frozenset({"contracted", "delivering", "delivered", "in_service", "cancelled"}),
    "delivering": frozenset({"delivering", "delivered", "in_service"}),
    "all": frozenset({*STATUS_ORDER, "prospective", "cancelled"}),
}


def _country_name(iso: str, kb: Any) -> str:
    entry = kb.get(iso) if kb is not None else None
    return str(entry.name) if entry is not None else iso


def _category(system: str, kb: Any) -> str:
    entry = kb.resolve(system) if kb is not None else None
    return str(entry.category) if entry is not None and entry.kind == "system" else ""


def _cite(source: Source) -> str:
    """A source as one cell: its URL, else its article id and publication date."""
    return source.url or f"{source.article} ({_iso(source.published) or 'undated'})"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def sipri_rows(deals: Iterable[Deal], include: str = "ordered") -> list[dict[str, Any]]:
    """The register in SIPRI's trade-register columns (:data:`SIPRI_COLUMNS`), one row per deal.

    ``include`` is ``ordered`` (SIPRI's rule: a contract placed or a delivery
    begun, cancelled orders included), ``delivering`` (deliveries begun) or
    ``all``. A cancelled deal's order is kept only if one was reported.
    Numbers SIPRI would estimate are left empty when the news gives none.
    """
    wanted = INCLUSION[include]
    kb = knowledge_base()
    out = []
    for deal in deals:
        if deal.status not in wanted:
            continue
        if deal.status == "cancelled" and include != "all" and not order_claims(deal):
            continue
        delivered = number_delivered(deal)
        years = delivery_years(deal)
        comments = [f"armstrack status: {deal.status}"]
        if deal.disagreements:
            comments.append(f"{len(deal.disagreements)} disagreement(s) between sources")
        if deal.sanctions:
            comments.append("sanctions listings: " + "; ".join(deal.sanctions))
        out.append(
            {
                "Deal": deal.key,
                "Recipient": _country_name(deal.recipient, kb),
                "Supplier": _country_name(deal.supplier, kb),
                "Year of order": order_year(deal) or "",
                "Number ordered": _int(deal.quantity.value) if deal.quantity else "",
                "Weapon designation": "; ".join(deal.variants) or deal.system,
                "Weapon description": _category(deal.system, kb),
                "Number delivered": _int(delivered) if delivered is not None else "",
                "Year(s) of delivery": _span(years) if years else "",
                "Status": deal.status,
                "Comments": "; ".join(comments),
                "Sources": " | ".join(_cite(s) for s in deal.sources),
            }
        )
    return out
