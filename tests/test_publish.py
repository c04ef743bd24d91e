"""The public course finder: facets, pages, links, feeds, data files and bad input (issue 9)."""

import csv
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from crawler.publish import facets
from crawler.publish.build import BUILD_MARKER, FIELDS, PublishError, archive_link, build_site, web_url
from crawler.storage import open_db, record_page, upsert_candidate

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc)
ATOM = "{http://www.w3.org/2005/Atom}"
XSS_TITLE = '<script>alert(1)</script> Health & Care "quoted"'

# One row per course: (candidate row, facts extra, accept?). Titles say what each imitates.
COURSES = [
    # A free online short course with no entry bar: what the study says bands 1-4 need.
    dict(canonical_url="https://learning.example.org/improvement-basics", site="bmj", provider="BMJ Learning",
         region="online", title="Improvement basics for every role", awards=["short course"], modes=["online"],
         months_full_time=0.01, duration="2 hours", entry_requirements="Open to all: no formal entry requirements.",
         requires_registration=False, summary="Quality improvement tools for anyone working in care.",
         topics=["PDSA cycles", "run charts"], facts={"free": True, "fee_amounts": [], "degree_class": None}),
    # A PgCert for registered nurses with a 2:1, and a crawled title full of markup.
    dict(canonical_url="https://www.kcl.example.ac.uk/pgcert-improvement", site="kcl", provider="King's College London",
         region="south", title=XSS_TITLE, awards=["PgCert"], fheq_level=7, credits=60, modes=["part-time", "campus"],
         months_part_time=12, duration="1 year part-time", fees="Home: £3,000 <b>per year</b>",
         entry_requirements="A 2:1 honours degree and current NMC registration.", requires_registration=True,
         regulators=["NMC"], summary='Improvement science <img src=x onerror="alert(2)"> in practice & policy.',
         start_dates=["September 2027"],
         facts={"degree_class": "2:1", "fee_amounts": [{"amount": 3000.0, "currency": "GBP", "for": "home"}]}),
    # A module open to anyone working in care: a route in without a degree.
    dict(canonical_url="https://www.lsbu.example.ac.uk/modules/leading-change", site="lsbu",
         provider="London South Bank University", region="south", title="Leading change in health and social care",
         awards=["module"], fheq_level=6, modes=["online", "part-time"], months_part_time=4, duration="12 weeks",
         entry_requirements="You should be working in health or social care. Applicants without a degree are welcome.",
         requires_registration=False, summary="A module on improvement for team leaders.",
         facts={"degree_class": None, "fee_amounts": [{"amount": 800.0, "currency": "GBP", "for": "per module"}]}),
    # A fellowship open to managers and service users, paid.
    dict(canonical_url="https://www.clahrc-nwl.example.org/fellowship", site="nihr", provider="NIHR CLAHRC NWL",
         region="north-west", title="Improvement Leader Fellowship", awards=["fellowship"], modes=["blended"],
         months_part_time=12, duration="One year", entry_requirements="Open to managers, clinicians and service users.",
         requires_registration=False, summary="A year-long fellowship in improvement.",
         facts={"degree_class": None, "fee_amounts": [], "free": True, "stipend": True}),
    # An MSc by distance learning for graduates, not needing registration.
    dict(canonical_url="https://www.open.example.ac.uk/msc-improvement", site="ou", provider="The Open University",
         region="national", title="MSc Improvement Science", awards=["MSc", "PgDip", "PgCert"], fheq_level=7,
         modes=["online", "distance", "part-time"], months_full_time=12, months_part_time=24,
         entry_requirements="A BSc (Hons) in a health subject or equivalent.", requires_registration=False,
         summary="Study improvement science from home.",
         facts={"degree_class": None, "fee_amounts": [{"amount": 9000.0, "currency": "GBP", "for": "home"},
                                                      {"amount": 15000.0, "currency": "GBP", "for": "international"}]}),
    # A page that said almost nothing: every fact "not stated".
    dict(canonical_url="https://www.city.example.ac.uk/courses/quality", site="city", provider=None, region=None,
         title="Quality and safety course", facts={}),
    # An apprenticeship for bands 1-4, free to the apprentice, online with work-based learning.
    dict(canonical_url="https://www.apprentice.example.ac.uk/improvement-practitioner", site="uwl",
         provider="University of West London", region="south", title="Improvement Practitioner Apprenticeship",
         awards=["apprenticeship"], fheq_level=4, modes=["online", "work-based"], months_full_time=18,
         entry_requirements="Level 2 English and maths. No degree required.", requires_registration=False,
         summary="An apprenticeship in improvement for support staff.",
         facts={"degree_class": None, "fee_amounts": [], "free": True}),
]
# Not published: pending, rejected, and accepted then undone.
UNPUBLISHED = [
    dict(canonical_url="https://www.kcl.example.ac.uk/pending-online", site="kcl", provider="King's College London",
         region="south", title="Pending online improvement course", modes=["online"],
         entry_requirements="None.", requires_registration=False, facts={}),
    dict(canonical_url="https://www.kcl.example.ac.uk/undone", site="kcl", provider="King's College London",
         region="south", title="Undone improvement course", modes=["online"], entry_requirements="None.",
         requires_registration=False, facts={}),
]
SEEN = "2026-11-26T02:00:00+00:00"


