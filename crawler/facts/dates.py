"""Start dates as stated: "September 2026", "January", "21 September 2026", "any time"."""

from __future__ import annotations

import re

from crawler.facts import sentences
from crawler.scan.boundaries import compile_boundary_first

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE = compile_boundary_first(
    # US order first ("March 4, 2027"), so its day is not lost to the month-only reading.
    rf"\b(?P<usmonth>{_MONTH})\b\.?\s+(?P<usday>\d{{1,2}})(?:st|nd|rd|th)?\b(?![,.]?\d|\s*(?:-|–)?\s*(?:credits?|months?|weeks?|years?|days?|hours?|hrs?|%))"
    r"(?:,?\s+(?P<usyear>20\d\d))?"
    rf"|\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{_MONTH})\b\.?(?:,?\s+(?P<year>20\d\d))?",
    re.I,
)
# "March 4 - August 19, 2027", "September 2026 to June 2027": between the two dates of a
# range; the second is when the course ends, not another start.
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|until|till|through|thru)\s*$", re.I)
_ANY_TIME = re.compile(r"\b(?:any\s*time|anytime|rolling|on[\s-]demand|self[\s-]paced|whenever|all\s+year|throughout\s+the\s+year|flexible\s+start)\b", re.I)
_SENTENCE = re.compile(r"[^.\n]+")
_START_WORD = re.compile(r"\b(?:starts?|starting|start\s+dates?|begins?|commenc\w+|intakes?|entry\s+points?|enrol\w*\s+in)\b", re.I)
# A word every _START_WORD match holds: sentences without one skip the case-blind regex (~0.1 ms a page).
_START_WORDS = ("start", "begin", "commenc", "intake", "entry", "enrol")
# "14-16 April 2026": the course starts on the first day.
_DAY_RANGE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to)\s*\d{1,2}(?:st|nd|rd|th)?(?=\s+[A-Za-z])")
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?")


def _month_name(token: str) -> str | None:
    token = token.lower().rstrip(".")
    for name in _MONTHS:
        if name.lower().startswith(token[:3]):
            return name
    return None


def start_dates_in(value: str | None) -> list[str]:
    """Dates named in a start-date field, normalised to "[day] Month [year]", without repeats."""
    if not value:
        return []
    found: list[list] = []  # [day, month, year] per date, in page order
    value = _DAY_RANGE.sub(r"\1", value)
    previous_end = None
    for m in _DATE.finditer(value):
        token = m.group("usmonth") or m.group("month")
        day, year = m.group("usday") or m.group("day"), m.group("usyear") or m.group("year")
        month = _month_name(token)
        if month is None:
            continue
        if token.islower() and not (day or year):
            continue  # "may", "march": verbs unless dated
        if previous_end is not None and found and _RANGE_JOIN.match(value[previous_end:m.start()]):
            if found[-1][2] is None:
                found[-1][2] = year  # "March 4 - August 19, 2027": the year is written once, at the end
            previous_end = None  # "A - B - C" is not two ranges
            continue
        found.append([day, month, year])
        previous_end = m.end()
    dates: list[str] = []
    for parts in found:
        date = " ".join(p for p in parts if p)
        if date not in dates:
            dates.append(date)
    if not dates and _ANY_TIME.search(value):
        dates.append("any time")
    return dates


def start_dates_in_text(text: str | None) -> list[str]:
    """Dates in sentences of running text that talk about starting."""
    if not text:
        return []
    dates: list[str] = []
    may_hold = sentences.may_hold(_START_WORDS, text)
    for sentence in _SENTENCE.findall(text):
        if not (may_hold(sentence) and _START_WORD.search(sentence)):
            continue
        for date in start_dates_in(sentence):
            if date not in dates:
                dates.append(date)
    return dates


def iso_start_date(value: object) -> str | None:
    """An ISO date from structured data as "21 September 2026" (or "September 2026")."""
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value.strip())
    if not m or not 1 <= int(m.group("m")) <= 12:
        return None
    month = _MONTHS[int(m.group("m")) - 1]
    day = str(int(m.group("d"))) if m.group("d") else None
    return " ".join(p for p in (day, month, m.group("y")) if p)
