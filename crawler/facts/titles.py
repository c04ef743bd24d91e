"""Course titles without award words, entry years, delivery qualifiers or site names."""

from __future__ import annotations

import re

from crawler.facts.awards import strip_award_words

# "<title>" segments are joined with these; the page's own name is the segment
# that is not the site's name.
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|»|·|:)\s+")
_SITE_WORDS = re.compile(
    r"\b(?:university|college|school\s+of|institute|academy|nhs|trust|ltd|limited|plc|foundation\s+trust|"
    r"bmj|learning\s+hub|home|study|courses?|postgraduate|undergraduate|prospectus|website|online)\b|\.ac\.uk\b|\.com\b|\.org\b",
    re.I,
)
_ENTRY_YEAR = re.compile(
    r"\(?\b(?:20\d\d(?:\s*[/–-]\s*(?:20)?\d\d)?\s+entry|entry\s+(?:for\s+)?20\d\d(?:\s*[/–-]\s*(?:20)?\d\d)?|20\d\d\s*[/–-]\s*(?:20)?\d\d|(?:starting|start)\s+(?:in\s+)?\w*\s*20\d\d)\b\)?",
    re.I,
)
# Delivery and mode qualifiers move to "modes"; the title is the subject.
_DELIVERY = re.compile(
    r"\((?:\s*(?:by\s+)?(?:distance\s+learning|online|on-?line|e-?learning|blended(?:\s+learning)?|part[\s-]?time|full[\s-]?time|"
    r"campus[\s-]based|work[\s-]based|hons|top[\s-]up|cpd(?:\s+module|\s+course)?|module|short\s+course)\s*(?:[/,&]|and|or)?\s*)+\)"
    r"|\s+[-–]\s+(?:by\s+)?(?:distance\s+learning|online|part[\s-]?time|full[\s-]?time)\s*$"
    r"|\s+(?:by\s+)?(?:distance\s+learning|online|part[\s-]?time)\s*$",
    re.I,
)
# "(Level 7)", "(FHEQ Level 6/7)", "- Level 7": the level goes to fheq_level, the title is the subject.
_LEVEL_QUALIFIER = re.compile(
    r"\s*[(\[]\s*(?:(?:fheq|rqf|nqf|scqf|academic|qcf)\s+)?levels?\s*\d{1,2}(?:\s*(?:/|-|–|or|and|&)\s*\d{1,2})?\s*[)\]]"
    r"|\s+[-–—:]\s+(?:(?:fheq|rqf|academic)\s+)?level\s*\d{1,2}\s*$",
    re.I,
)
# Words left dangling once award words are cut ("MSc in X" -> "in X"); whole words only,
# so "Introduction" and "Innovation" keep their first letters.
_JOINERS = re.compile(
    r"^(?:\s*(?:(?:in|of|and)\b|[/,&:|\-–—]))+\s*|\s*(?:(?:\b(?:in|and|with))|[/,&:|\-–—])+\s*$", re.I
)
_EMPTY_BRACKETS = re.compile(r"\(\s*[/,&]*\s*\)|\[\s*\]")
_SLASH_RUNS = re.compile(r"\s*/\s*(?:/\s*)+")
_SPACES = re.compile(r"\s+")
# Words that cannot stand as a course name once the award is taken away ("Executive MBA").
_WEAK_REMAINDERS = frozenset({"", "executive", "global", "international", "online", "distance", "the", "a", "an",
                              "masters", "master's", "degree", "diploma", "certificate", "programme", "course"})
# h1 texts that are a page section, not the course's name.
GENERIC_HEADINGS = frozenset({
    "course details", "overview", "course overview", "study with us", "postgraduate", "undergraduate", "courses",
    "course information", "programme details", "about this course", "key information", "key facts", "home", "menu",
    "welcome", "page not found", "study", "cpd", "short courses", "main content",
})


def page_name_from_title_tag(title: str) -> str:
    """The page's own segment of a <title>: "MSc X | Postgraduate | University of Y" -> "MSc X"."""
    segments = [s.strip() for s in _TITLE_SEPARATORS.split(title) if s.strip()]
    if len(segments) <= 1:
        return title.strip()
    kept = [s for s in segments if not _SITE_WORDS.search(s)]
    return kept[0] if kept else segments[0]


def clean_title(title: str | None) -> str | None:
    """A course's subject name: "MSc in Clinical Leadership (Distance Learning) 2026/27 entry" -> "Clinical Leadership"."""
    if not title:
        return None
    text = _SPACES.sub(" ", title).strip()
    text = _ENTRY_YEAR.sub(" ", text)
    text = _DELIVERY.sub(" ", text)
    text = _LEVEL_QUALIFIER.sub(" ", text)
    before_awards = _SPACES.sub(" ", text).strip()
    stripped = strip_award_words(before_awards)
    stripped = _EMPTY_BRACKETS.sub(" ", _SLASH_RUNS.sub(" / ", stripped))
    stripped = _SPACES.sub(" ", stripped).strip()
    for _ in range(3):
        stripped = _JOINERS.sub("", stripped).strip()
    stripped = _EMPTY_BRACKETS.sub(" ", stripped)
    stripped = _SPACES.sub(" ", stripped).strip(" -–—:|/,")
    if stripped.lower() in _WEAK_REMAINDERS:
        return _JOINERS.sub("", before_awards).strip() or None
    return stripped


def is_generic_heading(text: str | None) -> bool:
    """True for an h1 that names a page section ("Course details"), not the course."""
    return not text or " ".join(text.lower().split()).strip(" :") in GENERIC_HEADINGS
