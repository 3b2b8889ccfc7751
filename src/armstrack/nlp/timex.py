"""armstrack's own temporal tagger: find time expressions in defence news and resolve them.

General-purpose date parsers fail on this genre: they read "July" as one day, cannot
do "the first half of 2031", and take "We" or "may" for dates. This tagger owns the
grammar: compiled regular expressions find candidate expressions in a sentence, the
spaCy dependency parse (already computed upstream) supplies the governing verb and
its tense, and small pure functions turn each expression into an ``Interval`` of
inclusive calendar days following SPEC.md §4 (P = the publication date).

Pipeline per sentence (``TimexTagger.tag``):
1. a cheap keyword pre-check; sentences without a digit or a time word return at once;
2. every rule's regex runs over the text; candidates are kept longest-first, without
   overlaps ("the second half of next year" beats "next year");
3. adjacent candidates joined by "-", "to", "through", "and" (after "between") or
   "until" (after "from") are merged into ranges;
4. a signal word before ("by", "no earlier than", "earlier", ...) or after
   ("at the latest", "onwards") is added to the text and opens or clips the interval;
5. the parse gives ``head_i`` (first VERB/AUX/NOUN above the expression) and ``tense``
   (first VERB/AUX above it), and the tense picks the year of year-less expressions.

Decisions where SPEC.md is silent (all intervals are inclusive days):
- "before X" follows SPEC's table: same as "by X" (start null, end = end of X).
  "until/till/through/up to/prior to/ahead of X" are read the same way.
  "since/starting/beginning/as of/not until/no sooner than X" are read as "from X".
- Year-less months, days, quarters, halves, seasons and weekdays: past tense -> the
  nearest one starting on or before P; future -> the nearest one ending on or after
  P (so "in November" said in November is this November either way); present
  tense (and no verb) -> as past. "last July"/"next July" -> the nearest one wholly
  before / after P; "this July" -> P's year. "since X" forces the past reading.
- Tense: will/would/should/could/may/might/must -> future (modal + "have" -> past);
  an infinitive ("is to begin", "plans to buy", "is expected to") -> future unless
  its governor is past; present progressive ("is receiving ... in July") -> future;
  VBD, perfect, past passive and reduced relatives ("jets ordered in 2019") -> past.
- early/mid/late MONTH -> days 1-10 / 11-20 / 21-end; "the beginning/start of MONTH"
  = early, "the end of MONTH" (or of "the/this/next month") = late.
  "the beginning/start of YEAR" -> January,
  "the end/close of YEAR", "year-end", "year's end" -> December (so "by the end of
  2020" ends 2020-12-31); "the middle of YEAR", "mid-year" = mid (May-Aug).
- Decades: early/mid/late -> years 0-3 / 4-6 / 7-9; "the beginning/end of the
  decade" -> its first / last year; "the decade"/"this decade" = P's decade.
- "last/previous/prior year|month|week|quarter" = the previous calendar period;
  "the past/the last/this past year|month|week" = the rolling span P - 1 unit .. P;
  "the past/last decade" = P - 10 years .. P; "next decade" = the next calendar one;
  "the following year", "the same year" -> vague (they refer to story time, not P).
- "within N years", "over/in/during the next (or coming) N months", "within the next
  decade" -> P .. P + N units (same calendar day, inclusive); "over/in the past N
  years" -> P - N units .. P. With no number and a plural unit ("the next few
  years", "the coming months") -> vague.
- "in N years/months" (future) -> the calendar year/month containing P + N; "in
  N-M years" -> P + N .. P + M (same calendar day). In a past-tense clause these are
  durations, reported with interval None.
- "N years/months/weeks/days ago" -> that calendar year/month/week (Mon-Sun)/day;
  "a decade ago" -> the calendar year P - 10. "a few/several ... ago" -> vague.
- Ranges ("between X and Y", "from X to/until Y", "X-Y") run from the start of X to
  the end of Y; a year-less end takes the other end's year ("from January to March
  2020"). A "from" that opens a one-piece range ("from 3 to 5 June") is not an open start.
- "later/earlier X": when X contains P -> P .. end / start .. P; otherwise X itself
  ("later in 2021" said in 2019 = all of 2021).
- Seasons with no year follow the tense rule; "winter YEAR" is Dec YEAR .. Feb YEAR+1.
  "this winter" is the one starting in P's year (or last December when P is Jan-Feb).
- "fiscal 2021", "FY21", "FY 2021", "fiscal year 2021" -> US fiscal year 2020-10-01 ..
  2021-09-30; "FY2021-23" -> 2020-10-01 .. 2023-09-30.
- Slash dates only when unambiguous (one part > 12, or both parts equal).
- A bare year must be 1900-2100, not glued to letters, "-", "$", "/", "." or ",",
  not preceded by a designation word ("Block", "Type", "No."), not followed by a unit
  or money word ("2000 km", "2020 million") nor a plural noun it counts
  ("2000 troops"). An event name with a year ("IDEF 2015") yields the year.
- "May" and "March" with no day or year are dates only after a time preposition or
  modifier ("in May", "until March") or inside a range ("March-May 2021"); other
  bare months count when the parse does not make them verbs. Weekday abbreviations
  ("Sat", "Wed") are read only inside a full date ("Wed., Nov. 27").
- Vague spans ("soon", "recently", "in the coming months", "in the near future", "at
  a later date", "in due course", "in the long term") are reported with interval None.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from spacy.tokens import Doc, Span, Token

from armstrack.model import Interval

__all__ = ["Timex", "TimexTagger", "tag_text"]

Period = tuple[date, date]
#: gen(n) -> the period in the n-th cycle (year or week) after P's own; None if invalid.
Gen = Callable[[int], "Period | None"]
Resolver = Callable[[date, str], "Period | None"]


@dataclass(frozen=True)
class Timex:
    """One time expression of a sentence, resolved against the publication date."""

    text: str
    start_char: int
    end_char: int
    interval: Interval | None
    head_i: int | None
    tense: str
    #: the signal that opened or clipped the interval ("by", "from", "after", "earlier",
    #: "later") or None.
    signal: str | None = None


# --------------------------------------------------------------------------- periods


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _months(y: int, m1: int, m2: int) -> Period:
    """Months m1..m2 of year y; m2 > 12 runs into the next year (winter)."""
    ey, em = y + (m2 - 1) // 12, (m2 - 1) % 12 + 1
    return date(y, m1, 1), _month_end(ey, em)


def _year(y: int) -> Period:
    return date(y, 1, 1), date(y, 12, 31)


def _years(y1: int, y2: int) -> Period:
    return date(y1, 1, 1), date(y2, 12, 31)


def _day(y: int, m: int, d: int) -> Period | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    return day, day


def _days(y: int, m: int, d1: int, d2: int) -> Period | None:
    a, b = _day(y, m, d1), _day(y, m, d2)
    if a is None or b is None or b[0] < a[0]:
        return None
    return a[0], b[1]


def _month_part(y: int, m: int, part: str) -> Period:
    """Thirds of a month: early 1-10, mid 11-20, late 21-end."""
    lo, hi = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}[part]
    end = _month_end(y, m)
    return date(y, m, lo), min(date(y, m, min(hi, end.day)), end)


def _week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _fiscal(y: int, y2: int | None = None) -> Period:
    return date(y - 1, 10, 1), date(y2 or y, 9, 30)


_SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11),
                  "winter": (12, 14)}
_YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "start": (1, 1), "end": (12, 12)}
_DECADE_PARTS = {"early": (0, 3), "mid": (4, 6), "late": (7, 9), "start": (0, 0), "end": (9, 9)}


def _nearest(gen: Gen, p: date, tense: str, rel: str | None = None) -> Period | None:
    """Pick the cycle of a year-less expression from the tense (or an explicit this/last/next)."""
    if rel == "this":
        return gen(0)
    ahead = [iv for n in range(-1, 5) if (iv := gen(n)) is not None]
    behind = [iv for n in range(1, -6, -1) if (iv := gen(n)) is not None]
    if rel == "next":
        found = [iv for iv in ahead if iv[0] > p]
    elif rel == "last":
        found = [iv for iv in behind if iv[1] < p]
    elif tense == "future":
        found = [iv for iv in ahead if iv[1] >= p]
    else:
        found = [iv for iv in behind if iv[0] <= p]
    return found[0] if found else None


def _cyclic_year(fn: Callable[[int], Period | None], rel: str | None = None) -> Resolver:
    return lambda p, tense: _nearest(lambda n: fn(p.year + n), p, tense, rel)


def _shift(p: date, n: int, unit: str) -> date:
    unit = unit.rstrip("s")
    if unit == "decade":
        return p + relativedelta(years=10 * n)
    if unit == "year":
        return p + relativedelta(years=n)
    if unit == "month":
        return p + relativedelta(months=n)
    if unit == "week":
        return p + timedelta(weeks=n)
    return p + timedelta(days=n)


def _calendar_unit(day: date, unit: str) -> Period:
    """The calendar year/month/week/day/quarter/decade that contains a day."""
    unit = unit.rstrip("s")
    if unit == "year":
        return _year(day.year)
    if unit == "month":
        return _months(day.year, day.month, day.month)
    if unit == "week":
        return _week_of(day)
    if unit == "quarter":
        q = (day.month - 1) // 3 + 1
        return _months(day.year, 3 * q - 2, 3 * q)
    if unit == "decade":
        d = day.year // 10 * 10
        return _years(d, d + 9)
    return day, day


def _const(period: Period | None) -> Resolver:
    return lambda p, tense: period


def _vague(p: date, tense: str) -> Period | None:
    return None


# ---------------------------------------------------------------------- vocabularies


def _words(spaced: str) -> frozenset[str]:
    """A word set written as one spaced string (easier to read and extend than a list)."""
    return frozenset(spaced.split())


_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "eighteen": 18, "twenty": 20, "thirty": 30, "a couple of": 2,
}
#: words before a bare "May"/"March" that make it a month
_MONTH_TRIGGERS = _words(
    "in since until till by from last next this early late mid of through before "
    "after during between and to or on around that every each coming past starting "
    "beginning than throughout end"
)
#: words before a year that make the number a designation, not a year
_YEAR_BLOCK_PREV = _words(
    "model type block no no. number flight batch serial version mark mk series "
    "variant project pattern route highway page article resolution room tail hull "
    "pennant code class id lot item paragraph section rule catalogue catalog part "
    "squadron unit wing regiment brigade division grade level tier tranche phase "
    "stage"
)
#: words after a number that make it a quantity, not a year
_YEAR_BLOCK_NEXT = _words(
    "% percent per mm cm km kg m ft feet meters metres kilometers kilometres miles nm "
    "tons tonnes troops soldiers jets aircraft tanks units missiles rounds hours hrs "
    "mph knots million billion thousand hundred bn mn dollars euros rubles roubles "
    "yuan rupees pounds people personnel men vehicles systems pieces shells planes "
    "helicopters ships drones launchers guns rifles sorties kilograms employees "
    "workers jobs times"
)
_DETERMINERS = _words(
    "the its their his her this that our your 's ’s in since by"
)

# ------------------------------------------------------------------------ regex parts

_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
_MONTH = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR}\b\.?)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WEEKDAY_ANY = rf"(?:{_WEEKDAY}|(?:Mon|Tues?|Wed|Thur?s?|Fri|Sat|Sun)\b\.?)"
_YEAR = r"(?:19\d\d|20\d\d|2100)"
_YEAR_GUARD = r"(?![\w%]|[.,/]\d|-\d)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d:%])"
_NUM = (r"(?:\d{1,3}|(?i:a\s+couple\s+of|a\s+few|several|some|many|a|an|one|two|three|four|"
        r"five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|thirty|few))")
_UNIT = r"(?i:decades?|years?|months?|weeks?|days?)"
_YEAR_REF = (
    rf"(?:{_YEAR}{_YEAR_GUARD}|(?i:this|next|last|(?:the\s+)?(?:current|coming|next|previous|"
    r"prior|same|following))\s+(?i:year)|(?i:the\s+year))"
)
_DECADE_REF = (
    r"(?:(?i:the\s+)?(?:(?:19|20)\d0s|(?i:(?:this|current|next|coming|last|previous|past)\s+)?"
    r"(?i:decade)))"
)
_PART = (
    r"(?i:early|mid|late|the\s+middle\s+of|the\s+(?:beginning|start)\s+of"
    r"|the\s+(?:end|close)\s+of)"
)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# ---------------------------------------------------------------------------- context


class _Ctx:
    """The text being tagged and its parse, with cheap look-ups for the validators."""

    __slots__ = ("text", "doc", "base")

    def __init__(self, text: str, doc: Doc, base: int) -> None:
        self.text, self.doc, self.base = text, doc, base

    def token(self, char: int) -> Token | None:
        span = self.doc.char_span(self.base + char, self.base + char + 1,
                                  alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def prev_word(self, start: int) -> str:
        m = _PREV_WORD.search(self.text, max(0, start - 30), start)
        return m.group(1).lower() if m else ""

    def next_word(self, end: int) -> str:
        m = _NEXT_WORD.match(self.text, end)
        return m.group(1).lower() if m else ""


_PREV_WORD = _rx(r"([\w.'’$€£#-]+|[$€£#])[\s\-]*$")
_NEXT_WORD = _rx(r"\s*([\w%]+)")


@dataclass(frozen=True)
class _Core:
    """A candidate expression: where it is and how to resolve it."""

    start: int
    end: int
    resolve: Resolver
    #: for year-less expressions: the period in a given year (used to anchor range ends)
    anchor: Callable[[int], Period | None] | None = None
    rank: int = 0  # tie-breaker between equally long candidates
    has_signal: bool = False  # a range already carrying its "from"/"between"
    #: a range found by one regex ("Dec. 3-4", "2020-22"): a "from" before it is its own
    is_range: bool = False


Handler = Callable[[re.Match[str], _Ctx], "_Core | None"]


def _core(m: re.Match[str], resolve: Resolver, anchor: Callable[[int], Period | None] | None
          = None) -> _Core:
    return _Core(m.start(), m.end(), resolve, anchor)


def _year_ref(ref: str, p: date) -> int | None:
    """A year reference ("2020", "next year") -> the year; None when relative to story time."""
    ref = ref.lower()
    if ref[:4].isdigit():
        return int(ref[:4])
    if "same" in ref or "following" in ref:
        return None
    if "next" in ref or "coming" in ref:
        return p.year + 1
    if "last" in ref or "previous" in ref or "prior" in ref:
        return p.year - 1
    return p.year


def _decade_ref(ref: str, p: date) -> int:
    """A decade reference ("the 2020s", "the next decade") -> its first year."""
    ref = ref.lower()
    digits = re.search(r"\d{4}", ref)
    if digits:
        return int(digits.group()) // 10 * 10
    here = p.year // 10 * 10
    if "next" in ref or "coming" in ref:
        return here + 10
    if "last" in ref or "previous" in ref or "past" in ref:
        return here - 10
    return here


def _part_key(mod: str) -> str:
    mod = mod.lower()
    if "middle" in mod or mod == "mid":
        return "mid"
    if "beginning" in mod or "start" in mod:
        return "start"
    if "end" in mod or "close" in mod:
        return "end"
    return mod


def _month_num(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _num(word: str) -> int | None:
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


# --------------------------------------------------------------------------- handlers


def _h_iso(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    day = _day(int(m["y"]), int(m["m"]), int(m["d"]))
    return _core(m, _const(day)) if day else None


def _h_slash(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if a > 12 >= b:
        day = _day(y, b, a)
    elif b > 12 >= a or a == b:
        day = _day(y, a, b)
    else:
        return None  # 04/05/2021: day-first or month-first? Leave it.
    return _core(m, _const(day)) if day else None


def _day_core(m: re.Match[str], mon: int) -> _Core | None:
    d1 = int(re.match(r"\d+", m["d1"]).group())  # type: ignore[union-attr]
    d2 = int(re.match(r"\d+", m["d2"]).group()) if m["d2"] else d1  # type: ignore[union-attr]

    def in_year(y: int) -> Period | None:
        return _days(y, mon, d1, d2)

    if m["y"]:
        period = in_year(int(m["y"]))
        core = _core(m, _const(period)) if period else None
    elif in_year(2000) is None:  # Feb 30, Nov 31
        return None
    else:
        core = _core(m, _cyclic_year(in_year), in_year)
    return replace(core, is_range=True) if core is not None and m["d2"] else core


def _h_mdy(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    return _day_core(m, _month_num(m["mon"]))


def _h_dmy(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    if ctx.prev_word(m.start()).replace(".", "").replace(",", "").isdigit():
        return None  # "1,000 12 March"-like number runs are not dates
    return _day_core(m, _month_num(m["mon"]))


def _h_month_year(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    mon = _month_num(m["mon"])
    return _core(m, _const(_months(int(m["y"]), mon, mon)))


_RANGE_AHEAD = _rx(rf"\s*(?:-|–|—|(?i:to|through|and|until|till|or))\s*{_MONTH}")
_RANGE_BEHIND = _rx(rf"{_MONTH}\s*(?:-|–|—|(?i:to|through|and|until|till|or))\s*$")


def _h_bare_month(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    name = m["mon"]
    tok = ctx.token(m.start())
    if tok is not None and (tok.tag_ == "MD" or tok.pos_ in ("VERB", "AUX")):
        return None
    prev = ctx.prev_word(m.start())
    if name in ("May", "March") and not m["rel"] and prev not in _MONTH_TRIGGERS \
            and not _RANGE_AHEAD.match(ctx.text, m.end()) \
            and not _RANGE_BEHIND.search(ctx.text, max(0, m.start() - 16), m.start()):
        return None
    mon = _MONTHS[name.lower()]

    def in_year(y: int) -> Period:
        return _months(y, mon, mon)

    rel = m["rel"].lower() if m["rel"] else None
    return _core(m, _cyclic_year(in_year, rel), None if rel else in_year)


def _h_year(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    if not m["the"]:
        prev = ctx.prev_word(m.start())
        if prev in _YEAR_BLOCK_PREV or prev in ("$", "€", "£", "#"):
            return None
        nxt = ctx.next_word(m.end())
        if nxt in _YEAR_BLOCK_NEXT:
            return None
        tok = ctx.token(m.start())
        if (tok is not None and tok.dep_ == "nummod" and tok.head.tag_ == "NNS"
                and tok.head.i == tok.i + 1 and prev not in _DETERMINERS):
            return None
    return _core(m, _const(_year(int(m["y"]))))


def _h_year_range(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    y1, raw = int(m["y1"]), m["y2"]
    y2 = int(raw) if len(raw) == 4 else y1 // 100 * 100 + int(raw)
    if not y1 < y2 <= y1 + 50:
        return None
    if ctx.next_word(m.end()) in _YEAR_BLOCK_NEXT or ctx.prev_word(m.start()) in _YEAR_BLOCK_PREV:
        return None
    return replace(_core(m, _const(_years(y1, y2))), is_range=True)


def _h_decade(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    d = int(m["dec"])
    if m["mod"]:
        lo, hi = _DECADE_PARTS[_part_key(m["mod"])]
        return _core(m, _const(_years(d + lo, d + hi)))
    return _core(m, _const(_years(d, d + 9)))


def _two_digit_year(raw: str) -> int:
    y = int(raw)
    if len(raw) == 4:
        return y
    return 1900 + y if y >= 50 else 2000 + y


def _h_fiscal(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    y1 = _two_digit_year(m["y"])
    y2 = _two_digit_year(m["y2"]) if m["y2"] else None
    if len(m["y2"] or "") == 2:
        y2 = y1 // 100 * 100 + int(m["y2"])
    if not 1900 <= y1 <= 2100 or (y2 is not None and not y1 < y2 <= y1 + 30):
        return None
    return _core(m, _const(_fiscal(y1, y2)))


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "final": 4, "last": 4, "latter": 2, "later": 2}


def _period_of_ref(m: re.Match[str], ctx: _Ctx, in_year: Callable[[int], Period | None],
                   in_decade: Callable[[int], Period | None] | None = None) -> _Core | None:
    """A part (quarter, half, early...) of the year or decade named in group ``ref``."""
    ref = m["ref"]
    if ref is None:
        return _core(m, _cyclic_year(in_year), in_year)
    if "decade" in ref.lower() or re.search(r"\d0s", ref):
        if in_decade is None:
            return None
        return _core(m, lambda p, t: in_decade(_decade_ref(ref, p)))

    def resolve(p: date, tense: str) -> Period | None:
        y = _year_ref(ref, p)
        return None if y is None else in_year(y)

    return _core(m, resolve)


def _h_quarter(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    word = m["ord"].lower()
    if word in ("last", "final") and m["ref"] is None:
        return None  # "the last quarter" = the previous one: the relative rule handles it
    q = _ORDINALS[word]
    if q > 4:
        return None
    return _period_of_ref(m, ctx, lambda y: _months(y, 3 * q - 2, 3 * q))


def _h_q(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    q = int(m["q"] or m["q2"])
    raw = m["y"] or m["yy"]

    def in_year(y: int) -> Period:
        return _months(y, 3 * q - 2, 3 * q)

    if raw:
        return _core(m, _const(in_year(_two_digit_year(raw))))
    return _core(m, _cyclic_year(in_year), in_year)


def _h_half(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    h = _ORDINALS[m["ord"].lower()]
    if h > 2:
        return None
    return _period_of_ref(
        m, ctx, lambda y: _months(y, 6 * h - 5, 6 * h),
        lambda d: _years(d, d + 4) if h == 1 else _years(d + 5, d + 9),
    )


def _h_h(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    h = int(m["h"] or m["h2"])
    y = _two_digit_year(m["y"])
    return _core(m, _const(_months(y, 6 * h - 5, 6 * h)))


def _h_part_year(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    lo, hi = _YEAR_PARTS[_part_key(m["mod"])]
    dlo, dhi = _DECADE_PARTS[_part_key(m["mod"])]
    return _period_of_ref(m, ctx, lambda y: _months(y, lo, hi),
                          lambda d: _years(d + dlo, d + dhi))


def _h_year_end(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    if m["y"]:
        return _core(m, _const(_months(int(m["y"]), 12, 12)))
    if "mid" in m.group().lower():
        return _core(m, lambda p, t: _months(p.year, 5, 8))
    return _core(m, lambda p, t: _months(p.year, 12, 12))


def _h_part_rel_month(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    part = _part_key(m["mod"])
    part = {"start": "early", "end": "late"}.get(part, part)
    ref = m["ref"].lower()
    step = 1 if "next" in ref or "coming" in ref else -1 if "last" in ref or "previous" in ref \
        else 0

    def resolve(p: date, tense: str) -> Period:
        day = p + relativedelta(months=step)
        return _month_part(day.year, day.month, part)

    return _core(m, resolve)


def _h_part_month(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    part = _part_key(m["mod"])
    part = {"start": "early", "end": "late"}.get(part, part)
    mon = _month_num(m["mon"])

    def in_year(y: int) -> Period:
        return _month_part(y, mon, part)

    if m["y"]:
        return _core(m, _const(in_year(int(m["y"]))))
    return _core(m, _cyclic_year(in_year), in_year)


_SEASON_PREV = _words(
    "in the this next last by until till since during early late mid over through of "
    "coming past before after from until throughout"
)


def _season(y: int, name: str) -> Period:
    lo, hi = _SEASON_MONTHS[name]
    return _months(y, lo, hi)


def _h_season(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    name = m["s"].lower()
    rel = m["rel"].lower() if m["rel"] else None
    if not rel and not m["y"] and not m["mod"]:
        triggered = ctx.prev_word(m.start()) in _SEASON_PREV
        if not triggered and not (m["the"] and name != "fall"):
            return None  # "prices fall", "a spring"; "the fall" needs "in the fall"
        if ctx.next_word(m.end()) == "of":
            return None  # "the fall of Kabul"
    if m["y"]:
        return _core(m, _const(_season(int(m["y"]), name)))
    if rel == "this":
        return _core(m, lambda p, t: _season(p.year - (name == "winter" and p.month <= 2), name))
    key = {"next": "next", "coming": "next", "the coming": "next", "last": "last",
           "past": "last", "the past": "last"}.get(" ".join((rel or "").split()))

    def in_year(y: int) -> Period:
        return _season(y, name)

    return _core(m, _cyclic_year(in_year, key), None if key else in_year)


def _h_relative(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    rel = " ".join(m["rel"].lower().split())
    unit = m["u"].lower()
    if rel in ("the following", "the same"):
        return _core(m, _vague)
    if unit == "weekend":
        return _core(m, lambda p, t: _weekend(p, rel))
    step = {"this": 0, "current": 0, "the current": 0, "next": 1, "the next": 1,
            "the coming": 1, "coming": 1, "last": -1, "previous": -1, "the previous": -1,
            "prior": -1, "the prior": -1}.get(rel)
    if step is None:  # the past / the last / this past: a rolling span ending at P
        n = 10 if unit == "decade" else 1
        return _core(m, lambda p, t: (_shift(p, -n, "year" if unit == "decade" else unit), p))
    return _core(m, lambda p, t: _calendar_unit(_step(p, step, unit), unit))


def _step(p: date, step: int, unit: str) -> date:
    if unit == "quarter":
        return p + relativedelta(months=3 * step)
    return _shift(p, step, unit)


def _weekend(p: date, rel: str) -> Period:
    monday = _week_of(p)[0]
    step = 1 if "next" in rel or "coming" in rel else -1 if rel in ("last", "the past") else 0
    sat = monday + timedelta(days=5 + 7 * step)
    return sat, sat + timedelta(days=1)


def _h_the_weekend(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    """ "over the weekend": the nearest weekend on or before P (past tense), else after it."""

    def resolve(p: date, tense: str) -> Period:
        saturday = _week_of(p)[0] + timedelta(days=5)
        if tense == "future":
            return (saturday, saturday + timedelta(days=1)) if p <= saturday + timedelta(days=1) \
                else (saturday + timedelta(days=7), saturday + timedelta(days=8))
        if p < saturday:
            saturday -= timedelta(days=7)
        return saturday, saturday + timedelta(days=1)

    return _core(m, resolve)


def _h_dayword(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    word = " ".join(m.group().lower().split())
    offset = {"yesterday": -1, "tomorrow": 1, "last night": -1}.get(word, 0)
    return _core(m, lambda p, t: (p + timedelta(days=offset), p + timedelta(days=offset)))


def _h_weekday(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    wd = _WEEKDAYS[m["wd"].lower()]
    rel = m["rel"].lower() if m["rel"] else None
    rel = "next" if rel == "coming" else "last" if rel == "past" else rel

    def resolve(p: date, tense: str) -> Period | None:
        monday = _week_of(p)[0]

        def gen(n: int) -> Period:
            day = monday + timedelta(days=wd + 7 * n)
            return day, day

        return _nearest(gen, p, tense, rel)

    return _core(m, resolve)


def _h_ago(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    n = _num(m["n"])
    if n is None:
        return _core(m, _vague)
    unit = m["u"].lower().rstrip("s")
    if unit == "decade":
        return _core(m, lambda p, t: _year(p.year - 10 * n))
    return _core(m, lambda p, t: _calendar_unit(_shift(p, -n, unit), unit))


def _h_within(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    unit = m["u"].lower()
    n = _num(m["n"]) if m["n"] else (None if unit.endswith("s") else 1)
    if n is None:
        return _core(m, _vague)
    return _core(m, lambda p, t: (p, _shift(p, n, unit)))


def _h_past_n(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    unit = m["u"].lower()
    n = _num(m["n"]) if m["n"] else (None if unit.endswith("s") else 1)
    if n is None:
        return _core(m, _vague)
    return _core(m, lambda p, t: (_shift(p, -n, unit), p))


def _h_in_n(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    n = _num(m["n"])
    n2 = _num(m["n2"]) if m["n2"] else None
    unit = m["u"].lower()
    if n is None or (m["n2"] and (n2 is None or n2 <= n)):
        return _core(m, _vague)

    def resolve(p: date, tense: str) -> Period | None:
        if tense == "past":
            return None  # "it was built in five years": a duration
        if n2 is not None:
            return _shift(p, n, unit), _shift(p, n2, unit)
        return _calendar_unit(_shift(p, n, unit), unit)

    return _core(m, resolve)


def _h_vague(m: re.Match[str], ctx: _Ctx) -> _Core | None:
    return _core(m, _vague)


# ------------------------------------------------------------------------------ rules

_B = r"(?<![\w$€£#./-])"  # no letter, digit, currency, or joiner right before a number

_RULES: tuple[tuple[re.Pattern[str], Handler, int], ...] = (
    (_rx(rf"{_B}(?P<y>19\d\d|20\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\w-])"),
     _h_iso, 5),
    (_rx(rf"{_B}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>{_YEAR})(?![\w/])"), _h_slash, 5),
    (_rx(rf"(?:{_WEEKDAY_ANY},?\s+)?(?<![\w.])(?P<mon>{_MONTH})\s+(?P<d1>{_DAY})"
         rf"(?:\s*(?:-|–|—|(?i:to|and))\s*(?P<d2>{_DAY}))?(?:,?\s+(?P<y>{_YEAR}){_YEAR_GUARD})?"),
     _h_mdy, 4),
    (_rx(rf"(?:{_WEEKDAY_ANY},?\s+)?(?:(?i:the)\s+)?{_B}(?P<d1>{_DAY})"
         rf"(?:\s*(?:-|–|—|(?i:to|and))\s*(?P<d2>{_DAY}))?\s+(?:of\s+)?(?P<mon>{_MONTH})"
         rf"(?:,?\s+(?P<y>{_YEAR}){_YEAR_GUARD})?"),
     _h_dmy, 4),
    (_rx(rf"(?<![\w.])(?P<mon>{_MONTH})(?:\s+of)?,?\s+(?P<y>{_YEAR}){_YEAR_GUARD}"),
     _h_month_year, 3),
    (_rx(rf"(?:(?P<rel>(?i:last|next|this))\s+)?(?<![\w.])(?P<mon>{_MONTH_FULL})\b(?!['’]s\s)"),
     _h_bare_month, 1),
    (_rx(rf"(?:(?P<the>(?i:the\s+year))\s+)?{_B}(?P<y>{_YEAR}){_YEAR_GUARD}"), _h_year, 0),
    (_rx(rf"{_B}(?P<y1>{_YEAR})\s*[-–—/]\s*(?P<y2>\d{{4}}|\d\d){_YEAR_GUARD}"), _h_year_range, 2),
    (_rx(rf"(?:(?i:the)\s+)?(?:(?P<mod>{_PART})[\s-]+)?(?<![\w$'-])(?P<dec>(?:19|20)\d0)['’]?s\b"),
     _h_decade, 2),
    (_rx(r"(?:\b[Ff]iscal(?:\s+[Yy]ears?)?|\bFY)\s*['-]?\s*(?P<y>\d{4}|\d\d)"
         r"(?:\s*[-–/]\s*(?P<y2>\d{4}|\d\d))?(?![\w%])"), _h_fiscal, 3),
    (_rx(rf"(?:(?i:the)\s+)?(?P<ord>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th))"
         rf"[\s-]+(?i:quarter)(?:\s+(?i:of)\s+(?P<ref>{_YEAR_REF}))?"), _h_quarter, 3),
    (_rx(rf"\b(?:Q(?P<q>[1-4])|(?P<q2>[1-4])Q)\b(?:\s*(?:of\s+)?(?P<y>{_YEAR}){_YEAR_GUARD}"
         r"|\s*['’](?P<yy>\d\d)\b)?"), _h_q, 3),
    (_rx(rf"(?:(?i:the)\s+)?(?P<ord>(?i:first|second|1st|2nd|latter))[\s-]+(?i:half)"
         rf"(?:\s+(?i:of)\s+(?P<ref>{_YEAR_REF}|{_DECADE_REF}))?"), _h_half, 3),
    (_rx(rf"\b(?:H(?P<h>[12])|(?P<h2>[12])H)\s*[-/']?\s*(?P<y>{_YEAR}|\d\d)(?![\w%])"), _h_h, 3),
    (_rx(rf"\b(?P<mod>{_PART})[\s-]+(?P<ref>{_YEAR_REF}|{_DECADE_REF})"), _h_part_year, 2),
    (_rx(rf"(?i:\byear(?:['’]s\s+|-)end\b|\bend-(?:of-)?year\b|\bmid-?year\b)"
         rf"|(?i:\bend-)(?P<y>{_YEAR}){_YEAR_GUARD}"), _h_year_end, 2),
    (_rx(rf"\b(?P<mod>{_PART})[\s-]+(?P<mon>{_MONTH})(?:,?\s+(?P<y>{_YEAR}){_YEAR_GUARD})?"),
     _h_part_month, 3),
    (_rx(rf"\b(?P<mod>{_PART})[\s-]+(?P<ref>(?i:this|next|last|the(?:\s+(?:current|coming|next|"
         r"previous))?)\s+(?i:month))\b"), _h_part_rel_month, 3),
    (_rx(r"(?P<the>(?i:\bthe)\s+)?(?i:\b(?P<rel>this|next|last|the\s+coming|the\s+past)\s+)?"
         r"(?:(?P<mod>(?i:early|late|mid))[\s-]?)?(?P<s>\b(?i:spring|summer|autumn|fall|winter))\b"
         rf"(?:\s+(?:of\s+)?(?P<y>{_YEAR}){_YEAR_GUARD})?"), _h_season, 2),
    (_rx(r"\b(?P<rel>(?i:this\s+past|this|next|last|previous|prior|current|coming|the\s+"
         r"(?:current|coming|next|previous|prior|past|last|following|same)))\s+"
         r"(?P<u>(?i:year|month|week|quarter|decade|weekend))\b"), _h_relative, 1),
    (_rx(r"(?i:\b(?:over|at|during|on)\s+the\s+weekend\b)"), _h_the_weekend, 1),
    (_rx(r"(?i:\b(?:today|yesterday|tomorrow|tonight|last\s+night|this\s+"
         r"(?:morning|afternoon|evening))\b)"), _h_dayword, 1),
    (_rx(rf"(?:\b(?P<rel>(?i:last|next|this|coming|past))\s+)?\b(?P<wd>{_WEEKDAY})\b"),
     _h_weekday, 1),
    (_rx(rf"\b(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+(?i:ago|earlier)\b"), _h_ago, 3),
    (_rx(rf"(?i:\bwithin(?:\s+the\s+next)?|\b(?:over|in|during|for)\s+the\s+(?:next|coming))"
         rf"(?:\s+(?P<n>{_NUM}))?\s+(?P<u>{_UNIT})\b"), _h_within, 3),
    (_rx(rf"(?i:\b(?:over|in|during|for|within)\s+the\s+(?:past|last|previous))"
         rf"(?:\s+(?P<n>{_NUM}))?\s+(?P<u>{_UNIT})\b"), _h_past_n, 3),
    (_rx(rf"(?i:\bin)\s+(?P<n>{_NUM})(?:\s*(?:-|–|(?i:to|or))\s*(?P<n2>{_NUM}))?\s+"
         rf"(?P<u>{_UNIT})(?:['’]s?)?(?:\s+(?i:time)\b)?"), _h_in_n, 3),
    (_rx(r"(?i:\b(?:in|over|during|within)\s+the\s+(?:coming|next\s+few|next\s+several|"
         r"following)\s+(?:days|weeks|months|years|decades)\b|\bas\s+soon\s+as\s+possible\b|"
         r"\bsoon\b|\bshortly\b|\brecently\b|\blately\b|\bin\s+recent\s+(?:days|weeks|months|"
         r"years|decades|times)\b|\bin\s+the\s+(?:near|foreseeable|distant|immediate|"
         r"not\s+too\s+distant)\s+future\b|\bat\s+a\s+later\s+(?:date|stage|time|point)\b|"
         r"\bin\s+the\s+future\b|\bin\s+the\s+(?:short|medium|long|near)[\s-]term\b|"
         r"\bin\s+due\s+course\b)"), _h_vague, 2),
)

_QUICK = _rx(
    r"\d|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|year|month|week|decade|quarter|half|today|tomorrow|"
    r"yesterday|tonight|night|morning|afternoon|evening|soon|shortly|recent|lately|future|"
    r"later|spring|summer|autumn|fall|winter|term|course|fiscal)"
)

# ----------------------------------------------------------------------------- signals

_SIGNALS: dict[str, str | None] = {
    "by": "by", "before": "by", "no later than": "by", "not later than": "by", "until": "by",
    "till": "by", "up to": "by", "up until": "by", "through": "by", "thru": "by",
    "prior to": "by", "ahead of": "by",
    "from": "from", "starting": "from", "starting in": "from", "starting from": "from",
    "starting on": "from", "starting at": "from", "since": "from", "no earlier than": "from",
    "not earlier than": "from", "not before": "from", "beginning": "from",
    "beginning in": "from", "beginning on": "from", "beginning from": "from", "as of": "from",
    "effective": "from", "not until": "from", "no sooner than": "from", "as from": "from",
    "after": "after",
    "earlier": "earlier", "earlier in": "earlier", "later": "later", "later in": "later",
    "in": None, "on": None, "at": None, "during": None, "throughout": None,
    "sometime in": None, "sometime": None, "some time in": None, "around": None,
    "circa": None, "in about": None, "as early as": None, "as late as": None, "between": None,
}
_PREFIX = _rx(
    r"(?i)(?<![\w-])(?P<sig>"
    + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_SIGNALS, key=len, reverse=True))
    + r")\s+$"
)
_SUFFIX = _rx(r"(?i)\s*,?\s*(?P<sig>at\s+the\s+earliest|at\s+the\s+latest|or\s+later|"
              r"or\s+earlier|onwards?|and\s+beyond|and\s+later|or\s+before)\b")
_SUFFIX_KIND = {"at the earliest": "from", "or later": "from", "onward": "from",
                "onwards": "from", "and beyond": "from", "and later": "from",
                "at the latest": "by", "or earlier": "by", "or before": "by"}
#: signals that pin a year-less expression to the past
_PAST_SIGNALS = frozenset({"since", "earlier", "earlier in"})

_RANGE_GAP = _rx(r"\s*(?:(?P<dash>-|–|—)|(?i:(?P<to>to|through|thru|until|till)|(?P<and>and)))\s*")
_RANGE_FROM = _rx(r"(?i)(?<![\w-])(?P<w>from|between)\s+$")

# ------------------------------------------------------------------------ the tagger

_FUTURE_AUX = _words(
    "will 'll ’ll shall wo would 'd should could might may must can ca"
)
_PERFECT_AUX = _words(
    "has have had 've 's ’ve"
)
_PAST_BE = frozenset({"was", "were"})
_PRESENT_BE = _words(
    "is are am 's 're ’s ’re be being"
)


def _verb_tense(tok: Token, depth: int = 0) -> str:
    """past / future / present of a verb from its tag and auxiliaries (see module docstring)."""
    if depth > 6:
        return "present"
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    lows = {a.lower_ for a in auxes}
    if lows & _FUTURE_AUX:
        return "past" if "have" in lows and tok.tag_ == "VBN" else "future"
    head = tok.head
    if any(a.tag_ == "TO" for a in auxes):
        if head.i == tok.i:
            return "future"
        return "past" if _verb_tense(head, depth + 1) == "past" else "future"
    if "did" in lows or (lows & _PERFECT_AUX and tok.tag_ == "VBN") or lows & {"had"}:
        return "past"
    if tok.tag_ == "VBD":
        return "past"
    if tok.tag_ == "VBN":
        if lows & _PRESENT_BE:
            return "present"
        if not lows and tok.dep_ == "conj" and head.i != tok.i:
            return _verb_tense(head, depth + 1)
        return "past"
    if tok.tag_ == "VBG":
        if lows & _PAST_BE:
            return "past"
        if lows & _PRESENT_BE:
            return "future"
    if tok.tag_ in ("VB", "VBG") and not auxes and tok.dep_ in (
            "conj", "xcomp", "advcl", "pcomp", "acl", "relcl", "ccomp"):
        gov = _verb_above(tok)
        return _verb_tense(gov, depth + 1) if gov is not None else "present"
    return "present"


def _verb_above(tok: Token) -> Token | None:
    """The nearest VERB/AUX ancestor ("buying" in "for buying" -> the verb "for" hangs on)."""
    while tok.head.i != tok.i:
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None


def _govern(span: Span) -> tuple[int | None, str]:
    """head_i (first VERB/AUX/NOUN above the expression) and the first verb's tense."""
    if not len(span):
        return None, "present"
    tok, head_i = span.root, None
    inside = range(span.start, span.end)
    for _ in range(40):
        head = tok.head
        if head.i == tok.i:
            break
        tok = head
        if tok.i in inside:
            continue
        if head_i is None and tok.pos_ in ("VERB", "AUX", "NOUN"):
            head_i = tok.i
        if tok.pos_ in ("VERB", "AUX"):
            return head_i, _verb_tense(tok)
    return head_i, "present"


