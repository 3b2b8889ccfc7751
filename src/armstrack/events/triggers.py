"""Finding the trigger words of a sentence and which of them report an event of their own.

"France expects to sign a contract to sell India jets" has two trigger words, but one
event: the supply is what the deal is about. A trigger under a negotiation,
agreement or contract trigger (or a noun that is the object of a cancellation)
is *content*: its syntax still tells who supplies whom, but it is not reported
again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from armstrack.events.lexicon import (
    ANAPHORIC_WEAPON_NOUNS,
    ANY_OBJECT,
    BEATING_WORDS,
    CONTRACT_AGREEMENT_MODIFIERS,
    EASE_ADJECTIVES,
    GENERIC_ARMS,
    GIVING,
    HABITUAL_WITHOUT_OBJECT,
    HOPED_BUSINESS_MODIFIERS,
    LOCAL_CUES,
    LOSING_BID_MODIFIERS,
    NEEDS_OBJECT,
    NO_MONEY_OBJECT,
    NOUN_TRIGGERS,
    NOUNS_NEEDING_LOCAL_CUE,
    PARTICIPLES,
    REJECTABLE,
    TRANSFER_THINGS,
    TRANSFER_XCOMPS,
    VERB_TRIGGERS,
    VERBS_NEEDING_LOCAL_CUE,
    TriggerSense,
)
from armstrack.events.syntax import is_infinitival

CONTENT_PARENTS = {"negotiation", "agreement", "contract"}
CONTENT_CHILDREN = {"contract", "delivery", "production", "agreement", "negotiation"}
BOUNDARY_DEPS = {"conj", "relcl", "advcl", "parataxis"}


@dataclass
class Trigger:
    token: Token
    sense: TriggerSense
    content: list[Token] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.sense.type


def _has_local_cue(token: Token) -> bool:
    for t in token.subtree:
        if t.lemma_.lower() in LOCAL_CUES or t.lower_ in LOCAL_CUES:
            return True
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in {"in", "under", "by"}:
            return True
    return token.head.lemma_.lower() in LOCAL_CUES


def _noun_sense(token: Token) -> TriggerSense | None:
    lemma = token.lemma_.lower()
    lower = token.lower_
    if lemma == "talk" and lower != "talks":
        return None
    if lemma == "letter" and any(t.lower_ == "acceptance" for t in token.subtree):
        return TriggerSense("contract", "mutual")  # a letter of offer and acceptance (LOA)
    if lemma == "offer" and token.head.lower_ == "of" and token.head.head.lemma_ == "letter":
        return None
    if lemma in {"order", "deal"}:
        prev = token.doc[token.i - 1] if token.i > 0 else None
        if prev is not None and prev.lower_ in {"in", "great", "good"}:
            return None
    if lemma == "supply" and any(c.lower_ in {"chain", "chains"} for c in token.head.subtree):
        return None
    if lemma == "transfer" and any(t.lemma_.lower() == "technology" for t in token.subtree):
        return TriggerSense("production", "hold")
    if lemma == "technology" and token.head.lemma_.lower() == "transfer":
        return None
    if lemma == "sanction" and token.dep_ == "compound" and token.head.lemma_ not in {"threat"}:
        return None
    sense = NOUN_TRIGGERS.get(lemma)
    if lemma in NOUNS_NEEDING_LOCAL_CUE and not _has_local_cue(token):
        return None
    if sense is not None and sense.type != "sanction" and _is_beaten(token):
        return None
    if sense is not None and token.tag_ == "NNS" and any(
            c.lower_ in HOPED_BUSINESS_MODIFIERS
            for c in token.children) and not any(
            t.ent_type_ == "ARMS_SYSTEM" for t in token.subtree):
        return None  # "more orders from friendly countries": hoped-for business, no event
    if sense and sense.type == "agreement" and any(
            c.lemma_.lower() in CONTRACT_AGREEMENT_MODIFIERS for c in token.children):
        return TriggerSense("contract", "mutual")
    return sense


def _verb_sense(token: Token) -> TriggerSense | None:
    lemma = token.lemma_.lower()
    if lemma == "agree":
        for child in token.children:
            if child.dep_ == "xcomp" and child.lemma_.lower() in TRANSFER_XCOMPS:
                return VERB_TRIGGERS["agree"]
        return None
    if lemma == "enter" and any(t.lower_ == "service" for t in token.subtree):
        return TriggerSense("deployment", "hold")
    if lemma == "build":  # "to be built locally": production only with a local cue
        return TriggerSense("production", "hold") if _has_local_cue(token) else None
    if lemma == "transfer" and any(t.lemma_.lower() == "technology" for t in token.subtree):
        return TriggerSense("production", "hold")
    if lemma == "ask" and not any(c.dep_ == "prep" and c.lower_ == "for" and any(
            _names_transfer_thing(g) and g.ent_type_ not in {"ARMS_STATE", "ARMS_ORG"}
            for g in c.children) for c in token.children):
        return None
    if lemma == "base" and not any(c.dep_ == "auxpass" for c in token.children):
        return None
    if lemma == "sign" and not any(c.dep_ == "prep" and c.lower_ == "for" for c in token.children):
        return None  # "signed a contract": the noun is the trigger; "signed for 32 F-35As": verb
    if lemma == "hand" and not any(c.lower_ == "over" for c in token.children):
        return None
    if lemma == "order" and token.i > 0 and token.doc[token.i - 1].lower_ == "in":
        return None
    if lemma == "reject" and not any(
            c.dep_ == "dobj" and c.lemma_.lower() in REJECTABLE for c in token.children):
        return None
    if lemma == "collapse" and not any(c.dep_ == "nsubj" and NOUN_TRIGGERS.get(c.lemma_.lower())
                                       for c in token.children):
        return None
    sense = VERB_TRIGGERS.get(lemma)
    if sense is None or lemma in VERBS_NEEDING_LOCAL_CUE and not _has_local_cue(token):
        return None
    objects = [c for c in token.children if c.dep_ in OBJECT_LIKE]
    if token.dep_ == "relcl" and all(o.lower_ in {"that", "which"} for o in objects) or \
            token.dep_ == "acl" and token.tag_ == "VBN" and not objects and lemma in PARTICIPLES:
        objects = [token.head]  # "the frigates that Greece ordered", "jets donated by"
    if lemma in NEEDS_OBJECT and not objects:
        return None
    if lemma == "test" and not (objects and any(_names_hardware(o) for o in objects)):
        return None  # "tested the S-400 system", not "tested the waters"
    if lemma == "take" and not (objects and any(_names_hardware(o) for o in objects) and any(
            c.dep_ == "prep" and c.lower_ == "from" for c in token.children)):
        return None  # only "has taken Pantsir-S1 systems from Russia"
    clausal = any(c.dep_ in {"ccomp", "xcomp"} for c in token.children)  # "delivering what ..."
    if lemma in HABITUAL_WITHOUT_OBJECT and not objects and not clausal and not _is_passive(token):
        return None  # "the navy also buys a lot abroad"
    allow_money = lemma not in NO_MONEY_OBJECT
    if lemma in GIVING and not any(_names_hardware(o) for o in objects):
        return None  # "giving Jakarta a second option"
    if objects and not any(_names_transfer_thing(o, allow_money) for o in objects) and \
            lemma not in ANY_OBJECT:
        return None  # "sent a message", "eyed India's sovereignty", "approved 6 billion francs"
    if token.head.tag_ in {"JJS", "JJR"} or token.head.lemma_.lower() in EASE_ADJECTIVES and \
            token.dep_ in {"xcomp", "advcl", "acomp", "relcl", "acl"}:
        return None  # "the cheapest to buy and operate"
    if _is_beaten(token):
        return None
    return sense


def _is_beaten(token: Token) -> bool:
    """ "beating competing offers from Russia": a losing bid, not an event of this deal."""
    if any(c.lemma_.lower() in LOSING_BID_MODIFIERS for c in token.children):
        return True
    current = token
    for _ in range(3):
        if current.head.i == current.i:
            return False
        current = current.head
        if current.lemma_.lower() in BEATING_WORDS:
            return True
    return False


def _is_passive(token: Token) -> bool:
    return any(c.dep_ in {"auxpass", "nsubjpass"} for c in token.children)


def _names_hardware(token: Token) -> bool:
    return any(t.ent_type_ in {"ARMS_SYSTEM", "CARDINAL"} or t.like_num
               or t.lemma_.lower() in ANAPHORIC_WEAPON_NOUNS | GENERIC_ARMS
               for t in _object_phrase(token))


OBJECT_LIKE = {"dobj", "nsubjpass", "dative"}


def _object_phrase(token: Token) -> list[Token]:
    """The object's own noun phrase: modifiers and "of" complements, not clauses around it."""
    out = [token]
    for child in token.children:
        if child.dep_ in {"compound", "amod", "nummod", "poss", "det", "quantmod", "nmod",
                          "conj", "appos"}:
            out.extend(_object_phrase(child))
        elif child.dep_ == "prep" and child.lower_ in {"of", "for"}:
            for grand in child.children:
                out.extend(_object_phrase(grand))
    return out


