"""The ingest stage: every input format in, ``Article``s or ``ReadFailure``s out, streaming.

``read_inputs`` reads; ``parse_publication_date``/``parse_date_string`` find
dates; ``RelevanceGate`` is the cheap keyword check run before the language
pipeline; ``NearDuplicateIndex``/``content_hash`` find repeated stories. The
gate and the duplicate index are imported lazily (they pull in pyahocorasick,
datasketch/numpy and the knowledge base), so reading alone stays cheap.
"""

from __future__ import annotations

from typing import Any

from armstrack.ingest.dates import parse_date_string, parse_publication_date
from armstrack.ingest.reader import ReadOptions, read_inputs

__all__ = [
    "ReadOptions",
    "read_inputs",
    "parse_date_string",
    "parse_publication_date",
    "RelevanceGate",
    "GateDecision",
    "NearDuplicateIndex",
    "content_hash",
]

_LAZY = {
    "RelevanceGate": "armstrack.ingest.gate",
    "GateDecision": "armstrack.ingest.gate",
    "NearDuplicateIndex": "armstrack.ingest.dedup",
    "content_hash": "armstrack.ingest.dedup",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'armstrack.ingest' has no attribute {name!r}")
