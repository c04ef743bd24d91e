"""A page whose sitemap <lastmod> is older than its last fetch is not requested again for a while.

The rules (crawler/fetch/revisits.py) are tested as tables; the crawl is tested end to end
against a real local site whose robots.txt and registry entry both name its sitemap.
"""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from crawler.fetch.revisits import RevisitPolicy, parse_lastmod
from crawler.storage import open_db
from crawler.summary import format_summary, run_summary
from tests.support.local_site import LocalSite, html
from tests.support.scrapy_run import project_settings
from tests.support.site_crawl import crawl_local_site, stored_rows

UTC = timezone.utc
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    # A date alone may mean any moment of that day: its end is the latest it can mean.
    ("2026-10-01", datetime(2026, 10, 2, tzinfo=UTC)),
    (" 2026-10-01\n", datetime(2026, 10, 2, tzinfo=UTC)),
    ("2026-10-01T09:30:00+00:00", datetime(2026, 10, 1, 9, 30, tzinfo=UTC)),
    ("2026-10-01T09:30:00Z", datetime(2026, 10, 1, 9, 30, tzinfo=UTC)),
    ("2026-10-01T10:30+01:00", datetime(2026, 10, 1, 9, 30, tzinfo=UTC)),
    ("2026-10-01T09:30:00.123Z", datetime(2026, 10, 1, 9, 30, 0, 123000, tzinfo=UTC)),
    # W3C says a time needs a zone; without one, UTC.
    ("2026-10-01T09:30:00", datetime(2026, 10, 1, 9, 30, tzinfo=UTC)),
    # Not a moment we can compare with: the page is requested.
    ("2026-10", None),
    ("2026", None),
    ("yesterday", None),
    ("2026-13-01", None),
    ("", None),
    (None, None),
])
def test_lastmod_is_read_as_the_latest_moment_it_can_mean(text, expected):
    assert parse_lastmod(text) == expected


POLICY = RevisitPolicy(max_days=7)
URL = "https://www.example.ac.uk/courses/msc-improvement-science"


@pytest.mark.parametrize("lastmod, fetched_at, skipped", [
    # Changed long before our fetch, fetched a day ago: not requested.
    ("2026-10-01", "2026-12-01T03:00:00+00:00", True),
    ("2026-12-01T02:59:59Z", "2026-12-01T03:00:00+00:00", True),
    # Changed the day we fetched it (a date alone), or after the fetch: requested.
    ("2026-12-01", "2026-12-01T03:00:00+00:00", False),
    ("2026-12-01T03:00:01Z", "2026-12-01T03:00:00+00:00", False),
    ("2026-12-02", "2026-12-01T03:00:00+00:00", False),
    # Fetched too long ago: requested whatever the sitemap says (every URL's interval is at most 7 days).
    ("2026-10-01", "2026-11-25T02:59:59+00:00", False),
    # Within half the interval, every URL is skipped.
    ("2026-10-01", "2026-11-28T03:00:01+00:00", True),
    # Nothing to compare with, or a fetch "in the future" (a clock put back): requested.
    ("", "2026-12-01T03:00:00+00:00", False),
    ("2026-10", "2026-12-01T03:00:00+00:00", False),
    ("2026-10-01", "", False),
    ("2026-10-01", "not a time", False),
    ("2026-10-01", "2026-12-03T00:00:00+00:00", False),
])
def test_a_page_is_skipped_only_when_fetched_after_its_lastmod_and_recently(lastmod, fetched_at, skipped):
    assert POLICY.may_skip(URL, lastmod, fetched_at, NOW) is skipped


def test_each_url_is_requested_again_between_half_and_all_of_the_max_days_spread_over_nights():
    urls = [f"https://www.example.ac.uk/courses/{n}" for n in range(2000)]
    intervals = [POLICY.interval(url) for url in urls]
    assert all(timedelta(days=3.5) <= interval <= timedelta(days=7) for interval in intervals)
    # Pages fetched on one first night fall due on each of the nights from the 4th to the 7th.
    due_nights = {int(interval / timedelta(days=1)) for interval in intervals}
    assert due_nights == {3, 4, 5, 6}
    assert POLICY.interval(urls[0]) == RevisitPolicy(max_days=7).interval(urls[0])  # the same in every process


@pytest.mark.parametrize("overrides, on", [
    ({}, True),
    ({"SITEMAP_LASTMOD_MAX_DAYS": 0}, False),
    # The archive is the whole truth in a replay, and a recorded night's archive must hold every page.
    ({"REPLAY": "data/snapshot/snapshot.warc.gz"}, False),
    ({"ARCHIVE_WRITE": "night.warc.gz"}, False),
    # Re-extraction reads every page again; REUSE_STORED_LINKS=0 parses every page as a check.
    ({"REEXTRACT": True}, False),
    ({"REUSE_STORED_LINKS": False}, False),
])
def test_the_policy_is_off_where_every_page_must_be_fetched(overrides, on):
    assert (RevisitPolicy.from_settings(project_settings(**overrides)) is not None) is on


