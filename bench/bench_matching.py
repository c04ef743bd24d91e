"""Benchmark the matcher: quality on the labelled pairs, then speed and memory at scale.

Run from the project root: .venv/bin/python bench/bench_matching.py [--candidates N] [--catalogue N]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from rapidfuzz import process  # noqa: E402

from crawler.match import matching  # noqa: E402
from crawler.match.matching import REVIEW_SCORE, TITLE_SCORER, Matcher, ProviderResolver  # noqa: E402
from crawler.match.normalise import normalise_title, normalise_titles  # noqa: E402
from crawler.registry import load_registry  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "matching"
SUBJECT_WORDS = (
    "clinical leadership research practice health social care nursing advanced management innovation "
    "quality improvement science evidence based medicine public policy data analytics mental digital "
    "midwifery physiotherapy pharmacy education safety systems thinking translational diabetes obesity "
    "nutrition epidemiology statistics genomics imaging radiography podiatry dementia palliative primary "
    "community urgent emergency critical perioperative paediatric neonatal infection global law ethics"
).split()
AWARD_FORMS = ("MSc", "MA", "PgCert", "PG Dip", "Postgraduate Certificate in", "MRes", "", "", "")


def evaluate_pairs(path: Path, resolver: ProviderResolver) -> dict:
    """Decision counts over the labelled pairs, each judged against a one-entry catalogue."""
    counts, wrong, plain_scores = Counter(), [], {True: [], False: []}
    with open(path, encoding="utf-8", newline="") as f:
        pairs = list(csv.DictReader(f))
    for pair in pairs:
        matcher = Matcher([{"id": "c", "title": pair["catalogue_title"], "provider": pair["catalogue_provider"]}],
                          resolver)
        found = matcher.best(pair["candidate_title"], pair["candidate_provider"])
        decision = found["decision"] if found else "new"
        same = pair["same"] == "1"
        counts[(same, decision)] += 1
        if (decision == "duplicate") != same:
            wrong.append((pair, decision, found["score"] if found else None))
        # Pairs only the title score can separate: same provider, no award conflict, no differing word.
        for c in matcher.candidates(pair["candidate_title"], pair["candidate_provider"], limit=1):
            if "conflict" not in c["reason"] and "words differ" not in c["reason"]:
                plain_scores[same].append(c["score"])
    tp, fp = counts[(True, "duplicate")], counts[(False, "duplicate")]
    positives = sum(v for (same, _), v in counts.items() if same)
    reviewed = counts[(True, "review")] + counts[(False, "review")]
    return {"pairs": len(pairs), "positives": positives, "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / positives if positives else 1.0, "review_share": reviewed / len(pairs),
            "counts": counts, "wrong": wrong, "lowest_same": min(plain_scores[True], default=None),
            "highest_not_same": max(plain_scores[False], default=None)}


def synthetic(n_catalogue: int, n_candidates: int, n_providers: int, seed: int = 7):
    """A catalogue spread over providers, and candidates: 30% variants of its titles, 70% other courses."""
    rng = random.Random(seed)
    providers = [f"Synthetic University {n}" for n in range(n_providers)]
    catalogue = []
    for n in range(n_catalogue):
        words = rng.sample(SUBJECT_WORDS, rng.randint(2, 6))
        catalogue.append({"id": f"s-{n}", "title": f"{rng.choice(AWARD_FORMS)} {' '.join(words).title()}".strip(),
                          "provider": providers[n % n_providers]})
    candidates = []
    for _ in range(n_candidates):
        if rng.random() < 0.3:
            row = rng.choice(catalogue)
            words = row["title"].split()
            rng.shuffle(words)
            title = " ".join(words).lower() + rng.choice(("", " (Online)", " (Part-time)"))
            candidates.append({"title": title, "provider": row["provider"].upper()})
        else:
            words = rng.sample(SUBJECT_WORDS, rng.randint(2, 6))
            candidates.append({"title": f"{rng.choice(AWARD_FORMS)} {' '.join(words)}",
                               "provider": rng.choice(providers)})
    return providers, catalogue, candidates


def bench_scale(n_catalogue: int, n_candidates: int, n_providers: int, sample: int) -> dict:
    providers, catalogue, candidates = synthetic(n_catalogue, n_candidates, n_providers)
    resolver = ProviderResolver({f"p{n}": [name] for n, name in enumerate(providers)})
    normalise_title.cache_clear()
    start, cpu_start = time.perf_counter(), time.process_time()
    matcher = Matcher(catalogue, resolver)
    results = matcher.match_many(candidates)
    elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    decisions = Counter(r["decision"] if r else "new" for r in results)
    normalise_title.cache_clear()
    start, cpu_start = time.perf_counter(), time.process_time()
    normalise_titles(row["title"] for row in catalogue + candidates)  # as Matcher does: one batch
    normalising, normalising_cpu = time.perf_counter() - start, time.process_time() - cpu_start

    # Scoring alone, on the normalised keys: one cdist per provider block against
    # the same scorer called once per (candidate, catalogue entry) in a Python loop.
    # (Matcher scores ratio on word-sorted titles, the same numbers at less cost.)
    blocks, queries = defaultdict(list), defaultdict(list)
    for row in catalogue:
        blocks[resolver.resolve(row["provider"])].append(normalise_title(row["title"]).key)
    for row in candidates:
        queries[resolver.resolve(row["provider"])].append(normalise_title(row["title"]).key)
    start = time.perf_counter()
    for key, titles in queries.items():
        process.cdist(titles, blocks[key], scorer=TITLE_SCORER, processor=None, score_cutoff=REVIEW_SCORE,
                      dtype=np.float32, workers=-1)
    cdist_time = time.perf_counter() - start
    pairs = [(t, key) for key, titles in queries.items() for t in titles][:: max(1, n_candidates // sample)]
    start = time.perf_counter()
    for title, key in pairs:
        for choice in blocks[key]:
            TITLE_SCORER(title, choice, processor=None, score_cutoff=REVIEW_SCORE)
    loop_time = (time.perf_counter() - start) * n_candidates / len(pairs)
    all_titles = [t for titles in blocks.values() for t in titles]
    few = pairs[:: max(1, len(pairs) // 40)]
    start = time.perf_counter()
    for title, _ in few:
        for choice in all_titles:
            TITLE_SCORER(title, choice, processor=None, score_cutoff=REVIEW_SCORE)
    unblocked_loop = (time.perf_counter() - start) * n_candidates / len(few)
    return {"elapsed": elapsed, "elapsed_cpu": elapsed_cpu, "normalising_cpu": normalising_cpu,
            "decisions": decisions, "normalising": normalising, "cdist": cdist_time,
            "blocked_loop": loop_time, "unblocked_loop": unblocked_loop,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def report_quality(name: str, quality: dict, show_errors: bool) -> None:
    print(f"{name}: {quality['pairs']} ({quality['positives']} same, "
          f"{quality['pairs'] - quality['positives']} not same)")
    print(f"  duplicate precision {quality['precision']:.3f}  recall {quality['recall']:.3f}  "
          f"sent to review {quality['review_share']:.1%}")
    print(f"  with no award conflict and no differing word: lowest score of a same pair "
          f"{quality['lowest_same']}, highest of a not-same pair {quality['highest_not_same']}")
    print("  decisions (same?, decision): " + ", ".join(
        f"{'same' if same else 'not'}/{d}={n}" for (same, d), n in sorted(quality["counts"].items())))
    if show_errors:
        for pair, decision, score in quality["wrong"]:
            print(f"  {pair['same']} {decision:9} {score!s:5} {pair['candidate_title']!r} ({pair['candidate_provider']})"
                  f" ~ {pair['catalogue_title']!r} ({pair['catalogue_provider']}) [{pair['kind']}]")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=FIXTURES / "pairs.csv")
    parser.add_argument("--providers", type=Path, default=FIXTURES / "providers.yaml")
    parser.add_argument("--holdout", type=Path, default=FIXTURES / "holdout.csv",
                        help="pairs labelled before the matcher saw them; providers from the site registry")
    parser.add_argument("--sites", type=Path, default=None, help="site registry for the held-out pairs")
    parser.add_argument("--catalogue", type=int, default=20_000)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--provider-count", type=int, default=200)
    parser.add_argument("--sample", type=int, default=2_000, help="candidates timed in the plain loop")
    parser.add_argument("--sweep", action="store_true", help="try other thresholds on the labelled pairs")
    parser.add_argument("--show-errors", action="store_true", help="list the pairs decided wrongly")
    parser.add_argument("--quality-only", action="store_true", help="skip the scale benchmark")
    args = parser.parse_args(argv)

    labelled = [("labelled pairs", evaluate_pairs(args.pairs, ProviderResolver.from_yaml(args.providers)))]
    if args.holdout.exists():
        registry_resolver = ProviderResolver.from_registry(load_registry(args.sites))
        labelled.append(("held-out pairs", evaluate_pairs(args.holdout, registry_resolver)))
    for name, quality in labelled:
        report_quality(name, quality, args.show_errors)

    if args.sweep:
        print("  threshold sweep (duplicate, review): precision recall review-share")
        saved = matching.DUPLICATE_SCORE, matching.REVIEW_SCORE
        for duplicate in (80.0, 85.0, 90.0, 95.0):
            for review in (70.0, 75.0, 80.0, 85.0):
                matching.DUPLICATE_SCORE, matching.REVIEW_SCORE = duplicate, min(review, duplicate)
                q = evaluate_pairs(args.pairs, ProviderResolver.from_yaml(args.providers))
                print(f"    {duplicate:4.0f} {review:4.0f}: {q['precision']:.3f} {q['recall']:.3f} {q['review_share']:.1%}")
        matching.DUPLICATE_SCORE, matching.REVIEW_SCORE = saved

    if args.quality_only:
        return
    scale = bench_scale(args.catalogue, args.candidates, args.provider_count, args.sample)
    print(f"scale: {args.candidates:,} candidates x {args.catalogue:,} catalogue entries "
          f"over {args.provider_count} providers")
    print(f"  end to end (Matcher() + match_many, cold caches): {scale['elapsed']:.2f} s wall, "
          f"{scale['elapsed_cpu']:.2f} s CPU (all threads); peak RSS of this process {scale['maxrss_mb']:.0f} MB")
    print(f"  of which normalising {args.catalogue + args.candidates:,} titles (timed again on their own, "
          f"as Matcher does it: normalise_titles, one batch): {scale['normalising']:.2f} s wall, "
          f"{scale['normalising_cpu']:.2f} s CPU "
          f"({scale['normalising_cpu'] / (args.catalogue + args.candidates) * 1e6:.1f} us a title)")
    print(f"  the rest (blocking, scoring, deciding): {scale['elapsed'] - scale['normalising']:.2f} s wall, "
          f"{scale['elapsed_cpu'] - scale['normalising_cpu']:.2f} s CPU")
    print(f"  decisions: {dict(scale['decisions'])}")
    print(f"  scoring only, cdist per provider block: {scale['cdist']:.2f} s")
    print(f"  scoring only, per-pair Python loop in the same blocks (extrapolated from {args.sample:,} "
          f"candidates): {scale['blocked_loop']:.1f} s = {scale['blocked_loop'] / scale['cdist']:.0f}x the cdist time")
    print(f"  scoring only, per-pair loop without blocking (extrapolated): {scale['unblocked_loop']:.0f} s = "
          f"{scale['unblocked_loop'] / scale['cdist']:.0f}x")


if __name__ == "__main__":
    main()
