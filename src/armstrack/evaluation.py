"""Scoring extraction against gold annotation, as SPEC.md §6 defines it.

The project's own implementation of the spec's scoring, so that a clone
without ``../shared`` can still score the bundled examples (``armstrack score``
and the test suite use it). Where ``../shared/eval/score.py`` is present the
tests check that both agree on the seeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from armstrack.model import COARSE_MODALITY

PARTICIPANTS = {"sanction": ("actor", "target", "system")}
DEFAULT_PARTICIPANTS = ("supplier", "recipient", "system")


def _fold(name: Any) -> str | None:
    return None if name is None else re.sub(r"[^0-9a-z]+", "", str(name).lower())


def _options(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _field_matches(name: str, gold_value: Any, predicted: Any) -> bool:
    options = _options(gold_value)
    if name == "system":
        return _fold(predicted) in {_fold(v) for v in options}
    return predicted in options


def event_matches(gold: dict, pred: dict) -> bool:
    if pred.get("article") != gold["article"] or pred.get("type") not in _options(gold["type"]):
        return False
    names = PARTICIPANTS.get(pred.get("type"), DEFAULT_PARTICIPANTS)
    return all(n not in gold or _field_matches(n, gold[n], pred.get(n)) for n in names)


def modality_correct(gold: dict, pred: dict) -> bool | None:
    if "modality" not in gold:
        return None
    wanted = {COARSE_MODALITY.get(m) for m in _options(gold["modality"])}
    return COARSE_MODALITY.get(pred.get("modality")) in wanted


def _interval(t: dict | None) -> tuple | None:
    return (t.get("start"), t.get("end")) if t else None


def time_correct(gold: dict, pred: dict) -> tuple[bool | None, bool | None]:
    """(exact, overlapping), or (None, None) when the gold gives no time."""
    if gold.get("time") is None:
        return None, None
    options = [_interval(t) for t in _options(gold["time"])]
    got = _interval(pred.get("time"))
    if got is None:
        return False, False

    def overlap(a: tuple, b: tuple) -> bool:
        low = max(x for x in (a[0], b[0], "0000-00-00") if x)
        high = min(x for x in (a[1], b[1], "9999-99-99") if x)
        return low <= high

    return got in options, any(overlap(got, o) for o in options)


def _f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    precision = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class Score:
    figures: dict[str, Any]
    missed: list[dict] = field(default_factory=list)
    extra: list[dict] = field(default_factory=list)
    wrong_modality: list[tuple[dict, dict]] = field(default_factory=list)
    wrong_time: list[tuple[dict, dict]] = field(default_factory=list)


def _match_events(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if not event_matches(g, p):
                continue
            exact, overlap = time_correct(g, p)
            weight = (0 if g.get("optional") else 10) + (1 if modality_correct(g, p) else 0)
            weight += (0.5 if exact else 0) + (0.25 if overlap else 0)
            candidates.append((weight, gi, pi))
    candidates.sort(key=lambda c: -c[0])
    used_gold, used_pred, pairs = set(), set(), []
    for _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return pairs


def score(gold: dict, pred: dict) -> Score:
    """Event and deal precision/recall/F1, modality, time and status accuracy."""
    gold_events = gold["events"]
    articles = set(gold.get("articles", [])) | {g["article"] for g in gold_events}
    pred_events = [p for p in pred.get("events", []) if p.get("article") in articles]
    pairs = _match_events(gold_events, pred_events)
    required = [i for i, g in enumerate(gold_events) if not g.get("optional")]
    hits = [(gi, pi) for gi, pi in pairs if not gold_events[gi].get("optional")]
    used = {pi for _, pi in pairs}
    false_pos = [p for i, p in enumerate(pred_events) if i not in used]
    p, r, f = _f1(len(hits), len(hits) + len(false_pos), len(required))
    modalities = [m for gi, pi in hits
                  if (m := modality_correct(gold_events[gi], pred_events[pi])) is not None]
    times = [t for gi, pi in hits if (t := time_correct(gold_events[gi], pred_events[pi]))[0]
             is not None]
    result = Score(figures={
        "gold_events": len(required), "pred_events": len(pred_events),
        "event_tp": len(hits), "event_fp": len(false_pos),
        "event_p": round(p, 3), "event_r": round(r, 3), "event_f1": round(f, 3),
        "modality_acc": round(sum(modalities) / len(modalities), 3) if modalities else None,
        "time_exact": round(sum(t[0] for t in times) / len(times), 3) if times else None,
        "time_overlap": round(sum(t[1] for t in times) / len(times), 3) if times else None,
    })
    matched_gold = {gi for gi, _ in pairs}
    result.missed = [gold_events[i] for i in required if i not in matched_gold]
    result.extra = false_pos
    for gi, pi in hits:
        g, q = gold_events[gi], pred_events[pi]
        if modality_correct(g, q) is False:
            result.wrong_modality.append((g, q))
        if time_correct(g, q)[0] is False:
            result.wrong_time.append((g, q))
    result.figures.update(_score_deals(gold.get("deals", []), pred.get("deals", [])))
    return result


def _score_deals(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi in used:
                continue
            if all(_field_matches(n, g[n], p.get(n)) for n in ("supplier", "recipient", "system")):
                used.add(pi)
                pairs.append((gi, pi))
                break
    required = [i for i, g in enumerate(gold) if not g.get("optional")]
    hits = [(gi, pi) for gi, pi in pairs if not gold[gi].get("optional")]
    false_pos = [pi for pi in range(len(pred)) if pi not in used]
    p, r, f = _f1(len(hits), len(hits) + len(false_pos), len(required))
    statuses = [pred[pi].get("status") in _options(gold[gi]["status"]) for gi, pi in hits]
    return {
        "gold_deals": len(required), "pred_deals": len(pred),
        "deal_p": round(p, 3), "deal_r": round(r, 3), "deal_f1": round(f, 3),
        "status_acc": round(sum(statuses) / len(statuses), 3) if statuses else None,
    }


def report(result: Score) -> str:
    """A readable account: what was missed, what was extra, then the figures."""
    lines = []
    for g in result.missed:
        lines.append(f"MISSED   {g['article']} {g['type']} {g.get('supplier', g.get('actor'))}->"
                     f"{g.get('recipient', g.get('target'))} {_options(g.get('system'))[0]}"
                     f"  ({g.get('note', '')})")
    for g, q in result.wrong_modality:
        lines.append(f"MODALITY {g['article']} {g['type']} gold={g['modality']} "
                     f"pred={q.get('modality')}  ({g.get('note', '')})")
    for g, q in result.wrong_time:
        lines.append(f"TIME     {g['article']} {g['type']} gold={g['time']} "
                     f"pred={q.get('time')}  ({g.get('note', '')})")
    for q in result.extra:
        giver = q.get("supplier") or q.get("actor")
        taker = q.get("recipient") or q.get("target")
        evidence = (q.get("evidence") or "")[:90]
        lines.append(f"EXTRA    {q.get('article')} {q.get('type')} {giver}->{taker}"
                     f" {q.get('system')} [{q.get('modality')}] \"{evidence}\"")
    lines.append(" ".join(f"{k}={v}" for k, v in result.figures.items()))
    return "\n".join(lines)
