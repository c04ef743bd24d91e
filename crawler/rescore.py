"""Re-judge every stored candidate with the current scope rules, without crawling."""

from __future__ import annotations

import json
from collections import Counter

import scope_rules
from crawler.registry import Registry


def rescore_candidates(db, registry: Registry) -> dict:
    """Re-classify from stored facts and text; only scope columns change. Returns the moves."""
    moves: Counter = Counter()
    total = 0
    rows = list(db.query("SELECT id, site, facts, text, scope_category FROM candidates"))
    with db.atomic():
        for row in rows:
            facts = json.loads(row["facts"] or "{}")
            facts["text"] = row["text"] or ""
            site = registry.site_for_key(row["site"])
            if site is not None and site.health_focused:
                facts["provider_health_focused"] = site.name
            verdict = scope_rules.classify(facts)
            total += 1
            if verdict["category"] != row["scope_category"]:
                moves[(row["scope_category"], verdict["category"])] += 1
            db.execute(
                "UPDATE candidates SET scope_category = ?, scope_score = ?, scope_reasons = ? WHERE id = ?",
                [verdict["category"], verdict["score"], json.dumps(verdict["reasons"], ensure_ascii=False), row["id"]],
            )
    return {"total": total, "moved": sum(moves.values()),
            "moves": {f"{old} -> {new}": n for (old, new), n in sorted(moves.items(), key=str)}}