def _select(cores: Iterable[_Core]) -> list[_Core]:
    """Longest candidates first, no overlaps; returned in text order."""
    chosen: list[_Core] = []
    for core in sorted(cores, key=lambda c: (-(c.end - c.start), -c.rank, c.start)):
        if all(core.end <= c.start or core.start >= c.end for c in chosen):
            chosen.append(core)
    return sorted(chosen, key=lambda c: c.start)


def _range_resolver(a: _Core, b: _Core) -> Resolver:
    """start of a .. end of b; a year-less end takes its year from the other end."""

    def resolve(p: date, tense: str) -> Period | None:
        pa = pb = None
        if a.anchor is not None:
            pb = b.resolve(p, tense)
            if pb is None:
                return None
            pa = a.anchor(pb[0].year)
            if pa is not None and pa[0] > pb[0]:
                pa = a.anchor(pb[0].year - 1)
        elif b.anchor is not None:
            pa = a.resolve(p, tense)
            if pa is None:
                return None
            pb = b.anchor(pa[1].year)
            if pb is not None and pb[1] < pa[1]:
                pb = b.anchor(pa[1].year + 1)
        else:
            pa, pb = a.resolve(p, tense), b.resolve(p, tense)
        if pa is None or pb is None or pb[1] < pa[0]:
            return None
        return pa[0], pb[1]

    return resolve


