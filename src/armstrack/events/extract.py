"""Typed events out of one parsed article (SPEC.md §2-§5).

For each sentence of the body: find triggers (``triggers``), their participants
(``participants``), weapon system, factuality (``modality``), time (the
temporal tagger), quantity and value (``amounts``) and source
(``attribution``); then merge the mentions of one real-world event within the
article (``merge``). Each step is a small function with one job so that a rule
can be read, tested and changed on its own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from spacy.tokens import Doc, Span, Token

from armstrack.events import amounts, attribution, modality
from armstrack.events.lexicon import (
    ANAPHOR_CATEGORIES,
    ANAPHORIC_WEAPON_NOUNS,
    BUSINESS_FIGURE_NOUNS,
    BUSINESS_MODIFIERS,
    COMPETITION_FRAMES,
    COMPETITION_WORDS,
    EVENT_GOVERNORS,
    GENERIC_ARMS,
    LINEAR_RIVAL_WORDS,
    PROPERTY_NOUNS,
    REPORTING_VERBS,
    RIVAL_WORDS,
    SANCTION_WARNING_VERBS,
    TALKED_ABOUT,
    US_SANCTION_WORDS,
    TriggerSense,
)
from armstrack.events.merge import merge_events
from armstrack.events.participants import PartyIndex, Roles, collect_roles
from armstrack.events.syntax import in_subtree, subject
from armstrack.events.triggers import Trigger, find_triggers
from armstrack.model import Article, Event, Interval
from armstrack.nlp.entities import Mention, doc_datelines, mentions_of

#: Party codes that are never the supplier or recipient of a transfer in practice.
NON_TRANSFER_PARTIES = {"NATO", "UN", "EU"}


@dataclass
class SentenceContext:
    """What earlier sentences of the article established: recent systems and states."""

    systems: list[Mention]
    states: list[Mention]


def _systems_in(mentions: list[Mention], sentence: Span) -> list[Mention]:
    return [m for m in mentions if m.kind == "system" and sentence.start <= m.start < sentence.end]


def _states_in(mentions: list[Mention], sentence: Span) -> list[Mention]:
    return [m for m in mentions if m.kind in {"state", "organisation"} and m.party
            and sentence.start <= m.start < sentence.end]


def _trigger_tokens(trigger: Trigger) -> list[Token]:
    return [trigger.token, *trigger.content]


def _is_rival(mention: Mention, doc: Doc, stop: Token | None) -> bool:
    """A system named as a rival or predecessor ("to replace its Tornados", "beating X")."""
    if stop is not None and stop.i < mention.start and any(
            t.lower_ in LINEAR_RIVAL_WORDS and t.dep_ not in {"prt", "quantmod", "advmod"}
            # "handed over", "more than 20", "over 30 jets" name no rival
            for t in doc[stop.i + 1 : mention.start]):
        return True  # "picked the Gripen last year over second-hand Rafales" (flat parse)
    current = doc[mention.start : mention.end].root
    for _ in range(12):
        if stop is not None and current.i == stop.i:
            return False
        if current.lemma_.lower() in RIVAL_WORDS and current.i not in range(mention.start,
                                                                            mention.end):
            return True
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def _in_clause(token: Token, root: Token) -> bool:
    """``token`` is in ``root``'s subtree without crossing into another clause (a conjoined or
    subordinate verb: "received drones from China and has taken Pantsir systems")."""
    if not in_subtree(token, root):
        return False
    current = token
    while current.i != root.i:
        if current.pos_ in {"VERB", "AUX"} and current.dep_ in {"conj", "advcl", "ccomp",
                                                               "parataxis"}:
            return False
        current = current.head
    return True


def _systems_for(trigger: Trigger, sentence_systems: list[Mention]) -> list[Mention]:
    """Systems the trigger is about: those in its phrase (each family once), else the nearest."""
    doc = trigger.token.doc
    roots = _trigger_tokens(trigger)
    token = trigger.token
    if token.dep_ == "relcl":  # "howitzers that Poland has sent": the head noun is the object
        heads = {token.head.i, *(c.i for c in token.head.conjuncts)}
        own = [m for m in sentence_systems if m.root(doc).i in heads
               or m.root(doc).head.i in heads]
        if own:
            return list({(m.entry.family_name or m.entry.name): m for m in own}.values())
    sentence_systems = [m for m in sentence_systems if not _is_rival(m, doc, trigger.token)]
    if token.pos_ in {"VERB", "AUX"}:  # "the first 10 K2 tanks ... are to be delivered"
        theme, passive = subject(token)
        if passive and theme is not None and theme.ent_type_ not in {"ARMS_STATE", "ARMS_ORG"}:
            roots = [*roots, theme]
    inside = [m for m in sentence_systems
              if any(_in_clause(m.root(doc), r) for r in roots)]
    if inside:
        families: dict[str, Mention] = {}
        for mention in inside:
            families.setdefault(mention.entry.family_name or mention.entry.name, mention)
        return list(families.values())
    if not sentence_systems or _unknown_designation(trigger, set()):
        return []  # "took delivery of four XR-7B drones": not the Tor named later in the sentence
    nearest = min(sentence_systems, key=lambda m: abs(m.start - trigger.token.i))
    return [nearest]


def _anaphor(trigger: Trigger, sentence: Span) -> str | None:
    """A generic weapon noun in the trigger's phrase or sentence ("the missile system")."""
    for token in sentence:
        lemma = token.lemma_.lower()
        if token.pos_ == "NOUN" and lemma in ANAPHORIC_WEAPON_NOUNS and \
                token.dep_ not in {"compound", "nmod", "amod"}:  # "twin-engine fighters"
            return lemma
    return None


