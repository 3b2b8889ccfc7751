"""Text/markdown articles: the whole file is ``Article.text``; the header is parsed around it.

Why the text is kept exactly as read: event offsets (SPEC.md §5) count from the
start of the file's content, so nothing may be stripped except a BOM. The
header (title, byline, date line, image credits) and a trailing
``Original url:`` block are excluded by ``body_start``/``body_end`` instead.
"""

from __future__ import annotations

import re
from datetime import date

from armstrack.ingest.dates import (
    HEADER_LINES,
    dateline_date,
    header_date,
    is_paragraph,
    strip_markup,
)
from armstrack.model import Article, ReadFailure

__all__ = ["parse_text_article", "NO_DATE"]

NO_DATE = "no publication date found (use --published DATE)"

_BYLINE = re.compile(r"^\W*by\s+(?P<who>\S.*)$", re.I)
# Whole-line image credits and captions: [mil.ru](#), ![..](..), **A / Vedomosti**, *photo*, _x_
_CREDIT = re.compile(
    r"^(?:!?\[[^\]]*\]\([^)]*\)|\*\*[^*]+\*\*|\*[^*]+\*|_[^_]+_|"
    r"(?:photo|image|picture|credit|source|caption)s?\s*(?:by)?\s*[:/].{0,120})$",
    re.I,
)
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,})$")
_ORIGINAL_URL = re.compile(r"^[ \t]*original url:[ \t]*(?P<rest>\S[^\r\n]*)?\r?$", re.I | re.M)
# Metadata lines that tools put above (or below) a saved article: "Original url: ...",
# "URL: ...", "Source: Some Outlet", "Tags: ...". Never part of the story.
_METADATA = re.compile(
    r"^\W{0,3}(?P<key>original[ _-]?url|url|link|canonical(?:[ _-]?url)?|source(?:[ _-]?url)?|"
    r"site|outlet|publisher|author|tags?|categor(?:y|ies)|section|language|lang|words?|"
    r"word[ _-]?count|saved|retrieved|accessed|id)\W{0,3}\s*:\s*(?P<value>.*)$",
    re.I,
)
_URL = re.compile(r"https?://\S+|www\.\S+")


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its line break) for every line of ``text``."""
    out: list[tuple[int, str]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        out.append((pos, raw.rstrip("\r\n")))
        pos += len(raw)
    return out


def _byline(line: str) -> str | None:
    m = _BYLINE.match(strip_markup(line))
    if m is None or len(line) > 160:
        return None
    who = m.group("who").split("|")[0]
    who = re.sub(r"\s+", " ", who).strip(" ,;-")
    return who or None


def _trailer(text: str, body_start: int) -> tuple[int, str | None]:
    """Where a trailing ``Original url:`` block starts, and the URL it gives.

    Only a block after the body's start counts: a URL line in the header (the
    way many tools save pages) is metadata, and must never end the body.
    """
    matches = [m for m in _ORIGINAL_URL.finditer(text) if m.start() >= body_start]
    if not matches:
        return len(text), None
    m = matches[-1]
    rest = m.group("rest")
    if not rest:
        after = text[m.end() :].strip().splitlines()
        rest = after[0] if after else ""
    url = rest.strip().strip("<>").strip() or None
    return m.start(), url


def parse_text_article(
    text: str, article_id: str, path: str | None, published: date | None
) -> Article | ReadFailure:
    """Build an Article from a decoded text/markdown file, or a failure when it has no date.

    ``published`` is the ``--published`` fallback: used only when the header
    has no date of its own.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return ReadFailure(path or article_id, "empty file (no text)")
    lines = _lines(text)
    title = ""
    byline: str | None = None
    found: date | None = None
    updated: date | None = None
    body_start: int | None = None
    header_url: str | None = None
    seen = 0
    for offset, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        if seen == 1 and (stripped.startswith("#") or not is_paragraph(stripped)) and not (
            _METADATA.match(stripped) or header_date(stripped)
        ):
            title = strip_markup(stripped.lstrip("#").strip()) or stripped
            continue
        if seen > HEADER_LINES or is_paragraph(stripped):
            body_start = offset + (len(line) - len(line.lstrip()))
            if found is None:
                found = dateline_date(stripped)
            break
        meta = _METADATA.match(stripped)
        if meta is not None and len(stripped) < 400:
            found_url = _URL.search(meta.group("value"))
            if meta.group("key").lower().replace("_", " ").endswith("url") and found_url:
                header_url = header_url or found_url.group(0).strip("<>")
            elif meta.group("key").lower() == "author":
                byline = byline or meta.group("value").strip() or None
            continue
        date_line = header_date(stripped)
        who = _byline(stripped)
        if who is not None:
            byline = byline or who
        if date_line is not None:
            day, is_update = date_line
            if is_update:
                updated = updated or day
            else:
                found = found or day
            continue
        if who is not None or _CREDIT.match(stripped) or _RULE.match(stripped):
            continue
        # A short line that is none of the above: the story starts here.
        body_start = offset + (len(line) - len(line.lstrip()))
        break
    if body_start is None:  # the whole file is header-like: keep it all as body
        body_start = 0
    if not title:
        first = text.strip().splitlines()[0]
        title = strip_markup(first)[:200]
    body_end, url = _trailer(text, body_start)
    url = url or header_url
    while body_end > body_start and text[body_end - 1].isspace():
        body_end -= 1
    when = found or updated or published
    if when is None:
        return ReadFailure(path or article_id, NO_DATE)
    return Article(
        id=article_id,
        text=text,
        published=when,
        title=title,
        url=url,
        path=path,
        byline=byline,
        source_format="text",
        body_start=body_start,
        body_end=body_end,
    )
