"""Page type from the evidence real pages carry: course wording, rival forms, sure and unsure."""

from __future__ import annotations

import pytest

from crawler.extract import extract_course_facts
from crawler.facts import pagecues


def page(title: str, body: str, head_title: str | None = None) -> str:
    """A page as a site serves it: navigation and a cookie notice before the heading, a footer after."""
    return f"""<html><head><title>{head_title or title} | Example Provider</title></head><body>
<header><a href="#main">Skip to main content</a><div class="cookies">We use cookies to improve the site.</div>
<nav><a href="/study/">Study</a> <a href="/research/">Research</a> <a href="/news/">News</a></nav></header>
<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/study/">Study</a></div>
<main><h1>{title}</h1>{body}</main>
<footer><p>Quality improvement hub. Patient safety. Contact us. Privacy.</p></footer></body></html>"""


# -- course wording families: (text, family) and near misses that must not count ---------------

@pytest.mark.parametrize("text, family", [
    ("The course runs over six months, with one study day a month.", "length"),
    ("1 year full-time; 2-4 years part-time", "length"),
    ("Estimated time to complete: 2 hours", "length"),
    ("A 10-week online course.", "length"),
    ("Price per delegate: £450", "cost"),
    ("Tuition fees for 2026/27", "cost"),
    ("Book your place now", "join"),
    ("Closing date for applications: 14 March", "join"),
    ("Who can apply", "audience"),
    ("Entry requirements", "audience"),
    ("This programme is aimed at band 6 and 7 nurses.", "audience"),
    ("Learning outcomes", "content"),
    ("By the end of the module students should be able to appraise evidence.", "content"),
    ("Intended learning outcomes", "content"),
    ("This short course introduces the model for improvement.", "self"),
    ("In this module you design a small test of change.", "self"),
    ("Assessment: a 3,000-word assignment", "teaching"),
    ("Credits: 30 at level 7", "award"),
    ("Next intake September", "schedule"),
    ("Mode of study: distance learning", "delivery"),
    ("Module code: NURS7001", "catalogue"),
    ("FHEQ level 7", "catalogue"),
    ("Awarding body: the University", "catalogue"),
])
def test_course_wording_family(text, family):
    assert family in pagecues.course_cues(text.lower())


@pytest.mark.parametrize("text, family", [
    ("He worked there for six years before moving to London.", "length"),  # a life, not a course length
    ("The hospital has 600 beds.", "cost"),
    ("Our people work in patient safety.", "audience"),
    ("The trust announced new targets.", "self"),
    ("Contact the department.", "catalogue"),
])
def test_words_that_are_not_course_wording(text, family):
    assert family not in pagecues.course_cues(text.lower())


@pytest.mark.parametrize("title, cue", [
    ("New online master's in implementation science launches", "headline title"),
    ("Trust welcomes its first cohort of improvement fellows", "headline title"),
    ("Four new patient safety roles announced", "headline title"),
    ("Meet the team behind our improvement academy", "headline title"),
    ("Postgraduate tuition fees 2026/27", "fees title"),
    ("Fees and funding for NHS courses", "fees title"),
    ("FAQs for the Improvement Science Certificate", "questions title"),
    ("Guidance for applicants and their managers", "guidance title"),
])
def test_titles_of_other_kinds_of_page(title, cue):
    assert cue in [c for _, c, _ in pagecues.title_rivals(title)]


@pytest.mark.parametrize("title", [
    "Healthcare Finance",  # a subject that happens to end in a fees word
    "Fundamentals of Improvement",
    "New Approaches to Patient Safety",  # "new" without a course word is a subject
    "How to do clinical audits: a practical workshop",
    "Leading Improvement in Health Care MSc",
])
def test_course_titles_carry_no_rival_mark(title):
    assert pagecues.title_rivals(title) == []


@pytest.mark.parametrize("title, expected", [
    ("QI 101: Fundamentals of Improvement", ["course code"]),
    ("PU5074: Implementation Science", ["course code"]),
    ("Quality Systems (MECH H3014)", ["course code"]),
    ("Implementation Science for Improvers", []),
    ("ISO 9001 2015 in practice", []),  # a standard's number is not a course code
])
def test_course_codes_in_titles(title, expected):
    assert [c for c in pagecues.title_cues(title) if c == "course code"] == expected


# -- whole pages of each family: typed course ----------------------------------------------------

