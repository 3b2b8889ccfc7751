"""A generator of hostile corpora: every kind of input issue 9 found, and more, on disk.

Used by ``tests/test_fuzz_and_faults.py`` (a few of each kind) and by
``bench/bench_hostile.py`` (a thousand and more, mixed with real articles).
Every generated input says what a correct ingest must do with it: how many
articles it must store (found by their ``path``) and whether it must leave a
recorded failure. All text is written here, in our own words; nothing is copied.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from armstrack.model import printable


@dataclass(frozen=True)
class Expect:
    """One generated input and what ingest must make of it."""

    path: str  # as the OS names it (may hold undecodable bytes, via surrogateescape)
    kind: str
    stored: int  # articles that must be stored from it (matched by their printable path)
    fails: bool  # whether a failure must be recorded for it

    @property
    def shown(self) -> str:
        """The name ingest stores and prints for it."""
        return printable(self.path)


#: Well-known transfers, true as stated: (buyer, what, seller).
TRANSFERS = (
    ("Turkey", "S-400 air defence systems", "Russia"),
    ("India", "Rafale fighter jets", "France"),
    ("Egypt", "Rafale fighter jets", "France"),
    ("Greece", "Rafale fighter jets", "France"),
    ("Poland", "F-35 fighter jets", "the United States"),
    ("Finland", "F-35 fighter jets", "the United States"),
    ("Switzerland", "F-35 fighter jets", "the United States"),
    ("India", "S-400 air defence systems", "Russia"),
    ("Qatar", "Rafale fighter jets", "France"),
)
FILLER = ("analysts", "harbour", "budget", "council", "season", "bridge", "exports", "wages",
          "railway", "weather", "farmers", "tariffs", "voters", "theatre", "museum", "river")


def story(n: int, rng: random.Random) -> str:
    """A short, unique paragraph: a true, well-known transfer, then filler words that make
    it unique (numbered, so no two generated stories are near duplicates)."""
    buyer, what, seller = rng.choice(TRANSFERS)
    words = " ".join(rng.choice(FILLER) for _ in range(30))
    return (f"{buyer} agreed to buy {what} from {seller}, as reported in item {n}. "
            f"The rest of item {n} is about {words}.")


def text_article(n: int, rng: random.Random, date: str = "2021-05-04") -> str:
    return f"Story {n}\n\n{date}\n\n{story(n, rng)}\n"


def uid(n: int, rng: random.Random) -> str:
    """An article id unique across corpora made with different seeds."""
    return f"gen{rng.randrange(10**9)}-{n}"


def record(n: int, rng: random.Random, **extra: object) -> dict[str, object]:
    return {"id": uid(n, rng), "title": f"Story {n}", "published": "2021-05-04",
            "text": story(n, rng), **extra}


def warc_bytes(records: list[tuple[str, bytes, str]], gz: bool = False) -> bytes:
    """A WARC file of HTTP responses (uri, body, content type), gzipped per record if ``gz``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for uri, body, content_type in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.0")
        writer.write_record(
            writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http)
        )
    return buffer.getvalue()


def page(n: int, rng: random.Random, nest: int = 0) -> bytes:
    body = " ".join(story(n * 1000 + k, rng) for k in range(3))
    return (f"<html><head><title>Story {n}</title><meta name='date' content='2021-05-04'>"
            f"</head><body>{'<div>' * nest}<article><h1>Story {n}</h1><p>{body}</p></article>"
            f"{'</div>' * nest}</body></html>").encode()


# --- one maker per kind: (folder, n, rng, limits) -> Expect -----------------------------

Maker = Callable[[Path, int, random.Random, "Limits"], Expect]


@dataclass(frozen=True)
class Limits:
    """The limits the ingest under test runs with (so makers can exceed them cheaply)."""

    max_chars: int = 20_000
    max_records: int = 50_000


def _write(path: Path | bytes, data: bytes) -> str:
    with open(path, "wb") as handle:
        handle.write(data)
    return os.fsdecode(path)