def _generic_object(trigger: Trigger) -> bool:
    """ "ship more weapons", "military technology": the article names no system for this event."""
    for root in _trigger_tokens(trigger):
        for child in root.children:
            if child.dep_ in {"dobj", "pobj", "nsubjpass", "compound", "amod"} and \
                    child.lemma_.lower() in GENERIC_ARMS:
                return True  # "to ship more arms", "arms sales"
            if child.dep_ == "prep":
                for grand in child.children:
                    if grand.dep_ == "pobj" and grand.lemma_.lower() in GENERIC_ARMS:
                        return True
    return False


_DESIGNATION = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Z0-9][A-Za-z0-9./-]{1,14}$")


def _unknown_designation(trigger: Trigger, inside_mention: set[int]) -> bool:
    """ "to sell its ZX-9 trainers", "four XR-7B drones": the article names a system the
    knowledge base does not know, so no earlier system may stand in for it."""
    for root in _trigger_tokens(trigger):
        for child in root.children:
            if child.dep_ not in {"dobj", "nsubjpass", "dative", "pobj", "prep"}:
                continue
            tokens = [t for t in child.subtree if t.i not in inside_mention
                      and t.ent_type_ not in {"DATE", "MONEY", "PERCENT", "TIME", "QUANTITY"}]
            words = "".join(t.text_with_ws for t in tokens).split()
            if any(_DESIGNATION.match(w) and not w.replace(",", "").isdigit() for w in words):
                return True
    return False


def _context_system(context: SentenceContext, anaphor: str | None) -> Mention | None:
    """The system an article is about: named most often so far (the headline counts twice),
    of the kind a generic noun ("the jets") refers to; ties go to the latest named."""
    wanted = ANAPHOR_CATEGORIES.get(anaphor or "")
    scores: dict[str, float] = {}
    latest: dict[str, Mention] = {}
    for position, mention in enumerate(context.systems):
        if wanted is not None and mention.entry.category not in wanted:
            continue
        family = mention.entry.family_name or mention.entry.name
        weight = 2.0 if mention.start < 0 else 1.0
        scores[family] = scores.get(family, 0.0) + weight + position * 1e-3
        latest[family] = mention
    if not scores:
        return None
    return latest[max(scores, key=scores.__getitem__)]


def _reports_event(trigger: Trigger) -> bool:
    """A nominal trigger with no system in its sentence must be what its clause reports."""
    token = trigger.token
    if token.pos_ not in {"NOUN", "PROPN"}:
        return True
    head = token.head
    if token.dep_ == "pobj":
        head = head.head
    if token.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "ROOT", "appos"}:
        return head.lemma_.lower() in EVENT_GOVERNORS or token.dep_ == "ROOT"
    return False


def _title_systems(article: Article) -> list[Mention]:
    """Systems a headline names: context for the first sentences that say "the jets"."""
    if not article.title:
        return []
    from armstrack.kb import load_kb

    return [Mention(-1, -1, -1, -1, m.text, m.entry, m.form)
            for m in load_kb().find(article.title) if m.entry.kind == "system"]


