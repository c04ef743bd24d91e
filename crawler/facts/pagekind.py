"""What a page is: a course, or one of the pages that use course words without being one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.facts import pagecues
from crawler.scan import lowercase
from crawler.scan.anchors import AnchoredSearch
from crawler.scan.boundaries import compile_boundary_first
from crawler.scan.patterns import PatternGroup

PAGE_KINDS = ("course", "listing", "news", "profile", "research", "event", "search", "faq", "job", "other")

_URL_CUES = {
    "news": re.compile(r"/(?:news|blogs?|press(?:-releases?)?|stories|features|media-centre|newsroom|latest-news)(?:/|$)", re.I),
    "profile": re.compile(r"/(?:people|staff|profiles?|our-people|our-team|team|directory|person|academics|experts|staff-profiles?)(?:/|$)", re.I),
    "research": re.compile(r"/(?:research(?!-degrees?|-programmes?|-courses?|-fellowships?)|projects?|research-projects)(?:/|$)", re.I),
    "event": re.compile(r"/(?:events?|whats-on|what-s-on|calendar|webinars?|conferences?)(?:/|$)", re.I),
    "search": re.compile(r"/search(?:/|$|\?|[\w.-]*results?)|[?&](?:q|query|search|searchterm|search_term|keywords?|s|term|text)=", re.I),
    "faq": re.compile(r"/(?:faqs?|frequently-asked-questions)(?:/|$|\.|-)|[/-]faqs?(?:/|$|\.)", re.I),
    "job": re.compile(r"/(?:jobs?|vacanc(?:y|ies)|careers/vacancies)(?:/|$)|job-(?:title|description)", re.I),
    "listing": re.compile(r"/(?:a-z|az|a-to-z|course-finder|course-search|all-courses|browse)(?:/|$|\?)"
                         r"|/(?:courses|programmes|programs|study|postgraduate|undergraduate|short-courses|cpd|modules)/?(?:\?.*)?$"
                         r"|/(?:subjects?|subject-areas?)/[^/?#]+/?(?:\?.*)?$", re.I),
    # A path naming a course, module, programme or training anywhere ("/pgt-courses/", "/InPersonTraining/",
    # "/msc-nursing"), a catalogue's parts ("/units/FMHU5007", "/catalog/"), a course id in the query.
    "course": re.compile(
        r"/(?:study|postgraduate|undergraduate|taught|cpd|funding|opportunities|education|catalog(?:ue)?s?|units?|outlines?|degrees?|masters"
        r"|academy|specs|progspecs)/[^?#]+"
        r"|/[^/?#]*(?:course|programme|program|module|training|learning|fellowship|apprenticeship|internship|msc|pgcert|pgdip|certificate)[^/?#]*(?:/|$|\?)"
        r"|[?&](?:course|module|programme|programmecode|poid)=",
        re.I),
}
_SCHEMA_KIND = {
    "NewsArticle": "news", "BlogPosting": "news", "Article": "news", "ReportageNewsArticle": "news", "PressRelease": "news",
    "Person": "profile", "ProfilePage": "profile",
    "ResearchProject": "research", "Project": "research", "ScholarlyArticle": "research",
    "Event": "event", "EducationEvent": "event", "BusinessEvent": "event",
    "SearchResultsPage": "search",
    "ItemList": "listing", "CollectionPage": "listing", "OfferCatalog": "listing",
}
# Cues run on the lowercased head without re.I (three times cheaper), but for news, whose date
# cue needs a capitalised month.
_TEXT_CUES = {
    "news": re.compile(r"\b(?:published|posted)(?:\s+on)?:?\s+(?:\w+day,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+20\d\d|\bpress\s+release\b|\bmedia\s+(?:contact|enquiries)\b|\brelated\s+news\b|\blatest\s+news\b"),
    "profile": re.compile(r"^(?:research\s+interests|publications|selected\s+publications|biography|teaching\s+(?:responsibilities|interests)|contact\s+details|qualifications\s+and\s+memberships|supervision|expertise|professional\s+memberships)$", re.M),
    "research": re.compile(r"\bprincipal\s+investigator\b|^funders?\b|\bfunded\s+by\b|^project\s+(?:team|dates|duration|aims|outputs|partners|lead|status)\b|^research\s+(?:aims|questions|outputs)\b|^collaborators\b|^outputs\b|\bgrant\s+reference\b", re.M),
    "event": re.compile(r"\bbook\s+(?:your|a)\s+(?:place|ticket)\b|\bregister\s+for\s+(?:this|the)\s+(?:event|webinar)\b|^venue\b|^date\s+and\s+time\b|\b\d{1,2}[:.]\d{2}\s*(?:am|pm)?\s*(?:-|–|to)\s*\d{1,2}[:.]\d{2}\s*(?:am|pm)?\b|\badd\s+to\s+calendar\b", re.M),
    "search": re.compile(r"\bsearch\s+results\b|\bresults\s+for\b|\b\d+\s+results?\b|\bshowing\s+\d+|\bno\s+results\b|\brefine\s+(?:your\s+)?(?:search|results)\b|\bfilter\s+(?:by|results)\b"),
    "listing": re.compile(r"\b(?:a\s*-\s*z|a\s+to\s+z)\b|\bbrowse\s+(?:all\s+)?(?:our\s+)?courses\b|\bfind\s+a\s+course\b|\ball\s+courses\b|\bcourse\s+(?:list|finder|directory)\b"),
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
# The cues that pass their guards still start with "\b" and are tried at every character;
# one literal pass over the head finds where they can start (news runs on the cased head).
_TEXT_CUE_GROUP = PatternGroup(_TEXT_CUES)
# The lowercase ones join the course, rival and narration cues, whose pass reads the lowercased
# title and head ("title\nhead"): read from where the head starts, they find there what they
# find in the head alone (~0.07 ms a generated page for a pass of their own). Their "\b" and
# multiline "^" see the line break before the head as they see the start of a text, and none
# looks further back (tests/test_cue_speed_paths.py holds them to it).
_LOWERCASE_TEXT_CUES = {("text", kind): pattern for kind, pattern in _TEXT_CUES.items() if kind != "news"}
_HEAD_SCAN_GROUP = pagecues.head_group(_LOWERCASE_TEXT_CUES)
# The event cue's "10:00 - 12:00" needs a clock time, which no guard word names.
_CLOCK_TIME = re.compile(r"\d[:.]\d\d")
# Run on the lowercased head, as the other cues are: re.I costs twice as much over a page.
_APPLY_SOURCE = r"\bapply\s+now\b|\bhow\s+to\s+apply\b|\bapply\s+(?:online|for\s+this)\b|\bbook\s+(?:now|onto|on\s+this)\b|\benrol\s+now\b|\bregister\s+(?:now|for\s+this\s+(?:course|module))\b|\bstart\s+(?:the\s+)?course\b"
_APPLY = compile_boundary_first(_APPLY_SOURCE)
# Only whether it is there counts: ruled out first through its words (crawler/scan/anchors),
# the search over a 4,000-character head cost ~0.15 ms on a generated page, ~0.04 ms so.
_APPLY_SEARCH = AnchoredSearch(_APPLY_SOURCE, pattern=_APPLY)
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

# Score thresholds, set on our fixtures and the development pages (../shared/dev-pages/):
# a course needs several kinds of evidence (its address, its title, the facts it states).
MIN_COURSE_SCORE = 7
# Below a sure course but still plausibly one: kept when the scope rules find it in scope,
# marked unsure of its type and ranked below sure courses (recall before tidiness).
MIN_UNSURE_COURSE_SCORE = 4
# A sure course leads every rival kind by this many points. Within this many points of the
# best rival either way, the page is an unsure course: kept only if the scope rules keep it
# (recall before tidiness; on the development pages this keeps 1% more courses and no more
# non-course pages reach the candidates).
RIVAL_MARGIN = 2
MIN_OTHER_SCORE = 3
# Points of another kind's form (address, title, date line, narration) from which the course
# wording of the text counts half.
RIVAL_FORM_POINTS = 4
# Key facts count towards "course" up to this many, so a search page with
# filter facets ("Study mode", "Start date") cannot win on facets alone.
MAX_KEYFACT_POINTS = 6
# Facts found only in running text are weaker evidence: news stories state two or three
# (a start month, a length), a sparse course page states most of them.
MAX_TEXT_FACT_POINTS = 4
# The course-vocabulary families (pagecues.COURSE_CUES) count up to this many points.
MAX_CUE_POINTS = 10
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


@dataclass(frozen=True)
class PageKind:
    """The page type, whether it is sure, and the evidence that decided it ("+2 course: url /courses/")."""

    kind: str
    sure: bool
    scores: dict
    evidence: tuple[str, ...]


def is_fees_title(title: str | None) -> bool:
    """True for a title about paying for study in general ("Postgraduate fees and funding"), not a course."""
    return bool(title) and bool(_FEES_TITLE.fullmatch(" ".join(title.split()).strip(" :|-")))


class _Tally:
    """Rule points per kind, the evidence lines a person reads, and the same evidence as named
    features (``kind:signal`` -> value) for the learned page-type model."""

    def __init__(self):
        self.scores = dict.fromkeys(PAGE_KINDS, 0)
        self.evidence: list[str] = []
        self.features: dict[str, float] = {}

    def add(self, kind: str, points: int, why: str, feature: str | None = None) -> None:
        if feature:
            name = f"{kind}:{feature}"
            self.features[name] = self.features.get(name, 0) + points
        if points:
            self.scores[kind] += points
            self.evidence.append(f"{points:+d} {kind}: {why}")

    def note(self, feature: str, value: float) -> None:
        """A feature for the model that adds no rule points."""
        if value:
            self.features[feature] = value


def head_start(lowered: str, lowered_head: str) -> int | None:
    """Where ``lowered_head`` starts in ``lowered`` (the lowercased "title\nhead"), when it is all
    of what follows a line break there; else None (the head is then scanned on its own)."""
    start = len(lowered) - len(lowered_head)
    if start >= 1 and lowered[start - 1] == "\n" and lowered.endswith(lowered_head):
        return start
    return None


def _score(signals: PageSignals) -> _Tally:
    tally = _Tally()
    add = tally.add
    parts = urlsplit(signals.url or "")
    path = parts.path + ("?" + parts.query if parts.query else "")
    rival_address = False
    for kind, pattern in _URL_CUES.items():
        match = pattern.search(path)
        if not match:
            continue
        if kind == "course":
            if rival_address:
                continue  # "/news/new-msc-programme-launched": the story's slug names the course
            add(kind, 2, f"address {match.group(0)[:30]}", "address")
        else:
            rival_address = True  # a news, listing, search... address: its slug is not a course's
            add(kind, 4 if kind == "news" else 3, f"address {match.group(0)[:30]}", "address")
    for schema_type in sorted(signals.schema_types):
        kind = _SCHEMA_KIND.get(schema_type)
        if kind:
            add(kind, 4, f"schema.org {schema_type}", "schema.org")
    if signals.og_type and signals.og_type.lower() in ("article", "news"):
        add("news", 2, f"og:type {signals.og_type}", "og:type")
    if signals.og_type and signals.og_type.lower() in ("profile",):
        add("profile", 2, f"og:type {signals.og_type}", "og:type")
    # The text's first 4,000 characters: on most pages the whole text, lowercased already.
    lowered_head = lowercase.lowered(signals.text_head)
    # Rival marks weigh double in the title: "FAQs for ...", "Published 3 May 2024".
    head = f"{signals.title}\n{signals.text_head}"
    lowered = head.lower()
    head_scan = _HEAD_SCAN_GROUP.scan(lowered)
    text_from = head_start(lowered, lowered_head)
    scanned = {}
    for kind in _TEXT_CUES:
        if not any(word in lowered_head for word in _TEXT_CUE_GUARDS[kind]):
            if kind != "event" or not _CLOCK_TIME.search(signals.text_head):
                continue
        if kind != "news" and text_from is not None:
            hits = head_scan.findall(("text", kind), text_from)
        else:
            text = signals.text_head if kind == "news" else lowered_head
            if text not in scanned:
                scanned[text] = _TEXT_CUE_GROUP.scan(text)
            hits = scanned[text].findall(kind)
        if hits:
            phrase = hits[0] if isinstance(hits[0], str) else next(h for h in hits[0] if h)
            add(kind, min(len(hits), 3) * (2 if kind in ("search", "news") else 1), f"text {' '.join(phrase.split())[:30]!r}", "text")
    if _ACADEMIC_TITLE.search(signals.title):
        add("profile", 2, "title names a person", "person title")
    elif _JOB_TITLE.search(signals.text_head[:400]):
        add("profile", 2, "a job title at the top", "job title")
    headline = False
    for kind, cue, weight in pagecues.title_rivals(signals.title):
        add(kind, weight, cue, cue)
        headline = headline or cue == "headline title"
    for kind, cue, weight, phrase in pagecues.rival_cues(lowered, title_end=len(signals.title), scanned=head_scan):
        add(kind, weight, f"{cue} {phrase!r}", cue)
    rate = pagecues.narrative_rate(lowered, head_scan)
    if rate >= pagecues.NARRATIVE_RATE:
        add("news", 3, f"told in the past tense ({rate:.1f} in 100 words)", "narration")
    if signals.repeated_keyfacts >= MIN_REPEATED_KEYFACTS:
        add("listing", 4, f"{signals.repeated_keyfacts} cards with the same key fact", "repeated key facts")
    if signals.course_link_count >= MIN_LISTING_LINKS:
        add("listing", 3, f"{signals.course_link_count} links to courses", "course links")
        add("search", 1, f"{signals.course_link_count} links to courses")

    # What the page is (its address, title, date line, narration) outweighs what it talks about:
    # a story or FAQ about a course states the course's facts too, so they count half there.
    rival_form = max(v for k, v in tally.scores.items() if k not in ("course", "other", "listing", "search"))
    other_form = tally.scores["other"]
    discount = 2 if max(rival_form, other_form) >= RIVAL_FORM_POINTS else 1
    tally.note("form:another kind", 1 if discount > 1 else 0)
    if discount > 1:
        tally.evidence.append(f"course wording counts half: another kind of page by its form ({max(rival_form, other_form)} points)")
    keyfact_points = min(2 * signals.keyfact_count, MAX_KEYFACT_POINTS)
    if signals.repeated_keyfacts >= MIN_REPEATED_KEYFACTS:
        keyfact_points //= 2  # the facts belong to several courses, not this page
    add("course", keyfact_points, f"{signals.keyfact_count} labelled course facts", "labelled facts")
    # Facts read from prose count once each: a sparse course page states them in sentences.
    add("course", min(signals.text_fact_count, MAX_TEXT_FACT_POINTS) // discount, f"{signals.text_fact_count} course facts in sentences")
    tally.note("course:facts in sentences", min(signals.text_fact_count, MAX_TEXT_FACT_POINTS))
    cues = pagecues.course_cues(lowered, head_scan)
    for family in cues:
        tally.note(f"course:wording:{family}", 1)
    if cues:
        points = min(pagecues.course_cue_points(cues), MAX_CUE_POINTS) // discount
        add("course", points, "course wording: " + "; ".join(f"{k} {v!r}" for k, v in cues.items()))
    if signals.named_course_data:
        add("course", 3, "schema.org course data", "schema.org")
    title_cues = pagecues.title_cues(signals.title)
    if headline:
        pass  # "The new MSc in X launches": the course word names the story's subject
    elif signals.title_has_award:
        add("course", 2, "award in the title", "title")
    elif "course word" in title_cues:
        add("course", 2, "course word in the title", "title")
    if "course code" in title_cues:
        add("course", 2, "course code in the title", "course code")
    if _APPLY_SEARCH.found_in(lowered_head):
        add("course", 1, "a way to apply", "apply")
    if signals.fee_page_awards >= MIN_FEE_PAGE_AWARDS and not signals.title_has_award and not signals.named_course_data:
        # A general fees page: its fee table and award names are every course's, not its own.
        tally.scores["course"] = 0
        tally.note("other:fees page", 1)
        tally.evidence.append(f"course set to 0: a fees page naming {signals.fee_page_awards} awards")
    return tally


def evidence_features(signals: PageSignals) -> dict[str, float]:
    """The evidence as named features (bench/bench_page_type_model.py fits a model on them)."""
    return dict(_score(signals).features)


def judge_page(signals: PageSignals) -> PageKind:
    """The page type with its evidence: "course" (sure, or unsure when the evidence is thin
    or a rival is within RIVAL_MARGIN either way), else the best-scoring rival with enough
    points, else "other"."""
    tally = _score(signals)
    scores = tally.scores
    # "other" has evidence of its own (a fees or guidance title, a letter, a funding call).
    rival, rival_score = max(((k, v) for k, v in scores.items() if k != "course"), key=lambda kv: kv[1])
    course = scores["course"]
    evidence = tuple(tally.evidence)
    if course >= MIN_COURSE_SCORE and course >= rival_score + RIVAL_MARGIN:
        return PageKind("course", True, scores, evidence)
    if course >= MIN_UNSURE_COURSE_SCORE and course > rival_score - RIVAL_MARGIN:
        return PageKind("course", False, scores, evidence)
    if rival_score >= MIN_OTHER_SCORE:
        return PageKind(rival, course < MIN_UNSURE_COURSE_SCORE, scores, evidence)
    return PageKind("other", course < MIN_UNSURE_COURSE_SCORE, scores, evidence)
