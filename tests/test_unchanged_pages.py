"""A second night over an unchanged site parses no page again, and stores what a night that parses every page stores.

Both crawls run against the same real local site (ETag / 304) into their own database and
HTTP cache; one follows the links stored on night 1 (the default), the other parses every
page (REUSE_STORED_LINKS=0). Night 3 changes a page: that page is parsed, the new link on it
is followed, and the others are still not parsed.
"""

import json
import sqlite3

from tests.support.local_site import LocalSite, html
from tests.support.site_crawl import crawl_local_site, stored_rows

SUBJECTS = ["Improvement Science", "Patient Safety", "Clinical Research", "Healthcare Leadership"]
MENU = '<nav><a href="/courses/">Courses</a> <a href="/about">About us</a> <a href="/prospectus.pdf">PDF</a></nav>'


def slug(subject: str) -> str:
    return subject.lower().replace(" ", "-")


def course(subject: str, extra: str = "") -> tuple:
    return html(f"""{MENU}<main><h1>MSc {subject}</h1>
      <p class="lead">A part-time master's for NHS clinicians who lead quality improvement in health care.</p>
      <table class="key-facts"><tr><th>Award</th><td>MSc</td></tr>
        <tr><th>Duration</th><td>1 year full-time, 2 years part-time</td></tr>
        <tr><th>Fees</th><td>UK £9,000; international £17,500</td></tr></table>
      <p>Related: <a href="/courses/{slug(SUBJECTS[0])}">MSc {SUBJECTS[0]}</a></p>{extra}</main>""",
                title=f"MSc {subject} | Night University")


def build_site() -> dict:
    links = "".join(f'<li><a href="/courses/{slug(s)}">MSc {s}</a></li>' for s in SUBJECTS)
    pages = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
        "/courses/": html(f"{MENU}<main><h1>Postgraduate courses A-Z</h1><ul>{links}</ul></main>", title="Courses"),
        "/about": html(f"{MENU}<main><h1>About us</h1></main>", title="About"),
    }
    for subject in SUBJECTS:
        pages[f"/courses/{slug(subject)}"] = course(subject)
    return pages


def crawl(tmp_path, name: str, site: LocalSite, *extra: str) -> dict:
    """One night of `scrapy crawlall` into tmp_path/name, with its own HTTP cache; the site's stats for the night."""
    stats, _ = crawl_local_site(tmp_path, name, site, "night_uni", "-s", f"HTTPCACHE_DIR={tmp_path / name / 'httpcache'}",
                                *extra)
    return stats


def test_an_unchanged_page_is_not_parsed_and_the_night_stores_the_same(tmp_path):
    with LocalSite(build_site(), validators=True) as site:
        asked = {}
        nights = {}
        for name, extra in (("reusing", ()), ("parsing", ("-s", "REUSE_STORED_LINKS=0"))):
            nights[name] = [crawl(tmp_path, name, site, *extra)]
            site.requests.clear()
            nights[name].append(crawl(tmp_path, name, site, *extra))
            asked[name] = sorted(site.requests)
            site.requests.clear()

    html_pages = 1 + len(SUBJECTS)  # the A-Z and the courses (/about is not followed)
    first, second = nights["reusing"]
    assert first["pages/parsed"] == html_pages and "pages/links_reused" not in first
    assert second["pages/links_reused"] == html_pages and "pages/parsed" not in second
    assert second["pages/unchanged"] == html_pages
    assert nights["parsing"][1]["pages/parsed"] == html_pages
    assert "pages/links_reused" not in nights["parsing"][1]
    # The same requests, answered the same, and the same rows as the night that parsed every page.
    assert asked["reusing"] == asked["parsing"]
    assert "/prospectus.pdf" not in asked["reusing"] and "/courses/patient-safety" in asked["reusing"]
    assert stored_rows(tmp_path / "reusing" / "courses.db") == stored_rows(tmp_path / "parsing" / "courses.db")


def test_a_changed_page_is_parsed_and_its_new_link_followed(tmp_path):
    pages = build_site()
    with LocalSite(pages, validators=True) as site:
        crawl(tmp_path, "night", site)
        changed = f"/courses/{slug(SUBJECTS[1])}"
        pages[changed] = course(SUBJECTS[1], extra='<a href="/courses/new-course">MSc New Course</a>')
        pages["/courses/new-course"] = course("New Course")
        site.requests.clear()
        stats = crawl(tmp_path, "night", site)
        asked = list(site.requests)

    assert "/courses/new-course" in asked
    # The changed page and the new one are parsed; the rest follow their stored links.
    assert stats["pages/parsed"] == 2
    assert stats["pages/links_reused"] == len(SUBJECTS)
    with sqlite3.connect(tmp_path / "night" / "courses.db") as conn:
        links = json.loads(conn.execute("SELECT links FROM pages WHERE url LIKE ?", [f"%{changed}"]).fetchone()[0])
        titles = [row[0] for row in conn.execute("SELECT title FROM candidates")]
    assert any(url.endswith("/courses/new-course") for url, _ in links["links"])
    assert any("New Course" in (title or "") for title in titles)
