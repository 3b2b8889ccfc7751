"""``sipri compare``, ``forecasts`` and ``changes``: what analysts ask of the register.

Thin shells over :mod:`armstrack.analysis` (the web face calls the same
functions): read the store, call the library, print a table, CSV, JSON or an
Atom feed. Machine output goes to stdout only; what could not be read goes to
stderr, one line each, and makes the exit status 1.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

import click

from armstrack.cli.options import DATE
from armstrack.cli.register_cmd import _console, _fail_line, _store
from armstrack.register import dumps

# --------------------------------------------------------------------------- sipri


@click.group()
def sipri() -> None:
    """SIPRI's Arms Transfers Database and the register (docs/sipri.md)."""


_FINDING_COLUMNS = (
    "category",
    "key",
    "note",
    "sipri_line",
    "sipri_id",
    "sipri_designation",
    "sipri_order_year",
    "sipri_ordered",
    "sipri_delivered",
    "sipri_delivery_years",
    "sipri_stage",
    "sipri_comments",
    "news_deal",
    "news_status",
    "news_order_year",
    "news_ordered",
    "news_delivered",
    "news_delivery_years",
    "news_evidence",
    "news_sources",
)


def _finding_row(finding: dict[str, Any]) -> dict[str, Any]:
    """One comparison as a flat CSV row (evidence: the sentence of the news' latest order)."""
    row: dict[str, Any] = {"category": finding["category"], "key": finding["key"]}
    row["note"] = finding["note"]
    s = finding["sipri"] or {}
    n = finding["news"] or {}
    row.update(
        {
            "sipri_line": s.get("line", ""),
            "sipri_id": s.get("sipri_id", ""),
            "sipri_designation": s.get("designation", ""),
            "sipri_order_year": s.get("order_year", ""),
            "sipri_ordered": s.get("number_ordered") if s.get("number_ordered") is not None else "",
            "sipri_delivered": s.get("number_delivered")
            if s.get("number_delivered") is not None
            else "",
            "sipri_delivery_years": s.get("delivery_years", ""),
            "sipri_stage": s.get("stage", ""),
            "sipri_comments": s.get("comments", ""),
            "news_deal": n.get("deal", ""),
            "news_status": n.get("status", ""),
            "news_order_year": n.get("order_year") or "",
            "news_ordered": n.get("number_ordered") if n.get("number_ordered") is not None else "",
            "news_delivered": n.get("number_delivered")
            if n.get("number_delivered") is not None
            else "",
            "news_delivery_years": n.get("delivery_years") or "",
            "news_evidence": (n.get("orders") or n.get("deliveries") or [{}])[-1].get(
                "evidence", ""
            ),
            "news_sources": " | ".join(
                x.get("url") or x.get("article", "") for x in n.get("sources") or ()
            ),
        }
    )
    return row


@sipri.command("compare")
@click.argument("trade_register", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True,
)
@click.option("--tolerance", type=click.IntRange(min=0), default=1, show_default=True,
              help="Years an order year may differ and still agree.")
