"""crawler/facts/pagecues' shortcuts give the cues the plain definitions give."""

from __future__ import annotations

import re

import pytest

from crawler.facts import pagecues, pagekind
from tests.test_scan_patterns import _page_texts


def plain_rival_cues(lowered: str, title_end: int = 0) -> list:
    """rival_cues with each guard word tested by a substring search."""
    found = []
    for n, (kind, cue, weight, guards, pattern) in enumerate(pagecues.RIVAL_CUES):
        if not any(word in lowered for word in guards):
            continue
        match = pattern.search(lowered)
        if match:
            weight = weight * 2 if match.start() < title_end else weight
            found.append((kind, cue, weight, " ".join(match.group(0).split())[:40]))
    if not any(cue == "date line" for _, cue, _, _ in found) and (dated := pagecues.date_line_cue(lowered)):
        found.append(dated)
    return found


AWKWARD = [
    "", "|", "posted on 3 may 2024 by jo", "by jane doe | tuesday", "press release: the msc launched today",
    "“we are delighted,” said dr smith", "frequently asked questions", "faqs\nhow do i apply", "job description\ngrade: 7",
    "dear colleague,\nwe are writing to you", "uploaded by someone\n215 views", "image: getty", "resource: a worksheet (pdf)",
    "our research group", "intention to fund", "13 november 2019",
]


def test_rival_cues_are_the_plain_definition():
    texts = [text.lower() for text in _page_texts()] + AWKWARD
    assert sum(bool(plain_rival_cues(text)) for text in texts) >= 15  # the texts carry cues to find
    for text in texts:
        for title_end in (0, 30):
            assert pagecues.rival_cues(text, title_end) == plain_rival_cues(text, title_end), text[:80]


def test_rival_cues_from_the_head_scan_are_the_plain_definition():
    texts = [text.lower() for text in _page_texts()] + AWKWARD
    for text in texts:
        for title_end in (0, 30):
            for scanned in (pagecues.scan_head(text), pagekind._HEAD_SCAN_GROUP.scan(text)):
                assert pagecues.rival_cues(text, title_end, scanned) == plain_rival_cues(text, title_end), text[:80]


@pytest.mark.parametrize("group", [pagecues._RIVAL_GROUP, pagecues._HEAD_GROUP, pagekind._HEAD_SCAN_GROUP],
                         ids=["rival cues", "page head", "page head and text cues"])
def test_every_guard_word_is_looked_for(group):
    words = {word for cue in pagecues.RIVAL_CUES for word in cue[3]}
    assert group.words == words
    # In the literal pass, but for "|", which ScannedText.has looks for with ``in``.
    assert {word for word in words if len(word) > 1} <= group._index.literals


# Titles before the head: none, plain, ones that end in a word character or a cue's own words.
TITLES = ["", "MSc Nursing", "Search results", "Research project: news", "Ends with Σ", "İ"]


def _text_cue_heads() -> list[str]:
    heads = [text[:4000] for text in _page_texts()]
    return heads + ["", "venue\ndate and time\n10:00 - 12:00", "project team\nfunders", "a-z\nbrowse all courses",
                    "publications\nbiography", "12 results for msc"]


def test_text_cues_read_from_the_head_scan_are_the_cues_of_the_head_alone():
    found = 0
    for head in _text_cue_heads():
        lowered_head = head.lower()
        for title in TITLES:
            lowered = f"{title}\n{head}".lower()
            start = pagekind.head_start(lowered, lowered_head)
            assert start == len(title.lower()) + 1  # "İ" lowercases to two characters
            scanned = pagekind._HEAD_SCAN_GROUP.scan(lowered)
            for (_, kind), pattern in pagekind._LOWERCASE_TEXT_CUES.items():
                expected = pattern.findall(lowered_head)
                found += bool(expected)
                assert scanned.findall(("text", kind), start) == expected, (kind, title, head[:60])
    assert found >= 20  # the heads carry cues to find


@pytest.mark.parametrize("pattern", list(pagekind._LOWERCASE_TEXT_CUES.values()))
def test_lowercase_text_cues_look_back_no_further_than_a_line_break(pattern):
    """What makes reading from the head's start in "title\nhead" the same as reading the head:
    only a boundary or a multiline ``^`` looks at the character before a match."""
    assert "(?<" not in pattern.pattern and "\\A" not in pattern.pattern
    assert "^" not in pattern.pattern or pattern.flags & re.M


@pytest.mark.parametrize("lowered, lowered_head, expected", [
    ("msc\nthe head", "the head", 4),
    ("\nthe head", "the head", 1),
    ("msc\n", "", 4),
    ("the head", "the head", None),  # no line break before it
    ("msc the head", "the head", None),
    ("msc\nthe head", "other head", None),
])
def test_head_start(lowered, lowered_head, expected):
    assert pagekind.head_start(lowered, lowered_head) == expected
