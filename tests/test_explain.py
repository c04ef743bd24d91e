"""`scrapy explain` as an analyst runs it: a saved file, a URL (from the snapshot), a whole archive."""

import json

from tests.support.scrapy_run import run_scrapy

REQUIRED_KEYS = {"url", "title", "provider", "is_course", "awards", "fheq_level", "credits", "modes", "duration",
                 "duration_months", "fees", "entry_requirements", "requires_registration", "regulators", "topics",
                 "start_dates", "search_terms", "scope", "match"}
SNAPSHOT = "data/snapshot/snapshot.warc.gz"
LSBU_COURSE = ("https://www.lsbu.ac.uk/study/course-finder/"
               "leadership-and-service-improvement-in-health-care-msc-pgdip-pgcert")


def lines(result):
    assert result.returncode == 0, result.stderr[-2000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_explain_a_url_from_the_snapshot():
    [page] = lines(run_scrapy("explain", LSBU_COURSE, "-s", f"REPLAY={SNAPSHOT}"))
    assert REQUIRED_KEYS <= set(page)
    assert page["provider"] == "London South Bank University"
    assert page["is_course"] is True
    assert set(page["awards"]) >= {"MSc", "PgDip", "PgCert"}
    assert page["scope"]["category"] in ("core", "related") and page["scope"]["reasons"]
    assert set(page["duration_months"]) == {"full-time", "part-time"}


def test_explain_a_saved_file_names_the_provider_by_its_url(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>MSc Improvement Science | UWL</title></head><body><main>"
                    "<h1>MSc Improvement Science</h1><p>For NHS staff leading quality improvement.</p>"
                    "<h2>Course details</h2><dl><dt>Duration</dt><dd>1 year full-time, 2 years part-time</dd>"
                    "<dt>Fees</dt><dd>UK: £9,250</dd><dt>Entry requirements</dt><dd>A 2:2 degree</dd></dl>"
                    "<h2>How to apply</h2><p>Apply online.</p></main></body></html>")
    [page] = lines(run_scrapy("explain", str(path), "--url", "https://www.uwl.ac.uk/course/postgraduate/x"))
    assert page["provider"] == "University of West London"
    assert page["match"] and page["match"]["catalogue_id"] == "t3-02"


def test_explain_never_crashes_on_a_page(tmp_path):
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    pages = lines(run_scrapy("explain", str(binary), str(empty), "--url", "https://example.org/x"))
    assert len(pages) == 2
    assert all(page["is_course"] is False for page in pages)
    assert all(page["provider"] is None for page in pages)


def test_explain_every_page_of_an_archive():
    pages = lines(run_scrapy("explain", "--warc", SNAPSHOT))
    assert len(pages) > 50
    assert all(REQUIRED_KEYS <= set(page) for page in pages)
    assert sum(page["is_course"] for page in pages) >= 40


def test_explain_a_url_missing_from_the_archive_gives_a_line_with_the_reason():
    [page] = lines(run_scrapy("explain", "https://www.lsbu.ac.uk/no-such-page", "-s", f"REPLAY={SNAPSHOT}"))
    assert page == {"url": "https://www.lsbu.ac.uk/no-such-page", "error": "HTTP 404"}