@click.pass_context
def sipri_compare(ctx: click.Context, trade_register: str, fmt: str, tolerance: int) -> None:
    """Compare the register with a SIPRI trade register (a CSV downloaded from SIPRI).

    Every SIPRI row and every deal ends in one category: confirmed,
    disagreement (numbers, order or delivery years, status), sipri_only,
    news_only, or not_compared (below SIPRI's inclusion rule).
    """
    from armstrack.analysis import SipriFormatError, compare, load_register, read_trade_register

    try:
        sipri_file = read_trade_register(trade_register)
    except SipriFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    with _store(ctx) as store:
        register = load_register(store)
    report = compare(sipri_file, register.deals, tolerance=tolerance)
    payload = report.to_json()
    if fmt == "json":
        click.echo(dumps(payload))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(_FINDING_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for category in ("confirmed", "disagreement", "sipri_only", "news_only", "not_compared"):
            for finding in payload[category]:
                writer.writerow(_finding_row(finding))
    else:
        _print_report(payload)
    for problem in report.problems:
        _fail_line(problem)
    if sipri_file.skipped:
        _fail_line(f"{sipri_file.skipped} SIPRI row(s) skipped, {len(sipri_file.rows)} compared")
        ctx.exit(1)


def _print_report(payload: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    counts = payload["counts"]
    console.print(
        f"[bold]{escape(payload['file'])}[/] against the register "
        f"(order years within {payload['tolerance']}): "
        + ", ".join(f"{n} {c.replace('_', ' ')}" for c, n in counts.items())
    )
    for category in ("disagreement", "confirmed", "sipri_only", "news_only", "not_compared"):
        findings = payload[category]
        if not findings:
            continue
        table = Table(title=f"{category.replace('_', ' ')} ({len(findings)})", title_justify="left",
                      show_lines=category == "disagreement")
        for name in ("deal", "SIPRI", "news", "note / evidence"):
            table.add_column(name)
        for f in findings:
            row = _finding_row(f)
            sipri_side = (
                f"line {row['sipri_line']}: {row['sipri_designation']} {row['sipri_order_year']}"
                f"\nordered {row['sipri_ordered'] or '?'}, delivered {row['sipri_delivered'] or 0}"
                f" {row['sipri_delivery_years']}"
                if f["sipri"]
                else ""
            )
            news_side = (
                f"{row['news_status']} {row['news_order_year']}"
                f"\nordered {row['news_ordered'] or '?'}, delivered {row['news_delivered'] or '?'}"
                f" {row['news_delivery_years']}"
                if f["news"]
                else ""
            )
            note = row["note"]
            if row["news_evidence"] and category in ("disagreement", "news_only"):
                note += f"\n{row['news_evidence'][:160]}"
            table.add_row(escape(f["key"]), escape(sipri_side), escape(news_side), escape(note))
        console.print(table)


# --------------------------------------------------------------------------- forecasts


_FORECAST_COLUMNS = (
    "published", "deal", "type", "modality", "time", "outlet", "speaker", "verdict", "timing",
    "days_late", "article", "evidence", "settled_by_article", "settled_by_evidence",
)


def _forecast_row(f: Any) -> dict[str, Any]:
    data = f.to_json()
    settled = data["settled_by"] or {}
    time = data["time"]
    return {
        "published": data["published"],
        "deal": data["deal"],
        "type": data["type"],
        "modality": data["modality"],
        "time": time["text"] or f"{time['start'] or '…'}..{time['end'] or '…'}",
        "outlet": data["outlet"],
        "speaker": data["speaker"],
        "verdict": data["verdict"],
        "timing": data["timing"] or "",
        "days_late": data["days_late"] if data["days_late"] is not None else "",
        "article": data["article"],
        "evidence": data["evidence"],
        "settled_by_article": settled.get("article", ""),
        "settled_by_evidence": settled.get("evidence", ""),
    }


@click.command()
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="Judge with the articles published by this date (default: the latest).")
@click.option("--source", "sources", multiple=True,
              help="Only forecasts whose outlet or speaker contains this (repeatable).")
@click.option("--include-possible", is_flag=True,
              help="Count 'possible' claims ('would', 'could') as forecasts too.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True,
)
@click.pass_context
def forecasts(
    ctx: click.Context,
    as_of: date | None,
    sources: Sequence[str],
    include_possible: bool,
    fmt: str,
) -> None:
    """Every planned or hoped claim with a time, and whether it came true (docs/forecasts.md)."""
    from armstrack.analysis import FORECAST_MODALITIES, find_forecasts, load_register, tally

    modalities = (*FORECAST_MODALITIES, "possible") if include_possible else FORECAST_MODALITIES
    with _store(ctx) as store:
        register = load_register(store)
    if fmt == "json":
        from armstrack.analysis import forecast_report

        click.echo(dumps(forecast_report(register, as_of, modalities, sources)))
        return
    found = find_forecasts(register, as_of=as_of, modalities=modalities, sources=sources)
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(_FORECAST_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(_forecast_row(f) for f in found)
        return
    by_outlet, by_speaker = tally(found, "outlet"), tally(found, "speaker")
    _print_forecasts(found, by_outlet, by_speaker)


_VERDICT_STYLE = {"came_true": "green", "overdue": "red", "open": "cyan", "contradicted": "magenta"}


def _print_forecasts(found: list[Any], by_outlet: list[dict[str, Any]],
                     by_speaker: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    as_of = found[0].as_of.isoformat() if found else "-"
    table = Table(title=f"{len(found)} forecast(s) as of {as_of}", title_justify="left")
    for name in ("published", "deal", "claim", "when", "speaker", "verdict", "settled by"):
        table.add_column(name)
    for f in found:
        row = _forecast_row(f)
        verdict = row["verdict"] + (f" ({row['timing']})" if row["timing"] else "")
        if row["days_late"] not in ("", 0) and row["timing"] != "early":
            verdict += f", {row['days_late']} days"
        style = _VERDICT_STYLE.get(f.verdict, "")
        table.add_row(
            row["published"],
            escape(row["deal"]),
            escape(f"{row['type']} ({row['modality']})"),
            escape(row["time"]),
            escape(row["speaker"]),
            f"[{style}]{escape(verdict)}[/]",
            escape(row["settled_by_article"]),
        )
    console.print(table)
    for title, rows, key in (("by outlet", by_outlet, "outlet"), ("by speaker", by_speaker,
                                                                    "speaker")):
        tally_table = Table(title=title, title_justify="left")
        for name in (key, "forecasts", "came true", "on time", "late", "overdue", "open",
                     "contradicted", "on-time rate"):
            tally_table.add_column(name)
        for r in rows:
            rate = "-" if r["on_time_rate"] is None else f"{r['on_time_rate']:.0%}"
            tally_table.add_row(
                escape(str(r[key])),
                *(str(r[k]) for k in ("forecasts", "came_true", "on_time", "late", "overdue",
                                      "open", "contradicted")),
                rate,
            )
        console.print(tally_table)


# --------------------------------------------------------------------------- changes


@click.command()
@click.option("--since", type=DATE, required=True, help="Changes after the register of this date.")
@click.option("--until", type=DATE, default=None, help="Up to the register of this date.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "atom"]), default="table",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None)
@click.pass_context
def changes(
    ctx: click.Context, since: date, until: date | None, fmt: str, output: str | None
) -> None:
    """Deals that appeared, changed status, gained sources or a disagreement since a date."""
    from armstrack.analysis import atom_feed, changes_report, changes_since, load_register

    with _store(ctx) as store:
        register = load_register(store)
    if fmt == "json":
        text = dumps(changes_report(register, since, until)) + "\n"
    else:
        found = changes_since(register, since, until)
        if fmt == "table":
            _print_changes(found, since)
            return
        text = atom_feed(found, since)
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


def _print_changes(found: list[Any], since: date) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(found)} deal(s) changed since {since.isoformat()}",
                  title_justify="left", show_lines=True)
    for name in ("reported", "deal", "what changed", "the claim that moved it"):
        table.add_column(name)
    for change in found:
        claim = change.claims[0] if change.claims else None
        moved = ""
        if claim is not None:
            ev = claim.event
            moved = f"{ev.type} ({ev.modality}) in {ev.article}: {ev.evidence[:200]}"
        table.add_row(
            change.updated.isoformat() if change.updated else "",
            escape(change.key),
            escape(change.summary.split(": ", 1)[1]),
            escape(moved),
        )
    _console().print(table)
