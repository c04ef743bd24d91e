"""A nightly crawl of misbehaving sites (tests/support/fault_site.py) on real local HTTP servers.

The crawl must finish, count each fault under its own name, never ask a foreign host for
anything, and still bring home every working course page; the next night, with one site
gone, it must finish again and count that site's failure.
"""

import json
import re
import sqlite3

import pytest
import yaml

from tests.support.fault_site import fault_sites, registry_entry
from tests.support.scrapy_run import run_scrapy

# Faults a crawl must survive, each counted under its own name (as errors/<name> or faults/<name>).
FAULTS = [
    # server errors, after one retry
    ("errors_uni", "http_500"),
    ("errors_uni", "http_503"),
    ("busy_uni", "http_429"),
    # transport
    ("slow_uni", "timeout"),
    ("huge_uni", "too_large"),
    ("bomb_uni", "gzip_bomb"),
    # redirects: a loop back into the chain, and a redirect off the site
    ("loop_uni", "redirect_loop"),
    ("loop_uni", "offsite_redirect"),
    # bodies that lie about themselves
    ("charset_uni", "charset_mismatch"),
    ("charset_uni", "charset_undeclared"),
    ("binary_uni", "binary_as_html"),
    ("badmap_uni", "sitemap_invalid"),
    # the site's own rules and traps
    ("robots_uni", "robots_forbidden"),
    ("trap_uni", "link_trap"),
]

# The course pages that work on each site: all must be candidates despite the site's fault.
HEALTHY_COURSES = ["msc-improvement-science", "pgcert-implementation-science", "mres-health-services-research",
                   "pgdip-quality-improvement", "msc-patient-safety"]
WORKING_PAGES = {
    "healthy_uni": [f"/courses/{slug}" for slug in HEALTHY_COURSES],
    "errors_uni": ["/courses/msc-quality-errors"],
    "busy_uni": ["/courses/msc-quality-busy"],
    "slow_uni": ["/courses/msc-quality-slow"],
    "loop_uni": ["/courses/msc-quality-loop"],
    "trap_uni": ["/courses/msc-quality-trap"],
    "huge_uni": ["/courses/msc-quality-huge"],
    "bomb_uni": ["/courses/msc-quality-bomb"],
    "charset_uni": ["/courses/msc-quality-charset", "/courses/msc-latin", "/courses/pgcert-unlabelled"],
    "binary_uni": ["/courses/msc-quality-binary"],
    "badmap_uni": ["/courses/msc-quality-badmap"],
    "robots_uni": ["/study/msc-quality-allowed"],
    "vanishing_uni": ["/courses/msc-quality-vanishing"],
}
# Night 2 crawls the site that has gone and one that has not.
NIGHT_TWO = ("healthy_uni", "vanishing_uni")
# Short enough for the test, long enough for a loopback answer on a busy machine.
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0", "RETRY_TIMES": "1", "DOWNLOAD_TIMEOUT": "2",
    "DOWNLOAD_MAXSIZE": str(5 * 1024 * 1024), "DOWNLOAD_WARNSIZE": "0", "LOG_LEVEL": "INFO",
}


def crawlall(tmp, sites_file, *options):
    settings = [arg for name, value in {**CRAWL_SETTINGS, "SITES_FILE": sites_file,
                                        "HTTPCACHE_DIR": tmp / "httpcache"}.items() for arg in ("-s", f"{name}={value}")]
    return run_scrapy("crawlall", "--db", str(tmp / "courses.db"), *settings, *options, timeout=120)


def site_stats(db_path, run_id_rank: int) -> dict:
    """{site: stats} of the run_id_rank-th run (1 = first) in the database."""
    with sqlite3.connect(db_path) as conn:
        run_ids = [row[0] for row in conn.execute("SELECT id FROM runs ORDER BY id")]
        rows = conn.execute("SELECT site, stats FROM run_sites WHERE run_id = ?", [run_ids[run_id_rank - 1]])
        return {site: json.loads(stats or "{}") for site, stats in rows}


def counted(stats: dict, name: str) -> int:
    return stats.get(f"errors/{name}", 0) + stats.get(f"faults/{name}", 0)


