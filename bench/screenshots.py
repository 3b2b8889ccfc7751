"""Screenshots of every page of ``armstrack serve`` at 1280x800, into docs/screenshots/.

    .venv/bin/python bench/screenshots.py [--db demo.db] [--out docs/screenshots]

Ingests examples/articles into a fresh temporary register when ``--db`` is not
given, serves it on loopback and photographs each page with Debian's headless
Chromium (``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pages(db: str) -> list[tuple[str, str]]:
    """(file name, path) of each page to photograph, chosen from what the register holds."""
    from armstrack.web.queries import DealFilter, Register

    register = Register.open(db)
    try:
        rows = register.index().rows
        busiest = max(rows, key=lambda r: (r.n_events, -r.id))
        disputed = [r for r in rows if r.disagreements]
        article = register.full_deals([busiest])[0].sources[0].article
        country = register.countries()[0][0]
        listing = register.list_deals(DealFilter(), sort="-sources", per_page=1)
    finally:
        register.close()
    shots = [
        ("register", "/"),
        ("register-filtered", "/?category=aircraft&sort=-last_reported&year_from=2015"),
        ("deal", f"/deals/{busiest.id}"),
        ("article", f"/articles/{article}"),
        ("country", f"/countries/{country}"),
        ("network", "/network"),
        ("search", "/search?q=delivery"),
        ("forecasts", "/forecasts"),
        ("changes", "/changes"),
        ("status", "/status"),
        ("api", "/api"),
    ]
    if disputed:
        shots.insert(3, ("deal-disagreements", f"/deals/{disputed[0].id}#disagreements"))
    if listing.rows and listing.rows[0].id != busiest.id:
        shots.insert(3, ("deal-most-sources", f"/deals/{listing.rows[0].id}"))
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="register to photograph (default: examples ingested anew)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()

    from armstrack.web.app import create_app, wrap
    from armstrack.web.testing import browser_missing, chromium, serving

    missing = browser_missing()
    if missing:
        print(f"screenshots: {missing}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = str(Path(tmp) / "examples.db")
            subprocess.run(
                [str(Path(sys.executable).with_name("armstrack")), "--db", db, "ingest",
                 str(ROOT / "examples" / "articles")],
                check=True,
                capture_output=True,
            )
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        with serving(wrap(create_app(db))) as base, chromium(1280, 800) as browser:
            for name, path in pages(db):
                browser.get(base + path)
                target = out / f"{name}.png"
                browser.save_screenshot(str(target))
                print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                      f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
