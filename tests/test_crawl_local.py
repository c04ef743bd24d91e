"""A crawl of a small site on a real local HTTP server, recorded to WARC, then replayed offline."""

import json
import sqlite3

import pytest
import yaml

from tests.support.local_site import LocalSite, html
from crawler.paths import PROJECT_ROOT
from tests.support.scrapy_run import run_scrapy


def course_page(title: str, award: str, summary: str) -> tuple:
    return html(f"""
      <nav><a href="/courses/a-z">Courses A-Z</a> Improvement science, evidence-based practice</nav>
      <main><h1>{award} {title}</h1><p class="lead">{summary}</p>
      <table class="key-facts">
        <tr><th>Award</th><td>{award}</td></tr>
        <tr><th>Duration</th><td>1 year full-time, 2 years part-time</td></tr>
        <tr><th>Study mode</th><td>Part-time, blended</td></tr>
        <tr><th>Fees</th><td>UK: £9,000; International: £16,000</td></tr>
      </table>
      <h2>Entry requirements</h2><p>A 2:1 honours degree in a health or social care subject and current
      registration with the NMC or HCPC.</p>
      <h2>Modules</h2><ul><li>Foundations of Improvement Science</li><li>Measurement for Improvement</li></ul>
      </main>""", title=f"{award} {title} | Example University")


def build_site(origin: str) -> dict:
    return {
        "/robots.txt": (200, {"Content-Type": "text/plain"},
                        f"User-agent: *\nDisallow: /private/\nSitemap: {origin}/sitemap.xml\n".encode()),
        "/sitemap.xml": (200, {"Content-Type": "application/xml"}, f"""<?xml version="1.0"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>{origin}/courses/improvement-science-msc</loc></url>
              <url><loc>{origin}/private/courses/hidden-course</loc></url>
              <url><loc>{origin}/about/campus-map</loc></url>
            </urlset>""".encode()),
        "/courses/a-z": html(f"""<main><h1>Courses A-Z</h1><ul>
            <li><a href="/courses/mres-clinical-research">MRes Clinical Research</a></li>
            <li><a href="/courses/old-improvement-science">Improvement Science (old link)</a></li>
            <li><a href="https://elsewhere.example.org/courses/improvement-science">Partner course</a></li>
            <li><a href="/private/courses/hidden-course">Hidden</a></li></ul></main>""", title="Courses A-Z"),
        "/courses/improvement-science-msc": course_page(
            "Improvement Science", "MSc",
            "A part-time master's for NHS staff who lead quality improvement projects in health care."),
        "/courses/old-improvement-science": (301, {"Location": f"{origin}/courses/improvement-science-msc"}, b""),
        "/courses/mres-clinical-research": course_page(
            "Clinical Research", "MRes",
            "Prepares nurses, midwives and allied health professionals for a clinical academic career."),
        "/private/courses/hidden-course": course_page("Hidden", "MSc", "Robots.txt forbids this page."),
        "/search?q=Improvement+Science": html(
            '<main><h1>Search results</h1><a href="/courses/improvement-science-msc">MSc Improvement Science</a></main>',
            title="Search"),
    }


@pytest.fixture
def site_files(tmp_path):
    def write(origin):
        registry = {"sites": [{
            "key": "local_uni", "name": "Local University", "region": "south", "kind": "university",
            "home": f"{origin}/", "allowed_domains": ["127.0.0.1"],
            "listings": [f"{origin}/courses/a-z"], "search_url": f"{origin}/search?q={{term}}",
            "follow": ["/courses/"], "avoid": ["/news/"],
        }]}
        path = tmp_path / "sites.yaml"
        path.write_text(yaml.safe_dump(registry))
        return path
    return write


def crawl(sites_file, db_path, *options):
    return run_scrapy("crawl", "local_uni", "-s", f"SITES_FILE={sites_file}", "-s", f"DATABASE={db_path}",
                      "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=INFO", *options)


def candidates(db_path):
    with sqlite3.connect(db_path) as conn:
        return {row[0]: json.loads(row[1]) for row in conn.execute("SELECT canonical_url, urls FROM candidates")}


def scope_of(db_path):
    with sqlite3.connect(db_path) as conn:
        return sorted(conn.execute("SELECT canonical_url, title, scope_category, match_decision FROM candidates"))


def test_live_crawl_records_and_replay_gives_the_same_catalogue(tmp_path, site_files):
    with LocalSite({}) as site:
        site.pages.update(build_site(site.origin))
        sites_file = site_files(site.origin)
        archive = tmp_path / "night.warc.gz"
        live = crawl(sites_file, tmp_path / "live.db", "-s", f"ARCHIVE_WRITE={archive}")
        asked = list(site.requests)
    assert live.returncode == 0, live.stderr[-3000:]

    found = candidates(tmp_path / "live.db")
    origin = site.origin
    assert set(found) == {f"{origin}/courses/improvement-science-msc", f"{origin}/courses/mres-clinical-research"}
    # One course reached by two URLs is one candidate that knows both.
    assert f"{origin}/courses/old-improvement-science" in found[f"{origin}/courses/improvement-science-msc"]
    # robots.txt is obeyed, and the crawl stays on the site.
    assert not any(path.startswith("/private/") for path in asked)
    assert "/robots.txt" in asked

    # The server is gone: a replay reads only the archive. It analyses pages in a worker
    # process (ANALYSIS_PROCESSES), which must store exactly what the inline crawl stored.
    replay = crawl(sites_file, tmp_path / "replay.db", "-s", f"REPLAY={archive}", "-s", "ANALYSIS_PROCESSES=1")
    assert replay.returncode == 0, replay.stderr[-3000:]
    assert candidates(tmp_path / "replay.db") == found
    assert scope_of(tmp_path / "replay.db") == scope_of(tmp_path / "live.db")
    assert "archive/replayed" in replay.stderr
    assert "Connection refused" not in replay.stderr


def test_scrapy_list_names_one_spider_per_registry_entry():
    from crawler.registry import load_registry

    listed = run_scrapy("list")
    assert listed.returncode == 0, listed.stderr
    assert sorted(listed.stdout.split()) == sorted(load_registry().keys())


def test_a_registry_typo_stops_before_any_request(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump({"sites": [{
        "key": "bad", "name": "Bad", "region": "south", "kind": "university", "home": "https://bad.ac.uk/",
        "allowed_domain": ["bad.ac.uk"], "listings": ["https://bad.ac.uk/a-z"]}]}))
    result = run_scrapy("crawlall", "-s", f"SITES_FILE={path}", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert f"{path}: site 'bad': unknown field(s) allowed_domain" in result.stderr
    assert "Spider opened" not in result.stderr


def test_a_bad_scope_rules_file_stops_before_any_request(tmp_path):
    path = tmp_path / "scope_terms.yaml"
    text = (PROJECT_ROOT / "data" / "scope_terms.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("role: focus", "role: focuss", 1), encoding="utf-8")
    result = run_scrapy("crawlall", "-s", f"SCOPE_TERMS_FILE={path}", "--db", str(tmp_path / "x.db"),
                        "--only", "ihi")
    assert result.returncode == 2
    assert f"configuration error: {path}: " in result.stderr
    assert "focuss" in result.stderr
    assert "Spider opened" not in result.stderr
