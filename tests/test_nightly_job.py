"""The nightly job as an operator installs and reads it: the cron line and the systemd unit in a
fresh checkout, quiet output, a failed run that says why, the summary's counts, no listening
sockets, and a site's Retry-After honoured. Every crawl here is of a real local site."""

import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
import yaml

from crawler.operations.retry_after import retry_after_seconds
from crawler.paths import PROJECT_ROOT
from crawler.summary import MAX_LISTED, format_changes
from tests.support.local_site import LocalSite, html
from tests.support.terminal import TerminalCapture

INSTALL_DIR = "/srv/course-crawler"  # where deploy/ expects the checkout


def course_page(subject: str) -> tuple:
    return html(f"""<main><h1>MSc {subject}</h1>
      <p>A part-time master's for NHS clinicians who lead quality improvement in health care.</p>
      <table class="key-facts"><tr><th>Award</th><td>MSc</td></tr>
      <tr><th>Duration</th><td>1 year full-time, 2 years part-time</td></tr>
      <tr><th>Fees</th><td>UK £9,000</td></tr></table>
      <h2>Entry requirements</h2><p>A 2:2 degree and registration with the NMC.</p></main>""",
                title=f"MSc {subject} | Night University")


def site_pages(subjects: list[str]) -> dict:
    links = "".join(f'<li><a href="/courses/{i}">MSc {s}</a></li>' for i, s in enumerate(subjects))
    pages = {"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
             "/courses/": html(f"<main><h1>Postgraduate courses A-Z</h1><ul>{links}</ul></main>", title="Courses")}
    pages.update({f"/courses/{i}": course_page(s) for i, s in enumerate(subjects)})
    return pages


SUBJECTS = ["Improvement Science", "Implementation Science", "Patient Safety and Quality Improvement"]


def registry(origin: str) -> str:
    return yaml.safe_dump({"sites": [{
        "key": "night_uni", "name": "Night University", "region": "south", "kind": "university",
        "home": f"{origin}/courses/", "allowed_domains": ["127.0.0.1"],
        "listings": [f"{origin}/courses/"], "follow": ["/courses/"]}]})


def crawlall(tmp_path, origin: str, *extra, **run) -> subprocess.CompletedProcess:
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text(registry(origin))
    command = [sys.executable, "-m", "scrapy", "crawlall", "--db", str(tmp_path / "courses.db"),
               "-s", f"SITES_FILE={sites_file}", "-s", "HTTPCACHE_ENABLED=0",
               "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", *extra]
    if run.pop("background", False):
        return subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run = {"capture_output": True, "text": True, **run}
    return subprocess.run(command, cwd=PROJECT_ROOT, timeout=300, **run)


# -- the cron line and the systemd unit, exactly as shipped, in a fresh checkout ---------------

@pytest.fixture
def fresh_checkout(tmp_path):
    """The repository's files as a fresh clone has them (no logs/, no database), with the
    registry pointed at a local site; its .venv is this one (scrapy puts the checkout first on sys.path)."""
    dest = tmp_path / "checkout"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=PROJECT_ROOT, capture_output=True)
    if listed.returncode == 0:
        for name in filter(None, (n.decode() for n in listed.stdout.split(b"\0"))):
            source = PROJECT_ROOT / name
            if source.is_file():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest / name)
    else:  # not a git checkout (an unpacked release): the tree minus what a run makes
        shutil.copytree(PROJECT_ROOT, dest, symlinks=True, ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", ".pytest_cache", ".scrapy", "logs", "exports", "archive",
            "courses.db*", "test-artifacts", "*.egg-info"))
    (dest / ".venv").symlink_to(Path(sys.prefix))
    assert not (dest / "logs").exists() and not (dest / "data" / "courses.db").exists()
    return dest


def deployed(command: str, checkout: Path) -> str:
    return command.replace(INSTALL_DIR, str(checkout))


