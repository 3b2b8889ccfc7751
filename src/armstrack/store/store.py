"""``Store``: the register in an embedded database (SQLite by default), through SQLAlchemy.

Why this shape:

- **One transaction per batch** (:meth:`Store.write_batch`): a batch's articles,
  their events, stories, copies and read failures commit together or not at
  all, so a run killed at any point leaves only whole batches behind and a
  re-run picks up exactly where the last commit ended.
- **Deterministic ids** (see :mod:`armstrack.store.schema`), so that resumed and
  uninterrupted runs end with the same rows, compared by :meth:`Store.canonical_dump`.
- **Deals are derived**: rebuilt whole from the events by
  ``armstrack.register.build_deals`` at the end of every ingest run, and on
  read if a run died before it could (``meta.deals_stale``). Rebuilding after
  each batch would cost O(events) per batch, i.e. quadratic over a long run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: ingests rely on SQLite's own locking
    fcntl = None  # type: ignore[assignment]
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy import exc as exc_module
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from armstrack.model import Article, Event, Interval, Money, Quantity, ReadFailure, printable
from armstrack.store import schema as s

__all__ = [
    "Batch",
    "FailureRecord",
    "NotARegister",
    "SchemaVersionError",
    "StoreError",
    "Store",
    "StoreNotFound",
    "StoredArticle",
    "claim_key",
    "database_url",
]

#: Columns that say *when* something happened rather than *what* is stored;
#: they differ between a resumed and an uninterrupted run by nature.
VOLATILE_COLUMNS: dict[str, set[str]] = {
    "articles": {"ingested_at"},
    "copies": {"ingested_at"},
    "failures": {"id", "first_seen", "last_seen", "count"},
}


#: Suffix of the file beside a SQLite database that ingest runs lock (:meth:`Store.ingest_lock`).
LOCK_SUFFIX = "-lock"


class StoreError(RuntimeError):
    """The register cannot be opened as asked; the message says why in one line, for people."""


class StoreNotFound(StoreError, FileNotFoundError):
    """Opening a database that does not exist, for a command that only reads."""


class SchemaVersionError(StoreError):
    """The database was written by an armstrack with another schema version."""


class NotARegister(StoreError):
    """The database (or file) exists but holds no armstrack register."""


def database_url(url_or_path: str) -> str:
    """A SQLAlchemy URL for ``--db``: URLs pass through, anything else is a SQLite file path.

    ``:memory:`` is an in-memory database; an empty string is refused everywhere
    (it used to mean three different things to three commands).
    """
    if not url_or_path or not url_or_path.strip():
        raise StoreError("--db is empty: give a database file or a SQLAlchemy URL")
    if "://" in url_or_path:
        return url_or_path
    if url_or_path == ":memory:":
        return "sqlite://"
    return "sqlite:///" + os.path.abspath(os.path.expanduser(url_or_path))


def _sqlite_file(url: str) -> str | None:
    """The file path of a SQLite file URL, ``None`` for in-memory and other databases."""
    if not url.startswith("sqlite:///") or url in ("sqlite:///:memory:",):
        return None
    return url[len("sqlite:///") :].split("?", 1)[0]


def _check_sqlite_path(path: str, *, write: bool) -> None:
    """Refuse, with a readable reason, paths that cannot hold a register."""
    if os.path.isdir(path):
        raise StoreError(f"--db {path} is a folder, not a database file")
    if not os.path.exists(path):
        if not write:
            raise StoreNotFound(f"no register at {path} (run `armstrack ingest` first)")
        folder = os.path.dirname(path) or "."
        if not os.path.isdir(folder):
            raise StoreError(f"cannot create {path}: the folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise StoreError(f"cannot create {path}: the folder {folder} is not writable")
    elif write and not os.access(path, os.W_OK):
        raise StoreError(f"cannot write to {path}: the database is read-only")
    elif not os.access(path, os.R_OK):
        raise StoreError(f"cannot read {path}: permission denied")


def _one_line(exc: BaseException) -> str:
    """The first line of an exception's message, without SQLAlchemy's background link."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass
