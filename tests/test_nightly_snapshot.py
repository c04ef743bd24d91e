"""The README's first command, end to end, on a temporary database: the nightly crawl of the bundled snapshot."""

import sqlite3

import pytest

from crawler.registry import load_registry
from tests.support.scrapy_run import run_scrapy

SNAPSHOT = "data/snapshot/snapshot.warc.gz"


@pytest.fixture(scope="module")
def nightly(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("nightly") / "courses.db"
    result = run_scrapy("crawlall", "--replay", SNAPSHOT, "--db", str(db_path), timeout=600)
    return result, db_path


def test_the_nightly_crawl_of_the_snapshot_succeeds_and_prints_a_summary(nightly):
    result, _ = nightly
    assert result.returncode == 0, result.stderr[-4000:]
    summary = result.stdout
    assert "pages" in summary and "course pages" in summary and "in scope" in summary and "errors" in summary
    for key in load_registry().keys():
        assert f"\n{key} " in summary, f"site {key} missing from the summary"


def test_it_finds_known_and_new_courses_in_scope(nightly):
    _, db_path = nightly
    with sqlite3.connect(db_path) as conn:
        in_scope = dict(conn.execute(
            "SELECT site, count(*) FROM candidates WHERE scope_category IN ('core', 'related') GROUP BY site"))
        duplicates = conn.execute("SELECT count(*) FROM candidates WHERE match_decision = 'duplicate'").fetchone()[0]
        new = conn.execute(
            "SELECT count(*) FROM candidates WHERE match_decision = 'new' AND scope_category != 'out'").fetchone()[0]
        out = conn.execute("SELECT count(*) FROM candidates WHERE scope_category = 'out'").fetchone()[0]
        non_course_candidates = conn.execute(
            "SELECT count(*) FROM pages p JOIN candidates c ON c.id = p.candidate_id WHERE p.is_course = 0"
        ).fetchone()[0]
    assert len(in_scope) >= 8, in_scope
    assert in_scope.get("ihi") and in_scope.get("bmj_learning")
    assert duplicates >= 5, "courses from the report's tables should be recognised"
    assert new >= 3, "courses not in the report should be found as new"
    assert out >= 2, "out-of-scope courses that share the search words should be kept out"
    assert non_course_candidates == 0


def test_a_second_run_is_idempotent(nightly, tmp_path):
    result, db_path = nightly
    with sqlite3.connect(db_path) as conn:
        before = conn.execute("SELECT count(*) FROM candidates").fetchone()[0]
        catalogue = conn.execute("SELECT count(*) FROM catalogue").fetchone()[0]
    again = run_scrapy("crawlall", "--replay", SNAPSHOT, "--db", str(db_path), "--only", "ihi,lsbu", timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM candidates").fetchone()[0] == before
        assert conn.execute("SELECT count(*) FROM catalogue").fetchone()[0] == catalogue
        assert conn.execute("SELECT count(*) FROM runs WHERE status = 'finished'").fetchone()[0] == 2
