"""read_inputs on text/markdown, JSONL(.gz), folders and stdin, and every kind of bad input."""

from __future__ import annotations

import gzip
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest

from armstrack.ingest import ReadOptions, read_inputs
from armstrack.model import Article, ReadFailure

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
DEFENCE = SHARED / "data" / "reuters-defence" / "articles.jsonl.gz"

BODY = (
    "Russia has agreed to supply Turkey with a second batch of S-400 missile systems, "
    "the head of the state arms exporter said on Tuesday.\n\n"
    "Deliveries of the first regiment were completed last year, he added."
)

MARKDOWN = (
    "\n\n# Russia to Supply More S-400s to Turkey\n\n"
    "By [Our Correspondent](#)\n\n"
    "November 26, 2019\n\n\n\n"
    "[mil.ru](#)\n\n" + BODY + "\n\nOriginal url:\n\n<https://example.org/news/s400-turkey>"
)


def read(*inputs: str | Path, **kw: object) -> list[Article | ReadFailure]:
    return list(read_inputs([str(i) for i in inputs], ReadOptions(**kw)))  # type: ignore[arg-type]


def only(items: list[Article | ReadFailure]) -> Article | ReadFailure:
    assert len(items) == 1, items
    return items[0]


# --- text / markdown --------------------------------------------------------------------------


def test_markdown_header_body_and_trailer(tmp_path: Path) -> None:
    p = tmp_path / "000_story.txt"
    p.write_text(MARKDOWN, encoding="utf-8")
    a = only(read(p))
    assert isinstance(a, Article)
    assert a.id == "000_story"
    assert a.text == MARKDOWN  # exactly as read: offsets count from here
    assert a.published == date(2019, 11, 26)
    assert a.title == "Russia to Supply More S-400s to Turkey"
    assert a.byline == "Our Correspondent"
    assert a.url == "https://example.org/news/s400-turkey"
    assert a.body == BODY
    assert a.text[a.body_start : a.body_start + 6] == "Russia"
    assert a.source_format == "text"
    assert a.path == str(p)


def test_bold_credit_line_is_header_and_bom_is_stripped(tmp_path: Path) -> None:
    text = "# Turkey In Talks\n\nNovember 21, 2016\n\n**Jane Roe / Some Paper**\n\n" + BODY
    p = tmp_path / "a.md"
    p.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    a = only(read(p))
    assert isinstance(a, Article)
    assert a.text == text
    assert a.body == BODY
    assert a.published == date(2016, 11, 21)


def test_plain_wire_text_without_title_keeps_first_paragraph_in_body(tmp_path: Path) -> None:
    text = "NEW DELHI, Oct 5, 2018 (Reuters) - " + BODY
    p = tmp_path / "wire.txt"
    p.write_text(text, encoding="utf-8")
    a = only(read(p))
    assert isinstance(a, Article)
    assert a.published == date(2018, 10, 5)
    assert a.body_start == 0
    assert a.body == text


def test_crlf_newlines_are_kept(tmp_path: Path) -> None:
    text = MARKDOWN.replace("\n", "\r\n")
    p = tmp_path / "crlf.txt"
    p.write_bytes(text.encode("utf-8"))
    a = only(read(p))
    assert isinstance(a, Article)
    assert a.text == text
    assert a.body.startswith("Russia has agreed") and a.body.endswith("last year, he added.")


def test_no_date_is_a_failure_unless_published_given(tmp_path: Path) -> None:
    p = tmp_path / "nodate.txt"
    p.write_text("# A headline\n\n" + BODY, encoding="utf-8")
    f = only(read(p))
    assert isinstance(f, ReadFailure)
    assert f.reason == "no publication date found (use --published DATE)"
    a = only(read(p, published=date(2020, 1, 2)))
    assert isinstance(a, Article) and a.published == date(2020, 1, 2)


def test_published_option_never_overrides_the_article_date(tmp_path: Path) -> None:
    p = tmp_path / "dated.txt"
    p.write_text(MARKDOWN, encoding="utf-8")
    a = only(read(p, published=date(2001, 1, 1)))
    assert isinstance(a, Article) and a.published == date(2019, 11, 26)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds absent")