def test_the_cron_line_as_installed_runs_the_night_and_logs_it(fresh_checkout):
    cron_lines = [line for line in (PROJECT_ROOT / "deploy" / "crontab").read_text().splitlines()
                  if line.strip() and not line.startswith("#") and not re.match(r"^\w+=", line)]
    assert len(cron_lines) == 1
    # cron gives the command after the five time fields to /bin/sh, with \% meaning a literal %.
    command = cron_lines[0].split(None, 5)[5].replace("\\%", "%")
    with LocalSite(site_pages(SUBJECTS)) as site:
        (fresh_checkout / "data" / "sites.yaml").write_text(registry(site.origin))
        result = subprocess.run(["/bin/sh", "-c", deployed(command, fresh_checkout)], cwd="/",
                                capture_output=True, text=True, timeout=300)
    # cron mails whatever the line prints: a good night prints nothing.
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    log = (fresh_checkout / "logs" / f"crawl-{date.today().isoformat()}.log").read_text()
    assert "Run 1 (live)" in log and "Alerts: none" in log
    # Under cron nothing is a warning on a good night: no "Disabled ..." lines, no INFO dump.
    assert "WARNING" not in log and "INFO" not in log and "Disabled" not in log, log[:2000]
    assert (fresh_checkout / "data" / "courses.db").is_file()


