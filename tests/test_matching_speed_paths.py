"""The matcher's fast paths give what the straightforward ones give, on many titles.

The speed work on matching (bench/bench_matching.py) must not change a decision, so each
shortcut is compared here with the plain computation it replaces: the titles of the
bench's synthetic workload, the labelled pairs and the catalogue.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import process

from crawler.matching import REVIEW_SCORE, SORTED_TITLE_SCORER, TITLE_SCORER, sorted_words
from crawler.normalise import normalise_title, normalise_titles

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "matching"


def _bench_matching():
    spec = importlib.util.spec_from_file_location("bench_matching", ROOT / "bench" / "bench_matching.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fixture_titles() -> list[str]:
    titles = []
    for name in ("pairs.csv", "holdout.csv"):
        with open(FIXTURES / name, encoding="utf-8", newline="") as f:
            titles += [t for row in csv.DictReader(f) for t in (row["candidate_title"], row["catalogue_title"])]
    with open(ROOT / "data" / "catalogue.csv", encoding="utf-8", newline="") as f:
        titles += [row["title"] for row in csv.DictReader(f)]
    return titles


@pytest.fixture(scope="module")
def titles() -> list[str]:
    _, catalogue, candidates = _bench_matching().synthetic(2_000, 6_000, 20)
    return [row["title"] for row in catalogue + candidates] + _fixture_titles()


def test_ratio_of_sorted_words_is_token_sort_ratio(titles):
    subjects = [normalise_title(t).subject for t in titles]
    queries, choices = subjects[::3], subjects[1::4]
    plain = process.cdist(queries, choices, scorer=TITLE_SCORER, processor=None, score_cutoff=REVIEW_SCORE,
                          dtype=np.float32)
    fast = process.cdist([sorted_words(q) for q in queries], [sorted_words(c) for c in choices],
                         scorer=SORTED_TITLE_SCORER, processor=None, score_cutoff=REVIEW_SCORE, dtype=np.float32)
    assert np.count_nonzero(plain) > 1_000  # the sample has pairs above the cut-off to compare
    assert np.array_equal(plain, fast)


def test_batch_normalising_is_normalise_title(titles):
    normalise_title.cache_clear()
    batch = normalise_titles(titles)
    normalise_title.cache_clear()
    assert batch == [normalise_title(t) for t in titles]
