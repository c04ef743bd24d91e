"""Speed work on the matcher changes no decision, score or reason.

Digests of what match_many, candidates() and key_for() say about a batch like the bench's
(bench/bench_matching.py synthetic(), with URLs, stated awards, forbidden links and awkward
titles mixed in) and about the labelled pairs, taken from the matcher before the speed work
(tests/fixtures/golden/matching.json). A change meant to change decisions rewrites them with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_matching_unchanged.py`, and its commit says why.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from crawler.match.matching import Matcher, ProviderResolver
from crawler.match.normalise import normalise_title
from crawler.registry import load_registry
from tests.support import golden
from tests.support.title_samples import FIXTURES, bench_matching, generated_titles

GOLDEN_FILE = Path(__file__).resolve().parent / "fixtures" / "golden" / "matching.json"
# Results per digest: a failure names the rows it is in without storing any result.
ROWS_PER_DIGEST = 500


def _check(section: str, got: dict) -> None:
    saved = json.loads(GOLDEN_FILE.read_text(encoding="utf-8")) if GOLDEN_FILE.exists() else {}
    if golden.updating():
        saved[section] = got
        GOLDEN_FILE.write_text(json.dumps(saved, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    assert section in saved, f"no golden digests for {section}; take them with UPDATE_GOLDEN=1"
    assert got == saved[section], f"{section}: {golden.differences(saved[section], got)}"


def _in_digests(results: list) -> dict[str, str]:
    # Key order is part of what is compared: a result dict's keys are written out in order.
    ordered = [list(r.items()) if isinstance(r, dict) else r for r in results]
    return {f"rows {start:06d}": golden.digest(ordered[start:start + ROWS_PER_DIGEST])
            for start in range(0, len(ordered), ROWS_PER_DIGEST)}


def _batch():
    """The bench's workload, smaller, with what it lacks: URLs, stated awards, odd titles, forbidden links."""
    providers, catalogue, candidates = bench_matching().synthetic(3_000, 15_000, 30)
    rng = random.Random(17)
    odd_titles = generated_titles(4_000, seed=19)
    for n, row in enumerate(catalogue):
        if n % 3 == 0:
            row["url"] = f"https://example.ac.uk/courses/{n}"
        if n % 11 == 0:
            row["awards"] = rng.choice(("PgCert; PgDip; MSc", "MA", "short course", ["msc"]))
        if n % 13 == 0:
            row["title"] = rng.choice(odd_titles)
    for n, row in enumerate(candidates):
        if n % 10 == 0:  # the same page, written another way (www., a trailing slash, tracking)
            row["url"] = f"http://www.example.ac.uk/courses/{rng.randrange(0, 3_000, 3)}/?utm_source=x"
        elif n % 10 == 1:
            row["url"] = f"https://elsewhere.example/{n}"
        if n % 7 == 0:
            row["awards"] = rng.choice(("MSc", "PG Cert, PG Dip", "", None, "Diploma"))
        if n % 5 == 0:
            row["title"] = rng.choice(odd_titles) if n % 2 else rng.choice(catalogue)["title"] + " (Pathway in Nursing)"
    resolver = ProviderResolver({f"p{n}": [name] for n, name in enumerate(providers)})
    return catalogue, candidates, resolver


@pytest.fixture(scope="module")
def batch():
    return _batch()


def test_match_many_of_a_batch_is_unchanged(batch):
    catalogue, candidates, resolver = batch
    normalise_title.cache_clear()
    results = Matcher(catalogue, resolver).match_many(candidates)
    assert sum(1 for r in results if r and r["decision"] == "duplicate") > 2_000
    assert sum(1 for r in results if r and r["decision"] == "review") > 100
    _check("match_many", _in_digests(results))


def test_match_many_with_forbidden_links_is_unchanged(batch):
    catalogue, candidates, resolver = batch
    plain = Matcher(catalogue, resolver).match_many(candidates)
    linked = [(n, r) for n, r in enumerate(plain) if r][::4]
    forbidden = []
    for n, result in linked:
        row = candidates[n]
        by_key = n % 2 or not row.get("url")
        name = Matcher(catalogue, resolver).key_for(row["title"], row["provider"]) if by_key else row["url"]
        forbidden.append((name, result["catalogue_id"]))
    results = Matcher(catalogue, resolver, never_link=forbidden).match_many(candidates)
    assert sum(1 for a, b in zip(plain, results) if a != b) > 500  # the forbidden links change something
    _check("match_many_never_link", _in_digests(results))


def test_candidates_and_keys_of_a_batch_are_unchanged(batch):
    catalogue, candidates, resolver = batch
    matcher = Matcher(catalogue, resolver)
    sample = candidates[::15]
    found = [matcher.candidates(row["title"], row["provider"], limit=3, url=row.get("url"), awards=row.get("awards"))
             for row in sample]
    assert sum(1 for f in found if len(f) > 1) > 20
    _check("candidates", _in_digests(found))
    _check("key_for", _in_digests([matcher.key_for(row["title"], row["provider"]) for row in candidates]))


@pytest.mark.parametrize("name, resolver", [("pairs.csv", "providers.yaml"), ("holdout.csv", "registry")])
def test_labelled_pairs_are_decided_as_before(name, resolver):
    resolver = (ProviderResolver.from_registry(load_registry()) if resolver == "registry"
                else ProviderResolver.from_yaml(FIXTURES / resolver))
    with open(FIXTURES / name, encoding="utf-8", newline="") as f:
        pairs = list(csv.DictReader(f))
    results = []
    for pair in pairs:
        matcher = Matcher([{"id": "c", "title": pair["catalogue_title"], "provider": pair["catalogue_provider"]}],
                          resolver)
        results.append([matcher.best(pair["candidate_title"], pair["candidate_provider"]),
                        matcher.candidates(pair["candidate_title"], pair["candidate_provider"], limit=1)])
    # All the pairs of a file against one catalogue too, as a batch: blocks with several entries.
    catalogue = [{"id": str(n), "title": p["catalogue_title"], "provider": p["catalogue_provider"]}
                 for n, p in enumerate(pairs)]
    batch = Matcher(catalogue, resolver).match_many(
        [{"title": p["candidate_title"], "provider": p["candidate_provider"]} for p in pairs])
    assert sum(1 for best, _ in results if best) > len(pairs) // 3
    _check(f"pairs {name}", _in_digests(results) | {"batch": golden.digest(_in_digests(batch))})


def test_best_of_match_many_is_the_top_candidate(batch):
    """match_many keeps only each row's best entry; candidates() ranks them all: the same first one."""
    catalogue, candidates, resolver = batch
    matcher = Matcher(catalogue, resolver)
    sample = candidates[::7]
    best = matcher.match_many(sample)
    ranked = [matcher.candidates(row["title"], row["provider"], limit=1, url=row.get("url"), awards=row.get("awards"))
              for row in sample]
    tops = [{k: v for k, v in found[0].items() if k != "reason"} if found and found[0]["decision"] != "new" else None
            for found in ranked]
    assert sum(1 for b in best if b) > 500
    assert best == tops
