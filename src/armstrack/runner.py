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
- **Workers.** Extraction runs through an ``armstrack.execution`` executor:
  in this process for one worker, a pool of spawned processes for ``workers > 1``
  (started by the first full batch of relevant articles, so inputs too small to
  fill one never pay for it), or Dask workers (``armstrack.cluster``). Reading,
  deciding and committing stay in this process, which is the only writer; results
  are committed in batch order whatever order they finish in.
- **Scans.** What ingest learns about an article before deciding (content hash,
  gate verdict, MinHash signature) is a :class:`Scan`; locally it is computed
  here, on a cluster the workers compute it and send it with the article, and
  the decisions are the same code either way.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from armstrack.execution import Executor, Inline, OrderedWindow, local_executor
from armstrack.model import Article, Event, ReadFailure
from armstrack.store import Batch, Store, claim_key

__all__ = [
    "Components",
    "IngestOptions",
    "IngestSummary",
    "Scan",
    "default_components",
    "ingest",
    "scan_article",
]


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
    #: Dask scheduler (``tcp://HOST:8786``, ``local``, ``local:N``): scans and extraction
    #: on its workers (``armstrack.cluster``); None: this machine.
    scheduler: str | None = None
    #: Seconds between plain progress lines on stderr when there is no progress bar
    #: (a cluster run's log); None: no such lines.
    progress_every: float | None = None

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

    ``extractor`` is called as ``extractor(nlp_batch_size)`` and must be
    picklable by reference (a module-level class or function) for ``workers > 1``
    and for a cluster.
    """

    read_inputs: Callable[[Sequence[str], Any], Iterable[Article | ReadFailure]]
    read_options: Callable[..., Any]
    gate: Any  # .check(article) -> GateDecision(relevant, reason, hits)
    content_hash: Callable[[str], str]
    #: NearDuplicateIndex: ``signature(text) -> bytes``; ``add_signature(key, sig)`` returns
    #: the earliest indexed near duplicate's key (and indexes ``key`` only if there is none).
    near_index: Any
    extractor: Callable[[int], Any]


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
    if opts.scheduler:
        from armstrack.cluster import ingest_on_cluster

        return ingest_on_cluster(paths, store, opts, opts.scheduler, components=components,
                                 err=err or sys.stderr)
    return _Run(store, opts, components or default_components(), err or sys.stderr).execute(paths)


# ----------------------------------------------------------------------- scans


@dataclass
class Scan:
    """An article (sanitized) with what ingest computes about it before deciding.

    A cluster's workers compute it in phase one and send it with the article, so
    the client only decides; a local run computes the same lazily (no gate for
    a text already stored). ``error``: why the article could not be scanned.
    """

    article: Article
    digest: str = ""
    decision: Any = None  # the gate's GateDecision
    signature: bytes = b""  # MinHash signature; b"" when the gate rejects the article
    error: str | None = None


def scan_article(article: Article, comp: Components) -> Scan:
    """Everything cheap about ``article`` at once; the per-article guard included."""
    try:
        article = article.sanitized()
        digest = comp.content_hash(article.text)
        decision, signature = _gate_and_signature(article, comp)
    except Exception as exc:
        return Scan(article, error=_detail(exc))
    return Scan(article, digest, decision, signature)


def _gate_and_signature(article: Article, comp: Components) -> tuple[Any, bytes]:
    decision = comp.gate.check(article)
    return decision, comp.near_index.signature(article.text) if decision.relevant else b""


def _detail(exc: BaseException) -> str:
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


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
    #: near duplicates among ``relevant``: article id -> its story
    near: dict[str, str] = field(default_factory=dict)


#: (is a stored skipped article re-gated, item); a ``Scan`` is an article scanned elsewhere.
Item = tuple[bool, "Article | Scan | ReadFailure"]


class _Run:
    def __init__(self, store: Store, opts: IngestOptions, comp: Components, err: IO[str],
                 executor: Executor | None = None):
        self.store, self.opts, self.comp, self.err = store, opts, comp, err
        #: where extraction runs; None: chosen from ``opts.workers`` by the first batch
        self.executor = executor
        self.summary = IngestSummary()
        self.max_items = opts.max_items or 32 * opts.batch_size
        # Decisions of batches not committed yet (the store answers for the rest).
        self.pending_hashes: dict[str, str] = {}
        self.pending_ids: set[str] = set()
        self.pending_story: dict[str, str] = {}
        self.seq = 0
        self.written = 0  # article rows committed
        self.passed = 0  # articles the gate let through
        self.last_line = 0.0
        self.progress: Any = None
        self.task: Any = None
        self.started = 0.0

    # -------------------------------------------------------------- plumbing

    def execute(self, paths: Sequence[str], items: Iterable[Item] | None = None) -> IngestSummary:
        """Run over ``paths`` (read here) or ``items`` read elsewhere (a cluster's scans)."""
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
            stack.callback(self._close_executor, False)
            stream = self._items(paths) if items is None else itertools.chain(
                self._rerun_items(), items)
            self._pipeline(stream)
            self._close_executor(True)
            self.summary.deals = self.store.rebuild_deals() if self.store.deals_stale else (
                self.store.counts()["deals"] if _has_register() else None
            )
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary

    def _rerun_items(self) -> Iterator[Item]:
        if self.opts.rerun_skipped:
            for article in self.store.iter_skipped():
                yield True, article

    def read_kwargs(self) -> dict[str, Any]:
        """The reader's options for this run (a cluster sends them to its workers)."""
        kwargs: dict[str, Any] = {"published": self.opts.published}
        for limit in ("max_bytes", "max_chars", "max_records", "max_seconds"):
            if getattr(self.opts, limit) is not None:
                kwargs[limit] = getattr(self.opts, limit)
        if own_files := self.store.files():
            kwargs["exclude"] = own_files
        return kwargs

    def _items(self, paths: Sequence[str]) -> Iterator[Item]:
        """(is_rerun, item): stored skipped articles first (if asked), then the inputs."""
        yield from self._rerun_items()
        if not paths:
            return
        items: Iterable[Article | ReadFailure] = self.comp.read_inputs(
            list(paths), self.comp.read_options(**self.read_kwargs())
        )
        if self.opts.limit is not None:
            items = itertools.islice(items, self.opts.limit)
        for item in items:
            yield False, item

    def _pipeline(self, items: Iterable[Item]) -> None:
        window: OrderedWindow[_Chunk] = OrderedWindow(2 * self.opts.n_workers)
        for chunk in self._chunks(items):
            handle = None
            if chunk.relevant:
                executor = self._executor(chunk.full)
                handle = executor.submit(chunk.relevant)
                window.limit = max(window.limit, executor.slots)
            window.put(chunk, handle)
            for done, events in window.ready():
                self._commit(done, events)
        for done, events in window.drain():
            self._commit(done, events)

    def _executor(self, full: bool) -> Executor:
        """The executor; worker processes only once a full batch shows the input needs them."""
        if self.executor is None or (full and isinstance(self.executor, Inline)
                                     and self.opts.n_workers > 1):
            workers = self.opts.n_workers if full else 1
            self.executor = local_executor(self.comp.extractor, self._nlp_batch, workers)
        return self.executor

    @property
    def _nlp_batch(self) -> int:
        return max(1, min(self.opts.nlp_batch_size, self.opts.batch_size))

    def _close_executor(self, wait: bool) -> None:
        if self.executor is not None:
            self.executor.close(wait=wait)

    # ------------------------------------------------------------- decisions

    def _chunks(self, items: Iterable[Item]) -> Iterator[_Chunk]:
        chunk = _Chunk()
        for n, (is_rerun, item) in enumerate(items, start=1):
            if isinstance(item, ReadFailure):
                self._failure(chunk, item)
            elif is_rerun:
                self._rerun(chunk, item if isinstance(item, Article) else item.article)
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
        self._say_failed(chunk, article, _detail(exc))

    def _say_failed(self, chunk: _Chunk, article: Article, detail: str) -> None:
        where = ReadFailure(article.path or article.id, "", f"article {article.id}")
        self._failure(chunk, dataclasses.replace(where, reason=f"could not be processed: {detail}"))

    def _article(self, chunk: _Chunk, item: Article | Scan) -> None:
        """One article read here (scanned as far as needed, lazily) or scanned elsewhere."""
        self.summary.read += 1
        if isinstance(item, Scan) and item.error is not None:
            self._say_failed(chunk, item.article, item.error)
            return
        article = item.article if isinstance(item, Scan) else item
        try:
            if not isinstance(item, Scan):
                article = article.sanitized()
            digest = item.digest if isinstance(item, Scan) else self.comp.content_hash(article.text)
        except Exception as exc:
            self._item_failed(chunk, article, exc)
            return
        holder = self.pending_hashes.get(digest) or self.lookup.id_for_hash(digest)
        if holder is not None:
            self._known_text(chunk, article, holder)
            return
        if isinstance(item, Scan):
            decision, signature = item.decision, item.signature
        else:
            try:  # all the per-article work that can fail, before any decision is recorded
                decision, signature = _gate_and_signature(article, self.comp)
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
            decision, signature = _gate_and_signature(article, self.comp)
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
        self.passed += 1
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

    def _commit(self, chunk: _Chunk, results: list[list[Event] | str] | None) -> None:
        # Claims per story made by this batch's earlier articles (earlier batches are
        # committed by now: they commit in input order).
        made: dict[str, set[tuple[Any, ...]]] = {}
        for article, events in zip(chunk.relevant, results or [], strict=True):
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
        self.written += len(set(chunk.ids))
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
        now = time.perf_counter()
        every = self.opts.progress_every
        if self.progress is None and (every is None or now - self.last_line < every):
            return
        s = self.summary
        elapsed = now - self.started
        rate = s.read / elapsed if elapsed > 0 else 0.0
        line = (f"{s.read} articles read ({rate:.0f}/s) · {self.passed} "
                f"passed the gate · {s.extracted} extracted · {self.written} written · "
                f"{s.skipped} skipped · {s.duplicates} duplicates · {s.failed} failed · "
                f"{s.batches} batches committed")
        if self.progress is not None:
            self.progress.update(self.task, description=line)
        else:
            self.last_line = now
            self._say(line)


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