class StoredArticle(Article):
    """An ``Article`` as the register holds it, plus what ingest decided about it.

    A subclass rather than a wrapper, so everything that takes articles (SPEC.md's
    payload, ``build_deals``) takes stored ones as they are.
    """

    content_hash: str = ""
    status: str = ""  # extracted | skipped | duplicate
    reason: str = ""
    story_id: str | None = None
    ingested_at: str = ""

    def record(self) -> dict[str, Any]:
        """The article's SPEC.md fields plus the register's own."""
        return {
            **self.to_json(),
            "status": self.status,
            "reason": self.reason,
            "story": self.story_id,
            "content_hash": self.content_hash,
            "ingested_at": self.ingested_at,
        }


@dataclass
class FailureRecord:
    """One input (or record of it) that could not be read, however many runs hit it."""

    input: str
    record: str | None
    reason: str
    first_seen: str
    last_seen: str
    count: int

    def describe(self) -> str:
        where = f"{self.input} ({self.record})" if self.record else self.input
        return printable(f"{where}: {self.reason}")

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "record": self.record,
            "reason": self.reason,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "count": self.count,
        }


@dataclass
class Batch:
    """Everything one ingest batch writes; :meth:`Store.write_batch` commits it atomically.

    The runner fills it in input order; rows are plain dicts so a batch costs
    one ``executemany`` per table.
    """

    articles: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    stories: list[dict[str, Any]] = field(default_factory=list)
    copies: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    failures: list[ReadFailure] = field(default_factory=list)

    def __len__(self) -> int:
        return (
            len(self.articles) + len(self.updates) + len(self.copies) + len(self.failures)
        )

    def add_article(
        self,
        article: Article,
        *,
        content_hash: str,
        status: str,
        reason: str = "",
        story_id: str | None = None,
        signature: bytes | None = None,
        dedup_seq: int | None = None,
    ) -> None:
        """A new article row (``status``: extracted | skipped | duplicate)."""
        self.articles.append(
            {
                "id": article.id,
                "content_hash": content_hash,
                "title": article.title or "",
                "published": _iso(article.published),
                "url": article.url,
                "path": article.path,
                "byline": article.byline,
                "source_format": article.source_format or "text",
                "text": article.text,
                "body_start": article.body_start,
                "body_end": article.body_end,
                "status": status,
                "reason": reason or "",
                "story_id": story_id,
                "signature": signature,
                "dedup_seq": dedup_seq,
                "ingested_at": _now(),
            }
        )

    def update_article(
        self,
        article_id: str,
        *,
        status: str,
        reason: str = "",
        story_id: str | None = None,
        signature: bytes | None = None,
        dedup_seq: int | None = None,
    ) -> None:
        """A stored (skipped) article re-run through the gate: its new status."""
        self.updates.append(
            {
                "id": article_id,
                "status": status,
                "reason": reason or "",
                "story_id": story_id,
                "signature": signature,
                "dedup_seq": dedup_seq,
            }
        )

    def add_story(self, article: Article) -> None:
        """A new story whose first article is ``article`` (the story takes its id)."""
        self.stories.append(
            {"id": article.id, "title": article.title or "", "published": _iso(article.published)}
        )

    def add_copy(self, article: Article, original_id: str) -> None:
        """An exact copy of a stored article read under another id: one more source."""
        self.copies.append(
            {
                "id": article.id,
                "article_id": original_id,
                "title": article.title or "",
                "published": _iso(article.published),
                "url": article.url,
                "path": article.path,
                "ingested_at": _now(),
            }
        )

    def add_events(self, article_id: str, events: Iterable[Event]) -> None:
        """The article's events, ids ``ARTICLE_ID#ORDINAL`` in the extractor's order."""
        for ordinal, ev in enumerate(events):
            self.events.append(_event_row(article_id, ordinal, ev))

    def add_failure(self, failure: ReadFailure) -> None:
        self.failures.append(failure)


def _event_row(article_id: str, ordinal: int, ev: Event) -> dict[str, Any]:
    start, end = (ev.offsets or (0, 0))[:2]
    return {
        "id": f"{article_id}#{ordinal}",
        "article_id": article_id,
        "ordinal": ordinal,
        "type": ev.type,
        "modality": ev.modality,
        "supplier": ev.supplier,
        "recipient": ev.recipient,
        "actor": ev.actor,
        "target": ev.target,
        "system": ev.system,
        "variant": ev.variant,
        "time_start": _iso(ev.time.start) if ev.time else None,
        "time_end": _iso(ev.time.end) if ev.time else None,
        "time_text": ev.time.text if ev.time else None,
        "quantity_value": ev.quantity.value if ev.quantity else None,
        "quantity_unit": ev.quantity.unit if ev.quantity else None,
        "value_amount": ev.value.amount if ev.value else None,
        "value_currency": ev.value.currency if ev.value else None,
        "source": ev.source,
        "evidence": ev.evidence or "",
        "start_offset": int(start),
        "end_offset": int(end),
        "trigger": ev.trigger,
        "confidence": float(ev.confidence),
        "extra": json.dumps(
            {k: v for k, v in (ev.extra or {}).items() if k != "id"},
            sort_keys=True,
            default=str,
        ),
    }


