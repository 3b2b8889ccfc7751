"""The register's tables (SQLAlchemy Core), version 1.

Why Core and not the ORM: ingest writes thousands of rows per batch through
``executemany`` and reads them back as the model's plain dataclasses, so an
identity map and lazy loading would only cost time and memory.

Identity is deterministic everywhere it matters, so that a run killed with
``kill -9`` and resumed ends with the same rows as an uninterrupted run:

- ``articles.id`` is the article's own id (file stem or JSONL ``id``); a
  different text under an id already stored becomes ``ID~2``, ``ID~3``...
- ``stories.id`` is the id of the story's first article.
- ``events.id`` is ``ARTICLE_ID#ORDINAL`` (the extractor's output order).
- ``deals.id`` is the deal's position (1-based) in ``build_deals``' sorted output.

Only ``failures.id`` is an autoincrement, and only bookkeeping columns
(``ingested_at``, ``first_seen``, ``last_seen``, ``failures.count``) depend on
when a run happened; :func:`armstrack.store.Store.canonical_dump` leaves them out.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 1

metadata = MetaData()

#: Key/value facts about the database itself: ``schema_version``, ``deals_stale``,
#: ``deals_digest`` (a hash of the deals last built, so readers can tell when to reload).
meta = Table(
    "meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

#: Near-duplicate groups: the same wire story republished by many outlets is one
#: story whose sources are its articles (``articles.story_id``) and exact copies.
stories = Table(
    "stories",
    metadata,
    Column("id", String, primary_key=True),  # the first article's id
    Column("title", Text, nullable=False, default=""),
    Column("published", String),  # ISO date of the first article
)

articles = Table(
    "articles",
    metadata,
    Column("id", String, primary_key=True),
    Column("content_hash", String, nullable=False, unique=True),
    Column("title", Text, nullable=False, default=""),
    Column("published", String),  # ISO date
    Column("url", Text),
    Column("path", Text),
    Column("byline", Text),
    Column("source_format", String, nullable=False, default="text"),
    Column("text", Text, nullable=False),
    Column("body_start", Integer, nullable=False, default=0),
    Column("body_end", Integer),
    # extracted | skipped | duplicate
    Column("status", String, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("story_id", String, ForeignKey("stories.id")),
    # MinHash signature (relevant articles only) and the order it entered the
    # near-duplicate index, so the index is rebuilt in the same order on start.
    Column("signature", LargeBinary),
    Column("dedup_seq", Integer),
    Column("ingested_at", String, nullable=False),
    Index("ix_articles_status", "status"),
    Index("ix_articles_story", "story_id"),
    Index("ix_articles_dedup_seq", "dedup_seq"),
)

#: Exact copies (same text) read under another id: the text is stored once,
#: the copy is kept as one more source of the original article's story.
copies = Table(
    "copies",
    metadata,
    Column("id", String, primary_key=True),
    Column("article_id", String, ForeignKey("articles.id"), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("published", String),
    Column("url", Text),
    Column("path", Text),
    Column("ingested_at", String, nullable=False),
    Index("ix_copies_article", "article_id"),
)

events = Table(
    "events",
    metadata,
    Column("id", String, primary_key=True),  # ARTICLE_ID#ORDINAL
    Column("article_id", String, ForeignKey("articles.id"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("type", String, nullable=False),
    Column("modality", String, nullable=False),
    Column("supplier", String),
    Column("recipient", String),
    Column("actor", String),
    Column("target", String),
    Column("system", String),
    Column("variant", String),
    Column("time_start", String),
    Column("time_end", String),
    Column("time_text", Text),
    Column("quantity_value", Float),
    Column("quantity_unit", String),
    Column("value_amount", Float),
    Column("value_currency", String),
    Column("source", Text),
    Column("evidence", Text, nullable=False, default=""),
    Column("start_offset", Integer, nullable=False, default=0),
    Column("end_offset", Integer, nullable=False, default=0),
    Column("trigger", Text),
    Column("confidence", Float, nullable=False, default=1.0),
    Column("extra", Text, nullable=False, default="{}"),  # JSON
    UniqueConstraint("article_id", "ordinal"),
    Index("ix_events_deal_key", "supplier", "recipient", "system"),
)

failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("input", Text, nullable=False),
    Column("record", Text, nullable=False, default=""),  # "" = the whole input
    Column("reason", Text, nullable=False),
    Column("first_seen", String, nullable=False),
    Column("last_seen", String, nullable=False),
    Column("count", Integer, nullable=False, default=1),  # runs that hit it
    UniqueConstraint("input", "record", "reason"),
)

#: Derived from ``events`` by ``armstrack.register.build_deals``; rebuilt whole
#: at the end of every ingest run (and on read when ``meta.deals_stale`` says a
#: run died before it could), never edited in place.
deals = Table(
    "deals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("key", String, nullable=False, unique=True),  # SUPPLIER:RECIPIENT:SYSTEM
    Column("supplier", String, nullable=False),
    Column("recipient", String, nullable=False),
    Column("system", String, nullable=False),
    Column("status", String, nullable=False),
    Column("first_reported", String),
    Column("last_reported", String),
    Column("data", Text, nullable=False),  # Deal.to_json(), events indexing Store.events()
)

deal_events = Table(
    "deal_events",
    metadata,
    Column("deal_id", Integer, ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", String, ForeignKey("events.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    # Which deal an event belongs to (article pages, search hits): without it, a scan.
    Index("ix_deal_events_event", "event_id"),
)


#: Full-text search over article titles and event evidence (SQLite FTS5), kept up to
#: date by triggers so that every writer (ingest, tests, benchmarks writing rows
#: directly) maintains it without knowing about it. Not part of ``metadata``: it is
#: SQLite-only, derived, and left out of :meth:`Store.canonical_dump`. ``kind`` is
#: ``article`` or ``event``, ``ref`` the row's id; neither is tokenised. English
#: stemming (porter), so "deliveries" finds "delivery".
SEARCH_TABLE = "search_index"
SEARCH_DDL: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
    "kind UNINDEXED, ref UNINDEXED, text, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_index_article AFTER INSERT ON articles BEGIN "
    "INSERT INTO search_index (kind, ref, text) VALUES ('article', new.id, new.title); END",
    "CREATE TRIGGER IF NOT EXISTS search_index_event AFTER INSERT ON events BEGIN "
    "INSERT INTO search_index (kind, ref, text) VALUES ('event', new.id, new.evidence); END",
)
#: Indexes added after version 1 was released: created on databases that predate them.
LATER_INDEXES: tuple[str, ...] = (
    "CREATE INDEX IF NOT EXISTS ix_deal_events_event ON deal_events (event_id)",
)
#: Fills a search index created on a database that already holds rows.
SEARCH_BACKFILL: tuple[str, ...] = (
    "INSERT INTO search_index (kind, ref, text) SELECT 'article', id, title FROM articles",
    "INSERT INTO search_index (kind, ref, text) SELECT 'event', id, evidence FROM events",
)
