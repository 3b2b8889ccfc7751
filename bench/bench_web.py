"""``armstrack serve`` under load at SIPRI's scale: latency of the main pages and API calls.

    .venv/bin/python bench/bench_web.py [--deals 30000 --events 300000 --articles 100000]
        [--clients 8] [--seconds 60] [--workers 2] [--db PATH] [--keep] [--json]

1. Builds a synthetic register straight into the store (``Store.write_batch`` and
   ``Store.rebuild_deals``, no language pipeline): ``--articles`` articles, a fifth of
   them skipped by the "gate", the rest carrying ``--events`` events spread over
   ``--deals`` (supplier, recipient, system) deals, with evidence sentences that sit
   at their offsets in the article text. Real state ids and system names from the
   knowledge base; fixed seed. ``--db`` reuses (or keeps, with ``--keep``) the file.
2. Starts ``armstrack serve --workers N`` on a free loopback port.
3. Runs ``--clients`` threads for ``--seconds`` seconds, each sending a fixed mix of
   requests (register page with random filters and sorts, deal pages, search, the
   JSON API) over a keep-alive connection, and reports the median and p95 latency
   per kind of request, with the machine's load average (``uptime``) beside them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from armstrack.kb import load_kb
from armstrack.model import Article, Event, Interval, Money, Quantity
from armstrack.store import Batch, Store

TYPES = ("negotiation", "agreement", "contract", "delivery", "deployment", "production")
MODALITIES = ("asserted",) * 6 + ("planned", "hoped", "possible", "negated")
VERBS = {
    "negotiation": "is in talks to buy",
    "agreement": "signed an agreement for",
    "contract": "signed a contract for",
    "delivery": "took delivery of",
    "deployment": "deployed",
    "production": "began licensed production of",
}
WORDS = ("officials said", "according to the ministry", "the report said", "sources said",
         "a spokesman confirmed", "the agency reported", "analysts noted", "in a statement")


# --------------------------------------------------------------------------- the register


def build(db: Path, n_deals: int, n_events: int, n_articles: int, seed: int = 7) -> dict:
    """Write the synthetic register into ``db``; returns what was written and how long it took."""
    rng = random.Random(seed)
    kb = load_kb()
    states = sorted(e.id for e in kb.entries("state") if len(e.id) == 3)
    names = {s: kb.get(s).name for s in states}
    systems = sorted({e.family_name or e.name for e in kb.entries("system")})
    suppliers = rng.sample(states, 40)
    deals: set[tuple[str, str, str]] = set()
    while len(deals) < n_deals:
        sup = rng.choices(suppliers, weights=range(len(suppliers), 0, -1))[0]
        rec = rng.choice(states)
        if sup != rec:
            deals.add((sup, rec, rng.choice(systems)))
    keys = sorted(deals)
    rng.shuffle(keys)
    with_events = n_articles * 4 // 5
    per_article = [n_events // with_events + (i < n_events % with_events)
                   for i in range(with_events)]
    started = time.perf_counter()
    store = Store(str(db))
    batch = Batch()
    for i in range(n_articles):
        published = date(1995, 1, 1) + timedelta(days=rng.randrange(30 * 365))
        article_id = f"syn{i:06d}"
        if i >= with_events:
            text = f"Markets closed higher on day {i}. " + rng.choice(WORDS) + "."
            batch.add_article(Article(article_id, text, published, title=f"Market report {i}"),
                              content_hash=f"h{i}", status="skipped",
                              reason="no transfer vocabulary")
        else:
            # Round-robin first, so every deal gets events; then at random.
            sup, rec, system = keys[i % len(keys)] if i < len(keys) else rng.choice(keys)
            title = f"{names[rec]} and {names[sup]}: {system} programme update {i}"
            sentences, events = [title, ""], []
            offset = len(title) + 2
            for _ in range(per_article[i]):
                kind = rng.choice(TYPES)
                year = published.year + rng.randint(-2, 3)
                sentence = (f"{names[rec]} {VERBS[kind]} {rng.randint(2, 48)} {system} "
                            f"from {names[sup]} in {year}, {rng.choice(WORDS)}.")
                events.append(Event(
                    article_id, kind, rng.choice(MODALITIES), sup, rec, system=system,
                    time=Interval(date(year, 1, 1), date(year, 12, 31), f"in {year}"),
                    quantity=Quantity(rng.randint(2, 48), "unit") if rng.random() < .3 else None,
                    value=Money(rng.randint(1, 90) * 10**8, "USD") if rng.random() < .2 else None,
                    source=rng.choice(("the ministry", "officials", None)),
                    evidence=sentence, offsets=(offset, offset + len(sentence)),
                    trigger=VERBS[kind].split()[-2] if kind != "deployment" else "deployed",
                ))
                sentences.append(sentence)
                offset += len(sentence) + 1
            text = "\n".join(sentences)
            article = Article(article_id, text, published, title=title,
                              url=f"https://news.example.org/{article_id}")
            batch.add_article(article, content_hash=f"h{i}", status="extracted")
            batch.add_events(article_id, events)
        if len(batch.articles) >= 5000:
            store.write_batch(batch)
            batch = Batch()
    store.write_batch(batch)
    written = time.perf_counter() - started
    store.rebuild_deals()
    counts = store.counts()
    store.close()
    return {"counts": counts, "write_s": round(written, 1),
            "rebuild_deals_s": round(time.perf_counter() - started - written, 1)}


# --------------------------------------------------------------------------- the load


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/api/status")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("server did not come up")


def _request_mix(rng: random.Random, facts: dict) -> tuple[str, str]:
    """(kind, path) of one request, drawn from the mix a register's readers make."""
    roll = rng.random()
    if roll < 0.30:
        params: list[tuple[str, str]] = []
        if rng.random() < 0.6:
            params.append((rng.choice(("supplier", "recipient")), rng.choice(facts["parties"])))
        if rng.random() < 0.4:
            params.append(("category", rng.choice(facts["categories"])))
        if rng.random() < 0.3:
            params.append(("status", rng.choice(facts["statuses"])))
        if rng.random() < 0.4:
            year = rng.randint(1995, 2024)
            params += [("year_from", str(year)), ("year_to", str(year + rng.randint(0, 5)))]
        params.append(("sort", rng.choice(("id", "-last_reported", "supplier", "-sources"))))
        params.append(("page", str(rng.randint(1, 3))))
        return "register page (filters)", "/?" + urlencode(params)
    if roll < 0.50:
        return "deal page", f"/deals/{rng.randint(1, facts['deals'])}"
    if roll < 0.62:
        return "search page", "/search?" + urlencode({"q": rng.choice(facts["words"])})
    if roll < 0.75:
        params = [("recipient", rng.choice(facts["parties"])), ("per_page", "100")]
        return "api deals (filters)", "/api/deals?" + urlencode(params)
    if roll < 0.87:
        return "api deal", f"/api/deals/{rng.randint(1, facts['deals'])}"
    if roll < 0.94:
        return "api search", "/api/search?" + urlencode({"q": rng.choice(facts["words"])})
    return "api country", f"/api/countries/{rng.choice(facts['parties'])}"


