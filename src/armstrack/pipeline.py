"""Articles in, events out: the language pipeline and event extraction in one call.

(Stub: the lead is writing the real one; the interface below is fixed.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from armstrack.model import Article, Event


class Extractor:
    """Runs spaCy (batched through ``nlp.pipe``) and the event rules over articles."""

    def __init__(self, batch_size: int = 32, n_process: int = 1) -> None:
        self.batch_size = batch_size
        self.n_process = n_process

    def process(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        """Yield each article with its events, in input order."""
        for article in articles:
            yield article, []
