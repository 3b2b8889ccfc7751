"""``armstrack serve``: pages, the JSON API, safety, read-only access (no browser needed)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import socket
import subprocess
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from urllib.request import urlopen

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from armstrack.store import Store, StoreError, StoreNotFound
from armstrack.web.app import CSP, create_app, safe_url, wrap
from armstrack.web.queries import fts_query


@pytest.fixture(scope="module")
def client(web_db: Path) -> TestClient:
    return TestClient(wrap(create_app(str(web_db))))


@pytest.fixture(scope="module")
def stored(web_db: Path) -> list:
    with Store(str(web_db)) as store:
        return store.deals()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _live_markup(html: str) -> list[str]:
    """What in a page could run: script/img/iframe/object elements, on* attributes, and
    links or sources with a javascript: or data: address, as a browser's parser sees them."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "img", "iframe", "object", "embed"):
                found.append(f"<{tag}>")
            for name, value in attrs:
                if name.startswith("on"):
                    found.append(f"{tag} {name}=")
                scheme = (value or "").strip().lower()
                if name in ("href", "src", "action", "xlink:href") and scheme.startswith(
                    ("javascript:", "data:", "vbscript:")
                ):
                    found.append(f"{tag} {name}={value}")

    Parser().feed(html)
    return found


# --------------------------------------------------------------------------- pages


PAGES = ["/", "/deals/1", "/articles", "/countries", "/countries/RUS", "/network",
         "/search?q=delivery", "/forecasts", "/changes", "/status", "/api"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_a_strict_csp_and_no_scripts(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in response.text.lower()
    # Nothing is loaded from another host: every src/href is local or an escaped article URL.
    for ref in re.findall(r'(?:src|href)="([^"]*)"', response.text):
        assert not ref.startswith("//")
        if ref.startswith("http"):
            assert 'rel="noopener noreferrer nofollow"' in response.text


def test_register_lists_every_stored_deal_with_facets_that_add_up(
    client: TestClient, stored: list
) -> None:
    data = client.get("/api/deals", params={"per_page": 500}).json()
    assert data["total"] == len(stored)
    assert sorted(d["id"] for d in data["deals"]) == sorted(d.id for d in stored)
    facets = {f["name"]: f for f in data["facets"]}
    statuses = Counter(d.status for d in stored)
    assert {v["value"]: v["count"] for v in facets["status"]["values"]} == dict(statuses)
    by_id = {d.id: d for d in stored}
    for row in data["deals"]:
        deal = by_id[row["id"]]
        assert (row["supplier"], row["recipient"], row["system"], row["status"]) == (
            deal.supplier, deal.recipient, deal.system, deal.status)
        assert row["n_sources"] == len(deal.sources)
        assert row["disagreements"] == len(deal.disagreements)


def test_register_filters_by_name_or_id_status_and_years(client: TestClient, stored: list) -> None:
    by_name = client.get("/api/deals", params={"supplier": "Russia"}).json()
    by_id = client.get("/api/deals", params={"supplier": "RUS"}).json()
    expected = sorted(d.id for d in stored if d.supplier == "RUS")
    assert expected and sorted(d["id"] for d in by_name["deals"]) == expected
    assert by_name["deals"] == by_id["deals"]

    status = stored[0].status
    found = client.get("/api/deals", params={"status": status}).json()
    assert {d["status"] for d in found["deals"]} == {status}
    assert found["total"] == sum(d.status == status for d in stored)

    years = client.get("/api/deals", params={"year_from": 2019, "year_to": 2019}).json()
    for d in years["deals"]:
        assert d["first_reported"][:4] <= "2019" <= (d["last_reported"] or "9999")[:4]
    assert years["total"] < len(stored)

    # The page shows the same deals, and its form's empty fields mean "no filter".
    page = client.get("/?supplier=Russia&year_from=&status=&sanctions=")
    assert page.status_code == 200
    for d in by_name["deals"]:
        assert f'href="/deals/{d["id"]}"' in page.text


def test_sort_and_paging_cover_each_deal_once(client: TestClient, stored: list) -> None:
    seen = []
    page = 1
    while True:
        data = client.get("/api/deals", params={"sort": "-first_reported", "per_page": 7,
                                                "page": page}).json()
        seen.extend(data["deals"])
        if page >= data["pages"]:
            break
        page += 1
    assert sorted(d["id"] for d in seen) == sorted(d.id for d in stored)
    dates = [d["first_reported"] or "" for d in seen]
    assert dates == sorted(dates, reverse=True)


def test_csv_is_exactly_what_the_json_shows(client: TestClient) -> None:
    params = {"recipient": "IND", "sort": "-last_reported", "per_page": 3}
    shown = client.get("/api/deals", params=params).json()["deals"]
    response = client.get("/api/deals.csv", params=params)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["id"]) for r in rows] == [d["id"] for d in shown]
    everything = list(csv.DictReader(io.StringIO(
        client.get("/api/deals.csv", params={**params, "all": "true"}).text)))
    assert len(everything) == client.get("/api/deals", params=params).json()["total"]


