"""The matcher's fast paths give what the straightforward ones give, on many titles.

The speed work on matching (bench/bench_matching.py) must not change a decision, so each
shortcut is compared here with the plain computation it replaces: the titles of the
bench's synthetic workload, the labelled pairs and the catalogue.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from rapidfuzz import process

from crawler.match.matching import REVIEW_SCORE, SORTED_TITLE_SCORER, TITLE_SCORER, sorted_words
from crawler.match import normalise
from crawler.match.normalise import normalise_title, normalise_titles
from tests.support.title_samples import bench_matching, fixture_titles, generated_titles


@pytest.fixture(scope="module")
def titles() -> list[str]:
    _, catalogue, candidates = bench_matching().synthetic(2_000, 6_000, 20)
    return [row["title"] for row in catalogue + candidates] + fixture_titles() + generated_titles(20_000)


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


def _texts(titles: list[str]) -> list[str]:
    """The titles as written, case-folded (as normalise_title has them), and a few awkward ones."""
    awkward = ["m sc  nursing", " msc", "msc ", "ma_ma", "m.sc. (hons) ba", "post grad cert in x", "ph d",
               "masters' degree", "d phil and dphil", "bsc hons", "pg cert / pg dip / msc", "ſhort courſe",
               "Ma", "MSC Leadership", "café msc", "msc\tleadership", "p g dip", "degree apprenticeship"]
    return titles + [t.casefold() for t in titles] + awkward


def test_awards_replaced_are_the_pattern_s(titles):
    # Lower-case ASCII text takes the case-sensitive alternation without named groups, the
    # award read back from the matched text; the rest takes AWARD_PATTERN itself. Both must
    # give the spans and the awards the named re.IGNORECASE pattern gives.
    def label(award):
        return f"<{award}>"

    def plain(text):
        return normalise.AWARD_PATTERN.sub(lambda m: label(normalise._AWARD_GROUP[m.lastgroup]), text)

    texts = _texts(titles)
    assert sum(1 for t in texts if t.isascii() and t.islower() and plain(t) != t) > 5_000  # the fast path is tried
    assert [normalise.replace_awards(t, label) for t in texts] == [plain(t) for t in texts]


# Words a title of letters and spaces may hold that some step of the full normalising acts on:
# delivery words, awards spelled over several words, subject awards, connectors, nouns, respellings.
_PLAIN_EXTRAS = ["part time", "full time", "parttime", "distance learning", "by distance learning", "time",
                 "learning", "Part Time", "level", "pathway", "fheq level", "online", "  ", "", "master of science",
                 "Master of Business Administration", "mba mba", "MPH", "mpa", "apprenticeship", "degree apprenticeship",
                 "p g dip", "m sc", "ph d", "post grad cert", "bsc hons", "ba honours", "in", "of", "with", "the",
                 "programme", "program", "course", "health care", "organisation", "specialising", "centre", "is"]


@pytest.fixture(scope="module")
def plain_titles(titles) -> list[str]:
    """Titles of ASCII letters and spaces: the sample's own, and its words and _PLAIN_EXTRAS joined at random."""
    rng = random.Random(5)
    words = [w for t in titles for w in t.split() if w.isascii() and w.isalpha()] + _PLAIN_EXTRAS
    generated = [" ".join(rng.choice(words if rng.random() < 0.6 else _PLAIN_EXTRAS) for _ in range(rng.randint(1, 6)))
                 for _ in range(20_000)]
    return [t for t in titles + generated + _PLAIN_EXTRAS if t.isascii() and t.replace(" ", "").isalpha()]


def test_plain_titles_lose_what_the_full_preparation_takes(plain_titles):
    # A title of ASCII letters and spaces skips the code, level, bracket and separator steps;
    # what is left must be what the full steps leave, trailing delivery words included.
    assert len(plain_titles) > 25_000
    assert ([normalise._plain_without_delivery(t) for t in plain_titles]
            == [normalise._without_delivery(t) for t in plain_titles])


def test_needle_tests_name_every_needle():
    # The written-out substring tests stand for the data they skip the patterns by.
    assert all(normalise._may_repeat_subject_award(name) for name in normalise.SUBJECT_AWARDS.values())
    assert all(normalise._may_respell_words(needle) for needle, _, _ in normalise._SPELLINGS if needle)
    assert not normalise._may_respell_words("clinical leadership") and not normalise._may_repeat_subject_award("ma")


def _full_normalising(title: str) -> normalise.Title:
    """normalise_title by every step, with no short cut for titles of letters and spaces."""
    return normalise._title_of(*normalise._without_delivery(title or ""))


def test_plain_titles_normalise_as_by_every_step(plain_titles):
    # _plain_title splits the awards out in one pass and skips what such a title cannot hold.
    assert sum(1 for t in plain_titles if normalise._plain_title(t).awards) > 10_000
    assert sum(1 for t in plain_titles if len(normalise._plain_title(t).awards) > 1) > 1_000
    assert [normalise._plain_title(t) for t in plain_titles] == [_full_normalising(t) for t in plain_titles]


