"""What the web pages and the JSON API show, read from a store opened read-only.

One set of query functions serves both faces (a page and its ``/api`` twin get
the same objects), so the two can never disagree.

Why an in-memory index of the deals: the register page filters, counts facets
and sorts over every deal on each request. The ``deals`` table keeps each deal
as one JSON document (timeline and all), so the flags a listing needs (number of
sources, sanctions, disagreements) would mean parsing every document per
request. The index holds one small row per deal, built once with SQLite's own
JSON functions, and is rebuilt when ``meta.deals_digest`` (written by
:meth:`armstrack.store.Store.rebuild_deals`) says the deals changed: a point
read per request. At SIPRI's scale (30,000 deals) a filtered, sorted, faceted
page costs a few milliseconds of Python.

Everything a user sends reaches SQL only as a bound parameter; sort keys come
from a fixed table (:data:`SORTS`); full-text queries are quoted into FTS5
phrases so that no query syntax can be injected.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any

from sqlalchemy import func, select, text

from armstrack import analysis
from armstrack.cli.register_cmd import _system_matcher, resolve_party
from armstrack.kb import KnowledgeBase, load_kb
from armstrack.model import Article, Event
from armstrack.register import STATUS_ORDER, Deal, Disagreement, extract_payload, fold_system
from armstrack.store import Store, StoredArticle
from armstrack.store import schema as s

ALL_STATUSES: tuple[str, ...] = (*STATUS_ORDER, "cancelled", "prospective")
#: Deals still under way: no delivery completed, nothing cancelled.
OPEN_STATUSES: tuple[str, ...] = (
    "prospective",
    "negotiating",
    "agreed",
    "contracted",
    "delivering",
)
MAX_PER_PAGE = 500
#: Up to this many matches, search results are ranked (bm25); past it, newest first.
RANKED_MATCHES = 5000


class NotFound(LookupError):
    """A deal, article or country the register does not hold (the API answers 404)."""


class BadQuery(ValueError):
    """A parameter that type checks cannot catch (the API answers 400)."""


# --------------------------------------------------------------------------- the deal index


@dataclass(slots=True)
class DealRow:
    """One deal as the register page lists it: the columns, the flags, nothing heavy."""

    id: int
    key: str
    supplier: str
    recipient: str
    system: str
    category: str
    status: str
    first_reported: str | None
    last_reported: str | None
    n_events: int
    n_sources: int
    sanctions: int  # knowledge-base listings of the parties plus sanction events
    disagreements: int
    variants: list[str]
    haystack: str = ""  # lower-case names, system, variants: what the text filter reads

    @property
    def first_year(self) -> int | None:
        return int(self.first_reported[:4]) if self.first_reported else None

    @property
    def last_year(self) -> int | None:
        return int(self.last_reported[:4]) if self.last_reported else self.first_year

    def to_json(self, names: Callable[[str], str]) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "supplier": self.supplier,
            "supplier_name": names(self.supplier),
            "recipient": self.recipient,
            "recipient_name": names(self.recipient),
            "system": self.system,
            "category": self.category,
            "status": self.status,
            "first_reported": self.first_reported,
            "last_reported": self.last_reported,
            "n_events": self.n_events,
            "n_sources": self.n_sources,
            "sanctions": self.sanctions,
            "disagreements": self.disagreements,
        }


#: Sort keys a user may ask for, and how each orders rows (missing dates sort first).
SORTS: dict[str, Callable[[DealRow], Any]] = {
    "id": lambda r: r.id,
    "supplier": lambda r: (r.supplier, r.id),
    "recipient": lambda r: (r.recipient, r.id),
    "system": lambda r: (fold_system(r.system), r.id),
    "category": lambda r: (r.category, r.id),
    "status": lambda r: (ALL_STATUSES.index(r.status) if r.status in ALL_STATUSES else 99, r.id),
    "first_reported": lambda r: (r.first_reported or "", r.id),
    "last_reported": lambda r: (r.last_reported or "", r.id),
    "sources": lambda r: (r.n_sources, r.id),
    "events": lambda r: (r.n_events, r.id),
}
SORT_CHOICES: tuple[str, ...] = tuple(
    name for key in SORTS for name in (key, "-" + key)
)

FACETS: tuple[str, ...] = ("supplier", "recipient", "category", "status", "system", "year")


@dataclass(frozen=True)
class DealFilter:
    """The register's filters; every field is a URL parameter of the same name."""

    supplier: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()
    system: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    q: str = ""
    sanctions: bool | None = None
    disagreements: bool | None = None

    def params(self) -> list[tuple[str, str]]:
        """The filter as URL query pairs (for links that keep it)."""
        pairs: list[tuple[str, str]] = []
        for name in ("supplier", "recipient", "system", "category", "status"):
            pairs.extend((name, v) for v in getattr(self, name))
        for name in ("year_from", "year_to"):
            if getattr(self, name) is not None:
                pairs.append((name, str(getattr(self, name))))
        if self.q:
            pairs.append(("q", self.q))
        for name in ("sanctions", "disagreements"):
            if getattr(self, name) is not None:
                pairs.append((name, "true" if getattr(self, name) else "false"))
        return pairs

    @property
    def empty(self) -> bool:
        return not self.params()