# Imitates a module-catalogue page: a code in the title, credits, level, semester, assessment.
MODULE_DESCRIPTOR = page("NURS7123: Evidence into Practice", """
<p>Module code NURS7123. Credits: 20. Level 7. Semester 2.</p>
<h2>Aims</h2><p>The module explores how research evidence becomes everyday clinical practice.</p>
<h2>Learning outcomes</h2><ul><li>Appraise published evidence</li><li>Plan an implementation project</li></ul>
<h2>Assessment</h2><p>A 3,000-word assignment.</p>""")
# Imitates a programme specification: awarding body, FHEQ level, programme aims.
PROGRAMME_SPEC = page("Programme Specification: Leadership for Health Improvement", """
<p>Awarding body: the University. Teaching institution: the School of Health. Final award: MSc.
FHEQ level 7.</p><h2>Programme aims</h2><p>To develop leaders who improve services.</p>
<h2>Intended learning outcomes</h2><p>Graduates will be able to lead change in complex systems.</p>""")
# Imitates a provider's e-learning catalogue entry: no award word, time to complete, CE credits, enrol.
ELEARNING = page("Fundamentals of Improvement", """
<p>Estimated time to complete: 2 hours. CE credits: 2.0. Self-paced, online.</p>
<p>In this course you will learn the model for improvement and run your first test of change.</p>
<p><a href="/enrol">Enrol</a></p>""")
# Imitates a fellowship scheme page: who can apply, closing date, salary covered.
FELLOWSHIP = page("Improvement Fellowship Scheme", """
<p>The scheme gives clinicians a year to lead an improvement project with mentoring and action learning.</p>
<h2>Who can apply</h2><p>Registered health professionals employed in the region.</p>
<p>Salary and research costs covered. Closing date: 30 January.</p>""")
# Imitates a masterclass page: dates, a venue, a price per delegate, book your place.
MASTERCLASS = page("Measurement for Improvement Masterclass", """
<p>A one-day masterclass on run charts and statistical process control.</p>
<p>Date: 12 May. Venue: the Education Centre. Price per delegate: £195.</p>
<p><a href="/book">Book your place</a></p>""")
# Imitates an apprenticeship page written in sentences, with no facts table.
APPRENTICESHIP = page("Senior Leader Apprenticeship", """
<p>This apprenticeship is designed for senior managers in health and care who lead change.
It runs over 24 months part-time, with work-based learning and a final assessment.</p>
<p>Entry requirements: employed in a senior role; your employer funds the place through the levy.</p>""")


@pytest.mark.parametrize("html, url", [
    (MODULE_DESCRIPTOR, "https://www.example.ac.uk/modules/nurs7123"),
    (PROGRAMME_SPEC, "https://www.example.ac.uk/progspecs/leadership-health-improvement"),
    (ELEARNING, "https://learn.example.org/catalog/fundamentals-of-improvement"),
    (FELLOWSHIP, "https://www.example.nhs.uk/improvement-fellowship-scheme"),
    (MASTERCLASS, "https://www.example.org/events/measurement-masterclass"),
    (APPRENTICESHIP, "https://www.example.ac.uk/apprenticeships/senior-leader"),
])
def test_course_families_are_courses(html, url):
    facts = extract_course_facts(html, url)
    assert facts["page_kind"] == "course", facts["page_kind_evidence"]
    assert facts["is_course"] is True
    assert any(line.startswith("+") and "course" in line for line in facts["page_kind_evidence"])


# -- pages that talk about courses without being one -----------------------------------------------

# Imitates a news story about a new course: /news/ address, a date line, quotes.
NEWS_ABOUT_A_COURSE = page("University launches new MSc in improvement science", """
<p>14 March 2025</p>
<p>The university has announced a new online master's in improvement science, which will enrol its first
students in September.</p><p>"This fills a gap," said Professor Lee. "Students will learn to lead change."</p>
<p>The course lasts two years part-time and costs £12,000.</p>""")
# Imitates an FAQ page for a certificate.
FAQ_PAGE = page("Frequently asked questions", """
<h2>Who is the certificate for?</h2><p>Clinicians who lead improvement projects.</p>
<h2>How long does it take?</h2><p>One year part-time.</p><h2>How do I apply?</h2><p>Online.</p>""",
                head_title="FAQs: Improvement Science Certificate")
