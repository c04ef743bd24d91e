"""No silent loss: a page unsure of being a course is kept when in scope, ranked last, counted,
and every page the crawl drops stays queryable with its type, evidence and reason."""

import sqlite3

import pytest
import yaml

from tests.support.local_site import LocalSite, html
from tests.support.scrapy_run import run_scrapy

# Imitates a training-scheme page that states almost nothing a course page usually states:
# an address and a title that name a programme, a paragraph on who it is for in health care.
UNSURE_IN_SCOPE = html("""<main><h1>Team Coaching Programme</h1>
  <p>Coaching for NHS primary care teams who lead quality improvement: PDSA cycles, measurement for
  improvement and patient safety in general practice, for nurses, doctors and practice managers.</p></main>""",
                       title="Team Coaching Programme | Local Improvement Unit")
# The same shape for shop-floor teams: unsure of its type and out of scope, so dropped with reasons.
UNSURE_OUT_OF_SCOPE = html("""<main><h1>Shop Floor Coaching Programme</h1>
  <p>Coaching for retail store managers on merchandising, stock rotation and till procedures.</p></main>""",
                           title="Shop Floor Coaching Programme | Local Improvement Unit")
SURE_COURSE = html("""<main><h1>MSc Improvement Science in Health Care</h1>
  <p>A part-time master's for NHS staff who lead quality improvement projects in health care.</p>
  <table><tr><th>Duration</th><td>2 years part-time</td></tr><tr><th>Fees</th><td>UK: £9,000</td></tr>
  <tr><th>Study mode</th><td>Part-time, blended</td></tr></table>
  <h2>Entry requirements</h2><p>A degree in a health or social care subject and registration with the NMC or HCPC.</p>
  <h2>Learning outcomes</h2><p>Lead improvement projects.</p></main>""", title="MSc Improvement Science | Local University")


def build_site(origin: str) -> dict:
    return {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"),
        "/courses/a-z": html("""<main><h1>Courses A-Z</h1><ul>
            <li><a href="/programmes/team-coaching">Team Coaching Programme</a></li>
            <li><a href="/programmes/shop-floor-coaching">Shop Floor Coaching Programme</a></li>
            <li><a href="/courses/improvement-science-msc">MSc Improvement Science</a></li></ul></main>""",
                             title="Courses A-Z"),
        "/programmes/team-coaching": UNSURE_IN_SCOPE,
        "/programmes/shop-floor-coaching": UNSURE_OUT_OF_SCOPE,
        "/courses/improvement-science-msc": SURE_COURSE,
    }


@pytest.fixture
def crawled(tmp_path):
    with LocalSite({}) as site:
        site.pages.update(build_site(site.origin))
        registry = {"sites": [{
            "key": "local_unit", "name": "Local Improvement Unit", "region": "south", "kind": "university",
            "home": f"{site.origin}/", "allowed_domains": ["127.0.0.1"], "listings": [f"{site.origin}/courses/a-z"],
            "follow": ["/courses/", "/programmes/"]}]}
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(yaml.safe_dump(registry))
        db_path = tmp_path / "courses.db"
        result = run_scrapy("crawlall", "--only", "local_unit", "--db", str(db_path), "-s", f"SITES_FILE={sites_file}",
                            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0")
        origin = site.origin
    assert result.returncode == 0, result.stderr[-3000:]
    return origin, db_path, result


def rows(db_path, sql, *args):
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, args)]


def test_an_unsure_page_in_scope_is_a_candidate_ranked_after_sure_ones(crawled):
    origin, db_path, _ = crawled
    by_url = {r["canonical_url"]: r for r in rows(db_path, "SELECT canonical_url, page_type_sure, scope_category FROM candidates")}
    assert by_url[f"{origin}/programmes/team-coaching"]["page_type_sure"] == 0
    assert by_url[f"{origin}/programmes/team-coaching"]["scope_category"] in ("core", "related")
    assert by_url[f"{origin}/courses/improvement-science-msc"]["page_type_sure"] == 1
    queue = [(r["title"], r["page_type"]) for r in rows(db_path, "SELECT title, page_type FROM pending_review")]
    assert [t for _, t in queue] == ["sure", "unsure"]


def test_an_unsure_page_out_of_scope_is_dropped_with_its_reasons(crawled):
    origin, db_path, _ = crawled
    urls = [r["canonical_url"] for r in rows(db_path, "SELECT canonical_url FROM candidates")]
    assert f"{origin}/programmes/shop-floor-coaching" not in urls
    dropped = {r["url"]: r for r in rows(db_path, "SELECT * FROM dropped_pages")}
    page = dropped[f"{origin}/programmes/shop-floor-coaching"]
    assert page["page_kind"] == "course" and page["page_kind_certainty"] == "unsure"
    assert page["judgement"].startswith("dropped: unsure it is a course page, and out of scope")
    assert "course:" in page["kind_evidence"]
    # The listing page was judged too, and says what it was typed and why.
    assert dropped[f"{origin}/courses/a-z"]["judgement"].startswith("dropped: typed ")


def test_the_morning_summary_counts_unsure_candidates(crawled):
    _, _, result = crawled
    assert "New candidates in scope: 2, of which unsure of their page type: 1" in result.stdout + result.stderr
    assert "unsure it is a course page" in result.stdout + result.stderr


def test_pending_review_puts_unsure_candidates_last_even_when_newer():
    from crawler.storage import open_db, upsert_candidate

    db = open_db(":memory:")
    base = {"site": "s", "provider": "P", "scope_category": "core", "scope_score": 5.0, "scope_reasons": []}
    upsert_candidate(db, {**base, "canonical_url": "https://e.org/older-sure", "title": "Older sure",
                          "page_type_sure": 1}, None, "2026-01-01T00:00:00+00:00")
    upsert_candidate(db, {**base, "canonical_url": "https://e.org/newer-unsure", "title": "Newer unsure",
                          "page_type_sure": 0}, None, "2026-02-01T00:00:00+00:00")
    upsert_candidate(db, {**base, "canonical_url": "https://e.org/newest-sure", "title": "Newest sure",
                          "page_type_sure": 1}, None, "2026-03-01T00:00:00+00:00")
    assert [r["title"] for r in db.query("SELECT title FROM pending_review")] == ["Newest sure", "Older sure", "Newer unsure"]
