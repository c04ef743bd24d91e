"""A candidate card: what a maintainer reads before deciding, gathered from one candidate's rows."""

from __future__ import annotations

import json
import re
import sqlite3

from crawler.match.matching import normalise_url
from crawler.review.desk.providers import SameProvider
from crawler.review.desk.rows import fetch_all, fetch_one, json_list

NOT_STATED = "not stated"
# The side by side shows this many of the matcher's entries, best first.
MATCHES_SHOWN = 3

VERDICTS = {
    "core": "In scope, core: improvement or implementation is what the course is about.",
    "related": "In scope, related: a health or social care course with improvement, evidence-based "
               "practice, leadership for change or research as a substantial topic.",
    "out": "Out of scope: not a health or social care improvement course.",
}
STATUS_WORDS = {"accepted": "Accepted", "rejected": "Rejected", "duplicate": "Same as a catalogue course",
                "pending": "Awaiting a decision"}

_PUNCTUATION = re.compile(r"[^\w\s]+")


def _listed(values) -> str:
    return ", ".join(str(value) for value in values) or NOT_STATED


def _length(row: dict) -> str:
    parts = [f"{row[column]:g} months {mode}" for column, mode in
             (("months_full_time", "full-time"), ("months_part_time", "part-time")) if row[column]]
    if row["duration"]:
        return row["duration"] + (f" ({', '.join(parts)})" if parts else "")
    return ", ".join(parts) or NOT_STATED


def _registration(row: dict) -> str:
    if row["requires_registration"] is None:
        return NOT_STATED
    if not row["requires_registration"]:
        return "not needed"
    regulators = json_list(row["regulators"])
    return "needed" + (f" ({', '.join(regulators)})" if regulators else "")


def facts_grid(row: dict) -> list[tuple[str, str]]:
    """(label, value) for the facts a maintainer checks, 'not stated' where the page gave none."""
    return [
        ("Award", _listed(json_list(row["awards"]))),
        ("Level", f"FHEQ level {row['fheq_level']}" if row["fheq_level"] else NOT_STATED),
        ("Credits", str(row["credits"]) if row["credits"] else NOT_STATED),
        ("Modes", _listed(json_list(row["modes"]))),
        ("Length", _length(row)),
        ("Fees", row["fees"] or NOT_STATED),
        ("Entry requirements", row["entry_requirements"] or NOT_STATED),
        ("Registration with a regulator", _registration(row)),
        ("Start dates", _listed(json_list(row["start_dates"]))),
        ("Topics", _listed(json_list(row["topics"]))),
    ]


def scope_reasons(value) -> list[str]:
    """The scope judge's evidence as 'rule: phrase (where)' lines."""
    lines = []
    for reason in json_list(value):
        if isinstance(reason, dict):
            rule = str(reason.get("rule") or "").replace("_", " ")
            where = f" ({reason['where']})" if reason.get("where") else ""
            lines.append(f"{rule}: {reason.get('phrase') or ''}{where}")
    return lines


def _short(value) -> str:
    if value is None or value == "":
        return "none"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _facts(value) -> dict:
    try:
        facts = json.loads(value or "{}")
    except ValueError:
        return {}
    return facts if isinstance(facts, dict) else {}


def history(conn: sqlite3.Connection, candidate_id: int) -> list[dict]:
    """Each recorded change of the candidate's facts, newest first, as (fact, before, after) rows."""
    changes = []
    for change in fetch_all(conn, """SELECT run_id, changed_at, changed_fields, old_facts, new_facts
                                       FROM candidate_history WHERE candidate_id = ? ORDER BY id DESC""",
                            [candidate_id]):
        old, new = (_facts(change[key]) for key in ("old_facts", "new_facts"))
        changes.append({"run_id": change["run_id"], "changed_at": change["changed_at"],
                        "facts": [(name, _short(old.get(name)), _short(new.get(name)))
                                  for name in json_list(change["changed_fields"])]})
    return changes


def _words(text) -> str:
    return " ".join(_PUNCTUATION.sub(" ", str(text or "").casefold()).split())


def compare(candidate: dict, entry: dict, same_provider: SameProvider) -> list[dict]:
    """The candidate and a catalogue entry field by field, each row saying whether they differ."""
    rows = [
        ("Title", candidate["title"], entry["title"], _words(candidate["title"]) != _words(entry["title"])),
        ("Provider", candidate["provider"], entry["provider"],
         not same_provider(candidate["site"], entry["provider"] or "")
         and _words(candidate["provider"]) != _words(entry["provider"])),
        ("Category", candidate["scope_category"], entry["category"],
         _words(candidate["scope_category"]) != _words(entry["category"])),
        ("Region", candidate["region"], entry["region"],
         bool(entry["region"]) and _words(candidate["region"]) != _words(entry["region"])),
        ("Address", candidate["canonical_url"], entry["url"],
         bool(entry["url"]) and normalise_url(candidate["canonical_url"]) != normalise_url(entry["url"])),
    ]
    return [{"label": label, "candidate": left or NOT_STATED, "entry": right or "not known", "differs": differs}
            for label, left, right, differs in rows]


def best_matches(conn: sqlite3.Connection, candidate: dict, same_provider: SameProvider) -> list[dict]:
    """Up to three undecided catalogue entries the matcher paired with the candidate, best first."""
    entries = fetch_all(conn, """
        SELECT k.id, k.title, k.provider, k.category, k.region, k.url, k.source_table, k.origin,
               m.score, m.decision
          FROM matches m JOIN catalogue k ON k.id = m.catalogue_id
         WHERE m.candidate_id = ? AND m.maintainer_decision IS NULL
         ORDER BY m.score DESC, k.id LIMIT ?""", [candidate["id"], MATCHES_SHOWN])
    for entry in entries:
        entry["fields"] = compare(candidate, entry, same_provider)
        entry["differences"] = sum(1 for field in entry["fields"] if field["differs"])
    return entries


def load_card(conn: sqlite3.Connection, candidate_id: int, same_provider: SameProvider) -> dict | None:
    """Everything the card shows about one candidate, or None if there is no such candidate."""
    row = fetch_one(conn, "SELECT * FROM candidates WHERE id = ?", [candidate_id])
    if row is None:
        return None
    page = fetch_one(conn, """SELECT url, fetched_at, archive_record, page_kind, page_kind_sure, kind_evidence
                                FROM pages WHERE candidate_id = ? ORDER BY fetched_at DESC LIMIT 1""",
                     [candidate_id])
    return {
        "candidate": row,
        "facts": facts_grid(row),
        "verdict": VERDICTS.get(row["scope_category"], "Not judged."),
        "reasons": scope_reasons(row["scope_reasons"]),
        "search_terms": json_list(row["search_terms"]),
        "page_type_sure": bool(row["page_type_sure"]),
        "kind_evidence": json_list(page["kind_evidence"]) if page else [],
        "status": STATUS_WORDS.get(row["review_status"], row["review_status"]),
        "history": history(conn, candidate_id),
        "matches": best_matches(conn, row, same_provider),
        "page": page,
    }


def reject_reasons(conn: sqlite3.Connection) -> list[dict]:
    return fetch_all(conn, "SELECT reason, description FROM reject_reasons ORDER BY rowid")