def test_filter_state_is_a_shareable_url(client: TestClient) -> None:
    page = client.get("/?recipient=TUR&sort=-last_reported")
    # Export links and facet links carry the filter on.
    assert "/api/deals?recipient=TUR&amp;sort=-last_reported" in page.text
    assert "/api/deals.csv?recipient=TUR&amp;sort=-last_reported" in page.text


# --------------------------------------------------------------------------- deal, article


def test_deal_api_is_a_spec_object_of_its_own(client: TestClient, stored: list) -> None:
    deal = max(stored, key=lambda d: len(d.timeline))
    data = client.get(f"/api/deals/{deal.id}").json()
    assert set(data) == {"articles", "events", "deals"}
    (one,) = data["deals"]
    assert (one["supplier"], one["recipient"], one["system"], one["status"]) == (
        deal.supplier, deal.recipient, deal.system, deal.status)
    assert sorted(one["events"]) == sorted(set(one["events"])) or one["events"]
    assert all(0 <= i < len(data["events"]) for i in one["events"])
    article_ids = {a["id"] for a in data["articles"]}
    for event in data["events"]:
        assert event["article"] in article_ids
        assert event["id"].startswith(event["article"] + "#")
    assert len(data["events"]) == len(deal.timeline)


def test_deal_page_shows_timeline_claims_and_evidence(client: TestClient, stored: list) -> None:
    deal = max(stored, key=lambda d: len(d.timeline))
    html = client.get(f"/deals/{deal.id}").text
    assert 'id="timeline"' in html
    assert html.count('class="mark t-') == sum(
        1 for t in deal.timeline if t.event.time or t.published)
    for i, entry in enumerate(deal.timeline):
        assert f'id="claim-{i}"' in html
        if entry.event.trigger:
            assert 'class="r-trigger"' in html
    assert html.count('<li id="claim-') == len(deal.timeline)


def test_disagreements_are_shown_side_by_side(client: TestClient, stored: list) -> None:
    disputed = [d for d in stored if d.disagreements]
    if not disputed:
        pytest.skip("the examples hold no disagreement")
    html = client.get(f"/deals/{disputed[0].id}").text
    assert 'id="disagreements"' in html
    assert html.count('class="claim-card"') == 2 * len(disputed[0].disagreements)


def test_article_page_marks_its_events_and_links_their_deals(client: TestClient) -> None:
    data = client.get("/api/articles/001_india-rafale-contract").json()
    assert data["status"] == "extracted" and data["events"]
    html = client.get("/articles/001_india-rafale-contract").text
    marks = re.findall(r'<mark class="event t-(\w+)">', html)
    assert marks
    assert set(marks) <= {e["type"] for e in data["events"]}
    for event in data["events"]:
        assert event["deal"] is not None
        assert f'href="/deals/{event["deal"]}"' in html
    # The marked text is the article's own text, in order.
    text = re.sub(r"<span class=\"ev-label\">.*?</span>", "", html.split('id="article-text">')[1])
    text = re.sub(r"<[^>]+>", "", text.split("</div>")[0])
    import html as html_lib

    assert html_lib.unescape(text) == data["text"]


