"""No rule, comment or word list in src/ quotes an evaluation text.

Why: a rule fitted to a sentence of an evaluation set makes that set measure the fit,
not the rules (issue 8). Comments give short examples of our own; this test finds a
quoted example that shares a run of six words with ``bench/heldout`` or
``../shared/seeds`` (short common phrases such as "wants to buy" are the rules' own
vocabulary and are allowed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "src" / "armstrack"
EVALUATION_DIRS = (REPO / "bench" / "heldout" / "articles", REPO.parent / "shared" / "seeds")
RUN = 6
_QUOTED = re.compile(r'"([^"\n]{6,300}?)"|“([^”\n]{6,300}?)”')


def _words(text: str) -> list[str]:
    text = text.replace("’", "'").replace("—", "-").replace("–", "-")
    return re.sub(r"[^\w\s'./-]", " ", text.lower()).split()


def _runs(words: list[str]) -> set[str]:
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _evaluation_runs() -> set[str]:
    runs: set[str] = set()
    for folder in EVALUATION_DIRS:
        for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
            runs |= _runs(_words(path.read_text(encoding="utf-8", errors="replace")))
    return runs


def test_no_quoted_example_comes_from_an_evaluation_text() -> None:
    evaluation = _evaluation_runs()
    if not evaluation:
        pytest.skip("no evaluation texts here (bench/heldout/articles, ../shared/seeds)")
    found = []
    for path in sorted(SOURCES.rglob("*")):
        if path.suffix not in {".py", ".tsv", ".toml"} or "__pycache__" in path.parts:
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in _QUOTED.finditer(line):
                shared = _runs(_words(match.group(1) or match.group(2))) & evaluation
                if shared:
                    found.append(f"{path.relative_to(REPO)}:{lineno}: {sorted(shared)[0]!r}")
    assert found == []
