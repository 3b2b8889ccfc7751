"""``ingest``: inputs -> read -> dedup -> relevance gate -> near-dup -> extractor -> store.

The order of the checks is the order of their cost: hashing a text is nearly
free, the gate is one pass of a compiled automaton, a MinHash signature costs a
little more, and the language pipeline costs everything. A wire-service day is
mostly irrelevant, so most articles never reach spaCy.

Guarantees, and how they are kept:

- **Flat memory.** Inputs stream item by item; items are grouped into batches
  of at most ``batch_size`` relevant articles (and at most ``max_items`` items
  of any kind); at most ``2 x workers`` batches are in flight. Nothing holds
  the whole input.
- **Nothing lost, nothing doubled.** Every decision (is this text stored? under
  which id? which story?) depends only on what is committed plus what earlier,
  still uncommitted batches of this run decided; batches commit strictly in
  input order, one transaction each. A run killed at any point and run again
  therefore redoes exactly the uncommitted batches, with the same decisions.
- **Workers.** ``workers > 1`` starts a process pool (spawned, each worker
  builds its own ``Extractor(nlp_batch_size, n_process=1)`` once) as soon as the
  first full batch of relevant articles is ready, and sends it whole batches;
  reading, gating and committing stay in this process. Inputs too small to
  fill one batch never pay for starting workers. (Spawned workers re-import
  the main module: a script calling :func:`ingest` with ``workers > 1`` needs
  the usual ``if __name__ == "__main__":`` guard; the CLI has it.)

Policies (see also :mod:`armstrack.store.schema`):

- an exact copy of a stored text under the same id changes nothing; under
  another id it is recorded as a *copy* (one more source of that story);
- a different text under a stored id is stored as ``ID~2`` (``~3``...): a
  corrected or updated version is news too, and the near-duplicate check then
  usually files it under the original's story;
- a near duplicate of an earlier relevant article is stored with status
  ``duplicate`` in that article's story and is not extracted again: a claim
  repeated by twenty outlets is one claim with twenty sources;
- an article the gate rejects is stored with status ``skipped`` and the gate's
  reason, text included, so ``--rerun-skipped`` can re-gate it later (after
  the knowledge base grew) without the original input.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from armstrack.model import Article, Event, ReadFailure
from armstrack.store import Batch, Store, claim_key

__all__ = ["Components", "IngestOptions", "IngestSummary", "default_components", "ingest"]


@dataclass
class IngestOptions:
    """How one ingest run behaves (the ``armstrack ingest`` flags)."""

    batch_size: int = 64  # relevant articles per extractor call and per transaction
    #: ``nlp.pipe`` batch inside the extractor. Smaller than ``batch_size`` on purpose:
    #: spaCy's peak memory grows with the docs parsed at once (about 250 MB per
    #: process at 8 news articles, 750 MB at 64), and there is one parser per worker.
    nlp_batch_size: int = 16
    workers: int | None = None  # None: the number of cores
    published: date | None = None  # fallback publication date (--published)
    max_bytes: int | None = None  # size cap per file/record (--max-bytes); None: the reader's
    rerun_skipped: bool = False  # re-gate stored skipped articles first
    quiet: bool = False
    progress: bool | None = None  # None: when stderr is a terminal and not quiet
    limit: int | None = None  # only the first N items read (benchmarks)
    max_items: int | None = None  # items of any kind per batch; None: 32 x batch_size
    # Per-input limits (see docs/reliability.md); None: the reader's defaults.
    max_chars: int | None = None  # characters per article (--max-chars)
    max_records: int | None = None  # lines or records read from one input (--max-records)
    max_seconds: float | None = None  # seconds spent reading one input (--max-seconds)

    @property
    def n_workers(self) -> int:
        return max(1, self.workers or os.cpu_count() or 1)


@dataclass
class IngestSummary:
    """What one run did; ``line()`` is the summary printed at the end."""

    read: int = 0  # articles read from the inputs
    stored: int = 0  # new article rows
    extracted: int = 0  # articles run through the extractor
    skipped: int = 0  # stored as skipped by the gate
    duplicates: int = 0  # near duplicates and exact copies under another id
    unchanged: int = 0  # already stored, nothing to do
    rerun: int = 0  # stored skipped articles re-gated
    failed: int = 0  # read failures
    events: int = 0
    batches: int = 0
    deals: int | None = None  # after the final rebuild; None without the register
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list, repr=False)

    @property
    def exit_code(self) -> int:
        """1 when any input failed (the run still went on), else 0."""
        return 1 if self.failed else 0

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        parts = [
            f"{self.read} articles read in {self.seconds:.1f}s ({self.rate:.0f}/s)",
            f"{self.stored} new",
            f"{self.extracted} extracted ({self.events} events)",
            f"{self.skipped} skipped",
            f"{self.duplicates} duplicates",
            f"{self.unchanged} unchanged",
        ]
        if self.rerun:
            parts.append(f"{self.rerun} re-gated")
        parts.append(f"{self.failed} failed")
        if self.deals is not None:
            parts.append(f"{self.deals} deals in the register")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("failures")
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass
class Components:
    """The stages ingest plugs together; tests and benchmarks swap any of them.

    ``extractor`` is called as ``extractor(batch_size, n_process)`` and must be
    picklable by reference (a module-level class or function) for ``workers > 1``.
    """

    read_inputs: Callable[[Sequence[str], Any], Iterable[Article | ReadFailure]]
    read_options: Callable[..., Any]
    gate: Any  # .check(article) -> GateDecision(relevant, reason, hits)
    content_hash: Callable[[str], str]
    #: NearDuplicateIndex: ``signature(text) -> bytes``; ``add_signature(key, sig)`` returns
    #: the earliest indexed near duplicate's key (and indexes ``key`` only if there is none).
    near_index: Any
    extractor: Callable[[int, int], Any]


def default_components() -> Components:
    """The real stages: ``armstrack.ingest`` readers, gate and dedup, ``armstrack.pipeline``."""
    from armstrack.ingest import (
        NearDuplicateIndex,
        ReadOptions,
        RelevanceGate,
        content_hash,
        read_inputs,
    )
    from armstrack.pipeline import Extractor

    return Components(
        read_inputs=read_inputs,
        read_options=ReadOptions,
        gate=RelevanceGate(),
        content_hash=content_hash,
        near_index=NearDuplicateIndex(),
        extractor=Extractor,
    )


def ingest(
    paths: Sequence[str],
    store: Store,
    options: IngestOptions | None = None,
    *,
    components: Components | None = None,
    err: IO[str] | None = None,
) -> IngestSummary:
    """Ingest ``paths`` (files, folders, ``-``) into ``store``; see the module docstring.

    Read failures print one ``error: INPUT (record): reason`` line each on
    ``err`` (stderr) as they happen and are recorded in the store; the run goes
    on. Deals are rebuilt once at the end.
    """
    opts = options or IngestOptions()
    return _Run(store, opts, components or default_components(), err or sys.stderr).execute(paths)


# --------------------------------------------------------------------- workers

_WORKER_EXTRACTOR: Any = None


def _init_worker(factory: Callable[[int, int], Any], batch_size: int) -> None:
    """Pool initializer: one extractor (one spaCy model) per worker process, built once."""
    global _WORKER_EXTRACTOR
    _WORKER_EXTRACTOR = factory(batch_size, 1)


def _extract_in_worker(articles: list[Article]) -> list[list[Event] | str]:
    return _events_of(_WORKER_EXTRACTOR, articles)


def _events_of(extractor: Any, articles: list[Article]) -> list[list[Event] | str]:
    """The extractor's events per article (or why it failed on it), checked to come back in
    input order. An article the rules fail on is recorded as a failure; the batch goes on:
    a batch that raises is re-run one article at a time, so only the culprit fails."""
    try:
        return _batch_events(extractor, articles)
    except Exception as exc:
        if len(articles) == 1:
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            return [f"extraction failed: {detail}"]
        return [_events_of(extractor, [article])[0] for article in articles]


def _batch_events(extractor: Any, articles: list[Article]) -> list[list[Event] | str]:
    results = extractor.process_safe(articles) if hasattr(extractor, "process_safe") \
        else extractor.process(articles)
    out: list[list[Event] | str] = []
    for expected, (article, events) in zip(articles, results, strict=True):
        if article.id != expected.id:
            raise RuntimeError(f"extractor returned {article.id!r} where {expected.id!r} was due")
        out.append(events if isinstance(events, str) else list(events))
    return out


def only_new_claims(events: list[Event], known: set[tuple[Any, ...]]) -> list[Event]:
    """The events of a near duplicate that make a claim its story has not made yet.

    Why claims and not sentences: versions of a story edit sentences ("on Monday"
    -> "on Monday evening") without changing what they claim, and ``build_deals``
    puts every event on the deal's timeline, so a repeated claim would show twice;
    an update that adds a delivery, or changes a contract into a delivery, makes a
    new claim and is kept.
    """
    return [ev for ev in events if claim_key(ev) not in known]


# ------------------------------------------------------------------------- run


@dataclass
class _Chunk:
    """One batch in the making: its rows, the articles to extract, what it reserved."""

    batch: Batch = field(default_factory=Batch)
    relevant: list[Article] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    full: bool = False  # closed because it was full (so more input follows)
    events: list[list[Event] | str] | None = None
    future: Any = None
    #: near duplicates among ``relevant``: article id -> its story
    near: dict[str, str] = field(default_factory=dict)


class _Run:
    def __init__(self, store: Store, opts: IngestOptions, comp: Components, err: IO[str]):
        self.store, self.opts, self.comp, self.err = store, opts, comp, err
        self.summary = IngestSummary()
        self.max_items = opts.max_items or 32 * opts.batch_size
        # Decisions of batches not committed yet (the store answers for the rest).
        self.pending_hashes: dict[str, str] = {}
        self.pending_ids: set[str] = set()
        self.pending_story: dict[str, str] = {}
        self.seq = 0
        self.local_extractor: Any = None
        self.pool: Any = None
        self.progress: Any = None
        self.task: Any = None
        self.started = 0.0

    # -------------------------------------------------------------- plumbing

    def execute(self, paths: Sequence[str]) -> IngestSummary:
        self.started = time.perf_counter()
        show = self.opts.progress
        if show is None:
            show = not self.opts.quiet and _isatty(self.err)
        with contextlib.ExitStack() as stack:
            # Before anything is read: every decision below depends on what is committed.
            stack.enter_context(self.store.ingest_lock(on_wait=self._say))
            for key, signature in self.store.signatures():
                self.comp.near_index.add_signature(key, signature)
            self.seq = self.store.max_dedup_seq()
            self.lookup = stack.enter_context(self.store.lookup())
            if show:
                self._start_progress(stack)
            stack.callback(self._stop_pool)
            self._pipeline(paths)
            self._stop_pool(wait=True)
            self.summary.deals = self.store.rebuild_deals() if self.store.deals_stale else (
                self.store.counts()["deals"] if _has_register() else None
            )
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary

    def _items(self, paths: Sequence[str]) -> Iterator[tuple[bool, Article | ReadFailure]]:
        """(is_rerun, item): stored skipped articles first (if asked), then the inputs."""
        if self.opts.rerun_skipped:
            for article in self.store.iter_skipped():
                yield True, article
        if not paths:
            return
        kwargs: dict[str, Any] = {"published": self.opts.published}
        for limit in ("max_bytes", "max_chars", "max_records", "max_seconds"):
            if getattr(self.opts, limit) is not None:
                kwargs[limit] = getattr(self.opts, limit)
        if own_files := self.store.files():
            kwargs["exclude"] = own_files
        items: Iterable[Article | ReadFailure] = self.comp.read_inputs(
            list(paths), self.comp.read_options(**kwargs)
        )
        if self.opts.limit is not None:
            items = itertools.islice(items, self.opts.limit)
        for item in items:
            yield False, item

    def _pipeline(self, paths: Sequence[str]) -> None:
        inflight: deque[_Chunk] = deque()
        limit = 2 * self.opts.n_workers
        for chunk in self._chunks(self._items(paths)):
            if chunk.relevant:
                if self.pool is None and self.opts.n_workers > 1 and chunk.full:
                    self._start_pool()
                if self.pool is not None:
                    chunk.future = self.pool.apply_async(_extract_in_worker, (chunk.relevant,))
                else:
                    chunk.events = _events_of(self._extractor(), chunk.relevant)
            inflight.append(chunk)
            while inflight and (len(inflight) > limit or _ready(inflight[0])):
                self._commit(inflight.popleft())
        while inflight:
            self._commit(inflight.popleft())

    def _extractor(self) -> Any:
        if self.local_extractor is None:
            self.local_extractor = self.comp.extractor(self._nlp_batch, 1)
        return self.local_extractor

    @property
    def _nlp_batch(self) -> int:
        return max(1, min(self.opts.nlp_batch_size, self.opts.batch_size))

    def _start_pool(self) -> None:
        import multiprocessing

        # spawn, not fork: this process may hold threads (the progress bar) and
        # open database connections, neither of which survives a fork safely.
        ctx = multiprocessing.get_context("spawn")
        self.pool = ctx.Pool(
            self.opts.n_workers,
            initializer=_init_worker,
            initargs=(self.comp.extractor, self._nlp_batch),
        )

    def _stop_pool(self, wait: bool = False) -> None:
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        if wait:
            pool.close()
        else:
            pool.terminate()
        pool.join()

    # ------------------------------------------------------------- decisions

    def _chunks(self, items: Iterable[tuple[bool, Article | ReadFailure]]) -> Iterator[_Chunk]:
        chunk = _Chunk()
        for n, (is_rerun, item) in enumerate(items, start=1):
            if isinstance(item, ReadFailure):
                self._failure(chunk, item)
            elif is_rerun:
                self._rerun(chunk, item)
            else:
                self._article(chunk, item)
            if n % 256 == 0:
                self._tick()
            if len(chunk.relevant) >= self.opts.batch_size or len(chunk.batch) >= self.max_items:
                chunk.full = True
                yield chunk
                chunk = _Chunk()
        if len(chunk.batch):
            yield chunk

    def _failure(self, chunk: _Chunk, failure: ReadFailure) -> None:
        self._say(f"error: {failure.describe()}")
        chunk.batch.add_failure(failure)
        self.summary.failed += 1

    def _say(self, line: str) -> None:
        """One line on stderr (above the progress bar when there is one)."""
        if self.progress is not None:
            self.progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.err, flush=True)

    def _item_failed(self, chunk: _Chunk, article: Article, exc: Exception) -> None:
        """The per-article guard's verdict: this article could not be processed; the run
        goes on. Why a guard at all: a bug any one text can trigger (in the gate, the
        hashing, the parser) must cost that text, never the batch or the run."""
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        where = ReadFailure(article.path or article.id, "", f"article {article.id}")
        self._failure(chunk, dataclasses.replace(where, reason=f"could not be processed: {detail}"))

    def _article(self, chunk: _Chunk, article: Article) -> None:
        self.summary.read += 1
        try:
            article = article.sanitized()
            digest = self.comp.content_hash(article.text)
        except Exception as exc:
            self._item_failed(chunk, article, exc)
            return
        holder = self.pending_hashes.get(digest) or self.lookup.id_for_hash(digest)
        if holder is not None:
            self._known_text(chunk, article, holder)
            return
        try:  # all the per-article work that can fail, before any decision is recorded
            decision = self.comp.gate.check(article)
            signature = self.comp.near_index.signature(article.text) if decision.relevant else b""
        except Exception as exc:
            self._item_failed(chunk, article, exc)
            return
        article_id = self._free_id(article.id)
        if article_id != article.id:
            article = dataclasses.replace(article, id=article_id)
        self.pending_hashes[digest] = article_id
        self.pending_ids.add(article_id)
        chunk.hashes.append(digest)
        chunk.ids.append(article_id)
        self.summary.stored += 1
        if not decision.relevant:
            chunk.batch.add_article(
                article, content_hash=digest, status="skipped", reason=decision.reason
            )
            self.summary.skipped += 1
            return
        self._relevant(chunk, article, digest, decision.reason, signature, new=True)

    def _known_text(self, chunk: _Chunk, article: Article, holder: str) -> None:
        """A text already stored (or pending) under ``holder``."""
        if holder == article.id or holder.startswith(article.id + "~"):
            self.summary.unchanged += 1
            return
        if article.id in self.pending_ids or self.lookup.copy_of(article.id) == holder:
            self.summary.unchanged += 1
            return
        if self.lookup.id_taken(article.id):
            # The id names other stored content, and this text is stored already:
            # nothing new to keep.
            self.summary.unchanged += 1
            return
        chunk.batch.add_copy(article, holder)
        self.pending_ids.add(article.id)
        chunk.ids.append(article.id)
        self.summary.duplicates += 1

    def _free_id(self, article_id: str) -> str:
        """``article_id``, or ``ID~2``, ``ID~3``... when other content holds it."""
        candidate, n = article_id, 1
        while candidate in self.pending_ids or self.lookup.id_taken(candidate):
            n += 1
            candidate = f"{article_id}~{n}"
        return candidate

    def _rerun(self, chunk: _Chunk, article: Article) -> None:
        self.summary.rerun += 1
        try:
            decision = self.comp.gate.check(article)
            signature = self.comp.near_index.signature(article.text) if decision.relevant else b""
        except Exception as exc:
            self._item_failed(chunk, article, exc)
            return
        if decision.relevant:
            self._relevant(chunk, article, None, decision.reason, signature, new=False)
        elif getattr(article, "reason", None) != decision.reason:
            chunk.batch.update_article(article.id, status="skipped", reason=decision.reason)
            chunk.ids.append(article.id)

    def _relevant(
        self,
        chunk: _Chunk,
        article: Article,
        digest: str | None,
        reason: str,
        signature: bytes,
        *,
        new: bool,
    ) -> None:
        # One MinHash per article: the stored signature is also what is looked up.
        match = self.comp.near_index.add_signature(article.id, signature)
        self.seq += 1
        if match is not None and match != article.id:
            story = self.pending_story.get(match) or self.lookup.story_of(match) or match
            status, why = "duplicate", f"near duplicate of {match}"
            self.summary.duplicates += 1
            # One more source of the story, but what it adds (an updated story's new
            # sentence) must still be read: it is extracted, and at commit only its claims
            # that the story's earlier articles did not make are kept (only_new_claims).
            chunk.near[article.id] = story
            chunk.relevant.append(article)
        else:
            story, status, why = article.id, "extracted", reason
            chunk.batch.add_story(article)
            chunk.relevant.append(article)
            self.summary.extracted += 1
        self.pending_story[article.id] = story
        chunk.ids.append(article.id)
        fields = {
            "status": status,
            "reason": why,
            "story_id": story,
            "signature": signature,
            "dedup_seq": self.seq,
        }
        if new:
            assert digest is not None
            chunk.batch.add_article(article, content_hash=digest, **fields)
        else:
            chunk.batch.update_article(article.id, **fields)

    # ---------------------------------------------------------------- commit

    def _commit(self, chunk: _Chunk) -> None:
        if chunk.future is not None:
            chunk.events = chunk.future.get()
        # Claims per story made by this batch's earlier articles (earlier batches are
        # committed by now: they commit in input order).
        made: dict[str, set[tuple[Any, ...]]] = {}
        for article, events in zip(chunk.relevant, chunk.events or [], strict=True):
            if isinstance(events, str):  # stored all the same; the failure says why no events
                self._failure(chunk, ReadFailure(article.path or article.id, events, article.id))
                continue
            story = chunk.near.get(article.id, article.id)
            if article.id in chunk.near:
                known = made.get(story, set()) | self.lookup.story_claims(story)
                events = only_new_claims(events, known)
            made.setdefault(story, set()).update(claim_key(ev) for ev in events)
            chunk.batch.add_events(article.id, events)
            self.summary.events += len(events)
        self.store.write_batch(chunk.batch)
        self.summary.batches += 1
        for digest in chunk.hashes:
            self.pending_hashes.pop(digest, None)
        for article_id in chunk.ids:
            self.pending_ids.discard(article_id)
            self.pending_story.pop(article_id, None)
        self._tick()

    # -------------------------------------------------------------- progress

    def _start_progress(self, stack: contextlib.ExitStack) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=self.err)
        self.progress = stack.enter_context(
            Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
        )
        self.task = self.progress.add_task("ingesting", total=None)

    def _tick(self) -> None:
        if self.progress is None:
            return
        s = self.summary
        elapsed = time.perf_counter() - self.started
        rate = s.read / elapsed if elapsed > 0 else 0.0
        self.progress.update(
            self.task,
            description=(
                f"{s.read} articles ({rate:.0f}/s) · {s.extracted} relevant · "
                f"{s.skipped} skipped · {s.duplicates} duplicates · {s.failed} failed · "
                f"{s.batches} batches committed"
            ),
        )


def _ready(chunk: _Chunk) -> bool:
    return chunk.future is None or chunk.future.ready()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _has_register() -> bool:
    try:
        from armstrack.register import build_deals  # noqa: F401
    except ImportError:
        return False
    return True
