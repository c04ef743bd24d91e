"""Modes of study and delivery: full-time, part-time, campus, distance, online, blended, work-based."""

from __future__ import annotations

import re

from crawler.scan import lowercase
from crawler.scan.anchors import AnchoredSearch
from crawler.scan.boundaries import compile_boundary_first

MODE_ORDER = ("full-time", "part-time", "campus", "distance", "online", "blended", "work-based")

# Words used in a labelled field ("Study mode: Part-time, online"); any mention counts.
_LABEL_MODES = (
    ("full-time", r"\bfull[\s-]?time\b|\bFT\b"),
    ("part-time", r"\bpart[\s-]?time\b|\bPT\b"),
    ("campus", r"\bcampus\b|\bon[\s-]?site\b|\bface[\s-]to[\s-]face\b|\bin[\s-]person\b|\bclassroom\b"),
    ("distance", r"\bdistance\b"),
    ("online", r"\bonline\b|\bon[\s-]line\b|\be-?learning\b|\bvirtual\b|\bweb[\s-]based\b|\bremote\b"),
    ("blended", r"\bblended\b|\bhybrid\b|\bmixed[\s-]mode\b"),
    ("work-based", r"\bwork[\s-]?based\b|\bworkplace\b|\bin\s+practice\b|\bapprenticeship\b"),
)
# In running text only phrases that describe how this course is taught count:
# "apply online" or "our online library" must not make a campus course online.
_TEXT_MODES = (
    ("full-time", r"\bfull[\s-]?time\s+(?:study|students?|option|route|mode|basis|course|programme|program|over)\b|\b(?:study|studied|available|offered|taken|run|runs|one\s+year)\s+(?:on\s+a\s+)?full[\s-]?time\b|\bfull[\s-]?time\s+(?:or|and|/)\s+part[\s-]?time\b|\bpart[\s-]?time\s+(?:or|and|/)\s+full[\s-]?time\b"
                  # "one year full-time", "(Full Time)", a fee or option line opening "Full-time: £9,000"
                  r"|\b(?:\d+|one|two|three|four|five|six)\s+(?:years?|months?|weeks?)\s+(?:of\s+)?full[\s-]?time\b|[(\[]\s*full[\s-]?time\s*[)\]]|(?m:^\s*(?:[•·*-]\s*)?full[\s-]?time\s*(?:\(|:))"),
    ("part-time", r"\bpart[\s-]?time\s+(?:\w+\s+)?(?:study|students?|option|route|mode|basis|course|programme|program|only|over)\b|\b(?:study|studied|available|offered|taken|run|runs|running|delivered)\s+(?:on\s+a\s+)?part[\s-]?time\b|\bfull[\s-]?time\s+(?:or|and|/)\s+part[\s-]?time\b|\bpart[\s-]?time\s+(?:or|and|/)\s+full[\s-]?time\b"
                  r"|\b(?:\d+|one|two|three|four|five|six)\s+(?:years?|months?|weeks?)\s+(?:of\s+)?part[\s-]?time\b|[(\[]\s*part[\s-]?time\s*[)\]]|(?m:^\s*(?:[•·*-]\s*)?part[\s-]?time\s*(?:\(|:))"
                  r"|\b(?:programme|program|course|apprenticeship|fellowship),\s+part[\s-]?time\b"
                  # "one day a week over a year", "two days per week": study alongside a job
                  r"|\b(?:one|two|half\s+a|1|2)\s+days?\s+(?:a|per|each)\s+week\b"),
    ("campus", r"\b(?:on|at\s+our|at\s+the)\s+(?:\w+\s+){0,3}campus\b|\bcampus[\s-]based\b|\bface[\s-]to[\s-]face(?:\s*(?:/|and|or)\s*(?:virtual|online))?\s+(?:teaching|sessions?|study|days?|workshops?|learning|lectures?)\b|\bin[\s-]person\s+(?:teaching|sessions?|workshops?|days?)\b|\bclassroom[\s-]based\b"
               r"|\b(?:taught|held|delivered|run|runs)\s+in[\s-]person\b|\b(?:course|programme|program|workshop),\s+in[\s-]person\b|\b(?:virtual|online)\s+(?:and|or|/)\s+in[\s-]person\b|\bin[\s-]person\s+(?:and|or|/)\s+(?:virtual|online)\b"
               r"|\bresidential\s+(?:course|workshops?|weeks?|days?)\b"),
    ("distance", r"\bdistance[\s-]learning\b|\bby\s+distance\b|\bdistance\s+(?:study|education|course|programme)\b"),
    ("online", r"\b(?:taught|delivered|studied|study|learn|learning|completed?)\s+(?:entirely\s+|fully\s+|wholly\s+|100%\s+)?online\b|\b(?:fully|100%|entirely|wholly)\s+online\b|\bonline\s+(?:course|module|programme|program|learning|delivery|study|sessions?|lectures?|webinars?|platform|tutorials?|seminars?|classes|teaching|workshops?)\b|\be-?learning\b|\bon[\s-]demand\b"
               r"|\bonline\s+and\s+(?:part|full)[\s-]?time\b|\bfrom\s+home,?\s+online\b|\bfrom\s+anywhere\b|[(\[]\s*online\s*[)\]]|\bonline\s+and\s+(?:open\s+access|in[\s-]person|face[\s-]to[\s-]face)\b"
               r"|\bvirtual(?:ly)?\s+(?:\(live\)|(?:\w+\s+){0,2}(?:program|programme|course|learning|sessions?|workshops?|classroom|delivery|teaching)\b|(?:and|or|/)\s+in[\s-]person\b)|\b(?:delivered|held|run|taught)\s+virtually\b"
               r"|\b(?:attend|join)\s+(?:\w+\s+){0,2}webinars\b"),
    ("blended", r"\bblended\s+(?:learning|delivery|approach|mode|course|programme)\b|\bhybrid\s+(?:learning|delivery|mode)\b|\bmix\s+of\s+(?:online|face[\s-]to[\s-]face|campus)\b"
                r"|\bcombin\w*\s+(?:\w+\s+){0,2}online\s+(?:and|with)\s+(?:in[\s-]person|face[\s-]to[\s-]face|campus)\b|\bpart[\s-]residential\b"),
    ("work-based", r"\bwork[\s-]?based\s+(?:\w+\s+)?(?:learning|project|element|assessment|module|placement|study|component|degree|course|programme|qualification)\b|\bworkplace[\s-]based\b|\bin\s+your\s+(?:own\s+)?workplace\b|\bapply\s+(?:it|this|learning|what\s+you\s+learn)\s+(?:in\s+(?:your\s+)?(?:workplace|practice)|at\s+work)\b"
                   # learning tied to the learner's job: a project at work, time released from it, a placement
                   r"|\b(?:in|within)\s+(?:your|their)\s+own\s+(?:organi[sz]ation|work\s*(?:place|area)|service|trust)\b|\bprotected\s+(?:\w+\s+)?time\b|\bbackfill\b"
                   r"|\b(?:runs?|running)\s+alongside\s+(?:(?:your|their|the)\s+)?(?:role|post|clinical\s+training|clinical\s+practice)\b|\bin\s+parallel\s+with\s+(?:your|their)\s+clinical\s+training\b|\bwhile\s+continuing\s+in\s+(?:clinical\s+)?practice\b"
                   r"|\b(?:clinical|practice)\s+placements?\b|\byour\s+placement\s+will\b|\buse\s+in\s+the\s+workplace\b"),
)
_LABEL_PATTERNS = tuple((mode, compile_boundary_first(p, re.I if mode not in ("full-time", "part-time") else 0))
                        for mode, p in _LABEL_MODES)
