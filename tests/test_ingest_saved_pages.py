"""Pages saved by tools: metadata above or below the body, and datelines of any agency.

A saved article is laid out as a title, a date line and an ``Original url:``
line, then the body; or with the URL at the end. Either way the body is read
whole, and a dateline is a place, a date and any agency's tag.
"""

from __future__ import annotations

from datetime import date

import pytest

from armstrack.ingest.dates import dateline_date
from armstrack.ingest.text import parse_text_article
from armstrack.model import Article

BODY = ("Russia delivered the first S-400 batteries to Turkey on Friday.\n\n"
        "More parts are due to arrive next month.\n")


@pytest.mark.parametrize("text", [
    "# S-400 arrives\nPublished: 2019-07-12\nOriginal url: https://example.org/s400\n\n" + BODY,
    "# S-400 arrives\nOriginal url: https://example.org/s400\nPublished: 2019-07-12\n\n" + BODY,
    "Published: 2019-07-12\nURL: https://example.org/s400\nSource: Example Wire\n\n" + BODY,
    "# S-400 arrives\nPublished: 2019-07-12\n\n" + BODY + "\nOriginal url: https://example.org/s400\n",
])
def test_metadata_above_or_below_never_hides_the_body(text: str) -> None:
    article = parse_text_article(text, "a", None, None)
    assert isinstance(article, Article)
    assert article.published == date(2019, 7, 12)
    assert article.body.strip().startswith("Russia delivered")
    assert "More parts" in article.body
    assert "Original url" not in article.body and "Published" not in article.body


def test_the_url_is_kept_from_the_header() -> None:
    text = "# T\nPublished: 2019-07-12\nOriginal url: https://example.org/s400\n\n" + BODY
    article = parse_text_article(text, "a", None, None)
    assert isinstance(article, Article) and article.url == "https://example.org/s400"


@pytest.mark.parametrize("line, day", [
    ("ANKARA, July 12, 2019 (Anadolu Agency) - Turkey received", date(2019, 7, 12)),
    ("MOSCOW, Nov 26, 2019 (Interfax-AVN) -- Russia hopes", date(2019, 11, 26)),
    ("NEW DELHI, Oct 5, 2018 (Press Trust of India) - India signed", date(2018, 10, 5)),
    ("Kyiv, Ukraine, March 3, 2023 /Ukrinform/ - Ukraine received", date(2023, 3, 3)),
    ("SEOUL, Aug. 1, 2022 (Yonhap) -- South Korea", date(2022, 8, 1)),
])
def test_a_dateline_of_any_agency_gives_the_date(line: str, day: date) -> None:
    assert dateline_date(line) == day


def test_a_date_in_the_first_sentence_is_no_dateline() -> None:
    assert dateline_date("In May 2015 (a year of talks) - Egypt ordered Rafales.") is None