def test_country_and_network_count_the_register(client: TestClient, stored: list) -> None:
    country = client.get("/api/countries/Russia").json()
    assert country["id"] == "RUS"
    assert country["exports"] == sum(d.supplier == "RUS" for d in stored)
    assert sum(y["exports"] for y in country["by_year"]) == country["exports"]
    assert "<svg id=\"years\"" in client.get("/countries/RUS").text

    net = client.get("/api/network", params={"limit": 200}).json()
    assert net["deals"] == len(stored)
    assert sum(e["deals"] for e in net["edges"]) == sum(d.supplier != d.recipient for d in stored)
    filtered = client.get("/api/network", params={"category": "aircraft"}).json()
    assert filtered["deals"] < net["deals"]


def test_search_finds_titles_and_evidence(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "Rafale"}).json()
    kinds = {h["kind"] for h in data["hits"]}
    assert kinds == {"article", "event"}
    assert all("rafale" in h["text"].lower() for h in data["hits"])
    events = client.get("/api/search", params={"q": "Rafale", "kind": "event"}).json()
    assert events["total"] < data["total"] and all(h["deal"] for h in events["hits"])
    html = client.get("/search?q=Rafale").text
    assert "<mark>Rafale</mark>" in html
    # Stemmed: the plural finds the singular and the plural.
    found = client.get("/api/search", params={"q": "deliveries"}).json()["hits"]
    words = {w.lower() for h in found for w in re.findall(r"deliver\w*", h["text"], re.I)}
    assert {"delivery", "deliveries"} <= words


@pytest.mark.parametrize("query", ['"', "NEAR(", "a OR", "*", "x:y", "(((", "AND AND", "'; DROP"])
def test_search_syntax_is_plain_text(client: TestClient, query: str) -> None:
    assert client.get("/api/search", params={"q": query}).status_code == 200
    assert client.get("/search", params={"q": query}).status_code == 200


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('S-400 "x NEAR(y') == '"S-400" "x" "NEAR(y"*'
    assert fts_query('delivery (') == '"delivery" "("'
    assert fts_query("   ") == ""


def test_status_says_what_was_ingested(client: TestClient, web_db: Path) -> None:
    data = client.get("/api/status").json()
    with Store(str(web_db)) as store:
        assert data["counts"] == store.counts()
    assert data["search_index"] is True


