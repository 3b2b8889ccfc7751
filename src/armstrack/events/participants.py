"""Who supplies whom: participants of a trigger from the parse and the knowledge base.

Roles come from grammar first (the subject of "sell" supplies, the subject of
"buy" receives, "to X" receives, "from X" supplies), then from the knowledge
base (a system's origin state supplies it unless the article says otherwise),
and only then from the article's context (the state the previous sentences are
about).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Token

from armstrack.events.lexicon import (
    GO_AHEAD_VERBS,
    ORIGIN_PARTICIPLES,
    PERSONAL_PRONOUNS,
    RECEIVING_GOVERNORS,
    RELATIVE_PRONOUNS,
    SIGNING_VERBS,
    TARGET_GOVERNORS,
    WARNING_VERBS,
    WINNING_GOVERNORS,
)
from armstrack.events.syntax import (
    conjuncts_and_self,
    is_verbal,
    subject,
)
from armstrack.events.triggers import Trigger, sense_of
from armstrack.nlp.entities import Mention

PHRASE_STOP_DEPS = {"relcl", "acl", "advcl", "appos", "conj", "cc", "punct", "ccomp", "xcomp"}


@dataclass
class Roles:
    supplier: list[str] = field(default_factory=list)
    recipient: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)  # mutual: either side
    cutter: list[str] = field(default_factory=list)  # who cancels/suspends
    actor: list[str] = field(default_factory=list)
    target: list[str] = field(default_factory=list)


class PartyIndex:
    """Party mentions of one document by token, with pronoun resolution."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.by_token: dict[int, Mention] = {}
        self.ordered = [m for m in mentions if m.kind in {"state", "organisation"} and m.party]
        #: How often each state is named: the article's focus breaks ties in fallbacks.
        self.salience = Counter(m.party for m in self.ordered if m.kind == "state")
        for mention in self.ordered:
            for i in range(mention.start, mention.end):
                self.by_token[i] = mention

    def phrase_parties(self, token: Token) -> list[str]:
        """Parties named inside the noun phrase headed by ``token`` ("Turkish President X")."""
        if token.lower_ in PERSONAL_PRONOUNS | RELATIVE_PRONOUNS:
            resolved = self.resolve_pronoun(token)
            return [resolved] if resolved else []
        found: list[tuple[int, str]] = []
        stack = [token]
        while stack:
            current = stack.pop()
            mention = self.by_token.get(current.i)
            if mention is not None and not _names_origin(current):
                found.append((abs(current.i - token.i), mention.party))
            for child in current.children:
                if child.dep_ in PHRASE_STOP_DEPS:
                    continue
                if child.dep_ == "prep" and child.lower_ != "of":
                    continue
                stack.append(child)
        found.sort()
        parties: list[str] = []
        for _, party in found:
            if party not in parties:
                parties.append(party)
        return parties

    def resolve_pronoun(self, token: Token) -> str | None:
        if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            antecedent = token.head.head
            parties = self.phrase_parties(antecedent)
            return parties[0] if parties else None
        if token.lower_ in {"we", "our", "he", "she"}:
            return None
        before = [m for m in self.ordered if m.end <= token.i and m.kind == "state"]
        if not before:
            return None
        governing = self._governing_party(token)
        if governing:
            return governing
        sentence = token.sent
        in_sentence = [m for m in before if m.start >= sentence.start]
        if in_sentence:
            return in_sentence[-1].party
        return None  # the article's own events settle it (see extract._settle_weak_parties)

    def _governing_party(self, pronoun: Token) -> str | None:
        """ "Turkey announced that it ...": the subject (or, for "warned Egypt that it", the
        object) of the clause that governs the pronoun's clause."""
        clause = pronoun.head
        for _ in range(4):
            if clause.head.i == clause.i or clause.dep_ not in {"ccomp", "conj", "xcomp",
                                                                "advcl"}:
                return None
            clause = clause.head
            warns = clause.lemma_ in WARNING_VERBS
            for deps in ({"dobj", "dative"}, {"nsubj"}) if warns else ({"nsubj"},):
                for child in clause.children:
                    mention = self.by_token.get(child.i)
                    if child.dep_ in deps and child.i < pronoun.i and mention is not None:
                        return mention.party
        return None

    def most_salient(self, parties: list[str], exclude: set[str] = frozenset()) -> str | None:
        """The party of ``parties`` the article names most often (first named on ties)."""
        best = None
        for party in parties:
            if party in exclude:
                continue
            if best is None or self.salience[party] > self.salience[best]:
                best = party
        return best

    def focus(self, exclude: set[str]) -> str | None:
        for party, _ in self.salience.most_common():
            if party not in exclude:
                return party
        return None

    def parties_of(self, tokens: list[Token]) -> list[str]:
        out: list[str] = []
        for token in tokens:
            for conj in conjuncts_and_self(token):
                for party in self.phrase_parties(conj):
                    if party not in out:
                        out.append(party)
        return out