def oversized(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    text = text_article(n, rng) + ("More words follow here. " * (lim.max_chars // 20))
    return Expect(_write(folder / f"huge{n}.txt", text.encode()), "oversized", 0, True)


def oversized_line(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    recs = [record(n, rng), record(n, rng, id=uid(n, rng) + "-long",
                                   text="Missiles. " + "x" * (lim.max_chars + 10))]
    data = "\n".join(json.dumps(r) for r in recs).encode()
    return Expect(_write(folder / f"longline{n}.jsonl", data), "oversized-record", 1, True)


def surrogates(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    text = json.dumps(story(n, rng))[1:-1]
    line = f'{{"id": "{uid(n, rng)}\\ud800", "published": "2021-05-04", "text": "\\udfff {text}"}}'
    return Expect(_write(folder / f"surrogate{n}.jsonl", line.encode()), "lone-surrogate", 1, False)


def non_utf8_name(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    path = os.fsencode(folder) + f"/name{n}-".encode() + b"\xe9\xff.txt"
    return Expect(_write(path, text_article(n, rng).encode()), "non-utf8-name", 1, False)


def control_name(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    name = f"x{n}\nerror: forged \x1b[31mred.txt"
    return Expect(_write(folder / name, b"\x00\x01\x02binary"), "control-name", 0, True)


def fifo(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    path = folder / f"pipe{n}"
    os.mkfifo(path)
    return Expect(str(path), "fifo", 0, True)


def warc_image_first(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(100, 3000))
    data = warc_bytes([(f"http://example.org/{n}.png", png, "image/png"),
                  (f"http://example.org/{n}", page(n, rng), "text/html")], gz=n % 2 == 0)
    return Expect(_write(folder / f"image-first{n}.warc", data), "warc-image-first", 1, False)


def warc_bad_length(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    data = warc_bytes([(f"http://example.org/{n}/a", page(n, rng), "text/html"),
                  (f"http://example.org/{n}/b", page(n + 1, rng), "text/html"),
                  (f"http://example.org/{n}/c", page(n + 2, rng), "text/html")])
    at = data.index(b"Content-Length", data.index(f"http://example.org/{n}/b".encode()))
    end = data.index(b"\r\n", at)
    length = int(data[at + 16 : end]) - rng.randrange(5, 60)
    data = data[:at] + f"Content-Length: {length}".encode() + data[end:]
    return Expect(_write(folder / f"bad-length{n}.warc", data), "warc-bad-length", 2, True)


def warc_cut_header(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    data = warc_bytes([(f"http://example.org/{n}/a", page(n, rng), "text/html"),
                  (f"http://example.org/{n}/b", page(n + 1, rng), "text/html")])
    cut = data.index(f"WARC-Target-URI: http://example.org/{n}/b".encode()) + rng.randrange(3, 30)
    return Expect(_write(folder / f"cut-header{n}.warc", data[:cut]), "warc-cut-header", 1, True)


def newline_bomb(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    data = gzip.compress((json.dumps(record(n, rng)) + "\n" * (lim.max_records + 10)).encode())
    return Expect(_write(folder / f"bomb{n}.jsonl.gz", data), "newline-bomb", 1, True)


def deep_html(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    return Expect(_write(folder / f"deep{n}.html", page(n, rng, nest=10_000)), "deep-html", 1,
                  False)


def calendar_end(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    """A date no newsroom writes: refused as a publication date (and so a failure); the
    tagger's side of the calendar's ends is tested with ``--published 9999-12-31``."""
    text = text_article(n, rng, date="9999-12-31") + "Deliveries are due next year.\n"
    return Expect(_write(folder / f"late{n}.txt", text.encode()), "calendar-end", 0, True)


def binary(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    return Expect(_write(folder / f"junk{n}.bin", rng.randbytes(rng.randrange(10, 5000))),
                  "binary", 0, True)


def empty(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    return Expect(_write(folder / f"empty{n}.txt", b""), "empty", 0, True)


def bad_utf8(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    data = text_article(n, rng).encode() + b"\xff\xfe broken"
    return Expect(_write(folder / f"latin{n}.txt", data), "invalid-utf8", 0, True)


def truncated_gzip(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    lines = "\n".join(json.dumps(record(n * 100 + k, rng)) for k in range(40)).encode()
    data = gzip.compress(lines)
    return Expect(_write(folder / f"cut{n}.jsonl.gz", data[: len(data) // 2]), "truncated-gzip",
                  -1, True)  # -1: some records before the cut, how many depends on the cut


def bad_json_lines(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    lines = [json.dumps(record(n, rng)), '{"id": "x", "text": ', "[1, 2, 3]",
             json.dumps({"id": uid(n, rng), "published": "2021-05-04"}),
             json.dumps({"id": uid(n, rng), "text": story(n + 1, rng)})]
    return Expect(_write(folder / f"mixed{n}.jsonl", "\n".join(lines).encode()), "bad-json", 1,
                  True)


def json_array(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    data = json.dumps([record(n, rng)]).encode()
    return Expect(_write(folder / f"array{n}.json", data), "json-array", 0, True)


def xml_bomb(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    data = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
            b']><rss><channel><item><title>&c;</title><description>&c;</description>'
            b'</item></channel></rss>')
    return Expect(_write(folder / f"bomb{n}.xml", data), "xml-bomb", 0, True)


def external_entity(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    data = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<rss><channel><item><title>&x;</title><description>&x;</description>"
            b"</item></channel></rss>")
    return Expect(_write(folder / f"xxe{n}.rss", data), "external-entity", 0, True)


def broken_link(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    path = folder / f"dangling{n}.txt"
    os.symlink(folder / f"nowhere{n}", path)
    return Expect(str(path), "broken-symlink", 0, True)


def no_text_html(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    data = b"<html><head><title>x</title></head><body><nav>Home</nav></body></html>"
    return Expect(_write(folder / f"notext{n}.html", data), "html-without-text", 0, True)


def feed(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    items = "".join(
        f"<item><title>Story {n}-{k}</title><link>http://example.org/{n}/{k}</link>"
        f"<pubDate>Tue, 04 May 2021 10:00:00 GMT</pubDate>"
        f"<description>{story(n * 10 + k, rng)}</description></item>" for k in range(2))
    data = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}'
    return Expect(_write(folder / f"feed{n}.rss", (data + "</channel></rss>").encode()), "feed",
                  2, False)


def controls_in_text(folder: Path, n: int, rng: random.Random, lim: Limits) -> Expect:
    text = text_article(n, rng).replace("ministry", "min\x1b[2Jistry\x07")
    return Expect(_write(folder / f"controls{n}.txt", text.encode()), "controls-in-text", 1, False)


MAKERS: tuple[Maker, ...] = (
    oversized, oversized_line, surrogates, non_utf8_name, control_name, fifo, warc_image_first,
    warc_bad_length, warc_cut_header, newline_bomb, deep_html, calendar_end, binary, empty,
    bad_utf8, truncated_gzip, bad_json_lines, json_array, xml_bomb, external_entity,
    broken_link, no_text_html, feed, controls_in_text,
)


def make_corpus(folder: Path, count: int, seed: int = 9, limits: Limits | None = None
                ) -> list[Expect]:
    """``count`` hostile inputs in ``folder``, every kind in turn (so each appears at least
    once when ``count >= len(MAKERS)``), in a seeded random order of kinds after that."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    lim = limits or Limits()
    made = []
    for n in range(count):
        maker = MAKERS[n] if n < len(MAKERS) else rng.choice(MAKERS)
        made.append(maker(folder, n, rng, lim))
    return made


def mismatches(made: list[Expect], store: object) -> list[str]:
    """Where the stored register breaks a generated input's expectation (empty: none).

    ``store`` is an ``armstrack.store.Store``. Every failure must also read as one
    printable line: no control characters in what ``failures`` would print.
    """
    from collections import Counter

    stored = Counter(a.path for a in store.articles())  # type: ignore[attr-defined]
    failures = list(store.failures())  # type: ignore[attr-defined]
    failed = Counter(f.input for f in failures)
    wrong = []
    for e in made:
        got, fails = stored.get(e.shown, 0), failed.get(e.shown, 0) > 0
        if (e.stored >= 0 and got != e.stored) or (e.stored < 0 and got == 0):
            wrong.append(f"{e.kind} {e.shown}: {got} articles stored, {e.stored} expected")
        if fails != e.fails:
            wrong.append(f"{e.kind} {e.shown}: failure recorded {fails}, expected {e.fails}")
    for f in failures:
        line = f.describe()
        if printable(line) != line or not f.reason.strip():
            wrong.append(f"unreadable failure line: {line!r}")
    return wrong


def real_reading_components(extractor: object = None) -> object:
    """The real readers and hashing, the fast fakes of ``test_runner.py`` for the gate, the
    near-duplicate index and the extractor: for tests about reading, storing, surviving."""
    from armstrack.ingest import ReadOptions, read_inputs
    from armstrack.ingest.dedup import content_hash
    from test_runner import FakeExtractor, fake_components

    comp = fake_components(extractor=extractor or FakeExtractor)
    comp.read_inputs, comp.read_options, comp.content_hash = read_inputs, ReadOptions, content_hash
    return comp
