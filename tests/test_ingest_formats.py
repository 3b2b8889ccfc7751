"""HTML, WARC(.gz) and RSS/Atom inputs, built in the tests, plus their bad forms."""

from __future__ import annotations

import gzip
import io
import time
from datetime import date
from pathlib import Path

import pytest

from armstrack.ingest import ReadOptions, read_inputs
from armstrack.ingest.sniff import sniff
from armstrack.model import Article, ReadFailure

PARA = (
    "India has signed a contract with Russia for five S-400 air defence systems worth "
    "about five billion dollars, the defence ministry said on Friday. "
)


def page(
    title: str = "India signs S-400 deal",
    published: str | None = "2018-10-05",
    charset: str = "utf-8",
    extra: str = "",
) -> str:
    meta = (
        f'<meta property="article:published_time" content="{published}T09:00:00Z">'
        if published
        else ""
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title} | Example News</title>
<link rel="canonical" href="https://news.example.org/india-s400">{meta}</head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>
<p>{PARA * 2}</p>
<p>Deliveries are expected to start in two years, officials said, despite the threat of
United States sanctions under CAATSA. {extra}</p>
<p>The deal was signed during a summit in New Delhi between the two leaders.</p>
</article><footer>Copyright Example News</footer></body></html>"""


def read(*inputs: str | Path, **kw: object) -> list[Article | ReadFailure]:
    return list(read_inputs([str(i) for i in inputs], ReadOptions(**kw)))  # type: ignore[arg-type]


# --- HTML -----------------------------------------------------------------------------------------


def test_html_main_text_title_date_and_canonical_url(tmp_path: Path) -> None:
    p = tmp_path / "india-s400.html"
    p.write_text(page(), encoding="utf-8")
    (a,) = read(p)
    assert isinstance(a, Article)
    assert a.id == "india-s400" and a.source_format == "html"
    assert a.published == date(2018, 10, 5)
    assert a.url == "https://news.example.org/india-s400"
    assert "India signs S-400 deal" in a.title
    assert "five S-400 air defence systems" in a.text
    assert "Copyright Example News" not in a.text
    assert a.body_start == 0


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    p = tmp_path / "latin.htm"
    p.write_bytes(page(charset="iso-8859-1", extra="Señor Ramón agreed.").encode("latin-1"))
    (a,) = read(p)
    assert isinstance(a, Article) and "Señor Ramón agreed." in a.text


def test_html_without_date_needs_published(tmp_path: Path) -> None:
    p = tmp_path / "nodate.html"
    p.write_text(page(published=None), encoding="utf-8")
    (f,) = read(p)
    assert isinstance(f, ReadFailure) and f.reason.startswith("no publication date found")
    (a,) = read(p, published=date(2018, 10, 6))
    assert isinstance(a, Article) and a.published == date(2018, 10, 6)


def test_html_detected_despite_txt_extension(tmp_path: Path) -> None:
    p = tmp_path / "misnamed.txt"
    p.write_text(page(), encoding="utf-8")
    (a,) = read(p)
    assert isinstance(a, Article) and a.source_format == "html"


def test_malformed_and_empty_html_do_not_crash(tmp_path: Path) -> None:
    (tmp_path / "a_broken.html").write_text(
        "<html><body><div><p>unclosed <b>bold <table><tr><td>cell</div></p>" + "<<<>>>" * 50,
        encoding="utf-8",
    )
    (tmp_path / "b_nav_only.html").write_text(
        "<!doctype html><html><head><title>x</title></head><body><nav></nav></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "c_good.html").write_text(page(), encoding="utf-8")
    items = read(tmp_path)
    assert [type(i).__name__ for i in items] == ["ReadFailure", "ReadFailure", "Article"]
    assert items[1].reason == "no article text found in HTML"  # type: ignore[union-attr]


# --- WARC -----------------------------------------------------------------------------------------


def _warc(records: list[tuple[str, str, bytes, str]], gz: bool) -> bytes:
    """A WARC with one response record per (uri, warc-date, payload, content-type)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for uri, when, payload, ctype in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        rec = writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(payload),
            http_headers=http,
            warc_headers_dict={"WARC-Date": when},
        )
        writer.write_record(rec)
        req = writer.create_warc_record(uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n"))
        writer.write_record(req)
    return out.getvalue()


CRAWL = [
    (
        "https://a.example.org/1",
        "2018-10-06T01:02:03Z",
        page().encode(),
        "text/html; charset=utf-8",
    ),
    ("https://a.example.org/logo.png", "2018-10-06T01:02:04Z", b"\x89PNG\r\n", "image/png"),
    ("https://a.example.org/2", "2018-10-07T05:00:00Z", page(published=None).encode(), "text/html"),
    ("https://a.example.org/3", "2018-10-07T06:00:00Z", page("Third").encode(), "text/html"),
]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_records(tmp_path: Path, gz: bool) -> None:
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    p.write_bytes(_warc(CRAWL, gz))
    items = read(p)
    assert all(isinstance(a, Article) for a in items), items
    a, b, c = items  # the image and the request records are not articles
    assert isinstance(a, Article) and isinstance(b, Article) and isinstance(c, Article)
    assert a.published == date(2018, 10, 5) and a.source_format == "warc"
    # no date in the page: the crawl date, and the article says so
    assert b.published == date(2018, 10, 7) and b.source_format == "warc-crawldate"
    assert len({a.id, b.id, c.id}) == 3 and all(len(x.id) == 36 for x in (a, b, c))  # uuids
    assert a.path == str(p)


def test_published_option_beats_the_crawl_date(tmp_path: Path) -> None:
    p = tmp_path / "crawl.warc"
    p.write_bytes(_warc(CRAWL[2:3], gz=False))
    (a,) = read(p, published=date(2018, 10, 1))
    assert isinstance(a, Article) and a.published == date(2018, 10, 1)
    assert a.source_format == "warc"


def test_truncated_warc_gz_keeps_earlier_records(tmp_path: Path) -> None:
    data = _warc(CRAWL * 3, gz=True)
    p = tmp_path / "cut.warc.gz"
    p.write_bytes(data[: len(data) * 3 // 4])
    items = read(p)
    assert len([a for a in items if isinstance(a, Article)]) >= 3
    assert isinstance(items[-1], ReadFailure)
    assert "truncated" in items[-1].reason


# --- feeds ----------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Defence news</title><link>https://f.example.org/</link>
<item><title>Poland orders K2 tanks</title><link>https://f.example.org/k2</link>
<guid>https://f.example.org/k2</guid><pubDate>Wed, 27 Jul 2022 10:00:00 GMT</pubDate>
<description><![CDATA[<p>Poland signed a contract for 180 <b>K2</b> tanks.</p><p>Second.</p>]]>
</description></item>
<item><title>No date here</title><link>https://f.example.org/nodate</link>
<description>Egypt buys frigates.</description></item>
<item><title>Empty</title><link>https://f.example.org/empty</link><pubDate>Wed, 27 Jul 2022
10:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom defence</title>
<id>urn:feed</id><updated>2021-11-15T00:00:00Z</updated>
<entry><title>Greece buys Rafale jets</title><id>urn:uuid:1234</id>
<link href="https://f.example.org/rafale"/><published>2021-11-14T09:00:00Z</published>
<updated>2021-11-16T09:00:00Z</updated>
<content type="html">&lt;p&gt;Greece ordered six more Rafale fighter jets.&lt;/p&gt;</content>
</entry></feed>"""


def test_rss_items(tmp_path: Path) -> None:
    p = tmp_path / "feed.xml"
    p.write_text(RSS, encoding="utf-8")
    first, nodate, empty = read(p)
    assert isinstance(first, Article) and first.source_format == "feed"
    assert first.title == "Poland orders K2 tanks"
    assert first.text == "Poland signed a contract for 180 K2 tanks.\n\nSecond."
    assert first.published == date(2022, 7, 27) and first.url == "https://f.example.org/k2"
    assert isinstance(nodate, ReadFailure) and nodate.record == "item 2"
    assert isinstance(empty, ReadFailure) and empty.reason == "feed item has no text"
    again = read(p)[0]
    assert isinstance(again, Article) and again.id == first.id  # stable id
    items = read(p, published=date(2022, 8, 1))
    assert isinstance(items[1], Article) and items[1].published == date(2022, 8, 1)


def test_atom_entry_uses_published_not_updated(tmp_path: Path) -> None:
    p = tmp_path / "atom.txt"  # misleading extension
    p.write_text(ATOM, encoding="utf-8")
    (a,) = read(p)
    assert isinstance(a, Article)
    assert a.published == date(2021, 11, 14)
    assert a.text == "Greece ordered six more Rafale fighter jets."
    assert a.url == "https://f.example.org/rafale"


BOMB = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title>
<description>&lol9;</description><pubDate>Wed, 27 Jul 2022 10:00:00 GMT</pubDate></item>
</channel></rss>"""


def test_xml_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    p = tmp_path / "bomb.rss"
    p.write_text(BOMB, encoding="utf-8")
    assert sniff(BOMB.encode()) == "feed"
    start = time.process_time()
    (f,) = read(p)
    assert time.process_time() - start < 5  # guard only: expansion would take minutes/GBs
    assert isinstance(f, ReadFailure)
    assert "possible XML bomb" in f.reason


def test_feed_in_gzip_and_on_stdin(tmp_path: Path) -> None:
    p = tmp_path / "feed.gz"
    p.write_bytes(gzip.compress(ATOM.encode()))
    (a,) = read(p)
    assert isinstance(a, Article) and a.source_format == "feed"
    (b,) = read("-", stdin=io.BytesIO(ATOM.encode()))
    assert isinstance(b, Article) and b.id == a.id


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"WARC/1.0\r\nWARC-Type: warcinfo", "warc"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b'<?xml version="1.0"?>\n<rss version="2.0">', "feed"),
        (b"<?xml version='1.0'?><!-- c --><feed xmlns='x'>", "feed"),
        (b'<rdf:RDF xmlns:rdf="x">', "feed"),
        (b"<?xml version='1.0'?><note>hi</note>", "xml"),
        (b"  <!DOCTYPE html><html>", "html"),
        (b"<div><p>a</p><p>b</p><p>c</p><span>d</span><a>e</a><b>f</b><i>g</i></div>", "html"),
        (b'\n\n{"id": "x"}\n', "jsonl"),
        (b"# Title\n\nSome text with a <br> tag.", "text"),
        (b"%PDF-1.4\n\x00\x01\x02", "binary"),
    ],
)
def test_sniff(head: bytes, kind: str) -> None:
    assert sniff(head) == kind
