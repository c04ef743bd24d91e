""""Not same" on a pair the matcher linked: the link goes and the candidate is back for review at
once (issue 13); undo puts the link back. On real SQLite files with the review schema's triggers."""

from crawler.storage import unlink_not_same
from test_review_fixtures import build_review_db

UWL = 1  # the matcher linked it to t3-02 as a duplicate (score 97)


def decide(db, action, **values):
    values = {"action": action, "reviewer": "ana", **values}
    db.execute(f"INSERT INTO decisions ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
               list(values.values()))
    return db.execute("SELECT max(id) FROM decisions").fetchone()[0]


def pending(db):
    return {row[0] for row in db.execute("SELECT id FROM pending_review")}


def likely_pairs(db):
    return {(row[0], row[1]) for row in db.execute("SELECT candidate_id, catalogue_id FROM likely_duplicates")}


def link(db, candidate_id):
    return db.execute("SELECT match_catalogue_id, match_score, match_decision FROM candidates WHERE id = ?",
                      [candidate_id]).fetchone()


def test_not_same_on_a_matcher_duplicate_brings_it_back_for_review_at_once(tmp_path):
    db = build_review_db(tmp_path / "courses.db")
    assert UWL not in pending(db) and link(db, UWL) == ("t3-02", 97.0, "duplicate")
    decide(db, "not-same", candidate_id=UWL, catalogue_id="t3-02")
    assert UWL in pending(db)
    assert link(db, UWL) == (None, None, None)
    assert (UWL, "t3-02") not in likely_pairs(db)
    assert db.execute("SELECT review_status FROM candidates WHERE id = ?", [UWL]).fetchone()[0] == "pending"


def test_undoing_not_same_gives_the_link_back(tmp_path):
    db = build_review_db(tmp_path / "courses.db")
    before = [db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("candidates", "matches")]
    decide(db, "undo", undoes=decide(db, "not-same", candidate_id=UWL, catalogue_id="t3-02"))
    assert [db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("candidates", "matches")] == before
    assert UWL not in pending(db)


def test_not_same_on_another_entry_leaves_the_matchers_link_alone(tmp_path):
    db = build_review_db(tmp_path / "courses.db")
    decide(db, "not-same", candidate_id=UWL, catalogue_id="t4-04")
    assert link(db, UWL) == ("t3-02", 97.0, "duplicate") and UWL not in pending(db)


def test_the_migration_brings_back_candidates_hidden_by_an_earlier_not_same(tmp_path):
    db = build_review_db(tmp_path / "courses.db")
    # As an older database holds it: the pair called not-same, the candidate still linked.
    db.execute("UPDATE matches SET maintainer_decision = 'not-same', decided_by = 'ana' "
               "WHERE candidate_id = ? AND catalogue_id = 't3-02'", [UWL])
    assert UWL not in pending(db)
    unlink_not_same(db)
    assert link(db, UWL) == (None, None, None) and UWL in pending(db)
