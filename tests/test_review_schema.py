"""The review rules in the database: decisions, undo, bad input, views and search."""

import json
import sqlite3
import threading
import time

import pytest

from crawler.review_schema import REJECT_REASONS, VIEWS
from crawler.storage import SCHEMA_VERSION, ensure_schema, forbidden_pairs, open_db, schema_version, upsert_candidate
from test_review_fixtures import COURSES, build_review_db

UWL, KCL_PGCERT, KINGSTON, KCL_IMPL, KCL_NURSING, OUT = range(1, 7)


@pytest.fixture
def rdb():
    database = build_review_db()
    yield database
    database.conn.close()


def decide(db, action, reviewer="ana", **values):
    values = {"action": action, "reviewer": reviewer, **values}
    columns = ", ".join(values)
    db.execute(f"INSERT INTO decisions ({columns}) VALUES ({', '.join('?' * len(values))})", list(values.values()))
    return db.execute("SELECT max(id) FROM decisions").fetchone()[0]


def review_columns(db, candidate_id):
    return db.execute("SELECT review_status, reviewed_by, reviewed_at, review_note FROM candidates WHERE id = ?",
                      [candidate_id]).fetchone()


def snapshot(db):
    """Everything a decision can change."""
    return [db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("candidates", "catalogue", "matches")]


def test_migration_is_applied_once_and_reruns_cleanly(rdb):
    assert schema_version(rdb) == SCHEMA_VERSION
    from crawler.review_schema import migrate_review
    migrate_review(rdb)
    ensure_schema(rdb)
    assert set(VIEWS) <= set(rdb.view_names())
    assert rdb.execute("SELECT count(*) FROM reject_reasons").fetchone()[0] == len(REJECT_REASONS)


def test_accept_adds_the_candidate_to_the_catalogue(rdb):
    decide(rdb, "accept", candidate_id=KCL_PGCERT, note="new in 2026")
    status, by, at, note = review_columns(rdb, KCL_PGCERT)
    assert (status, by, note) == ("accepted", "ana", "new in 2026") and at
    entry = rdb.execute("SELECT title, provider, category, origin, candidate_id, url FROM catalogue"
                        " WHERE id = 'acc-2'").fetchone()
    assert entry == ("PgCert Quality Improvement in Healthcare", "King's College London", "core", "accepted",
                     KCL_PGCERT, "https://www.kcl.ac.uk/courses/pgcert-quality-improvement")


def test_reject_records_reason_and_note(rdb):
    decide(rdb, "reject", candidate_id=KCL_NURSING, reason="No improvement focus ", note="general nursing MSc")
    assert review_columns(rdb, KCL_NURSING)[0::3] == ("rejected", "no improvement focus: general nursing MSc")
    assert rdb.execute("SELECT reason FROM decisions").fetchone()[0] == "no improvement focus"


def test_same_as_marks_duplicate_and_records_the_pair(rdb):
    decide(rdb, "same-as", candidate_id=KINGSTON, catalogue_id="t4-35")
    assert review_columns(rdb, KINGSTON)[0] == "duplicate"
    assert rdb.execute("SELECT maintainer_decision, decided_by, score FROM matches WHERE candidate_id = ?",
                       [KINGSTON]).fetchone() == ("same", "ana", 82.0)


def test_same_as_can_link_an_entry_the_matcher_did_not_propose(rdb):
    decide(rdb, "same-as", candidate_id=KCL_IMPL, catalogue_id="t4-21")
    assert rdb.execute("SELECT maintainer_decision, score FROM matches WHERE candidate_id = ?",
                       [KCL_IMPL]).fetchone() == ("same", None)


def test_not_same_is_read_by_the_crawler_and_leaves_the_candidate_pending(rdb):
    decide(rdb, "not-same", candidate_id=KCL_NURSING, catalogue_id="t4-20")
    assert forbidden_pairs(rdb) == {("https://www.kcl.ac.uk/courses/nursing-studies", "t4-20")}
    assert review_columns(rdb, KCL_NURSING)[0] == "pending"


