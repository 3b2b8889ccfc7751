"""The records the knowledge base hands out.

They are frozen so that one cached ``KnowledgeBase`` can be shared by every
stage (and thread) of a process without anyone mutating another's view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntryKind = Literal["state", "organisation", "system"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing a mention can stand for: a state (or non-state party), an organisation, a system.

    ``party`` is what an event's supplier/recipient field takes when this entry
    is named as one: the state for states and organisations, the party's own id
    for non-state parties, None for systems (a system is not a party).
    """

    id: str
    kind: EntryKind
    name: str
    state: str | None
    party: str | None
    category: str
    family: str | None = None
    family_name: str | None = None
    origin: str | None = None
    makers: tuple[str, ...] = ()
    needs_context: bool = False
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A mention found in a text: ``text[start:end]`` and the entry it stands for.

    ``form`` says how the surface relates to the entry (name, alias, capital,
    seat, demonym, institution, designation, variant...), which later stages use
    to weigh evidence: a demonym ("Turkish officials") is weaker than a name.
    ``ref`` is the id of the institution (e.g. ``TUR:SSB``) when the mention
    named one, since institutions are not entries of their own.
    A plural ``s`` belongs to the span ("S-400s"); a possessive ``'s`` does not.
    """

    start: int
    end: int
    text: str
    entry: Entry
    form: str
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """One entity on one sanctions list, with when and where that is recorded."""

    entity: str
    list: str
    date_listed: str
    source: str
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Institution:
    """A ministry, armed force or agency: it stands for its state in events."""

    id: str
    state: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    notes: str = ""
