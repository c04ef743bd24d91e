"""The 2014 report's summary tables, rebuilt from the current catalogue (`scrapy export report`).

The study counted by hand; here each table is a plain function of the catalogue and
the facts of the candidate linked to each entry (view catalogue_courses). A course
with no linked candidate has no facts, so it counts as "Not known" in tables 5-7.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections import Counter
from dataclasses import dataclass, field

from crawler.match.matching import ProviderResolver
from crawler.operations.safe_cells import safe_csv_row
from crawler.registry import REGIONS

NOT_KNOWN = "Not known"
HEI_CATEGORIES = ("core", "related")


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[tuple]
    note: str = ""
    chart: bool = True

    @property
    def total(self) -> int:
        return sum(row[-1] for row in self.rows)


@dataclass
class CourseRecord:
    """A catalogue entry with the facts of its linked candidate (empty when none)."""
    id: str
    title: str
    provider: str
    category: str
    region: str | None
    site_keys: list[str]
    facts: dict = field(default_factory=dict)
    candidate: dict = field(default_factory=dict)


def course_records(db, registry) -> list[CourseRecord]:
    resolver = ProviderResolver.from_registry(registry)
    known = set(registry.keys())
    records = []
    for row in db.query(
        """SELECT k.id, k.title, k.provider, k.category, k.region, c.site, c.region AS candidate_region,
                  c.fheq_level, c.awards, c.modes, c.months_full_time, c.months_part_time,
                  c.entry_requirements, c.requires_registration, c.facts
             FROM catalogue_courses k LEFT JOIN candidates c ON c.id = k.fact_candidate_id
            ORDER BY k.id"""
    ):
        keys = [row["site"]] if row["site"] else sorted(k for k in resolver.keys(row["provider"] or "") if k in known)
        region = row["region"] or row["candidate_region"]
        if region is None and len(keys) == 1:
            region = registry.get(keys[0]).region
        facts = json.loads(row["facts"]) if row["facts"] else {}
        records.append(CourseRecord(
            id=row["id"], title=row["title"], provider=row["provider"] or "", category=row["category"],
            region=region, site_keys=keys, facts=facts,
            candidate={k: row[k] for k in ("fheq_level", "awards", "modes", "months_full_time", "months_part_time",
                                           "entry_requirements", "requires_registration")} if row["site"] else {},
        ))
    return records


def _json_list(value) -> list:
    if isinstance(value, list):
        return value
    return json.loads(value) if value else []


# --- classifiers: one label per course, in the report's wording -------------------------

def fheq_label(record: CourseRecord) -> str:
    level = record.candidate.get("fheq_level")
    return str(level) if level else NOT_KNOWN


def entry_type_label(record: CourseRecord) -> str:
    """Table 6, first half: which kinds of entry criteria the course has."""
    if not record.candidate.get("entry_requirements"):
        return NOT_KNOWN
    academic = bool(record.facts.get("degree_class"))
    experience = bool(record.facts.get("work_experience"))
    registration = bool(record.candidate.get("requires_registration"))
    return ENTRY_TYPES[(academic, experience, registration)]


# (academic, work experience, registration) -> the report's wording; the order is the report's.
ENTRY_TYPES = {
    (False, False, False): "None stated",
    (True, False, False): "Academic only",
    (True, True, False): "Academic and work experience",
    (True, False, True): "Academic and health professional registration",
    (True, True, True): "Academic, work experience and health professional registration",
    (False, True, True): "Work experience and health professional registration",
    (False, True, False): "Work experience only",
    (False, False, True): "Health professional registration only",
}
ENTRY_TYPE_ORDER = [*ENTRY_TYPES.values(), NOT_KNOWN]


ACADEMIC_LABELS = {
    "2:1": "Undergraduate degree at 2:1 or above",
    "2:2": "Undergraduate degree at 2:2 or above",
    "any degree": "Undergraduate degree, grade unspecified",
    "master's": "Master's degree",
}


def academic_label(record: CourseRecord) -> str:
    """Table 6, second half: the headline academic requirement."""
    if not record.candidate.get("entry_requirements"):
        return NOT_KNOWN
    return ACADEMIC_LABELS.get(record.facts.get("degree_class"), "No academic entrance criteria found")


# Table 7's bands, in months, as the report drew them.
ONE_YEAR = 12
THREE_YEARS = 36


def length_label(record: CourseRecord) -> str:
    """Table 7: length and full/part-time options."""
    awards = set(_json_list(record.candidate.get("awards")))
    if awards & {"short course", "module"}:
        return "Short course/standalone module"
    full, part = record.candidate.get("months_full_time"), record.candidate.get("months_part_time")
    if full is None and part is None:
        return NOT_KNOWN
    if full is not None and full >= THREE_YEARS:
        return "Three years or more full time/ four years or more part time"
    if full is not None and part is None:
        return "One year full time only" if full <= ONE_YEAR else "More than one year full time only"
    if full is not None:
        return "One year full time/2-4 years part-time"
    return "Up to three years part time only" if part <= THREE_YEARS else "Three to nine years part time only"


LENGTH_ORDER = [
    "Short course/standalone module", "One year full time only", "More than one year full time only",
    "One year full time/2-4 years part-time", "Up to three years part time only", "Three to nine years part time only",
    "Three years or more full time/ four years or more part time", NOT_KNOWN,
]


def delivery_label(record: CourseRecord) -> str:
    modes = set(_json_list(record.candidate.get("modes")))
    if "blended" in modes or ({"campus", "online"} <= modes):
        return "Blended learning (campus and online)"
    if "campus" in modes and "work-based" in modes:
        return "Taught on campus with work-based learning"
    if "campus" in modes:
        return "Taught on campus only"
    if "distance" in modes:
        return "Distance learning"
    if "online" in modes:
        return "E-learning"
    if "work-based" in modes:
        return "Work-based learning"
    return NOT_KNOWN


# --- tables -----------------------------------------------------------------------------

def _count(labels, order: list[str] | tuple = ()) -> list[tuple[str, int]]:
    """(label, count) rows: labels in `order` first, in that order, then the rest by count."""
    counts = Counter(labels)
    rest = sorted((k for k in counts if k not in order), key=lambda k: (-counts[k], k))
    return [(k, counts[k]) for k in [*(k for k in order if k in counts), *rest]]


def build_report(db, registry) -> list[Table]:
    records = course_records(db, registry)
    hei = [r for r in records if r.category in HEI_CATEGORIES]
    region_order = [*REGIONS, NOT_KNOWN]

    def region_of(record):
        return record.region or NOT_KNOWN

    hei_sites = {}
    for record in hei:
        for key in record.site_keys or [record.provider]:
            hei_sites.setdefault(key, region_of(record))
    by_provider = Counter((region_of(r), r.provider) for r in hei)
    tables = [
        Table("regions", "Institutions with courses, per region", ["Region", "Institutions"],
              _count(hei_sites.values(), region_order),
              note="Institutions are counted once per site in the registry (data/sites.yaml)."),
        Table("region_courses", "Courses per region", ["Region", "Courses"],
              _count((region_of(r) for r in hei), region_order)),
        Table("providers", "Courses per region and provider", ["Region", "Provider", "Courses"],
              sorted(((region, provider, n) for (region, provider), n in by_provider.items()),
                     key=lambda row: (region_order.index(row[0]) if row[0] in region_order else 99, -row[2], row[1])),
              chart=False),
        Table("focus", "Courses focused on improvement (table 3) and related (table 4)", ["Focus", "Courses"],
              [("Improvement is the main focus (table 3)", sum(r.category == "core" for r in hei)),
               ("Improvement is a topic or work-based project (table 4)", sum(r.category == "related" for r in hei))]),
        Table("table3", "Table 3: courses where improvement science is the main focus, by provider",
              ["Provider", "Courses"], _count(r.provider for r in hei if r.category == "core")),
        Table("table4", "Table 4: courses where improvement science is a topic, by provider",
              ["Provider", "Courses"], _count(r.provider for r in hei if r.category == "related")),
        Table("table5", "Table 5: FHEQ level", ["FHEQ level", "Courses"],
              _count((fheq_label(r) for r in hei), ["4", "5", "6", "7", "8", NOT_KNOWN])),
        Table("table6", "Table 6: type of entrance criteria", ["Type of entrance criteria", "Courses"],
              _count((entry_type_label(r) for r in hei), ENTRY_TYPE_ORDER)),
        Table("table6_academic", "Table 6: academic entrance criteria", ["Academic entrance criteria", "Courses"],
              _count((academic_label(r) for r in hei), [*ACADEMIC_LABELS.values(), NOT_KNOWN])),
        Table("table7", "Table 7: course length and full/part-time options", ["Length of course", "Courses"],
              _count((length_label(r) for r in hei), LENGTH_ORDER)),
        Table("delivery", "Delivery methods", ["Delivery method", "Courses"], _count(delivery_label(r) for r in hei)),
        Table("table8", "Table 8: short courses, by provider", ["Provider", "Short courses"],
              _count(r.provider for r in records if r.category == "short course")),
        Table("fellowships", "Fellowships, national and local", ["Scope", "Fellowships"],
              _count((region_of(r) for r in records if r.category == "fellowship"), ["national", "local"])),
        Table("fellowship_providers", "Fellowships, by provider", ["Provider", "Fellowships"],
              _count((r.provider or NOT_KNOWN) for r in records if r.category == "fellowship"), chart=False),
    ]
    facts_known = sum(1 for r in hei if r.candidate)
    for table in tables:
        if table.key in ("table5", "table6", "table6_academic", "table7", "delivery"):
            table.note = (f"From the facts of the crawled page linked to each course; {facts_known} of {len(hei)} "
                          "courses have one, the rest count as Not known.")
    return tables


# --- output -----------------------------------------------------------------------------

def to_markdown(tables: list[Table], generated_at: str) -> str:
    lines = ["# Courses in improvement and implementation science: summary tables", "",
             f"From the current catalogue, {generated_at}. The 2014 report's tables, rebuilt.", ""]
    for table in tables:
        lines += [f"## {table.title}", ""]
        if table.note:
            lines += [table.note, ""]
        lines.append("| " + " | ".join(table.headers) + " |")
        lines.append("|" + "|".join(" --- " if i < len(table.headers) - 1 else " ---: " for i in range(len(table.headers))) + "|")
        lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in table.rows]
        lines += [f"| **Total** |{' |' * (len(table.headers) - 2)} **{table.total}** |", ""]
    return "\n".join(lines)


def to_csv(tables: list[Table]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "title", "label", "count"])
    for table in tables:
        for row in table.rows:
            writer.writerow(safe_csv_row([table.key, table.title, " / ".join(str(c) for c in row[:-1]), row[-1]]))
    return out.getvalue()


BAR_HEIGHT, LABEL_WIDTH, BAR_WIDTH = 22, 330, 300


def svg_bar_chart(table: Table) -> str:
    """A horizontal bar chart as inline SVG: no scripts or downloads, so it opens anywhere."""
    peak = max((row[-1] for row in table.rows), default=0) or 1
    height = BAR_HEIGHT * len(table.rows) + 8
    parts = [f'<svg class="chart" role="img" aria-label="{html.escape(table.title)}" '
             f'width="{LABEL_WIDTH + BAR_WIDTH + 60}" height="{height}">']
    for i, row in enumerate(table.rows):
        label, value = " / ".join(str(c) for c in row[:-1]), row[-1]
        y = i * BAR_HEIGHT + 4
        width = round(BAR_WIDTH * value / peak)
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{html.escape(label[:60])}</text>'
                     f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{BAR_HEIGHT - 6}"></rect>'
                     f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 15}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(tables: list[Table], generated_at: str) -> str:
    body = []
    for table in tables:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in table.rows)
        total = f'<tr class="total"><td colspan="{len(table.headers) - 1}">Total</td><td>{table.total}</td></tr>'
        body.append(f'<section id="{table.key}"><h2>{html.escape(table.title)}</h2>'
                    + (f"<p>{html.escape(table.note)}</p>" if table.note else "")
                    + (svg_bar_chart(table) if table.chart and table.rows else "")
                    + f"<table><thead><tr>{head}</tr></thead><tbody>{rows}{total}</tbody></table></section>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Summary tables</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 2rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.25rem 0.75rem; text-align: left; }}
td:last-child, th:last-child {{ text-align: right; }}
tr.total td {{ font-weight: bold; }}
svg.chart rect {{ fill: #2a6f97; }} svg.chart text {{ font-size: 12px; fill: #222; }}
</style></head><body>
<h1>Courses in improvement and implementation science: summary tables</h1>
<p>From the current catalogue, {html.escape(generated_at)}. The 2014 report's tables, rebuilt.</p>
{"".join(body)}
</body></html>
"""
