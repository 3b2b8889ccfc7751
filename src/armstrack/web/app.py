"""The FastAPI application: every page has a JSON twin under ``/api`` built from the same query.

Pages are rendered on the server (Jinja2, autoescaped) with SVG charts and no
JavaScript, so the Content-Security-Policy forbids scripts outright. Parameters
are typed: a bad one is a 422 (JSON under ``/api``, a page elsewhere), an
unknown deal or article a 404, never a traceback. The database is opened
read-only; only GET (and HEAD) exist.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from armstrack import analysis
from armstrack.model import COARSE_MODALITY, EVENT_TYPES
from armstrack.model import http_url as safe_url
from armstrack.register import DEAL_COLUMNS, deal_rows
from armstrack.web import charts, schemas
from armstrack.web.marks import article_pieces, evidence_pieces
from armstrack.web.queries import (
    ALL_STATUSES,
    MAX_PER_PAGE,
    SORT_CHOICES,
    BadQuery,
    DealFilter,
    DealListing,
    NotFound,
    Register,
)

HERE = Path(__file__).parent
#: No script may run, nothing loads from elsewhere, no page may frame this one.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

def _blank_is_none(value: Any) -> Any:
    """An empty form field ("year_from=") means "no filter", not a bad number."""
    return None if value == "" else value


def _drop_blanks(values: Any) -> Any:
    return [v for v in values if v != ""] if isinstance(values, list) else values


Blank = BeforeValidator(_blank_is_none)
Blanks = BeforeValidator(_drop_blanks)
Year = Annotated[int, Field(ge=1900, le=2100)]
SortName = Literal[SORT_CHOICES]  # type: ignore[valid-type]
StatusName = Literal[ALL_STATUSES]  # type: ignore[valid-type]
ArticleStatus = Literal["extracted", "skipped", "duplicate"]


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response (a plain ASGI wrapper: no overhead)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --------------------------------------------------------------------------- parameters


def deal_filter(
    supplier: Annotated[list[str], Query(description="supplier ids or names (repeatable)")] = [],  # noqa: B006
    recipient: Annotated[list[str], Query(description="recipient ids or names (repeatable)")] = [],  # noqa: B006
    system: Annotated[list[str], Query(description="system family, variant or alias")] = [],  # noqa: B006
    category: Annotated[list[str], Query(description="weapon category (aircraft, ...)")] = [],  # noqa: B006
    status: Annotated[list[StatusName], Blanks, Query(description="deal status (repeatable)")]
    = [],  # noqa: B006
    year_from: Annotated[Year | None, Blank, Query(description="reported in or after")] = None,
    year_to: Annotated[Year | None, Blank, Query(description="reported in or before")] = None,
    q: Annotated[str, Query(max_length=200, description="words in party or system names")] = "",
    sanctions: Annotated[bool | None, Blank, Query(description="deals with sanctions (or not)")]
    = None,
    disagreements: Annotated[bool | None, Blank, Query(description="sources disagree (or not)")]
    = None,
) -> DealFilter:
    """The register's filters, the same for the page, the JSON, the CSV and the network."""
    return DealFilter(
        supplier=tuple(v[:100] for v in supplier[:20]),
        recipient=tuple(v[:100] for v in recipient[:20]),
        system=tuple(v[:100] for v in system[:20]),
        category=tuple(v[:100] for v in category[:20]),
        status=tuple(status),
        year_from=year_from,
        year_to=year_to,
        q=q,
        sanctions=sanctions,
        disagreements=disagreements,
    )


