"""What changed since the last run: new candidates, changed facts, catalogue courses no longer seen."""

from __future__ import annotations

import json

# Facts whose change a maintainer cares about (the report's headings); the rest is noise.
WATCHED_FACTS = ("title", "awards", "fheq_level", "duration", "duration_months", "modes", "fees",
                 "entry_requirements", "requires_registration", "topics", "start_dates")


def new_candidates(db, run_id: int) -> list[dict]:
    return list(db.query(
        """SELECT id, site, title, scope_category, canonical_url, page_type_sure FROM candidates
           WHERE first_run = ? AND scope_category IN ('core', 'related')
           ORDER BY page_type_sure DESC, site, title""",
        [run_id]))


def changed_candidates(db, run_id: int) -> list[dict]:
    """Candidates whose watched facts changed in this run, with old and new values."""
    if "candidate_history" not in db.table_names():
        return []
    changed = []
    for row in db.query(
        """SELECT h.candidate_id, c.site, c.title, h.old_facts, h.new_facts FROM candidate_history h
           JOIN candidates c ON c.id = h.candidate_id WHERE h.run_id = ? ORDER BY c.site, c.title""",
        [run_id],
    ):
        old, new = json.loads(row["old_facts"] or "{}"), json.loads(row["new_facts"] or "{}")
        fields = {name: {"old": old.get(name), "new": new.get(name)}
                  for name in WATCHED_FACTS if old.get(name) != new.get(name)}
        if fields:
            changed.append({"candidate_id": row["candidate_id"], "site": row["site"], "title": row["title"],
                            "changes": fields})
    return changed


def possibly_discontinued(db) -> list[dict]:
    if "possibly_discontinued" not in db.view_names():
        return []
    return list(db.query("SELECT id, title, provider, runs_missed FROM possibly_discontinued"))


def run_changes(db, run_id: int) -> dict:
    return {
        "new": new_candidates(db, run_id),
        "changed": changed_candidates(db, run_id),
        "possibly_discontinued": possibly_discontinued(db),
    }
