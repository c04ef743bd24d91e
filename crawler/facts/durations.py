"""Course length: "1 year full-time, 2-4 years part-time" -> months per mode of study."""

from __future__ import annotations

import re
from collections.abc import Callable

from crawler.scan.boundaries import compile_boundary_first
from crawler.scan.literals import lowered_in_step

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty": 30, "half": 0.5,
}
_NUM = r"(?:\d+(?:\.\d+)?|twenty-four|eighteen|twenty|thirty|eleven|twelve|one|two|three|four|five|six|seven|eight|nine|ten|half|an?)"
_UNIT_MONTHS = {
    "year": 12, "yr": 12, "academic year": 12, "month": 1, "mth": 1, "semester": 4,
    "term": 3, "trimester": 4, "week": 12 / 52, "wk": 12 / 52, "day": 1 / 30,
    "hour": 1 / (30 * 24), "hr": 1 / (30 * 24), "minute": 1 / (30 * 24 * 60), "min": 1 / (30 * 24 * 60),
}
_UNIT = r"(?:academic\s+year|year|yr|month|mth|semester|trimester|term|week|wk|day|hour|hr|minute|min)s?\b"
_QUANTITY = re.compile(
    rf"(?P<bound>\b(?:up\s+to|maximum(?:\s+[a-z]+){{0,3}}?(?:\s+of)?|max\.?|no\s+more\s+than|not\s+more\s+than|within|at\s+most)\s+)?"
    rf"(?P<n1>{_NUM})(?:\s*(?:-|–|—|to|or)\s*(?P<n2>{_NUM}))?[\s-]*(?P<unit>{_UNIT})",
    re.I,
)
# Every _QUANTITY match holds a unit of time: a sentence without one has no length, and is
# skipped without trying _QUANTITY (whose number may start anywhere) at each character.
# Over lowercased text the case-sensitive pattern lets re skip to a unit's first letter,
# ~5 times faster than re.I (see crawler.scan.literals.lowered_in_step).
_UNIT_WORD = re.compile(_UNIT, re.I)
_UNIT_WORD_LOWER = re.compile(_UNIT)
_FULL_TIME = r"full[\s-]?time|\bft\b"
_PART_TIME = r"part[\s-]?time|\bpt\b"
_MODE = re.compile(rf"(?P<ft>{_FULL_TIME})|(?P<pt>{_PART_TIME})", re.I)
# A length stated with "maximum"/"up to" is a registration limit, used only when
# it is the only length given for that mode.
_NO_LIMIT = compile_boundary_first(r"\bno\s+(?:fixed\s+)?time\s+limit\b|\bself[\s-]?paced\b|\bat\s+your\s+own\s+pace\b", re.I)

# Sub-month lengths (days, weeks, hours) are kept to two decimals so a 3-day
# course reads 0.1, not 0 (which would look like "unknown" to a careless reader).
MIN_MONTHS = 0.01


def _number(word: str) -> float:
    word = word.lower()
    return float(_NUMBER_WORDS[word]) if word in _NUMBER_WORDS else float(word)


def _months(value: float) -> float | int:
    if value >= 1:
        rounded = round(value, 1)
        return int(rounded) if rounded == int(rounded) else rounded
    return max(round(value, 2), MIN_MONTHS)


def parse_duration(text: str | None, default_mode: str = "full-time") -> dict:
    """Months per mode from a length statement; the lower bound of a range is kept.

    A length with no mode stated goes to ``default_mode``. When lengths for
    several awards are given ("MSc 1 year, PgCert 4 months"), the longest per
    mode is kept, matching the highest award on the page.
    """
    result = {"full-time": None, "part-time": None}
    if not text:
        return result
    quantities = list(_QUANTITY.finditer(text))
    if not quantities:
        return result
    modes = [(m.start(), "full-time" if m.group("ft") else "part-time") for m in _MODE.finditer(text)]
    mode_first = bool(modes) and modes[0][0] < quantities[0].start()
    plain: dict[str, list[float]] = {"full-time": [], "part-time": []}
    bounded: dict[str, list[float]] = {"full-time": [], "part-time": []}
    current = None
    for i, q in enumerate(quantities):
        if q.group("n1").lower() in ("a", "an") and i and q.start() - quantities[i - 1].end() <= 2:
            continue  # "3 days a week" is a timetable, not a second length
        next_start = quantities[i + 1].start() if i + 1 < len(quantities) else len(text)
        if mode_first:
            before = [mode for pos, mode in modes if pos < q.start()]
            mode = before[-1] if before else current
        else:
            after = [mode for pos, mode in modes if q.end() <= pos < next_start]
            mode = after[0] if after else current
        mode = mode or default_mode
        current = mode
        unit = re.sub(r"s$", "", q.group("unit").lower())
        unit = re.sub(r"\s+", " ", unit)
        try:
            months = _number(q.group("n1")) * _UNIT_MONTHS[unit]
        except (KeyError, ValueError):
            continue
        (bounded if q.group("bound") else plain)[mode].append(months)
    for mode in result:
        values = plain[mode] or bounded[mode]
        if values:
            result[mode] = _months(max(values))
    return result


