"""The JSON API's documented shapes (they become the OpenAPI description).

Events, deals and articles are SPEC.md §5's interchange objects, with the
register's extra fields after them (SPEC.md allows extras); a deal's JSON is a
whole SPEC.md §5 object of its own, so ``deals[0].events`` index its ``events``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    """Extra fields pass through: the register's additions to SPEC.md's objects."""

    model_config = ConfigDict(extra="allow")


class Interval(BaseModel):
    start: str | None
    end: str | None
    text: str = ""


class Quantity(BaseModel):
    value: float
    unit: str


class Money(BaseModel):
    amount: float
    currency: str


class SpecArticle(Open):
    id: str
    title: str
    published: str | None
    url: str | None
    path: str | None


class SpecEvent(Open):
    """SPEC.md §5's event; ``id`` is the register's stable event id (ARTICLE#ORDINAL)."""

    id: str | None = None
    article: str
    type: str
    supplier: str | None
    recipient: str | None
    actor: str | None
    target: str | None
    system: str | None
    variant: str | None = None
    modality: str
    time: Interval | None
    quantity: Quantity | None
    value: Money | None
    source: str | None
    evidence: str
    offsets: list[int]
    trigger: str | None = None
    confidence: float | None = None


class SpecDeal(Open):
    """SPEC.md §5's deal (first six fields) plus timeline, sources, disagreements, flags."""

    supplier: str
    recipient: str
    system: str
    status: str
    first_reported: str | None
    events: list[int]
    id: int | None = None


class DealPayload(BaseModel):
    """One deal as a SPEC.md §5 object of its own."""

    articles: list[SpecArticle]
    events: list[SpecEvent]
    deals: list[SpecDeal]


class DealSummary(BaseModel):
    id: int
    key: str
    supplier: str
    supplier_name: str
    recipient: str
    recipient_name: str
    system: str
    category: str
    status: str
    first_reported: str | None
    last_reported: str | None
    n_events: int
    n_sources: int
    sanctions: int = Field(description="sanctions listings of the parties plus sanction events")
    disagreements: int


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class FacetOut(BaseModel):
    name: str
    values: list[FacetValue]


class DealList(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    sort: str
    filters: dict[str, Any]
    deals: list[DealSummary]
    facets: list[FacetOut]


class ArticleEvent(SpecEvent):
    deal: int | None = Field(None, description="the id of the deal this event belongs to")


class ArticleOut(BaseModel):
    article: SpecArticle
    status: str = Field(description="the gate's decision: extracted | skipped | duplicate")
    reason: str
    story: str | None
    text: str
    events: list[ArticleEvent]
    sources: list[dict[str, Any]] = Field(description="every source of the article's story")
    copies: list[dict[str, Any]] = Field(description="exact copies read under other ids")


class ArticleItem(BaseModel):
    id: str
    title: str | None
    published: str | None
    status: str
    reason: str | None
    url: str | None


class ArticleList(BaseModel):
    total: int
    page: int
    per_page: int
    articles: list[ArticleItem]


class Count(BaseModel):
    value: str
    count: int


class YearCount(BaseModel):
    year: int
    exports: int
    imports: int


class CountryOut(BaseModel):
    id: str
    name: str
    exports: int
    imports: int
    by_year: list[YearCount]
    suppliers: list[Count]
    recipients: list[Count]
    systems_imported: list[Count]
    systems_exported: list[Count]
    open_deals: list[DealSummary]


class CountryItem(BaseModel):
    id: str
    name: str
    exports: int
    imports: int


class NetworkNode(BaseModel):
    id: str
    name: str
    exports: int
    imports: int


class NetworkEdge(BaseModel):
    supplier: str
    recipient: str
    deals: int


class NetworkOut(BaseModel):
    deals: int
    filters: dict[str, Any]
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


class SearchHitOut(BaseModel):
    kind: str = Field(description="article (a title matched) | event (an evidence sentence)")
    ref: str
    text: str
    article: str
    title: str
    published: str | None
    event: dict[str, Any] | None
    deal: int | None


class SearchOut(BaseModel):
    query: str
    total: int
    page: int
    per_page: int
    ranked: bool = Field(description="best first; false: too many matches, newest first")
    hits: list[SearchHitOut]


class FailureOut(BaseModel):
    input: str
    record: str | None
    reason: str
    first_seen: str
    last_seen: str
    count: int


class StatusOut(BaseModel):
    counts: dict[str, int]
    skipped_reasons: list[Count]
    failures: list[FailureOut]
    last_ingested: str | None
    deals_stale: bool
    search_index: bool


class ForecastsOut(BaseModel):
    """``armstrack forecasts --format json`` (docs/forecasts.md)."""

    as_of: str | None
    forecasts: list[dict[str, Any]]
    by_outlet: list[dict[str, Any]]
    by_speaker: list[dict[str, Any]]


class ChangesOut(BaseModel):
    """``armstrack changes --format json``."""

    since: str
    until: str | None
    changes: list[dict[str, Any]]


class ErrorOut(BaseModel):
    error: str
    detail: Any = None
