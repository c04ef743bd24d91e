"""The words a careful reader goes by to tell a course page from the pages that talk about courses.

Course pages of every family (degree and module pages, module descriptors, programme
specifications, provider catalogues, e-learning, fellowships and training schemes,
apprenticeships, short courses) share a vocabulary of their own: how long, how much, who
can apply, what you will learn, how it is assessed, when it starts, how it is delivered,
what it is called in the catalogue. Each family counts once, so a page that states many
kinds of course fact outweighs one that repeats a word. Rival pages have their own marks:
a news story has a date line and people who "said"; an FAQ is questions; a job advert has a
grade and a person specification. ``course_cues`` and ``rival_cues`` return the phrase found
per family, so the page type can say which evidence decided it.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping

from crawler.scan.boundaries import compile_boundary_first
from crawler.scan.patterns import PatternGroup, ScannedText

# Course facts stated the way course pages state them, in labels or sentences. Each
# family is one kind of evidence; its weight is 2 for wording that pages about courses
# (news, FAQs, guidance) rarely use and 1 for wording they share.
_NUM = r"(?:\d{1,3}(?:\.\d)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|twenty-four|thirty|half)"
COURSE_CUES: dict[str, tuple[int, re.Pattern]] = {
    # How long: labels, "N weeks/months/years" with a study word, semesters, self-paced time.
    "length": (2, re.compile(
        r"\b(?:course\s+|programme\s+|program\s+|study\s+)?duration\b|\bcourse\s+length\b|\blength\s+of\s+(?:the\s+)?(?:course|programme|program|study)\b"
        r"|\bestimated\s+time\b|\btime\s+(?:to\s+complete|commitment)\b|\bself[\s-]paced\b"
        rf"|\b{_NUM}[\s-]+(?:days?|weeks?|months?|years?|semesters?|terms?|hours?)\s+(?:\(?(?:full|part)[\s-]?time|long\b|course\b|programme\b|program\b|of\s+(?:study|learning|online|part|full|self))"
        rf"|\b(?:full|part)[\s-]?time\s*[:(,]?\s*{_NUM}[\s-]+(?:weeks?|months?|years?|semesters?)"
        rf"|\b(?:runs?|lasts?|takes?|delivered|completed?|spread)\s+(?:over|for|in|across|within)\s+(?:about\s+|around\s+|approximately\s+)?(?:a\s+|an\s+|one\s+|two\s+|three\s+|{_NUM}\s+)?(?:\w+\s+)?(?:days?|weeks?|months?|years?|semesters?|terms?|academic\s+year)"
        rf"|\b{_NUM}[\s-]+(?:day|week|month|year|semester|hour)\s+(?:[a-z-]+\s+)?(?:course|programme|program|module|training|workshop|fellowship|scheme|masterclass|certificate)"
        r"|\b\d+\s+(?:study|learning|contact|cpd|guided\s+learning)\s+hours\b|\bhours\s+of\s+(?:study|learning|content)\b"
        rf"|\b(?:about|around|approximately|approx\.?|lasting|just)\s+{_NUM}\s+(?:hours?|days?|weeks?|months?)\b",
        )),
    # What it costs, or that it is funded for the learner.
    "cost": (1, re.compile(
        r"\b(?:tuition|course|programme|program|module)\s+fees?\b|\bfees?\s*(?::|and\s+funding|for\s+20|\(|20\d\d)|\bfees?\b"
        r"|\bcost(?:s)?\s*(?::|is|of\s+the\s+(?:course|programme|program|module))|\bprice\b|\bper\s+(?:delegate|participant|person|learner|module|credit)\b"
        r"|[£$€]\s?\d|\bfree\s+of\s+charge\b|\bfree\s+(?:e-?learning|online|course|courses|training|to\s+(?:attend|join|enrol|register))\b|\bno\s+(?:cost|charge|fee)\b|\bfully[\s-]funded\b|\bsalary\s+(?:and|costs)",
        )),
    # Joining: applying, enrolling, booking, closing dates, nominations.
    "join": (2, re.compile(
        r"\bapply\s+(?:now|online|today|here|for\s+(?:this|the)\s+(?:course|programme|program|module|fellowship|scheme))\b|\bhow\s+to\s+apply\b"
        r"|\bapplications?\s+(?:open|close|are\s+(?:now\s+)?(?:open|closed|invited|welcome)|deadline|form|process|window|round)\b|\bclosing\s+date\b|\bdeadline\s+for\s+applications\b"
        r"|\benrol(?:l)?(?:ment|ling)?\b|\bregister\s+(?:now|today|your\s+interest|for\s+(?:this|the)\s+(?:course|programme|program|module))\b|\bregistration\s+(?:is\s+)?(?:open|closes|fee)\b"
        r"|\bbook\s+(?:now|your\s+place|a\s+place|onto|on\s+to|today)\b|\bsign\s+up\b|\badd\s+to\s+(?:cart|basket)\b|\bbuy\s+now\b|\bstart\s+(?:this\s+|the\s+)?course\b"
        r"|\bjoin\s+(?:this|the)\s+(?:course|programme|program|module|cohort)\b|\bnominat(?:e|ion)s?\b|\badmissions?\s+(?:process|requirements|information|criteria)\b|\bwho\s+can\s+apply\b",
        )),
    # Who it is for and what they need.
    "audience": (2, re.compile(
        r"\bentry\s+(?:requirements?|criteria)\b|\badmission\s+requirements?\b|\bwho\s+(?:is\s+(?:it|this|the\s+\w+)\s+for|should\s+(?:attend|apply|take)|can\s+(?:apply|attend|take\s+part)|it\s+is\s+for|this\s+(?:course|programme|program|module)\s+is\s+for)\b"
        r"|\btarget\s+audience\b|\beligib(?:le|ility)\b|\bprerequisites?\b|\b(?:is|are)\s+(?:aimed\s+at|designed\s+for|suitable\s+for|intended\s+for|open\s+to)\b"
        r"|\bapplicants\s+(?:must|should|will)\b|\bideal\s+for\b|\bsuitable\s+for\b|\bintended\s+audience\b|\bparticipants\s+(?:must|should|will)\b"
        r"|\bfor\s+(?:all\s+)?(?:staff|nurses|doctors|clinicians|professionals|practitioners|managers|leaders|anyone|those|people|teams)\s+(?:who|working|in|with|involved|across)\b",
        )),
    # What is taught.
    "content": (2, re.compile(
        r"\blearning\s+(?:outcomes?|objectives|aims)\b|\b(?:what|by\s+the\s+end\s+of\s+(?:the|this)\s+\w+)\s+you(?:'ll|\s+will)\s+(?:learn|be\s+able)|\byou(?:'ll|\s+will)\s+(?:learn|study|explore|develop|gain|cover)\b"
        r"|\bcurriculum\b|\bsyllabus\b|\b(?:course|module|programme|program)\s+(?:content|structure|outline|overview|description|aims|summary|details|information)\b"
        r"|\b(?:core|optional|compulsory|elective|required)\s+(?:modules?|courses?|units?)\b|\btopics?\s+(?:covered|include)\b|\bon\s+(?:successful\s+)?completion\b"
        r"|\bintended\s+learning\s+outcomes\b|\bprogramme\s+aims\b|\bupon\s+completion\b|\bparticipants\s+will\b|\bstudents\s+will\b|\blearners\s+will\b"
        r"|\bmodules?\s+(?:include|are|cover)\b|\blessons?\b|\bunits?\s+of\s+study\b|\bby\s+the\s+end\s+of\s+(?:the|this)\s+(?:course|module|programme|program|unit|session|workshop)\b"
        r"|\b(?:module|unit|week|session|lesson|day)\s+(?:1|one)\b|\b(?:participants|students|learners|delegates)\s+(?:will\s+)?(?:learn|gain|develop|explore|acquire|be\s+able)\b",
        )),
    # The page describing itself as the offer: "This course gives...", "In this module...".
    "self": (2, re.compile(
        r"\b(?:this|our)\s+(?:[\w-]+\s+){0,2}(?:course|module|programme|program|unit|workshop|masterclass|fellowship|scheme|certificate|training|apprenticeship|internship)\s+"
        r"(?:is|will|gives|provides|offers|aims|introduces|covers|explores|focuses|enables|equips|prepares|helps|runs|consists|includes|teaches|develops|builds|combines|brings|has\s+been|was\s+designed|supports|looks|examines|fills|allows)\b"
        r"|\b(?:in|on|during|throughout)\s+this\s+(?:course|module|programme|program|unit|workshop|masterclass|fellowship)\b",
        )),
    # How it is taught and assessed.
    "teaching": (1, re.compile(
        r"\bassess(?:ment|ed)\b|\bcoursework\b|\bexamination\b|\bdissertation\b|\bassignments?\b|\bcapstone\b|\bteaching\s+(?:methods?|and\s+learning|staff)\b"
        r"|\blectures?\b|\bseminars?\b|\btutorials?\b|\bworkshops?\b|\bcontact\s+hours\b|\baction\s+learning\b|\bwebinars?\b|\bcoaching\s+calls?\b|\bself[\s-]directed\b"
        r"|\bmentor(?:ing|ship)?\b|\bsupervis(?:ion|ed|or)\b|\bplacements?\b|\bprojects?\b",
        )),
    # What it leads to.
    "award": (1, re.compile(
        r"\bcertificates?\b|\bcertification\b|\bdiplomas?\b|\bdegrees?\b|\bmaster'?s\b|\bm\.?sc\b|\bph\.?d\b|\bdoctorate\b|\bcredits?\b|\bcats\s+points\b|\bects\b"
        r"|\bcpd\s+(?:points|hours|credits|accredited)\b|\bce\s+credits?\b|\bcme\b|\baccredit(?:ed|ation)\b|\bqualification\b|\bawarded\b|\bfellowships?\b|\bapprenticeships?\b",
        )),
    # When it runs.
    "schedule": (1, re.compile(
        r"\bstart\s+dates?\b|\bstarts?\s+(?:in|on|date)\b|\bintakes?\b|\bnext\s+(?:cohort|course|intake|start|run)\b|\bcohorts?\b|\bsemesters?\b|\bacademic\s+year\b"
        r"|\btimetable\b|\bcourse\s+dates?\b|\bdates?\s*:|\bcommenc(?:es|ing)\b|\b(?:spring|summer|autumn|fall|winter)\s+(?:term|semester|20\d\d)\b"
        r"|\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+(?:20\d\d\s+)?(?:intake|start|entry|cohort)\b",
        )),
    # How it is delivered.
    "delivery": (1, re.compile(
        r"\bfull[\s-]?time\b|\bpart[\s-]?time\b|\bface[\s-]to[\s-]face\b|\bdistance\s+learning\b|\bblended\b|\bon[\s-]campus\b|\bin[\s-]person\b"
        r"|\bonline\b|\bvirtual\b|\be-?learning\b|\bmode\s+of\s+(?:study|delivery|attendance)\b|\bstudy\s+mode\b|\bdelivery\b|\bwork[\s-]based\b|\bday\s+release\b|\bvenue\b|\blocation\b",
        )),
    # What the catalogue calls it: codes, levels, credit values, the people who run it.
    "catalogue": (2, re.compile(
        r"\b(?:course|module|unit|programme|program|subject)\s+(?:code|number|id)\b|\bucas\s+code\b|\b(?:fheq|nqf|scqf|rqf|qcf|aqf|nfq)\s+level\b|\blevel\s+[3-8]\b"
        r"|\bcredit\s+(?:value|level|points)\b|\b(?:module|course|unit|programme|program)\s+(?:leader|lead|coordinator|co-ordinator|convenor|organiser|director|chair)\b"
        r"|\bawarding\s+(?:body|institution)\b|\bteaching\s+institution\b|\bsemester\s+[12]\b|\bterm\s+[123]\b|\bhome\s+(?:department|school|faculty)\b",
        )),
}
COURSE_CUE_FAMILIES = tuple(COURSE_CUES)
# The families' patterns start with "\b" or an alternation of phrases, so ``re`` tries each at
# every character (~0.9 ms a page for the eleven); one literal pass finds where they can start.
_COURSE_CUE_GROUP = PatternGroup({("course", family): pattern for family, (_, pattern) in COURSE_CUES.items()})

# A course code in a title: "PU5074:", "LMP 2348", "HQS 6010", "FMHU5007", "(MECH H3014)", "EDUC 6840";
# not a standard's or a disease's number ("ISO 9001", "COVID 19", "ICD 10").
COURSE_CODE = re.compile(r"(?:^|[\s(\[:|])(?!(?:ISO|BS|EN|IEC|COVID|SARS|NHS|GDPR|WHO|ICD|DSM)[\s-]?\d)(?:[A-Z]{2,5}[\s-]?[A-Z]?\d{3,5}[A-Z]?\d?)(?=$|[\s):\]|,.-])")
# Words in a title that name a course-like offer.
COURSE_WORD = re.compile(
    r"\b(?:course|module|unit|programme|program|track|pathway|curriculum|fellowships?|internships?|apprenticeships?|scholarships?|masterclass|workshop"
    r"|training|certificate|certification|diploma|degree|masters?|master's|msc|mres|phd|doctorate|academy|school\s+for|belt|qualification|bootcamp|e-?learning)\b",
    re.I,
)

# Marks of pages that talk about courses without being one: (kind, cue, weight, guards, pattern).
# The pattern runs on lowercased text only when one of its guard words is there (each costs
# 0.1-0.4 ms on a 4,000-character page, and most pages have none of the words).
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
RIVAL_CUES: tuple[tuple[str, str, int, tuple[str, ...], re.Pattern], ...] = (
    # A dated story: "Posted on 3 May 2024", "Publication date: 17 Jan 2013", "By Jane Doe | Tuesday".
    ("news", "date line", 2, ("posted", "published", "publication", "|"), re.compile(
        r"\b(?:posted|published)\s+(?:on\s+)?(?:\w+day,?\s+)?\d{1,2}\s+\w+\s+20\d\d|\bpublication\s+date\b|\bby\s+[a-z]+\s+[a-z]+\s*\|\s*\w+day\b")),
    ("news", "announcement", 2, ("press", "announced", "unveiled", "launched", "today", "news", "media", "editors", "stories", "articles", "posts"), re.compile(
        r"\bpress\s+release\b|\bhas\s+(?:today\s+)?announced\b|\b(?:announced|unveiled|launched)\s+(?:today|on\s+\w+day|this\s+week|its)\b|\btoday\s+\(\w+day\b|\bnews\s+(?:archive|release|story)\b"
        r"|\bmedia\s+(?:contact|enquiries)\b|\bnotes\s+to\s+editors\b|\bread\s+more\s+news\b|\brelated\s+(?:news|stories|articles)\b|\bblog\s+posts?\b|\bshowing\s+posts\b|\bolder\s+posts\b")),
    # Reported speech: stories quote people; course pages rarely do, and then once.
    ("news", "quotes", 1, ("said", "says", "explains", "added", "commented"), re.compile(
        r"[”\"’'],?\s+(?:said|says|explains|added|commented)\b|\b(?:said|says)\s+(?:dr|professor|prof|mr|mrs|ms)\b")),
    ("faq", "questions page", 4, ("faq", "frequently"), re.compile(r"\bfrequently\s+asked\s+questions\b|^faqs?\b|\bfaqs\s+(?:for|about)\b", re.M)),
    ("job", "job description", 4, ("job", "person", "responsible", "report", "grade", "band", "vacanc"), re.compile(
        r"\bjob\s+(?:description|title\s*:|details|reference|purpose|summary)\b|\bperson\s+specification\b|\b(?:responsible|reports?)\s+to\s*:|\bgrade\s*:|\bafc\s+band\b|\bvacanc(?:y|ies)\b")),
    ("research", "research work", 1, ("theme", "research", "investigator", "publications"), re.compile(
        r"\btheme\s+lead\b|\bour\s+research\b|\bresearch\s+(?:centre|center|group|unit|themes?|projects?)\b|\bprincipal\s+investigator\b|\bpublications\b")),
    ("other", "funding call", 3, ("fund", "call", "invite"), re.compile(
        r"\bintention\s+to\s+fund\b|\bcall\s+for\s+(?:proposals|bids)\b|\bwe\s+invite\s+applications\s+from\s+(?:universities|organisations|institutions)\b|\bfunding\s+competition\b")),
    ("other", "resource", 3, ("worksheet", "template", "toolkit", "resource"), re.compile(
        r"\b(?:worksheet|template|toolkit)\s*\((?:pdf|docx?)\b|\bresource\s*:\s|\bdownload\s+(?:the\s+)?(?:pdf|worksheet|template|toolkit)\b")),
)
# A document-sharing site's copy of slides or a PDF: "Uploaded by", "215 views", "Transcript".
DOCUMENT_COPY = ("other", "document copy", 3, ("uploaded", "views", "downloads", "transcript"), re.compile(
    r"\buploaded\s+by\b|^\d[\d,]*\s+(?:views|downloads)$|^transcript$", re.M))
# A picture credit under a photo: "Image: Getty", "Photo: Jane Doe".
PICTURE_CREDIT = ("news", "picture credit", 1, ("image", "photo", "picture"), re.compile(
    r"\b(?:image|photo|picture|photograph)\s*:\s*[a-z]"))
LETTER = ("other", "letter", 4, ("dear", "write", "writing", "yours"), re.compile(
    r"^dear\s+\w+|\bwe\s+(?:write|are\s+writing)\s+to\s+you\b|\byours\s+(?:sincerely|faithfully)\b", re.M))
RIVAL_CUES = (*RIVAL_CUES, LETTER, DOCUMENT_COPY, PICTURE_CREDIT)
# Each cue passing its guard words was a search from every character of the head (~0.5 ms
# a 15 KB page for the lot): one literal pass finds where they can start. The same pass finds
# the guard words: tested one by one they were ~60 substring searches, most through the whole
# head (~0.17 ms a generated page); a pass of their own over the head still cost ~0.05 ms.
_RIVAL_GUARD_WORDS = frozenset(word for cue in RIVAL_CUES for word in cue[3])
_RIVAL_GROUP = PatternGroup({("rival", n): cue[4] for n, cue in enumerate(RIVAL_CUES)}, words=_RIVAL_GUARD_WORDS)
# A story's date alone on a short line: "13 November 2019", "Tuesday, September 11, 2018".
_DATE_LINE = re.compile(
    rf"(?:(?:posted|published|publication\s+date|date\s+published|updated|last\s+updated)\s*(?:on|:)?\s*)?(?:\w+day,?\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS}|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?|(?:{_MONTHS})\s+\d{{1,2}},?)\s+20\d\d")
MAX_DATE_LINE_CHARS = 45

# A title that reads as a headline or a story, not a course's name.
HEADLINE = re.compile(
    r"\b(?:announce[sd]?|unveil(?:s|ed)?|launch(?:es|ed)|to\s+launch|to\s+lead|welcomes?|celebrat(?:es|ing)|wins|receives?|appoint(?:s|ed)|reflect(?:s|ing)\s+(?:on|upon)"
    r"|coming\s+(?:soon|to|from)|^(?:the\s+)?new\s+(?:[\w'’-]+\s+){0,4}(?:course|programme|program|master'?s|master’s|degree|msc|fellowship|scheme|module|certificate)\b|why\s+it['’]?s|meet\s+(?:the|our|professor|dr)|my\s+\w+|our\s+(?:legacy|story|journey)|case\s+study|news|blog|stories|interview)\b",
    re.I,
)
# A title about paying for study in general, guidance, or questions: not one course.
FEES_TITLE = re.compile(
    r"^(?:(?:taught|research|(?:post|under)graduate|pg|ug|pgt|nhs|students?'?|international|home|uk|eu|our|your|course|programme|20\d\d(?:\s*[/–-]\s*\d{2,4})?)\s+){0,4}"
    r"(?:tuition\s+)?(?:fees|funding|finance|bursaries|scholarships)\b",
    re.I,
)
# A title naming a one-off session about a course, not the course: "X – Information Call", "Webinar: ...".
SESSION_TITLE = compile_boundary_first(r"\binformation\s+(?:call|session|evening|event|webinar)\b|\bwebinar\b|\bopen\s+(?:day|evening)\b", re.I)
SEARCH_TITLE = re.compile(r"^search\b|\bsearch\s+results\b|^results\s+for\b", re.I)
# A title that is a plural of offers ("Programmes", "IHI Open School online courses", "Short courses").
# Not "fellowships": one scheme is named in the plural ("Academic Clinical Fellowships").
LISTING_TITLE = re.compile(r"^(?:[\w'’-]+\s+){0,4}(?:courses|programmes|programs|modules|opportunities|course\s+finder)$", re.I)
GUIDANCE_TITLE = re.compile(r"^(?:guidance|advice)\s+(?:on|for|to|about)\b|^(?:a\s+)?guide\s+(?:to|for)\b", re.I)
FAQ_TITLE = compile_boundary_first(r"\bfaqs?\b|\bfrequently\s+asked\s+questions\b|\bquestions\s+and\s+answers\b|\bq\s*&\s*a\b", re.I)


# Narration: stories are told in the past tense about third parties; course pages address the learner.
_PAST = re.compile(r"\b(?:was|were|had|said|says|announced|took|became|told|added|explained|launched|has\s+been|have\s+been|last\s+year|today)\b")
# Past-tense words per 100 words above which a text reads as a story: 2% of the development
# set's course pages pass it, 20% of its other pages.
NARRATIVE_RATE = 1.0
MIN_NARRATIVE_WORDS = 4


_PAST_GROUP = PatternGroup({"past": _PAST})
# The course, rival and narration cues all read the same lowercased head: one literal pass
# over it serves the three (each pass costs ~0.15 ms on a 4,000-character head).
_HEAD_GROUP = PatternGroup({**_COURSE_CUE_GROUP.patterns, **_RIVAL_GROUP.patterns, **_PAST_GROUP.patterns},
                           words=_RIVAL_GUARD_WORDS)


def scan_head(lowered: str) -> ScannedText:
    """A lowercased page head scanned once for course_cues, rival_cues and narrative_rate."""
    return _HEAD_GROUP.scan(lowered)


def head_group(patterns: Mapping[Hashable, re.Pattern]) -> PatternGroup:
    """scan_head's group with a caller's patterns too: one pass over the head serves them all."""
    return PatternGroup({**_HEAD_GROUP.patterns, **patterns}, words=_HEAD_GROUP.words)


def narrative_rate(lowered: str, scanned: ScannedText | None = None) -> float:
    """Past-tense narration per 100 words of a lowercased text, 0 when it is too rare to count."""
    hits = len((scanned or _PAST_GROUP.scan(lowered)).findall("past"))
    if hits < MIN_NARRATIVE_WORDS:
        return 0.0
    return 100 * hits / max(len(lowered.split()), 1)


def title_rivals(title: str) -> list[tuple[str, str, int]]:
    """(kind, cue, weight) for a title that names another kind of page."""
    found = []
    if HEADLINE.search(title or ""):
        found.append(("news", "headline title", 3))
    if FEES_TITLE.search(title or ""):
        found.append(("other", "fees title", 4))
    if SESSION_TITLE.search(title or ""):
        found.append(("event", "session title", 4))
    if SEARCH_TITLE.search(title or ""):
        found.append(("search", "search title", 4))
    if LISTING_TITLE.search((title or "").strip()):
        found.append(("listing", "list title", 3))
    if GUIDANCE_TITLE.search(title or ""):
        found.append(("other", "guidance title", 4))
    if FAQ_TITLE.search(title or ""):
        found.append(("faq", "questions title", 6))
    return found


def course_cues(lowered: str, scanned: ScannedText | None = None) -> dict[str, str]:
    """The course-fact families a lowercased text states, each with the first phrase found.

    The patterns are lowercase without re.I: case-insensitive matching costs three times as much."""
    found = {}
    scanned = scanned or _COURSE_CUE_GROUP.scan(lowered)
    for family in COURSE_CUES:
        match = scanned.search(("course", family))
        if match:
            found[family] = " ".join(match.group(0).split())[:40]
    return found


def course_cue_points(found: dict[str, str]) -> int:
    return sum(COURSE_CUES[family][0] for family in found)


def rival_cues(lowered: str, title_end: int = 0, scanned: ScannedText | None = None) -> list[tuple[str, str, int, str]]:
    """(kind, cue, weight, phrase) for each rival mark a lowercased text carries; a mark found
    before ``title_end`` (in the title the text starts with) weighs double. ``scanned`` is
    ``lowered`` scanned by a group holding the rival cues (scan_head's)."""
    found = []
    scanned = scanned or _RIVAL_GROUP.scan(lowered)
    for n, (kind, cue, weight, guards, _) in enumerate(RIVAL_CUES):
        if not any(scanned.has(word) for word in guards):
            continue
        match = scanned.search(("rival", n))
        if match:
            weight = weight * 2 if match.start() < title_end else weight
            found.append((kind, cue, weight, " ".join(match.group(0).split())[:40]))
    if not any(cue == "date line" for _, cue, _, _ in found) and (dated := date_line_cue(lowered)):
        found.append(dated)
    return found


def date_line_cue(lowered: str) -> tuple[str, str, int, str] | None:
    """The news cue of a line that is only a date ("13 november 2019"), if the text has one."""
    for line in lowered.splitlines():
        line = line.strip()
        if len(line) <= MAX_DATE_LINE_CHARS and line[-4:-2] == "20" and _DATE_LINE.fullmatch(line):
            return ("news", "date line", 2, line)
    return None


def title_cues(title: str) -> list[str]:
    """What in a title says it names a course: a course code, a course word."""
    found = []
    if COURSE_CODE.search(title or ""):
        found.append("course code")
    if COURSE_WORD.search(title or ""):
        found.append("course word")
    return found
