"""Language processing: the spaCy model, the domain entity layer and the temporal tagger."""

from armstrack.nlp.model import load_spacy

__all__ = ["load_spacy"]
