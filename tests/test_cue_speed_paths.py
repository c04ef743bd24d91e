"""crawler/facts/pagecues' shortcuts give the cues the plain definitions give."""

from __future__ import annotations

from crawler.facts import pagecues
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


def test_every_guard_word_is_looked_for():
    words = {word for cue in pagecues.RIVAL_CUES for word in cue[3]}
    assert pagecues._RIVAL_GUARD_WORDS.literals == words
