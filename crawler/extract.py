"""Course facts from one HTML page: schema.org data first, then labelled key facts, then the text.

``extract_course_facts`` is pure (no Scrapy types, no clock, no network) and never
raises: a fact it cannot read is None or empty and the reason is in ``errors``.
"""

from __future__ import annotations

import logging
import re

from crawler import pagetext
from crawler.facts import awards as award_rules
from crawler.facts import coursekinds, dates, durations, entry, fees, levels, modes, pagekind, titles
from crawler.facts.sentences import SENTENCES, check_guards, may_hold, sentences_with
from crawler.facts.keyfacts import KeyFacts, label_name, read_keyfacts
from crawler.facts.structured import StructuredCourse, StructuredData, read_structured
from crawler.scan.boundaries import compile_boundary_first

log = logging.getLogger(__name__)

FACT_KEYS = (
    "url", "title", "is_course", "page_kind", "awards", "fheq_level", "credits", "modes", "duration",
    "duration_months", "fees", "fee_amounts", "free", "stipend", "entry_requirements", "degree_class",
    "work_experience", "requires_registration", "regulators", "topics", "start_dates", "summary", "text",
    "sources", "errors", "page_kind_sure", "page_kind_evidence",
)
# Facts whose absence on a course page is reported in ``errors``.
REPORTED_FACTS = ("title", "awards", "fheq_level", "credits", "modes", "duration", "fees",
                  "entry_requirements", "start_dates", "topics", "summary")

# A summary longer than this is cut at a sentence end: it is a preview, not the page.
MAX_SUMMARY_CHARS = 600
# Paragraphs shorter than this are captions or buttons, not a description.
MIN_SUMMARY_PARAGRAPH = 60
# Running text searched for awards when no title, key fact or schema names one.
AWARD_TEXT_WINDOW = 1500
MAX_TOPICS = 40
MAX_TOPIC_CHARS = 100
MAX_ENTRY_CHARS = 2000
# Prose searched by the text-layer rules: ten times a typical page's text, so a
# 10 MB page costs what a large page does.
MAX_ANALYSIS_CHARS = 200_000
# Paragraphs looked at for a summary before giving up.
MAX_SUMMARY_PARAGRAPHS_SCANNED = 50

_SENTENCES = SENTENCES
# "Part-time: £4,500 per annum" in a fees box whose heading was an icon is a fee line too.
_FEE_LINE = compile_boundary_first(r"\b(?:fees?|costs?|price|tuition|pay|charge)\b|\bper\s+(?:annum|year)\b|^\s*(?:full|part)[\s-]?time\s*:", re.I)
# A word every _FEE_LINE match holds: lines without one skip the case-blind regex (~0.1 ms a page).
# "per annum" holds "annum" or "year", a "Full-time:" line "time" ("per", "full" and "part" are in
# too many words: "experience", "successful", "department").
_FEE_LINE_WORDS = ("fee", "cost", "price", "tuition", "pay", "charge", "annum", "year", "time")
_DURATION_CONTEXT = compile_boundary_first(
    r"\bfull[\s-]?time\b|\bpart[\s-]?time\b|\blasts?\b|\btakes?\b|\bruns?\s+(?:for|over)\b|\bduration\b|\bover\s+(?:a\s+period\s+of\s+)?(?:\d|one|two|three|four|five|six|twelve|eighteen)"
    r"|\bcomplete(?:d)?\s+(?:in|within|over)\b|\bspread\s+over\b|\bcourse\s+length\b|\bis\s+an?\s+(?:\d|one|two|three|four|five|six)[\w-]*\s+(?:day|week|month|year)", re.I)