#: "-made", "-built", ...: the suffix forms of the origin participles.
_ORIGIN_SUFFIXES = tuple(f"-{word}" for word in sorted(ORIGIN_PARTICIPLES))


def _names_origin(token: Token) -> bool:
    """ "U.S.-made launchers": the state made them; it is not the one holding them."""
    text = token.text.lower()
    following = token.nbor(1).text.lower() if token.i + 1 < len(token.doc) else ""
    after = token.nbor(2).text.lower() if token.i + 2 < len(token.doc) else ""
    return text.endswith(_ORIGIN_SUFFIXES) or (following == "-" and after in ORIGIN_PARTICIPLES)


def _sentence_start_before(sentence, count: int) -> int:
    """Token index where the sentence ``count`` sentences before this one starts."""
    doc = sentence.doc
    start = sentence.start
    for _ in range(count):
        if start == 0:
            break
        start = doc[start - 1].sent.start
    return start


def _prep_parties(index: PartyIndex, token: Token, preps: set[str]) -> list[str]:
    """Parties in "to X"/"from X" phrases of a token, also one level down ("delivery of Patriot
    spares to Poland" attaches "to Poland" to "spares")."""
    out: list[str] = []
    queue = [token]
    queue.extend(c for c in token.children if c.dep_ in {"prep", "dobj", "pobj"})
    queue.extend(g for c in token.children if c.dep_ == "prep" for g in c.children
                 if g.dep_ == "pobj")
    for current in queue:
        for child in current.children:
            if child.dep_ in {"prep", "agent", "dative"} and child.lower_ in preps and \
                    child.head.lower_ != "according":  # "according to the Russian newspaper"
                objects = [g for g in child.children if g.dep_ in {"pobj", "pcomp"}]
                for party in index.parties_of(objects):
                    if party not in out:
                        out.append(party)
    return out


def _object_parties(index: PartyIndex, token: Token) -> list[str]:
    objects = [c for c in token.children if c.dep_ in {"dobj", "dative"}]
    return index.parties_of(objects)


def _governor(token: Token) -> Token | None:
    """The verb a nominal trigger is the object of (or "in talks": the verb of the prep)."""
    head = token.head
    if token.dep_ in {"dobj", "attr", "nsubjpass", "oprd"} and is_verbal(head):
        return head
    if token.dep_ == "pobj" and head.dep_ == "prep" and is_verbal(head.head):
        return head.head
    if token.dep_ == "compound":
        return _governor(head)
    return None


def _takes_governor_subject(token: Token) -> bool:
    """ "Turkey placed an order", "Turkey is in talks": yes; "sanctions for its deal": no."""
    if token.dep_ == "compound":
        return _takes_governor_subject(token.head)
    if token.dep_ in {"dobj", "attr", "oprd"}:
        return True
    if token.dep_ != "pobj":
        return False
    prep = token.head
    if prep.lower_ == "with":  # "should the navy press ahead with the order"
        return prep.head.lemma_ in GO_AHEAD_VERBS
    return prep.lower_ in {"in", "into", "on", "of"}


