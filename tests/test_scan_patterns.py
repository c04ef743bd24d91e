"""crawler/scan first literals: every match of a pattern starts with one, so scanning finds what re finds."""

import re
from pathlib import Path

import lxml.html
import pytest

from crawler.facts import modes, pagecues, pagekind
from crawler.scan.firsts import ANY_DIGIT, first_literals
from crawler.scan.patterns import PatternGroup

EXTRACT_PAGES = Path(__file__).parent / "fixtures" / "extract"


@pytest.mark.parametrize("pattern, expected", [
    (r"\bfull[\s-]?time\b|\bpart", {"full", "part"}),
    # An optional group: either the group's start or what follows it.
    (r"\b(?:course\s+)?duration\b", {"course", "duration"}),
    # A branch parsed after a shared letter ("p" then "ublished|osted") is spelled out.
    (r"\b(?:published|posted)\s+on", {"publishe", "posted"}),
    (r"[£$€]\s?\d", {"£", "$", "€"}),
    # A digit may be any Unicode digit: marked, not spelled out.
    (r"\b\d{1,3}\s+weeks|\bone\s+week", {ANY_DIGIT, "one"}),
    (r"\bab\d", {"ab"}),
    # Lookarounds take no characters.
    (r"(?!iso)[a-c]x", {"ax", "bx", "cx"}),
    # Unbounded starts: a word character, any character, a long class, an optional whole, re.I.
    (r"\b\w+\s+weeks", None),
    (r".x", None),
    (r"[a-z]+", None),
    (r"(?:abc)?", None),
    (re.compile(r"\bfees\b", re.I), None),
])
def test_first_literals(pattern, expected):
    compiled = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
    found = first_literals(compiled)
    assert found == (None if expected is None else frozenset(expected))


def _spans(matches):
    return [(m.start(), m.end(), m.group(0)) for m in matches]


def _page_texts() -> list[str]:
    texts = []
    for path in sorted(EXTRACT_PAGES.glob("*.html")):
        text = lxml.html.document_fromstring(path.read_bytes()).text_content()
        texts += [text, text.lower()]
    # Near misses: inside words, digits of other scripts, a phrase at the very start and end.
    texts.append("full-time\n٣ weeks full-time, 12 weeks; posted on 3 May 2024. refulltime, duration")
    return texts


@pytest.mark.parametrize("group", [
    pagecues._COURSE_CUE_GROUP, pagekind._TEXT_CUE_GROUP, pagecues._PAST_GROUP,
    PatternGroup(dict(modes._TEXT_PATTERNS_LOWER)), pagecues._RIVAL_GROUP, pagecues._HEAD_GROUP,
], ids=["course cues", "text cues", "narration", "modes", "rival cues", "page head"])
def test_a_group_finds_what_re_finds(group):
    texts = _page_texts()
    assert len(texts) > 20
    for text in texts:
        scanned = group.scan(text)
        for key, pattern in group.patterns.items():
            assert _spans(scanned.finditer(key)) == _spans(pattern.finditer(text)), key
            assert scanned.findall(key) == pattern.findall(text), key
            found, expected = scanned.search(key), pattern.search(text)
            assert (found and found.span()) == (expected and expected.span()), key