def accept(db, candidate_id, decided_at):
    db.execute("INSERT INTO decisions (action, candidate_id, reviewer, decided_at) VALUES ('accept', ?, 'ana', ?)",
               [candidate_id, decided_at])
    return db.execute("SELECT max(id) FROM decisions").fetchone()[0]


def build_publish_db(path=":memory:"):
    """A small reviewed catalogue: seven accepted courses, two not published, two report rows."""
    db = open_db(path)
    for n, row in enumerate(COURSES):
        candidate_id = upsert_candidate(db, row, None, seen_at=SEEN if n != 5 else "2026-10-01T02:00:00+00:00")
        accept(db, candidate_id, f"2026-11-{10 + n:02d}T09:00:00Z")
    record_page(db, {"url": COURSES[1]["canonical_url"], "site": "kcl", "run_id": None, "fetched_at": SEEN,
                     "status": 200, "content_type": "text/html", "content_hash": "x",
                     "archive_record": "2026-11-26.warc.gz#12345", "page_kind": "course", "is_course": 1,
                     "candidate_id": 2})
    upsert_candidate(db, UNPUBLISHED[0], None, seen_at=SEEN)
    undone = upsert_candidate(db, UNPUBLISHED[1], None, seen_at=SEEN)
    decision = accept(db, undone, "2026-11-20T09:00:00Z")
    db.execute("INSERT INTO decisions (action, undoes, reviewer) VALUES ('undo', ?, 'ana')", [decision])
    db.execute("""INSERT INTO catalogue (id, title, provider, category, source_table, origin)
                  VALUES ('t3-01', 'Health Improvement Project', 'City University', 'core', 'table 3', 'report'),
                         ('t8-01', 'Report short course', 'SAA Soft', 'short course', 'table 8', 'report')""")
    return db


@pytest.fixture
def pdb():
    database = build_publish_db()
    yield database
    database.conn.close()


@pytest.fixture
def site(pdb, tmp_path):
    outdir = tmp_path / "site"
    build_site(pdb, outdir, now=NOW)
    return outdir


def course_page(site, title):
    for path in (site / "courses").glob("*.html"):
        if f"<h1>{title}</h1>" in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError(f"no course page titled {title}")


# -- facets ------------------------------------------------------------------------

