"""Broken-spider alerts: what a maintainer must look at in the morning, and why the exit status is not 0."""

from __future__ import annotations

import json

# A site where more than this share of fetched pages failed is broken, not unlucky
# (the bundled snapshot's deliberate faults stay under 5% per site).
ERROR_RATE_MAX = 0.2
# Below this many fetches an error rate says little (one 500 in three pages is not a trend).
ERROR_RATE_MIN_PAGES = 10
# A layout change: most course pages lost every key fact the extractor reads.
FACTS_EMPTY_SHARE_MAX = 0.8
FACTS_CHECK_MIN_PAGES = 3
KEY_FACTS = ("duration", "fees", "entry_requirements")

SCHEMA_ALERTS = """
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    site TEXT NOT NULL,
    kind TEXT NOT NULL,               -- no_course_pages | error_rate | robots_forbidden | facts_missing | site_unreachable
    message TEXT NOT NULL,
    UNIQUE (run_id, site, kind)
);
"""


def migrate_alerts(db) -> None:
    db.executescript(SCHEMA_ALERTS)


def previous_site_result(db, run_id: int, site: str, mode: str) -> dict | None:
    """The site's figures in the last earlier run of the same mode (live or replay)."""
    row = db.execute(
        """SELECT rs.* FROM run_sites rs JOIN runs r ON r.id = rs.run_id
           WHERE rs.site = ? AND rs.run_id < ? AND r.mode = ? ORDER BY rs.run_id DESC LIMIT 1""",
        [site, run_id, mode],
    ).fetchone()
    if row is None:
        return None
    columns = [d[0] for d in db.execute("SELECT * FROM run_sites LIMIT 0").description]
    result = dict(zip(columns, row))
    result["stats"] = json.loads(result.get("stats") or "{}")
    return result


def facts_empty_share(db, run_id: int, site: str) -> tuple[float, int]:
    """Share of this run's course pages of the site with none of the key facts, and how many pages."""
    empty_condition = " AND ".join(f"{c} IS NULL" for c in KEY_FACTS)
    total, empty = db.execute(
        f"""SELECT count(*), count(CASE WHEN {empty_condition} THEN 1 END)
            FROM candidates WHERE site = ? AND last_run = ?""",
        [site, run_id],
    ).fetchone()
    return (empty / total if total else 0.0), total


def site_alerts(figures: dict, stats: dict, previous: dict | None, empty_share: float, course_pages_seen: int) -> list[dict]:
    """Alerts for one site from this run's figures and the previous run's; each with kind and message."""
    alerts = []
    pages = figures.get("pages_fetched", 0)
    wire = stats.get("wire/responses", 0)
    failures = figures.get("errors", 0)
    if previous and previous.get("course_pages", 0) > 0:
        if wire == 0 and stats.get("errors/connection_refused", 0) + stats.get("errors/dns_lookup_failed", 0) + \
                stats.get("errors/timeout", 0) + stats.get("errors/ConnectionRefusedError", 0) + \
                stats.get("errors/DNSLookupError", 0) > 0:
            alerts.append(_alert("site_unreachable", "no response from the site; the previous run found "
                                 f"{previous['course_pages']} course pages"))
        elif figures.get("course_pages", 0) == 0:
            alerts.append(_alert("no_course_pages", f"0 course pages; the previous run found {previous['course_pages']}"))
    if pages >= ERROR_RATE_MIN_PAGES and failures / pages > ERROR_RATE_MAX:
        alerts.append(_alert("error_rate", f"{failures} errors in {pages} pages ({failures / pages:.0%} > "
                             f"{ERROR_RATE_MAX:.0%})"))
    forbidden = stats.get("robotstxt/forbidden", 0)
    previously_forbidden = (previous or {}).get("stats", {}).get("robotstxt/forbidden", 0)
    if forbidden and (forbidden > previously_forbidden if previous else figures.get("course_pages", 0) == 0):
        alerts.append(_alert("robots_forbidden", f"robots.txt now forbids {forbidden} of our requests"
                             + (f" (previous run: {previously_forbidden})" if previous else "")))
    if course_pages_seen >= FACTS_CHECK_MIN_PAGES and empty_share > FACTS_EMPTY_SHARE_MAX:
        alerts.append(_alert("facts_missing", f"{empty_share:.0%} of {course_pages_seen} course pages have no "
                             f"{', '.join(KEY_FACTS)}: has the page layout changed?"))
    return alerts


def _alert(kind: str, message: str) -> dict:
    return {"kind": kind, "message": message}


def record_alerts(db, run_id: int, site: str, alerts: list[dict]) -> None:
    for alert in alerts:
        db.execute("INSERT OR REPLACE INTO alerts (run_id, site, kind, message) VALUES (?, ?, ?, ?)",
                   [run_id, site, alert["kind"], alert["message"]])


def run_alerts(db, run_id: int) -> list[dict]:
    return list(db.query("SELECT site, kind, message FROM alerts WHERE run_id = ? ORDER BY site, kind", [run_id]))
