"""Text normalisation that keeps character offsets.

The matcher runs over a folded copy of the text (accents stripped, dashes and
quotes unified, lower case) but must report offsets into the original, so
every character maps to exactly one character: offsets are then identical in
both strings and no offset table is needed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad\ufe63\uff0d"
_QUOTES = "\u2018\u2019\u201b\u02bc\u2032\u00b4`"
_DQUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base != ch:
            table[cp] = base
    for ch, repl in {"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"}.items():
        table[ord(ch)] = repl
    for ch in _DASHES:
        table[ord(ch)] = "-"
    for ch in _QUOTES:
        table[ord(ch)] = "'"
    for ch in _DQUOTES:
        table[ord(ch)] = '"'
    for ch in "\t\n\r\x0b\x0c\u00a0\u2002\u2003\u2009\u200a\u202f\u3000":
        table[ord(ch)] = " "
    return table


_TABLE = _build_table()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base[:1] if base else ch


def fold(text: str) -> str:
    """Accents stripped and punctuation unified, case kept; same length as ``text``."""
    out = text.translate(_TABLE)
    if out.isascii():
        return out
    # Rare scripts/ligatures outside the table: fold char by char, one for one.
    return "".join(c if ord(c) < 0x250 else _fold_char(c) for c in out)


def lower_same_length(text: str) -> str:
    """``text.lower()``, but one character per character (``İ`` lowers to two)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join((c.lower() or c)[:1] for c in text)


def normalise(text: str) -> str:
    """The matcher's view of a text: folded and lower case, offsets unchanged."""
    return lower_same_length(fold(text))


def key(surface: str) -> str:
    """The automaton key of a surface form: normalised, inner whitespace collapsed."""
    return " ".join(normalise(surface).split())


def is_word_char(ch: str) -> bool:
    """Characters that glue tokens together: a mention may not start or end inside them."""
    return ch.isalnum() or ch == "_"