def weak_party(roles: Roles, event_type: str) -> bool:
    """True when the recipient (or sanction target) was not given by grammar but guessed."""
    if event_type == "sanction":
        return not roles.target
    return not (roles.recipient or len(roles.parties) >= 2)


def _settle_weak_parties(events: list[Event]) -> None:
    """Guessed recipients become the recipient the article's grammar named last before them.

    A sentence such as "Deliveries could begin in 2021" names no recipient; the
    state that the article's preceding events explicitly name as recipient is a
    better guess than whichever state the sentence happens to mention.
    """
    explicit = [(i, e.target if e.type == "sanction" else e.recipient)
                for i, e in enumerate(events)
                if (e.target if e.type == "sanction" else e.recipient)
                and not e.extra.get("weak_party")]
    if not explicit:
        return
    counts = Counter(r for _, r in explicit)
    for position, event in enumerate(events):
        if not event.extra.get("weak_party"):
            continue
        excluded = event.actor if event.type == "sanction" else event.supplier
        before = [r for i, r in explicit if i < position and r != excluded]
        nearby = event.extra.get("nearby_states", set())
        before = [r for r in before if r in nearby]
        best = before[-1] if before else next(
            (r for r, _ in counts.most_common() if r != excluded and r in nearby), None)
        if best is None:
            event.extra["unsupported"] = True
            continue
        if event.type == "sanction":
            event.target = best
        else:
            event.recipient = best


#: Stages of one deal that a single sentence reports once ("signed an agreement to buy",
#: "ordered ..., selecting the Swedish jet"): the most advanced is kept.
_STAGES = {"negotiation": 0, "agreement": 1, "contract": 2}


def _one_stage_per_sentence(events: list[Event]) -> list[Event]:
    best: dict[tuple, Event] = {}
    for event in events:
        if event.type not in _STAGES:
            continue
        key = (event.offsets, event.supplier, event.recipient, (event.system or "").lower())
        kept = best.get(key)
        if kept is None or _STAGES[event.type] > _STAGES[kept.type]:
            best[key] = event
    keep = {id(e) for e in best.values()}
    return [e for e in events if e.type not in _STAGES or id(e) in keep]


def _settle_default_suppliers(events: list[Event]) -> None:
    """A supplier defaulted to the system's origin yields to the one the article names.

    "Denmark will give Ukraine F-16s ... the first six could be handed over around
    the new year": the second sentence names no supplier, and the origin (USA) is
    wrong; second-hand and re-exported systems are common, so the supplier the
    article's own grammar gave for the same system and recipient wins.
    """
    named: dict[tuple, list[str]] = {}
    for event in events:
        if event.type != "sanction" and not event.extra.get("origin_supplier"):
            named.setdefault((event.system, event.recipient), []).append(event.supplier)
    for event in events:
        if event.extra.get("origin_supplier"):
            suppliers = named.get((event.system, event.recipient))
            if suppliers:
                event.supplier = Counter(suppliers).most_common(1)[0][0]


def _first(values: list[str], exclude: set[str] = frozenset()) -> str | None:
    for value in values:
        if value not in exclude:
            return value
    return None


@dataclass
class Parties:
    supplier: str | None
    recipient: str | None
    actor: str | None = None
    target: str | None = None
    supplier_is_origin_default: bool = False


def _resolve_transfer(roles: Roles, origin: str | None, sentence_states: list[str],
                      context_states: list[str], index: PartyIndex) -> Parties | None:
    """Supplier and recipient: grammar first, then the system's origin, then context."""
    blocked = set(NON_TRANSFER_PARTIES)
    sides = [p for p in roles.parties if p not in blocked]
    supplier = _first(roles.supplier, blocked)
    if supplier is None and origin and (origin in sides or origin in roles.cutter
                                        or (origin in roles.recipient
                                            and len(set(roles.recipient)) > 1)):
        supplier = origin
    if supplier is None and origin and len(sides) >= 2 and not roles.recipient:
        return None  # e.g. US-Turkey talks *about* a Russian system: diplomacy, not a transfer
    defaulted = supplier is None
    supplier = supplier or origin
    if supplier and roles.recipient and roles.recipient[0] == supplier and not sides:
        return None  # "the US Army will order more Abrams": domestic procurement, not a transfer
    exclude = blocked | ({supplier} if supplier else set())
    recipient = _first(roles.recipient + sides + roles.cutter, exclude)
    if recipient is None:
        focus = index.focus(exclude)
        nearby = set(sentence_states) | set(context_states[-6:])
        if focus is not None and focus in nearby:
            recipient = focus
    if recipient is None:
        recipient = _first(sentence_states, exclude)
    if recipient is None:
        recipient = index.focus(exclude)
    if supplier is None or recipient is None or supplier == recipient:
        return None
    return Parties(supplier, recipient, supplier_is_origin_default=defaulted)