# -- the crawl, end to end ------------------------------------------------------------------

SUBJECTS = ["Improvement Science", "Patient Safety", "Clinical Research", "Healthcare Leadership"]


def slug(subject: str) -> str:
    return subject.lower().replace(" ", "-")


def course(subject: str, fees: str = "UK £9,000") -> tuple:
    return html(f"""<nav><a href="/courses/">Courses</a></nav><main><h1>MSc {subject}</h1>
      <p>A part-time master's for NHS clinicians who lead quality improvement in health care.</p>
      <table class="key-facts"><tr><th>Award</th><td>MSc</td></tr>
        <tr><th>Duration</th><td>1 year full-time, 2 years part-time</td></tr>
        <tr><th>Fees</th><td>{fees}</td></tr></table>
      <p>Modules: <a href="/courses/{slug(subject)}/modules">module list</a></p></main>""",
                title=f"MSc {subject} | Sitemap University")


def sitemap(lastmods: dict[str, str]) -> tuple:
    entries = "".join(f"<url><loc>{{origin}}/courses/{slug(s)}</loc><lastmod>{lastmods[s]}</lastmod></url>"
                      for s in SUBJECTS)
    return 200, {"Content-Type": "application/xml"}, (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>').encode()


class SitemapSite(LocalSite):
    """A site whose sitemap gives each course page a <lastmod>; robots.txt names the sitemap too."""

    def __init__(self):
        self.lastmods = {s: "2020-01-01" for s in SUBJECTS}
        # The A-Z links every course too: read before tonight's sitemap, it would have them all requested.
        a_to_z = "".join(f'<li><a href="/courses/{slug(s)}">MSc {s}</a></li>' for s in SUBJECTS)
        pages = {"/courses/": html(f"<main><h1>Courses A-Z</h1><ul>{a_to_z}</ul></main>", title="Courses")}
        for subject in SUBJECTS:
            pages[f"/courses/{slug(subject)}"] = course(subject)
            # Reached only through a course page's link: followed from the stored links.
            pages[f"/courses/{slug(subject)}/modules"] = html("<main><h1>Modules</h1></main>", title="Modules")
        # A sitemap slower than the A-Z, as a big generated one is.
        super().__init__(pages, validators=True, delays={"/sitemap.xml": 0.5})

    def __enter__(self):
        super().__enter__()
        self.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"},
                                     f"User-agent: *\nAllow: /\nSitemap: {self.origin}/sitemap.xml\n".encode())
        self.publish_sitemap()
        return self

    def publish_sitemap(self):
        status, headers, body = sitemap(self.lastmods)
        self.pages["/sitemap.xml"] = (status, headers, body.replace(b"{origin}", self.origin.encode()))


def crawl(tmp_path, site, name="night", *extra):
    return crawl_local_site(tmp_path, name, site, "sitemap_uni", "-s", f"HTTPCACHE_DIR={tmp_path / name / 'httpcache'}",
                            *extra, sitemaps=("/sitemap.xml",))


def course_paths():
    return {f"/courses/{slug(s)}" for s in SUBJECTS}


def fetch_times(db_path) -> dict[str, str]:
    with sqlite3.connect(db_path) as conn:
        return dict(conn.execute("SELECT url, fetched_at FROM pages"))


def test_an_unchanged_night_requests_no_page_the_sitemap_says_is_unchanged(tmp_path):
    with SitemapSite() as site:
        _, db_path = crawl(tmp_path, site)
        first_fetches = fetch_times(db_path)
        site.requests.clear()
        stats, _ = crawl(tmp_path, site)
        asked = set(site.requests)

    assert not asked & course_paths()
    assert stats["pages/unchanged_per_sitemap"] == len(SUBJECTS)
    # Their stored links are still followed: the module pages are revalidated as before.
    assert {f"/courses/{slug(s)}/modules" for s in SUBJECTS} <= asked
    # Seen tonight, as a 304 would have them: the courses count for the summary and the alerts.
    assert stats["courses/found"] == len(SUBJECTS)
    with sqlite3.connect(db_path) as conn:
        run_id = conn.execute("SELECT max(id) FROM runs").fetchone()[0]
        assert {r[0] for r in conn.execute("SELECT last_run FROM candidates")} == {run_id}
        assert {r[0] for r in conn.execute("SELECT run_id FROM pages")} == {run_id}
    # fetched_at stays the last fetch's time, which says when the page must be requested again.
    second_fetches = fetch_times(db_path)
    for path in course_paths():
        url = site.origin + path
        assert second_fetches[url] == first_fetches[url]
    assert second_fetches[site.origin + "/courses/"] > first_fetches[site.origin + "/courses/"]
    # The morning summary says so, and its harvest rate counts them as pages visited.
    db = open_db(db_path)
    summary = run_summary(db, run_id)
    figures = summary["sites"]["sitemap_uni"]
    assert figures["pages_unrequested"] == len(SUBJECTS)
    assert figures["harvest_rate"] == round(figures["candidates_in_scope"] / (figures["pages_fetched"] + len(SUBJECTS)), 4)
    assert f"unchanged since fetched by their sites' sitemaps: {len(SUBJECTS)} pages" in format_summary(summary)


