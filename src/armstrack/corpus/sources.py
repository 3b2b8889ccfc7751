"""Where the corpus's articles and labels live, and which articles are in it.

The selection (``corpus/articles.tsv``) fixes, for every labelled article, the
file of ``../shared/data`` it comes from and its split: ``dev`` is iterated on,
``test`` is scored only when figures are reported. Articles listed in
``reserved-test-ids.txt`` are refused everywhere: they are an independent test.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The JSONL files of ``../shared/data`` that articles may be labelled from.
SOURCE_FILES: dict[str, str] = {
    "reuters-defence": "reuters-defence/articles.jsonl.gz",
    "news-bench": "news-bench/reuters-2006-2013-20k.jsonl.gz",
}

_REPO = Path(__file__).resolve().parents[3]


def shared_data_dir() -> Path:
    """``$ARMSTRACK_SHARED_DATA``, else ``../shared/data`` beside the repository."""
    env = os.environ.get("ARMSTRACK_SHARED_DATA")
    return Path(env) if env else _REPO.parent / "shared" / "data"


def corpus_dir() -> Path:
    """``$ARMSTRACK_CORPUS``, else the repository's ``corpus/`` folder."""
    env = os.environ.get("ARMSTRACK_CORPUS")
    return Path(env) if env else _REPO / "corpus"


def reserved_ids(data_dir: Path | None = None) -> frozenset[str]:
    """Ids kept for an independent test: never labelled, trained or tuned on."""
    path = (data_dir or shared_data_dir()) / "reserved-test-ids.txt"
    if not path.exists():
        return frozenset()
    return frozenset(path.read_text(encoding="utf-8").split())


@dataclass(frozen=True)
class CorpusArticle:
    """One selected article: its id, the shared file it comes from, its split."""

    id: str
    source: str
    split: str
    batch: str
    second_batch: str = ""


def read_selection(path: Path | None = None) -> list[CorpusArticle]:
    """The rows of ``corpus/articles.tsv`` (id, source, split, batch, second_batch)."""
    path = path or corpus_dir() / "articles.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [CorpusArticle(r["id"], r["source"], r["split"], r["batch"],
                              r.get("second_batch") or "") for r in rows]


def load_records(
    ids: Iterable[str], data_dir: Path | None = None, sources: Iterable[str] | None = None
) -> dict[str, dict]:
    """The JSONL records of ``ids`` from the shared data files, by id.

    Reserved ids are never returned. Ids not found are simply absent: callers
    report them.
    """
    data_dir = data_dir or shared_data_dir()
    wanted = set(ids) - reserved_ids(data_dir)
    found: dict[str, dict] = {}
    for source in sources or SOURCE_FILES:
        path = data_dir / SOURCE_FILES[source]
        if not path.exists() or not wanted - found.keys():
            continue
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("id") in wanted and record["id"] not in found:
                    found[record["id"]] = record
    return found
