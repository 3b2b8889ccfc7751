"""Names from outside the news (SIPRI files, command lines) -> the register's ids.

Strict on purpose: an external file row whose country or system cannot be
resolved must be reported and skipped, not guessed. So a name resolves only
when the knowledge base's match covers the whole name ("Korea South" ->
KOR, but "Atlantis Republic of France" is not France), then through ISO's own
names (pycountry), and a fuzzy ISO match only when it is unambiguous.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Any

__all__ = ["country_iso", "knowledge_base", "system_family"]


@lru_cache(maxsize=1)
def knowledge_base() -> Any:
    """The process's knowledge base, or None when it cannot load (names then go through ISO)."""
    try:
        from armstrack.kb import load_kb

        return load_kb()
    except Exception:  # the kb is a convenience for names; ISO codes always work without it
        return None


def _whole(kb: Any, text: str) -> Any:
    """The kb entry whose match spans all of ``text`` (bar a plural or possessive), or None."""
    with contextlib.suppress(Exception):
        match = kb.resolve_match(text)
        if match is not None and match.start == 0 and match.end >= len(text.rstrip("s'")):
            return match.entry
    return None


def country_iso(name: str, kb: Any = None) -> str | None:
    """ISO alpha-3 (or a non-state party's id) for a country name, code or SIPRI-style name.

    "Russia", "RUS", "Korea South" (SIPRI's inverted form), "Turkiye", "UAE"
    all resolve; anything not resolved with confidence gives None.
    """
    text = " ".join(name.replace("*", " ").split())
    if not text:
        return None
    kb = kb if kb is not None else knowledge_base()
    candidates = [text]
    words = text.replace(",", " ").split()
    if len(words) == 2:  # "Korea South", "Korea, North"
        candidates.append(f"{words[1]} {words[0]}")
    for candidate in candidates:
        entry = _whole(kb, candidate) if kb is not None else None
        party = getattr(entry, "party", None) or getattr(entry, "state", None)
        if entry is not None and getattr(entry, "kind", "") != "system" and party:
            return str(party)
    with contextlib.suppress(Exception):
        import pycountry

        if len(text) == 3 and text.isalpha():
            found = pycountry.countries.get(alpha_3=text.upper())
            if found is not None:
                return str(found.alpha_3)
        for candidate in candidates:
            with contextlib.suppress(LookupError):
                return str(pycountry.countries.lookup(candidate).alpha_3)
        with contextlib.suppress(LookupError):
            hits = pycountry.countries.search_fuzzy(text)
            if len(hits) == 1:
                return str(hits[0].alpha_3)
    return None


def system_family(designation: str, kb: Any = None) -> str | None:
    """The knowledge base family (canonical name) a designation belongs to, or None.

    A designation names a variant ("Su-30MK", "F-16C", "JAS-39E Gripen") or a
    family with a suffix the kb does not list ("Rafale F3R"); both resolve to
    the family, the unit deals are keyed on.
    """
    kb = kb if kb is not None else knowledge_base()
    if kb is None or not designation.strip():
        return None
    with contextlib.suppress(Exception):
        entry = kb.resolve(designation.strip())
        if entry is not None and entry.kind == "system":
            return str(entry.family_name or entry.name)
    return None