def _cli_json(web_db: Path, *args: str) -> dict:
    import json

    from click.testing import CliRunner

    from armstrack.cli.main import cli

    result = CliRunner().invoke(cli, ["--db", str(web_db), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_forecasts_and_changes_are_the_command_lines_own(client: TestClient, web_db: Path) -> None:
    # The web calls armstrack.analysis (issue 11) as the CLI does: the same JSON.
    for params, args in (({}, ()), ({"as_of": "2019-12-31", "include_possible": "true"},
                                     ("--as-of", "2019-12-31", "--include-possible"))):
        api = client.get("/api/forecasts", params=params).json()
        assert api == _cli_json(web_db, "forecasts", *args)
    assert api["forecasts"], "the examples hold forecasts"
    html = client.get("/forecasts").text
    assert html.count('<tr class="v-') == len(client.get("/api/forecasts").json()["forecasts"])

    changes = client.get("/api/changes", params={"since": "2020-01-01"}).json()
    assert changes == _cli_json(web_db, "changes", "--since", "2020-01-01")
    assert changes["changes"]
    page = client.get("/changes?since=2020-01-01").text
    assert page.count('<li class="change">') == len(changes["changes"])
    atom = client.get("/api/changes.atom", params={"since": "2020-01-01"})
    assert atom.headers["content-type"].startswith("application/atom+xml")
    assert atom.text.count("<entry>") == len(changes["changes"])
    from xml.etree import ElementTree

    feed = ElementTree.fromstring(client.get("/api/changes.atom",
                                             params={"since": "2000-01-01"}).content)
    links = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert links and all(href.startswith(("http://", "https://")) for href in links)
    assert "javascript:alert" in ElementTree.tostring(feed, encoding="unicode")  # as text
    assert client.get("/api/changes", params={"since": "2021-01-01",
                                              "until": "2020-01-01"}).status_code == 400


# --------------------------------------------------------------------------- safety


def test_hostile_article_is_inert_everywhere(client: TestClient) -> None:
    deals = client.get("/api/deals", params={"system": "S-400", "per_page": 500}).json()["deals"]
    pages = ["/articles/901_hostile-script", "/articles/902_hostile-data-url",
             "/search?q=alert", "/articles", "/"]
    pages += [f"/deals/{d['id']}" for d in deals]
    for path in pages:
        html = client.get(path).text
        assert _live_markup(html) == [], path
    article = client.get("/articles/901_hostile-script").text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in article
    assert "onerror=&#34;alert" in article
    assert 'class="nolink"' in article  # the javascript: address is shown, not linked


def test_hostile_speaker_quantity_and_system_are_inert(web_db: Path, tmp_path: Path) -> None:
    """Fields the extractor rarely fills with markup (speaker, unit, system, title, URL), forced."""
    import shutil
    from datetime import date

    from armstrack.model import Article, Event, Quantity
    from armstrack.store import Batch

    db = tmp_path / "forced.db"
    shutil.copy(web_db, db)
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    evidence = f"Chile bought {payload} jets from Sweden, said {payload}."
    text = f"Title\n\n{evidence}\n"
    with Store(str(db)) as store:
        batch = Batch()
        article = Article("903_forced", text, date(2020, 1, 2), title=payload,
                          url="javascript:alert(document.domain)")
        batch.add_article(article, content_hash="forced", status="extracted")
        batch.add_events("903_forced", [Event(
            "903_forced", "contract", "asserted", "SWE", "CHL", system=f"Gripen{payload}",
            quantity=Quantity(3, payload), source=payload, evidence=evidence,
            offsets=(7, 7 + len(evidence)), trigger=payload)])
        store.write_batch(batch)
        store.rebuild_deals()
        deal = next(d for d in store.deals() if d.recipient == "CHL" and "Gripen" in d.system)
    forced = TestClient(wrap(create_app(str(db))))
    for path in (f"/deals/{deal.id}", "/articles/903_forced", "/?recipient=CHL", "/countries/CHL",
                 "/search?q=Chile", "/network"):
        html = forced.get(path).text
        assert _live_markup(html) == [], path
    assert "&lt;script&gt;" in forced.get(f"/deals/{deal.id}").text
    # The helper itself sees what a browser would run.
    assert _live_markup('<p title="x"><img src=x onerror=alert(1)><a href="javascript:x">') == [
        "<img>", "img onerror=", "a href=javascript:x"]


def test_safe_url_links_only_http() -> None:
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x",
                "vbscript:x", "//evil.example", "file:///etc/passwd", "http:\\\\evil"):
        assert safe_url(bad) is None


@pytest.mark.parametrize(
    "path, code",
    [
        ("/api/deals/999999", 404),
        ("/api/deals/abc", 422),
        ("/api/deals/0", 422),
        ("/api/deals?sort=name;drop", 422),
        ("/api/deals?page=0", 422),
        ("/api/deals?per_page=100000", 422),
        ("/api/deals?year_from=2020&year_to=2010", 400),
        ("/api/deals?status=lost", 422),
        ("/api/articles/nope", 404),
        ("/api/countries/Atlantis", 404),
        ("/api/search?kind=other&q=x", 422),
        ("/api/nothing-here", 404),
    ],
)
def test_bad_requests_are_json_4xx(client: TestClient, path: str, code: int) -> None:
    response = client.get(path)
    assert response.status_code == code
    body = response.json()
    assert body["error"] and "Traceback" not in response.text


def test_pages_answer_bad_requests_with_a_page(client: TestClient) -> None:
    response = client.get("/deals/999999")
    assert response.status_code == 404 and "<h1>404" in response.text
    assert client.get("/?year_from=abc").status_code == 422


def test_writes_are_not_served(client: TestClient) -> None:
    assert client.post("/api/deals").status_code == 405
    assert client.delete("/api/deals/1").status_code == 405


def test_the_database_is_opened_read_only(client: TestClient, web_db: Path) -> None:
    before = _digest(web_db)
    for path in PAGES:
        client.get(path)
    assert _digest(web_db) == before
    store = Store(str(web_db), create=False)
    try:
        with pytest.raises(Exception, match="readonly"), store.engine.begin() as conn:
            from sqlalchemy import text

            conn.execute(text("DELETE FROM deals"))
    finally:
        store.close()


def test_serving_refuses_what_is_no_register(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound):
        create_app(str(tmp_path / "missing.db"))
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError):
        create_app(str(junk))
    assert junk.read_bytes() == b"not a database at all" * 100