_NUM_WORD = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty-four)"
# Sentences that state the course's own length: "This 12-week experiential programme",
# "Lasting nine months", "runs across one academic year", "a two-year course of study",
# "could finish it in as little as six weeks". They win over sentences that only hold a
# length and a looser word ("take a course in each eight-week term").
_COURSE_LENGTH_SENTENCE = compile_boundary_first(
    rf"\b{_NUM_WORD}[\s-](?:day|week|month|year|semester|term)s?[\s-](?:(?!in\b|of\b|each\b|per\b|for\b|a\b|an\b|the\b|every\b)[a-z]+[\s-]){{0,3}}?"
    r"(?:course|programme|program|fellowship|module|workshop|internship|apprenticeship|scheme|training|degree|diploma|certificate|series|post|award|funding\s+opportunity|placement)\b"
    # "each lasting one hour" is a session's length, not the course's.
    r"|(?<!each\s)\blast(?:s|ing)\b|\bruns?\s+(?:across|through|over|for)\b|\bspread\s+over\b|\bcourse\s+of\s+study\b"
    r"|\b(?:complete[ds]?|finish(?:ed)?)\s+(?:it\s+|this\s+|the\s+\w+\s+)?(?:online\s+)?(?:in|within|over)\b"
    rf"|\bover\s+the\s+{_NUM_WORD}\s+(?:days|weeks|months|years)\b",
    re.I,
)
# Every _COURSE_LENGTH_SENTENCE match holds one of these.
_COURSE_LENGTH_GUARDS = ("day", "week", "month", "year", "semester", "term", "last", "run", "spread", "course", "complet", "finish", "over")
# A line that is only a length: a key-facts value whose label was an icon ("3 years",
# "One semester", "1- 4 years", "Five days", "1 year full time, 2 years part time").
# Hours are left out: a line "300 hours" is a workload table's total, not a length.
_BARE_ONE_LENGTH = (
    rf"(?:about\s+|approximately\s+|around\s+)?{_NUM_WORD}(?:\s*(?:-|–|to)\s*{_NUM_WORD})?[\s-]*"
    r"(?:academic\s+years?|years?|months?|weeks?|days?|semesters?|terms?)"
    r"(?:\s*[(,]?\s*(?:full|part)[\s-]?time\)?|\s+(?:FT|PT)\b)?"
)
_BARE_LENGTH = re.compile(rf"^\s*{_BARE_ONE_LENGTH}(?:\s*(?:,|;|/|\bor\b|\band\b)\s*{_BARE_ONE_LENGTH})*\s*[.;]?\s*$", re.I)
# Longest line read as a bare length; longer lines are prose.
MAX_BARE_LENGTH_CHARS = 60


def states_course_length(sentence: str) -> bool:
    """True for a sentence that gives the course's own length ("This 12-week programme ...", "Lasting nine months")."""
    lowered = sentence.lower()
    return any(word in lowered for word in _COURSE_LENGTH_GUARDS) and bool(_COURSE_LENGTH_SENTENCE.search(sentence))


def length_test(text: str) -> Callable[[int, int], bool]:
    """A test of ``text[start:end]``: False when parse_duration can find no length there,
    because it names no unit of time."""
    lowered = lowered_in_step(text)
    if lowered is not None:
        return lambda start, end: _UNIT_WORD_LOWER.search(lowered, start, end) is not None
    return lambda start, end: _UNIT_WORD.search(text, start, end) is not None


def is_bare_length(line: str) -> bool:
    """True for a line that is nothing but a length ("3 years", "One semester", "Two Years (Part Time)")."""
    return len(line) <= MAX_BARE_LENGTH_CHARS and bool(_BARE_LENGTH.match(line))


def has_no_time_limit(text: str | None) -> bool:
    """True for "no time limit" and self-paced study, which have no length in months."""
    return bool(text and _NO_LIMIT.search(text))


_ISO_DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?(?:\d+(?:\.\d+)?S)?)?$",
    re.I,
)


def iso_duration_months(value: str | None) -> float | int | None:
    """Months in an ISO 8601 duration ("P1Y", "P18M", "P3D", "PT2H"), None if not one."""
    if not isinstance(value, str):
        return None
    match = _ISO_DURATION.match(value.strip())
    if not match or not any(match.groupdict().values()):
        return None
    g = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    months = g["y"] * 12 + g["mo"] + g["w"] * 12 / 52 + g["d"] / 30 + g["h"] / (30 * 24) + g["mi"] / (30 * 24 * 60)
    return _months(months) if months else None


def iso_duration_text(value: str) -> str | None:
    """A readable form of an ISO 8601 duration for the ``duration`` text: "P1Y" -> "1 year"."""
    match = _ISO_DURATION.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    names = {"y": "year", "mo": "month", "w": "week", "d": "day", "h": "hour", "mi": "minute"}
    parts = []
    for key, name in names.items():
        number = match.group(key)
        if number:
            n = float(number)
            n_text = str(int(n)) if n == int(n) else str(n)
            parts.append(f"{n_text} {name}{'' if n == 1 else 's'}")
    return ", ".join(parts) or None
