"""Articles in, SPEC.md JSON out, scored against gold: the bundled examples always, the seeds
when ``../shared`` is beside the repository."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from armstrack.cli.main import cli
from armstrack.evaluation import score

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


def run_extract(*paths: Path) -> dict:
    result = CliRunner().invoke(cli, ["extract", "--format", "json", *map(str, paths)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def examples_prediction() -> dict:
    return run_extract(EXAMPLES / "articles")


def test_examples_output_follows_the_spec(examples_prediction):
    payload = examples_prediction
    assert set(payload) >= {"articles", "events", "deals"}
    ids = {a["id"] for a in payload["articles"]}
    assert len(ids) == len(list((EXAMPLES / "articles").glob("*.txt")))
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (EXAMPLES / "articles").glob("*.txt")}
    for event in payload["events"]:
        assert event["article"] in ids
        start, end = event["offsets"]
        assert texts[event["article"]][start:end] == event["evidence"]
    for deal in payload["deals"]:
        assert all(0 <= i < len(payload["events"]) for i in deal["events"])


def test_examples_score(examples_prediction):
    gold = json.loads((EXAMPLES / "gold.json").read_text())
    figures = score(gold, examples_prediction).figures
    assert figures["event_f1"] >= 0.78, figures
    assert figures["deal_f1"] >= 0.85, figures
    assert figures["modality_acc"] >= 0.90, figures
    assert figures["time_exact"] >= 0.75, figures


def test_heldout_score():
    """The set written by someone who never saw the rules: a guard against over-fitting."""
    folder = ROOT / "bench" / "heldout"
    gold = json.loads((folder / "gold.json").read_text())
    figures = score(gold, run_extract(folder / "articles")).figures
    assert figures["event_f1"] >= 0.70, figures
    assert figures["deal_f1"] >= 0.78, figures


def _shared_scorer():
    path = SHARED / "eval" / "score.py"
    if not path.exists():
        pytest.skip("../shared is not beside this checkout")
    spec = importlib.util.spec_from_file_location("shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seeds_meet_the_issue_targets():
    scorer = _shared_scorer()
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text())
    prediction = run_extract(*sorted((SHARED / "seeds").glob("*.txt")))
    figures, _ = scorer.score(gold, prediction)
    assert scorer.validate(prediction) == []
    assert figures["event_f1"] >= 0.85, figures
    assert figures["modality_acc"] >= 0.85, figures
    assert figures["time_exact"] >= 0.9, figures
    assert figures["deal_f1"] == 1.0, figures
    assert figures["status_acc"] == 1.0, figures
    ours = score(gold, prediction).figures
    for key in ("event_f1", "modality_acc", "time_exact", "deal_f1", "status_acc"):
        assert ours[key] == figures[key], key


def test_a_malformed_file_among_good_ones(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "# India signs for S-400\n\n5 October 2018\n\nIndia signed a contract with Russia for "
        "five S-400 regiments on Friday.\n", encoding="utf-8")
    (folder / "nodate.txt").write_text("# No date\n\nRussia sold S-400s to India.\n",
                                       encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    result = CliRunner().invoke(cli, ["extract", "--format", "json", str(folder)])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [a["id"] for a in payload["articles"]] == ["good"]
    assert any(e["recipient"] == "IND" and e["system"] == "S-400" for e in payload["events"])
    assert "nodate" in result.stderr and "binary" in result.stderr


def test_score_command(tmp_path, examples_prediction):
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(examples_prediction))
    result = CliRunner().invoke(cli, ["score", str(EXAMPLES / "gold.json"), str(pred),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures == score(json.loads((EXAMPLES / "gold.json").read_text()),
                            examples_prediction).figures
