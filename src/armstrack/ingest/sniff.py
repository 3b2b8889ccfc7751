"""Format detection from the first bytes of an input, not from its name.

Why content first: crawls and exports are routinely misnamed (``.txt`` files
that are HTML, ``.json`` that is JSONL, gzip without ``.gz``); the extension
is ignored and the bytes decide.
"""

from __future__ import annotations

import re

__all__ = ["SNIFF_BYTES", "sniff", "is_binary"]

#: How much of an input is looked at to decide its format.
SNIFF_BYTES = 4096

GZIP = "gzip"
WARC = "warc"
FEED = "feed"
HTML = "html"
JSONL = "jsonl"
TEXT = "text"
BINARY = "binary"
JSON_ARRAY = "json-array"
XML = "xml"

_PROLOG_JUNK = re.compile(rb"\s*(?:<\?[^>]*\?>|<!--.*?-->)", re.S)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>/]", re.I)
_HTML_START = re.compile(
    rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S
)
_HTML_TAG = re.compile(
    rb"</?(?:p|div|span|a|br|body|head|meta|title|link|script|style|h[1-6]|article|section|"
    rb"table|tr|td|li|ul|ol|img|nav|header|footer|main|em|strong|b|i)[\s>/]",
    re.I,
)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def is_binary(head: bytes) -> bool:
    """NUL bytes, or more than 5% control characters: not text in any charset we read."""
    if b"\x00" in head:
        return True
    if not head:
        return False
    return len(_CONTROL.findall(head)) > 0.05 * len(head)


def _skip_prolog(head: bytes) -> bytes:
    pos = 0
    while True:
        m = _PROLOG_JUNK.match(head, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    return head[pos:].lstrip()


def sniff(head: bytes) -> str:
    """The format of an input from its first :data:`SNIFF_BYTES` bytes.

    One of ``gzip``, ``warc``, ``feed``, ``xml`` (other XML, or an XML document
    whose root we cannot see), ``html``, ``jsonl``, ``json-array``, ``text``,
    ``binary``.
    """
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    stripped = head.lstrip()
    if stripped.startswith(b"WARC/"):
        # Before the binary check: a WARC's first record may well be an image.
        return WARC
    if is_binary(head):
        return BINARY
    if _HTML_START.match(stripped):
        return HTML
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<!DOCTYPE"):
        rest = _skip_prolog(stripped)
        if rest[:9].upper().startswith(b"<!DOCTYPE"):
            # A DTD before the root (feeds never need one; XML bombs do): a feed
            # if the root it names or the first element is a feed root.
            if re.match(rb"<!DOCTYPE\s+(?:rss|feed|rdf:rdf)\b", rest, re.I) or _FEED_ROOT.search(
                rest
            ):
                return FEED
            return XML
        if _FEED_ROOT.match(rest):
            return FEED
        if re.match(rb"<html[\s>]", rest, re.I):
            return HTML
        return XML
    if _FEED_ROOT.match(stripped):
        return FEED
    if stripped.startswith(b"{"):
        return JSONL
    if re.match(rb"\[\s*(?:\{|\]|$)", stripped):
        return JSON_ARRAY
    if stripped.startswith(b"<") and len(_HTML_TAG.findall(head)) >= 8:
        return HTML
    if len(_HTML_TAG.findall(head)) >= 20:
        return HTML
    return TEXT
