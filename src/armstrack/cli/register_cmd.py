"""``extract``, ``deals``, ``show`` and ``export``: the register on the command line.

``extract`` needs no database: inputs in, SPEC.md §5's JSON out, for scoring
and for pipelines. The other three read the store that ``ingest`` fills
(``--db``). Machine output (JSON, JSONL, CSV) goes to stdout exactly and
nothing else does; human output is rich tables; failures are one line each on
stderr and turn the exit status to 1 without stopping the run.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import IO, Any

import click

from armstrack.cli.options import DATE, open_register
from armstrack.model import Article, Event, ReadFailure
from armstrack.register import (
    DEAL_COLUMNS,
    STATUS_ORDER,
    Deal,
    deal_rows,
    dumps,
    extract_payload,
    fold_system,
)

ALL_STATUSES = (*STATUS_ORDER, "cancelled", "prospective")




def _fail_line(message: str) -> None:
    click.echo(f"armstrack: {message}", err=True)


# --------------------------------------------------------------------------- extract


def _articles_only(
    items: Iterable[Article | ReadFailure], failures: list[str]
) -> Iterator[Article]:
    """Pass articles on, report read failures (and repeated ids) as they come.

    A repeated article id would make two articles indistinguishable in
    SPEC.md's JSON (events name their article by id), so the second is skipped
    and reported rather than silently merged.
    """
    seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, ReadFailure):
            failures.append(item.describe())
            _fail_line(item.describe())
            continue
        where = item.path or item.id
        if item.id in seen:
            message = f"{where}: article id {item.id!r} already read from {seen[item.id]}; skipped"
            failures.append(message)
            _fail_line(message)
            continue
        seen[item.id] = where
        yield item


def _failed(article: Article, why: str, failures: list[str]) -> None:
    message = f"{article.path or article.id}: {why}"
    failures.append(message)
    _fail_line(message)


def run_extractor(
    articles: Iterable[Article],
    failures: list[str],
    batch_size: int = 32,
    jobs: int = 1,
) -> Iterator[tuple[Article, list[Event]]]:
    """The Extractor over articles, through the runner's executors (``armstrack.execution``);
    an article it fails on is reported and costs only itself. An ImportError is a broken
    installation, not a bad article, and stops the run."""
    from armstrack import pipeline
    from armstrack.execution import extract_stream, local_executor

    executor = local_executor(pipeline.Extractor, max(1, batch_size), jobs)
    try:
        for article, result in extract_stream(articles, executor, batch_size):
            if isinstance(result, str):
                _failed(article, result, failures)
            else:
                yield article, result
    except ImportError as exc:
        raise click.ClickException(f"the language pipeline cannot start: {exc}") from exc


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl"]),
    default="json",
    show_default=True,
    help="json: SPEC.md §5's object; jsonl: one event per line, streamed.",
)
@click.option("--published", type=DATE, help="Publication date for articles that have none.")
@click.option("--max-bytes", type=int, default=None, help="Largest file or record held at once.")
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes for the language pipeline.",
)
def extract(
    paths: Sequence[str],
    fmt: str,
    published: date | None,
    max_bytes: int | None,
    batch_size: int,
    workers: int,
) -> None:
    """Extract events and deals from PATH... (files, folders, JSONL(.gz), - for stdin) as JSON.

    No database is touched. Every article given is extracted: the relevance
    gate is an ingest-time economy, while extract answers "what does the
    pipeline read in these articles", which scoring and debugging need in full.
    """
    from armstrack.ingest import ReadOptions, read_inputs

    options = ReadOptions(published=published)
    if max_bytes is not None:
        options.max_bytes = max_bytes
    failures: list[str] = []
    articles = _articles_only(read_inputs(list(paths), options), failures)
    results = run_extractor(articles, failures, batch_size=batch_size, jobs=workers)

    if fmt == "jsonl":
        out = sys.stdout
        for _, events in results:
            for event in events:
                out.write(json.dumps(event.to_json(), ensure_ascii=False) + "\n")
    else:
        read: list[Article] = []
        found: list[Event] = []
        for article, events in results:
            read.append(article)
            found.extend(events)
        click.echo(dumps(extract_payload(read, found)))
    if failures:
        _fail_line(f"{len(failures)} input(s) failed")
        click.get_current_context().exit(1)


# --------------------------------------------------------------------------- the store


@contextlib.contextmanager
def _store(ctx: click.Context) -> Iterator[Any]:
    """The register (``armstrack.store.Store``) on ``--db``, opened read-only and closed after.

    ``create=False``: a SQLite file that does not exist is an error rather than
    a fresh empty register, so a mistyped ``--db`` does not look like "no deals".
    """
    store = open_register(ctx, write=False)
    try:
        yield store
    finally:
        store.close()


def _numbered(deals: Iterable[Deal]) -> list[Deal]:
    """Deals with an id: the store's, else (no id at all) their 1-based position in sorted order."""
    deals = list(deals)
    if all(deal.id is None for deal in deals):
        for n, deal in enumerate(deals, start=1):
            deal.id = n
    return deals


