"""Articles in, events out: the language pipeline and the event rules in one call.

``Extractor.process`` parses article bodies in batches through ``nlp.pipe``
and runs the event rules on each parsed document. With ``n_process > 1`` whole
batches go to worker processes, each holding its own model, knowledge base and
tagger, and only the events (small dataclasses) come back: documents are never
pickled between processes, and memory stays bounded by the batches in flight.
Output order is input order either way.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

from armstrack.model import Article, Event
from armstrack.nlp.focus import FocusedParser


class _Worker:
    """The per-process tools, built once per process."""

    def __init__(self) -> None:
        from armstrack.events.extract import ArticleExtractor
        from armstrack.kb import load_kb
        from armstrack.nlp import load_spacy
        from armstrack.nlp.entities import EntityLayer

        self.nlp = load_spacy()
        self.kb = load_kb()
        self.entities = EntityLayer(self.kb)
        self.events = ArticleExtractor()

    def run(self, articles: list[Article], batch_size: int, focus: bool = True
            ) -> list[list[Event] | str]:
        """Events per article, or why it failed: the per-article guard of the pipeline.

        spaCy fails a whole ``nlp.pipe`` batch for one bad text (e.g. ``[E088]``, a text
        over ``nlp.max_length``); the batch is then parsed one article at a time, so
        only the culprit fails.
        """
        try:
            return self._run(articles, batch_size, focus)
        except Exception as exc:
            if len(articles) == 1:
                return [_failed(exc)]
            return [self.run([article], 1, focus)[0] for article in articles]

    def _run(self, articles: list[Article], batch_size: int, focus: bool
             ) -> list[list[Event] | str]:
        parser = FocusedParser(self.nlp, self.kb, focus=focus, batch_size=batch_size)
        results: list[list[Event] | str] = []
        for article, doc in zip(articles, parser.parse(articles), strict=True):
            try:
                self.entities(doc)
                results.append(self.events.extract(article, doc))
            except Exception as exc:  # one bad article must not stop a run
                results.append(_failed(exc))
        return results


def _failed(exc: BaseException) -> str:
    detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"extraction failed: {detail}"


_WORKER: _Worker | None = None


def _worker() -> _Worker:
    global _WORKER
    if _WORKER is None:
        _WORKER = _Worker()
    return _WORKER


def _run_batch(payload: tuple[list[Article], int, bool]) -> list[list[Event] | str]:
    articles, batch_size, focus = payload
    return _worker().run(articles, batch_size, focus)


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


class Extractor:
    """Runs spaCy and the event rules over articles.

    ``process`` yields ``(article, events)``; when the rules fail on an article
    the events are replaced by an error string (``ExtractionError``) so that the
    caller can record it and go on.
    """

    def __init__(self, batch_size: int = 32, n_process: int = 1, focus: bool = True) -> None:
        self.batch_size = max(1, batch_size)
        self.n_process = max(1, n_process)
        self.focus = focus  # parse only the lines that can hold an event (nlp.focus)

    def process(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        """Yield each article with its events, in input order."""
        for article, result in self.process_safe(articles):
            if isinstance(result, str):
                raise ExtractionError(f"{article.id}: {result}")
            yield article, result

    def process_safe(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[Article, list[Event] | str]]:
        """Like ``process`` but a failed article yields its error message instead of raising."""
        batches = _batches(articles, self.batch_size)
        if self.n_process == 1:
            for batch in batches:
                yield from zip(batch, _run_batch((batch, self.batch_size, self.focus)), strict=True)
            return
        context = multiprocessing.get_context("fork")
        window: deque = deque()
        with context.Pool(self.n_process) as pool:
            # A bounded window of batches in flight keeps memory flat on any input size
            # (Pool.imap would read the whole input ahead).
            for batch in batches:
                payload = (batch, self.batch_size, self.focus)
                window.append((batch, pool.apply_async(_run_batch, (payload,))))
                if len(window) >= 2 * self.n_process:
                    done, pending = window.popleft()
                    yield from zip(done, pending.get(), strict=True)
            while window:
                done, pending = window.popleft()
                yield from zip(done, pending.get(), strict=True)


class ExtractionError(RuntimeError):
    """The event rules failed on one article."""
