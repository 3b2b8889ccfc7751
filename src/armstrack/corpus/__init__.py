"""The labelled corpus of real reports: selection, labels, gold files, agreement.

Why a package of its own: the labels are the ground truth the learned layer is
trained on and every accuracy figure of the README is measured against, so
reading them, checking them against the guideline (``docs/annotation.md``) and
turning them into SPEC.md gold files must be one piece of code that the CLI
(``armstrack corpus ...``), the trainer and the tests share.

The article texts are third-party news and never enter the repository: labels
hold article ids and character offsets, and the loader fills in the evidence
from ``../shared/data`` (or ``$ARMSTRACK_SHARED_DATA``) at run time.
"""

from armstrack.corpus.labels import (
    ArticleLabel,
    LabelError,
    check_labels,
    gold_document,
    read_labels,
)
from armstrack.corpus.sources import (
    CorpusArticle,
    corpus_dir,
    load_records,
    read_selection,
    reserved_ids,
    shared_data_dir,
)

__all__ = [
    "ArticleLabel",
    "CorpusArticle",
    "LabelError",
    "check_labels",
    "corpus_dir",
    "gold_document",
    "load_records",
    "read_labels",
    "read_selection",
    "reserved_ids",
    "shared_data_dir",
]