def _combine_ranges(cores: list[_Core], text: str) -> list[_Core]:
    """Merge "X-Y", "X to Y", "from X until Y", "between X and Y" into one range core."""
    out: list[_Core] = []
    i = 0
    while i < len(cores):
        a = cores[i]
        b = cores[i + 1] if i + 1 < len(cores) else None
        merged = _try_range(a, b, text) if b is not None else None
        if merged is not None:
            out.append(merged)
            i += 2
        else:
            out.append(a)
            i += 1
    return out


def _try_range(a: _Core, b: _Core, text: str) -> _Core | None:
    gap = _RANGE_GAP.fullmatch(text, a.end, b.start)
    if gap is None or a.is_range or b.is_range:
        return None
    lead = _RANGE_FROM.search(text, max(0, a.start - 12), a.start)
    word = lead["w"].lower() if lead else None
    if gap["and"] and word != "between":
        return None
    if gap["to"] and gap["to"].lower() in ("until", "till") and word != "from":
        return None
    if gap["and"] is None and word == "between":
        word = None
    start = lead.start() if lead and word else a.start
    return _Core(start, b.end, _range_resolver(a, b), has_signal=bool(word))


def _open(period: Period, kind: str | None, p: date) -> tuple[date | None, date | None]:
    start, end = period
    if kind == "by":
        return None, end
    if kind == "from":
        return start, None
    if kind == "after":
        return end + timedelta(days=1), None
    if kind == "earlier" and start <= p <= end:
        return start, p
    if kind == "later" and start <= p <= end:
        return p, end
    return start, end


