"""Forecasts: every planned or hoped claim with a time, and whether it came true.

"Deliveries to start in the first half of 2031", "a contract by year's end":
an irrealis claim about a deal with a time interval is a forecast. Its verdict
as of a date uses only articles published by then:

* ``came_true``: a later-reported realis claim of the same deal (supplier,
  recipient, family) and the same stage (event type). Later-reported means
  from another article published no earlier than the forecast's, about an
  event dated no earlier than the forecast was made (a fact from before the
  forecast does not fulfil it). ``timing`` says ``on_time`` (inside the
  interval), ``early`` (before its start), ``late`` (after its end, with
  ``days_late``), or ``undated`` (the fact's report gives no date and was
  published after the interval: the report is late, the fact may not be);
* ``contradicted``: nothing came true, and since the forecast a report
  cancelled the deal, denied that stage, or negated it within the interval;
* ``overdue``: neither, and the interval ended before the as-of date;
* ``open``: neither, and the interval has not ended (or has no end).

Then :func:`tally` counts verdicts per source (the outlet: the host of the
article's URL, else the article id's prefix) and per speaker (``Event.source``,
who is quoted): when Rosoboronexport says "next year", what does it mean?
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlparse

from armstrack.analysis.snapshot import Register
from armstrack.model import Article, Event
from armstrack.register import event_date

__all__ = [
    "FORECAST_MODALITIES",
    "VERDICTS",
    "Forecast",
    "find_forecasts",
    "forecast_report",
    "outlet",
    "tally",
]

#: Modalities that make a forecast by default; SPEC.md's "expected" is ``planned``.
FORECAST_MODALITIES = ("planned", "hoped")
VERDICTS = ("came_true", "overdue", "open", "contradicted")


@dataclass
class Forecast:
    """One forecast and its verdict as of a date (see the module docstring for the rules).

    ``event`` indexes the register's events; ``fulfilled_by``/``contradicted_by``
    index them too (the claim that settled the verdict).
    """

    event: int
    deal: str  # SUPPLIER:RECIPIENT:SYSTEM
    type: str
    modality: str
    start: date | None
    end: date | None
    time_text: str
    article: str
    published: date | None
    outlet: str
    speaker: str
    evidence: str
    verdict: str
    as_of: date
    timing: str = ""  # came_true only: on_time | early | late | undated
    days_late: int | None = None
    fulfilled_by: int | None = None
    contradicted_by: int | None = None
    settled_evidence: str = ""
    settled_article: str = ""
    settled_published: date | None = None

    @property
    def on_time(self) -> bool:
        return self.verdict == "came_true" and self.timing in ("on_time", "early")

    def to_json(self) -> dict[str, Any]:
        def iso(day: date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "event": self.event,
            "deal": self.deal,
            "type": self.type,
            "modality": self.modality,
            "time": {"start": iso(self.start), "end": iso(self.end), "text": self.time_text},
            "article": self.article,
            "published": iso(self.published),
            "outlet": self.outlet,
            "speaker": self.speaker,
            "evidence": self.evidence,
            "as_of": iso(self.as_of),
            "verdict": self.verdict,
            "timing": self.timing or None,
            "days_late": self.days_late,
            "settled_by": {
                "event": self.fulfilled_by if self.fulfilled_by is not None
                else self.contradicted_by,
                "evidence": self.settled_evidence,
                "article": self.settled_article,
                "published": iso(self.settled_published),
            }
            if self.settled_article
            else None,
        }


def outlet(article: Article | None) -> str:
    """Who published an article: the URL's host without ``www.``, else ``unknown``."""
    if article is not None and article.url:
        host = urlparse(article.url).netloc.lower()
        if host:
            return host.removeprefix("www.")
    return "unknown"


def find_forecasts(
    register: Register,
    as_of: date | None = None,
    modalities: Sequence[str] = FORECAST_MODALITIES,
    sources: Iterable[str] | None = None,
) -> list[Forecast]:
    """Every forecast published by ``as_of`` with its verdict as of that date.

    ``as_of`` defaults to the latest publication date in the register.
    ``sources`` keeps forecasts whose outlet or speaker contains one of the
    given strings (case-insensitive). Sorted by publication date, then event.
    """
    articles = register.articles_by_id
    published = {i: _pub(ev, articles) for i, ev in enumerate(register.events)}
    if as_of is None:
        days = [d for d in published.values() if d is not None]
        as_of = max(days) if days else date.today()
    visible = {i for i, d in published.items() if d is not None and d <= as_of}
    # The register's own grouping of claims into deals; sanction events move no forecast.
    by_deal = {
        deal.key: [i for i in deal.events if i in visible and i not in sanctions]
        for deal in register.deals
        for sanctions in [set(deal.sanction_events)]
    }
    wanted = [s.casefold() for s in sources or ()]
    found = []
    for key, members in by_deal.items():
        for i in members:
            ev = register.events[i]
            if ev.modality not in modalities or ev.type in ("sanction", "cancellation"):
                continue
            if ev.time is None or (ev.time.start is None and ev.time.end is None):
                continue
            forecast = _judge(i, members, register.events, published, articles, as_of)
            forecast.deal = key
            if wanted and not any(
                w in forecast.outlet.casefold() or w in forecast.speaker.casefold()
                for w in wanted
            ):
                continue
            found.append(forecast)
    return sorted(found, key=lambda f: (f.published or date.min, f.event))


def _pub(ev: Event, articles: dict[str, Article]) -> date | None:
    article = articles.get(ev.article)
    return article.published if article else None


