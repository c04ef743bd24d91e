"""crawler/scan/anchors: a pattern is ruled out only where it cannot match, so found_in is re's answer."""

from __future__ import annotations

import re

import pytest

from crawler.facts import modes
from crawler.scan.anchors import AnchoredSearch, anchors
from crawler.scan.boundaries import top_level_alternatives
from tests.test_scan_patterns import _page_texts


def _words(source: str, flags: int = 0):
    found = anchors(source, re.compile(source, flags).flags)
    return None if found is None else [(word, rest.pattern) for word, rest in found]


@pytest.mark.parametrize("source, expected", [
    # The longest run outside groups; a character a quantifier follows is not in it.
    (r"\b(?:clinical|practice)\s+placements?\b", [("placement", r"placements?\b")]),
    (r"\bwork[\s-]?based\s+(?:\w+\s+)?(?:learning|project)\b", [("based", r"based\s+(?:\w+\s+)?(?:learning|project)\b")]),
    (r"\bin\s+your\s+(?:own\s+)?workplace\b|\bbackfill\b", [("workplace", r"workplace\b"), ("backfill", r"backfill\b")]),
    # An escaped punctuation mark is itself; \b, \s and \d are not letters.
    (r"\bm\.sc\s+course", [("course", "course")]),
    (r"\bab\.cd\d", [("ab.cd", r"ab\.cd\d")]),
    (r"\bsees\b", [("sees", r"sees\b")]),
    # An alternative that is one group is read inside, its flags kept.
    (r"(?m:^\s*(?:[•·*-]\s*)?full[\s-]?time\s*(?:\(|:))", [("full", r"(?m:full[\s-]?time\s*(?:\(|:))")]),
    # The count of a repeat is no text: "{0,200}" is not a run of characters.
    (r"\bx\s+(?:\w+\s+){0,200}yz", None),
    (r"\bthis\s+(?:\w+\s+){0,2}course\b", [("course", r"course\b")]),
    (r"\bab{2}cde", [("cde", "cde")]),
    # Nothing in a repeated group is read.
    (r"(?:online\s+)+course|\bweb", [("course", "course"), ("web", "web")]),
    # No anchor: an alternative with no run of three letters, a group reference, a
    # capturing group as the whole alternative.
    (r"\bonline\b|\bon\s+it", None),
    (r"\ba{3}bc", None),
    (r"(\w+)\s+\1", None),
    (r"(online\s+course)", None),
])
def test_anchors(source, expected):
    assert _words(source) == expected


def test_case_insensitive_patterns_have_no_anchors():
    assert _words(r"\bonline\s+course\b", re.I) is None
    assert _words(r"(?i)\bonline\s+course\b") is None


# A phrase for each alternative of each mode's text pattern (the patterns run on lowercased text).
MODE_PHRASES = [
    "full-time study", "studied on a full time", "full time or part-time", "part-time and full-time", "3 years of full-time",
    "( full-time )", "• full-time: 1 year", "part-time flexible study", "available part time", "2 months part-time",
    "[part-time]", "part-time (2 years)", "programme, part-time", "one day a week", "half a days each week",
    "on our main campus", "campus-based", "face-to-face / online teaching", "in-person workshops", "classroom based",
    "taught in person", "workshop, in-person", "online or in-person", "in person and virtual", "residential weeks",
    "distance learning", "by distance", "distance education", "taught entirely online", "100% online", "online seminars",
    "e-learning", "elearning", "on-demand", "online and part time", "from home, online", "from anywhere", "(online)",
    "online and open access", "virtually (live)", "virtual learning", "virtual / in-person", "delivered virtually",
    "join our webinars", "blended learning", "hybrid mode", "mix of campus", "combines online and face to face",
    "part-residential", "work-based learning", "workbased final project", "workplace-based", "in your own workplace",
    "apply it in practice", "apply what you learn at work", "within their own organization", "in your own work area",
    "protected study time", "backfill", "runs alongside your clinical practice", "in parallel with your clinical training",
    "while continuing in clinical practice", "practice placements", "your placement will", "use in the workplace",
]


def test_every_alternative_has_a_phrase():
    alternatives = [(mode, alt) for mode, source in modes._TEXT_MODES for alt in top_level_alternatives(source)]
    for mode, alternative in alternatives:
        assert any(re.search(alternative, phrase) for phrase in MODE_PHRASES), (mode, alternative)


@pytest.mark.parametrize("mode, source", modes._TEXT_MODES)
def test_a_mode_pattern_is_found_where_re_finds_it(mode, source):
    search = AnchoredSearch(source)
    assert search.by_word is not None  # every mode pattern is anchored, so the anchors are what is tested
    texts = [t.lower() for t in _page_texts()] + MODE_PHRASES + [f"Before. {p}. After" for p in MODE_PHRASES]
    texts += ["fulltime", "part of the time", "placementss", "clinical placement", "a week", "in person", "a workplace-ish thing", "own work place", ""]
    for text in texts:
        assert search.found_in(text) == (re.search(source, text) is not None), (mode, text[:80])


def test_modes_in_text_uses_the_faster_pattern_and_gives_the_plain_answer():
    for text in _page_texts() + MODE_PHRASES:
        lowered = text.lower()
        plain = {mode for mode, pattern in modes._TEXT_PATTERNS
                 if any(word in lowered for word in modes._TEXT_GUARDS[mode]) and pattern.search(text)}
        assert modes.modes_in_text(text) == plain, text[:80]


APPLY_PHRASES = ["apply now", "how to apply", "apply online", "apply for this", "book now", "book onto", "book on this",
                 "enrol now", "register now", "register for this module", "start the course", "start course"]


def test_the_apply_cue_is_found_where_re_finds_it():
    from crawler.facts import pagekind

    search = pagekind._APPLY_SEARCH
    assert search.by_word is not None
    for phrase in APPLY_PHRASES:
        assert re.search(pagekind._APPLY_SOURCE, phrase), phrase
    texts = [t.lower() for t in _page_texts()] + APPLY_PHRASES + ["apply", "reapply now", "booking now", "register"]
    assert sum(search.found_in(text) for text in texts) > 10
    for text in texts:
        assert search.found_in(text) == (re.search(pagekind._APPLY_SOURCE, text) is not None), text[:80]


def test_anchored_search_answers_as_re_for_every_cue_pattern():
    # The page-type cues are varied regexes (counted repeats, optional groups, lookarounds,
    # line anchors): found_in must give re's answer for each, anchored or not.
    from crawler.facts import pagecues, pagekind

    patterns = [*pagecues._HEAD_GROUP.patterns.values(), *pagekind._TEXT_CUES.values()]
    texts = [t.lower() for t in _page_texts()] + _page_texts()
    anchored = 0
    for pattern in patterns:
        search = AnchoredSearch(pattern.pattern, pattern.flags)
        anchored += search.by_word is not None
        for text in texts:
            assert search.found_in(text) == (pattern.search(text) is not None), (pattern.pattern[:60], text[:80])
    assert anchored >= 8
