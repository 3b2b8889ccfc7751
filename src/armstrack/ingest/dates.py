"""Publication dates: parse the date strings news sites print, and find an article's own date.

Why not ``dateutil.parser.parse(fuzzy=True)``: it happily invents a date out of
any number in a line ("3 frigates" -> the 3rd of this month) and fills missing
parts from today. A wrong publication date silently shifts every relative time
expression of the article ("next year"), so we only accept forms that name a
full calendar day unambiguously, and return ``None`` otherwise.

Decisions:

* Numeric day/month forms (``05/10/2018``) are read only when unambiguous:
  one part is over 12 (``25/10/2018``) or both parts are equal. ISO
  (``2018-10-05``) and year-first slashes/dots (``2018/10/05``) are always read.
* A wire dateline without a year (``WASHINGTON, Nov. 3 (Reuters) -``) gives no
  date: guessing the year from elsewhere would be wrong around New Year and for
  archives; ``--published`` supplies it.
* Only the header (title/byline/date lines, at most the first eight non-empty
  lines) and the dateline of the first body paragraph are looked at, so
  "In March 2019, ..." or "on Oct. 3, 2019" deep in the story is never taken.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["parse_date_string", "parse_publication_date", "find_date_span", "HEADER_LINES"]

#: How many non-empty lines from the top count as the header.
HEADER_LINES = 8

_MONTHS: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 2021-11-14, 2021-11-14T10:32:00Z, 2021/11/14, 2021.11.14
    (
        "ymd",
        re.compile(
            r"(?<![\d.])" + _YEAR + r"(?P<sep>[-/.])(?P<m>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)(?!\d)"
        ),
    ),
    # November 26, 2019 / Nov. 26, 2019 / Nov 26 2019 / Tuesday, Nov 26th, 2019
    ("mdy", re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b,?\s+" + _YEAR + r"\b", re.I)),
    # 26 November 2019 / 14 Nov 2021 / 5th of October, 2018 / Tue, 05 Oct 2018 10:00 GMT
    ("dmy", re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I)),
    # 25/10/2018 or 10/25/2018 (read only when unambiguous)
    (
        "num",
        re.compile(
            r"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep)"
            + _YEAR
            + r"(?![\d/.])"
        ),
    ),
)

# A month and day with no year, as in "WASHINGTON, Nov. 3 (Reuters) -".
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b", re.I)


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_match(kind: str, m: re.Match[str]) -> date | None:
    year = int(m.group("year"))
    if kind == "ymd":
        return _make(year, int(m.group("m")), int(m.group("d")))
    if kind in ("mdy", "dmy"):
        return _make(year, _MONTHS[m.group("mon")[:3].lower()], int(m.group("day")))
    a, b = int(m.group("a")), int(m.group("b"))
    if a == b:
        return _make(year, a, b)
    if a > 12 >= b:  # 25/10/2018: day first
        return _make(year, b, a)
    if b > 12 >= a:  # 10/25/2018: month first
        return _make(year, a, b)
    return None  # 05/10/2018: May 10 or 5 October? Refuse to guess.


def find_date_span(s: str) -> tuple[date, int, int] | None:
    """The first full calendar date written in ``s`` with its character span, or ``None``.

    Why a span: the header reader needs to know how much of a line the date is
    to tell a date line ("Updated 14 Nov 2021 10:32 GMT") from a sentence that
    happens to contain a date.
    """
    best: tuple[date, int, int] | None = None
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(s):
            if best is not None and m.start() >= best[1]:
                break
            found = _from_match(kind, m)
            if found is not None:
                best = (found, m.start(), m.end())
                break
    return best


def parse_date_string(s: str | None) -> date | None:
    """Parse one date string ("Nov. 26, 2019", "2021-11-14T10:00Z", "Published: 14 Nov 2021").

    Returns the first unambiguous full date written in ``s``, else ``None``.
    Never fills a missing year, month or day.
    """
    if not s:
        return None
    found = find_date_span(s)
    return found[0] if found else None


# --- the article header ----------------------------------------------------------------------

_WEEKDAY = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?\b\.?",
    re.I,
)
_TIME = re.compile(r"\b\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?", re.I)
_ZONE = re.compile(
    r"\b(?:GMT|UTC|BST|CET|CEST|EET|EEST|MSK|IST|JST|ET|EST|EDT|PT|PST|PDT|Z)\b|[+-]\d{2}:?\d{2}\b"
)
_MARKUP = re.compile(r"[*_`#>|]+|\[([^\]]*)\]\([^)]*\)")
_UPDATED = re.compile(r"^\W*(?:last\s+)?(?:updated|modified|edited|revised)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


def strip_markup(line: str) -> str:
    """A header line without markdown emphasis and with links reduced to their text."""
    return _MARKUP.sub(lambda m: m.group(1) or " ", line).strip()


def is_paragraph(line: str) -> bool:
    """Whether a line reads as running text (a body paragraph) rather than a header line.

    Why: the header ends where the story starts; a long line, or a sentence
    of eight words or more, is the story.
    """
    plain = strip_markup(line)
    if len(plain) > 120:
        return True
    return len(plain.split()) >= 8 and bool(_SENTENCE_END.search(plain))


def header_date(line: str) -> tuple[date, bool] | None:
    """The date of a header line that *is* a date line, with whether it is an "updated" date.

    A line counts when, once the date, weekday, clock time and time zone are
    removed, at most six words remain ("Published:", "By Jane Doe |"): so a
    short sentence that mentions a date does not count.
    """
    plain = strip_markup(line)
    found = find_date_span(plain)
    if found is None:
        return None
    day, start, end = found
    rest = plain[:start] + " " + plain[end:]
    rest = _ZONE.sub(" ", _TIME.sub(" ", _WEEKDAY.sub(" ", rest)))
    words = re.findall(r"[^\W\d_]+", rest)
    if len(words) > 6:
        return None
    return day, bool(_UPDATED.search(plain))


#: Any agency's tag in a dateline: "(Reuters)", "(Anadolu Agency)", "/PRNewswire/".
AGENCY_TAG = r"(?:\([A-Z][\w.&'\u2019/ -]{0,40}\)|/[A-Z][\w -]{1,30}/)"

_DATELINE_END = re.compile(r"\s[-\u2013\u2014]{1,2}\s|" + AGENCY_TAG)
_TRAILING_TAG = re.compile(r"\s*" + AGENCY_TAG + r"\s*$")


# "NEW DELHI", "Kyiv, Ukraine", "TAMPA, Fla." (a place, optionally a region)
_PLACE = re.compile(
    r"(?:[A-Z\u00c0-\u00de][^\W\d_]*\.?|de|del|la|al|el|of|upon|am|an|der|es)"
    r"(?:[ '-](?:[A-Z\u00c0-\u00de][^\W\d_]*\.?|de|del|la|al|el|of|upon|am|an|der|es)){0,4}"
    r"(?:,\s*[A-Z][^\W\d_]*\.?(?: [A-Z][^\W\d_]*\.?){0,3})?"
)


def dateline_date(paragraph: str) -> date | None:
    """The date in a wire dateline opening a paragraph ("NEW DELHI, Oct 5, 2018 (Reuters) -").

    Only the part before the dateline's dash or agency tag is looked at, and
    only when it starts like a place name (a capitalised word), so a date in the
    first sentence of the story is never mistaken for the dateline.
    """
    head = paragraph.lstrip()[:160]
    m = _DATELINE_END.search(head)
    if m is None or m.start() > 100:
        return None
    prefix = _TRAILING_TAG.sub("", head[: m.start()])
    found = find_date_span(prefix)
    if found is None:
        return None
    day, start, end = found
    place = _WEEKDAY.sub("", prefix[:start]).rstrip(" ,")
    if not _PLACE.fullmatch(place) or prefix[end:].strip(" ,.") != "":
        return None
    return day


def parse_publication_date(text: str) -> date | None:
    """The article's own publication date from its header region, or ``None``.

    Looks at the first :data:`HEADER_LINES` non-empty lines up to the first body
    paragraph (skipping a ``#`` title), then at the dateline of that paragraph.
    A "published" date wins over an "updated" one.
    """
    updated: date | None = None
    seen = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        seen += 1
        if seen > HEADER_LINES:
            break
        if seen == 1 and line.startswith("#"):
            continue  # the title
        if is_paragraph(line):
            return dateline_date(line) or updated
        found = header_date(line)
        if found is not None:
            day, is_update = found
            if not is_update:
                return day
            updated = updated or day
    return updated