def _resolve_sanction(roles: Roles, sentence: Span, sentence_states: list[str],
                      context_states: list[str], index: PartyIndex) -> Parties | None:
    actor = _first(roles.actor)
    if actor is None and any(t.lower_ in US_SANCTION_WORDS for t in sentence):
        actor = "USA"
    if actor is None:  # "Washington warned Cairo that it could face sanctions"
        warners = [t for t in sentence if t.lemma_ in SANCTION_WARNING_VERBS]
        for warner in warners:
            subject_parties = index.parties_of([c for c in warner.children if c.dep_ == "nsubj"])
            if subject_parties:
                actor = subject_parties[0]
                break
    exclude = set(NON_TRANSFER_PARTIES) | ({actor} if actor else set())
    target = _first(roles.target, exclude)
    if target is None:
        target = _first(sentence_states, exclude)
    if target is None:
        target = index.most_salient(list(reversed(context_states)), exclude)
    if actor is None or target is None or actor == target:
        return None
    return Parties(None, None, actor=actor, target=target)


def _attached_timex(trigger: Trigger, timexes: list[Any], reporter: Token | None) -> Any:
    """The time expression attached to the trigger's clause chain or inside its phrase."""
    chain, _ = modality.clause_chain(trigger.token, trigger.type)
    chain_ids = {t.i for t in chain}
    roots = _trigger_tokens(trigger)
    doc = trigger.token.doc
    best = None
    for timex in timexes:
        head_i = getattr(timex, "head_i", None)
        if reporter is not None and head_i == reporter.i:
            continue
        span = doc.char_span(timex.start_char, timex.end_char, alignment_mode="expand")
        inside = span is not None and any(in_subtree(span.root, r) for r in roots)
        near = head_i is not None and head_i in {trigger.token.head.i, trigger.token.head.head.i}
        if head_i in chain_ids or inside or near:
            distance = abs((span.start if span is not None else 0) - trigger.token.i)
            if best is None or distance < best[0]:
                best = (distance, timex)
    return best[1] if best else None


def assign_times(triggers: list[Trigger], timexes: list[Any]) -> dict[int, Interval | None]:
    """Each trigger's time: its attached expression, else the nearest one no trigger claims.

    The small parser often hangs "in 2015" on the wrong word; a time expression
    that no other event of the sentence claims, and that does not date the
    reporting ("..., the ministry said on Tuesday"), belongs to the nearest trigger.
    """
    if triggers:  # a dateline's date is when the story was filed, not when things happened
        datelines = doc_datelines(triggers[0].token.doc)
        timexes = [t for t in timexes
                   if not any(start <= t.start_char < end for start, end in datelines)]
    attached: dict[int, Any] = {}
    for trigger in triggers:
        timex = _attached_timex(trigger, timexes, _reporting_head(trigger))
        if timex is not None:
            attached[trigger.token.i] = timex
    claimed = {id(t) for t in attached.values()}
    for trigger in triggers:
        if trigger.token.i in attached:
            continue
        reporter = _reporting_head(trigger)
        free = [t for t in timexes if id(t) not in claimed and t.interval is not None
                and not (reporter is not None and t.head_i == reporter.i)
                and not _dates_reporting(t, trigger.token.doc)]
        if not free and _is_perfect(trigger.token):
            # "X has cancelled the order, its ministry said on Friday": the statement dates it
            free = [t for t in timexes if id(t) not in claimed and t.interval is not None
                    and t.interval.start is not None and t.interval.start == t.interval.end]
        if free:
            doc = trigger.token.doc
            attached[trigger.token.i] = min(
                free, key=lambda t: abs(doc.char_span(t.start_char, t.end_char,
                                                      alignment_mode="expand").start
                                        - trigger.token.i))
    return {i: t.interval for i, t in attached.items()}