@pytest.mark.parametrize("action, values", [
    ("accept", {"candidate_id": KCL_PGCERT}),
    ("reject", {"candidate_id": KCL_NURSING, "reason": "other", "note": "a conference"}),
    ("same-as", {"candidate_id": KINGSTON, "catalogue_id": "t4-35"}),
    ("same-as", {"candidate_id": KCL_IMPL, "catalogue_id": "t4-21"}),   # no matches row before
    ("not-same", {"candidate_id": KCL_NURSING, "catalogue_id": "t4-20"}),
])
def test_undo_restores_exactly_the_previous_state(rdb, action, values):
    before = snapshot(rdb)
    decision = decide(rdb, action, **values)
    assert snapshot(rdb) != before
    undo = decide(rdb, "undo", reviewer="ben", undoes=decision)
    assert snapshot(rdb) == before
    assert rdb.execute("SELECT undone_by FROM decisions WHERE id = ?", [decision]).fetchone()[0] == undo
    assert rdb.execute("SELECT candidate_id, reviewer FROM decisions WHERE id = ?",
                       [undo]).fetchone() == (values["candidate_id"], "ben")


def test_a_candidate_can_be_decided_again_after_an_undo(rdb):
    decide(rdb, "undo", undoes=decide(rdb, "accept", candidate_id=KCL_PGCERT))
    decide(rdb, "reject", candidate_id=KCL_PGCERT, reason="discontinued")
    assert review_columns(rdb, KCL_PGCERT)[0] == "rejected"
    assert rdb.execute("SELECT count(*) FROM catalogue WHERE id = 'acc-2'").fetchone()[0] == 0


def test_undoing_an_accept_drops_the_matchers_pairs_with_the_new_entry(rdb):
    accepted = decide(rdb, "accept", candidate_id=KCL_PGCERT)
    rdb.execute("INSERT INTO matches (candidate_id, catalogue_id, score, decision) VALUES (?, 'acc-2', 90, 'review')",
                [KCL_IMPL])
    decide(rdb, "undo", undoes=accepted)
    assert rdb.execute("SELECT count(*) FROM matches WHERE catalogue_id = 'acc-2'").fetchone()[0] == 0


# Bad input: a clear message, and nothing changed.
@pytest.mark.parametrize("action, values, message", [
    ("accept", {"reviewer": None, "candidate_id": KCL_PGCERT}, "Not signed in"),
    ("accept", {"reviewer": "  ", "candidate_id": KCL_PGCERT}, "Not signed in"),
    ("approve", {"candidate_id": KCL_PGCERT}, "Unknown action"),
    ("accept", {"candidate_id": ""}, "Candidate id is missing"),
    ("accept", {}, "Candidate id is missing"),
    ("accept", {"candidate_id": 999}, "No candidate has this id"),
    ("accept", {"candidate_id": "two"}, "No candidate has this id"),
    ("reject", {"candidate_id": KCL_NURSING}, "Reason is missing"),
    ("reject", {"candidate_id": KCL_NURSING, "reason": "boring"}, "not in the list"),
    ("reject", {"candidate_id": KCL_NURSING, "reason": "other", "note": " "}, 'Reason "other" needs a note'),
    ("same-as", {"candidate_id": KINGSTON, "catalogue_id": ""}, "Catalogue id is missing"),
    ("same-as", {"candidate_id": KINGSTON, "catalogue_id": "t9-99"}, "No catalogue entry has this id"),
    ("not-same", {"candidate_id": 999, "catalogue_id": "t4-35"}, "No candidate has this id"),
    ("undo", {}, "Decision id to undo is missing"),
    ("undo", {"undoes": 999}, "No decision has this id"),
])
def test_bad_decisions_are_refused_with_a_message_and_change_nothing(rdb, action, values, message):
    before = snapshot(rdb)
    values = {"reviewer": "ana", **values}
    with pytest.raises(sqlite3.IntegrityError, match=message):
        decide(rdb, action, **values)
    assert snapshot(rdb) == before
    assert rdb.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0


