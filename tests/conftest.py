"""Fixtures shared by several test modules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]

#: Articles written to attack the web pages: every field a page shows carries a
#: payload that would run if it were not escaped, and the addresses are not http(s).
HOSTILE_ARTICLES = {
    "901_hostile-script.txt": "\n".join([
        '# <script>alert("title")</script> Turkey takes delivery of S-400 batteries',
        "",
        "July 12, 2019",
        "",
        "Turkey received the first S-400 air defence batteries from Russia on Friday"
        " <img src=x onerror=\"alert('evidence')\">, the defence ministry said.",
        "",
        '"The deliveries will be completed by April 2020," said'
        " <script>alert('speaker')</script> Ismail Demir, head of Turkey's defence"
        " industry agency.",
        "",
        "Original url: javascript:alert('url')",
        "",
    ]),
    "902_hostile-data-url.txt": "\n".join([
        '# India signs contract for S-400 systems <a href="javascript:alert(1)">click</a>',
        "",
        "October 5, 2018",
        "",
        "India signed a contract on Friday to buy five S-400 air defence systems from Russia"
        " for about $5 billion <svg onload=alert('svg')>.",
        "",
        "Original url: data:text/html,<script>alert('data')</script>",
        "",
    ]),
}


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register built through the normal ingest path: the examples plus hostile articles."""
    from armstrack.cli.main import cli

    folder = tmp_path_factory.mktemp("web")
    articles = folder / "articles"
    shutil.copytree(ROOT / "examples" / "articles", articles)
    for name, text in HOSTILE_ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    db = folder / "web.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", str(articles)])
    assert result.exit_code == 0, result.output
    return db