#: What makes two events one claim: the same deal, type, factuality and time.
CLAIM_COLUMNS = (
    "type", "modality", "supplier", "recipient", "system", "time_start", "time_end",
)  # fmt: skip


def claim_key(ev: Event) -> tuple[Any, ...]:
    """An event's claim, comparable with the rows :meth:`Lookup.story_claims` returns."""
    row = _event_row(ev.article, 0, ev)
    return tuple(row[name] for name in CLAIM_COLUMNS)


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _event_from_row(row: Mapping[str, Any]) -> Event:
    time = None
    if row["time_start"] or row["time_end"] or row["time_text"]:
        time = Interval(_day(row["time_start"]), _day(row["time_end"]), row["time_text"] or "")
    quantity = None
    if row["quantity_value"] is not None:
        quantity = Quantity(_number(row["quantity_value"]), row["quantity_unit"] or "")
    value = None
    if row["value_amount"] is not None:
        value = Money(_number(row["value_amount"]), row["value_currency"] or "")
    extra = json.loads(row["extra"] or "{}")
    extra["id"] = row["id"]
    return Event(
        article=row["article_id"],
        type=row["type"],
        modality=row["modality"],
        supplier=row["supplier"],
        recipient=row["recipient"],
        actor=row["actor"],
        target=row["target"],
        system=row["system"],
        variant=row["variant"],
        time=time,
        quantity=quantity,
        value=value,
        source=row["source"],
        evidence=row["evidence"] or "",
        offsets=(row["start_offset"], row["end_offset"]),
        trigger=row["trigger"],
        confidence=row["confidence"],
        extra=extra,
    )


def _article_from_row(row: Mapping[str, Any]) -> Article:
    return Article(
        id=row["id"],
        text=row["text"],
        published=_day(row["published"]),
        title=row["title"] or "",
        url=row["url"],
        path=row["path"],
        byline=row["byline"],
        source_format=row["source_format"] or "text",
        body_start=row["body_start"] or 0,
        body_end=row["body_end"],
    )


def _stored_from_row(row: Mapping[str, Any]) -> StoredArticle:
    return StoredArticle(
        **vars(_article_from_row(row)),
        content_hash=row["content_hash"],
        status=row["status"],
        reason=row["reason"] or "",
        story_id=row["story_id"],
        ingested_at=row["ingested_at"],
    )


def _deals_digest(deal_rows: Iterable[Mapping[str, Any]]) -> str:
    """A hash of the deals' stored documents, in order."""
    digest = hashlib.sha256()
    for row in deal_rows:
        digest.update(row["data"].encode())
    return digest.hexdigest()


def _load_build_deals() -> Any:
    """``armstrack.register.build_deals``, or ``None`` while the register is not installed."""
    try:
        from armstrack.register import build_deals  # type: ignore[attr-defined]
    except ImportError:
        try:
            from armstrack.register.deals import build_deals
        except ImportError:
            return None
    return build_deals


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the --db URL"


def _foreign(where: str, tables: set[str]) -> str:
    names = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    return f"no armstrack register here: {where} holds other tables ({names})"


def _store_error(exc: BaseException, where: str) -> StoreError:
    """A driver's or SQLAlchemy's error opening ``where`` as one line for people."""
    if isinstance(exc, exc_module.NoSuchModuleError):
        return StoreError(f"unknown database URL scheme in {where}")
    if isinstance(exc, exc_module.ArgumentError):
        return StoreError(f"not a database URL: {where} ({_one_line(exc)})")
    if isinstance(exc, ImportError):
        return StoreError(f"the database driver for {where} is not installed ({exc.name or exc})")
    if isinstance(exc, exc_module.DatabaseError) and "not a database" in _one_line(exc):
        return NotARegister(f"no armstrack register here: {where} is not a SQLite database")
    return StoreError(f"cannot open the register at {where}: {_one_line(exc)}")


