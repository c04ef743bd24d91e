"""Benchmark scope_rules.classify on the labelled set, the report's tables 3 and 4 and the held-out set.

Run from the repository root:  .venv/bin/python bench/bench_scope.py [-v]

Prints precision and recall of in-scope (core + related against out), agreement on
core against related among cases both labelled and judged in scope, the share of
the report's catalogue placed as the report placed it, the same figures on the
held-out set (tests/fixtures/scope/holdout.yaml: labelled before the rules were run
on it, never used to choose terms or thresholds), and the time per call.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scope_rules  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "scope"


def load_cases(name: str) -> list[dict]:
    """Cases of one fixture file; report cases get course defaults for is_course and page_kind."""
    cases = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))["cases"]
    for case in cases:
        case["facts"].setdefault("is_course", True)
        case["facts"].setdefault("page_kind", "course")
    return cases


def scores(cases: list[dict], verdicts: list[dict]) -> dict:
    """Precision/recall of in-scope and core/related agreement among agreed in-scope cases."""
    tp = fp = fn = agree = both_in = 0
    for case, verdict in zip(cases, verdicts):
        expected_in = case["expect"] != "out"
        got_in = verdict["category"] != "out"
        tp += expected_in and got_in
        fp += got_in and not expected_in
        fn += expected_in and not got_in
        if expected_in and got_in:
            both_in += 1
            agree += case["expect"] == verdict["category"]
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "core_related_agreement": agree / both_in if both_in else 1.0,
        "in_scope_pairs": both_in,
    }


def time_per_call(func, items: list, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            func(item)
    return (time.perf_counter() - start) / (repeat * len(items))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every disagreement with its reasons")
    args = parser.parse_args(argv)

    labelled = load_cases("labelled.yaml")
    verdicts = [scope_rules.classify(c["facts"]) for c in labelled]
    result = scores(labelled, verdicts)
    groups = {}
    for case in labelled:
        groups[case["group"]] = groups.get(case["group"], 0) + 1
    print(f"labelled set: {len(labelled)} cases " + ", ".join(f"{g}={n}" for g, n in groups.items()))
    print(f"  in-scope precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    print(f"  core/related agreement {result['core_related_agreement']:.3f} over {result['in_scope_pairs']} cases")
    wrong = [(c, v) for c, v in zip(labelled, verdicts) if c["expect"] != v["category"]]
    for case, verdict in wrong:
        print(f"  MISS {case['id']}: expected {case['expect']}, got {scope_rules.explain_reasons(verdict, 4 if not args.verbose else 12)}")

    report = load_cases("report_catalogue.yaml")
    report_verdicts = [scope_rules.classify(c["facts"]) for c in report]
    print(f"report catalogue (tables 3 and 4): {len(report)} courses")
    for table in (3, 4):
        pairs = [(c, v) for c, v in zip(report, report_verdicts) if c["table"] == table]
        placed = sum(c["expect"] == v["category"] for c, v in pairs)
        kept = sum(v["category"] != "out" for _, v in pairs)
        print(f"  table {table}: placed as the report {placed}/{len(pairs)} ({placed / len(pairs):.0%}), in scope {kept}/{len(pairs)}")
    placed = sum(c["expect"] == v["category"] for c, v in zip(report, report_verdicts))
    print(f"  overall placed as the report {placed}/{len(report)} ({placed / len(report):.0%})")
    for case, verdict in zip(report, report_verdicts):
        if case["expect"] != verdict["category"] and args.verbose:
            print(f"  DIFF {case['id']}: report {case['expect']}, got {scope_rules.explain_reasons(verdict, 6)}")

    holdout = load_cases("holdout.yaml")
    holdout_verdicts = [scope_rules.classify(c["facts"]) for c in holdout]
    result = scores(holdout, holdout_verdicts)
    expected = {k: sum(c["expect"] == k for c in holdout) for k in scope_rules.CATEGORIES}
    print(f"held-out set: {len(holdout)} cases " + ", ".join(f"{k}={n}" for k, n in expected.items()))
    print(f"  in-scope precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    print(f"  core/related agreement {result['core_related_agreement']:.3f} over {result['in_scope_pairs']} cases")
    for case, verdict in zip(holdout, holdout_verdicts):
        if case["expect"] != verdict["category"]:
            print(f"  MISS {case['id']}: expected {case['expect']}, got {scope_rules.explain_reasons(verdict, 4 if not args.verbose else 12)}")

    facts = [c["facts"] for c in labelled + report]
    per_case = time_per_call(scope_rules.classify, facts, repeat=20)
    long_page = dict(labelled[0]["facts"], text=" ".join(c["facts"].get("text") or "" for c in labelled) * 10)
    per_long = time_per_call(scope_rules.classify, [long_page], repeat=50)
    links = [
        ("https://www.example.ac.uk/study/postgraduate/quality-improvement-pgcert", "Quality Improvement PgCert"),
        ("https://www.example.ac.uk/news/2024/new-centre", "Read more"),
        ("https://www.example.ac.uk/courses/msc-civil-engineering", "MSc Civil Engineering"),
    ]
    per_link = time_per_call(lambda pair: scope_rules.link_priority(*pair), links, repeat=2000)
    print(f"classify: {per_case * 1e6:.0f} us per case; {per_long * 1e3:.1f} ms for a {len(long_page['text'][:scope_rules.TEXT_SCAN_CHARS])}-char text")
    print(f"link_priority: {per_link * 1e6:.1f} us per link")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
