"""The data a document carries through the pipeline.

These plain dataclasses are the contract between stages (ingest -> nlp ->
events -> register -> store -> cli). Every stage takes and returns these, so a
stage can be tested, replaced or run in another process on its own. Their JSON
form is the interchange format of SPEC.md §5 (see ``to_json``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Literal
from urllib.parse import urlsplit

EventType = Literal[
    "negotiation",
    "agreement",
    "contract",
    "delivery",
    "deployment",
    "cancellation",
    "sanction",
    "production",
]
EVENT_TYPES: tuple[str, ...] = (
    "negotiation",
    "agreement",
    "contract",
    "delivery",
    "deployment",
    "cancellation",
    "sanction",
    "production",
)

Modality = Literal["asserted", "planned", "hoped", "possible", "threatened", "negated", "denied"]
MODALITIES: tuple[str, ...] = (
    "asserted",
    "planned",
    "hoped",
    "possible",
    "threatened",
    "negated",
    "denied",
)
#: SPEC.md §3: the three classes the scorer compares.
COARSE_MODALITY: dict[str, str] = {
    "asserted": "realis",
    "planned": "irrealis",
    "hoped": "irrealis",
    "possible": "irrealis",
    "threatened": "irrealis",
    "negated": "negated",
    "denied": "negated",
}

DealStatus = Literal[
    "negotiating",
    "agreed",
    "contracted",
    "delivering",
    "delivered",
    "in_service",
    "cancelled",
    "prospective",
]


@dataclass(frozen=True)
class Interval:
    """A time interval of inclusive calendar days; ``None`` ends are open (SPEC.md §4)."""

    start: date | None
    end: date | None
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Interval | None:
        if not data:
            return None
        return cls(
            start=date.fromisoformat(data["start"]) if data.get("start") else None,
            end=date.fromisoformat(data["end"]) if data.get("end") else None,
            text=data.get("text") or "",
        )


@dataclass
class Article:
    """One news article as read from its input, before any language processing.

    ``text`` is exactly what offsets refer to. ``id`` is the file stem or the
    JSONL record's ``id`` (SPEC.md §5).
    """

    id: str
    text: str
    published: date | None
    title: str = ""
    url: str | None = None
    path: str | None = None
    byline: str | None = None
    source_format: str = "text"
    #: Where the body starts and ends in ``text`` (after the title/byline/date
    #: header, before a trailing "Original url:" block): extraction reads only
    #: this range, offsets still count from the start of ``text``.
    body_start: int = 0
    body_end: int | None = None

    @property
    def body(self) -> str:
        return self.text[self.body_start : self.body_end]

    def sanitized(self) -> Article:
        """This article safe to store, print and hash: names printable (:func:`printable`),
        lone surrogates in the text replaced one for one (offsets do not move)."""
        text = _SURROGATES.sub("\ufffd", self.text)

        def name(value: str | None) -> str | None:
            return printable(value) if value else value

        return replace(
            self,
            id=printable(self.id),
            text=text,
            title=printable(self.title or ""),
            url=name(self.url),
            path=name(self.path),
            byline=name(self.byline),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
            "path": self.path,
        }


#: What must never reach a terminal or a log raw: C0 and C1 controls, DEL, line and
#: paragraph separators, and lone surrogates (undecodable bytes of a file name).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


_SURROGATES = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` safe to print on one line and to store as UTF-8: controls and undecodable bytes
    of file names become visible escapes (``\\x0a``, ``\\xe9``).

    Why: a file name may hold a newline (which would forge an ``error:`` line),
    terminal escape sequences, or bytes that are not UTF-8 (``n\\xe9.txt``,
    which no UTF-8 database or JSON output can hold).
    """
    return _UNPRINTABLE.sub(_escape, text)


def http_url(url: str | None) -> str | None:
    """``url`` if it may become a link anywhere we publish (web page, feed): http or https only.

    Why: an article's URL is untrusted input; ``javascript:``, ``data:`` and other schemes
    would run or render content in a reader's browser when clicked.
    """
    if not url:
        return None
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") and "\\" not in url else None


@dataclass(frozen=True)
class ReadFailure:
    """An input (or one record of it) that could not be read; the run goes on."""

    input: str
    reason: str
    record: str | None = None  # e.g. "line 17" of a JSONL file

    def describe(self) -> str:
        """One line for people: every part printable (no raw controls, no forged lines)."""
        where = f"{self.input} ({self.record})" if self.record else self.input
        return printable(f"{where}: {self.reason}")


@dataclass
class Quantity:
    value: float | int
    unit: str

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Quantity | None:
        return cls(data["value"], data["unit"]) if data else None


@dataclass
class Money:
    amount: float | int
    currency: str

    def to_json(self) -> dict[str, Any]:
        return {"amount": self.amount, "currency": self.currency}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Money | None:
        return cls(data["amount"], data["currency"]) if data else None


@dataclass
class Event:
    """One real-world event of a transfer's life, as one article reports it."""

    article: str
    type: str
    modality: str
    supplier: str | None = None
    recipient: str | None = None
    actor: str | None = None
    target: str | None = None
    system: str | None = None  # the family's canonical name (deals key on it)
    variant: str | None = None  # the variant named, when more precise than the family
    time: Interval | None = None
    quantity: Quantity | None = None
    value: Money | None = None
    source: str | None = None
    evidence: str = ""
    offsets: tuple[int, int] = (0, 0)
    trigger: str | None = None
    confidence: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "type": self.type,
            "supplier": self.supplier,
            "recipient": self.recipient,
            "actor": self.actor,
            "target": self.target,
            "system": self.system,
            "variant": self.variant,
            "modality": self.modality,
            "time": self.time.to_json() if self.time else None,
            "quantity": self.quantity.to_json() if self.quantity else None,
            "value": self.value.to_json() if self.value else None,
            "source": self.source,
            "evidence": self.evidence,
            "offsets": list(self.offsets),
            "trigger": self.trigger,
            # the participants that the evidence sentence does not name (taken from the article)
            **({"inferred": list(self.extra["inferred"])} if "inferred" in self.extra else {}),
            "confidence": self.confidence,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        return cls(
            article=data["article"],
            type=data["type"],
            modality=data["modality"],
            supplier=data.get("supplier"),
            recipient=data.get("recipient"),
            actor=data.get("actor"),
            target=data.get("target"),
            system=data.get("system"),
            variant=data.get("variant"),
            time=Interval.from_json(data.get("time")),
            quantity=Quantity.from_json(data.get("quantity")),
            value=Money.from_json(data.get("value")),
            source=data.get("source"),
            evidence=data.get("evidence") or "",
            offsets=tuple(data.get("offsets") or (0, 0)),
            trigger=data.get("trigger"),
        )

    @property
    def is_realis(self) -> bool:
        return COARSE_MODALITY.get(self.modality) == "realis"


def as_plain(obj: Any) -> Any:
    """Dataclass -> JSON-ready dict (dates as ISO strings)."""
    if hasattr(obj, "to_json"):
        return obj.to_json()
    return asdict(obj)