def _sqlite_transactions(engine: Engine, *, readonly: bool) -> None:
    """Per-connection settings, and who begins transactions (we do, not the driver).

    pysqlite's own transaction handling begins lazily and deferred, so two writers
    can both read, then one fails to upgrade with "database is locked" at once.
    Taking transaction control lets a write transaction start ``BEGIN
    IMMEDIATE``: it waits (busy timeout) for the write lock before reading.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=60000")
        if readonly:
            cur.execute("PRAGMA query_only=ON")
        else:
            # synchronous=NORMAL under WAL keeps every commit atomic across kill -9.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("armstrack_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Store:
    """The register's database, opened for writing (ingest) or read-only (every other command).

    This is the one place the database is opened. Why each rule:

    - **Reads never write.** ``readonly=True`` (the default with ``create=False``)
      opens a SQLite file with ``mode=ro`` and runs no write ``PRAGMA``; a file
      that holds no armstrack register is refused ("no armstrack register
      here") instead of having our tables created inside it; stale deals are
      rebuilt in memory for the reader, never stored by it.
    - **Writers take turns safely.** Every write transaction on SQLite starts
      with ``BEGIN IMMEDIATE`` under a 60 s busy timeout, so two processes never
      fail with "database is locked" upgrading a read to a write; the schema is
      created inside such a transaction, so two first ingests into one new
      file cannot both create it. :meth:`ingest_lock` makes whole ingest runs
      take turns (see there).
    - **Every problem with ``--db`` is one readable** :class:`StoreError`, never a
      traceback: a folder, a missing folder, a non-database file, a foreign
      schema, an unknown URL scheme, a missing driver, an unreachable server.
    """

    def __init__(
        self,
        url_or_path: str = "armstrack.db",
        *,
        create: bool = True,
        readonly: bool | None = None,
    ) -> None:
        self.readonly = (not create) if readonly is None else readonly
        self.url = database_url(url_or_path)
        self.path = _sqlite_file(self.url)
        self.where = self.path or _redacted(self.url)
        if self.path is not None:
            _check_sqlite_path(self.path, write=not self.readonly)
        self.immutable = False
        try:
            self.engine = self._make_engine()
            try:
                self._init_schema()
            except exc_module.OperationalError as exc:
                if not self._cannot_share(exc):
                    raise
                # A WAL database in a place we may not write: SQLite cannot create its
                # shared-memory file, so no reader could open it. Nobody can write it
                # through this path either, so it is read as the unchanging file it is.
                self.engine.dispose()
                self.immutable = True
                self.engine = self._make_engine()
                self._init_schema()
        except StoreError:
            raise
        except Exception as exc:  # every driver's own error type: one readable line
            raise _store_error(exc, self.where) from exc

    # ------------------------------------------------------------------ set-up

    def _make_engine(self) -> Engine:
        if not self.url.startswith("sqlite"):
            return create_engine(self.url)
        if self.path is None:
            # One shared connection, or every checkout would see a fresh empty DB.
            engine = create_engine(
                "sqlite://",
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
            )
        else:
            path, readonly = self.path, self.readonly

            def connect() -> sqlite3.Connection:
                if readonly:
                    flags = "?immutable=1" if self.immutable else "?mode=ro"
                    uri = "file:" + urllib.parse.quote(path) + flags
                    return sqlite3.connect(uri, uri=True, timeout=60, check_same_thread=False)
                return sqlite3.connect(path, timeout=60, check_same_thread=False)

            engine = create_engine("sqlite:///" + path, creator=connect)
        _sqlite_transactions(engine, readonly=self.readonly)
        return engine

    def _cannot_share(self, exc: BaseException) -> bool:
        """Whether a read-only open failed only for want of write access beside the file."""
        if not self.readonly or self.path is None or "readonly" not in _one_line(exc):
            return False
        folder = os.path.dirname(self.path) or "."
        return not (os.access(self.path, os.W_OK) and os.access(folder, os.W_OK))

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite): all of it commits, or none."""
        if self.readonly:
            raise StoreError(f"{self.where} is open read-only")
        with self.engine.connect() as conn:
            conn.execution_options(armstrack_write=True)
            with conn.begin():
                yield conn

    def _init_schema(self) -> None:
        if self.readonly:
            self._check_register()
            return
        with self._writing() as conn:
            tables = set(inspect(conn).get_table_names())
            if tables and "meta" not in tables:
                raise NotARegister(_foreign(self.where, tables))
            s.metadata.create_all(conn)  # checks first, inside the write lock
            found = conn.execute(
                select(s.meta.c.value).where(s.meta.c.key == "schema_version")
            ).scalar()
            if found is None:
                conn.execute(
                    insert(s.meta),
                    [
                        {"key": "schema_version", "value": str(s.SCHEMA_VERSION)},
                        {"key": "deals_stale", "value": "0"},
                    ],
                )
            else:
                self._check_version(found)
        if self.path is not None:
            # WAL: readers never block the writer. Persistent, so set once, outside
            # any transaction; a concurrent opener may have set it already.
            self._use_wal()
        if self.url.startswith("sqlite"):
            self._init_search()

    def _init_search(self) -> None:
        """Create the full-text index and its triggers; fill it when the database predates it.

        Also adds the indexes that databases written before them lack.
        """
        with self._writing() as conn:
            for statement in s.LATER_INDEXES:
                conn.execute(text(statement))
            existed = conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name = :name"), {"name": s.SEARCH_TABLE}
            ).scalar()
            if existed:
                return
            for statement in (*s.SEARCH_DDL, *s.SEARCH_BACKFILL):
                conn.execute(text(statement))

    def _use_wal(self, patience: float = 60.0) -> None:
        """Switch the file to WAL unless it is already. Switching needs the database to
        itself and SQLite does not wait for that (no busy handler), so a first open racing
        other first opens retries until they are done."""
        deadline = time.monotonic() + patience
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            while True:
                try:
                    if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                        return
                    cursor.execute("PRAGMA journal_mode=WAL")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        finally:
            raw.close()

    def _check_register(self) -> None:
        """Read-only open: the database must hold an armstrack register of our version."""
        try:
            with self.engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                if "meta" not in tables:
                    raise NotARegister(_foreign(self.where, tables))
                found = conn.execute(
                    select(s.meta.c.value).where(s.meta.c.key == "schema_version")
                ).scalar()
        except exc_module.DatabaseError as exc:
            if "not a database" in str(exc.orig):
                raise NotARegister(
                    f"no armstrack register here: {self.where} is not a SQLite database"
                ) from exc
            raise
        if found is None:
            raise NotARegister(f"no armstrack register here: {self.where} has no schema version")
        self._check_version(found)

    def _check_version(self, found: str) -> None:
        if not str(found).isdigit() or int(found) != s.SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.where}: schema version {found}, this armstrack reads version "
                f"{s.SCHEMA_VERSION}"
            )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(select(s.meta.c.value).where(s.meta.c.key == "schema_version"))
                .scalar_one()
            )

    # ------------------------------------------------------------- ingest side

    def files(self) -> frozenset[str]:
        """The real paths of the database's own files (database, WAL, shared memory, lock):
        an ingest of the folder that holds them must not read them as articles."""
        if self.path is None:
            return frozenset()
        real = os.path.realpath(self.path)
        suffixes = ("", "-wal", "-shm", "-journal", LOCK_SUFFIX)
        return frozenset(real + suffix for suffix in suffixes)

    @contextlib.contextmanager
    def ingest_lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Whole ingest runs into one SQLite file take turns; readers never wait.

        Why a lock for the whole run and not only per transaction: every decision
        an ingest makes (is this text new? under which id? which story is it a
        near duplicate of, and which of its sentences are new?) reads what is
        committed. Two runs deciding side by side from the same committed state
        would both store one text as new, or both extract one story. Taking turns
        makes concurrent ingests end exactly like sequential ones. The lock is an
        advisory ``flock`` on ``DB-lock`` beside the database (never on the
        database file itself: closing any descriptor of it would drop SQLite's
        own POSIX locks); the kernel releases it when a process dies, even by
        ``kill -9``. Other databases (server URLs) rely on their transactions.
        """
        if self.path is None or fcntl is None:
            yield
            return
        lock_path = self.path + LOCK_SUFFIX
        with open(lock_path, "a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait(f"waiting for another ingest into {printable(self.path)} to finish")
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def lookup(self) -> Lookup:
        """A connection held open for the many small reads ingest makes per article."""
        return Lookup(self.engine.connect())

    def write_batch(self, batch: Batch) -> None:
        """Commit one batch in one transaction: all of it is stored, or none of it."""
        with self._writing() as conn:
            if batch.stories:
                conn.execute(insert(s.stories), batch.stories)
            if batch.articles:
                conn.execute(insert(s.articles), batch.articles)
            for row in batch.updates:
                values = {k: v for k, v in row.items() if k != "id"}
                conn.execute(update(s.articles).where(s.articles.c.id == row["id"]).values(values))
            if batch.copies:
                conn.execute(insert(s.copies), batch.copies)
            if batch.events:
                conn.execute(insert(s.events), batch.events)
            for failure in batch.failures:
                self._record_failure(conn, failure)
            if batch.events or any(u["status"] != "skipped" for u in batch.updates):
                self._set_meta(conn, "deals_stale", "1")

    @staticmethod
    def _record_failure(conn: Connection, failure: ReadFailure) -> None:
        # Update-then-insert rather than a dialect's upsert, so other databases work too.
        failure = ReadFailure(
            printable(failure.input), printable(failure.reason), printable(failure.record or "")
        )
        now = _now()
        f = s.failures.c
        key = (f.input == failure.input) & (f.record == (failure.record or "")) & (
            f.reason == failure.reason
        )
        done = conn.execute(
            update(s.failures).where(key).values(last_seen=now, count=f.count + 1)
        )
        if not done.rowcount:
            conn.execute(
                insert(s.failures).values(
                    input=failure.input,
                    record=failure.record or "",
                    reason=failure.reason,
                    first_seen=now,
                    last_seen=now,
                    count=1,
                )
            )

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        done = conn.execute(update(s.meta).where(s.meta.c.key == key).values(value=value))
        if not done.rowcount:
            conn.execute(insert(s.meta).values(key=key, value=value))

    def record_failures(self, failures: Iterable[ReadFailure]) -> None:
        """Record read failures on their own (one transaction)."""
        self.write_batch(Batch(failures=list(failures)))

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        """Stored near-duplicate signatures in the order they entered the index."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.articles.c.id, s.articles.c.signature)
                .where(s.articles.c.signature.is_not(None))
                .order_by(s.articles.c.dedup_seq, s.articles.c.id)
            )
            for row in rows:
                yield row.id, row.signature

    def max_dedup_seq(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(s.articles.c.dedup_seq))).scalar() or 0

    def iter_skipped(self, page: int = 500) -> Iterator[StoredArticle]:
        """Stored skipped articles by id, a page at a time (no long read transaction)."""
        after = ""
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(s.articles)
                    .where((s.articles.c.status == "skipped") & (s.articles.c.id > after))
                    .order_by(s.articles.c.id)
                    .limit(page)
                ).mappings().all()
            if not rows:
                return
            for row in rows:
                yield _stored_from_row(row)
            after = rows[-1]["id"]

    # ------------------------------------------------------------------- deals

    @property
    def deals_stale(self) -> bool:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(s.meta.c.value).where(s.meta.c.key == "deals_stale")
            ).scalar()
        return value == "1"

    def rebuild_deals(self) -> int | None:
        """Rebuild ``deals`` and ``deal_events`` from all events; ``None`` if no register code.

        ``Deal.events`` in the stored JSON index into :meth:`events` (all events,
        in its canonical order), as SPEC.md's ``deals[].events`` index ``events``.
        """
        built = self._built_deals()
        if built is None:
            return None
        deal_rows, link_rows = built
        with self._writing() as conn:
            conn.execute(delete(s.deal_events))
            conn.execute(delete(s.deals))
            if deal_rows:
                conn.execute(insert(s.deals), deal_rows)
            if link_rows:
                conn.execute(insert(s.deal_events), link_rows)
            self._set_meta(conn, "deals_stale", "0")
            # What readers compare to know the deals changed (a content hash, not a
            # counter, so resumed and uninterrupted runs still end with equal rows).
            self._set_meta(conn, "deals_digest", _deals_digest(deal_rows))
        return len(deal_rows)

    def deals_digest(self) -> str | None:
        """The hash :meth:`rebuild_deals` stored of the deals it built; changes when they do."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(s.meta.c.value).where(s.meta.c.key == "deals_digest")
            ).scalar()

    def _built_deals(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
        """The ``deals`` and ``deal_events`` rows ``build_deals`` makes of the stored events."""
        build_deals = _load_build_deals()
        if build_deals is None:
            return None
        events = self.events()
        ids = sorted({ev.article for ev in events})
        articles: dict[str, Article] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                rows = conn.execute(
                    select(s.articles).where(s.articles.c.id.in_(ids[i : i + 500]))
                ).mappings()
                for row in rows:
                    articles[row["id"]] = _article_from_row(row)
        built = build_deals(events, articles)
        deal_rows, link_rows = [], []
        for number, deal in enumerate(built, start=1):
            deal.id = number
            data = deal.to_json()
            key = data.get("key") or f"{deal.supplier}:{deal.recipient}:{deal.system}"
            deal_rows.append(
                {
                    "id": number,
                    "key": key,
                    "supplier": deal.supplier,
                    "recipient": deal.recipient,
                    "system": deal.system,
                    "status": deal.status,
                    "first_reported": data.get("first_reported"),
                    "last_reported": data.get("last_reported"),
                    "data": json.dumps(data, sort_keys=True, default=str),
                }
            )
            for position, index in enumerate(dict.fromkeys(deal.events)):
                link_rows.append(
                    {"deal_id": number, "event_id": events[index].extra["id"], "position": position}
                )
        return deal_rows, link_rows

    def deals(
        self,
        *,
        supplier: str | None = None,
        recipient: str | None = None,
        system: str | None = None,
        status: str | None = None,
        refresh: bool = True,
    ) -> list[Any]:
        """Stored deals (``armstrack.register.Deal``), filtered; rebuilt first when stale.

        Each deal's ``events`` index into :meth:`events`; ``id`` is the deal's number.
        """
        from armstrack.register.deals import Deal

        if refresh and self.deals_stale:
            if self.readonly:  # a reader builds them for itself and stores nothing
                rows = (self._built_deals() or ([], []))[0]
                wanted = [
                    r for r in rows
                    if (not supplier or r["supplier"].upper() == supplier.upper())
                    and (not recipient or r["recipient"].upper() == recipient.upper())
                    and (not system or r["system"].lower() == system.lower())
                    and (not status or r["status"] == status)
                ]
                return [Deal.from_json(json.loads(r["data"])) for r in wanted]
            self.rebuild_deals()

        d = s.deals.c
        query = select(s.deals.c.data).order_by(d.id)
        if supplier:
            query = query.where(func.upper(d.supplier) == supplier.upper())
        if recipient:
            query = query.where(func.upper(d.recipient) == recipient.upper())
        if system:
            query = query.where(func.lower(d.system) == system.lower())
        if status:
            query = query.where(d.status == status)
        with self.engine.connect() as conn:
            return [Deal.from_json(json.loads(data)) for data in conn.execute(query).scalars()]

    def deal_event_ids(self, deal_id: int) -> list[str]:
        """The ids of a deal's events, in the deal's order."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(s.deal_events.c.event_id)
                    .where(s.deal_events.c.deal_id == deal_id)
                    .order_by(s.deal_events.c.position)
                ).scalars()
            )

    # ----------------------------------------------------------------- queries

    def articles(
        self,
        *,
        status: str | None = None,
        story_id: str | None = None,
        ids: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> Iterator[StoredArticle]:
        """Stored articles by id, optionally filtered; streamed, not loaded at once."""
        a = s.articles.c
        query = select(s.articles).order_by(a.id)
        if status:
            query = query.where(a.status == status)
        if story_id:
            query = query.where(a.story_id == story_id)
        if ids is not None:
            query = query.where(a.id.in_(list(ids)))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            for row in conn.execute(query).mappings():
                yield _stored_from_row(row)

    def article(self, article_id: str) -> StoredArticle | None:
        return next(self.articles(ids=[article_id]), None)

    def story_sources(self, story_id: str) -> list[dict[str, Any]]:
        """Every source of a story: its articles and their exact copies, oldest first."""
        with self.engine.connect() as conn:
            a, c = s.articles.c, s.copies.c
            rows = conn.execute(
                select(a.id, a.title, a.published, a.url, a.path).where(a.story_id == story_id)
            ).mappings().all()
            ids = [r["id"] for r in rows]
            copy_rows = conn.execute(
                select(c.id, c.title, c.published, c.url, c.path).where(c.article_id.in_(ids))
            ).mappings().all() if ids else []
        sources = [dict(r) for r in [*rows, *copy_rows]]
        return sorted(sources, key=lambda r: (r["published"] or "", r["id"]))

    def events(self, article_id: str | None = None) -> list[Event]:
        """Events by article id and ordinal; ``extra["id"]`` holds the event's id."""
        e = s.events.c
        query = select(s.events).order_by(e.article_id, e.ordinal)
        if article_id is not None:
            query = query.where(e.article_id == article_id)
        with self.engine.connect() as conn:
            return [_event_from_row(row) for row in conn.execute(query).mappings()]

    def failures(self) -> list[FailureRecord]:
        """Every recorded read failure, by input and record."""
        f = s.failures.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.failures).order_by(f.input, f.record, f.reason))
            return [
                FailureRecord(
                    input=r.input,
                    record=r.record or None,
                    reason=r.reason,
                    first_seen=r.first_seen,
                    last_seen=r.last_seen,
                    count=r.count,
                )
                for r in rows
            ]

    def counts(self) -> dict[str, int]:
        """What ``armstrack status`` prints: how much the register holds."""
        a = s.articles.c
        with self.engine.connect() as conn:
            by_status = {
                status: n
                for status, n in conn.execute(select(a.status, func.count()).group_by(a.status))
            }

            def n(table: Any) -> int:
                return conn.execute(select(func.count()).select_from(table)).scalar_one()

            copies = n(s.copies)
            return {
                "articles": sum(by_status.values()),
                "extracted": by_status.get("extracted", 0),
                "skipped": by_status.get("skipped", 0),
                "duplicates": by_status.get("duplicate", 0) + copies,
                "failed": n(s.failures),
                "stories": n(s.stories),
                "events": n(s.events),
                "deals": n(s.deals),
            }

    def canonical_dump(self) -> list[str]:
        """Every table's rows as sorted text lines, without the when-columns.

        Two databases with equal dumps hold the same register; this is how the
        kill-and-resume guarantee is tested.
        """
        lines: list[str] = []
        with self.engine.connect() as conn:
            for table in s.metadata.sorted_tables:
                skip = VOLATILE_COLUMNS.get(table.name, set())
                cols = [c for c in table.columns if c.name not in skip]
                rows = [tuple(row) for row in conn.execute(select(*cols))]
                rendered = sorted(
                    json.dumps(
                        [v.hex() if isinstance(v, bytes) else v for v in row], default=str
                    )
                    for row in rows
                )
                lines.extend(f"{table.name}\t{r}" for r in rendered)
        return lines


