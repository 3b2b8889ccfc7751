"""Context rules: when a surface form that is also an ordinary word names our entry.

Two families of rules, both cheap and local (a window of text around the mention):

* military context, for system aliases that are common words ("Patriot",
  "Javelin", "Harpoon", "Tiger"): they count only when the window talks about
  weapons. The vocabulary avoids words that sports pages share with defence
  pages ("defense", "jets", "attack", "deal"), since "the Patriots beat the
  Jets" must not yield a missile.
* country names that are also given names, a US state or food (Jordan, Chad,
  Georgia, Israel, Turkey): a person-name shape ("Michael Jordan", "Israel
  Katz") or a window about the US state or the bird rules the state out.
"""

from __future__ import annotations

import re

WINDOW = 200

_MILITARY = re.compile(
    r"\b(?:missiles?|air[- ]defen[cs]e|anti-(?:aircraft|tank|ship|armou?r|missile)|"
    r"batter(?:y|ies)|launchers?|interceptors?|armies|army|armed forces|military|militar\w*|"
    r"defen[cs]e (?:ministry|minister|department|secretary|forces|industry|contractors?|"
    r"companies|company|firms?|budget|procurement|officials?|systems?|exports?|cooperation)|"
    r"ministry of defen[cs]e|defen[cs]e ministry|mod|pentagon|nato|"
    r"tanks?|fighters?|fighter jets?|warships?|frigates?|destroyers?|corvettes?|submarines?|"
    r"navy|navies|naval|air force|weapons?|weaponry|munitions?|ammunition|warheads?|"
    r"rockets?|drones?|uavs?|howitzers?|artillery|troops|soldiers|radars?|airstrikes?|"
    r"procurement|arms (?:deal|deals|sales?|exports?|exporter|imports?|transfers?|package|"
    r"embargo|control|makers?|manufacturers?|industry|suppliers?|race|purchases?)|"
    r"combat|armou?red|helicopters?|gunships?|aircraft|sorties?|battalions?|brigades?|"
    r"regiments?|squadrons?|infantry|marines|ballistic|cruise missiles?|sanctions)\b",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Capitalised words that may stand right before a country name without making it a surname.
_NOT_GIVEN_NAMES = _words(
    """a an and as at by for from in into of on or the to with without while when where
    than that this these those both between including include includes like unlike but
    if after before since until during about against among amid over under via per
    north south east west northern southern eastern western central neighbouring
    neighboring neighbour neighbor kingdom republic state states hashemite ally allies
    visit visits visited said says told tells president king prime minister officials
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december"""
)

#: Capitalised words that may follow a country name without making it a given name.
_AFTER_OK = _words(
    """air army navy armed defense defence police border military ministry government
    prime foreign national security forces force river valley rift sea lake coast
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december on in and or but
    helicopters aircraft systems group company corp corporation spa ceo chief shares unit
    division electronics aerospace industries advanced said says"""
)

#: Names of ours that are also given names: "Michael Jordan", "Israel Katz", "Rafael Nadal".
_PERSON_NAME_STATES = frozenset({"jordan", "chad", "georgia", "israel", "rafael", "leonardo"})

_US_GEORGIA = re.compile(
    r"\b(?:Atlanta|Savannah|Augusta|Macon|Athens|governor|Gov\.|senator|Sen\.|county|"
    r"Peach State|Bulldogs|Kemp|Raffensperger|Warnock|Ossoff|Republicans?|Democrats?|GOP|"
    r"primary|runoff|ballots?|Alabama|Florida|Tennessee|Carolina)\b"
)
_COUNTRY_GEORGIA = re.compile(
    r"\b(?:Tbilisi|Caucasus|Abkhazia|Ossetia|Georgians?|Saakashvili|Ivanishvili|Kobakhidze|"
    r"Zourabichvili|Garibashvili|Black Sea|Russia|Russian|Moscow|Kremlin|Armenia|Azerbaijan|"
    r"NATO|EU|European Union|Ukraine)\b"
)
_FOOD_TURKEY = re.compile(
    r"\b(?:Thanksgiving|recipes?|roast(?:ed)?|stuffing|gravy|oven|carv\w+|cranberr\w+|"
    r"poultry|birds?|feathers|gobble\w*|sandwich\w*|dinner|meat|farm\w*|flock)\b",
    re.IGNORECASE,
)
_STATE_TURKEY = re.compile(
    r"\b(?:Ankara|Istanbul|Erdogan|Erdoğan|Turkish|Turks|NATO|military|missiles?|"
    r"government|president|minister)\b"
)

_TOKEN_BEFORE = re.compile(r"([A-Za-z][\w'.-]*)( +)$")
_TOKEN_AFTER = re.compile(r"^( +)([A-Za-z][\w'-]*)")
_SENTENCE_END = frozenset('.!?:;"\u201c\u201d(')


def window(text: str, start: int, end: int, size: int = WINDOW) -> str:
    """The text around a mention that the rules look at."""
    return text[max(0, start - size) : end + size]


def has_military_context(text: str) -> bool:
    """True when the text talks about weapons or armed forces."""
    return _MILITARY.search(text) is not None


def _looks_like_given_name(text: str, start: int, end: int, is_term: set[str] | None) -> bool:
    before = _TOKEN_BEFORE.search(text[max(0, start - 40) : start])
    if before:
        word = before.group(1)
        tok_start = start - len(before.group(0))
        prefix = text[:tok_start].rstrip()
        sentence_initial = not prefix or prefix[-1] in _SENTENCE_END
        possessive = word.endswith(("'s", "s'"))
        if (
            word[:1].isupper()
            and not possessive
            and not sentence_initial
            and word.lower().rstrip(".") not in _NOT_GIVEN_NAMES
            and not (is_term and word.lower() in is_term)
        ):
            return True
    after = _TOKEN_AFTER.match(text[end : end + 40])
    if after:
        word = after.group(2)
        if (
            word[:1].isupper()
            and word.lower() not in _AFTER_OK
            and not (is_term and word.lower() in is_term)
            and not word.isupper()
        ):
            return True
    return False


def country_rule_rejects(
    key: str, text: str, start: int, end: int, is_term: set[str] | None = None
) -> bool:
    """True when the country name at ``text[start:end]`` is most likely not the country."""
    if key in _PERSON_NAME_STATES and _looks_like_given_name(text, start, end, is_term):
        return True
    win = window(text, start, end)
    if key == "georgia":
        return bool(_US_GEORGIA.search(win)) and not _COUNTRY_GEORGIA.search(win)
    if key == "turkey":
        return bool(_FOOD_TURKEY.search(win)) and not _STATE_TURKEY.search(win)
    return False


#: Keys whose surface needs :func:`country_rule_rejects`.
RULED_KEYS = frozenset(_PERSON_NAME_STATES | {"turkey"})
