"""Every command the README shows works as written after ``make demo``, and finds something.

The commands are read from the README's "Using it" block, not copied here, so
the README cannot drift from what is tested. They run against a register
built the way ``make demo`` builds it (the bundled examples), in a scratch
folder that holds the files the commands name.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("## Using it", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        command = line.split("  #", 1)[0].strip()
        if command.startswith("armstrack "):
            commands.append(command)
    return commands


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the demo register (as ``make demo`` builds it) and the files commands use."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", folder / "examples")
    article = folder / "article.txt"
    shutil.copy(ROOT / "examples" / "articles" / "027_turkey-s400-delivery.txt", article)
    records = [{"id": f"d{i}", "title": "t", "published": "2019-07-12",
                "text": "Russia delivered S-400 systems to Turkey."} for i in range(3)]
    import gzip

    with gzip.open(folder / "dump.jsonl.gz", "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    gold = ROOT / "examples" / "gold.json"
    shutil.copy(gold, folder / "GOLD.json")
    _run(folder, "armstrack --db armstrack.db ingest examples/articles")
    _run(folder, "armstrack extract --format json examples/articles", stdout=folder / "PRED.json")
    return folder


def _run(folder: Path, command: str, stdout: Path | None = None) -> subprocess.CompletedProcess:
    argv = shlex.split(command)
    argv[0] = str(Path(sys.executable).with_name("armstrack"))
    result = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=600,
                            env={"PATH": str(Path(sys.executable).parent), "HOME": str(folder),
                                 "LANG": "C.UTF-8"})
    if stdout is not None:
        stdout.write_text(result.stdout, encoding="utf-8")
    return result


def test_the_readme_shows_commands() -> None:
    commands = _readme_commands()
    assert any(c.startswith("armstrack deals --recipient") for c in commands)
    assert any(c.startswith("armstrack show ") for c in commands)


@pytest.mark.parametrize("command", _readme_commands())
def test_each_readme_command_works_after_the_demo(demo_folder: Path, command: str) -> None:
    result = _run(demo_folder, command)
    # ingest exits 1 only when an input failed; none of these inputs is bad
    assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    output = result.stdout + result.stderr
    assert output.strip() or "-o " in command, command
    if command.startswith("armstrack deals"):
        filters = re.findall(r"--(supplier|recipient|system) (\S+)", command)
        assert filters and len(result.stdout.strip().splitlines()) > 1, result.stdout
    if command.startswith("armstrack show"):
        key = command.split()[-1]
        system = key.split(":", 2)[2]
        assert system in result.stdout, result.stdout