@pytest.mark.parametrize("first, second, message", [
    # A double submit of the same form.
    (("accept", {"candidate_id": KCL_PGCERT}), ("accept", {"candidate_id": KCL_PGCERT}), "already decided"),
    (("reject", {"candidate_id": KCL_PGCERT, "reason": "not a course"}),
     ("accept", {"candidate_id": KCL_PGCERT}), "already decided"),
    (("same-as", {"candidate_id": KINGSTON, "catalogue_id": "t4-35"}),
     ("reject", {"candidate_id": KINGSTON, "reason": "discontinued"}), "already decided"),
    (("not-same", {"candidate_id": KCL_NURSING, "catalogue_id": "t4-20"}),
     ("not-same", {"candidate_id": KCL_NURSING, "catalogue_id": "t4-20"}), "pair was already decided"),
    (("not-same", {"candidate_id": KCL_NURSING, "catalogue_id": "t4-20"}),
     ("same-as", {"candidate_id": KCL_NURSING, "catalogue_id": "t4-20"}), "pair was already decided"),
    (("accept", {"candidate_id": KCL_PGCERT}),
     ("same-as", {"candidate_id": KCL_PGCERT, "catalogue_id": "acc-2"}), "already decided"),
    (("accept", {"candidate_id": KCL_PGCERT}),
     ("not-same", {"candidate_id": KCL_PGCERT, "catalogue_id": "acc-2"}), "the catalogue entry it created"),
])
def test_a_second_decision_on_the_same_thing_is_refused(rdb, first, second, message):
    decide(rdb, first[0], **first[1])
    before = snapshot(rdb)
    with pytest.raises(sqlite3.IntegrityError, match=message):
        decide(rdb, second[0], **second[1])
    assert snapshot(rdb) == before


def test_undo_twice_and_undo_of_an_undo_are_refused(rdb):
    accepted = decide(rdb, "accept", candidate_id=KCL_PGCERT)
    undo = decide(rdb, "undo", undoes=accepted)
    with pytest.raises(sqlite3.IntegrityError, match="already undone"):
        decide(rdb, "undo", undoes=accepted)
    with pytest.raises(sqlite3.IntegrityError, match="An undo cannot be undone"):
        decide(rdb, "undo", undoes=undo)


def test_an_accept_others_were_merged_into_cannot_be_undone_first(rdb):
    accepted = decide(rdb, "accept", candidate_id=KCL_PGCERT)
    decide(rdb, "same-as", candidate_id=KCL_IMPL, catalogue_id="acc-2")
    with pytest.raises(sqlite3.IntegrityError, match="undo that decision first"):
        decide(rdb, "undo", undoes=accepted)


def test_decisions_cannot_be_deleted(rdb):
    decide(rdb, "accept", candidate_id=KCL_PGCERT)
    with pytest.raises(sqlite3.IntegrityError, match="audit trail"):
        rdb.execute("DELETE FROM decisions")


def test_a_crawl_after_a_decision_keeps_it(rdb):
    decide(rdb, "reject", candidate_id=KCL_NURSING, reason="no improvement focus")
    row, _ = COURSES[KCL_NURSING - 1]
    upsert_candidate(rdb, {**row, "fees": "£12,000"}, run_id=None)
    assert review_columns(rdb, KCL_NURSING)[0] == "rejected"


# Views

def test_pending_review_lists_in_scope_pending_candidates_newest_first(rdb):
    rdb.execute("UPDATE candidates SET first_seen = '2026-04-01' WHERE id = ?", [UWL])
    decide(rdb, "accept", candidate_id=KCL_PGCERT)
    ids = [row["id"] for row in rdb.query("SELECT id FROM pending_review")]
    # UWL is a matcher duplicate, linked to its catalogue entry already: not awaiting review.
    assert ids == [KCL_NURSING, KCL_IMPL, KINGSTON]
    reasons = rdb.execute("SELECT scope_reasons FROM pending_review LIMIT 1").fetchone()[0]
    assert reasons == "focus: quality improvement (summary)"