def _kb() -> Any:
    try:
        from armstrack.kb import load_kb

        return load_kb()
    except Exception:  # the resolver is a convenience; ids always work without it
        return None


def _entry(found: Any) -> Any:
    """The kb entry in whatever ``resolve`` returned (an Entry, a Match, a list, an id)."""
    if isinstance(found, list | tuple):
        return _entry(found[0]) if found else None
    inner = getattr(found, "entry", None)
    return _entry(inner) if inner is not None else found


def _resolved_id(found: Any, *attrs: str) -> str | None:
    """The first of ``attrs`` (then ``id``) the resolved entry has; a plain string is an id."""
    entry = _entry(found)
    if entry is None or isinstance(entry, str):
        return entry
    for attr in (*attrs, "id"):
        value = getattr(entry, attr, None)
        if value:
            return str(value)
    return None


def resolve_party(text: str, kb: Any = None) -> str:
    """A state named by id ("RUS") or name ("Russia", "Ankara") -> its ISO alpha-3 id.

    Unresolved names come back upper-cased, so a filter on them matches nothing
    rather than failing.
    """
    from armstrack.analysis.names import country_iso

    text = text.strip()
    if len(text) == 3 and text.isalpha():
        return text.upper()
    return country_iso(text, kb) or _resolved_id(kb.resolve(text) if kb else None, "party") or (
        text.upper()
    )


def _system_matcher(text: str, kb: Any = None) -> Callable[[Deal], bool]:
    """Match a deal by its system, a variant seen, or what the kb resolves the name to."""
    wanted = {fold_system(text)}
    if kb is not None:
        with contextlib.suppress(Exception):
            entry = _entry(kb.resolve(text))
            if entry is not None and not isinstance(entry, str):
                for attr in ("family_name", "name"):
                    if getattr(entry, attr, None):
                        wanted.add(fold_system(getattr(entry, attr)))
    wanted.discard("")

    def match(deal: Deal) -> bool:
        names = {fold_system(deal.system), *(fold_system(v) for v in deal.variants)}
        return bool(names & wanted)

    return match


def filter_deals(
    deals: Iterable[Deal],
    supplier: str | None = None,
    recipient: str | None = None,
    system: str | None = None,
    status: str | None = None,
) -> list[Deal]:
    """Deals matching every given filter; names resolve through the kb when it is there."""
    kb = _kb() if (supplier or recipient or system) else None
    sup = resolve_party(supplier, kb) if supplier else None
    rec = resolve_party(recipient, kb) if recipient else None
    sys_match = _system_matcher(system, kb) if system else None
    return [
        d
        for d in deals
        if (sup is None or d.supplier == sup)
        and (rec is None or d.recipient == rec)
        and (sys_match is None or sys_match(d))
        and (status is None or d.status == status)
    ]


