"""armstrack.kb: the knowledge base (states, parties, organisations, systems, sanctions).

Facts live in reviewable TSV files under ``kb/data`` (provenance in
``kb/data/SOURCES.md``); :func:`load_kb` reads them once per process and
compiles one automaton that finds and resolves mentions in news text.
"""

from armstrack.kb.model import Entry, Institution, Listing, Match
from armstrack.kb.resolver import KnowledgeBase, build_kb, load_kb, resolve_json

__all__ = [
    "Entry",
    "Institution",
    "KnowledgeBase",
    "Listing",
    "Match",
    "build_kb",
    "load_kb",
    "resolve_json",
]
