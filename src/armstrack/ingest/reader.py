"""``read_inputs``: every input (files, folders, gzip, stdin) to a lazy stream of Articles/failures.

Why a generator of ``Article | ReadFailure`` rather than exceptions: one bad
file in a folder of ten thousand must cost one line in the failure list, not
the run; and a multi-gigabyte JSONL or WARC must stream record by record so
memory stays flat however big the input.

The size cap (``max_bytes``) applies to what has to be held in memory at once:
the whole file for single-document formats (text, HTML, feeds), each record
(line, WARC record) for the streaming formats (JSONL, WARC), which may be of
any total size.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from armstrack.ingest import sniff as fmt
from armstrack.ingest.dates import parse_date_string
from armstrack.ingest.text import NO_DATE, parse_text_article
from armstrack.model import Article, ReadFailure, printable

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_RECORDS",
    "DEFAULT_MAX_SECONDS",
    "Item",
    "ReadOptions",
    "read_inputs",
]

DEFAULT_MAX_BYTES = 50_000_000
#: Lines (blank ones too) or WARC records read from one input: a bound on the *work* one
#: input can cause, which a byte cap alone is not (1 MB of gzip can hold 1 GB of newlines).
DEFAULT_MAX_RECORDS = 2_000_000
#: Seconds spent reading one input before it is stopped with a failure.
DEFAULT_MAX_SECONDS = 600.0
#: Characters of one article. The language pipeline's memory and time grow with an
#: article's length (spaCy refuses texts over 1,000,000 characters outright); the longest
#: real news reports are a few tens of thousands.
DEFAULT_MAX_CHARS = 500_000
Item = Article | ReadFailure

_STDIN = "-"
_CHUNK = 1 << 16


@dataclass
class ReadOptions:
    """How inputs are read.

    ``published`` is the ``--published DATE`` fallback for articles without a
    date of their own (never overrides one found in the article);
    ``max_bytes`` caps one file or record held in memory (``--max-bytes``);
    ``stdin`` is the binary stream read for the ``-`` input (``sys.stdin.buffer``
    when left ``None``).
    """

    published: date | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_records: int = DEFAULT_MAX_RECORDS
    max_chars: int = DEFAULT_MAX_CHARS
    max_seconds: float = DEFAULT_MAX_SECONDS
    stdin: IO[bytes] | None = field(default=None, repr=False)
    #: Real paths never read as inputs: the register's own files (``x.db``, ``-wal``...).
    exclude: frozenset[str] = frozenset()


class _Budget:
    """The work one input may cause (records read, seconds spent), checked as it streams.

    Why per input and not per run: one hostile file must cost itself, not the
    inputs after it. Exceeding it ends that input with one failure that says
    which limit and how to raise it; what was read before is kept.
    """

    def __init__(self, opts: ReadOptions) -> None:
        self.max_records = opts.max_records
        self.max_seconds = opts.max_seconds
        self.records = 0
        self.deadline = time.monotonic() + opts.max_seconds

    def spend(self) -> str | None:
        """Count one record; the reason to stop, if a limit is now exceeded."""
        self.records += 1
        if self.records > self.max_records:
            return (
                f"stopped after {self.max_records:,} records, the limit per input "
                "(use --max-records)"
            )
        if self.records % 256 == 0 and time.monotonic() > self.deadline:
            return (
                f"stopped after {self.max_seconds:g} s, the time limit per input "
                f"(use --max-seconds); {self.records - 1:,} records read"
            )
        return None


def human_size(n: int) -> str:
    """Bytes as people say them in a failure message ("120 MB", "3.5 KB")."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= scale:
            value = n / scale
            return (
                f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}".replace(".0 ", " ")
            )
    return f"{n} bytes"


def _over_cap(what: str, size: int | None, cap: int) -> str:
    if size is None:
        return f"{what} is over the {human_size(cap)} cap (use --max-bytes)"
    return f"{what} is {human_size(size)}, over the {human_size(cap)} cap (use --max-bytes)"


def article_stem(name: str) -> str:
    """The id of a single-document file: its name without the extension (and without ``.gz``)."""
    base = os.path.basename(name.rstrip("/\\")) or name
    if base.lower().endswith(".gz"):
        base = base[:-3]
    return Path(base).stem or base


class _Prefixed(io.RawIOBase):
    """A stream that yields ``head`` and then the rest of ``stream``.

    Why: the format is sniffed from the first bytes, which must then still be
    read by the format's reader, and stdin (or a gzip member) cannot seek back.
    """

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._stream = stream
        # read1: return what is decompressed so far, so the records before a
        # truncation are not lost inside a buffered read that then fails.
        self._read = getattr(stream, "read1", stream.read)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._read(len(buffer))
        if not data:
            return 0
        buffer[: len(data)] = data
        return len(data)


