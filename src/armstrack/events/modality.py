"""Factuality of an event (SPEC.md §3) from the words that govern its trigger.

The rule walks from the trigger up the clause chain that carries its meaning
("aims to close a deal": deal <- close <- aims) and stops at a reporting verb
(reporting does not change factuality) or at a relative clause (which has its
own). Cue words on that chain decide; the strongest wins:
denied > negated > hoped > possible > planned > asserted.

"would" is ambiguous: in reported speech under a past-tense reporting verb it is
a future in the past ("said the tanks would arrive by June": planned);
with a condition in the sentence, or on its own, it is hypothetical (possible).
"""

from __future__ import annotations

from spacy.tokens import Token

from armstrack.events.lexicon import (
    CONDITION_MARKS,
    DENIAL_WORDS,
    HOPE_WORDS,
    NEGATIONS,
    NOT_REALLY_NEGATION,
    NOUN_HEAD_PREPS,
    PLANNED_AUX,
    PLANNED_LEMMAS,
    POSSIBLE_AUX,
    POSSIBLE_LEMMAS,
    REFUSAL_WORDS,
    REPORTING_VERBS,
    SANCTION_HEAD_PREPS,
    THREAT_LEMMAS,
)
from armstrack.events.syntax import is_infinitival, is_verbal

RANK = {"asserted": 0, "planned": 1, "possible": 2, "hoped": 3, "threatened": 3,
        "negated": 4, "denied": 5}


def clause_chain(trigger: Token, event_type: str) -> tuple[list[Token], Token | None]:
    """The tokens whose cues bear on the trigger, and the reporting verb it hangs under."""
    chain = [trigger]
    current = trigger
    for _ in range(10):
        dep, head = current.dep_, current.head
        if head.i == current.i or dep in {"ROOT", "parataxis"}:
            return chain, None
        if dep == "advcl" and not (is_infinitival(current) and current.i == trigger.i):
            return chain, None  # "after delivery began" keeps its own factuality; "to test" not
        if dep == "relcl" and not is_infinitival(current):
            return chain, None
        if head.lemma_ in REPORTING_VERBS and dep in {"ccomp", "xcomp", "advcl", "dobj"}:
            return chain, head
        if dep == "pobj":
            prep = head
            allowed = SANCTION_HEAD_PREPS if event_type == "sanction" else NOUN_HEAD_PREPS
            if prep.lower_ not in allowed:
                return chain, None
            chain.append(prep)
            current = prep.head
            chain.append(current)
            continue
        if dep in {"xcomp", "ccomp", "dobj", "nsubj", "nsubjpass", "attr", "oprd", "acl",
                   "relcl", "pcomp", "advcl", "appos", "compound", "conj", "prep", "auxpass",
                   "aux"}:
            current = head
            chain.append(current)
            continue
        return chain, None
    return chain, None


def _cue_words(token: Token) -> list[Token]:
    """The token and its function-word children (auxiliaries, negation, adverbs, marks)."""
    cues = [token]
    for child in token.children:
        if child.dep_ in {"aux", "auxpass", "neg", "advmod", "mark", "amod", "det", "acomp",
                          "npadvmod", "preconj", "quantmod"}:
            cues.append(child)
        elif child.dep_ == "prep":
            cues.extend(grand for grand in child.children if grand.dep_ == "pobj")
    return cues


def _is_negation(cue: Token) -> bool:
    if cue.lower_ not in NEGATIONS and not (cue.lower_ == "yet" and cue.head.lower_ == "has"):
        return False
    following = cue.doc[cue.i + 1] if cue.i + 1 < len(cue.doc) else None
    if following is not None and following.lower_ in NOT_REALLY_NEGATION:
        return False
    if cue.lower_ == "no" and cue.dep_ != "det" and cue.dep_ != "neg":
        return False
    return not (cue.lower_ == "not" and cue.head.lemma_ in NOT_REALLY_NEGATION)


def _has_yet_to(token: Token) -> bool:
    """ "has yet to deliver": a negation without a negation word."""
    for child in token.children:
        if child.lower_ == "yet":
            return True
    head = token.head
    return token.dep_ == "xcomp" and any(c.lower_ == "yet" for c in head.children)


def decide(trigger: Token, event_type: str) -> str:
    """The fine-grained modality of the event a trigger reports."""
    chain, reporter = clause_chain(trigger, event_type)
    if not is_verbal(trigger):  # "a handover that will happen": the clause dates the noun
        chain += [c for c in trigger.children if c.dep_ in {"relcl", "acl"} and is_verbal(c)]
    sentence = trigger.sent
    conditional = any(t.lower_ in CONDITION_MARKS and t.dep_ == "mark" for t in sentence)
    reported_past = reporter is not None and reporter.tag_ in {"VBD", "VBN"}
    found: set[str] = set()
    if reporter is not None and reporter.lemma_ in DENIAL_WORDS:
        found.add("denied")
    for link in chain:
        if link.lemma_ in DENIAL_WORDS:
            found.add("denied")
        if link.lemma_ in HOPE_WORDS:
            found.add("hoped")
        if link.lemma_ in REFUSAL_WORDS and link.i != trigger.i:  # "rejected a plan" reports one
            found.add("negated")
        if _has_yet_to(link):
            found.add("negated")
        for cue in _cue_words(link):
            lemma, lower = cue.lemma_.lower(), cue.lower_
            negation_dep = cue.dep_ in {"neg", "advmod", "det", "preconj"}
            if negation_dep and _is_negation(cue) or lower in {"nearly", "almost"}:
                found.add("negated")
            elif lower in PLANNED_AUX | POSSIBLE_AUX and cue.tag_ != "MD":
                continue  # "in May" is a month, "will" a noun
            elif lower == "would":
                found.add("planned" if reported_past and not conditional else "possible")
            elif lower in POSSIBLE_AUX or lemma in POSSIBLE_LEMMAS:
                found.add("possible")
            elif lower in PLANNED_AUX or lemma in PLANNED_LEMMAS:
                found.add("planned")
            elif cue.dep_ == "mark" and lower in CONDITION_MARKS:
                found.add("possible")
            if lemma in HOPE_WORDS:
                found.add("hoped")
            if lemma in DENIAL_WORDS:
                found.add("denied")
        if link.lower_ == "to" and link.dep_ == "aux" and link.head.head.lemma_ == "be":
            found.add("planned")  # "is to deliver"
    if _be_to(trigger) or any(_be_to(link) for link in chain if is_verbal(link)):
        found.add("planned")
    if event_type == "sanction":
        return _sanction_modality(chain, found)
    if not found:
        return "asserted"
    return max(found, key=RANK.__getitem__)


def _be_to(trigger: Token) -> bool:
    """ "are to be delivered", "is due to begin": a schedule."""
    words = [t.lower_ for t in trigger.doc[max(trigger.sent.start, trigger.i - 5) : trigger.i]]
    text = " ".join(words)
    return any(f"{be} to" in text or f"{be} due to" in text or f"{be} set to" in text
               for be in ("is", "are", "was", "were", "'s"))


def _sanction_modality(chain: list[Token], found: set[str]) -> str:
    if "denied" in found:
        return "denied"
    if "negated" in found:
        return "negated"
    for link in chain:
        for cue in _cue_words(link):
            if cue.lemma_.lower() in THREAT_LEMMAS or cue.lower_ in THREAT_LEMMAS:
                return "threatened"
    if found - {"asserted"}:
        return "threatened"
    return "asserted"
