"""Parameter types shared by the command families, so that each flag means one thing."""

from __future__ import annotations

from datetime import date
from typing import Any

import click


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
