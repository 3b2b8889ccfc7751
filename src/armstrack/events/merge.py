"""One real-world event, reported once per article.

The lead, the quote that repeats it and the paragraph that adds its quantity
are one event: events with the same type, parties, system and factuality class
(realis / irrealis / negated) whose times do not contradict each other merge
into the first mention, which keeps the details the later ones add.
"""

from __future__ import annotations

from armstrack.model import COARSE_MODALITY, Event, Interval


def _key(event: Event, by_factuality: bool = True) -> tuple:
    return (
        event.article,
        event.type,
        event.supplier,
        event.recipient,
        event.actor,
        event.target,
        (event.system or "").lower(),
        COARSE_MODALITY[event.modality] if by_factuality else None,
    )


def times_compatible(a: Interval | None, b: Interval | None) -> bool:
    if a is None or b is None:
        return True
    low = max(x for x in (a.start, b.start) if x) if (a.start or b.start) else None
    high = min(x for x in (a.end, b.end) if x) if (a.end or b.end) else None
    return low is None or high is None or low <= high


def _same_factuality(a: Event, b: Event) -> bool:
    return COARSE_MODALITY[a.modality] == COARSE_MODALITY[b.modality]


def _absorb(kept: Event, other: Event) -> None:
    if COARSE_MODALITY[kept.modality] != "realis" and COARSE_MODALITY[other.modality] == "realis":
        kept.modality = other.modality  # a fact the article states somewhere outranks a hedge
    if kept.time is None and other.time is not None:
        kept.time = other.time
    for name in ("quantity", "value", "source", "variant"):
        if getattr(kept, name) is None and getattr(other, name) is not None:
            setattr(kept, name, getattr(other, name))
    mentions = kept.extra.setdefault("mentions", [])
    mentions.append(list(other.offsets))


def merge_events(events: list[Event], by_factuality: bool = True) -> list[Event]:
    """Merge repeated reports of the same event, keeping the first report's evidence.

    ``by_factuality=False`` also merges reports whose factuality differs: after
    the learned layer has settled types, one article rarely reports two
    events of one type between the same parties at compatible times (a plan
    and its fact are told apart by their times), while a lead and a later
    hedged sentence about the same contract are one event to the reader.
    """
    merged: list[Event] = []
    for event in events:
        for kept in merged:
            if _key(kept, by_factuality) == _key(event, by_factuality) and \
                    times_compatible(kept.time, event.time) and (
                        by_factuality or _same_factuality(kept, event)
                        or (kept.time is None) == (event.time is None)):
                _absorb(kept, event)
                break
        else:
            merged.append(event)
    return merged
