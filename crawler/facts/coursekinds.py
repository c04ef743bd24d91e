"""The kind of course a page offers when it names no award: a module (course codes, unit fact files) or a short course."""

from __future__ import annotations

import re

from crawler.scan import lowercase

# A module or unit code: "PU5074", "LMP 2348", "NUR-30149", "EDUC 6840", "MECH H3014", "PS 100".
# Standards and bodies that look like codes are not modules ("ISO 9001", "BS 5750").
_CODE = (r"(?!(?:ISO|BS|EN|IEC|NHS|COVID|ICD|SNOMED|HL|NICE|CQC|NQF|RQF|SCQF|FHEQ|LEVEL)\b)"
         r"[A-Z]{2,5}(?:[\s-]?[A-Z]?\d{3,5}[A-Z]?)(?:\s*\([A-Z0-9]{1,2}\))?")
# A year is not a code number: "CPD 2026", "NHS 2030".
_YEARISH = re.compile(r"\b(?:19|20)\d\d\b")
# The code opens the title ("PU5074: Implementation Science", "EDUC 6840 Introduction to ...")
# or closes it in brackets ("Quality Systems (MECH H3014)", "(IHI Open School Course: PS 100)").
_TITLE_CODE = re.compile(rf"^\s*(?P<a>{_CODE})\s*(?::|–|—|-|\s)\s*[A-Za-z]|\((?:[^()]*:\s*)?(?P<b>{_CODE})\s*\)\s*$")
# Labels only a module or unit descriptor carries. "Course code" is left out: UK degree
# pages show a UCAS course code.
_DESCRIPTOR_LABEL = re.compile(
    r"^\s*(?:(?:module|unit)\s+(?:code|title|leader|co-?ordinator|overview|descriptor|specification|outline)"
    r"|course\s+(?:number|unit\s+(?:details|fact\s+file))|unit\s+(?:of\s+study|rules\s+and\s+details)|type\s*:?\s*module)\b",
    re.I | re.M,
)
# Prose that calls the page's course a module: "This module introduces ...", "By the end of the module".
_MODULE_PROSE = re.compile(r"\b(?:this|the)\s+(?:module|unit\s+of\s+study)\b(?!\s+(?:leader|list|choices|options|catalogue)s?\b)", re.I)
# Times "the module" must be said before a page with no award counts as a module page:
# a degree page mentions "the module" once in passing; a module page keeps saying it.
MIN_MODULE_PROSE = 2
# How far into the text module cues count: the descriptor's fact file opens the page.
MODULE_CUE_WINDOW = 3000

# Titles of training that leads to no award: "Master Training Course", "5S System Training",
# "Improvement Advisor Professional Development Program", "Executive Training".
_SHORT_COURSE_TITLE = re.compile(
    r"\b(?:training|course|workshops?|bootcamp|masterclass)\s*$|\btraining\s+(?:course|program(?:me)?|day)s?\b"
    r"|\b(?:professional\s+development|executive|coaching|training|leadership\s+development)\s+program(?:me)?s?\b"
    r"|\bshort\s+learning\s+program(?:me)?\b",
    re.I,
)
# A course shorter than this with no award is a short course (days, weeks, a term): half
# an academic year. Six-month and longer programmes with no award (coaching programmes,
# fellowships, leadership schemes) stay without one, as the labelled fixtures read them.
MAX_SHORT_COURSE_MONTHS = 6


# "This course gives ...", "The course is hands-on": a page that keeps calling itself a
# course and names no award is a course that leads to none.
_COURSE_PROSE = re.compile(r"\b(?:this|the)\s+(?:\w+\s+)?(?:course|training)\b(?!\s+(?:leader|director|team|fees?|page|catalogue|finder|search)s?\b)", re.I)
MIN_COURSE_PROSE = 2


def title_course_code(title: str | None) -> str | None:
    """The module code that opens or closes a title ("PU5074: Implementation Science" -> "PU5074"), or None."""
    if not title:
        return None
    match = _TITLE_CODE.search(title)
    if not match:
        return None
    code = match.group("a") or match.group("b")
    return None if _YEARISH.search(code) else code.strip()


def is_module_descriptor(title: str | None, text: str) -> bool:
    """True when the page describes one module or unit: a code in its title or a module fact file."""
    return bool(title_course_code(title) or _DESCRIPTOR_LABEL.search(text[:MODULE_CUE_WINDOW]))


def reads_as_module(text: str) -> bool:
    """True when the prose keeps calling the course "the module" ("This module introduces ...")."""
    head = text[:MODULE_CUE_WINDOW]
    if "module" not in (lowered := lowercase.lowered(head)) and "unit" not in lowered:
        return False
    return len(_MODULE_PROSE.findall(head)) >= MIN_MODULE_PROSE


def is_short_course(title: str | None, months: dict, text: str = "") -> bool:
    """True for training named as such in its title or prose, or a course shorter than MAX_SHORT_COURSE_MONTHS."""
    if title and _SHORT_COURSE_TITLE.search(title):
        return True
    head = text[:MODULE_CUE_WINDOW]
    if ("course" in (lowered := lowercase.lowered(head)) or "training" in lowered) and len(_COURSE_PROSE.findall(head)) >= MIN_COURSE_PROSE:
        return True
    lengths = [m for m in months.values() if m is not None]
    return bool(lengths) and max(lengths) < MAX_SHORT_COURSE_MONTHS