def test_index_follows_a_rebuild_of_the_deals(web_db: Path, tmp_path: Path) -> None:
    import shutil

    from armstrack.web.queries import Register

    copy = tmp_path / "copy.db"
    shutil.copy(web_db, copy)
    register = Register.open(str(copy))
    try:
        before = register.index()
        with Store(str(copy)) as store:
            from sqlalchemy import text

            with store.engine.begin() as conn:
                conn.execute(text("UPDATE events SET system = 'Zz-1' "
                                  "WHERE article_id = '901_hostile-script'"))
            store.rebuild_deals()
        after = register.index()
        assert after is not before
        assert "Zz-1" in {row.system for row in after.rows}
        assert "Zz-1" not in {row.system for row in before.rows}
        assert register.index() is after  # unchanged deals: the same index, not read again
    finally:
        register.close()


# --------------------------------------------------------------------------- the command


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_command_serves_and_refuses_a_missing_database(web_db: Path, tmp_path: Path) -> None:
    armstrack = str(Path(sys.executable).with_name("armstrack"))
    missing = subprocess.run([armstrack, "serve", "--db", str(tmp_path / "none.db")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no register" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert not (tmp_path / "none.db").exists()

    port = _free_port()
    server = subprocess.Popen([armstrack, "--db", str(web_db), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(f"http://127.0.0.1:{port}/api/status", timeout=5) as response:
                    assert response.status == 200
                    assert response.headers["Content-Security-Policy"] == CSP
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_search_index_is_kept_by_ingest_and_added_to_older_databases(tmp_path: Path) -> None:
    from sqlalchemy import text

    from armstrack.model import Article
    from armstrack.store import Batch

    db = tmp_path / "r.db"
    with Store(str(db)) as store:
        batch = Batch()
        batch.add_article(Article("a1", "Text.", None, title="Norway buys submarines"),
                          content_hash="h1", status="skipped")
        store.write_batch(batch)
        with store.engine.begin() as conn:
            found = conn.execute(text(
                "SELECT ref FROM search_index WHERE search_index MATCH 'submarines'")).all()
            assert found == [("a1",)]
            conn.execute(text("DROP TABLE search_index"))
            conn.execute(text("DROP TRIGGER search_index_article"))
    with Store(str(db)) as store, store.engine.connect() as conn:  # an older database reopened
        found = conn.execute(text(
            "SELECT ref FROM search_index WHERE search_index MATCH 'norway'")).all()
        assert found == [("a1",)]