def _is_perfect(token: Token) -> bool:
    """Present perfect or present: news of something that has just happened."""
    verb = token if token.pos_ in {"VERB", "AUX"} else token.head
    if verb.pos_ not in {"VERB", "AUX"}:
        return False
    auxes = {c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}}
    return bool(auxes & {"has", "have"}) and not auxes & {"had", "will", "would"}


def _dates_reporting(timex: Any, doc: Doc) -> bool:
    head_i = getattr(timex, "head_i", None)
    return head_i is not None and doc[head_i].lemma_ in REPORTING_VERBS


def _per_counterpart(roles: Roles, system: Mention | None) -> list[Roles]:
    """ "New Delhi is in talks with Vietnam and Indonesia": one event per counterpart of the
    system's origin state, each a transfer of its own in the register."""
    origin = getattr(system.entry, "origin", None) if system is not None else None
    sides = [p for p in dict.fromkeys(roles.parties) if p not in NON_TRANSFER_PARTIES]
    if origin not in sides or len(sides) < 3 or roles.recipient:
        return [roles]
    return [replace(roles, parties=[origin, side]) for side in sides if side != origin]


def _in_future(when: Interval | None, published: date) -> bool:
    """Whether a time lies wholly after publication (a deadline: more than a year after)."""
    if when is None:
        return False
    if when.start is not None:
        return when.start > published
    return when.end is not None and (when.end - published).days > 365


def _is_interest(token: Token) -> bool:
    """A purchase only sought or competed for: talks, not a contract (SPEC.md §2).

    An interest or competition word governs the trigger within a few content
    words: "wants to buy", "is considering buying", "their interest in
    acquiring", "the race for the contract", "a bid for the order", "vying to
    win the deal", "ready to sell". A contract still to be won ("to win",
    "winning") is a prize; one that was won ("won the order") is not.
    """
    for governor in _governors(token, 3):
        lemma = governor.lemma_.lower()
        if lemma in COMPETITION_FRAMES or (lemma == "win" and governor.tag_ in {"VB", "VBG"}):
            return True
    return False


def _governors(token: Token, limit: int) -> list[Token]:
    """The nearest ``limit`` content words above ``token`` in the parse."""
    found: list[Token] = []
    while token.head.i != token.i and len(found) < limit:
        token = token.head
        if token.pos_ in {"VERB", "NOUN", "ADJ", "PROPN"}:
            found.append(token)
    return found


def _competition_events(article: Article, sentences: list[Span], mentions: list[Mention],
                        parties: PartyIndex, events: list[Event]) -> list[Event]:
    """Bids in a competition: each system named beside a competition word is offered.

    A tender sentence lists its contenders without a transfer verb for each
    ("the Rafale, the Typhoon and the Gripen are competing for the order"); the
    trigger rules take such systems for rivals. Here each contender becomes a
    `negotiation` from its origin state to the buyer: the state the sentence
    names that is no contender's origin nor a contender's maker's home, else
    the state the article is about.
    These are candidates like any other: the learned layer decides.
    """
    seen = {(e.type, e.supplier, e.recipient, e.system) for e in events}
    recipients = [e.recipient for e in events if e.recipient and not e.extra.get("weak_party")]
    out: list[Event] = []
    for sentence in sentences:
        if not any(t.lemma_.lower() in COMPETITION_WORDS or t.lower_ in COMPETITION_WORDS
                   for t in sentence):
            continue
        systems = _systems_in(mentions, sentence)
        if not systems:
            continue
        named_parties = _states_in(mentions, sentence)
        # contenders' origins and their makers' home states ("Italy's Leonardo") sell, not buy
        origins = {m.entry.origin or m.entry.state for m in systems} | {
            m.party for m in named_parties if m.kind == "organisation"}
        states = [p for p in dict.fromkeys(m.party for m in named_parties if m.kind == "state")
                  if p not in origins and p not in NON_TRANSFER_PARTIES]
        named = bool(states)
        buyer = states[0] if named else next(
            (r for r in reversed(recipients) if r not in origins), None) or parties.focus(origins)
        if buyer is None:
            continue
        text = sentence.text.strip()
        start = article.body_start + sentence.start_char + (len(sentence.text)
                                                           - len(sentence.text.lstrip()))
        for mention in {m.entry.family_name or m.entry.name: m for m in systems}.values():
            origin = mention.entry.origin or mention.entry.state
            family = mention.entry.family_name or mention.entry.name
            key = ("negotiation", origin, buyer, family)
            if origin is None or origin == buyer or key in seen:
                continue
            seen.add(key)
            event = Event(article=article.id, type="negotiation", modality="asserted",
                          supplier=origin, recipient=buyer, system=family,
                          variant=mention.entry.name if mention.entry.name != family else None,
                          evidence=text, offsets=(start, start + len(text)), trigger="competition")
            event.extra.update(competition=True, weak_party=not named, origin_supplier=True,
                               system_from_context=False, trigger_lemma="competition",
                               category=mention.entry.category)
            out.append(event)
    return out


