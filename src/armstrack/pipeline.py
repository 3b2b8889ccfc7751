"""Articles in, events out: the language pipeline and the event rules in one call.

``Extractor.process`` parses article bodies in batches (``nlp.focus``: only the
lines that can hold an event) and runs the event rules on each parsed
document, in this process. Running many of them at once (worker processes, a
Dask cluster) is ``armstrack.execution``'s job: each worker builds one
``Extractor`` and only events (small dataclasses) travel back.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from itertools import islice

from armstrack.model import Article, Event
from armstrack.nlp.focus import FocusedParser


class _Tools:
    """The per-process tools (model, knowledge base, rules), built once per process."""

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


_TOOLS: _Tools | None = None


def _tools() -> _Tools:
    global _TOOLS
    if _TOOLS is None:
        _TOOLS = _Tools()
    return _TOOLS


def recycle() -> None:
    """Drop this process's model and knowledge base; the next batch loads fresh ones.

    spaCy's string store only grows on a stream of new text: a long-lived
    worker calls this after a bounded number of documents.
    """
    global _TOOLS
    from armstrack.nlp.model import load_spacy

    _TOOLS = None
    load_spacy.cache_clear()


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


class Extractor:
    """Runs spaCy and the event rules over articles, in this process.

    ``process`` yields ``(article, events)``; ``process_safe`` replaces the
    events of an article the rules fail on by an error string so that the
    caller can record it and go on.
    """

    def __init__(self, batch_size: int = 32, focus: bool = True) -> None:
        self.batch_size = max(1, batch_size)
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
        for batch in _batches(articles, self.batch_size):
            yield from zip(batch, _tools().run(batch, self.batch_size, self.focus), strict=True)


class ExtractionError(RuntimeError):
    """The event rules failed on one article."""
