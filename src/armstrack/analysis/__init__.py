"""What analysts do with a register: SIPRI checks, forecasts, changes, exports.

Library functions shared by the command line and the web face; each takes a
:class:`Register` (from a store: :func:`load_register`; from lists:
:func:`make_register`) and returns plain data with a ``to_json``:

- :func:`snapshot` -- the register as it stood from the articles published by a date;
- :func:`changes_since` -> ``[DealChange]``; :func:`atom_feed` -> Atom XML text;
- :func:`find_forecasts` -> ``[Forecast]``; :func:`tally` -> per-outlet or per-speaker rows;
  :func:`forecast_report` and :func:`changes_report` -> the JSON the CLI prints;
- :func:`read_trade_register` -> ``TradeRegister``; :func:`compare` -> ``SipriReport``;
- :func:`export_register` -> bytes in csv, excel, json, jsonl, parquet, graphml or sipri.
"""

from armstrack.analysis.changes import (
    DealChange,
    apply_changes,
    atom_feed,
    changes_report,
    changes_since,
    deal_state,
    register_state,
)
from armstrack.analysis.exports import (
    CONTENT_TYPES,
    EXPORT_FORMATS,
    SUFFIXES,
    deal_graph,
    export_register,
    flat_rows,
    parquet_table,
)
from armstrack.analysis.forecasts import (
    FORECAST_MODALITIES,
    VERDICTS,
    Forecast,
    find_forecasts,
    forecast_report,
    tally,
)
from armstrack.analysis.sipri import (
    CATEGORIES,
    SIPRI_COLUMNS,
    SipriFormatError,
    SipriReport,
    SipriRow,
    TradeRegister,
    compare,
    read_trade_register,
    sipri_rows,
)
from armstrack.analysis.snapshot import Register, event_ids, load_register, make_register, snapshot

__all__ = [
    "CATEGORIES",
    "CONTENT_TYPES",
    "EXPORT_FORMATS",
    "FORECAST_MODALITIES",
    "SIPRI_COLUMNS",
    "SUFFIXES",
    "VERDICTS",
    "DealChange",
    "Forecast",
    "Register",
    "SipriFormatError",
    "SipriReport",
    "SipriRow",
    "TradeRegister",
    "apply_changes",
    "atom_feed",
    "changes_report",
    "changes_since",
    "compare",
    "deal_graph",
    "deal_state",
    "event_ids",
    "export_register",
    "find_forecasts",
    "flat_rows",
    "forecast_report",
    "load_register",
    "make_register",
    "parquet_table",
    "read_trade_register",
    "register_state",
    "sipri_rows",
    "snapshot",
    "tally",
]
