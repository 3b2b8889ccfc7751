"""Time of each analysis over a large synthetic register, as a web page or a CLI call pays it.

A register of ``--articles`` reports (3 events each, over ``--deals`` supplier/recipient/system
triples, published across 10 years) is built in memory with the register's own
``build_deals``; then each library function of ``armstrack.analysis`` is timed once (the
median of ``--runs``): a snapshot, changes since the middle date, forecasts, the comparison
with a SIPRI-layout file of one row per deal, and every export format.

    .venv/bin/python bench/bench_analysis.py [--articles 20000] [--deals 2000] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from armstrack.analysis import (
    EXPORT_FORMATS,
    changes_since,
    compare,
    export_register,
    find_forecasts,
    make_register,
    read_trade_register,
    snapshot,
)
from armstrack.model import Article, Event, Interval, Quantity

STATES = ("USA", "RUS", "FRA", "DEU", "GBR", "CHN", "ISR", "KOR", "TUR", "IND", "POL", "EGY",
          "SAU", "QAT", "ARE", "BRA", "IDN", "PHL", "JPN", "AUS", "UKR", "GRC", "HRV", "MAR")
SYSTEMS = ("F-16", "F-35", "Rafale", "Gripen", "Su-35", "Su-30", "S-400", "Patriot", "K2", "K9",
           "Leopard 2", "HIMARS", "BrahMos", "THAAD", "MiG-29", "FREMM", "T-72", "Typhoon")
NAMES = {"USA": "United States", "RUS": "Russia", "FRA": "France", "DEU": "Germany",
         "GBR": "United Kingdom", "CHN": "China", "ISR": "Israel", "KOR": "Korea South",
         "TUR": "Turkiye", "IND": "India", "POL": "Poland", "EGY": "Egypt", "SAU": "Saudi Arabia",
         "QAT": "Qatar", "ARE": "United Arab Emirates", "BRA": "Brazil", "IDN": "Indonesia",
         "PHL": "Philippines", "JPN": "Japan", "AUS": "Australia", "UKR": "Ukraine",
         "GRC": "Greece", "HRV": "Croatia", "MAR": "Morocco"}


def synthetic(n_articles: int, n_deals: int, seed: int = 7) -> tuple[list, list, list]:
    rng = random.Random(seed)
    triples = set()
    while len(triples) < n_deals:
        a, b = rng.sample(STATES, 2)
        triples.add((a, b, rng.choice(SYSTEMS)))
    deals = sorted(triples)
    start = date(2013, 1, 1)
    articles, events = [], []
    for n in range(n_articles):
        published = start + timedelta(days=rng.randrange(3650))
        aid = f"a{n:06d}"
        articles.append(Article(aid, "", published, f"Report {n}",
                                f"https://outlet{n % 40}.example.org/{aid}"))
        for _ in range(3):
            supplier, recipient, system = rng.choice(deals)
            kind = rng.choice(("negotiation", "contract", "delivery", "delivery", "cancellation"))
            modality = rng.choice(("asserted", "asserted", "planned", "hoped"))
            y = published.year + (1 if modality != "asserted" else -rng.randrange(3))
            time_ = Interval(date(y, 1, 1), date(y, 12, 31), str(y)) if rng.random() < 0.7 else None
            events.append(Event(aid, kind, modality, supplier, recipient, system=system, time=time_,
                                quantity=Quantity(rng.randrange(1, 60), "unit"),
                                source=f"speaker {rng.randrange(200)}", evidence="..."))
    sipri = ["SIPRI AT Database ID,Recipient,Supplier,Year of order,,Number ordered,,"
             "Weapon designation,Weapon description,Number delivered,,Year(s) of delivery"]
    for i, (supplier, recipient, system) in enumerate(deals):
        sipri.append(f"B{i},{NAMES[recipient]},{NAMES[supplier]},{rng.randrange(2012, 2023)},,"
                     f"{rng.randrange(1, 60)},,{system},,{rng.randrange(0, 10)},,2020")
    return articles, events, sipri


def timed(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        work()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--deals", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    articles, events, sipri = synthetic(args.articles, args.deals)
    register = make_register(articles, events)
    middle = date(2018, 1, 1)
    sipri_bytes = ("\n".join(sipri) + "\n").encode()
    figures = {
        "articles": len(articles),
        "events": len(events),
        "deals": len(register.deals),
        "build_deals_s": timed(args.runs, lambda: make_register(articles, events)),
        "snapshot_s": timed(args.runs, lambda: snapshot(register, middle)),
        "changes_since_s": timed(args.runs, lambda: changes_since(register, middle)),
        "forecasts_s": timed(args.runs, lambda: find_forecasts(register)),
        "sipri_read_s": timed(args.runs, lambda: read_trade_register(io.BytesIO(
            sipri_bytes).getvalue(), "bench.csv")),
    }
    trade = read_trade_register(sipri_bytes, "bench.csv")
    figures["sipri_rows"] = len(trade.rows)
    figures["sipri_compare_s"] = timed(args.runs, lambda: compare(trade, register.deals))
    for fmt in EXPORT_FORMATS:
        figures[f"export_{fmt}_s"] = timed(args.runs, lambda f=fmt: export_register(register, f))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key:22} {value:.3f}" if isinstance(value, float) else f"{key:22} {value}")


if __name__ == "__main__":
    main()
