"""The desk's queue: pending in-scope candidates, filtered, in the order they most need a human."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from crawler.review.desk.providers import SameProvider
from crawler.review.desk.rows import fetch_all

CATEGORIES = ("core", "related")
PAGE_TYPES = ("sure", "unsure")
KINDS = ("new", "duplicate")
KIND_LABELS = {"new": "new", "duplicate": "likely duplicate"}
# A matcher score of 100 is an identical normalised title (crawler/match/matching.py).
EXACT_SCORE = 100.0

# What most needs a human comes first: a page the crawl was unsure is a course at all,
# then courses that may be new to the catalogue, then likely duplicates, and last the
# exact duplicates, which the bulk action settles in one go.
NEED_UNSURE, NEED_NEW, NEED_DUPLICATE, NEED_EXACT = range(4)
NEED_LABELS = {NEED_UNSURE: "unsure it is a course page", NEED_NEW: "may be new",
               NEED_DUPLICATE: "likely duplicate", NEED_EXACT: "exact duplicate"}


class BadFilter(ValueError):
    """A filter value the desk does not offer."""


@dataclass(frozen=True)
class Filters:
    site: str = ""
    category: str = ""
    page_type: str = ""
    kind: str = ""
    changed: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str], sites: set[str]) -> Filters:
        """Filters from a query string; a value the desk does not offer raises BadFilter (one line)."""
        chosen = {}
        for name, allowed in (("site", sites), ("category", CATEGORIES), ("page_type", PAGE_TYPES),
                              ("kind", KINDS)):
            value = (args.get(name) or "").strip()
            if value and value not in allowed:
                raise BadFilter(f"No {name.replace('_', ' ')} called {value!r}: choose one of "
                                f"{', '.join(sorted(allowed))}, or leave it empty for all.")
            chosen[name] = value
        chosen["changed"] = (args.get("changed") or "") == "1"
        return cls(**chosen)

    def admits(self, item: dict) -> bool:
        return ((not self.site or item["site"] == self.site)
                and (not self.category or item["category"] == self.category)
                and (not self.page_type or item["page_type"] == self.page_type)
                and (not self.kind or item["kind"] == self.kind)
                and (not self.changed or item["changed"]))

    def query(self, **overrides) -> str:
        """The filters as a query string (without '?'), for links that keep them."""
        chosen = replace(self, **overrides)
        pairs = [(f.name, getattr(chosen, f.name)) for f in fields(chosen)]
        return urlencode([(name, "1" if value is True else value) for name, value in pairs if value])

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


_QUEUE_SQL = """
    SELECT c.id, c.title, c.provider, c.site, c.scope_category AS category, c.first_seen,
           CASE WHEN c.page_type_sure THEN 'sure' ELSE 'unsure' END AS page_type,
           (SELECT max(m.score) FROM matches m
             WHERE m.candidate_id = c.id AND m.maintainer_decision IS NULL) AS best_score,
           c.id IN (SELECT candidate_id FROM changed_since_last_run) AS changed
      FROM candidates c
     WHERE c.review_status = 'pending' AND c.scope_category IN ('core', 'related')
"""

_EXACT_PAIRS_SQL = """
    SELECT m.candidate_id, m.catalogue_id, m.score, c.title AS candidate_title, c.provider AS candidate_provider,
           c.site, k.title AS catalogue_title, k.provider AS catalogue_provider
      FROM matches m
      JOIN candidates c ON c.id = m.candidate_id
      JOIN catalogue k ON k.id = m.catalogue_id
     WHERE m.maintainer_decision IS NULL AND m.score >= ? AND c.review_status = 'pending'
       AND c.scope_category IN ('core', 'related')
     ORDER BY c.provider, c.title, m.candidate_id
"""


def exact_duplicates(conn: sqlite3.Connection, same_provider: SameProvider) -> list[dict]:
    """Pending candidates with exactly one undecided score-100 pair, whose entry is of the candidate's provider.

    A candidate with two such entries is left to a human: which one it is needs a look.
    """
    pairs = [pair for pair in fetch_all(conn, _EXACT_PAIRS_SQL, [EXACT_SCORE])
             if same_provider(pair["site"], pair["catalogue_provider"])]
    per_candidate = Counter(pair["candidate_id"] for pair in pairs)
    return [pair for pair in pairs if per_candidate[pair["candidate_id"]] == 1]


def load_queue(conn: sqlite3.Connection, same_provider: SameProvider) -> list[dict]:
    """Every pending in-scope candidate, most in need of a human first."""
    exact = {pair["candidate_id"] for pair in exact_duplicates(conn, same_provider)}
    items = fetch_all(conn, _QUEUE_SQL)
    for item in items:
        item["kind"] = "new" if item["best_score"] is None else "duplicate"
        item["exact"] = item["id"] in exact
        item["need"] = (NEED_UNSURE if item["page_type"] == "unsure" else NEED_EXACT if item["exact"]
                        else NEED_NEW if item["kind"] == "new" else NEED_DUPLICATE)
        item["need_label"] = NEED_LABELS[item["need"]]
    # Newest first within each need, as the pending list has always been.
    items.sort(key=lambda item: (item["first_seen"] or "", item["id"]), reverse=True)
    items.sort(key=lambda item: item["need"])
    return items


def counts(items: list[dict]) -> dict:
    """What is left, by each filter's values."""
    return {
        "total": len(items),
        "site": Counter(item["site"] for item in items),
        "category": Counter(item["category"] for item in items),
        "page_type": Counter(item["page_type"] for item in items),
        "kind": Counter(item["kind"] for item in items),
        "changed": sum(1 for item in items if item["changed"]),
        "exact": sum(1 for item in items if item["exact"]),
    }


def following(items: list[dict], candidate_id: int) -> int | None:
    """The id after `candidate_id` in the queue; the first when it is not in the queue; None at the end."""
    ids = [item["id"] for item in items]
    if candidate_id not in ids:
        return ids[0] if ids else None
    position = ids.index(candidate_id) + 1
    return ids[position] if position < len(ids) else None
