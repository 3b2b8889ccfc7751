"""RSS 2.0 / RSS 1.0 (RDF) / Atom feeds: one Article per item.

Why the DTD check comes first: feedparser hands the document to an XML parser
that expands internal entities, so a "billion laughs" feed (nested entity
definitions a few hundred bytes long) would expand to gigabytes. No feed needs
a DTD, so any document that declares one (``<!DOCTYPE``/``<!ENTITY`` before its
root element) is refused before feedparser sees it; nothing is expanded.

Item ids are a stable hash of the item's guid (or link, or title and text):
the same story seen in two fetches of a feed gets the same id.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from armstrack.ingest.dates import parse_date_string
from armstrack.ingest.html import html_to_text
from armstrack.ingest.text import NO_DATE
from armstrack.model import Article, ReadFailure

__all__ = ["read_feed", "declares_dtd", "feed_item_id"]

BOMB = "XML document declares a DTD or entities: refused (possible XML bomb)"

_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
_ENTITY = re.compile(rb"<!ENTITY", re.I)


def declares_dtd(data: bytes) -> bool:
    """Whether the XML prolog (everything before the root element) declares a DTD or entity."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    pos = 0
    while True:
        m = _PROLOG_ITEM.match(data, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    rest = data[pos:].lstrip()
    if rest[:9].upper() == b"<!DOCTYPE":
        return True
    root = rest.find(b">")
    # An entity declaration can only live in a DTD; belt and braces for odd prologs.
    return bool(_ENTITY.search(data, 0, pos + max(root, 0) + 1))


def feed_item_id(entry: Any) -> str:
    """A stable 16-hex-digit id from the item's guid, else link, else title and text."""
    key = entry.get("id") or entry.get("link")
    if not key:
        key = (entry.get("title") or "") + "\n" + (entry.get("summary") or "")
    return hashlib.sha1(str(key).encode("utf-8")).hexdigest()[:16]


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except (ValueError, AttributeError):
                continue
    for key in ("published", "updated", "created", "dc_date"):
        found = parse_date_string(entry.get(key))
        if found:
            return found
    return None


def _entry_text(entry: Any) -> str:
    best = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if len(value) > len(best):
            best = value
    if not best:
        best = entry.get("summary") or entry.get("description") or ""
    return html_to_text(best)


def read_feed(data: bytes, name: str, published: date | None) -> Iterator[Article | ReadFailure]:
    """Every item of a feed document; a feed that cannot be read is one failure."""
    if declares_dtd(data):
        yield ReadFailure(name, BOMB)
        return
    import feedparser

    try:
        # A stream, never bytes: feedparser would try bytes as a file name or URL first.
        parsed = feedparser.parse(
            io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:  # feedparser is lenient; guard anyway
        yield ReadFailure(name, f"not a valid RSS/Atom feed ({type(exc).__name__}: {exc})")
        return
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            exc = parsed.get("bozo_exception")
            yield ReadFailure(name, f"not a valid RSS/Atom feed ({exc})")
        else:
            yield ReadFailure(name, "feed has no items")
        return
    for number, entry in enumerate(entries, 1):
        where = f"item {number}"
        text = _entry_text(entry)
        if not text.strip():
            yield ReadFailure(name, "feed item has no text", where)
            continue
        when = _entry_date(entry) or published
        if when is None:
            yield ReadFailure(name, NO_DATE, where)
            continue
        yield Article(
            id=feed_item_id(entry),
            text=text,
            published=when,
            title=html_to_text(entry.get("title") or ""),
            url=entry.get("link") or None,
            path=name,
            byline=entry.get("author") or None,
            source_format="feed",
            body_start=0,
            body_end=None,
        )