def test_likely_duplicates_shows_undecided_pairs_side_by_side(rdb):
    decide(rdb, "not-same", candidate_id=KCL_NURSING, catalogue_id="t4-20")
    rows = list(rdb.query("SELECT candidate_title, catalogue_title, score FROM likely_duplicates"))
    assert rows == [
        {"candidate_title": "MSc Improvement Science", "catalogue_title": "MSc Improvement Science", "score": 97.0},
        {"candidate_title": "Clinical Leadership MSc", "catalogue_title": "MSc Clinical Leadership", "score": 82.0},
    ]


def test_changed_since_last_run_names_the_changed_facts(rdb):
    run_id = rdb.execute("INSERT INTO runs (started_at, mode, sites, status) VALUES ('2026-03-02', 'replay', '[]',"
                         " 'finished')").lastrowid
    row, _ = COURSES[UWL - 1]
    upsert_candidate(rdb, {**row, "facts": {**row["facts"], "fees": "£9,500"}}, run_id)          # changed
    upsert_candidate(rdb, COURSES[KCL_IMPL - 1][0], run_id)                                      # unchanged
    rows = list(rdb.query("SELECT candidate_id, changed_fields, run_id FROM changed_since_last_run"))
    assert rows == [{"candidate_id": UWL, "changed_fields": "fees", "run_id": run_id}]


def test_possibly_discontinued_lists_entries_unseen_for_several_runs(rdb):
    def finished_run(sites):
        rdb.execute("INSERT INTO runs (started_at, mode, sites, status) VALUES ('2026-03-02', 'live', ?, 'finished')",
                    [json.dumps(sites)])

    # t3-02 was matched (duplicate) at UWL in run 1. Runs that did not crawl UWL say nothing.
    for _ in range(3):
        finished_run(["kcl"])
    assert rdb.execute("SELECT count(*) FROM possibly_discontinued WHERE id = 't3-02'").fetchone()[0] == 0
    # Three runs that crawled UWL and did not see it: possibly discontinued.
    for _ in range(3):
        finished_run(["uwl", "kcl"])
    row = rdb.execute("SELECT id, runs_missed FROM possibly_discontinued WHERE id = 't3-02'").fetchone()
    assert row == ("t3-02", 3)
    # A report course the crawl never found is not "discontinued": it was never seen.
    assert rdb.execute("SELECT count(*) FROM possibly_discontinued WHERE id = 't3-01'").fetchone()[0] == 0
    rdb.execute("UPDATE matches SET run_id = 7 WHERE catalogue_id = 't3-02'")
    assert rdb.execute("SELECT count(*) FROM possibly_discontinued WHERE id = 't3-02'").fetchone()[0] == 0


def test_provider_counts(rdb):
    decide(rdb, "accept", candidate_id=KCL_PGCERT)
    row = next(rdb.query("SELECT * FROM provider_counts WHERE provider = ?", ["King's College London"]))
    assert row == {"provider": "King's College London", "candidates": 3, "core": 2, "related": 1, "pending": 2,
                   "accepted": 1, "rejected": 0, "duplicate": 0, "catalogue_courses": 1}


def test_catalogue_courses_links_entries_to_the_candidate_with_their_facts(rdb):
    decide(rdb, "accept", candidate_id=KCL_PGCERT)
    decide(rdb, "same-as", candidate_id=KINGSTON, catalogue_id="t4-35")
    links = dict(rdb.execute("SELECT id, fact_candidate_id FROM catalogue_courses"
                             " WHERE fact_candidate_id IS NOT NULL").fetchall())
    # t4-20 was only a 'review' pair, so it has no facts.
    assert links == {"t3-02": UWL, "t4-35": KINGSTON, "acc-2": KCL_PGCERT}


