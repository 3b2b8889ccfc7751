"""Where extraction runs: in this process, in local worker processes, or on a Dask cluster.

Every run that extracts (``ingest`` into the store, ``extract`` to JSON on
stdout, ``ingest --scheduler`` on a cluster) sends *batches of articles* to an
executor and takes the results back *in submission order* through an
:class:`OrderedWindow`; only what happens to the results (the sink) differs.
So parallelism lives here and nowhere else:

- :class:`Inline`: this process, one extractor built on first use;
- :class:`LocalProcesses`: a pool of spawned processes, each building its
  extractor once (spawn, not fork: the caller may hold threads and database
  connections, neither of which survives a fork);
- :class:`DaskExecutor` (``armstrack.cluster``): tasks on Dask workers.

An extractor is built by a *factory* called as ``factory(nlp_batch_size)``
(``armstrack.pipeline.Extractor`` or a test's fake), which must be picklable by
reference for the process and cluster executors. A batch's result is one entry
per article: its events, or why extraction failed on it (a string), so one bad
article costs only itself.
"""

from __future__ import annotations

import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Generic, Protocol, TypeVar

from armstrack.model import Article, Event

__all__ = [
    "BatchResult",
    "Executor",
    "Inline",
    "LocalProcesses",
    "OrderedWindow",
    "events_of",
    "extract_stream",
    "local_executor",
]

BatchResult = list[list[Event] | str]
Factory = Callable[[int], Any]
T = TypeVar("T")


class Handle(Protocol):
    def ready(self) -> bool: ...
    def result(self) -> BatchResult: ...


class Executor(Protocol):
    """Runs batches of articles through an extractor somewhere."""

    #: how many batches may usefully be in flight at once
    slots: int

    def submit(self, articles: list[Article]) -> Handle: ...
    def close(self, wait: bool = True) -> None: ...


def events_of(extractor: Any, articles: list[Article]) -> BatchResult:
    """The extractor's events per article, or why it failed on it, checked to be in input order.

    The per-article guard: ``process_safe`` (an error string in place of a failed
    article's events) is used when the extractor has it; a batch that raises is
    re-run one article at a time, so only the culprit fails. An ImportError is a
    broken installation, not a bad article, and propagates; so does anything that
    is not an ``Exception`` (a kill, an interrupt).
    """
    try:
        if hasattr(extractor, "process_safe"):
            return _in_order(articles, extractor.process_safe(articles))
        return _in_order(articles, extractor.process(articles))
    except ImportError:
        raise
    except Exception as exc:  # one article's bug must not end the run: find it
        if len(articles) == 1:
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            return [f"extraction failed: {detail}"]
    return [events_of(extractor, [article])[0] for article in articles]


def _in_order(articles: list[Article], results: Iterable[tuple[Article, Any]]) -> BatchResult:
    out: BatchResult = []
    for expected, (article, events) in zip(articles, results, strict=True):
        if article.id != expected.id:
            raise RuntimeError(f"extractor returned {article.id!r} where {expected.id!r} was due")
        out.append(events if isinstance(events, str) else list(events))
    return out


# ------------------------------------------------------------------------ executors


class _Done:
    def __init__(self, value: BatchResult) -> None:
        self.value = value

    def ready(self) -> bool:
        return True

    def result(self) -> BatchResult:
        return self.value


class Inline:
    """Extraction in this process: no workers to start, nothing to pickle."""

    slots = 1

    def __init__(self, factory: Factory, nlp_batch_size: int) -> None:
        self.factory, self.nlp_batch_size = factory, nlp_batch_size
        self.extractor: Any = None

    def submit(self, articles: list[Article]) -> Handle:
        if self.extractor is None:
            self.extractor = self.factory(self.nlp_batch_size)
        return _Done(events_of(self.extractor, articles))

    def close(self, wait: bool = True) -> None:
        self.extractor = None