_TEXT_PATTERNS = tuple((mode, compile_boundary_first(p, re.I)) for mode, p in _TEXT_MODES)
# The same patterns for lowercased text: case-sensitive matching is about twice as fast
# as re.I over a whole page, and the patterns name no capitals.
_TEXT_PATTERNS_LOWER = tuple((mode, compile_boundary_first(p)) for mode, p in _TEXT_MODES)
# "FT"/"PT" abbreviations are capitals; spelled forms are any case.
_FT_PT_I = (("full-time", re.compile(r"\bfull[\s-]?time\b", re.I)), ("part-time", re.compile(r"\bpart[\s-]?time\b", re.I)))


def modes_in_label(value: str | None) -> set[str]:
    """Modes named in a labelled field such as "Study mode" or "Duration"."""
    if not value:
        return set()
    found = {mode for mode, pattern in _LABEL_PATTERNS if pattern.search(value)}
    found.update(mode for mode, pattern in _FT_PT_I if pattern.search(value))
    return found


# Words without which a mode's text pattern cannot match: a substring test over the
# lowercased text skips most patterns on most pages (the patterns cost ~2 ms a page).
_TEXT_GUARDS = {
    "full-time": ("full",), "part-time": ("part", "week"),
    "campus": ("campus", "face", "person", "classroom", "residential"), "distance": ("distance",),
    "online": ("online", "learning", "demand", "anywhere", "virtual", "webinar"), "blended": ("blended", "hybrid", "mix", "residential", "combin"),
    "work-based": ("work", "protected", "backfill", "alongside", "continuing", "placement"),
}


# Each pattern searched only where the words its phrases must hold are (crawler/scan/anchors):
# "work" passes the work-based guard on most pages, and the search then tried every character
# of the text (~0.4 ms on a generated page's 12,000) to find no phrase.
_TEXT_SEARCHES = tuple((mode, AnchoredSearch(source, pattern=pattern))
                       for (mode, source), (_, pattern) in zip(_TEXT_MODES, _TEXT_PATTERNS_LOWER))


def modes_in_text(text: str | None) -> set[str]:
    """Modes that running text says the course is taught in."""
    if not text:
        return set()
    lowered = lowercase.lowered(text)
    return {
        mode for mode, search in _TEXT_SEARCHES
        if any(word in lowered for word in _TEXT_GUARDS[mode]) and search.found_in(lowered)
    }


def ordered(modes: set[str]) -> list[str]:
    """``modes`` in the documented order."""
    return [m for m in MODE_ORDER if m in modes]