Filter = Annotated[DealFilter, Depends(deal_filter)]
Page = Annotated[int, Query(ge=1, le=1_000_000)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]
DealId = Annotated[int, PathParam(ge=1, le=2**53)]
ArticleId = Annotated[str, PathParam(min_length=1, max_length=500)]
CountryId = Annotated[str, PathParam(min_length=1, max_length=100)]
Limit = Annotated[int, Query(ge=2, le=200, description="how many parties to draw")]
Words = Annotated[str, Query(max_length=200, description="words, all required")]
Kind = Annotated[Literal["article", "event"] | None, Blank]
Day = Annotated[date | None, Blank, Query(description="YYYY-MM-DD")]
Sources = Annotated[list[str], Blanks, Query(max_length=20, description="outlet or speaker")]
Flag = Annotated[bool | None, Blank, Query()]


# --------------------------------------------------------------------------- helpers


def query_string(pairs: list[tuple[str, str]], **changes: Any) -> str:
    """``?a=1&b=2`` from pairs; a keyword replaces every pair of its name (``None`` drops it)."""
    out = [(k, v) for k, v in pairs if k not in changes]
    for key, value in changes.items():
        if value is not None:
            out.append((key, str(value)))
    return "?" + urlencode(out) if out else ""


def toggle(pairs: list[tuple[str, str]], key: str, value: str) -> str:
    """Query string with ``key=value`` added, or removed when already there; page reset."""
    pairs = [(k, v) for k, v in pairs if k != "page"]
    if (key, value) in pairs:
        pairs = [p for p in pairs if p != (key, value)]
    else:
        pairs = [*pairs, (key, value)]
    return query_string(pairs)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _listing_json(listing: DealListing, flt: DealFilter, register: Register) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for key, value in flt.params():
        filters.setdefault(key, []).append(value)
    return {
        "total": listing.total,
        "page": listing.page,
        "per_page": listing.per_page,
        "pages": listing.pages,
        "sort": listing.sort,
        "filters": filters,
        "deals": [row.to_json(register.name) for row in listing.rows],
        "facets": [
            {
                "name": f.name,
                "values": [{"value": v, "label": lbl, "count": n} for v, lbl, n in f.values],
            }
            for f in listing.facets
        ],
    }


# --------------------------------------------------------------------------- the app