def _reporting_head(trigger: Trigger) -> Token | None:
    _, reporter = modality.clause_chain(trigger.token, trigger.type)
    return reporter


def default_reviewer() -> Any | None:
    """The learned layer that reviews rule candidates, as ``$ARMSTRACK_LEARNED`` says.

    Unset: the shipped model (``events/data/model.json``); ``off``: none, the
    rules alone decide (for comparisons); a path: that model file.
    """
    import os
    from pathlib import Path

    from armstrack.events.learned import load_layer

    setting = os.environ.get("ARMSTRACK_LEARNED", "").strip()
    if setting.lower() in {"off", "0", "no", "none", "rules"}:
        return None
    return load_layer(Path(setting)) if setting else load_layer()


class ArticleExtractor:
    """Turns one parsed article into events; holds the compiled tools, not per-article state.

    ``reviewer`` (anything with ``review(events, doc, article) -> events``) sees
    the rule candidates of each article last: by default the learned layer.
    """

    _DEFAULT: Any = object()

    def __init__(self, tagger: Any | None = None, reviewer: Any = _DEFAULT) -> None:
        if tagger is None:
            from armstrack.nlp.timex import TimexTagger

            tagger = TimexTagger()
        self.tagger = tagger
        self.reviewer = default_reviewer() if reviewer is ArticleExtractor._DEFAULT else reviewer

    def extract(self, article: Article, doc: Doc) -> list[Event]:
        """Events of an article whose body was parsed into ``doc``."""
        published = article.published or date.today()
        mentions = mentions_of(doc)
        parties = PartyIndex(mentions)
        inside_mention = {i for m in mentions for i in range(m.start, m.end)}
        sentences = list(doc.sents)
        context = SentenceContext(systems=_title_systems(article), states=[])
        events: list[Event] = []
        for index, sentence in enumerate(sentences):
            events.extend(
                self._sentence_events(article, sentence, sentences, index, mentions, parties,
                                      inside_mention, context, published)
            )
            context.systems.extend(m for m in _systems_in(mentions, sentence)
                                   if not _is_rival(m, doc, None))
            context.states.extend(m for m in _states_in(mentions, sentence) if m.kind == "state")
        _settle_weak_parties(events)
        _settle_default_suppliers(events)
        events.extend(_competition_events(article, sentences, mentions, parties, events))
        events = [e for e in events if not e.extra.get("unsupported")]
        for event in events:  # working notes, not provenance
            event.extra.pop("nearby_states", None)
        events = merge_events(_one_stage_per_sentence(events))
        if self.reviewer is not None:
            events = merge_events(self.reviewer.review(events, doc, article),
                                  by_factuality=False)
        for event in events:  # what the reviewer read, not provenance
            for note in ("origin_supplier", "trigger_lemma", "category"):
                event.extra.pop(note, None)
        return events

    def _sentence_events(self, article: Article, sentence: Span, sentences: list[Span],
                         index: int, mentions: list[Mention], parties: PartyIndex,
                         inside_mention: set[int], context: SentenceContext,
                         published: date) -> list[Event]:
        triggers = find_triggers(sentence, inside_mention)
        if not triggers:
            return []
        sentence_systems = _systems_in(mentions, sentence)
        sentence_states = [m.party for m in _states_in(mentions, sentence)]
        context_states = [m.party for m in context.states[-8:]]
        timexes = self.tagger.tag(sentence, published)
        source = attribution.paragraph_speaker(sentences, index)
        offset = article.body_start
        out: list[Event] = []
        times = assign_times(triggers, timexes)
        for trigger in triggers:
            if _is_talked_about(trigger):
                continue
            roles = collect_roles(trigger, parties)
            systems = _systems_for(trigger, sentence_systems)
            from_context = False
            if not systems and not _generic_object(trigger) and _reports_event(trigger) and \
                    not _unknown_designation(trigger, inside_mention):
                fallback = _context_system(context, _anaphor(trigger, sentence))
                if fallback is not None:
                    systems = [fallback]
                    from_context = True
            if not systems and trigger.type != "sanction":
                continue
            fine = modality.decide(trigger.token, trigger.type)
            if trigger.type == "contract" and _is_interest(trigger.token):
                # SPEC.md §2: "seeks, wants to buy" report talks, which are happening
                talks = TriggerSense("negotiation", trigger.sense.direction)
                trigger = Trigger(trigger.token, talks, trigger.content)
                fine = "negated" if fine in {"negated", "denied"} else "asserted"
            when = times.get(trigger.token.i)
            if fine == "asserted" and trigger.type != "negotiation" and _in_future(when, published):
                fine = "planned"  # "with all 36 handed over by 2040": not yet happened
            pairs = [(system, counterpart) for system in systems or [None]
                     for counterpart in _per_counterpart(roles, system)]
            for system, variant_roles in pairs:
                event = self._build(article, trigger, system, variant_roles, parties, sentence,
                                    sentence_states,
                                    context_states, fine, when, source, offset)
                if event is not None and event.type in {"deployment", "production"} and \
                        weak_party(roles, trigger.type) and event.supplier in sentence_states:
                    continue  # "developed in Ukraine ... entered service": domestic
                if event is not None:
                    event.extra["system_from_context"] = from_context
                    event.extra["weak_party"] = weak_party(roles, trigger.type)
                    event.extra["nearby_states"] = set(sentence_states) | set(context_states[-4:])
                    out.append(event)
        return out

    def _build(self, article: Article, trigger: Trigger, system: Mention | None, roles: Roles,
               index: PartyIndex,
               sentence: Span, sentence_states: list[str], context_states: list[str],
               fine: str, when: Interval | None, source: str | None,
               offset: int) -> Event | None:
        entry = system.entry if system is not None else None
        origin = getattr(entry, "origin", None) or getattr(entry, "state", None)
        if trigger.type == "sanction":
            parties = _resolve_sanction(roles, sentence, sentence_states, context_states, index)
        else:
            parties = _resolve_transfer(roles, origin, sentence_states, context_states, index)
        if parties is None:
            return None
        family = None
        variant = None
        if entry is not None:
            family = entry.family_name or entry.name
            variant = entry.name if entry.name != family else None
        system_tokens = set(range(system.start, system.end)) if system is not None and \
            system.start >= 0 else set()
        text = sentence.text.strip()
        start = offset + sentence.start_char + (len(sentence.text) - len(sentence.text.lstrip()))
        event = Event(
            article=article.id,
            type=trigger.type,
            modality=fine,
            supplier=parties.supplier,
            recipient=parties.recipient,
            actor=parties.actor,
            target=parties.target,
            system=family,
            variant=variant,
            time=when,
            quantity=amounts.find_quantity(sentence, system_tokens),
            value=amounts.find_money(text),
            source=source,
            evidence=text,
            offsets=(start, start + len(text)),
            trigger=trigger.token.text,
        )
        event.extra["origin_supplier"] = parties.supplier_is_origin_default
        event.extra["trigger_lemma"] = trigger.token.lemma_.lower()
        event.extra["trigger_index"] = trigger.token.i
        if entry is not None:
            event.extra["category"] = entry.category
        return event


def _is_talked_about(trigger: Trigger) -> bool:
    token = trigger.token
    if token.pos_ not in {"NOUN", "PROPN"} or trigger.type == "sanction":
        return False
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in PROPERTY_NOUNS:
        return True
    if token.dep_ == "pobj" and head.lower_ in {"under", "per", "via", "through", "within"} and \
            not any(c.dep_ in {"acl", "relcl"} for c in token.children):
        return True  # "under the framework deal, ...": refers to a deal, reports nothing new
    if token.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    if token.lemma_.lower() in BUSINESS_FIGURE_NOUNS and \
            token.tag_ == "NNS" and any(c.lower_ in BUSINESS_MODIFIERS for c in token.children) \
            and not any(c.dep_ == "prep" and c.lower_ == "to" for c in token.children):
        return True  # "increased sales of F-35 jets", "foreign military sales"
    return head.lemma_.lower() in TALKED_ABOUT and token.dep_ in {"dobj", "nsubj", "pobj"}
