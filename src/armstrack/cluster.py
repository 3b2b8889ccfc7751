"""``armstrack ingest --scheduler``: the heavy stages on a Dask cluster, one writer.

Two phases, both on the workers, with one decision step between them on the
client (this process):

1. **scan** (cheap): one task per shard (a file, a folder, or an fsspec URL
   such as ``s3://bucket/crawl/part-7.warc.gz``): read it, sanitize each
   article, hash it, run the relevance gate and, for articles that pass, the
   MinHash signature (``runner.scan_article``). What comes back is the articles
   and those verdicts, never a parser object.
2. **decide** (client): the scans are taken in input order (shard order, then
   record order, whatever order the tasks finish in) through the very code a
   local ingest runs (``runner._Run``): exact copies, ids, near duplicates
   settled against what is stored and what earlier batches decided.
3. **extract** (expensive): the batches of relevant articles go to the workers
   (``DaskExecutor``); each worker builds the language pipeline and knowledge
   base once and reloads them after ``RECYCLE_AFTER`` documents (spaCy's string
   store only grows on a stream of new text). The results (events) come back in
   batch order and the client writes them, one transaction per batch, exactly
   as a local ingest does.

So the register is the same as a local ingest's whatever the number of workers
or the order tasks finish in. A worker killed mid-task: Dask runs the task again
elsewhere (tasks are pure: nothing is written by a worker), so nothing is lost or
doubled. The client killed: what it committed is skipped when it is run again.
A shard that cannot be read, or whose task keeps failing, is a recorded failure.
"""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import IO, Any

from armstrack.execution import BatchResult, Factory, events_of
from armstrack.model import Article, ReadFailure
from armstrack.runner import Components, IngestOptions, IngestSummary, Scan, scan_article

__all__ = [
    "RECYCLE_AFTER",
    "ClusterUnavailable",
    "DaskExecutor",
    "connect",
    "ingest_on_cluster",
    "scan_shard",
]

#: Documents a worker extracts before it reloads its language pipeline.
RECYCLE_AFTER = 20_000


def connect(scheduler: str) -> tuple[Any, Any]:
    """A Dask client for ``tcp://HOST:PORT``, or for a new ``local[:N]`` cluster (and that
    cluster, to close afterwards; None for a scheduler someone else runs)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterUnavailable(
            f"--scheduler needs Dask: pip install 'armstrack[cluster]' ({exc})") from exc
    if scheduler == "local" or scheduler.startswith("local:"):
        _, _, n = scheduler.partition(":")
        workers = int(n) if n else os.cpu_count() or 1
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.ERROR)
        return Client(cluster), cluster
    return Client(scheduler), None


class ClusterUnavailable(RuntimeError):
    """Dask is not installed (it is the optional extra ``cluster``)."""


# ---------------------------------------------------------------- on the workers

_COMPONENTS: Components | None = None
_EXTRACTORS: dict[tuple[Any, int], list[Any]] = {}


def _components() -> Components:
    """The reading and scanning stages, built once per worker process."""
    global _COMPONENTS
    if _COMPONENTS is None:
        from armstrack.runner import default_components

        _COMPONENTS = default_components()
    return _COMPONENTS


def scan_shard(shard: str, read_kwargs: dict[str, Any]) -> list[Scan | ReadFailure]:
    """Phase one for one shard: every article scanned, every unreadable part a failure."""
    comp = _components()
    try:
        with _local_copy(shard) as path:
            out: list[Scan | ReadFailure] = []
            for item in comp.read_inputs([path], comp.read_options(**read_kwargs)):
                if isinstance(item, ReadFailure):
                    out.append(replace(item, input=_named(item.input, path, shard)))
                else:
                    item = replace(item, path=_named(item.path, path, shard))
                    out.append(scan_article(item, comp))
            return out
    except Exception as exc:  # an unreadable shard is a recorded failure, not a dead run
        return [ReadFailure(shard, f"cannot read: {_detail(exc)}")]


def _named(where: str | None, local: str, shard: str) -> str | None:
    """A path inside the temporary copy of a URL, named by the URL instead."""
    if where is None or local == shard:
        return where
    return shard + where[len(local):] if where.startswith(local) else where


class _local_copy:  # noqa: N801 - used as a context manager, named like one
    """A local path for ``shard``: the path itself, or a URL copied to a temporary file of the
    same name (readers detect formats from content and take ids from file names)."""

    def __init__(self, shard: str) -> None:
        self.shard = shard
        self.tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> str:
        if "://" not in self.shard:
            return self.shard
        import shutil

        import fsspec

        self.tmp = tempfile.TemporaryDirectory(prefix="armstrack-shard-")
        path = os.path.join(self.tmp.name, self.shard.rstrip("/").rsplit("/", 1)[-1] or "shard")
        with fsspec.open(self.shard, "rb") as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        return path

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None:
            self.tmp.cleanup()


def extract_on_worker(factory: Factory, nlp_batch_size: int,
                      articles: list[Article]) -> BatchResult:
    """Phase two for one batch, with the worker's extractor (built once, recycled)."""
    key = (factory, nlp_batch_size)
    state = _EXTRACTORS.get(key)
    if state is not None and state[1] >= RECYCLE_AFTER:
        from armstrack.pipeline import recycle

        _EXTRACTORS.pop(key)
        recycle()
        state = None
    if state is None:
        state = _EXTRACTORS[key] = [factory(nlp_batch_size), 0]
    state[1] += len(articles)
    return events_of(state[0], articles)


