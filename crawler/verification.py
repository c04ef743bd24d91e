"""Verification sheets: one spreadsheet per institution, as the 2014 study emailed them (`scrapy export verification`).

Each sheet lists what we hold about the institution's courses under the report's
headings, with a blank "Verified / correction" column for the course team to fill in.
Rows: every catalogue entry (facts from its linked crawled page, if any) and every
in-scope candidate still awaiting our review. Rejected and merged candidates are left out.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from crawler.match.matching import ProviderResolver
from crawler.operations.safe_cells import safe_csv_row, set_text_cell

HEADINGS = (
    "Reference", "Course", "Listed as", "Level of award", "Entry requirements", "Length", "Delivery method",
    "Cost or stipend", "Final award", "Topics", "URL", "First seen", "Verified / correction",
)
VERIFY_COLUMN = "Verified / correction"
UNASSIGNED = "unassigned"
LISTED_AS = {"report": "2014 report", "accepted": "added since 2014"}
# Spreadsheet column widths in characters, by heading; others get the default.
COLUMN_WIDTHS = {"Course": 40, "Entry requirements": 50, "Topics": 30, "URL": 40, VERIFY_COLUMN: 40}
DEFAULT_WIDTH = 16


def _list_text(value) -> str:
    items = value if isinstance(value, list) else (json.loads(value) if value else [])
    return ", ".join(str(item) for item in items)


def length_text(duration: str | None, months_full_time, months_part_time) -> str:
    if duration:
        return duration
    parts = [f"{_months(months)} {mode}" for mode, months in (("full-time", months_full_time),
                                                               ("part-time", months_part_time)) if months]
    return "; ".join(parts)


def _months(months: float) -> str:
    months = int(months) if float(months).is_integer() else months
    return f"{months} month{'s' if months != 1 else ''}"


def _facts_cells(candidate: dict | None) -> dict:
    if not candidate:
        return {}
    level = candidate.get("fheq_level")
    return {
        "Level of award": f"FHEQ level {level}" if level else "",
        "Entry requirements": candidate.get("entry_requirements") or "",
        "Length": length_text(candidate.get("duration"), candidate.get("months_full_time"),
                              candidate.get("months_part_time")),
        "Delivery method": _list_text(candidate.get("modes")),
        "Cost or stipend": candidate.get("fees") or "",
        "Final award": _list_text(candidate.get("awards")),
        "Topics": _list_text(candidate.get("topics")),
        "URL": candidate.get("canonical_url") or "",
        "First seen": (candidate.get("first_seen") or "")[:10],
    }


def sheet_rows(db, registry) -> dict[str, list[dict]]:
    """Rows per site key (institution); entries whose provider is not in the registry go under 'unassigned'."""
    resolver = ProviderResolver.from_registry(registry)
    known = set(registry.keys())
    candidates = {row["id"]: row for row in db.query("SELECT * FROM candidates")}
    sheets: dict[str, list[dict]] = {}

    def add(key: str, row: dict) -> None:
        sheets.setdefault(key, []).append({heading: row.get(heading, "") for heading in HEADINGS})

    for entry in db.query("SELECT * FROM catalogue_courses ORDER BY id"):
        candidate = candidates.get(entry["fact_candidate_id"])
        keys = ([candidate["site"]] if candidate else
                sorted(k for k in resolver.keys(entry["provider"] or "") if k in known)) or [UNASSIGNED]
        cells = {"Reference": entry["id"], "Course": entry["title"],
                 "Listed as": LISTED_AS.get(entry["origin"], entry["origin"]), "URL": entry["url"] or "",
                 **_facts_cells(candidate)}
        for key in keys:   # a joint course goes to each institution
            add(key, cells)
    for candidate in db.query(
        """SELECT * FROM candidates WHERE review_status = 'pending' AND scope_category IN ('core', 'related')
            ORDER BY provider, title"""
    ):
        add(candidate["site"], {"Reference": f"candidate {candidate['id']}", "Course": candidate["title"] or "",
                                "Listed as": "found by the crawler, not yet reviewed", **_facts_cells(candidate)})
    return sheets


def file_stem(key: str) -> str:
    return "verification-" + re.sub(r"[^a-z0-9_-]+", "-", key.lower()).strip("-")


def write_csv(rows: list[dict], path: Path) -> Path:
    # utf-8-sig so Excel opens £ and accents correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=HEADINGS)
        writer.writeheader()
        writer.writerows(safe_csv_row(row) for row in rows)
    return path


def write_xlsx(rows: list[dict], path: Path, institution: str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Courses"
    sheet.append(list(HEADINGS))
    for row_number, row in enumerate(rows, start=2):
        for column, heading in enumerate(HEADINGS, start=1):
            # Crawled text stays text: a title starting with "=" must not become a live formula.
            set_text_cell(sheet.cell(row=row_number, column=column), row[heading])
    for index, heading in enumerate(HEADINGS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = COLUMN_WIDTHS.get(heading, DEFAULT_WIDTH)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        for cell in sheet[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if heading == VERIFY_COLUMN:
                cell.fill = PatternFill("solid", start_color="FFF2CC")
    sheet.freeze_panes = "C2"
    workbook.properties.title = f"Course verification: {institution}"
    workbook.save(path)
    return path


def write_sheets(sheets: dict[str, list[dict]], out_dir: Path, names: dict[str, str]) -> list[Path]:
    """An XLSX and a CSV per institution; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for key, rows in sorted(sheets.items()):
        stem = file_stem(key)
        written.append(write_xlsx(rows, out_dir / f"{stem}.xlsx", names.get(key, key)))
        written.append(write_csv(rows, out_dir / f"{stem}.csv"))
    return written