def find_deal(deals: Sequence[Deal], ref: str) -> Deal | None:
    """``ref`` is a deal's number or ``SUPPLIER:RECIPIENT:SYSTEM`` (names allowed)."""
    ref = ref.strip()
    if ref.isdigit():
        return next((d for d in deals if d.id == int(ref)), None)
    parts = ref.split(":", 2)
    if len(parts) != 3:
        return None
    found = filter_deals(deals, supplier=parts[0], recipient=parts[1], system=parts[2])
    exact = [d for d in found if fold_system(d.system) == fold_system(parts[2])]
    return (exact or found or [None])[0]


# --------------------------------------------------------------------------- output helpers


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _flags(deal: Deal) -> str:
    flags = []
    if deal.sanction_events:
        flags.append(f"sanction events: {len(deal.sanction_events)}")
    if deal.sanctions:
        parties = sorted({flag.split(":", 1)[0] for flag in deal.sanctions})
        flags.append("listed: " + ",".join(parties))
    if deal.disagreements:
        flags.append(f"disagreements: {len(deal.disagreements)}")
    return "; ".join(flags)


def _console() -> Any:
    from rich.console import Console

    # The current (possibly redirected) stdout, so tests and pipes see the table.
    out = sys.stdout
    return Console(file=out, soft_wrap=False, width=None if out.isatty() else 160)


_STATUS_STYLE = {
    "cancelled": "red",
    "prospective": "dim",
    "delivered": "green",
    "in_service": "green",
    "delivering": "cyan",
}


def _write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)


# --------------------------------------------------------------------------- deals


@click.command()
@click.option("--supplier", help="Supplier id or name (RUS, Russia).")
@click.option("--recipient", help="Recipient id or name (TUR, Turkey).")
@click.option("--system", help="System family, variant or alias (S-400, F-35A).")
@click.option("--status", type=click.Choice(ALL_STATUSES))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.pass_context
def deals(
    ctx: click.Context,
    supplier: str | None,
    recipient: str | None,
    system: str | None,
    status: str | None,
    fmt: str,
) -> None:
    """List the register's deals, one line each, with optional filters."""
    with _store(ctx) as store:
        found = filter_deals(_numbered(store.deals()), supplier, recipient, system, status)
    if fmt == "json":
        click.echo(dumps([d.to_json() for d in found]))
        return
    if fmt == "csv":
        _write_csv(deal_rows(found), DEAL_COLUMNS, sys.stdout)
        return
    from rich.table import Table

    table = Table(title=f"{len(found)} deal(s)", title_justify="left")
    for name, kw in (
        ("id", {"justify": "right"}),
        ("supplier", {}),
        ("recipient", {}),
        ("system", {}),
        ("status", {}),
        ("events", {"justify": "right"}),
        ("first reported", {}),
        ("last reported", {}),
        ("flags", {}),
    ):
        table.add_column(name, **kw)
    for d in found:
        style = _STATUS_STYLE.get(d.status, "")
        table.add_row(
            str(d.id),
            d.supplier,
            d.recipient,
            d.system,
            f"[{style}]{d.status}[/]" if style else d.status,
            str(len(d.events)),
            _iso(d.first_reported),
            _iso(d.last_reported),
            _flags(d),
        )
    _console().print(table)


# --------------------------------------------------------------------------- show


@click.command()
@click.argument("deal")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def show(ctx: click.Context, deal: str, fmt: str) -> None:
    """One deal's timeline with evidence and sources.

    DEAL is its number (see 'armstrack deals') or SUPPLIER:RECIPIENT:SYSTEM, e.g. RUS:TUR:S-400.
    """
    with _store(ctx) as store:
        found = find_deal(_numbered(store.deals()), deal)
    if found is None:
        raise click.ClickException(
            f"no deal {deal!r}: give a number from 'armstrack deals' or SUPPLIER:RECIPIENT:SYSTEM"
        )
    if fmt == "json":
        click.echo(dumps(found.to_json()))
        return
    _print_timeline(found)