class Lookup:
    """Point reads ingest makes per article, on one connection held for the run."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Lookup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _one(self, query: Any) -> Any:
        value = self.conn.execute(query).scalar()
        # End the implicit read transaction so the WAL can checkpoint past it.
        self.conn.rollback()
        return value

    def id_for_hash(self, content_hash: str) -> str | None:
        """The stored article with this exact text, if any."""
        return self._one(select(s.articles.c.id).where(s.articles.c.content_hash == content_hash))

    def id_taken(self, article_id: str) -> bool:
        """Whether an article (or an exact copy) is stored under this id."""
        if self._one(select(s.articles.c.id).where(s.articles.c.id == article_id)):
            return True
        return bool(self._one(select(s.copies.c.id).where(s.copies.c.id == article_id)))

    def copy_of(self, article_id: str) -> str | None:
        """The article an exact copy stored under ``article_id`` points to."""
        return self._one(select(s.copies.c.article_id).where(s.copies.c.id == article_id))

    def story_claims(self, story_id: str) -> set[tuple[Any, ...]]:
        """The claims (:func:`claim_key`) the story's stored articles' events make."""
        e, a = s.events.c, s.articles.c
        rows = self.conn.execute(
            select(*(e[name] for name in CLAIM_COLUMNS))
            .select_from(s.events.join(s.articles, a.id == e.article_id))
            .where(a.story_id == story_id)
        ).all()
        self.conn.rollback()
        return {tuple(row) for row in rows}

    def story_of(self, article_id: str) -> str | None:
        return self._one(select(s.articles.c.story_id).where(s.articles.c.id == article_id))