# ----------------------------------------------------------------- on the client


class _Handle:
    def __init__(self, future: Any, size: int) -> None:
        self.future, self.size = future, size

    def ready(self) -> bool:
        return self.future.done()

    def result(self) -> BatchResult:
        try:
            value = self.future.result()
        except Exception as exc:  # the task kept failing (e.g. killed workers): record it
            value = [f"extraction failed on the cluster: {_detail(exc)}"] * self.size
        self.future.release()
        return value


class DaskExecutor:
    """Batches of articles extracted on Dask workers (``armstrack.execution``'s interface)."""

    def __init__(self, client: Any, factory: Factory, nlp_batch_size: int, workers: int) -> None:
        self.client, self.factory, self.nlp_batch_size = client, factory, nlp_batch_size
        self.slots = 2 * max(1, workers)

    def submit(self, articles: list[Article]) -> _Handle:
        future = self.client.submit(extract_on_worker, self.factory, self.nlp_batch_size,
                                    articles, pure=False)
        return _Handle(future, len(articles))

    def close(self, wait: bool = True) -> None:
        """Nothing to stop: the client and cluster belong to ``ingest_on_cluster``."""


def scanned_items(client: Any, shards: Sequence[str], read_kwargs: dict[str, Any],
                  ahead: int) -> Iterator[tuple[bool, Scan | ReadFailure]]:
    """Phase one's results in input order, at most ``ahead`` shards in flight."""
    pending: deque[tuple[str, Any]] = deque()
    queue = iter(shards)

    def submit_next() -> None:
        shard = next(queue, None)
        if shard is not None:
            pending.append((shard, client.submit(scan_shard, shard, read_kwargs, pure=False)))

    for _ in range(max(1, ahead)):
        submit_next()
    while pending:
        shard, future = pending.popleft()
        try:
            items: Iterable[Scan | ReadFailure] = future.result()
        except Exception as exc:  # the task kept failing: the shard is a recorded failure
            items = [ReadFailure(shard, f"cannot read on the cluster: {_detail(exc)}")]
        future.release()
        submit_next()
        for item in items:
            yield False, item


def ingest_on_cluster(
    paths: Sequence[str],
    store: Any,
    options: IngestOptions,
    scheduler: str,
    *,
    components: Components | None = None,
    err: IO[str],
) -> IngestSummary:
    """``runner.ingest`` with the scans and the extraction on the cluster at ``scheduler``."""
    from armstrack.runner import _Run, default_components

    if "-" in paths:
        raise ValueError("stdin ('-') cannot be sent to a cluster: give files or URLs")
    client, cluster = connect(scheduler)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        print(f"dask: scheduler {client.scheduler.address}, {workers} workers, "
              f"dashboard {client.dashboard_link}", file=err, flush=True)
        comp = components or default_components()
        opts = replace(options, workers=workers)
        nlp_batch = max(1, min(opts.nlp_batch_size, opts.batch_size))
        run = _Run(store, opts, comp, err,
                   executor=DaskExecutor(client, comp.extractor, nlp_batch, workers))
        items = scanned_items(client, list(paths), run.read_kwargs(), ahead=2 * workers)
        return run.execute(paths, items=items)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _detail(exc: BaseException) -> str:
    return traceback.format_exception_only(type(exc), exc)[-1].strip()
