"""The resolver: one Aho-Corasick automaton over every surface form of the KB.

``find`` runs the automaton once over a normalised copy of the text (same
offsets, see :mod:`armstrack.kb.text`), then filters the raw hits by word
boundaries, case rules and context rules, extends them over plurals and
variant suffixes ("S-400s", "Su-35SE", "F-16 Block 70"), and keeps the
leftmost-longest non-overlapping ones. Phrases in ``blockers.tsv`` take part in
that choice and swallow what they cover ("New Jersey" hides "Jersey").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from armstrack.kb import context as ctx
from armstrack.kb.loader import DATA_DIR, RawKB, Surface, load_raw
from armstrack.kb.model import Entry, Institution, Listing, Match
from armstrack.kb.text import fold, is_word_char, key, lower_same_length

# A variant suffix the file does not list, glued to a designation: Su-35SE, F-16V, K2PL,
# 2A7+, T-72B3, F-16C/D, S-300PMU-2. Upper case only, so "F-16s" stays a plural.
_GLUED_SUFFIX = re.compile(r"[A-Z]{1,4}\d{0,2}[A-Z]{0,2}\+{0,2}(?:/[A-Z]{1,3}|-\d{1,2}[A-Z]?)?")
# A spaced variant block: F-16 Block 70, Arleigh Burke Flight III, Typhoon Tranche 3.
_SPACED_SUFFIX = re.compile(
    r" (?:Block|Flight|Batch|Tranche|Increment) (?:\d{1,3}[A-Z]?|[IVX]{1,4})(?:/\d{1,3})?"
)


class KnowledgeBase:
    """States, non-state parties, institutions, organisations, systems and sanctions."""

    def __init__(self, raw: RawKB) -> None:
        self._entries = raw.entries
        self._institutions = raw.institutions
        self.problems = list(raw.problems)
        self._listings: dict[str, list[Listing]] = defaultdict(list)
        for listing in raw.listings:
            self._listings[listing.entity].append(listing)
        self._ambiguous = raw.ambiguous
        self._by_key: dict[str, list[Surface]] = {}
        self._compile(raw.surfaces)

    # -- building -----------------------------------------------------------------

    def _rank(self, k: str, s: Surface) -> tuple[int, int]:
        chosen = self._ambiguous.get(k)
        if chosen is not None and not s.blocker:
            return (0 if s.entry_id == chosen or s.ref == chosen else 1, s.rank)
        return (0, s.rank)

    def _compile(self, surfaces: list[Surface]) -> None:
        seen: set[tuple[str, str, str | None]] = set()
        by_key: dict[str, list[Surface]] = defaultdict(list)
        for s in surfaces:
            k = key(s.text)
            if not k:
                continue
            s.exact_form = " ".join(fold(s.text).split())
            ident = (k, s.entry_id, s.ref)
            if ident in seen:
                continue
            seen.add(ident)
            by_key[k].append(s)
        automaton = ahocorasick.Automaton()
        for idx, (k, cands) in enumerate(by_key.items()):
            cands.sort(key=lambda s, k=k: self._rank(k, s))
            automaton.add_word(k, (len(k), k))
            del idx
        automaton.make_automaton()
        self._by_key = dict(by_key)
        self._automaton = automaton
        self._term_words = {k for k, c in by_key.items() if " " not in k and not c[0].blocker}

    # -- lookups --------------------------------------------------------------------

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id; an institution id gives the entry it stands for."""
        entry = self._entries.get(entry_id)
        if entry is not None:
            return entry
        inst = self._institutions.get(entry_id)
        if inst is not None:
            return self._entries.get(inst.state)
        if len(entry_id) == 3 and entry_id.isalpha():
            return self._entries.get(entry_id.upper())
        return None

    def institution(self, institution_id: str) -> Institution | None:
        """The institution record (``TUR:SSB``), for callers that care which body acted."""
        return self._institutions.get(institution_id)

    def entries(self, kind: str | None = None) -> Iterator[Entry]:
        """All entries, or those of one kind."""
        return (e for e in self._entries.values() if kind is None or e.kind == kind)

    def institutions(self) -> Iterator[Institution]:
        """All institutions."""
        return iter(self._institutions.values())

    def sanctions_for(self, entry_id: str, related: bool = False) -> list[Listing]:
        """Listings of this entity (an entry id or an institution id).

        For a state, the listings of its institutions count too (CAATSA sanctioned
        Turkey's SSB, which acts for TUR in every S-400 event); with ``related``,
        also those of its organisations (Rosoboronexport for RUS).
        """
        out = list(self._listings.get(entry_id, ()))
        entry = self._entries.get(entry_id)
        if entry is not None and entry.kind == "state":
            for inst in self._institutions.values():
                if inst.state == entry_id:
                    out.extend(self._listings.get(inst.id, ()))
            if related:
                for other in self._entries.values():
                    if other.kind == "organisation" and other.state == entry_id:
                        out.extend(self._listings.get(other.id, ()))
        return out

    def listings(self) -> Iterator[Listing]:
        """Every sanctions listing."""
        for items in self._listings.values():
            yield from items

    def terms(self, all_forms: bool = False) -> Iterator[tuple[str, Entry]]:
        """(lower-case surface form, entry) pairs, for other automata such as the relevance gate.

        A caller that matches lower-cased text cannot apply our case and context
        rules, so by default the forms that are only safe with them are left out:
        short exact-case abbreviations ("us", "uk", "ssb") and word-like system
        aliases that need military context ("patriot", "tiger"). ``all_forms``
        gives every form.
        """
        for k, cands in self._by_key.items():
            done: set[str] = set()
            for s in cands:
                if s.blocker or s.entry_id in done:
                    continue
                if not all_forms and (s.needs_context or (s.case == "exact" and len(k) <= 4)):
                    continue
                done.add(s.entry_id)
                yield k, self._entries[s.entry_id]

    def surfaces(self, surface: str) -> list[tuple[Entry, str, str | None]]:
        """Every (entry, form, institution id) a surface form can stand for, best first."""
        return [
            (self._entries[s.entry_id], s.form, s.ref)
            for s in self._by_key.get(key(surface), ())
            if not s.blocker
        ]

    def surface_keys(self) -> dict[str, list[Surface]]:
        """The compiled surface table (key -> candidates, best first); for tests and tools."""
        return self._by_key

    # -- matching -------------------------------------------------------------------

    def _passes(
        self,
        s: Surface,
        text: str,
        folded: str,
        start: int,
        end: int,
        k: str,
        lenient: bool,
        context_text: str | None,
    ) -> bool:
        if s.blocker:
            return True
        if s.case == "exact":
            if folded[start:end] != s.exact_form:
                return False
        elif s.case == "capital" and not lenient:
            # "the Kremlin": the capital that matters is the name's, not the article's
            skip = 4 if s.text.startswith("the ") else 0
            first = next((c for c in text[start + skip : end] if c.isalpha()), "")
            want = next((c for c in s.text[skip:] if c.isalpha()), "")
            if want.isupper() and not first.isupper():
                return False
        if s.needs_context:
            if context_text is None:
                if not lenient:
                    return ctx.has_military_context(ctx.window(text, start, end))
            elif not ctx.has_military_context(context_text):
                return False
        if k in ctx.RULED_KEYS:
            if context_text is not None and not lenient:
                return not ctx.country_rule_rejects(k, context_text, start, end, self._term_words)
            return not ctx.country_rule_rejects(k, text, start, end, self._term_words)
        return True

    def _extend(self, text: str, low: str, s: Surface, start: int, end: int) -> tuple[int, bool]:
        """Span end after plural/variant suffixes, and whether the right edge is a boundary."""
        n = len(text)
        if end >= n or not is_word_char(low[end]) or not is_word_char(low[end - 1]):
            if s.form == "designation" or (s.text[-1:].isdigit() and not s.blocker):
                m = _SPACED_SUFFIX.match(text, end)
                if m:
                    return m.end(), True
            return end, True
        plural_ok = s.form == "demonym" or s.origin_file == "systems.tsv"
        if plural_ok and text[end] == "s" and (end + 1 >= n or not is_word_char(low[end + 1])):
            return end + 1, True
        if s.text[-1:].isdigit() and not s.blocker:
            m = _GLUED_SUFFIX.match(text, end)
            if m:
                e = m.end()
                if e < n and text[e] == "s":
                    e += 1
                if e >= n or not is_word_char(low[e]):
                    return e, True
        return end, False

    def _scan(
        self, text: str, lenient: bool = False, context_text: str | None = None
    ) -> list[Match]:
        folded = fold(text)
        low = lower_same_length(folded)
        n = len(text)
        cands: list[tuple[int, int, int, int, Surface]] = []
        for last, (klen, k) in self._automaton.iter(low):
            start = last - klen + 1
            end = last + 1
            if start > 0 and is_word_char(low[start]):
                prev = low[start - 1]
                if is_word_char(prev):
                    continue
                if prev == "'" and start > 1 and low[start - 2].isalpha():
                    continue  # "Poor's 500", "O'Neill": inside a word

            right_ok = end >= n or not is_word_char(low[end]) or not is_word_char(low[end - 1])
            surfaces = self._by_key[k]
            for order, s in enumerate(surfaces):
                span_end, ok = self._extend(text, low, s, start, end)
                if not ok and not right_ok:
                    continue
                if not self._passes(s, text, folded, start, end, k, lenient, context_text):
                    continue
                cands.append((start, -(span_end - start), -klen, order, s))
                break
        cands.sort(key=lambda c: c[:4])
        out: list[Match] = []
        last_end = -1
        for start, neg_len, neg_klen, _, s in cands:
            if start < last_end:
                continue
            last_end = start - neg_len
            if s.blocker:
                continue
            form = s.form
            key_end = start - neg_klen
            if last_end > key_end and text[key_end:last_end] != "s":
                form = "variant"
            out.append(
                Match(start, last_end, text[start:last_end], self._entries[s.entry_id], form, s.ref)
            )
        return out

    def find(self, text: str) -> list[Match]:
        """Every mention in ``text``: leftmost-longest, non-overlapping, sorted by start."""
        return self._scan(text)

    def resolve(self, mention: str, context: str | None = None) -> Entry | None:
        """The entry a mention stands for, or None.

        With a ``context`` that contains the mention, the mention is read in place
        (so "Jordan" in "Michael Jordan scored" is not the state); otherwise the
        longest entry found inside the mention wins, with case read leniently and
        word-like aliases ("Patriot") accepted only if ``context`` (when given)
        talks about weapons. Without context they are accepted: the caller asked.
        """
        match = self.resolve_match(mention, context)
        return match.entry if match else None

    def resolve_match(self, mention: str, context: str | None = None) -> Match | None:
        """Like :meth:`resolve`, but with the :class:`Match` (form, institution id)."""
        mention = mention.strip()
        if not mention:
            return None
        if context:
            idx = context.find(mention)
            if idx >= 0:
                inside = [
                    m for m in self._scan(context) if m.start < idx + len(mention) and m.end > idx
                ]
                return max(inside, key=lambda m: m.end - m.start) if inside else None
        found = self._scan(mention, lenient=True, context_text=context)
        return max(found, key=lambda m: m.end - m.start) if found else None


def resolve_json(mention: str, context: str | None = None) -> dict[str, Any]:
    """The CLI's view of one resolution: text, kind, id, name, state (all null if unknown)."""
    match = load_kb().resolve_match(mention, context)
    if match is None:
        return {
            "text": mention,
            "kind": None,
            "id": None,
            "name": None,
            "state": None,
            "party": None,
            "form": None,
        }
    e = match.entry
    out: dict[str, Any] = {
        "text": mention,
        "kind": e.kind,
        "id": e.id,
        "name": e.name,
        "state": e.state,
        "party": e.party,
        "form": match.form,
    }
    if match.ref:
        out["institution"] = match.ref
    if e.kind == "system":
        out["family"] = e.family
        out["family_name"] = e.family_name
        out["category"] = e.category
    return out


def build_kb(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """A fresh knowledge base from a data directory (tests use their own fixtures)."""
    return KnowledgeBase(load_raw(data_dir))


@lru_cache(maxsize=1)
def load_kb() -> KnowledgeBase:
    """The process-wide knowledge base, built once from the package's data files."""
    return build_kb()
