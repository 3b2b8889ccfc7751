"""The register: events of all articles merged into deals with a status and a timeline.

See :mod:`armstrack.register.deals` for the merging, status and
disagreement rules, and :mod:`armstrack.register.payload` for SPEC.md §5's
JSON and the CSV rows.
"""

from armstrack.register.deals import (
    STAGE_OF_TYPE,
    STATUS_ORDER,
    Deal,
    Disagreement,
    Source,
    TimelineEntry,
    build_deals,
    deal_status,
    delivery_complete,
    event_date,
    fold_system,
)
from armstrack.register.payload import (
    ARTICLE_COLUMNS,
    DEAL_COLUMNS,
    EVENT_COLUMNS,
    article_rows,
    deal_rows,
    dumps,
    event_rows,
    extract_payload,
)

__all__ = [
    "ARTICLE_COLUMNS",
    "DEAL_COLUMNS",
    "EVENT_COLUMNS",
    "STAGE_OF_TYPE",
    "STATUS_ORDER",
    "Deal",
    "Disagreement",
    "Source",
    "TimelineEntry",
    "article_rows",
    "build_deals",
    "deal_rows",
    "deal_status",
    "delivery_complete",
    "dumps",
    "event_date",
    "event_rows",
    "extract_payload",
    "fold_system",
]
