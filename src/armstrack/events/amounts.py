"""Quantities ("18 Gripen fighters", "two more batteries") and values ("$2.5 billion").

Values are normalised to an amount in units and an ISO 4217 currency code, so
that "Rs 59,000 crore" and "$8.7bn" compare in a register.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from armstrack.events.lexicon import CURRENCY_WORDS, SCALE_WORDS, UNITS, WORD_NUMBERS
from armstrack.model import Money, Quantity

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALES = r"thousand|million|billion|trillion|mln|bln|bn|mn|tn|crores?|lakhs?|[kmb]\b"
_MONEY_BEFORE = re.compile(
    rf"(?P<cur>US\$|A\$|C\$|R\$|[$€£₹₩¥]|\b(?:USD|EUR|GBP|INR|Rs\.?|KRW|RUB|CNY|JPY|AUD|CAD|SEK"
    rf"|NOK|CHF|PLN)\b)\s?(?P<num>{_NUMBER})\s?(?P<scale>{_SCALES})?",
    re.IGNORECASE,
)
_MONEY_AFTER = re.compile(
    rf"\b(?P<num>{_NUMBER})\s?(?P<scale>{_SCALES})?\s(?P<cur>(?:US\s)?dollars|euros?|pounds"
    rf"|rupees|won|roubles|rubles|yuan|yen|kronor|francs|zloty|lira|shekels|riyals|dirhams|reais"
    rf"|sterling)\b",
    re.IGNORECASE,
)


def _to_number(text: str) -> float | None:
    text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return WORD_NUMBERS.get(text.lower())


def _clean(amount: float) -> int | float:
    return int(amount) if float(amount).is_integer() else amount


def find_money(text: str) -> Money | None:
    """The first money amount in a text ("$2.5 billion" -> 2500000000 USD)."""
    best = None
    for pattern in (_MONEY_BEFORE, _MONEY_AFTER):
        match = pattern.search(text)
        if match and (best is None or match.start() < best.start()):
            best = match
    if best is None:
        return None
    number = _to_number(best["num"])
    if number is None:
        return None
    scale = SCALE_WORDS.get((best["scale"] or "").lower(), 1)
    currency_text = best["cur"].lower().replace("us ", "")
    currency = CURRENCY_WORDS.get(currency_text, CURRENCY_WORDS.get(currency_text.rstrip("s")))
    if currency is None:
        return None
    return Money(_clean(number * scale), currency)


def _number_on(token: Token) -> float | None:
    for child in token.children:
        if child.dep_ in {"nummod", "det", "quantmod", "amod"} and (
                child.like_num or child.lower_ in WORD_NUMBERS):
                if child.dep_ == "det" and child.lower_ not in {"a", "an"}:
                    continue
                value = _to_number(child.text)
                if value is not None and not (child.like_num and 1900 <= value <= 2100):
                    return value
    return None


def find_quantity(sentence: Span, system_tokens: set[int]) -> Quantity | None:
    """A count on the system or on a unit noun ("two regiments", "18 Gripen fighters")."""
    candidates: list[Token] = []
    for token in sentence:
        if token.i in system_tokens or token.lemma_.lower() in UNITS:
            candidates.append(token)
    for token in candidates:
        value = _number_on(token)
        if value is None and token.i in system_tokens:
            head = token.head
            if head.lemma_.lower() in UNITS:
                value = _number_on(head)
                token = head
        if value is None:
            continue
        if token.i in system_tokens and token.head.lemma_.lower() in UNITS:
            token = token.head  # "six Gripen E fighters": counted in fighters
        unit = token.lemma_.lower() if token.lemma_.lower() in UNITS else "unit"
        return Quantity(_clean(value), unit)
    return None
