"""The per-site summary a run prints and stores."""

from __future__ import annotations

import json

COLUMNS = ("pages_fetched", "course_pages", "candidates_in_scope", "new_in_scope", "errors")
# "in-scope courses" counts candidates (a course on three pages counts once), so the per-site
# column adds up to the same kind of number as the "New candidates in scope" line below it.
HEADINGS = ("pages", "course pages", "in-scope courses", "new", "errors")
COLUMN_WIDTH = 12
# The printed summary lists this many of each kind of change; the database keeps them all.
MAX_LISTED = 20


def run_summary(db, run_id: int) -> dict:
    sites = {}
    in_scope = in_scope_candidates(db, run_id)
    for row in db.query("SELECT * FROM run_sites WHERE run_id = ? ORDER BY site", [run_id]):
        stats = json.loads(row["stats"] or "{}")
        seen, new = in_scope.get(row["site"], (0, 0))
        sites[row["site"]] = {
            "pages_fetched": row["pages_fetched"], "course_pages": row["course_pages"],
            "candidates_in_scope": seen, "new_in_scope": new, "errors": row["errors"],
            "bytes": row["bytes"],
            # Stored pages not requested: their sitemap says they are unchanged (crawler/fetch/revisits.py).
            "pages_unrequested": stats.get("pages/unchanged_per_sitemap", 0),
            "finish_reason": row["finish_reason"],
            "replay_missing": stats.get("archive/replay_missing", 0),
            "archive_damaged_files": stats.get("archive/damaged_files", 0),
            # errors/* lost a page; faults/* were counted while the crawl carried on (link traps, charsets).
            "error_kinds": {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith(("errors/", "faults/"))},
        }
        sites[row["site"]]["harvest_rate"] = round(harvest_rate(sites[row["site"]]), 4)
    totals = {c: sum(s[c] for s in sites.values()) for c in (*COLUMNS, "pages_unrequested")}
    run = db.execute("SELECT mode, started_at FROM runs WHERE id = ?", [run_id]).fetchone()
    return {"run_id": run_id, "mode": run[0] if run else None, "started_at": run[1] if run else None,
            "sites": sites, "totals": totals}


def in_scope_candidates(db, run_id: int) -> dict[str, tuple[int, int]]:
    """Per site: in-scope candidates seen in this run, and how many of them were first seen in it."""
    return {row[0]: (row[1], row[2]) for row in db.execute(
        """SELECT site, count(*), sum(first_run = ?) FROM candidates
           WHERE last_run = ? AND scope_category IN ('core', 'related') GROUP BY site""", [run_id, run_id])}


def harvest_rate(figures: dict) -> float:
    """In-scope courses found per page visited: how well the focused crawl spends its requests.

    A page not requested because its sitemap says it is unchanged counts as visited, so a
    quiet night's rate stays comparable with the night that fetched everything."""
    visited = figures["pages_fetched"] + figures.get("pages_unrequested", 0)
    return figures["candidates_in_scope"] / visited if visited else 0.0


def format_summary(summary: dict) -> str:
    width = max([len("site"), len("total"), *(len(k) for k in summary["sites"])])
    lines = [f"Run {summary['run_id']} ({summary['mode']})",
             f"{'site':<{width}}  " + "  ".join(f"{h:>{_width(h)}}" for h in HEADINGS) + f"  {'harvest':>7}  finish"]
    for key, figures in summary["sites"].items():
        cells = "  ".join(f"{figures.get(c, 0):>{_width(h)}}" for c, h in zip(COLUMNS, HEADINGS))
        cells += f"  {harvest_rate(figures):>7.2f}"
        detail = ", ".join(f"{k} {v}" for k, v in sorted(figures["error_kinds"].items()))
        lines.append(f"{key:<{width}}  {cells}  {figures['finish_reason']}" + (f"  [{detail}]" if detail else ""))
    totals = "  ".join(f"{summary['totals'].get(c, 0):>{_width(h)}}" for c, h in zip(COLUMNS, HEADINGS))
    lines.append(f"{'total':<{width}}  {totals}  {harvest_rate(summary['totals']):>7.2f}")
    downloaded = sum(s.get("bytes") or 0 for s in summary["sites"].values())
    lines.append(f"Downloaded {downloaded / 1_000_000:.1f} MB from the sites (304s and archive replays count as sent)")
    unrequested = summary["totals"].get("pages_unrequested", 0)
    if unrequested:
        lines.append(f"Not requested, unchanged since fetched by their sites' sitemaps: {unrequested} pages")
    if any(s.get("archive_damaged_files") for s in summary["sites"].values()):
        lines.append("The replay archive is damaged part way: only the records before the damage were replayed "
                     "(the warning above names the file and the byte)")
    lines.extend(format_changes(summary.get("changes") or {}))
    alerts = summary.get("alerts") or []
    if summary.get("failed"):
        lines.append("")
        lines.append(failure_line(summary))
    lines.append("")
    lines.append(f"Alerts: {len(alerts)}" if alerts else "Alerts: none")
    lines.extend(f"  {a['site']}: {a['kind']}: {a['message']}" for a in alerts)
    return "\n".join(lines)


def _width(heading: str) -> int:
    return max(COLUMN_WIDTH, len(heading))


def failure_line(summary: dict) -> str:
    """Why a failed run failed, so the exit status 1 in the morning mail explains itself."""
    kinds: dict[str, int] = {}
    for figures in summary["sites"].values():
        for kind, count in figures.get("error_kinds", {}).items():
            kinds[kind] = kinds.get(kind, 0) + count
    if not summary["sites"]:
        why = "no site was crawled"
    else:
        why = f"none of the {len(summary['sites'])} sites fetched a single page"
    detail = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    if summary.get("mode") == "replay":
        answered = summary["totals"]["pages_fetched"]
        missing = sum(s.get("replay_missing", 0) for s in summary["sites"].values())
        return (f"Run failed (exit status 1): the archive answered {answered} of the {answered + missing} pages "
                "asked for; is it the right archive? (this run does not count towards \"not seen\")")
    return (f"Run failed (exit status 1): {why}"
            + (f"; errors: {detail}" if detail else "; no errors counted (were the sites skipped or capped at 0?)")
            + ". Network down, or every site gone?")


def _listed(items: list, format_item) -> list[str]:
    """The first MAX_LISTED items, then how many more the database holds."""
    lines = [format_item(item) for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(f"  ... and {len(items) - MAX_LISTED} more (all in the database)")
    return lines


def format_changes(changes: dict) -> list[str]:
    lines = []
    new, changed, gone = changes.get("new", []), changes.get("changed", []), changes.get("possibly_discontinued", [])
    if not (new or changed or gone) and not changes:
        return lines
    lines.append("")
    unsure = sum(1 for c in new if not c.get("page_type_sure", 1))
    lines.append(f"New candidates in scope: {len(new)}, of which unsure of their page type: {unsure}")
    lines.extend(_listed(new, lambda c: f"  {c['site']}: {c['title']} ({c['scope_category']}"
                         + ("" if c.get("page_type_sure", 1) else ", unsure it is a course page") + ")"))
    lines.append(f"Courses whose facts changed: {len(changed)}")
    lines.extend(_listed(changed, lambda c: f"  {c['site']}: {c['title']}: {', '.join(c['changes'])}"))
    lines.append(f"Catalogue courses not seen for several runs (possibly discontinued): {len(gone)}")
    lines.extend(_listed(gone, lambda c: f"  {c['provider']}: {c['title']} ({c['runs_missed']} runs)"))
    return lines
