"""Where to highlight: the trigger and participants in an evidence sentence, the events in an
article's text.

The functions return plain (text, role) pieces and never markup: the templates
escape every piece, so nothing an article says can become HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from armstrack.kb import KnowledgeBase
from armstrack.model import Event
from armstrack.register import fold_system

Piece = tuple[str, str | None]  # (text, role: trigger | supplier | recipient | system | None)


def evidence_pieces(event: Event, kb: KnowledgeBase) -> list[Piece]:
    """The evidence sentence cut into pieces, the trigger and the event's participants marked.

    Participants are found as the knowledge base finds mentions ("Ankara" is TUR,
    "S-400s" the S-400): a mention is marked when it stands for the event's
    supplier, recipient (or sanction actor and target) or system.
    """
    sentence = event.evidence or ""
    spans: list[tuple[int, int, str]] = []
    roles = {
        event.supplier or event.actor: "supplier",
        event.recipient or event.target: "recipient",
    }
    roles.pop(None, None)
    system = fold_system(event.system) if event.system else None
    for match in kb.find(sentence):
        entry = match.entry
        if entry.kind == "system":
            names = {fold_system(n) for n in (entry.family_name, entry.name) if n}
            role = "system" if system and system in names else None
        else:
            role = roles.get(entry.party or entry.state or entry.id)
        if role:
            spans.append((match.start, match.end, role))
    if event.trigger:
        at = sentence.casefold().find(event.trigger.casefold())
        if at >= 0:
            spans.append((at, at + len(event.trigger), "trigger"))
    return _cut(sentence, spans)


def _cut(text: str, spans: list[tuple[int, int, str]]) -> list[Piece]:
    """Non-overlapping spans (the earlier, then the longer, wins) and the text between them."""
    pieces: list[Piece] = []
    at = 0
    for start, end, role in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if start < at or end <= start:
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], role))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


@dataclass
class Marked:
    """A stretch of an article's text, and the events read from it (none: plain text)."""

    text: str
    events: list[int] = field(default_factory=list)  # positions in the article's event list


def article_pieces(text: str, events: list[Event]) -> list[Marked]:
    """The article's text with each event's evidence span marked where it stands.

    Events whose evidence spans overlap (two claims in one sentence) share one
    mark that lists both, as displaCy shows stacked entities; offsets outside the
    text are clamped, so a bad offset costs a mark, never the page.
    """
    spans: list[tuple[int, int, int]] = []
    for i, event in enumerate(events):
        start, end = (max(0, min(int(o), len(text))) for o in event.offsets)
        if end > start:
            spans.append((start, end, i))
    spans.sort()
    merged: list[tuple[int, int, list[int]]] = []
    for start, end, i in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), [*last[2], i])
        else:
            merged.append((start, end, [i]))
    pieces: list[Marked] = []
    at = 0
    for start, end, members in merged:
        if start > at:
            pieces.append(Marked(text[at:start]))
        pieces.append(Marked(text[start:end], members))
        at = end
    if at < len(text):
        pieces.append(Marked(text[at:]))
    return pieces