# Imitates a job description for an employed "fellow" post.
JOB_DESCRIPTION = page("Quality Improvement Fellow", """
<p>Job title: Quality Improvement Fellow. Grade: AfC Band 7. Reports to: Head of Quality.</p>
<h2>Job purpose</h2><p>To lead the trust's improvement projects.</p><h2>Person specification</h2><p>Registered clinician.</p>""")


@pytest.mark.parametrize("html, url, kind", [
    (NEWS_ABOUT_A_COURSE, "https://www.example.ac.uk/news/2025/new-msc-improvement-science", "news"),
    (FAQ_PAGE, "https://www.example.ac.uk/improvement-certificate/faqs/", "faq"),
    (JOB_DESCRIPTION, "https://jobs.example.nhs.uk/job-description/qi-fellow", "job"),
])
def test_pages_about_courses_are_not_courses(html, url, kind):
    facts = extract_course_facts(html, url)
    assert facts["page_kind"] == kind, facts["page_kind_evidence"]
    assert facts["is_course"] is False


def test_a_story_slug_does_not_make_a_course_address():
    facts = extract_course_facts(NEWS_ABOUT_A_COURSE, "https://www.example.ac.uk/news/2025/new-msc-improvement-programme")
    assert not any("course: address" in line for line in facts["page_kind_evidence"])


def test_thin_course_evidence_is_unsure_not_lost():
    # A course address and a course word in the title, and little else: plausibly a course.
    html = page("Team Coaching Programme", "<p>Coaching for improvement teams in primary care.</p>")
    facts = extract_course_facts(html, "https://www.example.org/programmes/team-coaching")
    assert facts["page_kind"] == "course"
    assert facts["page_kind_sure"] is False


def test_rich_course_evidence_is_sure():
    facts = extract_course_facts(MODULE_DESCRIPTOR, "https://www.example.ac.uk/modules/nurs7123")
    assert facts["page_kind_sure"] is True


@pytest.mark.parametrize("html", [
    "<html><body><nav><a href='/a'>Home</a> <a href='/b'>Courses</a> <a href='/c'>Quality improvement</a></nav></body></html>",
    "<html><body><main><h1>Amélioration de la qualité des soins</h1><p>Ce cours présente les méthodes"
    " d'amélioration continue pour les équipes soignantes.</p></main></body></html>",
    "<html><body><main><h1>All courses</h1><ul>" + "".join(
        f"<li><a href='/courses/{n}'>MSc Subject {n}</a></li>" for n in range(500)) + "</ul></main></body></html>",
    "",
])
def test_odd_pages_get_a_type_with_reasons_never_an_exception(html):
    facts = extract_course_facts(html, "https://www.example.ac.uk/courses/odd")
    assert facts["page_kind"] in ("course", "listing", "news", "profile", "research", "event", "search", "faq", "job", "other")
    assert isinstance(facts["page_kind_evidence"], list)
    assert isinstance(facts["page_kind_sure"], bool)


# Imitates a short training page that is all prose: a length, a price word, an audience, a certificate.
PROSE_ONLY_TRAINING = page("Good Practice in Research (GPR)", """
<p>Free e-learning and classroom courses, about 3 hours, for staff working on research studies in the NHS.
Certificates last two years.</p>""")


def test_a_prose_only_training_page_is_a_course():
    facts = extract_course_facts(PROSE_ONLY_TRAINING, "https://www.example.nhs.uk/research-training/gpr")
    assert facts["page_kind"] == "course", facts["page_kind_evidence"]


@pytest.mark.parametrize("text, cue", [
    ("‘It changed how I lead,’ says one participant.", "quotes"),
    ("Uploaded by: someone\n215 views", "document copy"),
    ("Image: Getty", "picture credit"),
    ("Dear applicant,\nWe write to you about your offer.", "letter"),
])
def test_rival_marks(text, cue):
    assert cue in [c for _, c, _, _ in pagecues.rival_cues(text.lower())]


def test_a_session_about_a_course_is_not_the_course():
    assert ("event", "session title", 4) in pagecues.title_rivals("Improvement Coach Programme – Information Call")


@pytest.mark.parametrize("title, is_list", [
    ("Short courses", True),
    ("IHI Open School online courses", True),
    ("Programmes", True),
    ("Academic Clinical Fellowships", False),  # one scheme, named in the plural
    ("Improvement Science Fellowships", False),
])
def test_plural_titles(title, is_list):
    assert (("listing", "list title", 3) in pagecues.title_rivals(title)) is is_list
