"""Small dependency-parse helpers the event rules share.

They work on spaCy tokens of ``en_core_web_sm``'s ClearNLP-style labels. Each
answers one question a rule asks ("who is the subject of this verb, following
control verbs and relative clauses?"), so the rules read like the annotation
guide rather than like tree walks.
"""

from __future__ import annotations

from spacy.tokens import Token

from armstrack.events.lexicon import OBJECT_CONTROL, RELATIVE_PRONOUNS

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "expl"}
OBJECT_DEPS = {"dobj", "dative", "attr", "oprd"}


def is_verbal(token: Token) -> bool:
    return token.pos_ in {"VERB", "AUX"}


def is_infinitival(token: Token) -> bool:
    """ "a contract *to deliver*": an infinitive with no subject of its own (spaCy: relcl)."""
    return is_verbal(token) and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children) \
        and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children)


def subject(token: Token) -> tuple[Token | None, bool]:
    """The subject of a verb (following control, conjunction and relative clauses).

    Returns the subject token and whether the verb is passive. For a nominal
    trigger, the subject of the verb that has it as object ("Turkey placed an
    order", "Moscow aims to close a deal").
    """
    seen = 0
    current = token
    passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in token.children)
    while seen < 8:
        seen += 1
        if not is_verbal(current):
            agents = [g for c in current.children if c.dep_ == "prep" and c.lower_ == "by"
                      for g in c.children if g.dep_ == "pobj"]
            if agents and current.i != token.i:  # "a decision by President Bush to sell"
                return agents[0], passive
            climbs_from = OBJECT_DEPS | {"nsubjpass"} | ({"pobj"} if current.i == token.i
                                                          else set())
            if current.dep_ in climbs_from and current.head.i != current.i:
                governor = current.head
                if governor.dep_ == "prep":
                    governor = governor.head
                if governor.i == current.i or not is_verbal(governor):
                    return None, passive
                current = governor
                continue
            return None, passive
        subjects = [c for c in current.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}]
        if subjects:
            # the nearest one before the verb: a dateline the parser took for a subject
            # ("KIRUNA, Sweden (AP) — Sweden and Finland ... agreed") comes first
            before = [c for c in subjects if c.i < current.i]
            child = before[-1] if before else subjects[0]
            if child.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                return current.head, passive
            return child, passive
        if current.dep_ == "relcl" and not is_infinitival(current):
            return current.head, passive
        if current.dep_ == "relcl":  # infinitival: the subject is the governing verb's
            current = current.head
            continue
        climbs = {"xcomp", "conj", "advcl", "acl", "pcomp"}
        if current.dep_ == "xcomp" and current.head.lemma_ in OBJECT_CONTROL:
            objects = [c for c in current.head.children if c.dep_ in {"dobj", "dative"}]
            if objects:  # "urged allies to supply": the allies supply
                return objects[0], passive
        if current.dep_ in climbs and current.head.i != current.i:
            head = current.head
            if current.dep_ == "acl" and not is_verbal(head):
                current = head
                continue
            if current.dep_ == "pcomp":
                head = head.head
            current = head
            continue
        return None, passive
    return None, passive


def conjuncts_and_self(token: Token) -> list[Token]:
    return [token, *token.conjuncts]


def in_subtree(token: Token, root: Token) -> bool:
    return root.left_edge.i <= token.i <= root.right_edge.i and (
        token.i == root.i or any(a.i == root.i for a in token.ancestors)
    )