@dataclass
class Facet:
    name: str
    values: list[tuple[str, str, int]]  # (value, label, count), most frequent first


@dataclass
class DealListing:
    total: int
    page: int
    per_page: int
    sort: str
    rows: list[DealRow]
    facets: list[Facet]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class DealIndex:
    """The summary rows of every stored deal, read once per version of the deals."""

    #: Columns with an inverted index: a filter on any of them starts from its rows.
    INDEXED = ("supplier", "recipient", "status", "category")

    def __init__(self, rows: list[DealRow], digest: str | None) -> None:
        self.rows = rows
        self.by_id = {row.id: row for row in rows}
        self.by_key = {row.key: row for row in rows}
        self.by_field: dict[str, dict[str, list[DealRow]]] = {}
        for name in self.INDEXED:
            groups: dict[str, list[DealRow]] = {}
            for row in rows:
                groups.setdefault(getattr(row, name), []).append(row)
            self.by_field[name] = groups
        self.digest = digest
        self._orders: dict[str, list[DealRow]] = {}
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def candidates(self, flt: DealFilter) -> list[DealRow]:
        """The rows of the most selective indexed filter (all rows when none is set)."""
        best = self.rows
        for name in self.INDEXED:
            values = getattr(flt, name)
            if values:
                groups = self.by_field[name]
                found = [row for v in values for row in groups.get(v, ())]
                if len(found) < len(best):
                    best = found
        return best

    def ordered(self, rows: list[DealRow], sort: str) -> list[DealRow]:
        """``rows`` in ``sort`` order: sorted directly when few, else read off a presorted list."""
        key, descending = SORTS[sort.lstrip("-")], sort.startswith("-")
        if len(rows) * 4 < len(self.rows):
            return sorted(rows, key=key, reverse=descending)
        with self._lock:
            order = self._orders.get(sort.lstrip("-"))
        if order is None:
            order = sorted(self.rows, key=key)
            with self._lock:
                self._orders[sort.lstrip("-")] = order
        wanted = {row.id for row in rows}
        out = [row for row in order if row.id in wanted]
        return out[::-1] if descending else out

    def cached(self, key: Any, build: Callable[[], Any]) -> Any:
        """A result per filter state (and sort), kept for the last 256 asked for."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = build()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > 256:
                self._cache.popitem(last=False)
        return value


# --------------------------------------------------------------------------- the register


class Register:
    """The read-only register a web server serves: a store, the knowledge base, the index."""

    def __init__(self, store: Store, kb: KnowledgeBase | None = None) -> None:
        self.store = store
        self.kb = kb or load_kb()
        self._index: DealIndex | None = None
        self._index_lock = threading.Lock()
        self._analysis: tuple[str | None, analysis.Register] | None = None
        self._analysed: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._category = {
            fold_system(name): entry.category
            for entry in self.kb.entries("system")
            for name in (entry.name, entry.family_name)
            if name
        }
        self.has_search = self._has_search()

    @classmethod
    def open(cls, path: str) -> Register:
        """The register at ``path`` opened read-only (SQLite ``mode=ro``: nothing can write)."""
        return cls(Store(path, create=False, readonly=True))

    def close(self) -> None:
        self.store.close()

    # ----------------------------------------------------------------- names

    def name(self, party: str | None) -> str:
        """A party's display name ("Russia" for RUS); the id itself when the kb lacks it."""
        if not party:
            return ""
        entry = self.kb.get(party)
        return entry.name if entry is not None else party

    def category(self, system: str) -> str:
        return self._category.get(fold_system(system), "other")

    # ----------------------------------------------------------------- index

    def index(self) -> DealIndex:
        """The deal index, rebuilt first when the stored deals changed since it was read."""
        digest = self.store.deals_digest()
        index = self._index
        if index is not None and index.digest == digest:
            return index
        with self._index_lock:
            if self._index is None or self._index.digest != digest:
                self._index = DealIndex(self._read_rows(), digest)
            return self._index

    def _read_rows(self) -> list[DealRow]:
        d = s.deals.c

        def length(path: str) -> Any:
            return func.coalesce(func.json_array_length(d.data, path), 0)

        query = select(
            d.id,
            d.key,
            d.supplier,
            d.recipient,
            d.system,
            d.status,
            d.first_reported,
            d.last_reported,
            length("$.events"),
            length("$.sources"),
            length("$.sanctions") + length("$.sanction_events"),
            length("$.disagreements"),
            func.json_extract(d.data, "$.variants"),
        ).order_by(d.id)
        rows = []
        with self.store.engine.connect() as conn:
            for r in conn.execute(query):
                variants = _json_list(r[12])
                row = DealRow(
                    id=r[0],
                    key=r[1],
                    supplier=r[2],
                    recipient=r[3],
                    system=r[4],
                    category=self.category(r[4]),
                    status=r[5],
                    first_reported=r[6],
                    last_reported=r[7],
                    n_events=r[8],
                    n_sources=r[9],
                    sanctions=r[10],
                    disagreements=r[11],
                    variants=variants,
                )
                row.haystack = " ".join(
                    (r[2], self.name(r[2]), r[3], self.name(r[3]), r[4], *variants)
                ).casefold()
                rows.append(row)
        return rows

    # ----------------------------------------------------------------- register page

    def resolve_filter(self, flt: DealFilter) -> DealFilter:
        """Names to ids ("Turkey" -> TUR), so that shared URLs may say either."""
        return dataclasses.replace(
            flt,
            supplier=tuple(sorted({resolve_party(v, self.kb) for v in flt.supplier if v})),
            recipient=tuple(sorted({resolve_party(v, self.kb) for v in flt.recipient if v})),
            system=tuple(v for v in flt.system if v),
            category=tuple(sorted({v for v in flt.category if v})),
            status=tuple(sorted({v for v in flt.status if v})),
            q=flt.q.strip(),
        )

    def matcher(self, flt: DealFilter) -> Callable[[DealRow], bool]:
        """A predicate for rows that pass every filter of ``flt`` (already resolved)."""
        suppliers, recipients = set(flt.supplier), set(flt.recipient)
        categories, statuses = set(flt.category), set(flt.status)
        systems = [_system_matcher(v, self.kb) for v in flt.system]
        words = flt.q.casefold().split()

        def match(row: DealRow) -> bool:
            if suppliers and row.supplier not in suppliers:
                return False
            if recipients and row.recipient not in recipients:
                return False
            if categories and row.category not in categories:
                return False
            if statuses and row.status not in statuses:
                return False
            if flt.year_from is not None and (row.last_year or 0) < flt.year_from:
                return False
            if flt.year_to is not None and (row.first_year or 9999) > flt.year_to:
                return False
            if flt.sanctions is not None and bool(row.sanctions) != flt.sanctions:
                return False
            if flt.disagreements is not None and bool(row.disagreements) != flt.disagreements:
                return False
            if systems and not any(m(row) for m in systems):  # type: ignore[arg-type]
                return False
            return all(w in row.haystack for w in words)

        return match

    def list_deals(
        self,
        flt: DealFilter,
        *,
        sort: str = "id",
        page: int = 1,
        per_page: int = 50,
        everything: bool = False,
    ) -> DealListing:
        """One page of the filtered, sorted register with facet counts over all matches."""
        if sort not in SORT_CHOICES:
            raise BadQuery(f"sort must be one of {', '.join(SORT_CHOICES)}")
        if flt.year_from is not None and flt.year_to is not None and flt.year_from > flt.year_to:
            raise BadQuery("year_from is after year_to")
        index = self.index()
        flt = self.resolve_filter(flt)

        def matching() -> tuple[list[DealRow], list[Facet]]:
            match = self.matcher(flt)
            rows = [row for row in index.candidates(flt) if match(row)]
            return rows, self.facets(rows)

        rows, facets = index.cached(flt, matching)
        found = index.cached((flt, sort), lambda: index.ordered(rows, sort))
        if everything:
            return DealListing(len(found), 1, max(1, len(found)), sort, found, facets)
        start = (page - 1) * per_page
        shown = found[start : start + per_page]
        return DealListing(len(found), page, per_page, sort, shown, facets)

    def facets(self, rows: Sequence[DealRow], top: int = 12) -> list[Facet]:
        counters: dict[str, Counter[str]] = {
            name: Counter(map(attrgetter(name), rows))
            for name in ("supplier", "recipient", "category", "status", "system")
        }
        counters["year"] = Counter(r.first_reported[:4] for r in rows if r.first_reported)
        out = []
        for name in FACETS:
            counter = counters[name]
            if name == "year":
                values = sorted(counter.items(), reverse=True)[:top]
            else:
                values = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
            label = self.name if name in ("supplier", "recipient") else str
            out.append(Facet(name, [(value, label(value), n) for value, n in values]))
        return out

    def full_deals(self, rows: Iterable[DealRow]) -> list[Deal]:
        """The stored deals (``Deal`` objects) of these rows, in their order (for CSV)."""
        ids = [row.id for row in rows]
        found: dict[int, Deal] = {}
        d = s.deals.c
        with self.store.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                for deal_id, data in conn.execute(
                    select(d.id, d.data).where(d.id.in_(ids[i : i + 500]))
                ):
                    found[deal_id] = Deal.from_json(_loads(data))
        return [found[i] for i in ids if i in found]

    # ----------------------------------------------------------------- a deal

    def deal(self, deal_id: int) -> DealView:
        d = s.deals.c
        with self.store.engine.connect() as conn:
            data = conn.execute(select(d.data).where(d.id == deal_id)).scalar()
        if data is None:
            raise NotFound(f"no deal {deal_id}")
        stored = Deal.from_json(_loads(data))
        stored.id = deal_id
        deal, events = _local_deal(stored)
        articles = {a.id: a for a in self.store.articles(ids=[e.article for e in events])}
        return DealView(
            deal=deal,
            events=events,
            articles=[articles[a] for a in dict.fromkeys(e.article for e in events)
                      if a in articles],
            category=self.category(deal.system),
        )

    # ----------------------------------------------------------------- an article

    def article(self, article_id: str) -> ArticleView:
        article = self.store.article(article_id)
        if article is None:
            raise NotFound(f"no article {article_id!r}")
        events = self.store.events(article_id)
        ids = [e.extra["id"] for e in events]
        links = self._deals_of_events(ids)
        index = self.index()
        deals = {
            e.extra["id"]: index.by_id[links[e.extra["id"]]]
            for e in events
            if links.get(e.extra["id"]) in index.by_id
        }
        sources = self.store.story_sources(article.story_id) if article.story_id else []
        copies = self._copies_of(article_id)
        return ArticleView(article=article, events=events, deals=deals, sources=sources,
                           copies=copies)

    def _deals_of_events(self, event_ids: Sequence[str]) -> dict[str, int]:
        de = s.deal_events.c
        out: dict[str, int] = {}
        with self.store.engine.connect() as conn:
            for i in range(0, len(event_ids), 500):
                for event_id, deal_id in conn.execute(
                    select(de.event_id, de.deal_id).where(de.event_id.in_(event_ids[i : i + 500]))
                ):
                    out[event_id] = deal_id
        return out

    def _copies_of(self, article_id: str) -> list[dict[str, Any]]:
        c = s.copies.c
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(c.id, c.title, c.published, c.url, c.path)
                .where(c.article_id == article_id)
                .order_by(c.id)
            ).mappings()
            return [dict(r) for r in rows]

    def articles(self, *, status: str | None, page: int, per_page: int) -> tuple[int, list[Any]]:
        """A page of stored articles (newest first) with their gate decisions."""
        a = s.articles.c
        where = a.status == status if status else None
        count = select(func.count()).select_from(s.articles)
        query = select(a.id, a.title, a.published, a.status, a.reason, a.url).order_by(
            a.published.desc(), a.id
        )
        if where is not None:
            count, query = count.where(where), query.where(where)
        with self.store.engine.connect() as conn:
            total = conn.execute(count).scalar_one()
            rows = conn.execute(query.limit(per_page).offset((page - 1) * per_page)).mappings()
            return total, [dict(r) for r in rows]

    # ----------------------------------------------------------------- a country

    def country(self, code: str) -> CountryView:
        party = resolve_party(code, self.kb)
        index = self.index()
        exports = index.by_field["supplier"].get(party, [])
        imports = index.by_field["recipient"].get(party, [])
        if not exports and not imports and self.kb.get(party) is None:
            raise NotFound(f"no country {code!r}")
        open_deals = sorted(
            (r for r in (*exports, *imports) if r.status in OPEN_STATUSES),
            key=lambda r: (r.last_reported or "", r.id),
            reverse=True,
        )
        return CountryView(
            code=party,
            name=self.name(party),
            exports=exports,
            imports=imports,
            by_year=_by_year(exports, imports),
            suppliers=Counter(r.supplier for r in imports).most_common(),
            recipients=Counter(r.recipient for r in exports).most_common(),
            systems_in=Counter(r.system for r in imports).most_common(),
            systems_out=Counter(r.system for r in exports).most_common(),
            open_deals=open_deals,
        )

    def countries(self) -> list[tuple[str, str, int, int]]:
        """Every party of a deal: (id, name, deals as supplier, deals as recipient)."""
        by_field = self.index().by_field
        out_n = Counter({p: len(rows) for p, rows in by_field["supplier"].items()})
        in_n = Counter({p: len(rows) for p, rows in by_field["recipient"].items()})
        parties = sorted(set(out_n) | set(in_n), key=lambda p: (-(out_n[p] + in_n[p]), p))
        return [(p, self.name(p), out_n[p], in_n[p]) for p in parties]

    # ----------------------------------------------------------------- network

    def network(self, flt: DealFilter) -> tuple[Counter[tuple[str, str]], int]:
        """Deals per (supplier, recipient) pair among the deals that pass ``flt``."""
        flt = self.resolve_filter(flt)
        match = self.matcher(flt)
        index = self.index()
        found = [row for row in index.candidates(flt) if match(row)]
        return Counter((row.supplier, row.recipient) for row in found), len(found)

    # ----------------------------------------------------------------- search

    def _has_search(self) -> bool:
        with self.store.engine.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT 1 FROM sqlite_master WHERE name = :name"),
                    {"name": s.SEARCH_TABLE},
                ).scalar()
            )

    def search(self, query: str, *, kind: str | None, page: int, per_page: int) -> SearchResults:
        """Titles and evidence sentences that contain every word of ``query``.

        Best first (FTS5's bm25 rank) when at most :data:`RANKED_MATCHES` match;
        past that, ranking every match costs more than a page is worth (170 ms for
        50,000 matches), so the most recently added come first and the page says so.
        """
        match = fts_query(query)
        if not match:
            return SearchResults(query, 0, page, per_page, [])
        if not self.has_search:
            raise BadQuery(
                "this register has no search index yet; it is added the next time "
                "`armstrack ingest` writes to it"
            )
        kind_clause = "AND kind = :kind" if kind else ""
        params = {"match": match, "kind": kind, "limit": per_page, "offset": (page - 1) * per_page}
        with self.store.engine.connect() as conn:
            total = conn.execute(
                text(f"SELECT count(*) FROM search_index WHERE search_index MATCH :match "
                     f"{kind_clause}"),
                params,
            ).scalar_one()
            order = "rank" if total <= RANKED_MATCHES else "rowid DESC"
            hits = conn.execute(
                text(
                    "SELECT kind, ref, highlight(search_index, 2, :open, :close) "
                    "FROM search_index WHERE search_index MATCH :match "
                    f"{kind_clause} ORDER BY {order} LIMIT :limit OFFSET :offset"
                ),
                {**params, "open": MARK_OPEN, "close": MARK_CLOSE},
            ).all()
        return SearchResults(query, total, page, per_page, self._search_hits(hits),
                             ranked=total <= RANKED_MATCHES)

    def _search_hits(self, hits: Sequence[Any]) -> list[SearchHit]:
        event_ids = [ref for kind, ref, _ in hits if kind == "event"]
        article_ids = {ref for kind, ref, _ in hits if kind == "article"}
        e, a = s.events.c, s.articles.c
        with self.store.engine.connect() as conn:
            events = {
                r["id"]: r
                for r in conn.execute(
                    select(e.id, e.article_id, e.type, e.modality, e.supplier, e.recipient,
                           e.system).where(e.id.in_(event_ids))
                ).mappings()
            } if event_ids else {}
            article_ids |= {r["article_id"] for r in events.values()}
            articles = {
                r["id"]: r
                for r in conn.execute(
                    select(a.id, a.title, a.published, a.status).where(a.id.in_(article_ids))
                ).mappings()
            } if article_ids else {}
        links = self._deals_of_events(event_ids)
        out = []
        for kind, ref, marked in hits:
            event = events.get(ref) if kind == "event" else None
            article = articles.get(event["article_id"] if event else ref)
            if article is None:
                continue
            out.append(
                SearchHit(
                    kind=kind,
                    ref=ref,
                    segments=split_marks(marked or ""),
                    article=article["id"],
                    title=article["title"] or "",
                    published=article["published"],
                    event=dict(event) if event else None,
                    deal=links.get(ref),
                )
            )
        return out

    # ----------------------------------------------------------------- forecasts, changes

    def analysis_register(self) -> analysis.Register:
        """The whole register as :mod:`armstrack.analysis` takes it, read once per deals digest.

        Forecasts and changes compare snapshots of every event, so they need the
        events and articles in memory (``analysis.load_register``); reading them costs
        seconds at SIPRI's scale, hence once, not per request.
        """
        digest = self.store.deals_digest()
        with self._index_lock:
            if self._analysis is None or self._analysis[0] != digest:
                self._analysis = (digest, analysis.load_register(self.store))
                self._analysed.clear()
            return self._analysis[1]

    def _analysed_once(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """An analysis result per question, kept (64 of them) until the deals change.

        ``changes_since`` rebuilds the deals of two snapshots: seconds at scale, so a
        shared link or a feed reader polling the Atom feed pays it once.
        """
        self.analysis_register()
        with self._index_lock:
            if key in self._analysed:
                self._analysed.move_to_end(key)
                return self._analysed[key]
        value = compute()
        with self._index_lock:
            self._analysed[key] = value
            while len(self._analysed) > 64:
                self._analysed.popitem(last=False)
        return value

    def forecasts(
        self, *, as_of: date | None, sources: Sequence[str], include_possible: bool
    ) -> ForecastsView:
        """Planned and hoped claims with a time, and whether they came true (issue 11's rules)."""
        modalities = analysis.FORECAST_MODALITIES
        if include_possible:
            modalities = (*modalities, "possible")
        found = self._analysed_once(
            ("forecasts", as_of, tuple(sources), include_possible),
            lambda: analysis.find_forecasts(
                self.analysis_register(), as_of=as_of, modalities=modalities,
                sources=sources or None,
            ),
        )
        return ForecastsView(
            as_of=found[0].as_of if found else as_of,
            forecasts=found,
            by_outlet=analysis.tally(found, "outlet"),
            by_speaker=analysis.tally(found, "speaker"),
        )

    def changes(self, *, since: date | None, until: date | None) -> ChangesView:
        """Deals that appeared or changed between two dates (default: the last year of news)."""
        register = self.analysis_register()
        if since is None:
            days = [a.published for a in register.articles if a.published]
            latest = max(days) if days else date.today()
            since = latest.replace(year=latest.year - 1) if latest.year > 1 else latest
        if until is not None and until < since:
            raise BadQuery("until is before since")
        found = self._analysed_once(
            ("changes", since, until), lambda: analysis.changes_since(register, since, until)
        )
        return ChangesView(since, until, found)

    # ----------------------------------------------------------------- status

    def status(self) -> StatusView:
        a = s.articles.c
        with self.store.engine.connect() as conn:
            reasons = [
                (reason or "", n)
                for reason, n in conn.execute(
                    select(a.reason, func.count())
                    .where(a.status == "skipped")
                    .group_by(a.reason)
                    .order_by(func.count().desc(), a.reason)
                    .limit(50)
                )
            ]
            ingested = conn.execute(select(func.max(a.ingested_at))).scalar()
        return StatusView(
            counts=self.store.counts(),
            skipped_reasons=reasons,
            failures=self.store.failures(),
            last_ingested=ingested,
            deals_stale=self.store.deals_stale,
            search_index=self.has_search,
        )


# --------------------------------------------------------------------------- views


@dataclass
class DealView:
    """One deal as SPEC.md §5 would print it alone: its events re-indexed from 0."""

    deal: Deal
    events: list[Event]
    articles: list[StoredArticle]
    category: str

    def payload(self) -> dict[str, Any]:
        plain = [_plain(a) for a in self.articles]
        out = extract_payload(plain, self.events, [self.deal])
        for entry, event in zip(out["events"], self.events, strict=True):
            entry["id"] = event.extra.get("id")
        out["deals"][0]["category"] = self.category
        return out


@dataclass
class ArticleView:
    article: StoredArticle
    events: list[Event]
    deals: dict[str, DealRow]  # event id -> the deal it belongs to
    sources: list[dict[str, Any]]  # every source of the article's story
    copies: list[dict[str, Any]]  # exact copies read under other ids


@dataclass
class CountryView:
    code: str
    name: str
    exports: list[DealRow]
    imports: list[DealRow]
    by_year: list[tuple[int, int, int]]  # (year, deals exported, deals imported)
    suppliers: list[tuple[str, int]]
    recipients: list[tuple[str, int]]
    systems_in: list[tuple[str, int]]
    systems_out: list[tuple[str, int]]
    open_deals: list[DealRow]


MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


@dataclass
class SearchHit:
    kind: str  # article | event
    ref: str
    segments: list[tuple[str, bool]]  # (text, matched)
    article: str
    title: str
    published: str | None
    event: dict[str, Any] | None = None
    deal: int | None = None


@dataclass
class SearchResults:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[SearchHit] = field(default_factory=list)
    ranked: bool = True  # False: too many matches to rank, most recently added first


@dataclass
class ForecastsView:
    as_of: date | None
    forecasts: list[analysis.Forecast]
    by_outlet: list[dict[str, Any]]
    by_speaker: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """The shape of ``armstrack forecasts --format json``."""
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "forecasts": [f.to_json() for f in self.forecasts],
            "by_outlet": self.by_outlet,
            "by_speaker": self.by_speaker,
        }


