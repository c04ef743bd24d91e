import json

from crawler.catalogue import load_catalogue, read_catalogue
from crawler.storage import (
    SCHEMA_VERSION, ensure_schema, forbidden_pairs, open_db, record_match, schema_version, upsert_candidate,
)


def candidate(url="https://www.example.ac.uk/courses/msc-x", **extra):
    return {"canonical_url": url, "site": "example", "provider": "Example University",
            "title": "Improvement Science", "facts": {"title": "Improvement Science"}, **extra}


def test_schema_is_versioned_and_migrations_are_idempotent(db):
    assert schema_version(db) == SCHEMA_VERSION
    ensure_schema(db)
    assert schema_version(db) == SCHEMA_VERSION
    assert {"runs", "run_sites", "pages", "candidates", "catalogue", "matches"} <= set(db.table_names())


def test_file_database_uses_wal(tmp_path):
    database = open_db(tmp_path / "c.db")
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_upsert_by_canonical_url_refreshes_facts(db):
    first = upsert_candidate(db, candidate(fees="£9,000"), run_id=None, seen_at="2026-01-01T00:00:00")
    second = upsert_candidate(db, candidate(fees="£9,500"), run_id=None, seen_at="2026-02-01T00:00:00")
    assert first == second
    row = db.execute("SELECT fees, first_seen, last_seen FROM candidates").fetchone()
    assert row == ("£9,500", "2026-01-01T00:00:00", "2026-02-01T00:00:00")


def test_a_crawl_never_overwrites_a_review_decision(db):
    candidate_id = upsert_candidate(db, candidate(), run_id=None)
    db.execute("UPDATE candidates SET review_status = 'rejected', reviewed_by = 'ana', review_note = 'nursing'"
               " WHERE id = ?", [candidate_id])
    upsert_candidate(db, candidate(title="Improvement Science (new title)"), run_id=None)
    row = db.execute("SELECT title, review_status, reviewed_by, review_note FROM candidates").fetchone()
    assert row == ("Improvement Science (new title)", "rejected", "ana", "nursing")


def test_urls_accumulate_across_sightings(db):
    upsert_candidate(db, candidate(urls=["https://www.example.ac.uk/courses/msc-x"]), run_id=None)
    upsert_candidate(db, candidate(urls=["https://www.example.ac.uk/old/msc-x"]), run_id=None)
    urls = json.loads(db.execute("SELECT urls FROM candidates").fetchone()[0])
    assert urls == ["https://www.example.ac.uk/courses/msc-x", "https://www.example.ac.uk/old/msc-x"]


def test_catalogue_load_is_idempotent_and_keeps_accepted_rows(db):
    first = load_catalogue(db)
    db.execute("INSERT INTO catalogue (id, title, origin) VALUES ('acc-1', 'A course a maintainer accepted', 'accepted')")
    second = load_catalogue(db)
    assert first == second == len(read_catalogue())
    assert db.execute("SELECT count(*) FROM catalogue").fetchone()[0] == first + 1


def test_catalogue_holds_the_reports_tables():
    rows = read_catalogue()
    by_table = {}
    for row in rows:
        by_table[row["source_table"]] = by_table.get(row["source_table"], 0) + 1
    assert by_table == {"table 3": 11, "table 4": 38, "table 8": 19, "fellowships": 11}


def test_a_maintainers_not_same_verdict_survives_the_next_match(db):
    load_catalogue(db)
    candidate_id = upsert_candidate(db, candidate(), run_id=None)
    record_match(db, candidate_id, {"catalogue_id": "t3-02", "score": 91.0, "decision": "review"}, run_id=None)
    db.execute("UPDATE matches SET maintainer_decision = 'not-same', decided_by = 'ana'")
    record_match(db, candidate_id, {"catalogue_id": "t3-02", "score": 95.0, "decision": "duplicate"}, run_id=None)
    assert db.execute("SELECT score, maintainer_decision FROM matches").fetchone() == (95.0, "not-same")
    assert forbidden_pairs(db) == {("https://www.example.ac.uk/courses/msc-x", "t3-02")}


def test_award_pages_of_one_course_fold_together_but_separately_sold_awards_do_not(db):
    from crawler.pipelines import CoursesByTitle

    upsert_candidate(db, candidate(url="https://u.ac.uk/courses/improvement-science-msc", awards=["MSc"]), None)
    courses = CoursesByTitle(db)
    site = "example"
    # The same page seen again is an ordinary update, not a merge.
    assert courses.same_course(site, "https://u.ac.uk/courses/improvement-science-msc",
                               {"title": "Improvement Science", "awards": ["MSc"]}) is None
    # Another page of the same course offering PgDip and MSc: one course.
    assert courses.same_course(site, "https://u.ac.uk/courses/improvement-science-pgdip-msc",
                               {"title": "Improvement Science PgDip/MSc", "awards": ["PgDip", "MSc"]}) \
        == "https://u.ac.uk/courses/improvement-science-msc"
    # A PgCert the provider sells on its own page: a different course.
    assert courses.same_course(site, "https://u.ac.uk/courses/improvement-science-pgcert",
                               {"title": "PgCert Improvement Science", "awards": ["PgCert"]}) is None
    # The same title at another site is never the same course.
    assert courses.same_course("other", "https://o.ac.uk/x", {"title": "Improvement Science", "awards": ["MSc"]}) is None


def test_only_runs_whose_process_is_gone_are_marked_interrupted(db):
    import subprocess
    import sys

    from crawler.storage import close_stale_runs, start_run

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        killed_run, other_run = start_run(db, ["kcl"], "live"), start_run(db, ["lsbu"], "live")
        db.execute("UPDATE runs SET pid = ? WHERE id = ?", [int(dead.stdout), killed_run])
        db.execute("UPDATE runs SET pid = ? WHERE id = ?", [alive.pid, other_run])
        assert close_stale_runs(db) == 1
        statuses = dict(db.execute("SELECT id, status FROM runs").fetchall())
        assert statuses == {killed_run: "interrupted", other_run: "running"}
    finally:
        alive.kill()