_WORKER_EXTRACTOR: Any = None


def _init_worker(factory: Factory, nlp_batch_size: int) -> None:
    """Pool initializer: one extractor (one spaCy model) per worker process, built once."""
    global _WORKER_EXTRACTOR
    _WORKER_EXTRACTOR = factory(nlp_batch_size)


def _extract_in_worker(articles: list[Article]) -> BatchResult:
    return events_of(_WORKER_EXTRACTOR, articles)


class _Async:
    def __init__(self, result: Any) -> None:
        self._result = result

    def ready(self) -> bool:
        return self._result.ready()

    def result(self) -> BatchResult:
        return self._result.get()


class LocalProcesses:
    """A pool of ``workers`` spawned processes, started by the first batch.

    (Spawned workers re-import the main module: a script that extracts with
    ``workers > 1`` needs the usual ``if __name__ == "__main__":`` guard; the CLI has it.)
    """

    def __init__(self, factory: Factory, nlp_batch_size: int, workers: int) -> None:
        self.factory, self.nlp_batch_size, self.workers = factory, nlp_batch_size, workers
        self.slots = 2 * workers  # one batch computing and one queued per worker
        self.pool: Any = None

    def submit(self, articles: list[Article]) -> Handle:
        if self.pool is None:
            import multiprocessing

            self.pool = multiprocessing.get_context("spawn").Pool(
                self.workers, initializer=_init_worker,
                initargs=(self.factory, self.nlp_batch_size))
        return _Async(self.pool.apply_async(_extract_in_worker, (articles,)))

    def close(self, wait: bool = True) -> None:
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        if wait:
            pool.close()
        else:
            pool.terminate()
        pool.join()


def local_executor(factory: Factory, nlp_batch_size: int, workers: int) -> Executor:
    """``Inline`` for one worker, else ``LocalProcesses``."""
    if workers <= 1:
        return Inline(factory, nlp_batch_size)
    return LocalProcesses(factory, nlp_batch_size, workers)


# -------------------------------------------------------------------------- ordering


class OrderedWindow(Generic[T]):
    """Tagged batches in flight; results come out in submission order, at most ``limit`` held.

    ``put`` adds a tag with its handle (or ``None`` when the tag needs no
    extraction); ``ready`` yields the tags at the head whose results are in,
    waiting on the head only while more than ``limit`` are held; ``drain``
    waits for all. Each yielded tag comes with its result.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.held: deque[tuple[T, Handle | None]] = deque()

    def put(self, tag: T, handle: Handle | None) -> None:
        self.held.append((tag, handle))

    def ready(self) -> Iterator[tuple[T, BatchResult | None]]:
        while self.held and (len(self.held) > self.limit or _is_ready(self.held[0][1])):
            yield self._pop()

    def drain(self) -> Iterator[tuple[T, BatchResult | None]]:
        while self.held:
            yield self._pop()

    def _pop(self) -> tuple[T, BatchResult | None]:
        tag, handle = self.held.popleft()
        return tag, None if handle is None else handle.result()


def _is_ready(handle: Handle | None) -> bool:
    return handle is None or handle.ready()


def extract_stream(
    articles: Iterable[Article], executor: Executor, batch_size: int
) -> Iterator[tuple[Article, list[Event] | str]]:
    """Every article with its events (or why extraction failed), in input order.

    Batches of ``batch_size`` go to ``executor``; at most ``executor.slots``
    are in flight, so memory stays flat on any input size.
    """
    window: OrderedWindow[list[Article]] = OrderedWindow(executor.slots)
    iterator = iter(articles)
    try:
        while batch := list(islice(iterator, max(1, batch_size))):
            window.put(batch, executor.submit(batch))
            for done, results in window.ready():
                yield from zip(done, results or [], strict=True)
        for done, results in window.drain():
            yield from zip(done, results or [], strict=True)
    finally:
        executor.close(wait=False)
