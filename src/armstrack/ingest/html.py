"""HTML pages: main text with trafilatura, the date with htmldate, never a crash.

Why trafilatura: news pages are 90% navigation, ads and "related stories";
extraction must read only the story, or every sidebar headline becomes an
event. ``Article.text`` is the extracted text (offsets count from it), so
``body_start`` is 0.

Publication date order: htmldate (``original_date=True``,
``extensive_search=False``: the page's own publication markup, not any date
found in the page), then a wire dateline at the top of the extracted text,
then ``--published``, then the caller's ``fallback`` (a WARC record's crawl
date, see ``warc.py``).
"""

from __future__ import annotations

import logging
import re
from datetime import date
from html.parser import HTMLParser

from armstrack.ingest.dates import parse_date_string, parse_publication_date
from armstrack.ingest.text import NO_DATE
from armstrack.model import Article, ReadFailure

__all__ = ["read_html", "decode_html", "html_to_text", "NO_TEXT"]

NO_TEXT = "no article text found in HTML"

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CT_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)

# trafilatura and htmldate log a warning for every empty or odd page; in a
# crawl of millions that is noise, and our failures already say what happened.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def _known(charset: str | None) -> str | None:
    if not charset:
        return None
    import codecs

    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Decode with the declared charset (HTTP header, BOM, ``<meta>``), else UTF-8, else cp1252.

    Why lenient (``errors="replace"``) here and strict for text files: a web
    page's charset declaration is routinely wrong by a few bytes, and the text
    we keep is re-extracted anyway; a text file's offsets must be exact.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    declared = None
    if content_type:
        m = _CT_CHARSET.search(content_type)
        declared = _known(m.group(1)) if m else None
    if declared is None:
        m2 = _META_CHARSET.search(data[:4096])
        declared = _known(m2.group(1).decode("ascii", "ignore")) if m2 else None
    if declared is not None:
        return data.decode(declared, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _TextParser(HTMLParser):
    _BLOCK = frozenset(
        (
            "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
            "blockquote", "tr", "table", "section", "article", "header", "footer",
            "pre", "figure", "figcaption", "hr",
        )
    )  # fmt: skip
    _SKIP = frozenset(("script", "style", "noscript", "template"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self.depth = 0
        self.max_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += 1
        self.max_depth = max(self.max_depth, self.depth)
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(0, self.depth - 1)
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed item's content): paragraphs kept, tags dropped."""
    return _parsed_text(fragment)[0]


#: Element depth past which libxml2 (under lxml, under trafilatura) gives up on a page.
#: Real pages stay far below; a page nested deeper is read with the flat parser instead.
DEEP_NESTING = 200


def _parsed_text(fragment: str) -> tuple[str, int]:
    """Plain text and the deepest element nesting, from the stdlib's flat (non-recursive)
    parser, which no nesting depth can break."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip(), 0
    parser = _TextParser()
    try:
        parser.feed(fragment)
        parser.close()
    except Exception:  # html.parser is lenient, but never let one item stop a feed
        return re.sub(r"<[^>]*>", " ", fragment).strip(), 0
    paragraphs = re.split(r"\n\s*\n", "".join(parser.parts))
    cleaned = (re.sub(r"\s+", " ", p).strip() for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p), parser.max_depth


def _page_date(html: str) -> date | None:
    """The page's own publication date by htmldate alone (for pages trafilatura gave up on)."""
    try:
        from htmldate import find_date

        return parse_date_string(find_date(html, original_date=True, extensive_search=False))
    except Exception:  # a date is a bonus here: no date is reported as such below
        return None


def read_html(
    data: bytes,
    article_id: str,
    path: str | None,
    published: date | None,
    *,
    content_type: str | None = None,
    url: str | None = None,
    fallback: date | None = None,
    source_format: str = "html",
    fallback_format: str | None = None,
    record: str | None = None,
) -> Article | ReadFailure:
    """One HTML page to an Article, or a failure saying why not.

    ``fallback`` is a last-resort date (a WARC crawl date); an article dated by
    it gets ``fallback_format`` as its ``source_format`` so the weaker date shows.
    """
    where = path or article_id
    try:
        import trafilatura

        html = decode_html(data, content_type)
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception as exc:  # malformed markup must cost one failure, not the run
        return ReadFailure(where, f"could not parse HTML ({type(exc).__name__}: {exc})", record)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        # lxml stops at deep nesting (10,000 wrapped <div>s) and trafilatura then sees
        # nothing; such a page is read flat rather than lost.
        flat, depth = _parsed_text(html)
        if depth <= DEEP_NESTING or not flat:
            return ReadFailure(where, NO_TEXT, record)
        text, doc = flat, None
        found = _page_date(html)
    else:
        found = parse_date_string(getattr(doc, "date", None))
    found = found or parse_publication_date(text)
    when = found or published
    if when is None and fallback is not None:
        when = fallback
        source_format = fallback_format or source_format
    if when is None:
        return ReadFailure(where, NO_DATE, record)
    return Article(
        id=article_id,
        text=text,
        published=when,
        title=(getattr(doc, "title", None) or "").strip(),
        url=getattr(doc, "url", None) or url,
        path=path,
        byline=getattr(doc, "author", None) or None,
        source_format=source_format,
        body_start=0,
        body_end=None,
    )
