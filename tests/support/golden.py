"""Digests of what the analysis says about a page, for the test that speed work changes no output.

Only digests are stored (tests/fixtures/golden/outputs.json): the development pages'
text must never enter the repository, and a digest per page still names the page that
changed. ``UPDATE_GOLDEN=1`` rewrites the file, for a change that is meant to change outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

GOLDEN_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "golden" / "outputs.json"
# 16 hex digits: a chance collision among a few thousand pages is out of the question.
DIGEST_CHARS = 16


def digest(obj) -> str:
    """Digest of the canonical JSON of ``obj`` (sorted keys, no spaces)."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_CHARS]


def analysis_digest(analysis) -> str:
    """Everything one analysis decides: every fact (text and summary too), verdict, match, terms."""
    return digest({"facts": analysis.facts, "verdict": analysis.verdict, "match": analysis.match,
                   "search_terms": analysis.search_terms, "is_candidate": analysis.is_candidate})


def updating() -> bool:
    return os.environ.get("UPDATE_GOLDEN") == "1"


def load() -> dict:
    return json.loads(GOLDEN_FILE.read_text(encoding="utf-8")) if GOLDEN_FILE.exists() else {}


def save(section: str, value) -> None:
    golden = load()
    golden[section] = value
    GOLDEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN_FILE.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def differences(expected: dict, got: dict, limit: int = 20) -> str:
    """The keys whose digests differ, are missing or are new, for an assertion message."""
    changed = sorted(k for k in expected.keys() & got.keys() if expected[k] != got[k])
    missing = sorted(expected.keys() - got.keys())
    new = sorted(got.keys() - expected.keys())
    parts = [f"{len(changed)} changed: {changed[:limit]}" if changed else "",
             f"{len(missing)} missing: {missing[:limit]}" if missing else "",
             f"{len(new)} new: {new[:limit]}" if new else ""]
    return "; ".join(p for p in parts if p)
