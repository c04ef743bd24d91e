"""Nightly operations against a real local site: incremental nights, change tracking, alerts, kill -9."""

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import yaml

from crawler.paths import PROJECT_ROOT
from tests.support.local_site import LocalSite, html
from tests.support.terminal import TerminalCapture

SUBJECTS = ["Improvement Science", "Implementation Science", "Patient Safety and Quality",
            "Clinical Research", "Evidence-Based Healthcare", "Healthcare Leadership and Improvement"]


# Real course pages weigh 10-30 KB; the 304 saving is measured against pages of that size.
ABOUT_US = "<p>Our school has taught health professionals for many years in partnership with local trusts.</p>" * 120


def course(subject: str, fees: str = "UK £9,000; international £17,500", with_facts: bool = True) -> tuple:
    facts = f"""
      <table class="key-facts">
        <tr><th>Award</th><td>MSc</td></tr>
        <tr><th>Duration</th><td>1 year full-time, 2 years part-time</td></tr>
        <tr><th>Fees</th><td>{fees}</td></tr>
      </table>
      <h2>Entry requirements</h2><p>A 2:2 degree and registration with the NMC or HCPC.</p>""" if with_facts else ""
    return html(f"""<main><h1>MSc {subject}</h1>
      <p class="lead">A part-time master's for NHS clinicians who lead quality improvement in health care.</p>
      {facts}<h2>Modules</h2><ul><li>Foundations of improvement science</li></ul>
      <section class="about">{ABOUT_US}</section></main>""",
                title=f"MSc {subject} | Night University")


def slug(subject: str) -> str:
    return subject.lower().replace(" ", "-")


def build_site(origin: str, **course_kwargs) -> dict:
    links = "".join(f'<li><a href="/courses/{slug(s)}">MSc {s}</a></li>' for s in SUBJECTS)
    pages = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
        "/courses/": html(f"<main><h1>Postgraduate courses A-Z</h1><ul>{links}</ul></main>", title="Courses"),
    }
    for subject in SUBJECTS:
        pages[f"/courses/{slug(subject)}"] = course(subject, **course_kwargs)
    return pages


@pytest.fixture
def night(tmp_path):
    """Runs `scrapy crawlall` for the local site into one database, night after night."""
    db_path = tmp_path / "courses.db"
    cache_dir = tmp_path / "httpcache"

    def run(site: LocalSite, *extra, background=False):
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(yaml.safe_dump({"sites": [{
            "key": "night_uni", "name": "Night University", "region": "south", "kind": "university",
            "home": f"{site.origin}/courses/", "allowed_domains": ["127.0.0.1"],
            "listings": [f"{site.origin}/courses/"], "follow": ["/courses/"]}]}))
        command = [sys.executable, "-m", "scrapy", "crawlall", "--db", str(db_path),
                   "-s", f"SITES_FILE={sites_file}", "-s", f"HTTPCACHE_DIR={cache_dir}",
                   "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", *extra]
        if background:
            return subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)

    run.db_path = db_path
    return run


def query(db_path, sql, *params):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def site_stats(db_path, run_id):
    return json.loads(query(db_path, "SELECT stats FROM run_sites WHERE run_id = ?", run_id)[0][0])


def test_an_unchanged_night_costs_304s_and_a_change_is_reported(night):
    with LocalSite({}, validators=True) as site:
        site.pages.update(build_site(site.origin))
        first = night(site)
        assert first.returncode == 0, first.stderr[-3000:]
        assert len(query(night.db_path, "SELECT id FROM candidates")) == len(SUBJECTS)

        second = night(site)
        assert second.returncode == 0, second.stderr[-3000:]
        one, two = site_stats(night.db_path, 1), site_stats(night.db_path, 2)
        assert site.not_modified >= len(SUBJECTS)
        assert two["wire/response_bytes"] <= 0.10 * one["wire/response_bytes"]
        assert two.get("pages/unchanged", 0) >= len(SUBJECTS)
        assert "Courses whose facts changed: 0" in second.stdout

        site.pages[f"/courses/{slug(SUBJECTS[0])}"] = course(SUBJECTS[0], fees="UK £9,900; international £18,000")
        third = night(site)
    assert third.returncode == 0, third.stderr[-3000:]
    assert "Courses whose facts changed: 1" in third.stdout
    assert "fees" in third.stdout
    history = query(night.db_path, "SELECT old_facts, new_facts FROM candidate_history WHERE run_id = 3")
    assert len(history) == 1
    assert "9,000" in json.loads(history[0][0])["fees"] and "9,900" in json.loads(history[0][1])["fees"]
    assert len(query(night.db_path, "SELECT id FROM candidates")) == len(SUBJECTS)


