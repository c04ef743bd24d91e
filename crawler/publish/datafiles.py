"""The catalogue as data: one list of fields for the CSV, the JSON and their documentation."""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

from crawler.operations.safe_cells import safe_csv_cell
from crawler.publish import facets
from crawler.registry import REGIONS

NOT_STATED = facets.NOT_STATED
SITE_TITLE = "Improvement and implementation science course finder"

# (name, Frictionless type, description)
FIELDS = (
    ("id", "string", "Catalogue id; also the course page's file name (courses/ID.html)."),
    ("title", "string", "Course title as the provider's page gives it."),
    ("provider", "string", "University or organisation that runs the course."),
    ("region", "string", f"Where the provider is: one of {', '.join(REGIONS)}."),
    ("url", "string", "The course page on the provider's site."),
    ("page", "string", "The course's page in this finder, relative to the site root."),
    ("course_type", "string", f"One of {', '.join(facets.COURSE_TYPES)} (from the awards)."),
    ("awards", "array", "Qualifications the page offers (MSc, PgCert, module, short course, fellowship...)."),
    ("fheq_level", "integer", "FHEQ level, 3 to 8: stated on the page, else the level of the highest award."),
    ("credits", "integer", "Credits of the course (or module) as stated."),
    ("modes", "array", "Delivery: full-time, part-time, campus, distance, online, blended, work-based."),
    ("duration", "string", "Length as the page states it."),
    ("months_full_time", "number", "Length in months studying full-time."),
    ("months_part_time", "number", "Length in months studying part-time."),
    ("length_band", "string", "Band of the shortest stated length: " + ", ".join(b for _, b in facets.LENGTH_BANDS) + "."),
    ("fees", "string", "Fee text as the page states it."),
    ("home_fee_gbp", "number", "Lowest fee in pounds for a UK (home) learner."),
    ("cost_band", "string", f"One of {', '.join(facets.COST_BANDS)}, from the home fee or a statement that it is free."),
    ("free", "boolean", "The page says the learner pays nothing."),
    ("stipend", "boolean", "The page says the learner is paid (a stipend, or salary covered)."),
    ("entry_requirements", "string", "Entry requirements as the page states them."),
    ("degree_class", "string", "Degree asked for: 2:1, 2:2, master's, any degree."),
    ("no_degree_required", "boolean", "The entry requirements do not ask for a degree (rules: data.html); "
                                      "not stated when they do not say."),
    ("requires_registration", "boolean", "The crawler read a requirement for professional (regulator) "
                                         "registration; no means none was found."),
    ("open_without_registration", "boolean", "The entry requirements do not ask for professional registration "
                                             "(rules: data.html); not stated when they do not say."),
    ("regulators", "array", "Regulators named in the entry requirements (NMC, HCPC, GMC...)."),
    ("topics", "array", "Topics or modules the page lists."),
    ("start_dates", "array", "Start dates as stated."),
    ("summary", "string", "The page's opening description, in the provider's words."),
    ("first_seen", "datetime", "When the crawl first found the page (UTC)."),
    ("last_seen", "datetime", "When the crawl last saw the page on the provider's site (UTC)."),
    ("accepted_at", "datetime", "When a maintainer accepted the course into the catalogue (UTC)."),
)
CSV_LIST_SEPARATOR = "; "


def data_row(course: dict, page: str) -> dict:
    """One course as the JSON data file gives it: None where the page did not say."""
    row = {}
    for name, kind, _ in FIELDS:
        value = page if name == "page" else course.get(name)
        if isinstance(value, datetime):
            value = value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        if kind == "array" and not value:
            value = None
        row[name] = value
    return row


def csv_row(row: dict) -> dict:
    """One course as a CSV row: "not stated" for a missing value (declared in datapackage.json), never an empty cell."""
    out = {}
    for name, kind, _ in FIELDS:
        value = row[name]
        if value is None or value == [] or value == "":
            out[name] = NOT_STATED
        elif isinstance(value, bool):
            out[name] = "yes" if value else "no"
        elif isinstance(value, list):
            out[name] = _cell(CSV_LIST_SEPARATOR.join(value))
        elif isinstance(value, float) and value.is_integer():
            out[name] = str(int(value))
        else:
            out[name] = _cell(value) if isinstance(value, str) else value
    return out


def _cell(text: str) -> str:
    return safe_csv_cell(text)


def datapackage(generated: str, licence: str, licence_url: str) -> dict:
    """A Frictionless Data Package describing catalogue.csv: fields, missing values and licence."""
    csv_types = {"array": "string"}
    return {
        "name": "course-finder-catalogue",
        "title": SITE_TITLE,
        "created": generated,
        "licenses": [{"title": licence, "path": licence_url}],
        "resources": [{
            "name": "catalogue",
            "path": "catalogue.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {"name": name, "type": csv_types.get(kind, kind),
                     "description": description + (" Separated by '; '." if kind == "array" else ""),
                     **({"trueValues": ["yes"], "falseValues": ["no"]} if kind == "boolean" else {})}
                    for name, kind, description in FIELDS
                ],
                "missingValues": [NOT_STATED],
                "primaryKey": "id",
            },
        }],
    }


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=[name for name, _, _ in FIELDS])
        writer.writeheader()
        for row in rows:
            writer.writerow(csv_row(row))
