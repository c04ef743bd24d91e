"""The per-site summary a run prints and stores."""

from __future__ import annotations

import json

COLUMNS = ("pages_fetched", "course_pages", "candidates_in_scope", "errors")
HEADINGS = ("pages", "course pages", "in scope", "errors")
# The printed summary lists this many of each kind of change; the database keeps them all.
MAX_LISTED = 20


def run_summary(db, run_id: int) -> dict:
    sites = {}
    for row in db.query("SELECT * FROM run_sites WHERE run_id = ? ORDER BY site", [run_id]):
        stats = json.loads(row["stats"] or "{}")
        sites[row["site"]] = {
            **{c: row[c] for c in COLUMNS},
            "bytes": row["bytes"],
            "finish_reason": row["finish_reason"],
            "replay_missing": stats.get("archive/replay_missing", 0),
            # errors/* lost a page; faults/* were counted while the crawl carried on (link traps, charsets).
            "error_kinds": {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith(("errors/", "faults/"))},
        }
        sites[row["site"]]["harvest_rate"] = round(harvest_rate(sites[row["site"]]), 4)
    totals = {c: sum(s[c] for s in sites.values()) for c in COLUMNS}
    run = db.execute("SELECT mode, started_at FROM runs WHERE id = ?", [run_id]).fetchone()
    return {"run_id": run_id, "mode": run[0] if run else None, "started_at": run[1] if run else None,
            "sites": sites, "totals": totals}


def harvest_rate(figures: dict) -> float:
    """In-scope course pages found per page fetched: how well the focused crawl spends its requests."""
    return figures["candidates_in_scope"] / figures["pages_fetched"] if figures["pages_fetched"] else 0.0


def format_summary(summary: dict) -> str:
    width = max([len("site"), len("total"), *(len(k) for k in summary["sites"])])
    lines = [f"Run {summary['run_id']} ({summary['mode']})",
             f"{'site':<{width}}  " + "  ".join(f"{h:>12}" for h in HEADINGS) + f"  {'harvest':>7}  finish"]
    for key, figures in summary["sites"].items():
        cells = "  ".join(f"{figures[c]:>12}" for c in COLUMNS) + f"  {harvest_rate(figures):>7.2f}"
        detail = ", ".join(f"{k} {v}" for k, v in sorted(figures["error_kinds"].items()))
        lines.append(f"{key:<{width}}  {cells}  {figures['finish_reason']}" + (f"  [{detail}]" if detail else ""))
    totals = "  ".join(f"{summary['totals'][c]:>12}" for c in COLUMNS) + f"  {harvest_rate(summary['totals']):>7.2f}"
    lines.append(f"{'total':<{width}}  {totals}")
    downloaded = sum(s.get("bytes") or 0 for s in summary["sites"].values())
    lines.append(f"Downloaded {downloaded / 1_000_000:.1f} MB from the sites (304s and archive replays count as sent)")
    lines.extend(format_changes(summary.get("changes") or {}))
    alerts = summary.get("alerts") or []
    lines.append("")
    lines.append(f"Alerts: {len(alerts)}" if alerts else "Alerts: none")
    lines.extend(f"  {a['site']}: {a['kind']}: {a['message']}" for a in alerts)
    return "\n".join(lines)


def format_changes(changes: dict) -> list[str]:
    lines = []
    new, changed, gone = changes.get("new", []), changes.get("changed", []), changes.get("possibly_discontinued", [])
    if not (new or changed or gone) and not changes:
        return lines
    lines.append("")
    unsure = sum(1 for c in new if not c.get("page_type_sure", 1))
    lines.append(f"New candidates in scope: {len(new)}, of which unsure of their page type: {unsure}")
    lines.extend(f"  {c['site']}: {c['title']} ({c['scope_category']}"
                 + ("" if c.get("page_type_sure", 1) else ", unsure it is a course page") + ")" for c in new[:MAX_LISTED])
    lines.append(f"Courses whose facts changed: {len(changed)}")
    for change in changed[:MAX_LISTED]:
        fields = ", ".join(change["changes"])
        lines.append(f"  {change['site']}: {change['title']}: {fields}")
    lines.append(f"Catalogue courses not seen for several runs (possibly discontinued): {len(gone)}")
    lines.extend(f"  {c['provider']}: {c['title']} ({c['runs_missed']} runs)" for c in gone[:MAX_LISTED])
    return lines