def test_titles_ending_in_a_delivery_bracket_normalise_as_by_every_step(plain_titles):
    # "X (Online)": the bracket goes (or leaves its award words) and the rest is a plain title.
    rng = random.Random(13)
    brackets = ["(Online)", "(Part-time)", "(part time)", "(Full-time)", "(Distance Learning)", "(e-learning module)",
                "(Online module)", "(time)", "(Nursing)", "(MSc)", "(Online)(Online)", "( Online )", "()", "(-)",
                "(Part-time) x", "(1 year full-time)", "(Pathway in Nursing)", "[Online]", "(On Demand)", "(CPD)"]
    heads = [rng.choice(plain_titles) for _ in range(20_000)] + ["", " ", "x", "part", "x part", "learning by distance"]
    titles = [head + rng.choice(("", " ", "  ")) + rng.choice(brackets) for head in heads]
    titles += [head + " " + bracket for head in ("x part", "x full", "x by distance", "msc in", "pathway")
               for bracket in brackets]
    assert sum(1 for t in titles if normalise._plain_without_delivery_bracket(t) is not None) > 10_000
    assert [normalise.normalise_title.__wrapped__(t) for t in titles] == [_full_normalising(t) for t in titles]


def test_titles_are_normalised_as_by_every_step(titles):
    # Every way in, short cut or not, over the whole sample.
    assert [normalise.normalise_title.__wrapped__(t) for t in titles] == [_full_normalising(t) for t in titles]


def test_awards_in_letters_and_spaces_are_the_pattern_s():
    # Text of letters and spaces is searched behind a space: award words in any order, one to
    # three spaces apart, with spaces or none at either end.
    words = ("master of science arts research public health business administration masters degree m sc ma mba "
             "post grad graduate postgraduate cert certificate p g dip diploma pgc pgd doctor philosophy ph d phil "
             "professional doctorate prof doc drph edd bachelor bsc ba hons honours foundation fd fda fdsc higher "
             "apprenticeship short course module fellowships fellows nursing leadership and in").split()
    rng = random.Random(11)
    texts = []
    for _ in range(20_000):
        text = "".join(rng.choice(words) + " " * rng.randint(1, 3) for _ in range(rng.randint(1, 6)))
        texts.append(" " * rng.randint(0, 2) + text[:len(text.rstrip()) + rng.randint(0, 2)])

    def label(award):
        return f"<{award}>"

    plain = [normalise.AWARD_PATTERN.sub(lambda m: label(normalise._AWARD_GROUP[m.lastgroup]), t) for t in texts]
    assert sum(1 for t, p in zip(texts, plain) if t != p) > 12_000
    assert [normalise.replace_awards(t, label) for t in texts] == plain


# Spellings written as one group before a common ending, now spread over alternatives that
# each start with a letter (so they can be gathered by first letter): the same matches.
_SPELLINGS_BEFORE = (
    ("BSc", r"(?:bachelor\s+of\s+science|b\.?\s?sc)(?:\s*\(\s*hons\s*\)|\s+hon(?:ou)?rs)?"),
    ("BA", r"(?:bachelor\s+of\s+arts|b\.a\.|ba)(?:\s*\(\s*hons\s*\)|\s+hon(?:ou)?rs)?"),
    ("apprenticeship", r"(?:degree\s+|higher\s+)?apprenticeship"),
)


@pytest.mark.parametrize("award, before", _SPELLINGS_BEFORE)
def test_spellings_spread_over_alternatives_match_as_before(award, before, titles):
    now = dict(normalise._AWARD_SPELLINGS)[award]
    texts = _texts(titles) + ["bsc (hons) x", "b sc honours", "b.a. (hons)", "ba hons", "bachelor of arts honors",
                              "degree  apprenticeship", "higher apprenticeship", "b.sc(hons)", "ba ( hons )"]

    def spans(pattern):
        compiled = re.compile(rf"(?<!\w)(?:{pattern})(?![\w'])", re.IGNORECASE)
        return [[m.span() for m in compiled.finditer(t)] for t in texts]

    assert sum(map(len, spans(before))) > 50
    assert spans(before) == spans(now)


def test_only_words_is_the_not_word_pattern(titles):
    texts = _texts(titles) + ["a_b", "a  b", "  ", "", "x\u00a0y", "a-b", "\u0661\u0662 x"]
    assert [normalise._only_words(t) for t in texts] == [normalise._NOT_WORD.sub(" ", t).strip() for t in texts]


def test_award_spellings_are_written_in_small_letters():
    # What lets the case-sensitive alternation stand in for the re.IGNORECASE one over text
    # without capitals: a capital (or \\S, \\W) in a spelling would match differently.
    assert all(spelling == spelling.lower() for _, spelling in normalise._AWARD_SPELLINGS)


def test_one_thread_and_every_core_decide_alike(monkeypatch):
    """Small cdist calls run on one thread (crawl pages), big ones on every core (batches): same results."""
    from crawler.match import matching

    providers, catalogue, candidates = bench_matching().synthetic(2_000, 3_000, 4)
    resolver = matching.ProviderResolver({f"p{n}": [name] for n, name in enumerate(providers)})
    results = {}
    for name, threshold in (("one thread", 10**12), ("every core", 0)):
        monkeypatch.setattr(matching, "THREADED_PAIRS", threshold)
        results[name] = matching.Matcher(catalogue, resolver).match_many(candidates)
    assert sum(1 for r in results["one thread"] if r) > 500
    assert results["one thread"] == results["every core"]