def test_a_broken_layout_raises_an_alert_and_a_non_zero_exit(night):
    with LocalSite({}, validators=True) as site:
        site.pages.update(build_site(site.origin))
        assert night(site).returncode == 0
        site.pages.update(build_site(site.origin, with_facts=False))
        broken = night(site)
    assert broken.returncode == 3, broken.stdout + broken.stderr[-2000:]
    assert "night_uni: facts_missing" in broken.stdout
    assert query(night.db_path, "SELECT kind FROM alerts") == [("facts_missing",)]


def test_a_site_that_disappears_raises_an_alert(night):
    with LocalSite({}) as site:
        site.pages.update(build_site(site.origin))
        assert night(site).returncode == 0
    gone = night(site, "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=3")
    assert gone.returncode in (1, 3), gone.stdout + gone.stderr[-2000:]
    assert "night_uni:" in gone.stdout and "Alerts: none" not in gone.stdout


def test_a_crawl_killed_mid_run_leaves_a_consistent_database_and_the_next_run_finishes(night):
    with LocalSite({}, delay=0.4) as site:
        site.pages.update(build_site(site.origin))
        for n in range(40):  # enough slow pages that the kill lands mid-run
            site.pages[f"/courses/extra-{n}"] = course(f"Quality Improvement Topic {n}")
        site.pages["/courses/"] = html("<main><h1>Courses</h1><ul>" + "".join(
            f'<li><a href="/courses/extra-{n}">MSc Quality Improvement Topic {n}</a></li>' for n in range(40))
            + "".join(f'<li><a href="/courses/{slug(s)}">MSc {s}</a></li>' for s in SUBJECTS) + "</ul></main>")
        crawl = night(site, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", background=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            time.sleep(0.3)
            if night.db_path.exists():
                try:
                    if query(night.db_path, "SELECT count(*) FROM candidates")[0][0] >= 3:
                        break
                except sqlite3.OperationalError:
                    pass
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        assert query(night.db_path, "PRAGMA integrity_check") == [("ok",)]
        assert query(night.db_path, "SELECT status FROM runs") == [("running",)]
        stored = query(night.db_path, "SELECT count(*) FROM candidates")[0][0]
        assert 3 <= stored < 40 + len(SUBJECTS)
        # A maintainer decides on one candidate between the two runs.
        with sqlite3.connect(night.db_path) as conn:
            conn.execute("UPDATE candidates SET review_status = 'rejected', reviewed_by = 'ana' WHERE id = 1")
        site.delay = 0
        resumed = night(site)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert query(night.db_path, "SELECT status FROM runs ORDER BY id") == [("interrupted",), ("finished",)]
    urls = [row[0] for row in query(night.db_path, "SELECT canonical_url FROM candidates")]
    assert len(urls) == len(set(urls)) == 40 + len(SUBJECTS)
    assert query(night.db_path, "SELECT review_status, reviewed_by FROM candidates WHERE id = 1") == [("rejected", "ana")]


def test_on_a_terminal_crawlall_prints_progress_per_site_and_under_cron_it_is_quiet(tmp_path):
    command = [sys.executable, "-m", "scrapy", "crawlall", "--replay", "data/snapshot/snapshot.warc.gz",
               "--only", "lsbu", "--db", str(tmp_path / "t.db")]
    with TerminalCapture() as terminal:
        on_terminal = subprocess.run(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=terminal.fd, timeout=300)
    terminal_log = terminal.text
    assert on_terminal.returncode == 0
    assert re.search(r"lsbu: \d+ pages, \d+ course pages, \d+ in scope, \d+ errors \(done: finished\)", terminal_log)

    under_cron = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert under_cron.returncode == 0
    assert "INFO" not in under_cron.stderr
    assert "\nlsbu " in under_cron.stdout


def test_an_accepted_course_gone_from_its_site_for_three_nights_is_flagged(night):
    with LocalSite({}, validators=True) as site:
        site.pages.update(build_site(site.origin))
        assert night(site).returncode == 0
        gone_url = f"{site.origin}/courses/{slug(SUBJECTS[0])}"
        with sqlite3.connect(night.db_path) as conn:
            (candidate_id,) = conn.execute("SELECT id FROM candidates WHERE canonical_url = ?", [gone_url]).fetchone()
            conn.execute("INSERT INTO decisions (action, candidate_id, reviewer) VALUES ('accept', ?, 'ana')",
                         [candidate_id])
        # The provider takes the page down; its listing no longer links it.
        del site.pages[f"/courses/{slug(SUBJECTS[0])}"]
        site.pages["/courses/"] = html("<main><h1>Courses</h1><ul>" + "".join(
            f'<li><a href="/courses/{slug(s)}">MSc {s}</a></li>' for s in SUBJECTS[1:]) + "</ul></main>")
        outputs = [night(site).stdout for _ in range(3)]
    # Not yet after two nights without it; flagged on the third.
    assert "possibly discontinued): 0" in outputs[1]
    assert "possibly discontinued): 1" in outputs[2]
    assert f"Night University: {SUBJECTS[0]} (3 runs)" in outputs[2]