@pytest.mark.parametrize("degree_class, entry, level, expected", [
    # a degree asked for
    ("2:1", "A 2:1 honours degree", 7, False),
    ("any degree", "A degree in a health subject", None, False),
    (None, "A BSc (Hons) in nursing or equivalent", None, False),
    (None, "Applicants should be graduates of a health profession", None, False),
    (None, "Normally a first degree or equivalent professional qualification", None, False),
    (None, "A bachelor's in a related field", None, False),
    # no degree asked for
    (None, "Open to all: no formal entry requirements.", None, True),
    (None, "Level 2 English and maths. No degree required.", None, True),
    (None, "Working in health or social care. Applicants without a degree are welcome.", None, True),
    (None, "A degree is not required; you need two years' experience.", None, True),
    (None, "Open to managers, clinicians and service users.", None, True),
    # near misses: "degree" that is not an entry qualification, "bed" that is not a BEd
    (None, "Suitable for a level 5 degree apprenticeship route", None, True),
    (None, "A high degree of motivation and 360-degree feedback from your manager", None, True),
    (None, "Experience of bed management on a ward", None, True),
    # postgraduate and silent about a degree: not a promise; unless it says so
    (None, "Nurses, midwives and pharmacists who want to lead research.", 7, None),
    (None, "Nurses, midwives and pharmacists who want to lead research.", 6, True),
    (None, "No formal academic entry requirements; you must be working in care.", 7, True),
    (None, "A first degree and current employment in care.", 7, False),
    # nothing to read
    (None, None, None, None),
    (None, "   ", None, None),
])
def test_no_degree_required(degree_class, entry, level, expected):
    assert facets.no_degree_required(degree_class, entry, level) is expected


@pytest.mark.parametrize("requires_registration, entry, expected", [
    (True, "Current NMC registration", False),
    (1, "Current NMC registration", False),
    (False, "Open to all", True),
    (0, "Working in care", True),
    (False, "No professional registration is required.", True),
    (False, "Registration is not required; open to support workers.", True),
    # registration named but not read as a requirement by the extractor: no promise either way
    (False, "Registration as a nurse, paramedic or pharmacist, and a first degree.", None),
    (False, "Applicants on the NMC register", None),
    (False, "Open to registrants of a health regulator", None),
    # no entry requirements read: the extractor's False is not a promise
    (False, None, None),
    (False, "", None),
    (None, "Open to all", None),
])
def test_open_without_registration(requires_registration, entry, expected):
    assert facets.open_without_registration(requires_registration, entry) is expected


@pytest.mark.parametrize("awards, expected", [
    (["fellowship"], "fellowship"),
    (["MSc", "PgDip", "PgCert"], "award-bearing"),
    (["apprenticeship"], "award-bearing"),
    (["PgCert", "module"], "award-bearing"),
    (["module"], "module"),
    (["short course"], "short course"),
    (["fellowship", "MSc"], "fellowship"),
    ([], None),
    (None, None),
])
def test_course_type(awards, expected):
    assert facets.course_type(awards) == expected


@pytest.mark.parametrize("months_ft, months_pt, expected", [
    (0.01, None, "under a month"),
    (None, 1, "1 to 6 months"),
    (6, None, "1 to 6 months"),
    (None, 6.5, "6 months to a year"),
    (12, 24, "6 months to a year"),       # the shortest way through
    (None, 24, "1 to 2 years"),
    (None, 36, "over 2 years"),
    (None, None, None),
    (0, None, None),                       # a zero length is no length
])
def test_length_band(months_ft, months_pt, expected):
    assert facets.length_band(months_ft, months_pt) == expected


def fee(amount, for_=None, currency="GBP"):
    return {"amount": amount, "currency": currency, "for": for_}