@dataclass
class ChangesView:
    since: date
    until: date | None
    changes: list[analysis.DealChange]

    def to_json(self) -> dict[str, Any]:
        """The shape of ``armstrack changes --format json``."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "changes": [c.to_json() for c in self.changes],
        }


@dataclass
class StatusView:
    counts: dict[str, int]
    skipped_reasons: list[tuple[str, int]]
    failures: list[Any]
    last_ingested: str | None
    deals_stale: bool
    search_index: bool


# --------------------------------------------------------------------------- helpers


def _loads(data: str) -> Any:
    import json

    return json.loads(data)


def _json_list(data: str | None) -> list[str]:
    value = _loads(data) if data else []
    return [str(v) for v in value] if isinstance(value, list) else []


def _plain(article: StoredArticle) -> Article:
    fields = {f.name for f in dataclasses.fields(Article)}
    return Article(**{k: v for k, v in vars(article).items() if k in fields})


def _local_deal(deal: Deal) -> tuple[Deal, list[Event]]:
    """The deal with its event indices renumbered into its own timeline's events.

    Stored deals index the store's whole event list; alone (one deal's page or
    JSON) they must index the events printed beside them, as SPEC.md §5's do.
    """
    events = [entry.event for entry in deal.timeline]
    local = {entry.index: i for i, entry in enumerate(deal.timeline)}

    def at(i: int) -> int:
        return local.get(i, -1)

    timeline = [
        dataclasses.replace(
            entry, index=at(entry.index), disagrees_with=tuple(at(i) for i in entry.disagrees_with)
        )
        for entry in deal.timeline
    ]
    disagreements = [
        Disagreement(d.kind, d.type, (at(d.events[0]), at(d.events[1])), d.note)
        for d in deal.disagreements
    ]
    renumbered = dataclasses.replace(
        deal,
        events=[at(i) for i in deal.events],
        sanction_events=[at(i) for i in deal.sanction_events],
        timeline=timeline,
        disagreements=disagreements,
    )
    return renumbered, events


def _by_year(exports: Sequence[DealRow], imports: Sequence[DealRow]) -> list[tuple[int, int, int]]:
    out_n = Counter(r.first_year for r in exports if r.first_year)
    in_n = Counter(r.first_year for r in imports if r.first_year)
    years = set(out_n) | set(in_n)
    if not years:
        return []
    return [(y, out_n[y], in_n[y]) for y in range(min(years), max(years) + 1)]  # type: ignore[misc]


_WORD = re.compile(r"[^\s\"]+")


def fts_query(query: str) -> str:
    """A user's words as an FTS5 query: each word a quoted phrase, all required, the last a prefix.

    Quoting makes every FTS5 operator (AND, NEAR, ``*``, ``:``, parentheses) plain
    text, so no input is a syntax error or changes what the query means.
    """
    words = _WORD.findall(query)[:16]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]  # _WORD leaves quotes out, so none needs doubling
    if re.search(r"\w$", words[-1]):
        quoted[-1] += "*"
    return " ".join(quoted)


def split_marks(marked: str) -> list[tuple[str, bool]]:
    """FTS5 ``highlight`` output -> (text, matched) pieces for the template to escape."""
    out: list[tuple[str, bool]] = []
    for i, piece in enumerate(re.split(f"[{MARK_OPEN}{MARK_CLOSE}]", marked)):
        if piece:
            out.append((piece, i % 2 == 1))
    return out


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
