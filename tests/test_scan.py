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


@pytest.mark.parametrize("text", [
    "fheq level 7; the he 6 level; academic level 5 and credit level 4; level 7 (fheq)",
    "theme 5 level 6 (FHEQ) – other 7; she 8; he7 heLevel 6 academic8",
    "the level 5 (fheq and level 6 fheq; credit 70; academiclevel 7",
    "no levels here at all, just the weather",
])
def test_anchor_starts_find_every_stated_level(text):
    from crawler.facts import levels
    from crawler.scan.literals import anchor_starts
    lowered = text.lower()
    starts = anchor_starts(levels._STATED_FHEQ_ANCHORS, lowered)
    assert _spans(finditer_at(levels._STATED_FHEQ_LOWER, lowered, starts)) == \
        _spans(levels._STATED_FHEQ_LOWER.finditer(lowered))


def test_anchor_starts_include_overlapping_matches():
    from crawler.scan.literals import anchor_starts
    assert anchor_starts([re.compile("aa"), re.compile("ab")], "aaab") == [0, 1, 2]


@pytest.mark.parametrize("literal, text", [
    ("a", "a banana, a-z"), ("aa", "aaaa"), ("’", "it’s the course’s"), ("£", "no fee"), ("x", ""),
])
def test_occurrences_are_what_the_automaton_finds(literal, text):
    from crawler.scan.literals import occurrences

    assert occurrences(text, literal) == LiteralIndex([literal]).starts(text).get(literal, [])


def test_single_letter_literals_are_found_only_when_asked():
    from crawler.facts import pagekind

    group = pagekind._TEXT_CUE_GROUP
    assert "a" in group.single and "a" not in group._index.literals  # the listing cue's "a"
    scanned = group.scan("browse a - z of courses, a to z")
    assert scanned._singles == {}
    assert [m.span() for m in scanned.finditer("listing")] == [m.span() for m in group.patterns["listing"].finditer(scanned.text)]
    assert "a" in scanned._singles
