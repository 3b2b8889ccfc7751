"""Parameter types shared by the command families, so that each flag means one thing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from armstrack.store import Store


class DateType(click.ParamType):
    """A publication date as people type it: ``2019-11-26``, ``26 November 2019``."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            from armstrack.ingest import parse_date_string

            found = parse_date_string(str(value))
            if found is None:
                self.fail(f"{value!r} is not a date (use YYYY-MM-DD)", param, ctx)
            return found


DATE = DateType()


def db_of(ctx: click.Context) -> str:
    """The ``--db`` the command was given (or ``$ARMSTRACK_DB``, or ``armstrack.db``)."""
    obj = ctx.find_root().obj or {}
    db = obj.get("db")
    return "armstrack.db" if db is None else db


def open_register(ctx: click.Context, *, write: bool) -> Store:
    """The one way a command opens the register: for writing (``ingest``) or read-only.

    Every problem (no register there, a folder, a foreign database, a bad URL,
    an unreachable server, ``--db ""``) is one ``armstrack: error`` line, never
    a traceback.
    """
    from armstrack.store import Store, StoreError

    try:
        return Store(db_of(ctx), create=write, readonly=not write)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
