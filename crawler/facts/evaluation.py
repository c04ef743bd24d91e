"""Scoring extracted facts against a labelled page set: per-fact precision and recall.

Used by tests/test_extract.py (minimum accuracy) and bench/bench_extract.py (report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

LIST_FACTS = ("awards", "modes", "regulators", "topics", "start_dates")
SCALAR_FACTS = ("title", "fheq_level", "credits", "degree_class", "work_experience", "page_kind")
# Booleans whose positive class is what matters (a missed "True" is a miss).
FLAG_FACTS = ("is_course", "requires_registration", "free", "stipend")
SCORED_FACTS = ("is_course", "page_kind", "title") + LIST_FACTS[:2] + (
    "fheq_level", "credits", "duration_months", "fee_amounts", "free", "stipend", "degree_class",
    "work_experience", "requires_registration", "regulators", "topics", "start_dates")
# Label keys that are checks, not facts.
CHECK_KEYS = ("url", "encoding", "summary_contains", "entry_requirements_contains", "text_contains",
              "text_not_contains", "errors_contain")


@dataclass
class Tally:
    """True/false positives and false negatives for one fact."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_labels(directory: Path) -> dict[str, dict]:
    """labels.yaml of a fixture directory: {file name: expected facts}."""
    with open(directory / "labels.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _norm(value):
    if isinstance(value, str):
        return " ".join(value.lower().split())
    if isinstance(value, float) and value == int(value):
        return int(value)
    return value


def _fee_key(fee: dict) -> tuple:
    return (round(float(fee["amount"]), 2), fee.get("currency"), fee.get("for"))


def score_page(name: str, facts: dict, expected: dict, tallies: dict[str, Tally]) -> list[str]:
    """Add one page's comparison to ``tallies``; return its check failures (substring checks)."""
    problems = []
    for fact, want in expected.items():
        if fact in CHECK_KEYS:
            continue
        tally = tallies.setdefault(fact, Tally())
        got = facts.get(fact)
        if fact in LIST_FACTS or fact == "fee_amounts":
            key = _fee_key if fact == "fee_amounts" else _norm
            want_set = {key(v) for v in (want or [])}
            got_set = {key(v) for v in (got or [])}
            tally.tp += len(want_set & got_set)
            tally.fp += len(got_set - want_set)
            tally.fn += len(want_set - got_set)
            if want_set != got_set:
                tally.misses.append(f"{name}: want {sorted(map(str, want_set))} got {sorted(map(str, got_set))}")
        elif fact == "duration_months":
            for mode in ("full-time", "part-time"):
                _score_scalar(tally, name + f"[{mode}]", (want or {}).get(mode), (got or {}).get(mode))
        elif fact in FLAG_FACTS:
            want_b, got_b = bool(want), bool(got)
            if want_b and got_b:
                tally.tp += 1
            elif got_b:
                tally.fp += 1
            elif want_b:
                tally.fn += 1
            if want_b != got_b:
                tally.misses.append(f"{name}: want {want_b} got {got_b}")
        else:
            _score_scalar(tally, name, want, got)
    for check, text_key in (("summary_contains", "summary"), ("entry_requirements_contains", "entry_requirements"),
                            ("text_contains", "text")):
        if check in expected and expected[check] not in (facts.get(text_key) or ""):
            problems.append(f"{name}: {text_key} lacks {expected[check]!r}")
    for phrase in expected.get("text_not_contains", []):
        if phrase in (facts.get("text") or ""):
            problems.append(f"{name}: text still has {phrase!r}")
    for phrase in expected.get("errors_contain", []):
        if not any(phrase in e for e in facts.get("errors", [])):
            problems.append(f"{name}: errors lack {phrase!r}")
    return problems


def _score_scalar(tally: Tally, name: str, want, got) -> None:
    """A value found is a positive; right ones are true positives, wrong ones false (and a miss)."""
    want, got = _norm(want), _norm(got)
    if got is not None and got == want:
        tally.tp += 1
        return
    if got is not None:
        tally.fp += 1
    if want is not None:
        tally.fn += 1
    if got != want:
        tally.misses.append(f"{name}: want {want!r} got {got!r}")


def evaluate(directory: Path, extract) -> tuple[dict[str, Tally], list[str]]:
    """Run ``extract`` over every labelled page; per-fact tallies and check failures."""
    labels = load_labels(directory)
    tallies: dict[str, Tally] = {}
    problems: list[str] = []
    for name, expected in labels.items():
        body = (directory / name).read_bytes()
        facts = extract(body, expected["url"], expected.get("encoding"))
        problems.extend(score_page(name, facts, expected, tallies))
    return tallies, problems