def summary_line(stdout: str, site: str) -> str:
    lines = [line for line in stdout.splitlines() if re.match(rf"{site}\s", line)]
    return lines[0] if lines else ""


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Two nights over the fault sites: all of them, then with vanishing_uni gone."""
    tmp = tmp_path_factory.mktemp("faults")
    sites, foreign = fault_sites()
    for site in [*sites.values(), foreign]:
        site.start()
    try:
        sites_file = tmp / "sites.yaml"
        sites_file.write_text(yaml.safe_dump({"sites": [registry_entry(site) for site in sites.values()]}))
        first = crawlall(tmp, sites_file)
        sites["vanishing_uni"].stop()
        second = crawlall(tmp, sites_file, "--only", ",".join(NIGHT_TWO))
    finally:
        for site in [*sites.values(), foreign]:
            site.stop()
    with sqlite3.connect(tmp / "courses.db") as conn:
        found = {(site, url) for site, url in conn.execute("SELECT site, canonical_url FROM candidates")}
    return {"sites": sites, "foreign": foreign, "first": first, "second": second, "db": tmp / "courses.db",
            "candidates": found}


def test_the_first_night_finishes(nights):
    first = nights["first"]
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Traceback" not in first.stderr, first.stderr[-3000:]


@pytest.mark.parametrize(("site", "fault"), FAULTS)
def test_each_fault_is_counted_under_its_own_name(nights, site, fault):
    stats = site_stats(nights["db"], 1)[site]
    assert counted(stats, fault), f"{site}: no errors/{fault} or faults/{fault} in {sorted(stats)}"


@pytest.mark.parametrize(("site", "fault"), FAULTS)
def test_each_fault_is_named_in_the_printed_summary(nights, site, fault):
    line = summary_line(nights["first"].stdout, site)
    assert re.search(rf"\b{fault}\b", line), f"summary line for {site}: {line!r}"


@pytest.mark.parametrize("site", sorted(WORKING_PAGES))
def test_every_working_course_page_is_a_candidate(nights, site):
    origin = nights["sites"][site].origin
    found = {url for key, url in nights["candidates"] if key == site}
    assert {f"{origin}{path}" for path in WORKING_PAGES[site]} <= found


def test_the_crawl_never_leaves_the_allowed_domains(nights):
    assert nights["foreign"].requests == []


def test_robots_txt_forbidden_pages_are_never_asked_for(nights):
    asked = nights["sites"]["robots_uni"].requests
    assert "/robots.txt" in asked
    assert not [path for path in asked if path.startswith("/courses/")]


def test_a_link_trap_is_cut_short(nights):
    months = [path for path in nights["sites"]["trap_uni"].requests if path.startswith("/courses/open-days")]
    assert 10 <= len(months) <= 40


def test_a_redirect_loop_is_not_followed_for_ever(nights):
    asked = nights["sites"]["loop_uni"].requests
    assert asked.count("/courses/msc-loop-a") <= 2  # the request and at most one retry


def test_the_second_night_finishes_with_one_site_gone(nights):
    second = nights["second"]
    # The run finishes, and a site that stopped answering is an alert (exit status 3).
    assert second.returncode == 3, second.stderr[-3000:]
    assert "vanishing_uni: site_unreachable" in second.stdout
    stats = site_stats(nights["db"], 2)
    assert counted(stats["vanishing_uni"], "connection_refused"), sorted(stats["vanishing_uni"])
    assert "connection_refused" in summary_line(second.stdout, "vanishing_uni")
    # The site that is still there is still read in full.
    healthy = nights["sites"]["healthy_uni"]
    with sqlite3.connect(nights["db"]) as conn:
        seen = {url for (url,) in conn.execute(
            "SELECT canonical_url FROM candidates WHERE site = 'healthy_uni' AND last_run = (SELECT MAX(id) FROM runs)")}
    assert {f"{healthy.origin}/courses/{slug}" for slug in HEALTHY_COURSES} <= seen


# -- naming, without a crawl ------------------------------------------------------

def _failure_from(exc, cause):
    """exc raised from cause, as Scrapy's download handler wraps Twisted's errors."""
    from twisted.python.failure import Failure
    try:
        try:
            raise cause
        except Exception as inner:
            raise exc from inner
    except Exception:
        return Failure()


def _fault_name_cases():
    from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                                   DownloadFailedError, DownloadTimeoutError, IgnoreRequest)
    from scrapy.http import Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet import error
    from twisted.internet.defer import CancelledError
    from twisted.python.failure import Failure
    from twisted.web._newclient import ResponseNeverReceived

    from crawler.faults import Fault

    def status(code):
        return HttpError(Response("http://uni.example.ac.uk/courses/x", status=code), "Ignoring non-200 response")

    return [
        # error responses, from HttpErrorMiddleware
        (status(500), "http_500"),
        (status(503), "http_503"),
        (status(429), "http_429"),
        (status(404), "http_404"),
        # transport, as Scrapy 2.19 wraps it
        (DownloadTimeoutError("Getting x took longer than 2 seconds."), "timeout"),
        (error.TimeoutError(), "timeout"),
        (_failure_from(DownloadFailedError("x"), ResponseNeverReceived([Failure(CancelledError())])), "timeout"),
        (DownloadConnectionRefusedError("refused"), "connection_refused"),
        (CannotResolveHostError("no such host"), "dns_lookup_failed"),
        (error.DNSLookupError("no such host"), "dns_lookup_failed"),
        (_failure_from(DownloadFailedError("x"), ResponseNeverReceived([Failure(error.ConnectionLost())])),
         "connection_lost"),
        (DownloadCancelledError("Received 6000000 bytes which is larger than download max size (5242880) in "
                                "request <GET x>."), "too_large"),
        (DownloadCancelledError(""), "cancelled"),
        # IgnoreRequest, told apart by Scrapy's messages
        (IgnoreRequest("Forbidden by robots.txt"), "robots_forbidden"),
        (IgnoreRequest("max redirections reached"), "redirect_loop"),
        (IgnoreRequest("Ignoring response <200 x>: max size exceeded (DOWNLOAD_MAXSIZE (5242880 B)) during "
                       "decompression."), "gzip_bomb"),
        (IgnoreRequest("Filtered offsite request to 'elsewhere.org'"), "offsite"),
        (Fault("binary_as_html", "png"), "binary_as_html"),
        # anything else
        (IgnoreRequest("some other reason"), "other_IgnoreRequest"),
        (ValueError("surprise"), "other_ValueError"),
    ]


@pytest.mark.parametrize("case", range(len(_fault_name_cases())))
def test_fault_name(case):
    from crawler.faults import fault_name

    failure_or_exception, expected = _fault_name_cases()[case]
    assert fault_name(failure_or_exception) == expected


@pytest.mark.parametrize(("url", "shape"), [
    ("http://uni.ac.uk/events?month=2026-05", "uni.ac.uk/events?month"),
    ("http://uni.ac.uk/events/2026/05/", "uni.ac.uk/events/{n}/{n}/?"),
    ("http://uni.ac.uk/courses?page=12&sort=az", "uni.ac.uk/courses?page&sort"),
    ("http://uni.ac.uk/courses/msc-improvement-science", "uni.ac.uk/courses/msc-improvement-science?"),
])
def test_url_shape(url, shape):
    from crawler.faults import url_shape

    assert url_shape(url) == shape


@pytest.mark.parametrize(("content_type", "body", "expected"), [
    ("text/html; charset=utf-8", "Fees £9,000".encode(), None),
    ("text/html; charset=utf-8", "Fees £9,000".encode("cp1252"), "charset_mismatch"),
    ("text/html", "Fees £9,000".encode("cp1252"), "charset_undeclared"),
    ("text/html", b"Fees GBP 9,000", None),  # plain ASCII needs no charset
    ("text/html", '<meta charset="windows-1252">Fees £9,000'.encode("cp1252"), None),
    ("text/html; charset=iso-8859-1", "Fees £9,000".encode("cp1252"), None),
])
def test_charset_fault(content_type, body, expected):
    from crawler.faults import charset_fault

    assert charset_fault(content_type, body) == expected


@pytest.mark.parametrize(("body", "expected"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", True),
    (b"%PDF-1.7\n", True),
    (b"<!doctype html><p>Caf\xc3\xa9</p>", False),
    ("\ufeff<html>".encode("utf-16"), False),  # UTF-16 has NULs but starts with a BOM
])
def test_looks_binary(body, expected):
    from crawler.faults import looks_binary

    assert looks_binary(body) is expected