def test_the_systemd_unit_as_installed_runs_the_night(fresh_checkout):
    unit = (PROJECT_ROOT / "deploy" / "course-crawler.service").read_text()
    exec_start = re.search(r"^ExecStart=(.+)$", unit, re.M).group(1)
    workdir = re.search(r"^WorkingDirectory=(.+)$", unit, re.M).group(1)
    with LocalSite(site_pages(SUBJECTS)) as site:
        (fresh_checkout / "data" / "sites.yaml").write_text(registry(site.origin))
        # systemd runs ExecStart without a shell, in WorkingDirectory.
        result = subprocess.run(shlex.split(deployed(exec_start, fresh_checkout)),
                                cwd=deployed(workdir, fresh_checkout), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Run 1 (live)" in result.stdout
    assert (fresh_checkout / "data" / "archive" / f"{date.today().isoformat()}.warc.gz").is_file()


# -- what the run prints ------------------------------------------------------------------------

def test_on_a_terminal_only_progress_warnings_and_the_summary_are_printed(tmp_path):
    with TerminalCapture() as terminal, LocalSite(site_pages(SUBJECTS)) as site:
        result = crawlall(tmp_path, site.origin, stdout=terminal.fd, stderr=terminal.fd, capture_output=False, text=False)
    shown = terminal.text
    assert result.returncode == 0
    assert re.search(r"night_uni: \d+ pages, \d+ course pages, \d+ in scope, \d+ errors \(done: finished\)", shown)
    assert "Run 1 (live)" in shown
    # Not Scrapy's settings and stats dump, nor "Disabled ..." for components not wanted.
    assert "INFO" not in shown and "Dumping Scrapy stats" not in shown and "Disabled" not in shown, shown[:3000]


def test_full_logs_come_back_with_log_level_info(tmp_path):
    with LocalSite(site_pages(SUBJECTS)) as site:
        result = crawlall(tmp_path, site.origin, "-L", "INFO")
    assert result.returncode == 0
    assert "Dumping Scrapy stats" in result.stderr


def test_a_run_that_fetched_nothing_says_why_and_names_each_failed_request_once(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on: the network is "down"
        probe.bind(("127.0.0.1", 0))
        origin = "http://127.0.0.1:%d" % probe.getsockname()[1]
    result = crawlall(tmp_path, origin, "-s", "RETRY_TIMES=1")
    assert result.returncode == 1
    assert re.search(r"Run failed \(exit status 1\): none of the 1 sites fetched a single page; "
                     r"errors: connection_refused \d+", result.stdout), result.stdout
    failed_urls = re.findall(r"(http://127\.0\.0\.1:\d+/\S*)", result.stderr)
    assert failed_urls and len(failed_urls) == len(set(failed_urls)), result.stderr


def test_the_summary_counts_courses_in_every_column_and_says_how_many_it_did_not_list(tmp_path):
    subjects = [f"Improvement Science {n}" for n in range(MAX_LISTED + 4)]
    with LocalSite(site_pages(subjects)) as site:
        result = crawlall(tmp_path, site.origin)
    assert result.returncode == 0, result.stderr[-2000:]
    header = next(line for line in result.stdout.splitlines() if line.startswith("site "))
    assert "in-scope courses" in header
    row = next(line for line in result.stdout.splitlines() if line.startswith("night_uni "))
    total = next(line for line in result.stdout.splitlines() if line.startswith("total "))
    new = int(re.search(r"New candidates in scope: (\d+)", result.stdout).group(1))
    pages, course_pages, in_scope, new_in_scope, errors = map(int, row.split()[1:6])
    with sqlite3.connect(tmp_path / "courses.db") as conn:
        stored = conn.execute("SELECT count(*) FROM candidates WHERE scope_category IN ('core', 'related')")
        stored = stored.fetchone()[0]
    assert in_scope == new_in_scope == new == int(total.split()[3]) == stored
    assert new > MAX_LISTED
    assert f"... and {new - MAX_LISTED} more" in result.stdout


def test_each_list_of_changes_says_how_many_more_the_database_holds():
    gone = [{"provider": "P", "title": f"Course {n}", "runs_missed": 3} for n in range(MAX_LISTED + 1)]
    lines = format_changes({"new": [], "changed": [], "possibly_discontinued": gone})
    assert lines[-1] == "  ... and 1 more (all in the database)"
    assert len([l for l in lines if l.startswith("  P: ")]) == MAX_LISTED


# -- sockets and politeness --------------------------------------------------------------------

def listening_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if os.path.exists(table):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # TCP_LISTEN
                    inodes.add(fields[9])
    return inodes


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads listening sockets from /proc")
def test_a_crawl_opens_no_listening_socket(tmp_path):
    entered, release = threading.Event(), threading.Event()

    class HeldPages(dict):
        """Holds the listing page's answer until the test has looked at the crawl's sockets."""

        def get(self, path, default=None):
            if path == "/courses/":
                entered.set()
                release.wait(60)
            return super().get(path, default)

    with LocalSite(HeldPages(site_pages(SUBJECTS))) as site:
        crawl = crawlall(tmp_path, site.origin, background=True)
        try:
            assert entered.wait(120), "the crawl never asked for the listing page"
            listening = socket_inodes(crawl.pid) & listening_inodes()
        finally:
            release.set()
            crawl.communicate(timeout=300)
    assert crawl.returncode == 0
    assert listening == set()


@pytest.mark.parametrize("value, seconds", [
    ("20", 20.0),
    (" 0 ", 0.0),
    ("Wed, 02 Dec 2026 10:00:30 GMT", 30.0),   # an HTTP date 30 s after "now"
    ("Wed, 02 Dec 2026 09:59:00 GMT", 0.0),    # already past: no wait
    ("soon", None),
    ("-5", None),
    ("", None),
    (None, None),
])
def test_retry_after_values(value, seconds):
    now = datetime(2026, 12, 2, 10, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(value, now=now) == seconds


def test_a_429_or_503_with_retry_after_pauses_the_site_as_long_as_asked_up_to_the_cap(tmp_path):
    asked: dict[str, list[float]] = {}
    later = format_datetime(datetime.now(timezone.utc) + timedelta(hours=1), usegmt=True)
    busy = {"/courses/0": (429, "2"), "/courses/1": (503, later)}

    class BusyPages(dict):
        """The first request for each busy page is answered "come back later"."""

        def get(self, path, default=None):
            asked.setdefault(path, []).append(time.monotonic())
            if path in busy and len(asked[path]) == 1:
                status, retry_after = busy[path]
                return status, {"Content-Type": "text/html", "Retry-After": retry_after}, b"busy"
            return super().get(path, default)

    with LocalSite(BusyPages(site_pages(SUBJECTS))) as site:
        result = crawlall(tmp_path, site.origin, "-s", "RETRY_AFTER_MAX=3")
    assert result.returncode == 0, result.stderr[-2000:]
    # Asked again only once the wait was over: 2 s as asked, and 3 s (the cap) instead of an hour.
    assert len(asked["/courses/0"]) == 2 and asked["/courses/0"][1] - asked["/courses/0"][0] >= 1.9
    assert len(asked["/courses/1"]) == 2 and asked["/courses/1"][1] - asked["/courses/1"][0] >= 2.9
    with sqlite3.connect(tmp_path / "courses.db") as conn:
        stats = json.loads(conn.execute("SELECT stats FROM run_sites").fetchone()[0])
        candidates = conn.execute("SELECT count(*) FROM candidates").fetchone()[0]
    assert stats["politeness/retry_after"] == 2 and stats["politeness/retry_after_capped"] == 1
    assert candidates == len(SUBJECTS)
