"""The relevance gate: a cheap keyword check that runs before the (slow) language pipeline.

Why: on a wire service only a few percent of articles are about arms; parsing
the rest with spaCy is most of the cost of a run. One Aho-Corasick automaton
over the lowercased text finds every term in a single pass.

The words are data (``events/data/lexicon/gate.toml``, beside the event rules' own
lexicon). Recall comes first: an article is dropped only when it has no transfer
vocabulary at all, or no weapon/arms-maker term at all. Anything the event
rules could turn into a transfer has both, so the gate never drops one; it
only spares the pipeline the markets, sport and politics stories.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from armstrack.events.lexicon import (
    GATE_MAKER_TERMS,
    GATE_TRANSFER_STEMS,
    GATE_WEAPON_STEMS,
)
from armstrack.model import Article

__all__ = ["RelevanceGate", "GateDecision", "TRANSFER_TERMS", "WEAPON_TERMS", "MAKER_TERMS"]


def _forms(*stems: str) -> tuple[str, ...]:
    """Expand "buy|s|ing" notation: a base word and its suffixes."""
    out: list[str] = []
    for stem in stems:
        base, *suffixes = stem.split("|")
        out.append(base)
        out.extend(base + s for s in suffixes)
    return tuple(out)


#: Words that say something changes hands (or is stopped from doing so).
TRANSFER_TERMS: tuple[str, ...] = _forms(*GATE_TRANSFER_STEMS)
#: Generic words for weapons (recall: a system the knowledge base lacks still counts).
WEAPON_TERMS: tuple[str, ...] = _forms(*GATE_WEAPON_STEMS)
#: Arms makers and words for them, so a maker named without a weapon word still counts
#: even when the knowledge base lacks it (recall first; the kb adds more names).
MAKER_TERMS: tuple[str, ...] = GATE_MAKER_TERMS

_WEAPON_KINDS = frozenset(("system", "organisation", "organization", "weapon"))


@dataclass(frozen=True)
class GateDecision:
    """Whether an article goes on to the language pipeline, why, and the terms seen.

    ``hits`` maps a kind (``transfer``, ``weapon``, ``system``, ``organisation``,
    ``state``) to the distinct surface forms found, in order of appearance.
    """

    relevant: bool
    reason: str
    hits: dict[str, list[str]] = field(default_factory=dict)


def _kind_of(entry: Any) -> str:
    """The kind of a knowledge-base entry, whatever shape the kb gives it in."""
    if isinstance(entry, str):
        return entry
    for attr in ("kind", "type", "category"):
        value = getattr(entry, attr, None)
        if isinstance(value, str):
            return value
    return "system"


class RelevanceGate:
    """One automaton over transfer words, generic weapon words and knowledge-base names.

    ``terms``: (lowercase surface form, kind) pairs with kind in
    ``state|organisation|system`` (or kb entries carrying a ``kind``); by
    default the knowledge base's surface forms (``armstrack.kb.load_kb().terms()``).
    """

    def __init__(self, terms: Iterable[tuple[str, Any]] | None = None) -> None:
        self.kb_loaded = False
        if terms is None:
            terms = self._kb_terms()
        table: dict[str, set[str]] = {}
        for word in TRANSFER_TERMS:
            table.setdefault(word, set()).add("transfer")
        for word in WEAPON_TERMS:
            table.setdefault(word, set()).add("weapon")
        for word in MAKER_TERMS:
            table.setdefault(word, set()).add("organisation")
        for surface, entry in terms:
            key = surface.strip().lower()
            if key:
                kind = _kind_of(entry)
                table.setdefault(key, set()).add("organisation" if kind == "organization" else kind)
        self._automaton = ahocorasick.Automaton()
        for key, kinds in table.items():
            self._automaton.add_word(key, (len(key), key, tuple(sorted(kinds))))
        self._automaton.make_automaton()

    def _kb_terms(self) -> Iterable[tuple[str, Any]]:
        """The knowledge base's surface forms; none (generic words only) if it cannot load.

        Why not fail: the generic weapon words alone keep recall high; the kb adds
        names like "S-400" or "Rosoboronexport" that carry no generic word.
        """
        try:
            from armstrack.kb import load_kb  # type: ignore[attr-defined]

            terms = list(load_kb().terms())
        except Exception:  # the kb is optional for the gate
            return []
        self.kb_loaded = True
        return terms

    def scan(self, text: str) -> dict[str, list[str]]:
        """Distinct terms per kind found in ``text``, at word boundaries."""
        low = text.lower()
        n = len(low)
        found: dict[str, dict[str, None]] = {}
        spans: dict[str, set[int]] = {}
        for end, (length, key, kinds) in self._automaton.iter(low):
            start = end - length + 1
            if start > 0 and low[start - 1].isalnum():
                continue
            if end + 1 < n and low[end + 1].isalnum():
                continue
            for kind in kinds:
                found.setdefault(kind, {})[key] = None
                spans.setdefault(kind, set()).add(start)
        self._last_spans = spans
        return {kind: list(words) for kind, words in found.items()}

    def check(self, article: Article | str) -> GateDecision:
        """Relevant when the text has a transfer word AND a weapon or arms-maker term."""
        text = article if isinstance(article, str) else article.text
        hits = self.scan(text)
        spans = self._last_spans
        transfer = spans.get("transfer", set())
        weapon: set[int] = set()
        for kind in _WEAPON_KINDS:
            weapon |= spans.get(kind, set())
        if not transfer:
            return GateDecision(False, "no transfer vocabulary", hits)
        if not weapon:
            return GateDecision(False, "no weapon or arms-maker term", hits)
        # "arms" alone is both a transfer and a weapon word: it needs a partner.
        if len(transfer | weapon) < 2:
            only = (
                "no weapon or arms-maker term" if transfer == weapon else "no transfer vocabulary"
            )
            return GateDecision(False, only, hits)
        return GateDecision(True, "transfer vocabulary and a weapon or arms-maker term", hits)