_ENTRY_SENTENCE = compile_boundary_first(
    r"\b(?:applicants|candidates|you)\s+(?:must|should|will\s+(?:normally\s+)?need\s+to|need\s+to|are\s+expected\s+to)\s+(?:have|hold|be|possess|demonstrate|provide)\b"
    r"|\bentry\s+(?:requirements?|criteria)\b|\bopen\s+to\s+(?:all|any|registered|qualified|nurses|doctors|health|healthcare|clinicians|staff|those|anyone)\b|\bto\s+be\s+eligible\b|\beligib(?:le|ility)\b",
    re.I,
)
_REGISTRATION_SENTENCE = re.compile(r"\bregist(?:er|ration|ered)\b", re.I)
_AWARD_SENTENCE = compile_boundary_first(
    r"\b(?:available|offered|awarded|study(?:ing)?)\s+(?:as|at|for)\s+(?:an?\s+|the\s+)?|\bexit\s+awards?\b|\bexit\s+(?:early\s+)?with\b|\binterim\s+awards?\b|\balso\s+(?:offer|available)|\bstep[\s-]?off\b|\bleads?\s+to\s+(?:an?\s+|the\s+)?",
    re.I,
)
# Words without which each sentence pattern cannot match: only the sentences holding one
# are tried (~0.5 ms a 15 KB page), found from the words (crawler/facts/sentences).
_ENTRY_GUARDS = check_guards(("applicants", "candidates", "you", "entry", "open", "eligib"))
_REGISTRATION_GUARDS = check_guards(("regist",))
_AWARD_GUARDS = check_guards(("available", "offered", "awarded", "study", "exit", "interim", "also", "step", "lead"))
_TOPIC_CREDITS = re.compile(r"\s*[(\[,–—-]?\s*\d{1,3}\s*(?:credits?|cats|ects)[)\]]?\s*$|^\s*(?:core|optional|compulsory|module)\s*[:–-]\s*", re.I)
_TOPIC_NOISE = re.compile(r"^(?:core|optional|compulsory|elective)(?:\s+modules?)?$|^(?:apply|enrol|enroll|book|register|sign\s+up|download|request|contact\s+us|find\s+out)\b|^(?:year|stage|level|semester|term|part)\s+\w+$|^(?:read|show|view|see)\s+(?:more|less|all)\b|^\d+$", re.I)
_COURSE_LINK_AWARD = re.compile(r"\b(?:MSc|MA|MRes|MPhil|PgCert|PgDip|PG\s?Cert|PG\s?Dip|BSc|BA|PhD|Postgraduate\s+(?:Certificate|Diploma))\b", re.I)
_SHORT_COURSE_TEXT = compile_boundary_first(r"\bshort\s+courses?\b|\bcpd\b|\bcontinuing\s+professional\s+development\b|\bonline\s+course\b|\bworkshop\b|\bmasterclass\b|\bstudy\s+day\b|\be-?learning\b"
                                r"|\bprofessional\s+development\s+program(?:me)?\b|\bshort\s+learning\s+program(?:me)?\b|\btraining\s+(?:course|program(?:me)?)\b", re.I)
# Awards the whole <title> may name as part of the site's name, not the page's course.
_SITE_NAME_AWARDS = ("certificate", "master's")


_NO_MONTHS = {"full-time": None, "part-time": None}

# Facts that only a course page has; their count is evidence for page_kind.
_COURSE_FACTS = frozenset({"duration", "fees", "credits", "fheq_level", "start_dates", "entry_requirements", "awards"})


def empty_facts(url: str) -> dict:
    """The facts dict with every key present and nothing known."""
    facts = dict.fromkeys(FACT_KEYS)
    facts.update(url=url, is_course=False, page_kind="other", page_kind_sure=True, page_kind_evidence=[], awards=[], modes=[], fee_amounts=[], free=False,
                 stipend=False, requires_registration=False, regulators=[], topics=[], start_dates=[],
                 duration_months={"full-time": None, "part-time": None}, sources={}, errors=[])
    return facts


