"""Links to URLs the dupefilter has already judged are skipped before a Request is built,
and the crawl fetches and stores exactly what it does when the dupefilter drops them.

The comparison crawl runs the same real local site with Scrapy's own RFPDupeFilter
(-s DUPEFILTER_CLASS=...), which remembers no URLs, so the spider builds every Request.
"""

import sqlite3
from collections import Counter

from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from crawler.fetch.seen_urls import SeenUrlDupeFilter, seen_url_filter
from tests.support.local_site import LocalSite, html
from tests.support.site_crawl import crawl_local_site

SUBJECTS = ["Improvement Science", "Patient Safety", "Clinical Research", "Healthcare Leadership",
            "Implementation Science", "Quality Improvement"]


def slug(subject: str) -> str:
    return subject.lower().replace(" ", "-")


# Every page carries the whole course menu, as real sites' navigation does: most links are repeats.
MENU = "<nav><ul>" + "".join(f'<li><a href="/courses/{slug(s)}">MSc {s}</a></li>' for s in SUBJECTS) + "</ul></nav>"


def build_site() -> dict:
    pages = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
        "/courses/": html(f"<main><h1>Courses</h1>{MENU.replace('nav>', 'div>')}</main>", title="Courses"),
    }
    for n, subject in enumerate(SUBJECTS):
        # Each course also links on to the next, so links arrive from pages of several depths.
        following = SUBJECTS[(n + 1) % len(SUBJECTS)]
        pages[f"/courses/{slug(subject)}"] = html(
            f"""{MENU}<main><h1>MSc {subject}</h1>
            <p>A part-time master's for NHS clinicians who lead quality improvement in health care.</p>
            <table class="key-facts"><tr><th>Award</th><td>MSc</td></tr>
              <tr><th>Duration</th><td>1 year full-time, 2 years part-time</td></tr>
              <tr><th>Fees</th><td>UK £9,000; international £17,500</td></tr>
              <tr><th>Entry requirements</th><td>A 2:1 degree in a health subject</td></tr></table>
            <p>Next: <a href="/courses/{slug(following)}">MSc {following}</a>,
               <a href="/courses/{slug(following)}/modules">its modules</a></p></main>""",
            title=f"MSc {subject} | Menu University")
        pages[f"/courses/{slug(subject)}/modules"] = html(
            f"{MENU}<main><h1>Modules of MSc {subject}</h1><p>Quality improvement in health care.</p></main>",
            title="Modules")
    return pages


def crawl(tmp_path, name: str, site: LocalSite, *extra: str) -> tuple[dict, sqlite3.Connection]:
    stats, db_path = crawl_local_site(tmp_path, name, site, "menu_uni", "-s", "HTTPCACHE_ENABLED=0", *extra)
    return stats, sqlite3.connect(db_path)


def stored_pages(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT url, status, content_hash, is_course, page_kind FROM pages ORDER BY url").fetchall()


def stored_candidates(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT canonical_url, title, scope_category, facts_hash FROM candidates ORDER BY canonical_url").fetchall()


def test_skipping_seen_links_fetches_and_stores_what_the_plain_dupefilter_does(tmp_path):
    with LocalSite(build_site()) as site:
        stats, conn = crawl(tmp_path, "remembering", site)
        remembering_requests = Counter(site.requests)
        site.requests.clear()
        plain_stats, plain_conn = crawl(tmp_path, "plain", site, "-s", "DUPEFILTER_CLASS=scrapy.dupefilters.RFPDupeFilter")
        plain_requests = Counter(site.requests)

    assert remembering_requests == plain_requests
    # Every page once (robots.txt is read twice by design: by the robots middleware and for its sitemaps).
    assert {path: n for path, n in remembering_requests.items() if path != "/robots.txt"} == dict.fromkeys(
        ["/courses/", *(f"/courses/{slug(s)}" for s in SUBJECTS), *(f"/courses/{slug(s)}/modules" for s in SUBJECTS)], 1)
    assert stored_pages(conn) == stored_pages(plain_conn)
    assert len(stored_pages(conn)) == 1 + 2 * len(SUBJECTS)
    assert stored_candidates(conn) == stored_candidates(plain_conn)
    # The repeats were skipped before a Request was built, not dropped by the dupefilter.
    assert stats["links/already_seen"] > 3 * len(SUBJECTS)
    assert "links/already_seen" not in plain_stats
    assert stats.get("dupefilter/filtered", 0) < plain_stats["dupefilter/filtered"]
    assert stats["links/already_seen"] + stats.get("dupefilter/filtered", 0) == plain_stats["dupefilter/filtered"]


def test_a_url_is_seen_only_once_a_request_for_it_reached_the_dupefilter():
    dupefilter = SeenUrlDupeFilter.from_crawler(get_crawler(Spider))
    url = "https://example.ac.uk/courses/msc-improvement"
    # Yielded by the spider but dropped on the way (too deep, a link trap): never asked about.
    assert not dupefilter.has_seen_url(url)
    assert dupefilter.request_seen(Request(url)) is False
    assert dupefilter.has_seen_url(url)
    assert dupefilter.request_seen(Request(url)) is True
    assert not dupefilter.has_seen_url(url + "?page=2")


def test_requests_fingerprinted_by_more_than_their_url_are_not_remembered():
    dupefilter = SeenUrlDupeFilter.from_crawler(get_crawler(Spider))
    url = "https://example.ac.uk/search"
    dupefilter.request_seen(Request(url, method="POST", body=b"q=improvement"))
    dupefilter.request_seen(Request(url + "/raw", meta={"verbatim_url": True}))
    assert not dupefilter.has_seen_url(url)
    assert not dupefilter.has_seen_url(url + "/raw")


def test_only_the_remembering_dupefilter_is_asked():
    class Engine:
        def __init__(self, dupefilter):
            self.scheduler = type("Scheduler", (), {"df": dupefilter})()

    crawler = get_crawler(Spider)
    remembering = SeenUrlDupeFilter.from_crawler(crawler)
    crawler.engine = Engine(remembering)
    assert seen_url_filter(crawler) is remembering
    crawler.engine = Engine(object())  # a distributed crawl's Redis dupefilter knows no URLs
    assert seen_url_filter(crawler) is None
    crawler.engine = None
    assert seen_url_filter(crawler) is None
