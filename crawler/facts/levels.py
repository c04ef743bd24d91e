"""FHEQ level and credit values stated on a page."""

from __future__ import annotations

import re

from crawler.scan import lowercase
from crawler.scan.boundaries import compile_boundary_first
from crawler.scan.literals import anchor_starts, finditer_at, lowered_in_step

# FHEQ covers levels 4-8; "level 3" on a page is an entry qualification (A level).
_STATED_FHEQ = compile_boundary_first(r"\b(?:FHEQ|HE|academic|credit)\s*(?:level\s*)?(?P<n>[4-8])\b|\blevel\s*(?P<m>[4-8])\s*\(?FHEQ\b", re.I)
# _STATED_FHEQ for lowercased text: case-sensitive matching is about twice as fast over a page.
_STATED_FHEQ_LOWER = re.compile(r"\b(?:fheq|he|academic|credit)\s*(?:level\s*)?(?P<n>[4-8])\b|\blevel\s*(?P<m>[4-8])\s*\(?fheq\b")
# Each _STATED_FHEQ_LOWER match starts where one of these does (its alternatives, each
# opening with a literal so re can skip to it; "he" alone would stop at every "the").
_STATED_FHEQ_ANCHORS = (re.compile("fheq"), re.compile(r"he\s*(?:level\s*)?[4-8]"), re.compile("academic"),
                        re.compile("credit"), re.compile("level"))
_LEVEL_VALUE = re.compile(r"(?:\blevel|\blvl)?\s*\b(?P<n>[4-8])\b(?![,.]\d)", re.I)
# Weaker wording: "Level 7", "level 6 credits", "at level 7". Only trusted when no award implies a level.
# "Postgraduate Level 5" is a university's own numbering of its years, not FHEQ.
_LEVEL_IN_TEXT = re.compile(r"(?<!graduate\s)\blevel\s*(?P<n>[4-8])\b(?!\s*(?:qualifications?|diploma\s+in\s+education|study\s+or\s+above))", re.I)
# Scottish levels (SCQF 2012 framework; "SHE" levels 1-4 are SCQF 7-10) and the FHEQ
# level each matches in the QAA's framework comparison: an honours year (SCQF 10) is FHEQ 6.
_SCOTTISH_LEVEL = re.compile(r"\b(?P<kind>scqf|she)\s+level\s*(?P<n>\d{1,2})\b", re.I)
_SCQF_TO_FHEQ = {7: 4, 8: 5, 9: 6, 10: 6, 11: 7, 12: 8}
SHE_TO_SCQF = 6  # SHE level 1 is SCQF 7
# A taught postgraduate course is FHEQ 7 (QAA 2014: PgCert, PgDip and master's are all
# level 7): the site files the course under postgraduate study, or the page says so.
_POSTGRADUATE_URL = re.compile(r"/(?:postgraduate|postgraduate-taught|pg|pgt|masters|graduate)(?:[-_/]|$)", re.I)
_POSTGRADUATE_TEXT = compile_boundary_first(
    r"\b(?:type\s+of\s+study:?\s+)?post-?graduate\s+(?:taught\s+)?(?:module|course|unit|level|study|programme|program|certificate|diploma)s?\b"
    r"|\bgraduate\s+(?:school|course|level|study|studies|program|programme)s?\b|\bcertificate\s+of\s+graduate\s+study\b"
    r"|\bmaster(?:s|['’]s)?['’]?\s*(?:-\s*)?level\b|\bm-level\b",
    re.I,
)
# Every _POSTGRADUATE_TEXT match holds one of these.
_POSTGRADUATE_GUARDS = ("graduate", "master", "m-level")
# "undergraduate" holds "graduate": its courses are not level 7.
_UNDERGRADUATE = re.compile(r"\bundergraduate\b", re.I)
# Words for levels used instead of numbers in key-facts fields.
_LEVEL_WORDS = (
    (re.compile(r"\bdoctoral\b|\bdoctorate\b", re.I), 8),
    (re.compile(r"\bmasters?'?\s*(?:level)?\b|\bpostgraduate\s+taught\b", re.I), 7),
)

_CREDITS = compile_boundary_first(
    r"\b(?P<n>\d{2,3})\s*(?:-\s*)?(?:(?:uk|masters?|level\s*[4-8]|m-?level|postgraduate)\s+)?(?P<unit>credits?|cats(?:\s+(?:points|credits))?|credit\s+points|ects(?:\s+credits)?)\b"
    r"|\b(?P<unit2>credits?|cats(?:\s+points)?|credit\s+value)\s*[:\-]?\s*(?P<n2>\d{2,3})\b",
    re.I,
)
# Every _CREDITS match holds one of these after a digit, a space, a hyphen or a mark, never
# after a letter ("projects", "subjects"): most pages' text is skipped without the regex.
_CREDIT_UNITS = ("credit", "cats", "ects")