def extract_course_facts(html: bytes | str, url: str, encoding: str | None = None) -> dict:
    """Course facts of one page; see docs/architecture.md for the keys. Never raises."""
    facts = empty_facts(url)
    try:
        _extract(html, url, encoding, facts)
    except pagetext.PageError as exc:
        facts["errors"].append(str(exc))
        log.warning("Cannot read %s: %s", url, exc)
    except (RecursionError, MemoryError, ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        # A rule tripping on a page it never expected must not stop the crawl; the page
        # keeps whatever was read before the failure.
        facts["errors"].append(f"extract: {type(exc).__name__}: {exc}"[:200])
        log.warning("Extraction failed for %s", url, exc_info=True)
    return facts


def _read_body(html, encoding: str | None, facts: dict) -> str:
    if html is None or len(html) == 0:
        raise pagetext.PageError("body: empty")
    if pagetext.looks_binary(html):
        raise pagetext.PageError("body: binary content, not HTML")
    text, notes = pagetext.decode_html(html, encoding)
    facts["errors"].extend(notes)
    if len(text) > pagetext.MAX_HTML_CHARS:
        facts["errors"].append(f"body: cut from {len(text)} to {pagetext.MAX_HTML_CHARS} characters")
        text = text[: pagetext.MAX_HTML_CHARS]
    return text


def _meta(root) -> dict:
    out = {}
    head = root.find("head")
    if head is None:
        return out
    for meta in head.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in ("description", "og:description", "og:title", "og:type") and key not in out:
            content = " ".join((meta.get("content") or "").split())
            if content:
                out[key] = content
    title = head.find("title")
    if title is not None and title.text:
        out["title"] = " ".join(title.text.split())
    return out


def _main_course(data: StructuredData) -> StructuredCourse | None:
    named = [c for c in data.courses if c.name]
    if named:
        return named[0]
    return data.courses[0] if data.courses else None


def _extract(html, url: str, encoding: str | None, facts: dict) -> None:
    text = _read_body(html, encoding, facts)
    root = pagetext.parse_html(text)
    data = read_structured(root)
    for error in data.errors:
        facts["errors"].append(error)
        log.debug("%s: %s", url, error)
    meta = _meta(root)
    pagetext.clean_tree(root)
    pagetext.mark_blocks(root)
    body = root.find("body")
    body = body if body is not None else root
    main, main_raw = pagetext.main_element_with_text(root)
    main_text = pagetext.normalise_text(main_raw)
    # Only read_keyfacts reads the whole body; a body holding only its main has the main's text.
    body_text = main_text if main is body else pagetext.enclosing_text(body.text_content(), main_raw, main_text)
    main_text, body_text = main_text[:MAX_ANALYSIS_CHARS], body_text[:MAX_ANALYSIS_CHARS]
    keyfacts = read_keyfacts(body, body_text)
    course = _main_course(data)
    sources = facts["sources"]

    h1 = next(iter(main.iter("h1")), None)
    if h1 is None:
        h1 = next(iter(body.iter("h1")), None)
    h1_text = " ".join(pagetext.raw_text(h1).split()) if h1 is not None else ""
    raw_titles = _raw_titles(course, h1_text, meta)
    if raw_titles:
        source, raw = raw_titles[0]
        facts["title"] = titles.clean_title(raw)
        sources["title"] = source

    entry_text = _entry_requirements(course, keyfacts, main_text, facts)
    text_without_entry = main_text
    for value in keyfacts.values.get("entry", []):
        text_without_entry = text_without_entry.replace(value, " ")
    facts["summary"], summary_source = _summary(course, meta, keyfacts, main)
    if facts["summary"]:
        sources["summary"] = summary_source

    _awards(facts, course, keyfacts, raw_titles, main_text, meta.get("title"))
    _level_and_credits(facts, course, keyfacts, text_without_entry)
    _modes_and_duration(facts, course, keyfacts, raw_titles, main_text, text_without_entry)
    _short_course(facts, raw_titles, main_text)
    _fees(facts, course, keyfacts, main_text)
    _topics(facts, course, keyfacts)
    _start_dates(facts, course, keyfacts, text_without_entry)

    facts["text"] = main_text[: pagetext.TEXT_CAP]
    signals = pagekind.PageSignals(
        url=url,
        schema_types=frozenset(data.types),
        named_course_data=bool(course and course.name),
        og_type=meta.get("og:type"),
        title=h1_text or meta.get("title", ""),
        title_has_award=bool(award_rules.awards_in_title(" ".join(raw for _, raw in raw_titles[:2]))),
        keyfact_count=_keyfact_count(facts),
        course_link_count=sum(1 for a in main.iter("a") if _COURSE_LINK_AWARD.search(pagetext.raw_text(a) or "")),
        text_head=main_text[:4000],
        text_fact_count=sum(1 for k, v in facts["sources"].items() if v == "text" and k in _COURSE_FACTS),
        repeated_keyfacts=max((len(keyfacts.values.get(n, [])) for n in ("duration", "start")), default=0),
        fee_page_awards=_fee_page_awards(h1_text or titles.page_name_from_title_tag(meta.get("title", "")), meta.get("title"), main_text),
    )
    judged = pagekind.judge_page(signals)
    facts["page_kind"] = judged.kind
    facts["page_kind_sure"] = judged.sure
    facts["page_kind_evidence"] = list(judged.evidence)
    facts["is_course"] = facts["page_kind"] == "course"
    if not facts["is_course"] and facts["awards"] == ["short course"] and sources.get("awards") == "inferred":
        facts["awards"] = []
        sources.pop("awards", None)
    if facts["is_course"]:
        for name in REPORTED_FACTS:
            if facts[name] in (None, [], ""):
                facts["errors"].append(f"{name}: not found")
                log.debug("%s: %s not found", url, name)


def _fee_page_awards(title: str, meta_title: str | None, main_text: str) -> int:
    """Distinct awards a general fees page names; 0 for any page whose title is not about fees or names an award."""
    if not pagekind.is_fees_title(title) or award_rules.awards_in_title(meta_title):
        return 0  # "Fees and funding | Nursing MSc": one course's fees tab
    return len([a for a in award_rules.find_awards(main_text) if a in award_rules.DEGREE_AWARDS])


def _raw_titles(course, h1_text: str, meta: dict) -> list[tuple[str, str]]:
    """Candidate titles, most trusted first, as (source, text)."""
    out = []
    if course and course.name:
        out.append((course.syntax, course.name))
    if h1_text and not titles.is_generic_heading(h1_text):
        out.append(("text", h1_text))
    if meta.get("og:title"):
        out.append(("meta", titles.page_name_from_title_tag(meta["og:title"])))
    if meta.get("title"):
        out.append(("meta", titles.page_name_from_title_tag(meta["title"])))
    return out


def _entry_requirements(course, keyfacts: KeyFacts, main_text: str, facts: dict) -> str | None:
    sources = facts["sources"]
    text, source = None, None
    if course and course.prerequisites:
        text, source = "\n".join(course.prerequisites), course.syntax
    elif keyfacts.values.get("entry"):
        text, source = keyfacts.longest("entry"), "keyfacts"
    else:
        sentences = [s.strip() for s in sentences_with(_ENTRY_SENTENCE, _ENTRY_GUARDS, main_text)]
        if sentences:
            text, source = " ".join(sentences), "text"
    if text:
        text = text[:MAX_ENTRY_CHARS]
        facts["entry_requirements"] = text
        sources["entry_requirements"] = source
        facts["degree_class"] = entry.degree_class(text)
        facts["work_experience"] = entry.needs_work_experience(text)
        facts["requires_registration"] = entry.needs_registration(text)
        facts["regulators"] = entry.find_regulators(text)
        for name in ("degree_class", "work_experience", "regulators"):
            if facts[name] not in (None, []):
                sources[name] = source
        if facts["requires_registration"]:
            sources["requires_registration"] = source
    else:
        # No entry section: only sentences that talk about registration count.
        sentences = " ".join(sentences_with(_REGISTRATION_SENTENCE, _REGISTRATION_GUARDS, main_text))
        facts["requires_registration"] = entry.needs_registration(sentences)
        facts["regulators"] = entry.find_regulators(sentences) if facts["requires_registration"] else []
        if facts["requires_registration"]:
            sources["requires_registration"] = "text"
    return text


def _summary(course, meta: dict, keyfacts: KeyFacts, main) -> tuple[str | None, str | None]:
    if course and course.description:
        return course.description[:MAX_SUMMARY_CHARS], course.syntax
    for key in ("description", "og:description"):
        if meta.get(key):
            return meta[key][:MAX_SUMMARY_CHARS], "meta"
    paragraphs = []
    for n, p in enumerate(main.iter("p")):
        if n >= MAX_SUMMARY_PARAGRAPHS_SCANNED:
            break
        text = pagetext.element_text(p)
        if len(text) >= MIN_SUMMARY_PARAGRAPH and not label_name(text.split(":")[0]):
            paragraphs.append(text)
            if sum(len(x) for x in paragraphs) >= MAX_SUMMARY_CHARS // 2 or len(paragraphs) == 2:
                break
    if not paragraphs and keyfacts.first("summary"):
        paragraphs.append(keyfacts.first("summary"))
    summary = " ".join(paragraphs)
    if len(summary) > MAX_SUMMARY_CHARS:
        cut = summary.rfind(". ", 0, MAX_SUMMARY_CHARS)
        summary = summary[: cut + 1] if cut > 0 else summary[:MAX_SUMMARY_CHARS]
    return (summary, "text") if summary else (None, None)


def _awards(facts: dict, course, keyfacts: KeyFacts, raw_titles, main_text: str, meta_title: str | None) -> None:
    found: list[str] = []
    source = None

    def add(names, where):
        nonlocal source
        new = [n for n in names if n not in found]
        if new:
            found.extend(new)
            source = source or where

    if course:
        add(award_rules.find_awards(" / ".join(course.awards)), course.syntax)
    for where, raw in raw_titles:
        add(award_rules.awards_in_title(raw), "title" if where == "text" else where)
    if meta_title:
        # The whole <title>, site part included: "X - e-learning module | Provider".
        # Certificate and master's words there may be the site's name ("QIMS Certification").
        add([a for a in award_rules.awards_in_title(meta_title) if a not in _SITE_NAME_AWARDS], "meta")
    for value in keyfacts.values.get("awards", []):
        add(award_rules.find_awards(value), "keyfacts")
    title = raw_titles[0][1] if raw_titles else meta_title
    if not found and coursekinds.is_module_descriptor(title, main_text):
        # "Unit code | IIDS62302", "PU5074: ...": the degrees named in the page's header
        # are the programmes the module belongs to, not what this page offers.
        add(["module"], "title" if coursekinds.title_course_code(title) else "text")
    if not found:
        window = _without_entry_sentences(main_text[:AWARD_TEXT_WINDOW])
        offered = " ".join(sentences_with(_AWARD_SENTENCE, _AWARD_GUARDS, main_text))
        add(award_rules.find_awards(window + "\n" + offered), "text")
    else:
        # "Also available as a PgCert": exit awards stated in a sentence add to the title's.
        offered = " ".join(sentences_with(_AWARD_SENTENCE, _AWARD_GUARDS, main_text))
        extra = [a for a in award_rules.find_awards(offered) if a in award_rules.DEGREE_AWARDS and a in ("PgCert", "PgDip")]
        if any(a in found for a in ("MSc", "MA", "MRes", "MPH", "MBA", "PgDip")):
            add(extra, "text")
    if found == ["master's"]:
        # "Master's in X" in the title, "a new MSc concentration" in the text: the text names its kind.
        named = [a for a in award_rules.find_awards(_without_entry_sentences(main_text[:AWARD_TEXT_WINDOW]))
                 if a in award_rules.NAMED_MASTERS]
        if named:
            found[:] = named
            source = "text"
    if not found and coursekinds.reads_as_module(main_text):
        add(["module"], "text")
    facts["awards"] = [a for a in award_rules.AWARD_ORDER if a in found]
    if source:
        facts["sources"]["awards"] = source


def _without_entry_sentences(text: str) -> str:
    """``text`` without the sentences that state entry requirements ("You must hold a master's degree")."""
    kept = [s for s in _SENTENCES.findall(text)
            if not (any(w in s.lower() for w in _ENTRY_GUARDS) and _ENTRY_SENTENCE.search(s))]
    return " ".join(kept)


def _short_course(facts: dict, raw_titles, main_text: str) -> None:
    """A course page with no award gets "short course" when its wording, title or length says so."""
    if facts["awards"]:
        return
    title = raw_titles[0][1] if raw_titles else None
    if _SHORT_COURSE_TEXT.search(main_text[:AWARD_TEXT_WINDOW]) or coursekinds.is_short_course(title, facts["duration_months"], main_text):
        facts["awards"] = ["short course"]
        facts["sources"]["awards"] = "inferred"


def _level_and_credits(facts: dict, course, keyfacts: KeyFacts, text: str) -> None:
    sources = facts["sources"]
    level, source = None, None
    labelled = [levels.level_in_label(v) for v in keyfacts.values.get("level", [])]
    labelled = [n for n in labelled if n]
    if labelled:
        level, source = max(labelled), "keyfacts"  # "Level 6 or 7" modules: the higher
    if level is None and course and course.level:
        level, source = levels.level_in_label(course.level), course.syntax
    if level is None:
        level, source = levels.stated_fheq_level(text), "text"
    if level is None:
        level, source = award_rules.fheq_level_for_awards(facts["awards"]), "award"
    if level is None:
        level, source = levels.scottish_level(text), "text"
    if level is None and facts["awards"] == ["module"]:
        # A module descriptor's header names the programmes it belongs to ("MSc/PGDip Health
        # Informatics", "post-registration BSc pathways"): the module is taught at their level.
        host = award_rules.find_awards(_without_entry_sentences(text[:AWARD_TEXT_WINDOW]))
        level, source = award_rules.fheq_level_for_awards(host), "text"
    if level is None:
        level, source = levels.loose_level(text), "text"
    if level is None and set(facts["awards"]) <= {"module", "certificate"}:
        level, source = levels.postgraduate_level(facts["url"], text[:AWARD_TEXT_WINDOW]), "text"
    facts["fheq_level"] = level
    if level is not None:
        sources["fheq_level"] = source

    single_module = facts["awards"] == ["module"]
    credits, source = None, None
    labelled_credits = []
    for value in keyfacts.values.get("credits", []):
        numbers = levels.credit_values(value) or [int(n) for n in re.findall(r"\b\d{2,3}\b", value) if 5 <= int(n) <= levels.MAX_CREDITS]
        if numbers and single_module:
            credits, source = numbers[0], "keyfacts"
            break
        labelled_credits.extend(numbers)
    if labelled_credits:
        credits, source = max(labelled_credits), "keyfacts"
    if credits is not None and not single_module and any(a in award_rules.DEGREE_AWARDS for a in facts["awards"]):
        # "Credits: 30" under each module of a degree page is a module's size; "the MSc is
        # 180 credits" in the text is the award's total, which the contract asks for.
        stated = levels.credit_values(text, skip_module_sizes=True)
        if stated and max(stated) > credits:
            credits, source = max(stated), "text"
    if credits is None and course and course.credits:
        numbers = [int(float(n)) for n in re.findall(r"\d+(?:\.\d+)?", course.credits)]
        if numbers:
            credits, source = numbers[0], course.syntax
    if credits is None:
        values = levels.credit_values(text, skip_module_sizes=not single_module)
        if values:
            credits, source = (values[0] if single_module else max(values)), "text"
    facts["credits"] = credits
    if credits is not None:
        sources["credits"] = source


def _modes_and_duration(facts: dict, course, keyfacts: KeyFacts, raw_titles, main_text: str, text: str) -> None:
    sources = facts["sources"]
    duration_text, duration_source = None, None
    if course and course.durations:
        for value, mode_text in course.durations:
            months = durations.iso_duration_months(value)
            readable = durations.iso_duration_text(value) or value
            if months is not None or durations.parse_duration(value) != {"full-time": None, "part-time": None}:
                mode_words = modes.modes_in_label(mode_text)
                mode_label = " part-time" if "part-time" in mode_words and "full-time" not in mode_words else " full-time" if "full-time" in mode_words else ""
                piece = readable + mode_label
                duration_text = f"{duration_text}; {piece}" if duration_text else piece
                duration_source = course.syntax
    if duration_text is None:
        # One row per award ("PgCert | 1 year part-time", "MSc | 3 years part-time"): all rows
        # are kept, so the longest per mode (the highest award's) is read.
        readable = [v for v in keyfacts.values.get("duration", [])
                    if durations.parse_duration(v) != _NO_MONTHS or durations.has_no_time_limit(v)]
        if readable:
            duration_text, duration_source = "; ".join(readable), "keyfacts"
        elif keyfacts.values.get("duration"):
            duration_text, duration_source = keyfacts.first("duration"), "keyfacts"
    if duration_text is None:
        duration_text = _length_in_prose(text)
        duration_source = "text" if duration_text else None
    facts["duration"] = duration_text[:300] if duration_text else None
    if duration_text:
        sources["duration"] = duration_source

    found: set[str] = set()
    mode_source = None
    labelled = [(v, "keyfacts") for v in keyfacts.values.get("modes", [])]
    if course:
        labelled.extend((v, course.syntax) for v in course.modes)
    if duration_text:
        labelled.append((duration_text, duration_source))
    for value, where in labelled:
        new = modes.modes_in_label(value)
        if new - found:
            mode_source = mode_source or where
        found |= new
    for _, raw in raw_titles[:2]:
        for bracket in re.findall(r"\(([^)]*)\)", raw):
            found |= modes.modes_in_label(bracket)
    from_text = modes.modes_in_text(main_text)
    if from_text - found:
        mode_source = mode_source or "text"
    found |= from_text
    facts["modes"] = modes.ordered(found)
    if found:
        sources["modes"] = mode_source or "title"

    default_mode = "part-time" if "part-time" in found and "full-time" not in found else "full-time"
    if duration_text:
        if duration_source in ("jsonld", "microdata"):
            months = {"full-time": None, "part-time": None}
            for value, mode_text in course.durations:
                m = durations.iso_duration_months(value)
                if m is None:
                    parsed = durations.parse_duration(value, default_mode)
                    for key in months:
                        if parsed[key] is not None:
                            months[key] = max(months[key] or 0, parsed[key])
                    continue
                mode_words = modes.modes_in_label(mode_text)
                key = "part-time" if "part-time" in mode_words and "full-time" not in mode_words else "full-time" if "full-time" in mode_words else default_mode
                months[key] = max(months[key] or 0, m)
            facts["duration_months"] = months
        else:
            facts["duration_months"] = durations.parse_duration(duration_text, default_mode)


def _length_in_prose(text: str) -> str | None:
    """The course's length from sentences and loose lines: a sentence that states it
    ("This 12-week programme"), else a line that is only a length ("3 years"), else the
    first sentence with a length and a looser word ("takes", "full-time")."""
    loose = None
    names_a_length = durations.length_test(text)
    for found in _SENTENCES.finditer(text):
        if not names_a_length(*found.span()):
            continue
        sentence = found.group(0)
        if durations.parse_duration(sentence) == _NO_MONTHS:
            continue
        if durations.states_course_length(sentence):
            return sentence.strip()
        if loose is None and _DURATION_CONTEXT.search(sentence):
            loose = sentence.strip()
    for line in text.splitlines():
        if durations.is_bare_length(line):
            return line.strip()
    return loose


def _fees(facts: dict, course, keyfacts: KeyFacts, main_text: str) -> None:
    sources = facts["sources"]
    amounts: list[dict] = []
    fee_text, source = None, None
    if course and course.offers:
        lines = []
        for offer in course.offers:
            try:
                price = float(str(offer["price"]).replace(",", "")) if offer["price"] is not None else None
            except ValueError:
                facts["errors"].append(f"{course.syntax}: offer price {str(offer['price'])[:20]!r} is not a number")
                continue
            if price is None:
                continue
            currency = str(offer["currency"] or "GBP").upper()
            currency = currency if currency in ("GBP", "USD", "EUR") else "GBP"
            audience = fees.parse_fee_amounts(f"{offer['category']} £1")
            audience_for = audience[0]["for"] if audience else None
            amounts.append({"amount": price, "currency": currency, "for": audience_for})
            lines.append(f"{offer['category']} {currency} {price:g}".strip())
        if amounts:
            fee_text, source = "; ".join(lines), course.syntax
    if fee_text is None and keyfacts.values.get("fees"):
        fee_text, source = keyfacts.joined("fees"), "keyfacts"
    if fee_text is None:
        lines = _fee_lines(main_text)
        if lines:
            fee_text, source = "\n".join(lines), "text"
    if not amounts and fee_text:
        amounts = fees.parse_fee_amounts(fee_text)
    # Free means the learner pays nothing: a page that states a fee is not free
    # even if it also mentions funded places.
    charged = any(a["amount"] > 0 for a in amounts)
    free = not charged and (fees.is_free(fee_text) or bool(amounts)
                            or any(fees.funder_pays_tuition(label, value) for label, value in keyfacts.labels.get("fees", [])))
    if not free and not amounts:
        free_sentences = [s.strip() for s in fees.free_sentences(main_text[:6000])]
        if free_sentences:
            free = True
            fee_text, source = fee_text or free_sentences[0], source or "text"
    stipend = fees.pays_stipend(fee_text) or fees.pays_stipend(main_text)
    facts["fees"] = fee_text[:1000] if fee_text else None
    facts["fee_amounts"] = amounts
    facts["free"] = free
    facts["stipend"] = stipend
    if fee_text:
        sources["fees"] = source
        if amounts:
            sources["fee_amounts"] = source


def _fee_lines(text: str) -> list[str]:
    """The lines of ``text`` that state a fee: a fee word and an amount."""
    may_be_fee_line = may_hold(_FEE_LINE_WORDS, text)
    return [line for line in text.splitlines() if may_be_fee_line(line) and _FEE_LINE.search(line) and fees.has_amount(line)]


def _topic_items(elements) -> list[str]:
    items: list[str] = []
    for el in elements:
        candidates = [c for c in el.iter("li", "h3", "h4", "h5", "summary", "button", "dt", "td", "th")] or [el]
        if el.tag in ("li", "h3", "h4", "h5", "summary", "button", "dt"):
            candidates = [el]
        for c in candidates:
            if c.tag in ("td", "th") and c.getprevious() is not None:
                continue  # only the first cell of a module table names the module
            if c.tag == "li" and any(child.tag in ("ul", "ol", "p", "div") for child in c):
                continue  # a list item that is a section; its own items are collected
            text = " ".join(pagetext.element_text(c).split())
            text = _TOPIC_CREDITS.sub("", text).strip(" :–-")
            if not 3 <= len(text) <= MAX_TOPIC_CHARS or _TOPIC_NOISE.match(text) or label_name(text):
                continue
            if text.endswith("."):
                continue  # a sentence, not a module name
            if text not in items:
                items.append(text)
    return items


def _topics(facts: dict, course, keyfacts: KeyFacts) -> None:
    topics, source = [], None
    if course and course.topics:
        topics, source = list(dict.fromkeys(course.topics)), course.syntax
    if not topics and keyfacts.elements.get("topics"):
        topics, source = _topic_items(keyfacts.elements["topics"]), "keyfacts"
    facts["topics"] = topics[:MAX_TOPICS]
    if facts["topics"]:
        facts["sources"]["topics"] = source


def _start_dates(facts: dict, course, keyfacts: KeyFacts, text: str) -> None:
    found, source = [], None
    if course and course.start_dates:
        for value in course.start_dates:
            date = dates.iso_start_date(value)
            for d in [date] if date else dates.start_dates_in(value):
                if d not in found:
                    found.append(d)
        source = course.syntax if found else None
    if not found:
        for value in keyfacts.values.get("start", []):
            for d in dates.start_dates_in(value):
                if d not in found:
                    found.append(d)
        source = "keyfacts" if found else None
    if not found:
        found = dates.start_dates_in_text(text)
        source = "text" if found else None
    facts["start_dates"] = found
    if source:
        facts["sources"]["start_dates"] = source


def _keyfact_count(facts: dict) -> int:
    """How many course facts came from labels or schema.org, not from loose text."""
    structured = ("jsonld", "microdata", "keyfacts")
    names = ("duration", "fees", "entry_requirements", "start_dates", "credits", "fheq_level", "modes", "topics")
    return sum(1 for name in names if facts["sources"].get(name) in structured and facts[name] not in (None, [], ""))
