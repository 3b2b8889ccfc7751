"""Trigger words of SPEC.md §2 and the cue words of §3, as reviewable tables.

A trigger is a token whose lemma names an event of a transfer's life. Each
entry also says which way the hardware moves relative to the grammatical
subject, which is how suppliers and recipients are told apart:

- ``provide``: the subject gives (sell, supply, deliver, offer): "to X" receives;
- ``acquire``: the subject gets (buy, order, receive): "from X" gives;
- ``mutual``: both sides are parties (talks, sign a contract with);
- ``hold``: the subject holds the system (deploy, produce locally);
- ``cut``: the subject cuts a party off (suspend X from, cancel);
- ``sanction``: actor and target rather than supplier and recipient.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TriggerSense:
    type: str
    direction: str


def _senses(type_: str, direction: str, lemmas: str) -> dict[str, TriggerSense]:
    return {lemma: TriggerSense(type_, direction) for lemma in lemmas.split()}


VERB_TRIGGERS: dict[str, TriggerSense] = {
    **_senses("negotiation", "mutual", "negotiate discuss"),
    **_senses("negotiation", "acquire", "seek request eye"),
    **_senses("negotiation", "provide", "offer pitch propose approve clear authorize authorise "
              "notify"),
    **_senses("negotiation", "acquire", "select choose pick shortlist ask"),
    **_senses("agreement", "mutual", "agree"),
    **_senses("contract", "acquire", "buy purchase order acquire procure import lease"),
    **_senses("contract", "provide", "sell"),
    **_senses("contract", "acquire", "sign"),
    **_senses("delivery", "provide", "deliver supply ship transfer send provide export hand "
              "pledge donate gift give"),
    **_senses("delivery", "acquire", "receive arrive take"),
    **_senses("deployment", "hold", "deploy induct commission activate station operate field "
              "base test"),
    **_senses("cancellation", "cut", "cancel suspend scrap terminate halt freeze block veto "
              "revoke expel exclude abandon drop shelve ditch axe collapse reject"),
    **_senses("sanction", "sanction", "sanction penalize penalise"),
    **_senses("production", "hold", "produce manufacture assemble co-produce coproduce"),
}

NOUN_TRIGGERS: dict[str, TriggerSense] = {
    **_senses("negotiation", "mutual", "talk negotiation discussion"),
    **_senses("negotiation", "provide", "offer proposal"),
    **_senses("negotiation", "acquire", "request bid selection"),
    **_senses("negotiation", "provide", "approval notification"),
    **_senses("agreement", "mutual", "agreement mou memorandum accord"),
    **_senses("contract", "mutual", "contract deal"),
    **_senses("contract", "acquire", "order purchase acquisition procurement"),
    **_senses("contract", "provide", "sale"),
    **_senses("delivery", "provide", "delivery shipment supply transfer handover export pledge "
              "donation"),
    **_senses("delivery", "acquire", "arrival"),
    **_senses("deployment", "hold", "deployment induction commissioning"),
    **_senses("cancellation", "cut", "cancellation suspension termination veto"),
    **_senses("sanction", "sanction", "sanction penalty embargo waiver"),
    **_senses("production", "hold", "production manufacturing assembly co-production"),
}

#: Nouns of an agreement that is in fact a contract ("a purchase agreement").
CONTRACT_AGREEMENT_MODIFIERS = {"purchase", "sale", "sales", "supply", "procurement", "export"}

#: Production needs a local or licensing cue, or "build" would catch every factory story.
LOCAL_CUES = {"locally", "local", "licence", "license", "licensed", "domestically", "indigenous",
              "indigenously", "jointly", "joint", "co-production", "technology"}
#: Words on the path from a trigger to a system that make it a rival or a predecessor, not the
#: system transferred ("to replace its Tornados", "beating the Rafale").
RIVAL_WORDS = {"replace", "replacement", "succeed", "successor", "beat", "outbid", "defeat",
               "rival", "compete", "competitor", "instead", "over", "than", "against", "ahead",
               "retire", "like", "unlike", "versus", "vs", "rather", "alongside", "similar",
               "shoot", "down", "intercept", "counter", "prefer", "preferring", "response",
               "answer", "match", "counterweight"}

#: Interest words that turn a purchase into a negotiation ("wants to buy").
INTEREST_VERBS = {"want", "seek", "look", "eye", "explore", "study", "evaluate", "court",
                  "pursue", "interested"}
#: Reporting verbs: attribution and a boundary for modality.
REPORTING_VERBS = {"say", "tell", "announce", "state", "add", "report", "cite", "quote",
                   "confirm", "claim", "note", "write", "explain", "stress", "insist", "reveal",
                   "disclose", "indicate", "show", "suggest", "argue", "assert", "acknowledge"}

HOPE_WORDS = {"hope", "aim", "wish", "aspire", "dream", "hopeful", "demand", "urge", "want"}
REFUSAL_WORDS = {"refuse", "decline", "reject", "fail"}
DENIAL_WORDS = {"deny", "denial", "dismiss", "refute", "rebut"}
#: Generic nouns that name arms without naming a system: no system is filled in for them.
GENERIC_ARMS = {"arm", "arms", "weapon", "weaponry", "hardware", "equipment", "technology",
                "materiel", "ammunition", "munition"}

#: Nouns that refer back to a system named earlier ("the missiles", "the jets").
ANAPHORIC_WEAPON_NOUNS = {
    "system", "missile", "jet", "fighter", "aircraft", "plane", "warplane", "helicopter",
    "tank", "battery", "launcher", "frigate", "submarine", "ship", "vessel", "corvette",
    "drone", "howitzer", "gun", "radar", "unit", "platform", "interceptor", "rocket",
    "vehicle", "boat", "destroyer", "regiment", "squadron", "airframe", "component", "part",
    "warship", "bomber", "trainer", "transport", "engine", "satellite",
}

#: Words of a competition or tender: every system named beside them is a bid, a `negotiation`
#: between its maker's state and the buyer ("the Gripen and the Rafale are vying for Brazil's
#: order", "was shortlisted", "the front-runner").
COMPETITION_WORDS = {
    "compete", "competition", "competitor", "competing", "tender", "bid", "bidder", "bidding",
    "contest", "contender", "race", "shortlist", "shortlisted", "front-runner", "frontrunner",
    "favourite", "favorite", "vie", "vying", "finalist", "run-off", "runoff", "rival",
    "contention", "candidate", "short-list",
}
