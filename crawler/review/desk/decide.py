"""Decisions from the desk: each is one INSERT into `decisions`, checked and applied by the schema's triggers."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from crawler.review.desk.rows import fetch_one

# The desk's actions, the decision each writes and the writable query whose `allow`
# block says who may make it (metadata.yml), so the desk and the forms share one rule.
ACTIONS = {
    "accept": ("accept", "accept"),
    "reject": ("reject", "reject"),
    "same-as": ("same-as", "same_as"),
    "not-same": ("not-same", "not_same"),
}
UNDO_QUERY = "undo"
DONE_WORDS = {"accept": "Accepted", "reject": "Rejected", "same-as": "Marked the same as",
              "not-same": "Marked not the same as", "undo": "Undone"}

_INSERT = """INSERT INTO decisions (action, candidate_id, catalogue_id, reason, note, undoes, reviewer)
             VALUES (:action, :candidate_id, :catalogue_id, :reason, :note, :undoes, :reviewer)"""


class Refused(ValueError):
    """A decision the desk or the triggers refused; the message is one line for the reviewer."""


@dataclass(frozen=True)
class Decision:
    action: str
    candidate_id: int | None = None
    catalogue_id: str | None = None
    reason: str | None = None
    note: str | None = None
    undoes: int | None = None

    def row(self, reviewer: str) -> dict:
        return {"action": self.action, "candidate_id": self.candidate_id, "catalogue_id": self.catalogue_id,
                "reason": self.reason, "note": self.note, "undoes": self.undoes, "reviewer": reviewer}


def decision_from_form(candidate_id: int, form: Mapping[str, str]) -> Decision:
    """The decision a card's form asks for; Refused for an action the desk does not know."""
    action = (form.get("action") or "").strip()
    if action not in ACTIONS:
        raise Refused(f"Unknown action {action!r}: use accept, reject, same-as or not-same.")
    note = (form.get("note") or "").strip() or None
    return Decision(action=ACTIONS[action][0], candidate_id=candidate_id,
                    catalogue_id=(form.get("catalogue_id") or "").strip() or None,
                    reason=(form.get("reason") or "").strip() or None, note=note)


def record(conn: sqlite3.Connection, decisions: list[Decision], reviewer: str) -> list[int]:
    """Insert the decisions in one transaction: all are written, or none (Refused, with the triggers' message)."""
    ids = []
    try:
        with conn:
            for decision in decisions:
                ids.append(conn.execute(_INSERT, decision.row(reviewer)).lastrowid)
    except sqlite3.IntegrityError as error:
        # The triggers' RAISE(ABORT, ...) messages are written for reviewers.
        prefix = f"Candidate {decisions[len(ids)].candidate_id}: " if len(decisions) > 1 else ""
        raise Refused(prefix + str(error)) from error
    return ids


def last_decision(conn: sqlite3.Connection, reviewer: str) -> dict | None:
    """The reviewer's latest decision still in force, the one "undo the last" reverses."""
    return fetch_one(conn, """SELECT d.id, d.action, d.candidate_id, d.catalogue_id, c.title
                                FROM decisions d LEFT JOIN candidates c ON c.id = d.candidate_id
                               WHERE d.reviewer = ? AND d.action != 'undo' AND d.undone_by IS NULL
                               ORDER BY d.id DESC LIMIT 1""", [reviewer])