def create_app(db: str | Register) -> FastAPI:
    """The web application over the register at ``db`` (a SQLite path), opened read-only."""
    register = db if isinstance(db, Register) else Register.open(db)
    app = FastAPI(
        title="armstrack register",
        version="1",
        description=(
            "The armstrack register of international arms transfers, read-only. Events, deals "
            "and articles are SPEC.md §5 interchange objects (extra fields allowed). Lists are "
            "paged (`page`, `per_page`); the register's filters are the same for every "
            "endpoint that takes them. Errors are JSON: `{\"error\": ..., \"detail\": ...}`."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.register = register
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.autoescape = True
    env.globals.update(
        safe_url=safe_url,
        query_string=query_string,
        toggle=toggle,
        name=register.name,
        evidence_pieces=lambda event: evidence_pieces(event, register.kb),
        factuality=lambda modality: COARSE_MODALITY.get(modality, modality),
        event_types=EVENT_TYPES,
        statuses=ALL_STATUSES,
        sorts=SORT_CHOICES,
        deal_row=lambda key: register.index().by_key.get(key),
    )
    env.filters["tuple_source"] = lambda value: ("source", value)

    def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, template, context, status_code=status_code)

    # ------------------------------------------------------------- errors

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()
        ]
        return _error(request, 422, "invalid parameters", detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    def _error(request: Request, code: int, message: str, detail: Any = None) -> Response:
        if _is_api(request):
            return JSONResponse({"error": message, "detail": detail}, status_code=code)
        return render(request, "error.html", code, code=code, message=message, detail=detail)

    def lookup(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except BadQuery as exc:
            raise HTTPException(400, str(exc)) from exc

    errors = {
        400: {"model": schemas.ErrorOut},
        404: {"model": schemas.ErrorOut},
        422: {"model": schemas.ErrorOut},
    }

    # ------------------------------------------------------------- the register

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def register_page(
        request: Request, flt: Filter, sort: SortName = "id", page: Page = 1,
        per_page: PerPage = 50,
    ) -> Response:
        listing = lookup(register.list_deals, flt, sort=sort, page=page, per_page=per_page)
        pairs = flt.params()
        state = [*pairs, ("sort", sort), ("per_page", str(per_page))]
        return render(
            request, "register.html", listing=listing, flt=flt, pairs=pairs, state=state,
            shown=[*state, ("page", str(listing.page))],
            categories=sorted({r.category for r in register.index().rows}),
        )


    @app.get("/api/deals", response_model=schemas.DealList, responses=errors, tags=["deals"])
    def api_deals(flt: Filter, sort: SortName = "id", page: Page = 1, per_page: PerPage = 50
                  ) -> dict[str, Any]:
        """The register's deals, filtered, sorted and paged, with facet counts over all matches."""
        listing = lookup(register.list_deals, flt, sort=sort, page=page, per_page=per_page)
        return _listing_json(listing, flt, register)

    @app.get("/api/deals.csv", response_class=Response, responses=errors, tags=["deals"])
    def api_deals_csv(
        flt: Filter, sort: SortName = "id", page: Page = 1, per_page: PerPage = 50,
        all: Annotated[bool, Query(description="every matching deal, not one page")] = False,
    ) -> Response:
        """The same rows as ``/api/deals`` as CSV (``armstrack export``'s deal columns)."""
        listing = lookup(
            register.list_deals, flt, sort=sort, page=page, per_page=per_page, everything=all
        )
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(DEAL_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(deal_rows(register.full_deals(listing.rows)))
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="deals.csv"'},
        )

    # ------------------------------------------------------------- a deal


    @app.get("/deals/{deal_id}", response_class=HTMLResponse, include_in_schema=False)
    def deal_page(request: Request, deal_id: DealId) -> Response:
        view = lookup(register.deal, deal_id)
        deal = view.deal
        by_index = {i: entry for i, entry in enumerate(deal.timeline)}
        return render(
            request, "deal.html", view=view, deal=deal,
            chart=charts.timeline_chart(deal.timeline),
            disagreements=[
                (d, by_index.get(d.events[0]), by_index.get(d.events[1]))
                for d in deal.disagreements
            ],
        )

    @app.get("/api/deals/{deal_id}", response_model=schemas.DealPayload, responses=errors,
             tags=["deals"])
    def api_deal(deal_id: DealId) -> dict[str, Any]:
        """One deal as a SPEC.md §5 object: its articles, its events, the deal (indices local)."""
        return lookup(register.deal, deal_id).payload()

    # ------------------------------------------------------------- articles

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_page(
        request: Request, status: Annotated[ArticleStatus | None, Blank] = None, page: Page = 1,
        per_page: PerPage = 100,
    ) -> Response:
        total, rows = register.articles(status=status, page=page, per_page=per_page)
        return render(request, "articles.html", total=total, rows=rows, status=status,
                    page_no=page, per_page=per_page, pages=max(1, -(-total // per_page)))


    @app.get("/api/articles", response_model=schemas.ArticleList, responses=errors,
             tags=["articles"])
    def api_articles(status: ArticleStatus | None = None, page: Page = 1, per_page: PerPage = 100
                     ) -> dict[str, Any]:
        """Stored articles, newest first, with the relevance gate's decision and reason."""
        total, rows = register.articles(status=status, page=page, per_page=per_page)
        return {"total": total, "page": page, "per_page": per_page, "articles": rows}


    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: ArticleId) -> Response:
        view = lookup(register.article, article_id)
        return render(request, "article.html", view=view, article=view.article,
                    pieces=article_pieces(view.article.text, view.events))

    @app.get("/api/articles/{article_id:path}", response_model=schemas.ArticleOut, responses=errors,
             tags=["articles"])
    def api_article(article_id: ArticleId) -> dict[str, Any]:
        """An article: text, events (each with its deal), the gate's decision, its story."""
        view = lookup(register.article, article_id)
        events = []
        for event in view.events:
            row = view.deals.get(event.extra["id"])
            events.append({**event.to_json(), "id": event.extra["id"],
                           "deal": row.id if row else None})
        article = view.article
        return {
            "article": article.to_json(), "status": article.status, "reason": article.reason,
            "story": article.story_id, "text": article.text, "events": events,
            "sources": view.sources, "copies": view.copies,
        }

    # ------------------------------------------------------------- countries

    @app.get("/countries", response_class=HTMLResponse, include_in_schema=False)
    def countries_page(request: Request) -> Response:
        return render(request, "countries.html", countries=register.countries())

    @app.get("/api/countries", response_model=list[schemas.CountryItem], tags=["countries"])
    def api_countries() -> list[dict[str, Any]]:
        """Every party of a deal, with its number of deals as supplier and as recipient."""
        return [
            {"id": p, "name": n, "exports": out, "imports": inn}
            for p, n, out, inn in register.countries()
        ]


    @app.get("/countries/{code}", response_class=HTMLResponse, include_in_schema=False)
    def country_page(request: Request, code: CountryId) -> Response:
        view = lookup(register.country, code)
        return render(request, "country.html", view=view, chart=charts.year_chart(view.by_year))

    @app.get("/api/countries/{code}", response_model=schemas.CountryOut, responses=errors,
             tags=["countries"])
    def api_country(code: CountryId) -> dict[str, Any]:
        """A country's deals by year of first report, its partners, systems and open deals."""
        view = lookup(register.country, code)

        def counts(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
            return [{"value": v, "count": n} for v, n in pairs]

        return {
            "id": view.code, "name": view.name,
            "exports": len(view.exports), "imports": len(view.imports),
            "by_year": [{"year": y, "exports": o, "imports": i} for y, o, i in view.by_year],
            "suppliers": counts(view.suppliers), "recipients": counts(view.recipients),
            "systems_imported": counts(view.systems_in),
            "systems_exported": counts(view.systems_out),
            "open_deals": [r.to_json(register.name) for r in view.open_deals],
        }

    # ------------------------------------------------------------- network


    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(request: Request, flt: Filter, limit: Limit = 40) -> Response:
        edges, total = lookup(register.network, flt)
        names = {p: register.name(p) for pair in edges for p in pair}
        chart = charts.network_chart(edges, names, limit=limit)
        return render(request, "network.html", chart=chart, total=total, flt=flt,
                    pairs=flt.params(), limit=limit,
                    categories=sorted({r.category for r in register.index().rows}))

    @app.get("/api/network", response_model=schemas.NetworkOut, responses=errors,
             tags=["network"])
    def api_network(flt: Filter, limit: Limit = 40) -> dict[str, Any]:
        """Suppliers and recipients as a graph: edges weighted by the number of deals."""
        edges, total = lookup(register.network, flt)
        names = {p: register.name(p) for pair in edges for p in pair}
        chart = charts.network_chart(edges, names, limit=limit)
        shown = {n.id for n in chart.nodes}
        filters: dict[str, Any] = {}
        for key, value in flt.params():
            filters.setdefault(key, []).append(value)
        return {
            "deals": total,
            "filters": filters,
            "nodes": [
                {"id": n.id, "name": n.name, "exports": n.exports, "imports": n.imports}
                for n in chart.nodes
            ],
            "edges": [
                {"supplier": a, "recipient": b, "deals": n}
                for (a, b), n in sorted(edges.items())
                if a in shown and b in shown
            ],
        }

    # ------------------------------------------------------------- search


    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request, q: Words = "", kind: Kind = None, page: Page = 1,
        per_page: PerPage = 50,
    ) -> Response:
        results = lookup(register.search, q, kind=kind, page=page, per_page=per_page)
        return render(request, "search.html", results=results, kind=kind,
                    pages=max(1, -(-results.total // per_page)))


    @app.get("/api/search", response_model=schemas.SearchOut, responses=errors, tags=["search"])
    def api_search(q: Words = "", kind: Kind = None, page: Page = 1,
                   per_page: PerPage = 50) -> dict[str, Any]:
        """Full-text search (SQLite FTS5) over article titles and event evidence, best first."""
        results = lookup(register.search, q, kind=kind, page=page, per_page=per_page)
        return {
            "query": results.query, "total": results.total, "page": results.page,
            "per_page": results.per_page, "ranked": results.ranked,
            "hits": [
                {
                    "kind": h.kind, "ref": h.ref, "text": "".join(t for t, _ in h.segments),
                    "article": h.article, "title": h.title, "published": h.published,
                    "event": h.event, "deal": h.deal,
                }
                for h in results.hits
            ],
        }

    # ------------------------------------------------------------- forecasts, changes

    @app.get("/forecasts", response_class=HTMLResponse, include_in_schema=False)
    def forecasts_page(
        request: Request, as_of: Day = None, source: Sources = [],  # noqa: B006
        include_possible: Flag = False,
    ) -> Response:
        view = lookup(register.forecasts, as_of=as_of, sources=source,
                      include_possible=bool(include_possible))
        return render(request, "forecasts.html", view=view, sources=source,
                      include_possible=include_possible)

    @app.get("/api/forecasts", response_model=schemas.ForecastsOut, responses=errors,
             tags=["analysis"])
    def api_forecasts(as_of: Day = None, source: Sources = [],  # noqa: B006
                      include_possible: Flag = False) -> dict[str, Any]:
        """Planned and hoped claims with a time, and their verdicts as of a date."""
        return lookup(register.forecasts, as_of=as_of, sources=source,
                      include_possible=bool(include_possible)).to_json()

    @app.get("/changes", response_class=HTMLResponse, include_in_schema=False)
    def changes_page(request: Request, since: Day = None, until: Day = None) -> Response:
        view = lookup(register.changes, since=since, until=until)
        return render(request, "changes.html", view=view)

    @app.get("/api/changes", response_model=schemas.ChangesOut, responses=errors,
             tags=["analysis"])
    def api_changes(since: Day = None, until: Day = None) -> dict[str, Any]:
        """Deals that appeared, changed status, gained sources or a disagreement since a date."""
        return lookup(register.changes, since=since, until=until).to_json()

    @app.get("/api/changes.atom", response_class=Response, responses=errors, tags=["analysis"])
    def api_changes_atom(since: Day = None, until: Day = None) -> Response:
        """The same changes as an Atom feed, to follow the register in a feed reader."""
        view = lookup(register.changes, since=since, until=until)
        return Response(analysis.atom_feed(view.changes, view.since),
                        media_type="application/atom+xml; charset=utf-8")

    # ------------------------------------------------------------- status

    @app.get("/status", response_class=HTMLResponse, include_in_schema=False)
    def status_page(request: Request) -> Response:
        return render(request, "status.html", view=register.status())

    @app.get("/api/status", response_model=schemas.StatusOut, tags=["status"])
    def api_status() -> dict[str, Any]:
        """What was ingested, skipped (and why), failed (and why)."""
        view = register.status()
        return {
            "counts": view.counts,
            "skipped_reasons": [{"value": r, "count": n} for r, n in view.skipped_reasons],
            "failures": [f.to_json() for f in view.failures],
            "last_ingested": view.last_ingested,
            "deals_stale": view.deals_stale,
            "search_index": view.search_index,
        }

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request) -> Response:
        return render(request, "api.html", spec=app.openapi())

    return app


def wrap(app: FastAPI) -> ASGIApp:
    """The application with its security headers, as servers and tests run it."""
    return SecurityHeaders(app)


def app_from_env() -> ASGIApp:
    """Factory for ``uvicorn --factory`` (several workers): the database from the environment."""
    return wrap(create_app(os.environ["ARMSTRACK_SERVE_DB"]))
