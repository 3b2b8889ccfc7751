"""``armstrack ingest``, ``status`` and ``failures`` from the outside, and kill-and-resume.

Stages that are not installed yet are replaced by the fakes of ``test_runner.py``
(``hybrid_components``), so these tests run the real ones as soon as they land.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import armstrack.runner as runner_module
from armstrack.cli.main import cli
from armstrack.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from test_runner import article, hybrid_components, words, write_jsonl  # noqa: E402

TESTS_DIR = Path(__file__).parent


@pytest.fixture(autouse=True)
def _components(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "default_components", hybrid_components)


def _text_article(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"{title}\n\n2021-11-14\n\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    (news / "sub").mkdir(parents=True)
    _text_article(news, "s400.txt", "Russia to sell missiles to Turkey",
                  "MOSCOW (Reuters) - Russia agreed to supply S-400 missile systems to Turkey, "
                  "officials said on Monday.")
    _text_article(news, "rates.txt", "Rates rise", "The central bank raised interest rates.")
    _text_article(news / "sub", "jets.md", "Poland buys fighter jets",
                  "WARSAW - Poland signed a contract to buy 32 F-35 fighter jets from the "
                  "United States.")
    (news / "broken.txt").write_bytes(b"\xff\xfe\x00\x01\x00binary\x00\x00\x00")
    return news


def _invoke(db: Path, *args: str, **kw):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False, **kw)


def test_ingest_folder_with_a_malformed_file(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "reg.db"
    result = _invoke(db, "ingest", "--workers", "1", str(folder))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(folder / "broken.txt") in errors[0]
    assert "3 articles read" in result.stdout and "1 failed" in result.stdout
    with Store(str(db)) as st:
        assert {a.id for a in st.articles()} == {"s400", "rates", "jets"}

    status = json.loads(_invoke(db, "status", "--format", "json").stdout)
    assert {"articles", "extracted", "skipped", "failed", "duplicates", "events",
            "deals"} <= set(status)
    assert status["articles"] == 3 and status["failed"] == 1
    assert status["extracted"] + status["skipped"] + status["duplicates"] == 3

    failures = json.loads(_invoke(db, "failures", "--format", "json").stdout)
    assert [f["input"] for f in failures] == [str(folder / "broken.txt")]
    text = _invoke(db, "failures").stdout
    assert text.startswith(f"{folder / 'broken.txt'}: ")

    # Once more: nothing new, the same failure, still exit 1.
    again = _invoke(db, "ingest", "--workers", "1", str(folder))
    assert again.exit_code == 1 and "0 new" in again.stdout and "3 unchanged" in again.stdout
    assert json.loads(_invoke(db, "status", "--format", "json").stdout) == status


def test_good_inputs_exit_zero_and_quiet_prints_nothing(tmp_path: Path, folder: Path) -> None:
    (folder / "broken.txt").unlink()
    result = _invoke(tmp_path / "r.db", "ingest", "--quiet", "--workers", "1", str(folder))
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_status_text_and_missing_register(tmp_path: Path, folder: Path) -> None:
    missing = _invoke(tmp_path / "nope.db", "status")
    assert missing.exit_code == 1 and "no register at" in missing.stderr
    db = tmp_path / "r.db"
    _invoke(db, "ingest", "--workers", "1", str(folder))
    out = _invoke(db, "status").stdout
    assert "articles stored" in out and "failed inputs" in out
    assert _invoke(db, "failures", "--format", "json").exit_code == 0


def test_ingest_needs_a_path(tmp_path: Path) -> None:
    result = _invoke(tmp_path / "r.db", "ingest")
    assert result.exit_code == 2 and "at least one PATH" in result.stderr


def test_ingest_reads_standard_input(tmp_path: Path) -> None:
    record = article(1, relevant=True)
    result = _invoke(tmp_path / "r.db", "ingest", "--workers", "1", "-",
                     input=json.dumps(record) + "\n")
    assert result.exit_code == 0, result.stderr
    with Store(str(tmp_path / "r.db")) as st:
        assert [a.id for a in st.articles()] == ["a0001"]


def test_options_reach_the_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def fake_ingest(paths, store, options, err=None):
        seen.update(paths=paths, options=options)
        return runner_module.IngestSummary()

    monkeypatch.setattr(runner_module, "ingest", fake_ingest)
    result = _invoke(tmp_path / "r.db", "ingest", "a", "b", "--published", "2020-02-03",
                     "--max-bytes", "2MB", "--workers", "3", "--batch-size", "8",
                     "--rerun-skipped", "-q")
    assert result.exit_code == 0
    opts = seen["options"]
    assert seen["paths"] == ["a", "b"]
    assert (str(opts.published), opts.max_bytes, opts.workers, opts.batch_size) == (
        "2020-02-03", 2_000_000, 3, 8)
    assert opts.rerun_skipped and opts.quiet
    bad = _invoke(tmp_path / "r.db", "ingest", "a", "--max-bytes", "lots")
    assert bad.exit_code == 2


# ------------------------------------------------------------------ kill and resume

DRIVER = textwrap.dedent(
    """
    import os, sys, time
    sys.path.insert(0, {tests!r})
    import armstrack.runner as runner
    from test_runner import hybrid_components

    HANG_AFTER = int(os.environ.get("HANG_AFTER", "0"))

    def components():
        comp = hybrid_components()
        inner = comp.extractor

        class Hanging:
            calls = 0

            def __init__(self, batch_size):
                self.inner = inner(batch_size)

            def process(self, articles):
                Hanging.calls += 1
                if HANG_AFTER and Hanging.calls > HANG_AFTER:
                    open(os.environ["HANG_FLAG"], "w").close()
                    time.sleep(3600)
                yield from self.inner.process(articles)

        comp.extractor = Hanging
        return comp

    runner.default_components = components
    from armstrack.cli.main import cli
    cli(sys.argv[1:])
    """
)


def _corpus(folder: Path) -> list[Path]:
    """Mostly skipped filler, every 10th article relevant, plus copies, versions, a bad line."""
    folder.mkdir()
    first = [article(i, relevant=i % 10 == 0) for i in range(200)]
    first.append(dict(first[10], id="copy-of-10"))  # exact copy, other id
    near = dict(first[20], id="near-20", text=first[20]["text"] + " Officials confirmed.")
    first.append(near)  # near duplicate
    second = [article(i, relevant=i % 10 == 0) for i in range(200, 320)]
    second.append(dict(first[3], text="A corrected version. " + words(999)))  # same id, new text
    second.append(first[50])  # exact repeat
    return [write_jsonl(folder / "day1.jsonl", first, bad_lines=(77,)),
            write_jsonl(folder / "day2.jsonl", second)]


def _ingest_cmd(driver: Path, db: Path, inputs: list[Path]) -> list[str]:
    return [sys.executable, str(driver), "--db", str(db), "ingest", "--workers", "1",
            "--batch-size", "3", *map(str, inputs)]


@pytest.mark.parametrize("hang_after", [1, 4])
def test_killed_ingest_resumes_to_the_same_database(tmp_path: Path, hang_after: int) -> None:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(tests=str(TESTS_DIR)), encoding="utf-8")
    inputs = _corpus(tmp_path / "corpus")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    reference = tmp_path / "reference.db"
    done = subprocess.run(_ingest_cmd(driver, reference, inputs), env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr  # the broken line
    assert done.stderr.count("error:") == 1

    killed = tmp_path / "killed.db"
    flag = tmp_path / "hanging"
    proc = subprocess.Popen(_ingest_cmd(driver, killed, inputs),
                            env={**env, "HANG_AFTER": str(hang_after), "HANG_FLAG": str(flag)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300  # a guard against a hung test, not a measurement
        while not flag.exists():
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run never reached the kill point"
            time.sleep(0.05)
        with Store(str(killed), create=False) as st:
            partial = st.counts()
        assert partial["articles"] > 0  # at least one batch committed before the kill
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    resumed = subprocess.run(_ingest_cmd(driver, killed, inputs), env=env,
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 1, resumed.stderr
    with Store(str(reference)) as ref, Store(str(killed)) as got:
        expected = ref.canonical_dump()
        assert got.canonical_dump() == expected
        counts = ref.counts()
    assert partial["articles"] < counts["articles"]
    assert counts["duplicates"] >= 1 and counts["extracted"] >= 1

    # And a third run over the same inputs adds nothing.
    subprocess.run(_ingest_cmd(driver, killed, inputs), env=env, capture_output=True,
                   timeout=600)
    with Store(str(killed)) as got:
        assert got.canonical_dump() == expected