# One ECTS credit is two UK (CATS) credits.
ECTS_TO_CATS = 2
# Credit totals beyond a doctorate's 540 are not credit values (e.g. "2026 credits").
MAX_CREDITS = 540


def level_in_label(value: str | None) -> int | None:
    """The FHEQ level in a labelled field ("Level 7", "FHEQ 7", "Masters level"), highest if several."""
    if not value:
        return None
    numbers = [int(m.group("n")) for m in _LEVEL_VALUE.finditer(value)]
    if numbers:
        return max(numbers)
    for pattern, level in _LEVEL_WORDS:
        if pattern.search(value):
            return level
    return None


def stated_fheq_level(text: str | None) -> int | None:
    """A level stated with "FHEQ"/"academic level"/"credit level" in running text, highest if several."""
    if not text:
        return None
    lowered = lowercase.lowered(text)
    matches = finditer_at(_STATED_FHEQ_LOWER, lowered, anchor_starts(_STATED_FHEQ_ANCHORS, lowered))
    numbers = [int(m.group("n") or m.group("m")) for m in matches]
    return max(numbers) if numbers else None


def loose_level(text: str | None) -> int | None:
    """A bare "level 7" in running text, highest if several."""
    if not text:
        return None
    if "level" not in lowercase.lowered(text):
        return None
    numbers = [int(m.group("n")) for m in _LEVEL_IN_TEXT.finditer(text)]
    return max(numbers) if numbers else None


def scottish_level(text: str | None) -> int | None:
    """The FHEQ level matching a stated SCQF or SHE level ("SCQF level 11" -> 7, "SHE Level 3" -> 6)."""
    if not text or not ("scqf" in (lowered := lowercase.lowered(text)) or "she " in lowered):
        return None
    found = []
    for m in _SCOTTISH_LEVEL.finditer(text):
        scqf = int(m.group("n")) + (SHE_TO_SCQF if m.group("kind").lower() == "she" else 0)
        if scqf in _SCQF_TO_FHEQ:
            found.append(_SCQF_TO_FHEQ[scqf])
    return max(found) if found else None


def postgraduate_level(url: str | None, text: str | None) -> int | None:
    """7 when the page's address or wording files the course under postgraduate study, else None."""
    if url and _POSTGRADUATE_URL.search(url.split("?")[0]):
        return 7
    lowered = text.lower() if text else ""
    if any(word in lowered for word in _POSTGRADUATE_GUARDS):
        matches = [m for m in _POSTGRADUATE_TEXT.finditer(text) if not _UNDERGRADUATE.search(text, max(0, m.start() - 5), m.end())]
        if matches:
            return 7
    return None


_MODULE_SIZE = re.compile(r"[ \t-]*modules?\b", re.I)


def _may_state_credits(text: str) -> bool:
    """False when ``text`` holds no credit unit where a _CREDITS match could have one."""
    lowered = lowered_in_step(text)
    if lowered is None:
        return any(unit in text.lower() for unit in _CREDIT_UNITS)
    for unit in _CREDIT_UNITS:
        start = lowered.find(unit)
        while start != -1:
            before = lowered[start - 1] if start else " "
            if not (before.isalpha() or before == "_"):
                return True
            start = lowered.find(unit, start + 1)
    return False


def credit_values(text: str | None, skip_module_sizes: bool = False) -> list[int]:
    """Every UK credit value stated in ``text`` (ECTS converted), in order.

    With ``skip_module_sizes``, "a 30-credit module" is not read as the course's total.
    """
    if not text:
        return []
    if not _may_state_credits(text):
        return []
    values = []
    for m in _CREDITS.finditer(text):
        if skip_module_sizes and _MODULE_SIZE.match(text, m.end()):
            continue
        number = int(m.group("n") or m.group("n2"))
        unit = (m.group("unit") or m.group("unit2") or "").lower()
        if unit.startswith("ects"):
            number *= ECTS_TO_CATS
        if 5 <= number <= MAX_CREDITS:
            values.append(number)
    return values


def total_credits(text: str | None) -> int | None:
    """The largest credit value stated: the total of the highest award on the page."""
    values = credit_values(text)
    return max(values) if values else None