def _judge(
    i: int,
    members: Sequence[int],
    events: Sequence[Event],
    published: dict[int, date | None],
    articles: dict[str, Article],
    as_of: date,
) -> Forecast:
    ev = events[i]
    made = published[i]
    assert made is not None and ev.time is not None
    forecast = Forecast(
        event=i,
        deal="",
        type=ev.type,
        modality=ev.modality,
        start=ev.time.start,
        end=ev.time.end,
        time_text=ev.time.text,
        article=ev.article,
        published=made,
        outlet=outlet(articles.get(ev.article)),
        speaker=ev.source or "unattributed",
        evidence=ev.evidence,
        verdict="open",
        as_of=as_of,
    )
    later = [
        j
        for j in members
        if events[j].article != ev.article and (published[j] or date.min) >= made
    ]
    facts = []
    for j in later:
        other = events[j]
        happened = event_date(other, published[j])
        if other.type == ev.type and other.is_realis and happened is not None and happened >= made:
            facts.append((happened, published[j] or date.min, j))
    if facts:
        happened, _, j = min(facts)
        _settle(forecast, events[j], j, published[j], "came_true")
        forecast.fulfilled_by = j
        forecast.timing, forecast.days_late = _timing(ev, events[j], happened, published[j])
        return forecast
    against = [
        (published[j] or date.min, j) for j in later if _contradicts(events[j], ev)
    ]
    if against:
        _, j = min(against)
        _settle(forecast, events[j], j, published[j], "contradicted")
        forecast.contradicted_by = j
        return forecast
    if ev.time.end is not None and ev.time.end < as_of:
        forecast.verdict = "overdue"
        forecast.days_late = (as_of - ev.time.end).days
    return forecast


def _contradicts(other: Event, forecast: Event) -> bool:
    """A later claim that takes a forecast back: a cancellation of the deal, a denial of the
    stage, or a negation of the stage dated within the forecast's interval ("will not be
    delivered in 2020"). An undated "has not yet delivered" does not: before the deadline it
    is what an open forecast looks like, after it what an overdue one does."""
    if other.type == "cancellation":
        return other.is_realis
    if other.type != forecast.type:
        return False
    if other.modality == "denied":
        return True
    if other.modality != "negated" or other.time is None or forecast.time is None:
        return False
    start, end = other.time.start or other.time.end, other.time.end or other.time.start
    if start is None or end is None:
        return False
    f_start, f_end = forecast.time.start or date.min, forecast.time.end or date.max
    return start <= f_end and f_start <= end


def _settle(
    forecast: Forecast, ev: Event, index: int, published: date | None, verdict: str
) -> None:
    forecast.verdict = verdict
    forecast.settled_evidence = ev.evidence
    forecast.settled_article = ev.article
    forecast.settled_published = published


def _timing(
    forecast: Event, fact: Event, happened: date, reported: date | None
) -> tuple[str, int | None]:
    """on_time / early / late (days after the interval's end) / undated."""
    time = forecast.time
    assert time is not None
    dated = fact.time is not None and (fact.time.start or fact.time.end)
    if time.start is not None and happened < time.start:
        return "early", None
    if time.end is None or happened <= time.end:
        return "on_time", 0
    if not dated:
        return "undated", (reported - time.end).days if reported else None
    return "late", (happened - time.end).days


def tally(forecasts: Iterable[Forecast], by: str = "outlet") -> list[dict[str, Any]]:
    """Per ``by`` (``outlet`` or ``speaker``): how many forecasts, each verdict, on time.

    Returns rows ``{by, forecasts, came_true, on_time, late, overdue, open,
    contradicted, on_time_rate}`` sorted by number of forecasts; the rate is
    on time (or early) over the forecasts that are settled or overdue (open
    ones are not yet judged), None when there are none.
    """
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for f in forecasts:
        counter = groups[getattr(f, by)]
        counter["forecasts"] += 1
        counter[f.verdict] += 1
        if f.on_time:
            counter["on_time"] += 1
        elif f.verdict == "came_true":
            counter["late"] += 1
    rows = []
    for name, c in groups.items():
        judged = c["forecasts"] - c["open"]
        rows.append(
            {
                by: name,
                "forecasts": c["forecasts"],
                "came_true": c["came_true"],
                "on_time": c["on_time"],
                "late": c["late"],
                "overdue": c["overdue"],
                "open": c["open"],
                "contradicted": c["contradicted"],
                "on_time_rate": round(c["on_time"] / judged, 3) if judged else None,
            }
        )
    return sorted(rows, key=lambda r: (-r["forecasts"], r[by]))


def forecast_report(
    register: Register,
    as_of: date | None = None,
    modalities: Sequence[str] = FORECAST_MODALITIES,
    sources: Iterable[str] | None = None,
) -> dict[str, Any]:
    """What ``armstrack forecasts --format json`` prints (and the web face serves).

    ``{"as_of": ISO date, "forecasts": [Forecast.to_json()...], "by_outlet": [tally row...],
    "by_speaker": [tally row...]}``; see :func:`find_forecasts` and :func:`tally`.
    """
    found = find_forecasts(register, as_of=as_of, modalities=modalities, sources=sources)
    judged_as_of = found[0].as_of if found else as_of
    return {
        "as_of": judged_as_of.isoformat() if judged_as_of else None,
        "forecasts": [f.to_json() for f in found],
        "by_outlet": tally(found, "outlet"),
        "by_speaker": tally(found, "speaker"),
    }
