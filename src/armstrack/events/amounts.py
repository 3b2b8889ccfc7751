"""Quantities ("36 Rafale jets", "two more batteries") and values ("$2.5 billion").

Values are normalised to an amount in units and an ISO 4217 currency code, so
that "Rs 59,000 crore" and "$8.7bn" compare in a register.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from armstrack.model import Money, Quantity

_SCALE = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "m": 1e6, "mn": 1e6,
    "billion": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,
}
_CURRENCY_WORDS = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "sterling": "GBP",
    "rs": "INR", "rs.": "INR", "inr": "INR", "rupee": "INR", "rupees": "INR", "₹": "INR",
    "won": "KRW", "krw": "KRW", "₩": "KRW",
    "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "rub": "RUB",
    "yuan": "CNY", "cny": "CNY", "renminbi": "CNY", "yen": "JPY", "jpy": "JPY", "¥": "JPY",
    "a$": "AUD", "aud": "AUD", "c$": "CAD", "cad": "CAD",
    "sek": "SEK", "kronor": "SEK", "nok": "NOK", "chf": "CHF", "francs": "CHF",
    "zloty": "PLN", "pln": "PLN", "lira": "TRY", "shekel": "ILS", "shekels": "ILS",
    "riyal": "SAR", "riyals": "SAR", "dirham": "AED", "dirhams": "AED", "real": "BRL",
    "reais": "BRL", "r$": "BRL",
}
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

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
    "dozens": 24, "single": 1,
}
#: Counting units: a number on one of these, or on the system, is the event's quantity.
UNITS = {
    "regiment", "battalion", "battery", "squadron", "system", "unit", "jet", "aircraft",
    "fighter", "plane", "warplane", "helicopter", "tank", "vehicle", "missile", "launcher",
    "ship", "frigate", "submarine", "corvette", "destroyer", "vessel", "boat", "drone",
    "howitzer", "gun", "radar", "set", "interceptor", "round", "rocket", "trainer", "engine",
    "bomber", "transport", "satellite", "carrier", "fire", "kit",
}


def _to_number(text: str) -> float | None:
    text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return _WORD_NUMBERS.get(text.lower())


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
    scale = _SCALE.get((best["scale"] or "").lower(), 1)
    currency_text = best["cur"].lower().replace("us ", "")
    currency = _CURRENCY_WORDS.get(currency_text, _CURRENCY_WORDS.get(currency_text.rstrip("s")))
    if currency is None:
        return None
    return Money(_clean(number * scale), currency)


def _number_on(token: Token) -> float | None:
    for child in token.children:
        if child.dep_ in {"nummod", "det", "quantmod", "amod"} and (
                child.like_num or child.lower_ in _WORD_NUMBERS):
                if child.dep_ == "det" and child.lower_ not in {"a", "an"}:
                    continue
                value = _to_number(child.text)
                if value is not None and not (child.like_num and 1900 <= value <= 2100):
                    return value
    return None


def find_quantity(sentence: Span, system_tokens: set[int]) -> Quantity | None:
    """A count on the system or on a unit noun ("two regiments", "36 Rafale jets")."""
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
            token = token.head  # "14 Leopard 2 battle tanks": counted in tanks
        unit = token.lemma_.lower() if token.lemma_.lower() in UNITS else "unit"
        return Quantity(_clean(value), unit)
    return None
