"""crawler/scan/boundaries: one word-boundary test for a run of alternatives is the same regex."""

import re

import pytest

from crawler.facts import modes
from crawler.scan.boundaries import boundary_first, top_level_alternatives
from tests.test_scan_patterns import _page_texts


def _spans(pattern, text):
    return [(m.start(), m.end(), m.groups()) for m in pattern.finditer(text)]


def test_alternatives_split_only_at_the_top_level():
    assert top_level_alternatives(r"\ba|(?:b|c)|[|\]]x|\\|d") == [r"\ba", "(?:b|c)", r"[|\]]x", "\\\\", "d"]
    assert top_level_alternatives(r"[]|]|[^]|]|e") == ["[]|]", "[^]|]", "e"]


@pytest.mark.parametrize("source, expected", [
    (r"\bone\b|\btwo\b", r"\b(?:one\b|two\b)"),
    # Order is kept: an alternative without a boundary ends the run and stays where it was.
    (r"\ba|\bb|[(]c|\bd", r"\b(?:a|b)|[(]c|\bd"),
    (r"\\bnot|\bword", r"\\bnot|\bword"),  # an escaped backslash then "b" is not a boundary
    (r"\bsingle", r"\bsingle"),
])
def test_runs_of_boundary_alternatives_share_one_boundary(source, expected):
    assert boundary_first(source) == expected


@pytest.mark.parametrize("mode, source", modes._TEXT_MODES + modes._LABEL_MODES)
def test_a_rewritten_pattern_matches_what_the_original_matches(mode, source):
    texts = _page_texts() + ["Full-time study; studied part time (Part-time)\n- part-time: 2 years\nonline course, in person"]
    for flags in (0, re.I):
        original, rewritten = re.compile(source, flags), re.compile(boundary_first(source), flags)
        for text in texts:
            assert _spans(rewritten, text) == _spans(original, text), (mode, text[:80])


def test_every_rewritten_pattern_matches_what_its_source_matches():
    import crawler.extract  # noqa: F401 - compiles the facts' patterns
    import crawler.facts.pagekind  # noqa: F401
    from crawler.scan.boundaries import REWRITTEN

    assert len(REWRITTEN) >= 30
    texts = _page_texts()
    for rewritten, source in REWRITTEN.items():
        original = re.compile(source, rewritten.flags)
        for text in texts:
            assert _spans(rewritten, text) == _spans(original, text), source[:60]