def load(port: int, clients: int, seconds: float, facts: dict) -> dict:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(number)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            kind, path = _request_mix(rng, facts)
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, path = 0, f"{path}: {exc}"
            took = time.perf_counter() - began
            with lock:
                if status != 200:
                    errors.append(f"{status} {path}")
                else:
                    latencies[kind].append(took)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = {}
    for kind, values in sorted(latencies.items()):
        values.sort()
        out[kind] = {
            "requests": len(values),
            "median_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(values[int(0.95 * (len(values) - 1))] * 1000, 1),
        }
    everything = sorted(v for values in latencies.values() for v in values)
    out["all"] = {
        "requests": len(everything),
        "median_ms": round(statistics.median(everything) * 1000, 1),
        "p95_ms": round(everything[int(0.95 * (len(everything) - 1))] * 1000, 1),
        "per_s": round(len(everything) / seconds, 1),
    }
    return {"latency": out, "errors": len(errors), "error_examples": errors[:5]}


def _facts(db: Path) -> dict:
    from armstrack.web.queries import Register

    register = Register.open(str(db))
    try:
        index = register.index()
        countries = [c[0] for c in register.countries()]
        return {
            "deals": len(index.rows),
            "parties": countries[:60],
            "categories": sorted({r.category for r in index.rows}),
            "statuses": sorted({r.status for r in index.rows}),
            "words": ["delivery", "contract", "S-400", "F-16", "ministry", "Leopard",
                      "agreement", "Rafale", "Patriot", "licensed production"],
        }
    finally:
        register.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=30_000)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", help="register file to use (built there when missing)")
    parser.add_argument("--keep", action="store_true", help="keep a built temporary register")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="armstrack-bench-web-")
    db = Path(args.db) if args.db else Path(tmp) / "sipri-scale.db"
    report: dict = {"clients": args.clients, "seconds": args.seconds, "workers": args.workers}
    if not db.exists():
        report["build"] = build(db, args.deals, args.events, args.articles)
        print(f"built {db}: {report['build']}", file=sys.stderr)
    facts = _facts(db)
    port = _free_port()
    armstrack = str(Path(sys.executable).with_name("armstrack"))
    server = subprocess.Popen(
        [armstrack, "serve", "--db", str(db), "--port", str(port), "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        started = time.perf_counter()
        _wait(port)
        report["server_start_s"] = round(time.perf_counter() - started, 1)
        # Each worker reads its deal index on the first register request: warm them up.
        for _ in range(4 * args.workers):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", "/?sort=-last_reported")
            conn.getresponse().read()
        report["uptime_before"] = subprocess.run(["uptime"], capture_output=True,
                                                 text=True).stdout.strip()
        report.update(load(port, args.clients, args.seconds, facts))
        report["uptime_after"] = subprocess.run(["uptime"], capture_output=True,
                                                text=True).stdout.strip()
    finally:
        server.terminate()
        server.wait(timeout=60)
        if not args.keep and not args.db:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        elif not args.db:
            print(f"kept {db}", file=sys.stderr)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{args.clients} clients, {args.seconds:g} s, {args.workers} server worker(s); "
          f"errors: {report['errors']}")
    print(f"load before: {report['uptime_before']}")
    print(f"load after:  {report['uptime_after']}")
    print(f"{'request':28} {'n':>7} {'median ms':>10} {'p95 ms':>8}")
    for kind, row in report["latency"].items():
        print(f"{kind:28} {row['requests']:>7} {row['median_ms']:>10} {row['p95_ms']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