def test_seed_articles() -> None:
    items = read(SEEDS)
    arts = {a.id: a for a in items if isinstance(a, Article)}
    assert len(arts) == len(list(SEEDS.glob("*.txt"))) >= 2
    a = arts["000_e3c3b2c379ebec1d"]
    assert a.published == date(2019, 11, 26)
    assert a.byline == "Reuters"
    assert a.body.startswith("Russia hopes to seal a deal")
    assert a.url and a.url.startswith("https://www.themoscowtimes.com/2019/11/26/")
    assert "Original url" not in a.body
    b = arts["002_cdcd1ebedb62d0ab"]
    assert b.published == date(2016, 11, 21)
    assert b.body.startswith("Turkey has announced")
    assert "Makhonin" not in b.body


# --- JSONL ------------------------------------------------------------------------------------


def _records(n: int) -> list[dict[str, str]]:
    return [
        {
            "id": f"rec-{i}",
            "title": f"Story {i}",
            "published": f"2012-03-{i + 1:02d}",
            "url": f"https://example.org/{i}",
            "text": f"Story number {i}. " + BODY,
        }
        for i in range(n)
    ]


def _jsonl(records: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


def test_jsonl_records(tmp_path: Path) -> None:
    p = tmp_path / "dump.jsonl"
    p.write_bytes(_jsonl(_records(3)))
    items = read(p)
    assert [a.id for a in items if isinstance(a, Article)] == ["rec-0", "rec-1", "rec-2"]
    a = items[1]
    assert isinstance(a, Article)
    assert a.published == date(2012, 3, 2)
    assert a.title == "Story 1" and a.url == "https://example.org/1"
    assert a.body_start == 0 and a.body == a.text
    assert a.source_format == "jsonl" and a.path == str(p)


def test_jsonl_gz_and_aliases_and_missing_id(tmp_path: Path) -> None:
    lines = [
        {"title": "No id", "date": "March 4, 2012", "body": BODY},
        {"id": 7, "published_at": "2012-03-05T10:00:00Z", "content": BODY},
    ]
    p = tmp_path / "dump.jsonl.gz"
    p.write_bytes(gzip.compress(_jsonl(lines)))  # type: ignore[arg-type]
    a, b = read(p)
    assert isinstance(a, Article) and isinstance(b, Article)
    assert a.id == "dump:1" and a.published == date(2012, 3, 4) and a.text == BODY
    assert b.id == "7" and b.published == date(2012, 3, 5)


def test_jsonl_broken_lines_are_failures_and_reading_goes_on(tmp_path: Path) -> None:
    good = _records(2)
    data = (
        json.dumps(good[0]) + "\n"
        + '{"id": "broken", "text": "unterminated\n'
        + "\n"  # blank lines are skipped, not failures
        + "[1, 2]\n"
        + json.dumps({"id": "notext", "published": "2012-01-01"}) + "\n"
        + json.dumps({"id": "nodate", "text": BODY}) + "\n"
        + json.dumps({"id": "baddate", "published": "soon", "text": BODY}) + "\n"
        + json.dumps(good[1]) + "\n"
    )  # fmt: skip
    p = tmp_path / "mixed.jsonl"
    p.write_text(data, encoding="utf-8")
    items = read(p)
    assert [a.id for a in items if isinstance(a, Article)] == ["rec-0", "rec-1"]
    fails = {f.record: f.reason for f in items if isinstance(f, ReadFailure)}
    assert fails["line 2"].startswith("invalid JSON: ")
    assert fails["line 4"] == "record is not a JSON object"
    assert fails["line 5"] == "record has no text"
    assert fails["line 6"] == "no publication date found (use --published DATE)"
    assert "unreadable publication date" in fails["line 7"]
    assert len(fails) == 5


def test_jsonl_record_over_the_cap_is_skipped_alone(tmp_path: Path) -> None:
    recs = _records(3)
    recs[1]["text"] = "x " * 5000
    p = tmp_path / "big.jsonl"
    p.write_bytes(_jsonl(recs))
    items = read(p, max_bytes=2000)
    assert [a.id for a in items if isinstance(a, Article)] == ["rec-0", "rec-2"]
    (f,) = [f for f in items if isinstance(f, ReadFailure)]
    assert f.record == "line 2" and "over the 2 KB cap (use --max-bytes)" in f.reason


def test_truncated_gzip_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    data = gzip.compress(_jsonl(_records(20)))
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(data[: len(data) * 2 // 3])
    items = read(p)
    arts = [a for a in items if isinstance(a, Article)]
    assert 0 < len(arts) < 20
    assert [a.id for a in arts] == [f"rec-{i}" for i in range(len(arts))]
    assert isinstance(items[-1], ReadFailure) and "truncated gzip" in items[-1].reason


@pytest.mark.skipif(not DEFENCE.is_file(), reason="shared reuters-defence data absent")
def test_reuters_defence_reads_fully() -> None:
    items = read(DEFENCE)
    fails = [f.describe() for f in items if isinstance(f, ReadFailure)]
    assert fails == []
    assert len(items) == 286
    assert len({a.id for a in items if isinstance(a, Article)}) == 286


# --- folders, stdin, detection -----------------------------------------------------------------


def test_folder_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ("b/deep/z.txt", "b/a.txt", "c.md", "a.txt", ".hidden.txt", ".git/x.txt"):
        (tmp_path / rel).write_text(MARKDOWN, encoding="utf-8")
    items = read(tmp_path)
    assert all(isinstance(a, Article) for a in items)
    paths = [Path(a.path).relative_to(tmp_path).as_posix() for a in items]  # type: ignore[arg-type]
    assert paths == ["a.txt", "b/a.txt", "b/deep/z.txt", "c.md"]


def test_stdin_text_and_jsonl_gz() -> None:
    a = only(read("-", stdin=io.BytesIO(MARKDOWN.encode("utf-8"))))
    assert isinstance(a, Article) and a.id == "stdin" and a.body == BODY
    items = read("-", stdin=io.BytesIO(gzip.compress(_jsonl(_records(4)))))
    assert [a.id for a in items] == ["rec-0", "rec-1", "rec-2", "rec-3"]


def test_stdin_over_the_cap() -> None:
    f = only(read("-", stdin=io.BytesIO(MARKDOWN.encode("utf-8")), max_bytes=100))
    assert isinstance(f, ReadFailure) and f.input == "-"
    assert "over the 100 bytes cap (use --max-bytes)" in f.reason


def test_format_comes_from_content_not_extension(tmp_path: Path) -> None:
    (tmp_path / "really_jsonl.txt").write_bytes(_jsonl(_records(2)))
    (tmp_path / "really_gzip_jsonl.md").write_bytes(gzip.compress(_jsonl(_records(1))))
    (tmp_path / "really_text.jsonl").write_text(MARKDOWN, encoding="utf-8")
    items = read(tmp_path)
    assert all(isinstance(a, Article) for a in items), items
    fmts = sorted((a.id, a.source_format) for a in items)  # type: ignore[union-attr]
    assert fmts == [
        ("really_text", "text"),
        ("rec-0", "jsonl"),
        ("rec-0", "jsonl"),
        ("rec-1", "jsonl"),
    ]


# --- bad input ----------------------------------------------------------------------------------


def test_bad_inputs_each_give_one_clear_failure_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    latin1 = "# Título\n\nNovember 26, 2019\n\nCañón".encode("latin-1")
    (tmp_path / "latin1.txt").write_bytes(latin1)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("\n\n   \n", encoding="utf-8")
    (tmp_path / "array.json").write_text('[{"id": 1}]', encoding="utf-8")
    (tmp_path / "zz_good.txt").write_text(MARKDOWN, encoding="utf-8")
    items = read(tmp_path, tmp_path / "missing.txt")
    reasons = {Path(f.input).name: f.reason for f in items if isinstance(f, ReadFailure)}
    assert reasons["binary.txt"] == "not a supported article format (binary data)"
    assert reasons["latin1.txt"] == "not valid UTF-8 at byte 3"  # "# T" then the Latin-1 í
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.txt"].startswith("empty file")
    assert reasons["array.json"].startswith("not a supported article format (a JSON array")
    assert reasons["missing.txt"] == "no such file or directory"
    assert [a.id for a in items if isinstance(a, Article)] == ["zz_good"]


def test_file_over_the_cap(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    p.write_text(MARKDOWN + "\n\n" + "word " * 300_000, encoding="utf-8")
    f = only(read(p, max_bytes=1_000_000))
    assert isinstance(f, ReadFailure)
    assert f.reason == "file is 1.5 MB, over the 1 MB cap (use --max-bytes)"
    assert isinstance(only(read(p, max_bytes=2_000_000, max_chars=2_000_000)), Article)


def test_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "secret.txt"
    p.write_text(MARKDOWN, encoding="utf-8")
    p.chmod(0)
    try:
        if os.access(p, os.R_OK):
            pytest.skip("running as a user who can read mode-000 files (root)")
        f = only(read(p))
        assert isinstance(f, ReadFailure) and f.reason == "permission denied"
    finally:
        p.chmod(0o644)