def test_skipping_stores_what_revalidating_every_page_stores(tmp_path):
    with SitemapSite() as site:
        for name, extra in (("skipping", ()), ("revalidating", ("-s", "SITEMAP_LASTMOD_MAX_DAYS=0"))):
            crawl(tmp_path, site, name, *extra)
            site.requests.clear()
            stats, _ = crawl(tmp_path, site, name, *extra)
            if name == "revalidating":
                assert course_paths() <= set(site.requests) and "pages/unchanged_per_sitemap" not in stats
    skipping, revalidating = (stored_rows(tmp_path / name / "courses.db") for name in ("skipping", "revalidating"))
    # Only the night's own figures differ: fewer pages fetched, fewer bytes.
    skipping.pop("run_sites"), revalidating.pop("run_sites")
    assert skipping == revalidating


def test_a_page_whose_lastmod_moves_is_fetched_and_its_change_stored(tmp_path):
    with SitemapSite() as site:
        crawl(tmp_path, site)
        changed = SUBJECTS[1]
        site.pages[f"/courses/{slug(changed)}"] = course(changed, fees="UK £12,345")
        site.lastmods[changed] = (datetime.now(UTC) + timedelta(seconds=1)).isoformat(timespec="seconds")
        site.publish_sitemap()
        site.requests.clear()
        stats, db_path = crawl(tmp_path, site)
        asked = set(site.requests)

    assert asked & course_paths() == {f"/courses/{slug(changed)}"}
    assert stats["pages/unchanged_per_sitemap"] == len(SUBJECTS) - 1
    with sqlite3.connect(db_path) as conn:
        fees = conn.execute("SELECT fees FROM candidates WHERE canonical_url LIKE ?", [f"%/{slug(changed)}"]).fetchone()[0]
    assert "12,345" in fees


def test_a_page_fetched_too_long_ago_is_requested_whatever_its_sitemap_says(tmp_path):
    with SitemapSite() as site:
        _, db_path = crawl(tmp_path, site)
        stale = f"/courses/{slug(SUBJECTS[2])}"
        # Changed without its lastmod moving (a fees block rendered from elsewhere).
        site.pages[stale] = course(SUBJECTS[2], fees="UK £11,111")
        with sqlite3.connect(db_path) as conn:
            conn.execute("UPDATE pages SET fetched_at = '2020-01-02T00:00:00+00:00' WHERE url LIKE ?", [f"%{stale}"])
        site.requests.clear()
        crawl(tmp_path, site)
        asked = set(site.requests)

    assert asked & course_paths() == {stale}
    with sqlite3.connect(db_path) as conn:
        fees = conn.execute("SELECT fees FROM candidates WHERE canonical_url LIKE ?", [f"%{stale}"]).fetchone()[0]
    assert "11,111" in fees


def test_a_recorded_night_requests_every_page(tmp_path):
    with SitemapSite() as site:
        crawl(tmp_path, site)
        site.requests.clear()
        stats, _ = crawl(tmp_path, site, "night", "-s", f"ARCHIVE_WRITE={tmp_path / 'night.warc.gz'}")
        asked = set(site.requests)
    assert course_paths() <= asked
    assert "pages/unchanged_per_sitemap" not in stats


def test_a_sitemap_request_dropped_unanswered_does_not_hold_the_crawl_up(tmp_path):
    # URLLENGTH_LIMIT drops the registry's long sitemap URL without an answer or a signal:
    # the listings are read once nothing else is in hand. Waiting for its answer, the crawl
    # would never end (the subprocess's timeout fails the test).
    long_sitemap = "/sitemap.xml?" + "page=1&" * 30
    with SitemapSite() as site:
        stats, _ = crawl_local_site(tmp_path, "night", site, "sitemap_uni", "-s", "URLLENGTH_LIMIT=150",
                                    sitemaps=(long_sitemap,), timeout=120)
        asked = set(site.requests)
    assert "/courses/" in asked and course_paths() <= asked
    assert stats["courses/found"] == len(SUBJECTS)