def _names_transfer_thing(token: Token, allow_money: bool = True) -> bool:
    """Whether an object phrase names hardware, a deal, a party or a quantity."""
    for t in _object_phrase(token):
        if not allow_money and t.ent_type_ == "MONEY":
            continue
        if t.ent_type_ in {"ARMS_SYSTEM", "ARMS_STATE", "ARMS_ORG", "CARDINAL", "MONEY",
                           "QUANTITY"} or t.like_num:
            return True
        if t.lemma_.lower() in TRANSFER_THINGS or t.lower_ in TRANSFER_THINGS:
            return True
        if t.pos_ == "PROPN" and t.i == token.i:  # a ship or programme the KB does not know
            return True
    return False


def sense_of(token: Token) -> TriggerSense | None:
    if token.pos_ == "VERB":
        return _verb_sense(token)
    if token.pos_ in {"NOUN", "PROPN"}:
        return _noun_sense(token)
    if token.pos_ == "ADJ" and token.lower_ == "operational" and token.dep_ in {
            "acomp", "oprd", "xcomp", "ROOT", "conj"}:
        return TriggerSense("deployment", "hold")  # "became operational", not "operational support"
    return None


def _path_up(token: Token, ancestor: Token) -> list[Token] | None:
    path = [token]
    current = token
    while current.i != ancestor.i:
        if current.head.i == current.i:
            return None
        path.append(current.head)
        current = current.head
    return path


