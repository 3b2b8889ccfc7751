"""Who a claim is attributed to ("..., Shugaev said", "TASS quoted Shugaev as saying").

A register that keeps every claim must say whose claim it is: the speaker of
the sentence, the speaker a quotation is attributed to later in the paragraph,
or the outlet that reported it.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from armstrack.events.lexicon import NON_SPEAKER_SUBJECTS, REPORTING_VERBS


def _phrase(token: Token) -> str:
    """The name inside a subject phrase: a PERSON entity if any, else the noun phrase."""
    span = token.doc[token.left_edge.i : token.right_edge.i + 1]
    people = [ent for ent in span.ents if ent.label_ == "PERSON"]
    if people:
        return people[-1].text
    words = [t for t in span if t.dep_ not in {"punct"}]
    text = span.doc[words[0].i : words[-1].i + 1].text if words else span.text
    return text.strip(" ,\"'“”")


def _speaker_of(verb: Token) -> str | None:
    if verb.lemma_ == "cite" or verb.lemma_ == "quote":
        for child in verb.children:
            if child.dep_ == "dobj" and child.lower_ not in NON_SPEAKER_SUBJECTS:
                return _phrase(child)
    if verb.lemma_ == "accord":  # "according to X"
        for prep in verb.children:
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return _phrase(obj)
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass"} and child.lower_ not in NON_SPEAKER_SUBJECTS:
            if child.dep_ == "nsubjpass":  # "X was cited as saying" / "X was quoted"
                return _phrase(child)
            return _phrase(child)
    return None


def speaker(sentence: Span) -> str | None:
    """The source a sentence is attributed to, if it names one."""
    for token in sentence:
        if token.lower_ == "according" and token.i + 1 < len(token.doc):
            nxt = token.doc[token.i + 1]
            for obj in nxt.children:
                if obj.dep_ == "pobj":
                    return _phrase(obj)
    for token in sentence:
        if token.lemma_ in REPORTING_VERBS and token.pos_ in {"VERB", "AUX"}:
            found = _speaker_of(token)
            if found:
                return found
    return None


def is_quotation(sentence: Span) -> bool:
    text = sentence.text.strip()
    return text[:1] in {'"', "“", "'", "‘"}


def paragraph_speaker(sentences: list[Span], index: int) -> str | None:
    """The speaker of sentence ``index``, looking at neighbouring sentences for quotations."""
    own = speaker(sentences[index])
    if own or not is_quotation(sentences[index]):
        return own
    for offset in (1, 2, -1):
        j = index + offset
        if 0 <= j < len(sentences):
            found = speaker(sentences[j])
            if found:
                return found
    return None
