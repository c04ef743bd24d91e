"""What a page is: a course, or one of the pages that use course words without being one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

PAGE_KINDS = ("course", "listing", "news", "profile", "research", "event", "search", "other")

_URL_CUES = {
    "news": re.compile(r"/(?:news|blogs?|press(?:-releases?)?|stories|features|media-centre|newsroom|latest-news)(?:/|$)", re.I),
    "profile": re.compile(r"/(?:people|staff|profiles?|our-people|our-team|team|directory|person|academics|experts|staff-profiles?)(?:/|$)", re.I),
    "research": re.compile(r"/(?:research(?!-degrees?|-programmes?|-courses?|-fellowships?)|projects?|research-projects)(?:/|$)", re.I),
    "event": re.compile(r"/(?:events?|whats-on|what-s-on|calendar|webinars?|conferences?)(?:/|$)", re.I),
    "search": re.compile(r"/search(?:/|$|\?|-results)|[?&](?:q|query|search|keywords?|s|term)=", re.I),
    "listing": re.compile(r"/(?:a-z|az|a-to-z|course-finder|course-search|all-courses|browse)(?:/|$|\?)|/(?:courses|programmes|study|postgraduate|undergraduate|short-courses|cpd|modules)/?(?:\?.*)?$", re.I),
    "course": re.compile(r"/(?:courses?|study|programmes?|programs?|postgraduate|undergraduate|taught|cpd|short-courses?|modules?|learning|training|fellowships?|funding|opportunities|education|elearning)/[^?#]+", re.I),
}
_SCHEMA_KIND = {
    "NewsArticle": "news", "BlogPosting": "news", "Article": "news", "ReportageNewsArticle": "news", "PressRelease": "news",
    "Person": "profile", "ProfilePage": "profile",
    "ResearchProject": "research", "Project": "research", "ScholarlyArticle": "research",
    "Event": "event", "EducationEvent": "event", "BusinessEvent": "event",
    "SearchResultsPage": "search",
    "ItemList": "listing", "CollectionPage": "listing", "OfferCatalog": "listing",
}
_TEXT_CUES = {
    "news": re.compile(r"\b(?:published|posted)(?:\s+on)?:?\s+(?:\w+day,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+20\d\d|\bpress\s+release\b|\bmedia\s+(?:contact|enquiries)\b|\brelated\s+news\b|\blatest\s+news\b"),
    "profile": re.compile(r"^(?:research\s+interests|publications|selected\s+publications|biography|teaching\s+(?:responsibilities|interests)|contact\s+details|qualifications\s+and\s+memberships|supervision|expertise|professional\s+memberships)$", re.I | re.M),
    "research": re.compile(r"\bprincipal\s+investigator\b|^funders?\b|\bfunded\s+by\b|^project\s+(?:team|dates|duration|aims|outputs|partners|lead|status)\b|^research\s+(?:aims|questions|outputs)\b|^collaborators\b|^outputs\b|\bgrant\s+reference\b", re.I | re.M),
    "event": re.compile(r"\bbook\s+(?:your|a)\s+(?:place|ticket)\b|\bregister\s+for\s+(?:this|the)\s+(?:event|webinar)\b|^venue\b|^date\s+and\s+time\b|\b\d{1,2}[:.]\d{2}\s*(?:am|pm)?\s*(?:-|–|to)\s*\d{1,2}[:.]\d{2}\s*(?:am|pm)?\b|\badd\s+to\s+calendar\b", re.I | re.M),
    "search": re.compile(r"\bsearch\s+results\b|\bresults\s+for\b|\b\d+\s+results?\b|\bshowing\s+\d+|\bno\s+results\b|\brefine\s+(?:your\s+)?(?:search|results)\b|\bfilter\s+(?:by|results)\b", re.I),
    "listing": re.compile(r"\b(?:a\s*-\s*z|a\s+to\s+z)\b|\bbrowse\s+(?:all\s+)?(?:our\s+)?courses\b|\bfind\s+a\s+course\b|\ball\s+courses\b|\bcourse\s+(?:list|finder|directory)\b", re.I),
}
# Words without which a kind's text cue cannot match (tested on the lowered text): the
# substring tests skip most cue regexes on most pages (together ~0.8 ms a 15 KB page).
_TEXT_CUE_GUARDS = {
    "news": ("published", "posted", "press", "media", "news"),
    "profile": ("research", "publications", "biography", "teaching", "contact", "qualifications", "supervision",
                "expertise", "professional"),
    "research": ("investigator", "funde", "project", "research", "collaborators", "outputs", "grant"),
    "event": ("book", "register", "venue", "date", "calendar"),
    "search": ("search", "result", "showing", "refine", "filter"),
    "listing": ("z", "browse", "find", "courses", "list", "directory"),
}
# The event cue's "10:00 - 12:00" needs a clock time, which no guard word names.
_CLOCK_TIME = re.compile(r"\d[:.]\d\d")
_APPLY = re.compile(r"\bapply\s+now\b|\bhow\s+to\s+apply\b|\bapply\s+(?:online|for\s+this)\b|\bbook\s+(?:now|onto|on\s+this)\b|\benrol\s+now\b|\bregister\s+(?:now|for\s+this\s+(?:course|module))\b|\bstart\s+(?:the\s+)?course\b", re.I)
_COURSE_WORD_TITLE = re.compile(r"\b(?:course|module|programme|program|fellowships?|masterclass|training|certificate|diploma|apprenticeship)\b", re.I)
_ACADEMIC_TITLE = re.compile(r"^(?:dr\.?|prof(?:essor)?\.?|mr|mrs|ms|miss)\s+[A-Z]", re.I)
_JOB_TITLE = re.compile(r"\b(?:senior\s+)?(?:lecturer|reader|professor\s+of|research\s+fellow|associate\s+professor|head\s+of\s+(?:school|department)|course\s+(?:director|leader)|programme\s+(?:director|lead))\b", re.I)

# "Postgraduate tuition fees 2026/27", "Fees and funding", "Scholarships and bursaries": a page about
# paying for study in general. Years are removed before matching.
_FEE_WORD = r"(?:(?:tuition|course|programme)\s+)?(?:fees?|funding|costs?|finance|scholarships?|bursar(?:y|ies)|loans?|student\s+finance)"
_FEES_TITLE = re.compile(
    r"(?:(?:post|under)graduate|pg|ug|taught|research|international|home|uk|eu|students?'?|our|your|\d{4}(?:\s*[/–-]\s*\d{2,4})?)?\s*"
    rf"{_FEE_WORD}(?:\s*(?:,|and|&)\s*{_FEE_WORD})*"
    r"(?:\s+(?:for|in|at)\s+(?:(?:post|under)graduate|international|home|uk|eu)?\s*(?:students?|study|courses?|programmes?|applicants))?"
    r"(?:\s*\(?\d{4}(?:\s*[/–-]\s*\d{2,4})?(?:\s+entry)?\)?)?",
    re.I,
)
# A fees page naming this many different awards (MSc, MA, PgDip, PgCert...) covers many courses, not one.
MIN_FEE_PAGE_AWARDS = 3

# Score thresholds, set on the labelled pages: a course needs two kinds of
# evidence (e.g. two key facts, or one key fact and an award in the title).
MIN_COURSE_SCORE = 5
MIN_OTHER_SCORE = 3
# Key facts count towards "course" up to this many, so a search page with
# filter facets ("Study mode", "Start date") cannot win on facets alone.
MAX_KEYFACT_POINTS = 6
# Facts found only in running text are weaker evidence: news stories state two or three
# (a start month, a length), a sparse course page states most of them.
MAX_TEXT_FACT_POINTS = 4
# A page linking to this many awards-named courses is a list of courses.
MIN_LISTING_LINKS = 6
# "Duration: ..." on this many cards means the page lists courses.
MIN_REPEATED_KEYFACTS = 3


@dataclass(frozen=True)
class PageSignals:
    """The evidence page_kind weighs, gathered by the extractor."""

    url: str
    schema_types: frozenset
    named_course_data: bool
    og_type: str | None
    title: str
    title_has_award: bool
    keyfact_count: int
    course_link_count: int
    text_head: str
    repeated_keyfacts: int = 0
    text_fact_count: int = 0
    # Distinct awards the page names, counted only when its title is a fees title (else 0).
    fee_page_awards: int = 0


def is_fees_title(title: str | None) -> bool:
    """True for a title about paying for study in general ("Postgraduate fees and funding"), not a course."""
    return bool(title) and bool(_FEES_TITLE.fullmatch(" ".join(title.split()).strip(" :|-")))


def score_page(signals: PageSignals) -> dict[str, int]:
    """Points per page kind."""
    scores = dict.fromkeys(PAGE_KINDS, 0)
    parts = urlsplit(signals.url or "")
    path = parts.path + ("?" + parts.query if parts.query else "")
    for kind, pattern in _URL_CUES.items():
        if pattern.search(path):
            scores[kind] += 1 if kind == "course" else 3
    for schema_type in signals.schema_types:
        kind = _SCHEMA_KIND.get(schema_type)
        if kind:
            scores[kind] += 4
    if signals.og_type and signals.og_type.lower() in ("article", "news"):
        scores["news"] += 2
    if signals.og_type and signals.og_type.lower() in ("profile",):
        scores["profile"] += 2
    lowered_head = signals.text_head.lower()
    for kind, pattern in _TEXT_CUES.items():
        if not any(word in lowered_head for word in _TEXT_CUE_GUARDS[kind]):
            if kind != "event" or not _CLOCK_TIME.search(signals.text_head):
                continue
        hits = len(pattern.findall(signals.text_head))
        scores[kind] += min(hits, 3) * (2 if kind in ("search", "news") else 1)
    if _ACADEMIC_TITLE.search(signals.title) or _JOB_TITLE.search(signals.text_head[:400]):
        scores["profile"] += 2
    if signals.repeated_keyfacts >= MIN_REPEATED_KEYFACTS:
        scores["listing"] += 4  # the same label on many cards: a list of courses
    if signals.course_link_count >= MIN_LISTING_LINKS:
        scores["listing"] += 3
        scores["search"] += 1
    keyfact_points = min(2 * signals.keyfact_count, MAX_KEYFACT_POINTS)
    if signals.repeated_keyfacts >= MIN_REPEATED_KEYFACTS:
        keyfact_points //= 2  # the facts belong to several courses, not this page
    scores["course"] += keyfact_points
    # Facts read from prose count once each: a sparse course page states them in sentences.
    scores["course"] += min(signals.text_fact_count, MAX_TEXT_FACT_POINTS)
    if signals.named_course_data:
        scores["course"] += 3
    if signals.title_has_award or _COURSE_WORD_TITLE.search(signals.title):
        scores["course"] += 2
    if _APPLY.search(signals.text_head):
        scores["course"] += 1
    if signals.fee_page_awards >= MIN_FEE_PAGE_AWARDS and not signals.title_has_award and not signals.named_course_data:
        # A general fees page: its fee table and award names are every course's, not its own.
        scores["course"] = 0
    return scores


def page_kind(signals: PageSignals) -> str:
    """The best-scoring kind; "course" only with enough evidence and no stronger rival."""
    scores = score_page(signals)
    rival, rival_score = max(((k, v) for k, v in scores.items() if k not in ("course", "other")), key=lambda kv: kv[1])
    if scores["course"] >= MIN_COURSE_SCORE and scores["course"] > rival_score:
        return "course"
    if rival_score >= MIN_OTHER_SCORE:
        return rival
    return "other"