def _buffered(head: bytes, stream: IO[bytes]) -> io.BufferedReader:
    return io.BufferedReader(_Prefixed(head, stream), buffer_size=_CHUNK)


def _read_head(stream: IO[bytes]) -> bytes:
    """Up to SNIFF_BYTES bytes, looping because pipes and gzip return short reads."""
    parts: list[bytes] = []
    size = 0
    read = getattr(stream, "read1", stream.read)
    while size < fmt.SNIFF_BYTES:
        try:
            chunk = read(fmt.SNIFF_BYTES - size)
        except EOFError:
            if not parts:
                raise
            break  # a truncated gzip: sniff what there is; the next read raises again
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def _read_capped(stream: IO[bytes], cap: int) -> bytes | None:
    """The rest of ``stream``, or ``None`` when it is longer than ``cap`` bytes."""
    data = stream.read(cap + 1)
    return None if len(data) > cap else data


# --- per-format readers ---------------------------------------------------------------------


def _text_item(name: str, stem: str, data: bytes, opts: ReadOptions) -> Item:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ReadFailure(name, f"not valid UTF-8 at byte {exc.start}")
    return parse_text_article(text, stem, name, opts.published)


_TEXT_KEYS = ("text", "body", "content", "article", "maintext")
_DATE_KEYS = ("published", "date", "published_at", "publication_date", "date_publish", "pubdate")
_URL_KEYS = ("url", "link", "source_url")


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_strings(value: Any) -> Any:
    """JSON strings with lone surrogates (``"\\ud800"``, legal JSON, not encodable text) made
    valid: each becomes U+FFFD, one code point for one, so offsets do not move."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_valid_strings(k): _valid_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid_strings(v) for v in value]
    return value


def jsonl_record(record: Any, name: str, stem: str, line_no: int, opts: ReadOptions) -> Item:
    """One parsed JSONL record to an Article (body = the whole ``text``) or a failure."""
    where = f"line {line_no}"
    if not isinstance(record, dict):
        return ReadFailure(name, "record is not a JSON object", record=where)
    record = _valid_strings(record)
    text = _first(record, _TEXT_KEYS)
    if not isinstance(text, str) or not text.strip():
        return ReadFailure(name, "record has no text", record=where)
    raw_id = record.get("id")
    art_id = printable(str(raw_id)) if raw_id not in (None, "") else f"{stem}:{line_no}"
    raw_date = _first(record, _DATE_KEYS)
    published = parse_date_string(str(raw_date)) if raw_date is not None else None
    if published is None and raw_date is not None and opts.published is None:
        return ReadFailure(name, f"unreadable publication date {str(raw_date)[:40]!r}", where)
    published = published or opts.published
    if published is None:
        return ReadFailure(name, NO_DATE, record=where)
    title = record.get("title")
    url = _first(record, _URL_KEYS)
    byline = record.get("byline") or record.get("author")
    return Article(
        id=art_id,
        text=text,
        published=published,
        title=title if isinstance(title, str) else "",
        url=url if isinstance(url, str) else None,
        path=name,
        byline=byline if isinstance(byline, str) else None,
        source_format="jsonl",
        body_start=0,
        body_end=None,
    )


def _skip_rest_of_line(stream: IO[bytes]) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _read_jsonl(name: str, stem: str, stream: IO[bytes], opts: ReadOptions) -> Iterator[Item]:
    """Line by line; a broken line is one failure and the next line is read."""
    line_no = 0
    budget = _Budget(opts)
    while True:
        raw = stream.readline(opts.max_bytes + 1)
        if not raw:
            return
        line_no += 1
        if (stop := budget.spend()) is not None:
            yield ReadFailure(name, stop, f"line {line_no}")
            return
        if len(raw) > opts.max_bytes and not raw.endswith(b"\n"):
            size = len(raw) + _skip_rest_of_line(stream)
            yield ReadFailure(name, _over_cap("record", size, opts.max_bytes), f"line {line_no}")
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield ReadFailure(name, f"not valid UTF-8 at byte {exc.start}", f"line {line_no}")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadFailure(
                name, f"invalid JSON: {exc.msg} at column {exc.colno}", f"line {line_no}"
            )
            continue
        yield jsonl_record(record, name, stem, line_no, opts)


def _read_single(
    kind: str, name: str, stem: str, data: bytes, opts: ReadOptions, content_type: str | None = None
) -> Iterator[Item]:
    if kind == fmt.TEXT:
        yield _text_item(name, stem, data, opts)
    elif kind == fmt.HTML:
        from armstrack.ingest.html import read_html

        yield read_html(data, stem, name, opts.published, content_type=content_type)
    elif kind == fmt.FEED:
        from armstrack.ingest.feed import read_feed

        yield from read_feed(data, name, opts.published)
    else:  # pragma: no cover - callers only pass the kinds above
        yield ReadFailure(name, "not a supported article format")


def _unsupported(kind: str) -> str:
    if kind == fmt.BINARY:
        return "not a supported article format (binary data)"
    if kind == fmt.JSON_ARRAY:
        return "not a supported article format (a JSON array; use JSONL, one object a line)"
    if kind == fmt.XML:
        return "not a supported article format (XML that is not an RSS/Atom feed)"
    return "not a supported article format"


def _read_stream(
    name: str, stem: str, stream: IO[bytes], opts: ReadOptions, size: int | None
) -> Iterator[Item]:
    """Sniff ``stream`` and read it with the matching reader. ``size`` is known for files."""
    head = _read_head(stream)
    if not head:
        yield ReadFailure(name, "empty file")
        return
    kind = fmt.sniff(head)
    body = _buffered(head, stream)
    if kind == fmt.GZIP:
        if fmt.sniff(_gunzip_head(head)) == fmt.WARC and _first_member_ends(head):
            # A WARC gzipped record by record: warcio reads (and recovers from) the
            # members itself. One gzipped whole, which warcio refuses, is decompressed
            # by _read_gzip.
            from armstrack.ingest.warc import read_warc

            yield from read_warc(body, name, opts, _Budget(opts))
        else:
            yield from _read_gzip(name, stem, body, opts)
        return
    if kind == fmt.JSONL:
        yield from _read_jsonl(name, stem, body, opts)
    elif kind == fmt.WARC:
        from armstrack.ingest.warc import read_warc

        yield from read_warc(body, name, opts, _Budget(opts))
    elif kind in (fmt.TEXT, fmt.HTML, fmt.FEED):
        if size is not None and size > opts.max_bytes:
            yield ReadFailure(name, _over_cap("file", size, opts.max_bytes))
            return
        data = _read_capped(body, opts.max_bytes)
        if data is None:
            yield ReadFailure(name, _over_cap("input", size, opts.max_bytes))
            return
        yield from _read_single(kind, name, stem, data, opts)
    else:
        yield ReadFailure(name, _unsupported(kind))


def _gunzip_head(head: bytes) -> bytes:
    """The start of a gzip stream's content, from its first compressed bytes only.

    Why: sniffing inside a gzip must not consume the stream (stdin cannot
    rewind), and a WARC.gz goes to warcio still compressed.
    """
    try:
        return zlib.decompressobj(wbits=31).decompress(head, fmt.SNIFF_BYTES)
    except zlib.error:
        return b""


def _first_member_ends(head: bytes) -> bool:
    """Whether another gzip member follows the first within ``head``: a WARC gzipped record
    by record (its first record is small: warcinfo or a request), not one member for the
    whole file."""
    decompressor = zlib.decompressobj(wbits=31)
    try:
        decompressor.decompress(head)
    except zlib.error:
        return False
    return decompressor.eof and bool(decompressor.unused_data)


def _read_gzip(name: str, stem: str, stream: IO[bytes], opts: ReadOptions) -> Iterator[Item]:
    """Decompress as a stream; a truncated or corrupt archive ends with one failure.

    Records read before the damage are kept: a crawl cut off at 90% is still 90% useful.
    """
    gz = gzip.GzipFile(fileobj=stream, mode="rb")
    produced = 0
    try:
        head = _read_head(gz)
        if not head:
            yield ReadFailure(name, "empty file (empty gzip archive)")
            return
        kind = fmt.sniff(head)
        inner = _buffered(head, gz)
        if kind == fmt.JSONL:
            for item in _read_jsonl(name, stem, inner, opts):
                produced += 1
                yield item
        elif kind == fmt.WARC:  # a WARC compressed as one gzip member: decompress here
            from armstrack.ingest.warc import read_warc

            for item in read_warc(inner, name, opts, _Budget(opts)):
                produced += 1
                yield item
        elif kind in (fmt.TEXT, fmt.HTML, fmt.FEED):
            data = _read_capped(inner, opts.max_bytes)
            if data is None:
                yield ReadFailure(name, _over_cap("decompressed file", None, opts.max_bytes))
                return
            yield from _read_single(kind, name, stem, data, opts)
        elif kind == fmt.GZIP:
            yield ReadFailure(name, "not a supported article format (gzip inside gzip)")
        else:
            yield ReadFailure(name, _unsupported(kind))
    except EOFError:
        yield ReadFailure(
            name, f"truncated gzip: the archive ends early ({produced} records read before)"
        )
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        yield ReadFailure(name, f"corrupt gzip ({exc}; {produced} records read before)")


# --- inputs, files and folders --------------------------------------------------------------


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is ("a FIFO"), ``None`` for a regular file."""
    return next((what for test, what in _NOT_REGULAR if test(mode)), None)