def _print_timeline(deal: Deal) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    style = _STATUS_STYLE.get(deal.status, "bold")
    console.print(
        f"[bold]Deal {deal.id}[/]  {escape(deal.supplier)} -> {escape(deal.recipient)}  "
        f"[bold]{escape(deal.system)}[/]  status: [{style}]{deal.status}[/]"
    )
    facts = [f"reported {_iso(deal.first_reported)} .. {_iso(deal.last_reported)}"]
    if deal.variants:
        facts.append("variants: " + ", ".join(deal.variants))
    if deal.quantity:
        facts.append(f"quantity: {deal.quantity.value:g} {deal.quantity.unit}")
    if deal.value:
        facts.append(f"value: {deal.value.amount:,.0f} {deal.value.currency}")
    if deal.sanctions:
        facts.append("on sanctions lists: " + "; ".join(deal.sanctions))
    console.print(escape("  ".join(facts)))

    disputed = {i for d in deal.disagreements for i in d.events}
    # "#" is the event's index in the register (export's event rows), so claims can be cited.
    table = Table(show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("date")
    table.add_column("claim")
    table.add_column("time as reported")
    table.add_column("evidence", ratio=3)
    table.add_column("source")
    for entry in deal.timeline:
        ev = entry.event
        claim = f"{ev.type} ({ev.modality})"
        if ev.variant and ev.variant != deal.system:
            claim += f"\n{ev.variant}"
        if ev.quantity:
            claim += f"\n{ev.quantity.value:g} {ev.quantity.unit}"
        mark = ""
        if entry.index in disputed:
            mark = "[bold red]! disagrees with " + ", ".join(f"#{i}" for i in entry.disagrees_with)
            mark += "[/]\n"
        source = ev.source or ""
        cited = f"{entry.title or ev.article} ({_iso(entry.published)})"
        if entry.url:
            cited += f"\n{entry.url}"
        dated = ev.time is not None and (ev.time.start or ev.time.end)
        table.add_row(
            f"#{entry.index}",
            _iso(entry.date) if dated else f"{_iso(entry.date)}\n[dim](published)[/]",
            escape(claim) if ev.is_realis else f"[dim]{escape(claim)}[/]",
            escape(ev.time.text if ev.time else ""),
            mark + escape(ev.evidence),
            escape(f"{source}\n{cited}" if source else cited),
            style="on grey11" if entry.index in disputed else None,
        )
    console.print(table)
    if deal.disagreements:
        console.print("[bold red]Claims that disagree:[/]")
        for d in deal.disagreements:
            a, b = d.events
            console.print(escape(f"  #{a} vs #{b} ({d.kind}, {d.type}): {d.note}"))
    console.print("[bold]Sources:[/]")
    for s in deal.sources:
        console.print(escape(f"  {_iso(s.published)}  {s.article}  {s.title}  {s.url or ''}"))


# --------------------------------------------------------------------------- export


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "excel", "json", "jsonl", "parquet", "graphml", "sipri"]),
    required=True,
    help="csv/json: SPEC.md's shapes; excel: CSV with a UTF-8 BOM; jsonl: one object a line; "
    "parquet: typed table; graphml: supplier-recipient network; sipri: SIPRI's columns + sources.",
)
@click.option(
    "--what",
    type=click.Choice(["deals", "events", "articles"]),
    default=None,
    help="What to export (default: deals; for JSON the whole SPEC.md §5 object).",
)
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="The register as it stood from the articles published by this date.")
@click.option(
    "--include",
    type=click.Choice(["ordered", "delivering", "all"]),
    default="ordered",
    show_default=True,
    help="sipri only: SIPRI's inclusion rule (an order placed, or deliveries begun), or all deals.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None)
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    what: str | None,
    as_of: date | None,
    include: str,
    output: str | None,
) -> None:
    """Export the register (or its snapshot at --as-of) for analysts' tools (docs/exports.md)."""
    from armstrack.analysis import export_register, load_register, snapshot

    if what is not None and fmt in ("graphml", "sipri"):
        raise click.UsageError(f"--what does not apply to --format {fmt} (it exports deals)")
    with _store(ctx) as store:
        register = load_register(store)
    if as_of is not None:
        register = snapshot(register, as_of)
    data = export_register(register, fmt, what=what, include=include)
    if output:
        try:
            with open(output, "wb") as f:
                f.write(data)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
