"""Publication dates: every common printed form, and never a guess."""

from __future__ import annotations

from datetime import date

import pytest

from armstrack.ingest.dates import parse_date_string, parse_publication_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("November 26, 2019", date(2019, 11, 26)),
        ("Nov. 26, 2019", date(2019, 11, 26)),
        ("Nov 26 2019", date(2019, 11, 26)),
        ("Sept. 3, 2020", date(2020, 9, 3)),
        ("26 November 2019", date(2019, 11, 26)),
        ("5th of October, 2018", date(2018, 10, 5)),
        ("2021-11-14", date(2021, 11, 14)),
        ("2021-11-14T10:32:00+00:00", date(2021, 11, 14)),
        ("2021/11/14", date(2021, 11, 14)),
        ("Published: 14 Nov 2021", date(2021, 11, 14)),
        ("Updated 14 Nov 2021 10:32 GMT", date(2021, 11, 14)),
        ("5 October 2018", date(2018, 10, 5)),
        ("Tuesday, 5 October 2018", date(2018, 10, 5)),
        ("By Jane Doe | 12 January 2022", date(2022, 1, 12)),
        ("Tue, 05 Oct 2018 10:00:00 GMT", date(2018, 10, 5)),
        ("25/10/2018", date(2018, 10, 25)),
        ("10/25/2018", date(2018, 10, 25)),
        ("05/05/2018", date(2018, 5, 5)),
    ],
)
def test_parse_date_string_reads_common_forms(text: str, expected: date) -> None:
    assert parse_date_string(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "05/10/2018",  # 5 October or May 10: refused
        "Feb 30, 2019",  # no such day
        "May 2015",  # no day
        "Nov. 3",  # no year
        "3 frigates in 2019",
        "",
        None,
    ],
)
def test_parse_date_string_refuses_ambiguous_or_partial(text: str | None) -> None:
    assert parse_date_string(text) is None


def _article(*header: str, body: str = "The ministry said the deal was signed on time.") -> str:
    return "\n\n".join([*header, body * 3, "More text follows in a second paragraph here."])


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (("# Title of the story", "By [Reuters](#)", "November 26, 2019"), date(2019, 11, 26)),
        (("# Title", "Nov. 26, 2019", "[mil.ru](#)"), date(2019, 11, 26)),
        (("Title without hash", "26 November 2019"), date(2019, 11, 26)),
        (("# T", "Published: 14 Nov 2021", "Updated 16 Nov 2021 10:32 GMT"), date(2021, 11, 14)),
        (("# T", "Updated 16 Nov 2021 10:32 GMT", "Published: 14 Nov 2021"), date(2021, 11, 14)),
        (("# Title", "Updated 16 Nov 2021 10:32 GMT"), date(2021, 11, 16)),
        (("# Title", "Tuesday, 5 October 2018"), date(2018, 10, 5)),
        (("# Title", "By Jane Doe | 12 January 2022"), date(2022, 1, 12)),
        (("# Title", "2021/11/14"), date(2021, 11, 14)),
    ],
)
def test_publication_date_from_header_lines(header: tuple[str, ...], expected: date) -> None:
    assert parse_publication_date(_article(*header)) == expected


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("NEW DELHI, Oct 5, 2018 (Reuters) - India signed a deal.", date(2018, 10, 5)),
        ("MOSCOW, June 12, 2020 /PRNewswire/ -- Rosoboronexport said.", date(2020, 6, 12)),
        ("RIO DE JANEIRO, May 4, 2012 (Reuters) - Brazil said.", date(2012, 5, 4)),
        ("WASHINGTON, Nov. 3 (Reuters) - The United States said.", None),  # no year: no date
    ],
)
def test_publication_date_from_dateline(dateline: str, expected: date | None) -> None:
    text = f"# Some headline\n\n{dateline} It added more words to make this a long paragraph."
    assert parse_publication_date(text) == expected


def test_date_deep_in_the_body_is_not_the_publication_date() -> None:
    text = _article(
        "# Turkey in talks",
        body="In May 2015, a delegation attended the show. Then, on Nov. 24, 2015, a jet fell. ",
    )
    assert parse_publication_date(text) is None


def test_date_after_the_header_region_is_ignored() -> None:
    text = "# Title\n\n" + "\n\n".join(f"Line {i}" for i in range(10)) + "\n\nNovember 26, 2019\n"
    assert parse_publication_date(text) is None


def test_short_sentence_with_a_date_is_not_a_date_line() -> None:
    text = "# Title\n\nThe deal that Russia and Turkey signed on 5 October 2018 was big\n\nMore."
    assert parse_publication_date(text) is None
