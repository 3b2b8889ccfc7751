"""``sipri compare`` against the register built from the bundled examples, with a register in
SIPRI's layout that we wrote (examples/sipri-trade-register.csv), and malformed SIPRI files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from armstrack.analysis import (
    SipriFormatError,
    compare,
    load_register,
    read_trade_register,
)
from armstrack.cli.main import cli
from armstrack.store import Store

ROOT = Path(__file__).resolve().parents[1]
TRADE_REGISTER = ROOT / "examples" / "sipri-trade-register.csv"

#: What every row of the file is, against the examples' register, and why.
EXPECTED: dict[str, tuple[str, set[str]]] = {
    # both agree on stage, order year (within 1) and number
    "T01": ("confirmed", set()),  # India Rafale: delivered / in service, 2016, 36
    "T02": ("confirmed", set()),  # India S-400: deliveries under way
    "T03": ("confirmed", set()),  # Brazil Gripen: deliveries under way since 2020
    "T04": ("confirmed", set()),  # Egypt's second Rafale order: the news gives no year, 30
    "T05": ("confirmed", set()),  # Croatia's used Rafales, 2021, 12
    "T06": ("confirmed", set()),  # Philippines BrahMos, 2022, 3 batteries
    "T07": ("confirmed", set()),  # Poland F-35, 2020, 32
    "T08": ("confirmed", set()),  # Indonesia Su-35: ordered 2018, cancelled
    "T09": ("confirmed", set()),  # Croatia's Israeli F-16s: cancelled
    "T10": ("confirmed", set()),  # HIMARS for Ukraine: deliveries under way
    "T11": ("confirmed", set()),  # Egypt Su-35: ordered late 2018, nothing delivered
    "T23": ("confirmed", set()),  # Armenia Pinaka, 2022
    # deliberately wrong in our SIPRI-layout file
    "T12": ("disagreement", {"number_ordered"}),  # 36 in the file, 42 in the news
    "T22": ("disagreement", {"order_year"}),  # 2015 in the file, 2018 in the news
    # SIPRI knows later stages than the examples report
    "T13": ("disagreement", {"status"}),
    "T15": ("disagreement", {"status"}),
    "T16": ("disagreement", {"status"}),
    "T17": ("disagreement", {"status"}),
    "T21": ("disagreement", {"status"}),
    "T24": ("disagreement", {"status"}),
    "T25": ("disagreement", {"status"}),
    "T32": ("disagreement", {"status"}),  # an undated news contract matches SIPRI's 2010 order
    "T20": ("disagreement", {"status"}),  # THAAD: SIPRI has the order, the news only the approval
    # the news reads numbers SIPRI does not have (and later stages)
    "T14": ("disagreement", {"number_ordered", "status"}),
    "T18": ("disagreement", {"number_ordered", "status"}),  # 150 sold vs "about 140" flying
    "T33": ("disagreement", {"number_ordered", "status"}),
    "T19": ("disagreement", {"order_year"}),  # Taiwan's 2019 F-16 order: the news has only 1992
    # the examples never mention these
    "T26": ("sipri_only", set()),
    "T27": ("sipri_only", set()),
    "T28": ("sipri_only", set()),
    "T29": ("sipri_only", set()),
    "T30": ("sipri_only", set()),
    "T31": ("sipri_only", set()),  # Italy's FREMMs: the news has France's, another supplier
}


def _run(*args: str):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("sipri") / "examples.db")
    result = _run("--db", db, "ingest", str(ROOT / "examples" / "articles"))
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def report(examples_db: str) -> dict:
    result = _run("--db", examples_db, "sipri", "compare", str(TRADE_REGISTER), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_file_has_enough_rows_and_every_category() -> None:
    rows = read_trade_register(TRADE_REGISTER).rows
    assert len(rows) >= 25
    assert {r.sipri_id for r in rows} == set(EXPECTED)
    assert {c for c, _ in EXPECTED.values()} == {"confirmed", "disagreement", "sipri_only"}


def test_every_sipri_row_is_reported_correctly(report: dict) -> None:
    found = {}
    for category in ("confirmed", "disagreement", "sipri_only", "news_only", "not_compared"):
        for finding in report[category]:
            if finding["sipri"]:
                found[finding["sipri"]["sipri_id"]] = (
                    category,
                    {d["field"] for d in finding["differences"]},
                )
    assert found == EXPECTED
    assert report["problems"] == []


def test_every_deal_is_reported_once_with_its_evidence(report: dict, examples_db: str) -> None:
    with Store(examples_db, create=False) as store:
        deals = {d.key for d in store.deals()}
    unmatched = [f["key"] for c in ("news_only", "not_compared") for f in report[c]]
    matched = {f["key"] for c in ("confirmed", "disagreement") for f in report[c]}
    assert len(unmatched) == len(set(unmatched))
    assert set(unmatched) | matched == deals and not set(unmatched) & matched
    news_only = {f["key"]: f for f in report["news_only"]}
    # reported in 2023, after the file's last order year: SIPRI's lag
    assert "lag" in news_only["DEU:UKR:Leopard 2"]["note"]
    assert "lacks" in news_only["FRA:EGY:FREMM"]["note"]  # a 2015 order the file omits
    assert "USA:CHE:F-35" in {f["key"] for f in report["not_compared"]}  # a selection, no order
    wrong_number = next(f for f in report["disagreement"] if f["sipri"]["sipri_id"] == "T12")
    assert wrong_number["sipri"]["number_ordered"] == 36
    assert wrong_number["sipri"]["line"] == 16
    order = wrong_number["news"]["orders"][0]
    assert order["quantity"] == 42 and "42 Rafale" in order["evidence"]
    assert order["article"].startswith("006_") and order["published"] == "2022-02-10"
    assert wrong_number["news"]["sources"][0]["url"]


def test_flags_and_estimates_are_read() -> None:
    rows = {r.sipri_id: r for r in read_trade_register(TRADE_REGISTER).rows}
    assert rows["T02"].delivered == 3 and rows["T02"].delivered_uncertain
    assert rows["T10"].delivered == 20 and rows["T10"].delivered_uncertain  # "(20)"
    assert rows["T11"].order_year_uncertain and rows["T11"].ordered_uncertain
    assert not rows["T01"].order_year_uncertain and not rows["T01"].delivered_uncertain
    assert rows["T01"].delivery_years == (2019, 2022)
    assert (rows["T13"].supplier, rows["T13"].family) == ("KOR", "K2")  # "Korea South"
    assert (rows["T25"].family, rows["T14"].family) == ("Su-30", "K9")  # variants -> families
    assert rows["T08"].stage == "cancelled" and rows["T02"].stage == "delivering"


def test_header_variants_and_delimiters_give_the_same_comparison(
    examples_db: str, tmp_path: Path
) -> None:
    """Another export version: no title lines, no id column, other header names, ';', Latin-1."""
    lines = TRADE_REGISTER.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("SIPRI AT"))
    rows = list(csv.reader(lines[header_at:]))
    renamed = {
        "Recipient": "Recipient country", "Supplier": "Supplier country",
        "Year of order": "Order year", "Number ordered": "No. ordered",
        "Weapon designation": "Designation", "Weapon description": "Description",
        "Number delivered": "No. delivered", "Year(s) of delivery": "Delivery years",
        "Comments": "Remarks",
    }
    header = [renamed.get(h, h) for h in rows[0]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in [header, *rows[1:]]:
        writer.writerow(row[1:])  # without the id column
    variant = tmp_path / "variant.csv"
    variant.write_bytes(buffer.getvalue().replace("Turkiye", "Türkiye").encode("latin-1"))
    read = read_trade_register(variant)
    assert read.columns["recipient"] == "Recipient country" and "sipri_id" in read.missing
    assert read.ignored == [] and read.problems == []

    with Store(examples_db, create=False) as store:
        deals = load_register(store).deals
    original = compare(read_trade_register(TRADE_REGISTER), deals)
    other = compare(read_trade_register(variant), deals)

    def summary(rep) -> list:  # noqa: ANN001
        return sorted(
            (c.category, c.key, c.sipri.order_year if c.sipri else 0,
             tuple(d["field"] for d in c.differences))
            for c in rep.comparisons
        )

    assert summary(other) == summary(original)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a CSV file (binary content)"),
        (b"Dear reader,\nthis is a letter, not a register.\n", "no SIPRI header found"),
        (
            b"Recipient,Supplier,Number ordered,Weapon designation\nIndia,France,36,Rafale\n",
            "lacks required column(s): Year of order",
        ),
    ],
)
def test_unusable_files_give_one_clear_message(
    examples_db: str, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(content)
    result = _run("--db", examples_db, "sipri", "compare", str(path))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    with pytest.raises(SipriFormatError, match="register.csv"):
        read_trade_register(path)


def test_missing_file_is_a_clear_message(examples_db: str, tmp_path: Path) -> None:
    result = _run("--db", examples_db, "sipri", "compare", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1 and "cannot be read" in result.output


def test_bad_rows_are_named_skipped_and_the_rest_compared(examples_db: str, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "A title line\n\n"
        "SIPRI AT Database ID,Recipient,Supplier,Year of order,,Number ordered,,"
        "Weapon designation,Weapon description,Number delivered,,Year(s) of delivery,Armourer\n"
        "X1,India,France,2016,,36,,Rafale,FGA aircraft,36,,2019-2022\n"
        "X2,Atlantis,France,2016,,36,,Rafale,FGA aircraft,,,\n"
        "X3,India,France,2016,,36,,Zorkblaster-9,Death ray,,,\n"
        "X4,India,France,sometime,,36,,Rafale,FGA aircraft,,,\n"
        "X5,India,unknown supplier(s),2016,,1,,Rafale,FGA aircraft,,,\n",
        encoding="utf-8",
    )
    result = _run("--db", examples_db, "sipri", "compare", str(path), "--format", "csv")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    err = result.stderr
    assert "line 5: unknown recipient 'Atlantis' (SIPRI id X2); row skipped" in err
    assert "line 6: designation 'Zorkblaster-9' not in the knowledge base (SIPRI id X3)" in err
    assert "line 7: year of order 'sometime' is not a year (SIPRI id X4)" in err
    assert "line 8: unknown supplier 'unknown supplier(s)'" in err
    assert "4 SIPRI row(s) skipped, 1 compared" in err
    assert "column(s) not read: Armourer" in err
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    compared = [r for r in rows if r["sipri_id"]]
    assert [(r["sipri_id"], r["category"], r["key"]) for r in compared] == [
        ("X1", "confirmed", "FRA:IND:Rafale")
    ]


def test_table_output_names_every_category(examples_db: str) -> None:
    result = _run("--db", examples_db, "sipri", "compare", str(TRADE_REGISTER))
    assert result.exit_code == 0, result.output
    for title in ("disagreement (15)", "confirmed (12)", "sipri only (6)"):
        assert title in result.stdout
