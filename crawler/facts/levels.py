"""FHEQ level and credit values stated on a page."""

from __future__ import annotations

import re

# FHEQ covers levels 4-8; "level 3" on a page is an entry qualification (A level).
_STATED_FHEQ = re.compile(r"\b(?:FHEQ|HE|academic|credit)\s*(?:level\s*)?(?P<n>[4-8])\b|\blevel\s*(?P<m>[4-8])\s*\(?FHEQ\b", re.I)
# _STATED_FHEQ for lowercased text: case-sensitive matching is about twice as fast over a page.
_STATED_FHEQ_LOWER = re.compile(r"\b(?:fheq|he|academic|credit)\s*(?:level\s*)?(?P<n>[4-8])\b|\blevel\s*(?P<m>[4-8])\s*\(?fheq\b")
_LEVEL_VALUE = re.compile(r"(?:\blevel|\blvl)?\s*\b(?P<n>[4-8])\b(?![,.]\d)", re.I)
# Weaker wording: "Level 7", "level 6 credits", "at level 7". Only trusted when no award implies a level.
_LEVEL_IN_TEXT = re.compile(r"\blevel\s*(?P<n>[4-8])\b(?!\s*(?:qualifications?|diploma\s+in\s+education|study\s+or\s+above))", re.I)
# Words for levels used instead of numbers in key-facts fields.
_LEVEL_WORDS = (
    (re.compile(r"\bdoctoral\b|\bdoctorate\b", re.I), 8),
    (re.compile(r"\bmasters?'?\s*(?:level)?\b|\bpostgraduate\s+taught\b", re.I), 7),
)

_CREDITS = re.compile(
    r"\b(?P<n>\d{2,3})\s*(?:-\s*)?(?:(?:uk|masters?|level\s*[4-8]|m-?level|postgraduate)\s+)?(?P<unit>credits?|cats(?:\s+(?:points|credits))?|credit\s+points|ects(?:\s+credits)?)\b"
    r"|\b(?P<unit2>credits?|cats(?:\s+points)?|credit\s+value)\s*[:\-]?\s*(?P<n2>\d{2,3})\b",
    re.I,
)
# Every _CREDITS match holds one of these; most pages' text is skipped without the regex.
_CREDIT_GUARDS = ("credit", "cats", "ects")
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
    numbers = [int(m.group("n") or m.group("m")) for m in _STATED_FHEQ_LOWER.finditer(text.lower())]
    return max(numbers) if numbers else None


def loose_level(text: str | None) -> int | None:
    """A bare "level 7" in running text, highest if several."""
    if not text:
        return None
    if "level" not in text.lower():
        return None
    numbers = [int(m.group("n")) for m in _LEVEL_IN_TEXT.finditer(text)]
    return max(numbers) if numbers else None


_MODULE_SIZE = re.compile(r"[ \t-]*modules?\b", re.I)


def credit_values(text: str | None, skip_module_sizes: bool = False) -> list[int]:
    """Every UK credit value stated in ``text`` (ECTS converted), in order.

    With ``skip_module_sizes``, "a 30-credit module" is not read as the course's total.
    """
    if not text:
        return []
    lowered = text.lower()
    if not any(word in lowered for word in _CREDIT_GUARDS):
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