def _is_content_of(child: Trigger, parent: Trigger) -> bool:
    if child.token.i == parent.token.i:
        return False
    path = _path_up(child.token, parent.token)
    if path is None:
        return False
    if any(t.dep_ in BOUNDARY_DEPS and not is_infinitival(t) for t in path[:-1]):
        return False
    if parent.type in CONTENT_PARENTS and child.type in CONTENT_CHILDREN:
        return True
    if parent.type == child.type and child.token.pos_ in {"NOUN", "PROPN"}:
        return True  # "delivered S-400s to Turkey, a transfer that ...": one event restated
    if parent.type == "cancellation" and child.token.dep_ == "nsubj" and \
            child.token.head.i == parent.token.i:  # "the deal collapsed"
        return child.type in CONTENT_CHILDREN
    if parent.type == "cancellation" and any(t.dep_ == "dobj" for t in path[:-1]):
        return child.type in CONTENT_CHILDREN  # "rejected a plan to buy", "cancelled the order"
    if parent.type == "cancellation" and child.token.pos_ == "NOUN":
        return child.type in CONTENT_CHILDREN and any(t.dep_ == "dobj" for t in path[:-1]) or \
            any(t.dep_ in {"dobj", "pobj"} for t in path[:-1])
    return False


def find_triggers(sentence: Span, inside_mention: set[int]) -> list[Trigger]:
    """The triggers of a sentence that report events, each with its content triggers."""
    found = [
        Trigger(token, sense)
        for token in sentence
        if token.i not in inside_mention and (sense := sense_of(token)) is not None
    ]
    main: list[Trigger] = []
    for trigger in found:
        parents = [other for other in found if _is_content_of(trigger, other)]
        if parents:
            # attach to the nearest governing trigger
            nearest = min(parents, key=lambda p: len(_path_up(trigger.token, p.token) or []))
            nearest.content.append(trigger.token)
        else:
            main.append(trigger)
    return main