class TimexTagger:
    """Finds and resolves time expressions; build once, call ``tag`` per sentence."""

    def __init__(self) -> None:
        self._rules = _RULES  # compiled at import; kept on the instance for subclasses

    def tag(self, span: Doc | Span, published: date) -> list[Timex]:
        """All time expressions of a parsed Doc or Span, offsets relative to the Doc."""
        if isinstance(published, datetime):
            published = published.date()
        doc = span.doc if isinstance(span, Span) else span
        base = span.start_char if isinstance(span, Span) else 0
        text = span.text
        if not _QUICK.search(text):
            return []
        ctx = _Ctx(text, doc, base)
        cores = _combine_ranges(_select(self._candidates(ctx)), text)
        return [self._finish(core, ctx, published) for core in cores]

    def _candidates(self, ctx: _Ctx) -> list[_Core]:
        found: list[_Core] = []
        for pattern, handler, rank in self._rules:
            for m in pattern.finditer(ctx.text):
                if m.end() > m.start() and (core := handler(m, ctx)) is not None:
                    found.append(replace(core, rank=rank))
        return found

    def _finish(self, core: _Core, ctx: _Ctx, p: date) -> Timex:
        text = ctx.text
        start, end, sig = core.start, core.end, None
        if not core.has_signal:
            pre = _PREFIX.search(text, max(0, start - 40), start)
            if pre is not None:
                sig, start = " ".join(pre["sig"].lower().split()), pre.start()
        kind = _SIGNALS.get(sig) if sig else None
        if core.is_range and kind == "from":
            kind = None  # "from 3 to 5 June": the range's own "from"
        post = _SUFFIX.match(text, end)
        if post is not None:
            end = post.end()
            kind = kind or _SUFFIX_KIND[" ".join(post["sig"].lower().split())]
        span = ctx.doc.char_span(ctx.base + start, ctx.base + end, alignment_mode="expand")
        head_i, tense = _govern(span) if span is not None else (None, "present")
        surface = text[start:end]
        interval = None
        try:
            period = core.resolve(p, "past" if sig in _PAST_SIGNALS else tense)
            if period is not None:
                lo, hi = _open(period, kind, p)
                interval = Interval(lo, hi, surface)
        except (ValueError, OverflowError):
            # "next year" said on 9999-12-31, "last year" on 0001-01-01: a time
            # outside the calendar Python can hold. The expression is found but
            # left unresolved, like any other time we cannot place.
            interval = None
        return Timex(surface, ctx.base + start, ctx.base + end, interval, head_i, tense,
                     kind if interval is not None else None)


_DEFAULT: TimexTagger | None = None


def tag_text(text: str, published: date) -> list[Timex]:
    """Parse ``text`` with ``armstrack.nlp.load_spacy()`` and tag it (for scripts and tests)."""
    global _DEFAULT
    from armstrack.nlp import load_spacy

    if _DEFAULT is None:
        _DEFAULT = TimexTagger()
    return _DEFAULT.tag(load_spacy()(text), published)
