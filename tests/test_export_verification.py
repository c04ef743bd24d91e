"""`scrapy export verification`: one spreadsheet per institution, as the study emailed them."""

import csv

import pytest
from openpyxl import load_workbook

from crawler.registry import load_registry
from crawler.verification import HEADINGS, VERIFY_COLUMN, length_text, sheet_rows, write_sheets
from support.scrapy_run import run_scrapy
from test_review_fixtures import build_review_db

REPORT_HEADINGS = ("Level of award", "Entry requirements", "Length", "Delivery method", "Cost or stipend",
                   "Final award", "Topics")


@pytest.fixture
def sheets():
    db = build_review_db()
    db.execute("INSERT INTO decisions (action, candidate_id, reason, reviewer) VALUES"
               " ('reject', 5, 'no improvement focus', 'ana')")
    yield sheet_rows(db, load_registry())
    db.conn.close()


def test_headings_are_the_reports_plus_url_first_seen_and_a_blank_verify_column():
    assert set(REPORT_HEADINGS) <= set(HEADINGS)
    assert HEADINGS[-3:] == ("URL", "First seen", VERIFY_COLUMN)


def test_catalogue_entries_carry_the_facts_of_their_crawled_page(sheets):
    uwl = {row["Reference"]: row for row in sheets["uwl"]}
    row = uwl["t3-02"]
    assert row["Course"] == "MSc Improvement Science" and row["Listed as"] == "2014 report"
    assert row["Level of award"] == "FHEQ level 7" and row["Final award"] == "MSc"
    assert row["Length"] == "1 year full-time, 2 years part-time" and row["Cost or stipend"] == "£9,000"
    assert row["Delivery method"] == "part-time, campus" and row["First seen"] == "2026-03-01"
    assert row[VERIFY_COLUMN] == ""
    # Report entries with no crawled page still go out, for the institution to fill in.
    assert uwl["t4-04"]["Course"] == "Professional doctorate Health Science" and uwl["t4-04"]["URL"] == ""


def test_pending_candidates_are_listed_and_rejected_ones_are_not(sheets):
    kcl = {row["Reference"]: row for row in sheets["kcl"]}
    assert kcl["candidate 2"]["Listed as"] == "found by the crawler, not yet reviewed"
    assert "candidate 5" not in kcl   # rejected
    assert {"t4-20", "t4-21", "t4-22"} <= set(kcl)


@pytest.mark.parametrize("duration, full, part, expected", [
    ("1 year full-time", 12, None, "1 year full-time"),
    (None, 12, 24, "12 months full-time; 24 months part-time"),
    (None, None, 1, "1 month part-time"),
    (None, None, None, ""),
])
def test_length_text(duration, full, part, expected):
    assert length_text(duration, full, part) == expected


def test_xlsx_and_csv_hold_the_same_rows(sheets, tmp_path):
    written = write_sheets({"uwl": sheets["uwl"]}, tmp_path, {"uwl": "University of West London"})
    assert [p.name for p in written] == ["verification-uwl.xlsx", "verification-uwl.csv"]
    sheet = load_workbook(written[0]).active
    xlsx_rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    with written[1].open(encoding="utf-8-sig", newline="") as stream:
        csv_rows = list(csv.reader(stream))
    assert xlsx_rows[0] == list(HEADINGS) == csv_rows[0]
    assert xlsx_rows == csv_rows
    assert sheet.freeze_panes == "C2"


def test_export_verification_command_for_one_provider(tmp_path):
    path = tmp_path / "courses.db"
    build_review_db(path).conn.close()
    out = tmp_path / "out"
    result = run_scrapy("export", "verification", "--provider", "kcl", "--db", str(path), "--output", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(p.name for p in out.iterdir()) == ["verification-kcl.csv", "verification-kcl.xlsx"]


def test_export_verification_refuses_an_unknown_provider(tmp_path):
    path = tmp_path / "courses.db"
    build_review_db(path).conn.close()
    result = run_scrapy("export", "verification", "--provider", "nowhere", "--db", str(path),
                        "--output", str(tmp_path / "out"))
    assert result.returncode != 0 and "unknown provider key 'nowhere'" in result.stderr
    assert not (tmp_path / "out").exists()