@pytest.mark.parametrize("query, expected", [
    ("improvement", {UWL, KCL_PGCERT}),
    ("implement*", {KCL_IMPL}),          # porter stemming and prefix
    ("measurement", {UWL}),              # topics
    ("nursing", {KCL_NURSING}),
])
def test_full_text_search_covers_title_summary_and_topics(rdb, query, expected):
    rows = rdb.execute("SELECT rowid FROM candidates_fts WHERE candidates_fts MATCH ?", [query]).fetchall()
    assert {r[0] for r in rows} == expected


def test_search_index_follows_crawl_updates(rdb):
    row, _ = COURSES[OUT - 1]
    upsert_candidate(rdb, {**row, "title": "BSc Data Science", "summary": "Data."}, run_id=None)
    assert list(rdb["candidates"].search("data")) and not list(rdb["candidates"].search("computer"))


# Concurrency: a review write while a crawl holds the write lock waits instead of failing.

def test_a_review_write_waits_for_a_crawl_transaction(tmp_path):
    path = tmp_path / "courses.db"
    build_review_db(path).conn.close()
    crawl_holding, errors = threading.Event(), []

    def crawl_page():
        # A crawl-like writer with its own connection, as the pipeline opens it.
        crawl = open_db(path)
        try:
            with crawl.atomic():   # as the pipeline stores a page
                crawl.execute("UPDATE candidates SET last_seen = '2026-03-03' WHERE id = 1")
                crawl_holding.set()
                time.sleep(1.0)   # a slow page transaction holding the write lock
        except sqlite3.Error as exc:
            errors.append(exc)
        finally:
            crawl.conn.close()

    worker = threading.Thread(target=crawl_page)
    worker.start()
    assert crawl_holding.wait(10)
    # Datasette's connection: plain sqlite3 plus the review plugin's busy timeout.
    review = sqlite3.connect(path, timeout=0)
    review.execute("PRAGMA busy_timeout = 30000")
    started = time.monotonic()
    with review:
        review.execute("INSERT INTO decisions (action, candidate_id, reviewer) VALUES ('accept', 2, 'ana')")
    waited = time.monotonic() - started
    worker.join(10)
    assert not errors and waited > 0.5
    assert review.execute("SELECT review_status FROM candidates WHERE id = 2").fetchone()[0] == "accepted"
    assert review.execute("SELECT last_seen FROM candidates WHERE id = 1").fetchone()[0] == "2026-03-03"
    review.close()


def test_a_crawl_writes_while_a_reviewer_reads(tmp_path):
    path = tmp_path / "courses.db"
    build_review_db(path).conn.close()
    reader = sqlite3.connect(path, timeout=0)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM pending_review").fetchone()[0] == 4
    crawl = open_db(path)
    crawl.execute("UPDATE candidates SET last_seen = '2026-03-04' WHERE id = 1")
    crawl.conn.commit()   # WAL: the open read transaction does not block it
    reader.rollback()
    reader.close()
    crawl.conn.close()


def test_marking_a_candidate_seen_leaves_the_search_index_alone_and_a_new_title_updates_it(rdb):
    # The update trigger fires for writes of indexed columns only (a night's unchanged pages
    # write last_run and last_seen); an fts 'delete' with stale values would corrupt the index.
    trigger = rdb.execute("SELECT sql FROM sqlite_master WHERE name = 'candidates_au'").fetchone()[0]
    assert 'AFTER UPDATE OF "title", "summary", "topics"' in trigger
    row, _ = COURSES[OUT - 1]
    rdb.execute("UPDATE candidates SET last_run = NULL, last_seen = '2026-12-01' WHERE canonical_url = ?",
                [row["canonical_url"]])
    assert rdb.execute("INSERT INTO candidates_fts (candidates_fts) VALUES ('integrity-check')") is not None
    upsert_candidate(rdb, {**row, "title": "BSc Data Science", "summary": "Data."}, run_id=None)
    assert list(rdb["candidates"].search("data")) and not list(rdb["candidates"].search("computer"))