def _open_input(path: str) -> IO[bytes]:
    """Open for reading without ever blocking in ``open``.

    Why: opening a FIFO blocks until a writer comes, possibly forever. Opened
    non-blocking, a FIFO with no writer reads as empty; one with a writer (a
    shell's ``<(zcat dump.gz)``) streams like stdin.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_file(path: str, opts: ReadOptions) -> Iterator[Item]:
    """One file given or found; ``path`` is the OS's name, the name we show is printable."""
    name = printable(path)
    try:
        f = _open_input(path)
    except PermissionError:
        yield ReadFailure(name, "permission denied")
        return
    except OSError as exc:
        yield ReadFailure(name, f"cannot open: {exc.strerror or exc}")
        return
    try:
        info = os.fstat(f.fileno())
        size = info.st_size if stat.S_ISREG(info.st_mode) else None
        yield from _read_stream(name, article_stem(name), f, opts, size)
    except OSError as exc:
        yield ReadFailure(name, f"read error: {exc.strerror or exc}")
    finally:
        f.close()


def _walk(folder: str, seen: set[str], opts: ReadOptions) -> Iterator[str | ReadFailure]:
    """Regular files under ``folder``, recursively, sorted by name, hidden ones skipped.

    A FIFO, socket or device found in a folder is reported, not opened: nobody
    puts one among articles on purpose, and reading one may never end. The
    register's own files (``opts.exclude``) are passed over without a word.
    """
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except PermissionError:
        yield ReadFailure(printable(folder), "permission denied (folder)")
        return
    except OSError as exc:
        yield ReadFailure(printable(folder), f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
            mode = entry.stat().st_mode
        except OSError:
            is_dir, mode = False, stat.S_IFREG
        if is_dir:
            yield from _walk(entry.path, seen, opts)
        elif opts.exclude and os.path.realpath(entry.path) in opts.exclude:
            continue
        elif (what := _kind_of(mode)) is not None:
            yield ReadFailure(printable(entry.path), f"not a regular file ({what}); not read")
        else:
            yield entry.path


def _read_one(raw: str | bytes | os.PathLike[str], opts: ReadOptions) -> Iterator[Item]:
    name = os.fsdecode(raw)  # bytes from the OS stay bytes underneath (surrogateescape)
    if name == _STDIN:
        stream = opts.stdin if opts.stdin is not None else sys.stdin.buffer
        yield from _read_stream(_STDIN, "stdin", stream, opts, None)
        return
    if os.path.isdir(name):
        for entry in _walk(name, set(), opts):
            if isinstance(entry, ReadFailure):
                yield entry
            else:
                yield from _read_file(entry, opts)
        return
    if not os.path.lexists(name):
        yield ReadFailure(printable(name), "no such file or directory")
        return
    if not os.path.exists(name):
        yield ReadFailure(printable(name), "broken symbolic link")
        return
    if opts.exclude and os.path.realpath(name) in opts.exclude:
        yield ReadFailure(printable(name), "the register's own database file; not read")
        return
    yield from _read_file(name, opts)


def read_inputs(
    inputs: Iterable[str | bytes | os.PathLike[str]], options: ReadOptions | None = None
) -> Iterator[Item]:
    """Every article (or read failure) of every input, lazily, in input order.

    ``inputs`` are file paths, folders (read recursively, sorted, hidden files
    skipped) or ``-`` for stdin. Formats are detected from content: text /
    markdown, JSONL (optionally gzipped), HTML, WARC (optionally gzipped), RSS /
    Atom. Nothing raises for bad input: each problem is one ``ReadFailure``.
    """
    opts = options or ReadOptions()
    for raw in inputs:
        for item in _read_one(raw, opts):
            yield _within_limits(item, opts)


def _within_limits(item: Item, opts: ReadOptions) -> Item:
    """An article over the character limit becomes a failure that says so: never a silent cut,
    and never a text the language pipeline would choke on."""
    if isinstance(item, Article) and len(item.text) > opts.max_chars:
        return ReadFailure(
            item.path or item.id,
            f"article is {len(item.text):,} characters, over the limit of {opts.max_chars:,} "
            "per article (use --max-chars)",
            f"article {item.id}",
        )
    return item
