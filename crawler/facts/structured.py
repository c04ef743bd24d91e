"""schema.org course data from JSON-LD and microdata, read straight from the lxml tree.

Measured on a 24 KB page: reading the already-parsed tree costs 0.2 ms;
extruct.extract costs 0.66 ms with syntaxes=["json-ld", "microdata"] (it parses
the HTML again) and 49 ms with its default syntaxes (RDFa, Open Graph,
microformats). Reading the tree we parse anyway keeps the page to one parse.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

COURSE_TYPES = frozenset({"Course", "EducationalOccupationalProgram", "WorkBasedProgram", "CourseInstance"})
_TYPE_TAIL = re.compile(r"[^/#:]+$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_JS_COMMENT_WRAPPER = re.compile(r"^\s*(?:<!--|/\*<!\[CDATA\[\*/|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|/\*\]\]>\*/|//\s*\]\]>|\]\]>)\s*$")
# Nested objects deeper than this are not followed (a guard against huge @graph trees).
MAX_DEPTH = 8


@dataclass
class StructuredCourse:
    """Course facts read from one schema.org object, raw as the site wrote them."""

    syntax: str  # "jsonld" or "microdata"
    name: str | None = None
    description: str | None = None
    awards: list[str] = field(default_factory=list)
    level: str | None = None
    credits: str | None = None
    durations: list[tuple[str, str | None]] = field(default_factory=list)  # (value, mode text)
    modes: list[str] = field(default_factory=list)
    offers: list[dict] = field(default_factory=list)  # {"price", "currency", "category"}
    start_dates: list[str] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


@dataclass
class StructuredData:
    """Every schema.org type on the page and the course objects among them."""

    types: set[str] = field(default_factory=set)
    courses: list[StructuredCourse] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _type_names(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = []
    for v in values:
        if isinstance(v, str):
            match = _TYPE_TAIL.search(v.strip())
            if match:
                names.append(match.group(0))
    return names


def _texts(value) -> list[str]:
    """Plain strings from a schema.org value: a string, a Thing with a name, or a list of them."""
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, (str, int, float)) and not isinstance(v, bool):
            text = str(v).strip()
        elif isinstance(v, dict):
            text = next((str(v[k]).strip() for k in ("name", "credentialCategory", "value", "text", "@value", "description")
                         if isinstance(v.get(k), (str, int, float)) and str(v[k]).strip()), "")
        else:
            text = ""
        if text:
            out.append(text)
    return out


def _first(value) -> str | None:
    texts = _texts(value)
    return texts[0] if texts else None


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _add_instance(course: StructuredCourse, instance: dict) -> None:
    mode = _first(instance.get("courseMode"))
    course.modes.extend(_texts(instance.get("courseMode")))
    for key in ("courseWorkload", "duration", "timeRequired"):
        for value in _texts(instance.get(key)):
            course.durations.append((value, mode))
    schedule = instance.get("courseSchedule")
    for sched in _list(schedule):
        if isinstance(sched, dict):
            for value in _texts(sched.get("duration")):
                if sched.get("repeatCount") is None:
                    course.durations.append((value, mode))
    course.start_dates.extend(_texts(instance.get("startDate")))
    _add_offers(course, instance.get("offers"))


def _add_offers(course: StructuredCourse, offers) -> None:
    for offer in _list(offers):
        if not isinstance(offer, dict):
            continue
        price = offer.get("price")
        spec = offer.get("priceSpecification")
        if price is None and isinstance(spec, dict):
            price = spec.get("price")
        category = " ".join(_texts(offer.get("category")) + _texts(offer.get("name")) + _texts(offer.get("eligibleCustomerType")))
        currency = offer.get("priceCurrency") or (spec.get("priceCurrency") if isinstance(spec, dict) else None)
        course.offers.append({"price": price, "currency": currency, "category": category})


def _course_from_jsonld(obj: dict, syntax: str) -> StructuredCourse:
    course = StructuredCourse(syntax=syntax)
    course.name = _first(obj.get("name"))
    course.description = _first(obj.get("description"))
    for key in ("educationalCredentialAwarded", "occupationalCredentialAwarded", "courseCode"):
        course.awards.extend(_texts(obj.get(key)))
    course.level = _first(obj.get("educationalLevel"))
    course.credits = _first(obj.get("numberOfCredits"))
    for key in ("timeToComplete", "timeRequired"):
        for value in _texts(obj.get(key)):
            course.durations.append((value, None))
    course.modes.extend(_texts(obj.get("educationalProgramMode")))
    course.modes.extend(_texts(obj.get("courseMode")))
    _add_offers(course, obj.get("offers"))
    course.start_dates.extend(_texts(obj.get("startDate")))
    for key in ("coursePrerequisites", "programPrerequisites"):
        course.prerequisites.extend(_texts(obj.get(key)))
    for key in ("syllabusSections", "hasPart", "teaches", "hasCourse"):
        course.topics.extend(_texts(obj.get(key)))
    if "CourseInstance" in _type_names(obj.get("@type")):
        _add_instance(course, obj)
    for instance in _list(obj.get("hasCourseInstance")):
        if isinstance(instance, dict):
            _add_instance(course, instance)
    return course


def _walk(value, depth: int, found: list[dict], types: set[str]) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            _walk(item, depth + 1, found, types)
    elif isinstance(value, dict):
        names = _type_names(value.get("@type"))
        types.update(names)
        if COURSE_TYPES.intersection(names) and depth <= 3:
            found.append(value)
            return
        for key in ("@graph", "mainEntity", "about", "itemListElement", "item", "hasPart", "subjectOf"):
            if key in value:
                _walk(value[key], depth + 1, found, types)


def _loads(raw: str):
    raw = _JS_COMMENT_WRAPPER.sub("", raw.strip())
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        # Trailing commas are the commonest hand-written JSON-LD mistake.
        return json.loads(_TRAILING_COMMA.sub(r"\1", raw), strict=False)


def read_jsonld(root, data: StructuredData) -> None:
    """Add the JSON-LD blocks under ``root`` to ``data``."""
    for script in root.iter("script"):
        script_type = (script.get("type") or "").lower()
        if "ld+json" not in script_type:
            continue
        raw = script.text or ""
        if not raw.strip():
            data.errors.append("jsonld: empty block")
            continue
        try:
            parsed = _loads(raw)
        except (ValueError, RecursionError) as exc:
            data.errors.append(f"jsonld: invalid JSON ({type(exc).__name__})")
            continue
        found: list[dict] = []
        _walk(parsed, 0, found, data.types)
        for obj in found:
            course = _course_from_jsonld(obj, "jsonld")
            if not course.name:
                data.errors.append("jsonld: course object has no name")
            data.courses.append(course)


# Microdata: itemprop values, following nested itemscopes as dicts so the
# same mapping as JSON-LD applies.
def _microdata_value(el):
    if el.get("itemscope") is not None:
        return _microdata_item(el)
    for attr in ("content", "datetime"):
        if el.get(attr) is not None:
            return el.get(attr)
    if el.tag in ("a", "link", "area"):
        return el.get("href")
    if el.tag in ("img", "audio", "video", "source", "embed", "iframe"):
        return el.get("src")
    if el.tag in ("data", "meter") and el.get("value") is not None:
        return el.get("value")
    return " ".join(el.text_content().split())


def _microdata_item(scope) -> dict:
    item: dict = {"@type": [(t or "") for t in (scope.get("itemtype") or "").split()]}
    stack = list(scope)
    while stack:
        el = stack.pop(0)
        if not isinstance(el.tag, str):
            continue
        props = (el.get("itemprop") or "").split()
        if props:
            value = _microdata_value(el)
            for prop in props:
                item.setdefault(prop, [])
                item[prop].append(value)
        if el.get("itemscope") is None:
            stack[0:0] = list(el)
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in item.items()}


def read_microdata(root, data: StructuredData) -> None:
    """Add top-level microdata items under ``root`` to ``data``."""
    for scope in root.xpath("//*[@itemscope and not(@itemprop)]"):
        names = _type_names((scope.get("itemtype") or "").split())
        data.types.update(names)
        if COURSE_TYPES.intersection(names):
            course = _course_from_jsonld(_microdata_item(scope), "microdata")
            if not course.name:
                data.errors.append("microdata: course item has no name")
            data.courses.append(course)


def read_structured(root) -> StructuredData:
    """JSON-LD and microdata found anywhere in the document."""
    data = StructuredData()
    read_jsonld(root, data)
    read_microdata(root, data)
    return data