def collect_roles(trigger: Trigger, index: PartyIndex) -> Roles:
    roles = Roles()
    for token in [trigger.token, *trigger.content]:
        sense = trigger.sense if token.i == trigger.token.i else (sense_of(token) or trigger.sense)
        _roles_of_token(token, sense.direction, index, roles)
    return roles


def _roles_of_token(token: Token, direction: str, index: PartyIndex, roles: Roles) -> None:
    verbal = is_verbal(token)
    subj_token, passive = subject(token) if verbal else (None, False)
    if verbal and token.dep_ == "acl" and token.tag_ == "VBN":
        passive = True  # "Su-25 jets donated by Belarus"
    governor = None if verbal else _governor(token)
    if not verbal and governor is not None and _takes_governor_subject(token):
        subj_token, _ = subject(governor)
    subj = index.parties_of([subj_token]) if subj_token is not None else []
    if not verbal and not subj:  # "framework agreements that Warsaw and Seoul signed"
        signers = [s for c in token.children if c.dep_ in {"relcl", "acl"} and
                   c.lemma_ in SIGNING_VERBS for s in c.children if s.dep_ == "nsubj"]
        subj = index.parties_of(signers)
    if not verbal:
        possessors = [c for c in token.children if c.dep_ in {"poss", "compound", "amod", "nmod"}]
        own = index.parties_of(possessors)
    else:
        own = []
    to = _prep_parties(index, token, {"to", "for", "into"})
    from_ = _prep_parties(index, token, {"from"})
    with_ = _prep_parties(index, token, {"with", "between"})
    if not verbal and governor is not None and token.dep_ in {"dobj", "attr"}:
        # "agreed the sale with his Greek opposite number": the verb carries the preps
        to += _prep_parties(index, governor, {"to"})
        from_ += _prep_parties(index, governor, {"from"})
        with_ += _prep_parties(index, governor, {"with"})
    by = _prep_parties(index, token, {"by"})
    at = _prep_parties(index, token, {"in", "at", "on", "against", "into"})
    objects = _object_parties(index, token) if verbal else []

    if not verbal and governor is not None and governor.lemma_ in WINNING_GOVERNORS and \
            direction in {"mutual", "acquire"}:
        # "the yard won an order for four frigates from Egypt": the winner sells
        roles.supplier += subj + own
        roles.recipient += from_ + to
        return
    if direction == "provide":
        if not verbal and governor is not None and governor.lemma_ in RECEIVING_GOVERNORS:
            roles.recipient += subj
        elif passive:
            roles.recipient += subj
            roles.supplier += by
        else:
            roles.supplier += subj
            roles.recipient += objects
        roles.supplier += own
        roles.recipient += to
        roles.supplier += from_
    elif direction == "acquire":
        if passive:
            roles.recipient += by
        else:
            roles.recipient += subj
        if verbal and not subj:  # "the first launchers have arrived in Ukraine"
            roles.recipient += _prep_parties(index, token, {"in", "at"})
        roles.recipient += own
        roles.supplier += from_ + with_
        if not verbal:
            roles.recipient += to
    elif direction == "mutual":
        roles.parties += own + subj + with_ + objects
        roles.recipient += to
        roles.supplier += from_
    elif direction == "hold":
        if passive:
            roles.recipient += by + at
        else:
            roles.recipient += subj or at
            if not subj:
                roles.recipient += own
    elif direction == "cut":
        roles.cutter += subj + own + by
        roles.recipient += objects + to
        roles.supplier += from_
    elif direction == "sanction":
        if verbal:
            if passive:
                roles.target += subj
                roles.actor += by
            else:
                roles.actor += subj
                roles.target += objects
        else:
            if governor is not None and governor.lemma_ in TARGET_GOVERNORS:
                roles.target += subj
            else:
                roles.actor += subj
            roles.actor += own
        roles.target += _prep_parties(index, token, {"on", "against", "over"}) + to
        if governor is not None:
            roles.target += _prep_parties(index, governor, {"on", "against"})