@pytest.mark.parametrize("amounts, free, expected", [
    ([], True, "free"),
    ([fee(0.0)], False, "free"),
    ([fee(950, "home")], False, "under £1,000"),
    ([fee(1000, "home")], False, "£1,000 to £5,000"),
    ([fee(5000, "home")], False, "£1,000 to £5,000"),
    ([fee(5001, "home")], False, "over £5,000"),
    # home fees first, then unlabelled, then per module; international and per-credit never
    ([fee(9000, "home"), fee(15000, "international")], False, "over £5,000"),
    ([fee(15000, "international")], False, None),
    ([fee(120, "per credit")], False, None),
    ([fee(800, "per module"), fee(6000)], False, "over £5,000"),
    ([fee(800, "per module")], False, "under £1,000"),
    ([fee(3000, "home"), fee(2000, "home")], False, "£1,000 to £5,000"),
    ([fee(500, "home", "USD")], False, None),
    ([], False, None),
    (None, None, None),
])
def test_cost_band(amounts, free, expected):
    assert facets.cost_band(amounts, free) == expected


@pytest.mark.parametrize("modes, expected", [
    (["part-time", "online", "blended"], ["online", "part-time"]),
    (["full-time", "campus"], ["campus"]),
    ([], []),
    (None, []),
])
def test_delivery(modes, expected):
    assert facets.delivery(modes) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://www.kcl.ac.uk/course", "https://www.kcl.ac.uk/course"),
    ("javascript:alert(1)", None),
    ("data:text/html,<script>", None),
    ("//evil.example/x", None),
    ("", None),
    (None, None),
])
def test_only_web_addresses_are_linked(url, expected):
    assert web_url(url) == expected


@pytest.mark.parametrize("record, base, expected", [
    ("2026-11-26.warc.gz#12345", "https://archive.example.org/warc/", "https://archive.example.org/warc/2026-11-26.warc.gz#12345"),
    ("data/archive/night 1.warc.gz#7", "https://a.example", "https://a.example/night%201.warc.gz#7"),
    ("2026-11-26.warc.gz#12345", None, None),
    (None, "https://a.example", None),
])
def test_archive_link(record, base, expected):
    assert archive_link(record, base) == expected


# -- what is published -------------------------------------------------------------

def test_only_accepted_courses_are_published(site):
    data = json.loads((site / "catalogue.json").read_text(encoding="utf-8"))
    titles = {course["title"] for course in data["courses"]}
    assert titles == {course["title"] for course in COURSES}
    index = (site / "index.html").read_text(encoding="utf-8")
    for hidden in ("Pending online", "Undone improvement", "Health Improvement Project", "Report short course"):
        assert hidden not in index
    assert len(list((site / "courses").glob("*.html"))) == len(COURSES)


def test_course_page_has_facts_provider_region_link_and_freshness(site):
    page = course_page(site, "MSc Improvement Science").read_text(encoding="utf-8")
    assert "The Open University" in page and "national" in page
    assert 'href="https://www.open.example.ac.uk/msc-improvement"' in page
    assert "Last seen on the provider's site on" in page and "26 November 2026" in page
    assert "Level 7 (master&#39;s, PgCert, PgDip)" in page
    assert "over £5,000" in page and "£9,000" in page
    assert "No archived copy of the provider's page was kept." in page


def test_stale_course_is_flagged(site):
    page = course_page(site, "Quality and safety course").read_text(encoding="utf-8")
    assert "1 October 2026" in page
    assert "may have changed or closed" in page


def test_archive_copy_is_linked_only_when_published(pdb, tmp_path, site):
    page = course_page(site, "&lt;script&gt;alert(1)&lt;/script&gt; Health &amp; Care &#34;quoted&#34;")
    assert "kept by the maintainers but is not published here" in page.read_text(encoding="utf-8")
    published = tmp_path / "with-archive"
    build_site(pdb, published, now=NOW, archive_base_url="https://archive.example.org/warc")
    page = (published / "courses" / page.name).read_text(encoding="utf-8")
    assert 'href="https://archive.example.org/warc/2026-11-26.warc.gz#12345"' in page


