"""crawler/scan: trying a pattern only where its literals occur finds what re finds everywhere."""

import re

import pytest

import scope_rules
from crawler.scan.literals import LiteralIndex, candidate_starts, finditer_at, search_at


def _spans(matches):
    return [(m.start(), m.end(), m.group(0)) for m in matches]


@pytest.mark.parametrize("pattern, literals, text", [
    # A word boundary before the start is read from the text before the offset, as re does.
    (r"\b(?:care)\b", ["care"], "healthcare and health care, care-home; care"),
    # Overlapping literals: the leftmost match wins and the next starts after it.
    (r"\b(?:health\s*care|care\s*home|health)s?\b", ["health", "care"], "health care home healthcare homes health"),
    # A wildcard phrase: the literal is the part before the "*".
    (r"\bimprov\w*\b", ["improv"], "improve, improvement and improving; disimprove"),
    # Near misses that must not match: inside a word, a literal with no match after it.
    (r"\b(?:lean)\b", ["lean"], "clean leaner unclean lean."),
    ("\\b(?:qualit\\w*)\\b", ["qualit"], "équalité qualité"),
    (r"\b(?:a)\b", ["a"], "a aa a-a a"),
])
def test_finditer_at_finds_what_finditer_finds(pattern, literals, text):
    compiled = re.compile(pattern)
    starts = candidate_starts(LiteralIndex(literals).starts(text), literals)
    assert _spans(finditer_at(compiled, text, starts)) == _spans(compiled.finditer(text))
    first = search_at(compiled, text, starts)
    expected = compiled.search(text)
    assert (first and first.span()) == (expected and expected.span())


def test_an_empty_literal_is_refused():
    with pytest.raises(ValueError):
        LiteralIndex(["care", ""])


def test_literal_starts_include_overlaps():
    found = LiteralIndex(["he", "she", "hers"]).starts("ushers")
    assert found == {"she": [1], "he": [2], "hers": [2]}


def test_every_scope_list_scans_as_its_pattern_does():
    rules = scope_rules.load_scope_rules()
    text = ("Quality improvement in health care and healthcare: evidence-based practice, evidence based "
            "medicine, lean six sigma, quality of life, implementation science and clinical-academic careers. "
            "Software quality assurance, school improvement, the NHS, nurses, patient safety, service "
            "improvement, laboratory quality, product innovation, pre-registration nursing. ") * 3
    text = text.lower()
    found = rules.literal_index.starts(text)
    for term_list in rules.lists:
        starts = candidate_starts(found, term_list.literals)
        assert _spans(finditer_at(term_list.pattern, text, starts)) == _spans(term_list.pattern.finditer(text)), \
            term_list.name
