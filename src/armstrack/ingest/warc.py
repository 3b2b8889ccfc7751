"""WARC / WARC.gz crawls (e.g. Common Crawl's CC-NEWS), streamed one record at a time.

Only successful (2xx) ``response`` records and ``resource`` records with an
HTML content type are articles; requests, metadata, redirects, robots.txt,
images and scripts are skipped silently (they are not news, and a crawl has
millions of them).

Publication date decision: the page's own date (htmldate, then a wire
dateline) first, then ``--published``, then the record's ``WARC-Date``. The
WARC-Date is the crawl time, not the publication time; for CC-NEWS it is
within a day or so of publication, which is close enough for resolving
"next year" and for first-reported dates, and far better than losing the
article. Articles so dated are marked ``source_format="warc-crawldate"``
(``"warc"`` otherwise) so a consumer can tell them apart.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterator
from typing import IO, Any

from armstrack.ingest.dates import parse_date_string
from armstrack.ingest.html import read_html
from armstrack.model import Article, ReadFailure

__all__ = ["read_warc", "warc_article_id", "CRAWL_DATE_FORMAT"]

#: ``source_format`` of an article whose only date is the WARC crawl date.
CRAWL_DATE_FORMAT = "warc-crawldate"


def warc_article_id(record_id: str | None, uri: str | None) -> str:
    """The record's uuid (``<urn:uuid:...>``), else a stable hash of its target URI."""
    if record_id:
        rid = record_id.strip().strip("<>")
        if rid.lower().startswith("urn:uuid:"):
            return rid[9:]
        if rid:
            return hashlib.sha1(rid.encode("utf-8")).hexdigest()[:16]
    return hashlib.sha1((uri or "").encode("utf-8")).hexdigest()[:16]


_TRUNCATED = "truncated WARC: record {number} ends early ({produced} HTML records read)"
_BAD_LENGTH = (
    "damaged WARC record: its Content-Length does not match its content, so the text "
    "would be cut or run into the next record; not read"
)


def _cut_short(rec: object) -> bool:
    """Whether the input ended before the record's declared Content-Length.

    warcio stops quietly at a truncated archive; the record's length reader
    still knows how many declared bytes never came.
    """
    if getattr(rec, "length", 0) is None:  # Content-Length is mandatory: the header was cut
        return True
    raw = getattr(rec, "raw_stream", None)
    if raw is None:
        return False
    try:
        raw.read()  # drain what is left of this record (nothing, if it was read)
    except Exception:
        return True
    return getattr(raw, "limit", 0) > 0


class _Counting:
    """Counts the bytes warcio reads, to compare with where its last whole record ended."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self.count += len(data)
        return data


def _is_html(content_type: str | None) -> bool:
    ct = (content_type or "").lower()
    return "html" in ct


def read_warc(
    stream: IO[bytes], name: str, opts: object, budget: Any = None
) -> Iterator[Article | ReadFailure]:
    """Articles of the HTML records of a WARC stream; a truncated archive ends with one failure.

    ``budget`` (the reader's per-input ``_Budget``) is charged one unit per record.
    """
    from warcio.archiveiterator import ArchiveIterator

    counted = _Counting(stream)

    class _Iterator(ArchiveIterator):  # type: ignore[misc]
        """warcio, made to tell what it otherwise only prints or swallows.

        - ``gzip_cut``: whether the last gzip member ended properly (warcio stops
          quietly at a truncated member; its zlib decompressor still knows).
        - ``bad_lengths``: how many times a record was not followed by the blank
          lines its Content-Length promised (warcio writes a warning and 4 KB of
          raw payload to stderr and reads on: the record before was cut or
          swallowed part of the next).
        """

        gzip_cut = False
        bad_lengths = 0

        def close(self) -> None:
            decompressor = getattr(self.reader, "decompressor", None)
            if decompressor is not None and not getattr(decompressor, "eof", True):
                self.gzip_cut = True
            super().close()

        def _consume_blanklines(self) -> Any:
            before = self.err_count
            with contextlib.redirect_stderr(io.StringIO()):
                found = super()._consume_blanklines()
            self.bad_lengths += self.err_count - before
            return found

    max_bytes: int = getattr(opts, "max_bytes", 50_000_000)
    published = getattr(opts, "published", None)
    produced = 0
    number = 0
    last: Any = None
    # One record of lookahead: whether a record's Content-Length was right is only
    # known once the next record's header has been read.
    pending: tuple[int, Article | ReadFailure] | None = None
    records = _Iterator(counted)

    def settle(bad_before: int) -> Iterator[Article | ReadFailure]:
        if pending is None:
            return
        at, item = pending
        if records.bad_lengths > bad_before:
            yield ReadFailure(name, _BAD_LENGTH, f"record {at}")
        else:
            yield item

    try:
        bad_before = 0
        for rec in records:
            yield from settle(bad_before)
            pending, bad_before = None, records.bad_lengths
            number += 1
            last = rec
            if budget is not None and (stop := budget.spend()) is not None:
                yield ReadFailure(name, stop, f"record {number}")
                return
            if rec.rec_type == "response":
                http = rec.http_headers
                if http is None:
                    continue
                status = (http.get_statuscode() or "").strip()
                if not status.startswith("2"):
                    continue
                content_type = http.get_header("Content-Type")
            elif rec.rec_type == "resource":
                content_type = rec.rec_headers.get_header("Content-Type")
            else:
                continue
            if not _is_html(content_type):
                continue
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            art_id = warc_article_id(rec.rec_headers.get_header("WARC-Record-ID"), uri)
            where = f"record {number}" + (f" <{uri}>" if uri else "")
            data = rec.content_stream().read(max_bytes + 1)
            produced += 1
            if len(data) <= max_bytes and _cut_short(rec):
                yield ReadFailure(name, _TRUNCATED.format(number=number, produced=produced), where)
                return  # the archive ends inside this record: nothing follows
            if len(data) > max_bytes:
                from armstrack.ingest.reader import human_size

                yield ReadFailure(
                    name,
                    f"record is over the {human_size(max_bytes)} cap (use --max-bytes)",
                    where,
                )
                continue
            crawl = parse_date_string(rec.rec_headers.get_header("WARC-Date"))
            item = read_html(
                data,
                art_id,
                name,
                published,
                content_type=content_type,
                url=uri,
                fallback=crawl,
                source_format="warc",
                fallback_format=CRAWL_DATE_FORMAT,
                record=where,
            )
            pending = (number, item)
        yield from settle(bad_before)
        pending = None
        # Bytes read after the end of the last whole record (warcio's ``offset``,
        # blank-line separators included) are a record whose header was cut:
        # warcio drops it without a word.
        leftover = counted.count > getattr(records, "offset", counted.count)
        if records.gzip_cut or leftover or (last is not None and _cut_short(last)):
            yield ReadFailure(name, _TRUNCATED.format(number=number, produced=produced))
    except Exception as exc:
        # warcio fails in arbitrary ways (ArchiveLoadFailed, EOFError, zlib.error,
        # even AttributeError) on a cut or corrupt record header: one failure, stop.
        if pending is not None:
            yield pending[1]
        yield ReadFailure(
            name,
            f"truncated or corrupt WARC: the header of record {number + 1} is cut short or "
            f"malformed ({number} records, {produced} HTML, read before; {_why(exc)})",
        )


def _why(exc: BaseException) -> str:
    """warcio's own words when it has some (the first line), else the kind of error."""
    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    if type(exc).__name__ == "ArchiveLoadFailed" and first:
        return first[:160]
    return type(exc).__name__