def test_index_lists_every_filter_the_issue_asks_for(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for legend in ("Who can apply", "Kind of course", "How it is taught", "Level (FHEQ)", "Length",
                   "Cost (UK fee)", "Region"):
        assert f"<legend>{legend}</legend>" in index
    for label in ("Open to people without professional registration", "No degree required", "short course",
                  "module", "award-bearing", "fellowship", "online", "distance", "part-time", "campus", "free",
                  "under £1,000", "over £5,000"):
        assert f">{label}</label>" in index


# -- links -------------------------------------------------------------------------

class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.assets = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.assets.append(attrs["href"])


def parse_html(path):
    parser = LinkParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_links(site: Path) -> list[str]:
    """Every relative link from every page and feed, checked against the built files; returns problems."""
    problems, targets = [], {}
    pages = sorted(site.rglob("*.html"))
    for path in pages:
        targets[path.resolve()] = parse_html(path)
    checked = 0
    for path in pages:
        parsed = targets[path.resolve()]
        for asset in parsed.assets:
            if urlsplit(asset).scheme or asset.startswith("//"):
                problems.append(f"{path.name}: external asset {asset}")
        for href in parsed.links + parsed.assets:
            checked += 1
            problems += check_one(site, path, href, targets)
    for path in sorted(site.rglob("*.atom")):
        for link in ET.parse(path).getroot().iter(f"{ATOM}link"):
            checked += 1
            problems += check_one(site, path, link.get("href"), targets)
    assert checked > 20
    return problems


def check_one(site, path, href, targets):
    parts = urlsplit(href)
    if parts.scheme in ("http", "https"):
        return [] if parts.netloc else [f"{path.name}: bad link {href}"]
    if parts.scheme or href.startswith("//"):
        return [f"{path.name}: unexpected link {href}"]
    target = (path.parent / unquote(parts.path)).resolve() if parts.path else path.resolve()
    if site.resolve() not in target.parents and target != site.resolve():
        return [f"{path.name}: link leaves the site {href}"]
    if not target.is_file():
        return [f"{path.name}: broken link {href}"]
    if parts.fragment and parts.fragment not in targets[target].ids:
        return [f"{path.name}: no #{parts.fragment} in {target.name}"]
    return []


def test_every_link_resolves(site):
    assert check_links(site) == []


def test_every_link_resolves_in_an_empty_site(tmp_path):
    db = open_db(":memory:")
    build_site(db, tmp_path / "empty", now=NOW)
    assert check_links(tmp_path / "empty") == []


def test_no_external_fonts_scripts_or_trackers(site):
    css = (site / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css
    js = (site / "finder.js").read_text(encoding="utf-8")
    assert not re.search(r"https?://|fetch\(|XMLHttpRequest|sendBeacon", js)
    for path in site.rglob("*.html"):
        assert "<style" not in path.read_text(encoding="utf-8")


# -- feeds -------------------------------------------------------------------------

def test_atom_feed_has_the_required_elements(site):
    root = ET.parse(site / "feeds" / "all.atom").getroot()
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(COURSES)
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert (entry.find(f"{ATOM}{name}").text or "").strip(), name
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.find(f"{ATOM}updated").text)
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    # newest accepted first
    assert entries[0].find(f"{ATOM}title").text == "Improvement Practitioner Apprenticeship"


def test_region_feeds_hold_that_region_only(site):
    root = ET.parse(site / "feeds" / "south.atom").getroot()
    titles = {e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")}
    assert titles == {XSS_TITLE, "Leading change in health and social care", "Improvement Practitioner Apprenticeship"}
    assert (site / "feeds" / "north-east-north-central.atom").is_file()


def test_feed_ids_stay_put_between_builds_and_hosts(pdb, tmp_path):
    build_site(pdb, tmp_path / "a", now=NOW)
    build_site(pdb, tmp_path / "b", now=NOW, site_url="https://courses.example.org/finder")
    ids = [[e.text for e in ET.parse(d / "feeds" / "all.atom").getroot().iter(f"{ATOM}id")]
           for d in (tmp_path / "a", tmp_path / "b")]
    assert ids[0] == ids[1]
    link = ET.parse(tmp_path / "b" / "feeds" / "all.atom").getroot().find(f"{ATOM}entry/{ATOM}link")
    assert link.get("href").startswith("https://courses.example.org/finder/courses/")


# -- data files --------------------------------------------------------------------

def test_csv_and_json_follow_the_documented_schema(site):
    names = [name for name, _, _ in FIELDS]
    with (site / "catalogue.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == names and len(rows) == len(COURSES)
    assert all(value != "" for row in rows for value in row.values())
    data = json.loads((site / "catalogue.json").read_text(encoding="utf-8"))
    assert data["licence"] and data["courses"][0].keys() == set(names)
    package = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["title"] == data["licence"]
    assert [f["name"] for f in package["resources"][0]["schema"]["fields"]] == names
    documented = (site / "data.html").read_text(encoding="utf-8")
    for name in names:
        assert f"<code>{name}</code>" in documented
    assert data["licence"] in documented


def test_csv_cells_cannot_run_as_formulas(tmp_path):
    db = open_db(":memory:")
    candidate_id = upsert_candidate(db, dict(canonical_url="https://x.example/c", site="x", title="=HYPERLINK(1)",
                                             facts={}), None, seen_at=SEEN)
    accept(db, candidate_id, "2026-11-20T09:00:00Z")
    build_site(db, tmp_path / "site", now=NOW)
    with (tmp_path / "site" / "catalogue.csv").open(encoding="utf-8", newline="") as stream:
        assert next(csv.DictReader(stream))["title"] == "'=HYPERLINK(1)"


# -- bad input ---------------------------------------------------------------------

def test_missing_facts_say_not_stated(site):
    path = course_page(site, "Quality and safety course")
    page = path.read_text(encoding="utf-8")
    assert "None" not in page
    assert not re.search(r"<dd[^>]*>\s*</dd>|<td[^>]*>\s*</td>|<p[^>]*>\s*</p>", page)
    assert page.count("not stated") >= 15
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "None" not in index and not re.search(r"<dd[^>]*>\s*</dd>", index)
    for path in site.rglob("*"):
        # data.html explains that JSON says null; nothing else may show a programming language's nothing.
        if path.suffix in (".html", ".atom", ".csv") and path.name != "data.html":
            assert not re.search(r"\bNone\b|\bnull\b|\bnan\b", path.read_text(encoding="utf-8")), path


def test_crawled_text_is_escaped_everywhere(site):
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>per year" not in text, path
        assert len(re.findall(r"<script\b", text)) <= 1 and "onerror=" not in text.replace("onerror=&#34;", "")
    page = course_page(site, "&lt;script&gt;alert(1)&lt;/script&gt; Health &amp; Care &#34;quoted&#34;").read_text(
        encoding="utf-8")
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    assert "Home: £3,000 &lt;b&gt;per year&lt;/b&gt;" in page
    index = (site / "index.html").read_text(encoding="utf-8")
    # inside an attribute too (the search text)
    assert 'data-search="&lt;script&gt;alert(1)&lt;/script&gt; health &amp; care &#34;quoted&#34;' in index
    feed = ET.parse(site / "feeds" / "all.atom").getroot()
    assert XSS_TITLE in [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]


def test_control_characters_and_bad_json_do_not_break_the_site(tmp_path):
    db = open_db(":memory:")
    candidate_id = upsert_candidate(db, dict(canonical_url="javascript:alert(1)", site="x",
                                             title="Bell\x07 and form\x0c feed", modes="not json",
                                             summary="\x00", facts="{broken"), None, seen_at="not a date")
    accept(db, candidate_id, "2026-11-20T09:00:00Z")
    build_site(db, tmp_path / "site", now=NOW)
    ET.parse(tmp_path / "site" / "feeds" / "all.atom")
    page = next((tmp_path / "site" / "courses").glob("*.html")).read_text(encoding="utf-8")
    assert "<h1>Bell and form feed</h1>" in page
    assert "javascript:" not in page
    assert "The address of the provider's page is not stated." in page


def test_zero_accepted_courses_build_an_honest_empty_site(tmp_path):
    db = open_db(":memory:")
    upsert_candidate(db, UNPUBLISHED[0], None, seen_at=SEEN)
    summary = build_site(db, tmp_path / "site", now=NOW)
    assert summary["courses"] == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "No courses published yet" in index and 'id="filters"' not in index
    assert list((tmp_path / "site" / "courses").iterdir()) == []
    feed = ET.parse(tmp_path / "site" / "feeds" / "all.atom").getroot()
    assert feed.findall(f"{ATOM}entry") == [] and feed.find(f"{ATOM}updated").text == "2026-11-27T06:00:00Z"
    assert (tmp_path / "site" / "catalogue.csv").read_text(encoding="utf-8").count("\n") == 1
    assert json.loads((tmp_path / "site" / "catalogue.json").read_text(encoding="utf-8"))["courses"] == []


# -- rebuilding --------------------------------------------------------------------

def test_rebuild_replaces_the_last_build_and_drops_withdrawn_courses(pdb, tmp_path):
    outdir = tmp_path / "site"
    build_site(pdb, outdir, now=NOW)
    first = len(list((outdir / "courses").glob("*.html")))
    decision = pdb.execute("SELECT id FROM decisions WHERE action = 'accept' AND undone_by IS NULL LIMIT 1").fetchone()[0]
    pdb.execute("INSERT INTO decisions (action, undoes, reviewer) VALUES ('undo', ?, 'ana')", [decision])
    build_site(pdb, outdir, now=NOW)
    assert len(list((outdir / "courses").glob("*.html"))) == first - 1
    assert (outdir / BUILD_MARKER).is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]   # no staging directory left behind


def test_will_not_replace_a_directory_it_did_not_build(pdb, tmp_path):
    outdir = tmp_path / "precious"
    outdir.mkdir()
    (outdir / "notes.txt").write_text("keep me")
    with pytest.raises(PublishError, match="not built by"):
        build_site(pdb, outdir, now=NOW)
    assert (outdir / "notes.txt").read_text() == "keep me"


def test_time_is_an_argument(pdb, tmp_path):
    with pytest.raises(PublishError, match="timezone"):
        build_site(pdb, tmp_path / "site", now=datetime(2026, 11, 27))


# -- the command -------------------------------------------------------------------

def test_scrapy_export_site(tmp_path):
    from support.scrapy_run import run_scrapy

    build_publish_db(tmp_path / "courses.db").conn.close()
    outdir = tmp_path / "public"
    result = run_scrapy("export", "site", "--db", str(tmp_path / "courses.db"), "--output", str(outdir),
                        "-s", "PUBLISH_ARCHIVE_URL=https://archive.example.org/warc",
                        "-s", "PUBLISH_SITE_URL=https://courses.example.org/")
    assert result.returncode == 0, result.stderr
    assert str(outdir / "index.html") in result.stdout
    assert len(list((outdir / "courses").glob("*.html"))) == len(COURSES)
    assert "https://archive.example.org/warc/2026-11-26.warc.gz#12345" in (outdir / "courses" / "acc-2.html").read_text()
    feed = ET.parse(outdir / "feeds" / "all.atom").getroot()
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://courses.example.org/feeds/all.atom"
    # Run again, written as the issue has it (OUTDIR positional): the last build is replaced.
    # A directory it did not build is refused.
    assert run_scrapy("export", "site", str(outdir), "--db", str(tmp_path / "courses.db")).returncode == 0
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("x")
    refused = run_scrapy("export", "site", "--db", str(tmp_path / "courses.db"), "--output", str(tmp_path / "other"))
    assert refused.returncode == 2 and "not built by" in refused.stderr
