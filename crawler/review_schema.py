"""The review stage's schema: decisions and their rules, facts history, SQL views and full-text search.

Every maintainer decision is one INSERT into `decisions`. Triggers check it
(RAISE(ABORT, ...) with a message a reviewer can act on) and apply it, recording
the state it replaced so an `undo` decision can put that state back. Because the
rules live in the database, Datasette's writable queries, the sqlite3 shell and
DB Browser for SQLite all follow the same rules.
"""

from __future__ import annotations

import re

import sqlite_utils

# A catalogue course whose page has not been seen in this many finished runs in a row
# is listed as possibly discontinued. Runs are nightly: one or two misses are usually a
# site being down or slow; three in a row is worth a maintainer's look.
DISCONTINUED_AFTER_RUNS = 3

ACTIONS = ("accept", "reject", "same-as", "not-same", "undo")

# Why a candidate is rejected. The list is short on purpose so reasons can be counted;
# 'other' needs a note. Rows can be added with an INSERT; the triggers read the table.
REJECT_REASONS = (
    ("not health or social care", "The course is not specifically health or social care focused."),
    ("no improvement focus", "Improvement or implementation is neither the focus nor a topic."),
    ("not a course", "The page is not a course: news, a profile, a listing, an event, research."),
    ("not open to the workforce", "Only for a group the study excluded (e.g. undergraduates before registration)."),
    ("discontinued", "The course has closed or no longer recruits."),
    ("duplicate page", "Another candidate is the same course at a different address."),
    ("other", "Anything else: say why in the note."),
)

# SQLite's RAISE() takes a string literal only, so a message cannot quote the id; each
# names the field at fault and what to do next.
_CANDIDATE_ACTIONS = "('accept', 'reject', 'same-as', 'not-same')"
_STATUS_ACTIONS = "('accept', 'reject', 'same-as')"
_PAIR_ACTIONS = "('same-as', 'not-same')"

TABLES = [
    """CREATE TABLE IF NOT EXISTS reject_reasons (
        reason TEXT PRIMARY KEY,
        description TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS decisions (
        id INTEGER PRIMARY KEY,
        action TEXT NOT NULL,             -- accept | reject | same-as | not-same | undo
        candidate_id INTEGER,
        catalogue_id TEXT,                -- same-as / not-same: the catalogue entry
        reason TEXT,                      -- reject: one of reject_reasons
        note TEXT,
        undoes INTEGER,                   -- undo: the decision it reverses
        reviewer TEXT,
        decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        undone_by INTEGER,                -- set when a later undo reverses this decision
        prev_review_status TEXT,          -- the candidate's review columns before this decision
        prev_reviewed_by TEXT,
        prev_reviewed_at TEXT,
        prev_review_note TEXT,
        prev_match_existed INTEGER,       -- same-as / not-same: was there a matches row before?
        prev_maintainer_decision TEXT,
        prev_decided_by TEXT,
        prev_decided_at TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS decisions_candidate ON decisions(candidate_id)",
    """CREATE TABLE IF NOT EXISTS candidate_history (
        id INTEGER PRIMARY KEY,
        candidate_id INTEGER NOT NULL,
        run_id INTEGER,
        changed_at TEXT,
        changed_fields TEXT,              -- JSON list of fact names whose values differ
        old_facts TEXT,
        new_facts TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS candidate_history_run ON candidate_history(run_id)",
]

_SAVE_CANDIDATE = """UPDATE decisions SET reason = trim(lower(NEW.reason)),
               (prev_review_status, prev_reviewed_by, prev_reviewed_at, prev_review_note) =
               (SELECT review_status, reviewed_by, reviewed_at, review_note FROM candidates WHERE id = NEW.candidate_id)
         WHERE id = NEW.id;"""

TRIGGERS = [
    # Checks run in this order, so the first problem found is the one reported.
    f"""CREATE TRIGGER decisions_check BEFORE INSERT ON decisions BEGIN
        SELECT RAISE(ABORT, 'Not signed in: every decision records who made it. Sign in (or set reviewer).')
         WHERE NULLIF(trim(NEW.reviewer), '') IS NULL;
        SELECT RAISE(ABORT, 'Unknown action: use accept, reject, same-as, not-same or undo.')
         WHERE NEW.action IS NULL OR NEW.action NOT IN ('accept', 'reject', 'same-as', 'not-same', 'undo');
        SELECT RAISE(ABORT, 'Candidate id is missing: give the id shown in pending_review.')
         WHERE NEW.action IN {_CANDIDATE_ACTIONS} AND NULLIF(trim(NEW.candidate_id), '') IS NULL;
        SELECT RAISE(ABORT, 'No candidate has this id: check the id in pending_review. Nothing was changed.')
         WHERE NEW.action IN {_CANDIDATE_ACTIONS}
           AND NOT EXISTS (SELECT 1 FROM candidates WHERE id = NEW.candidate_id);
        SELECT RAISE(ABORT, 'This candidate was already decided (see its review_status and the decisions table); undo that decision first. Nothing was changed.')
         WHERE NEW.action IN {_STATUS_ACTIONS}
           AND (SELECT review_status FROM candidates WHERE id = NEW.candidate_id) IS NOT 'pending';
        SELECT RAISE(ABORT, 'Reason is missing or not in the list: see the reject_reasons table.')
         WHERE NEW.action = 'reject'
           AND NOT EXISTS (SELECT 1 FROM reject_reasons WHERE reason = trim(lower(NEW.reason)));
        SELECT RAISE(ABORT, 'Reason "other" needs a note saying why.')
         WHERE NEW.action = 'reject' AND trim(lower(NEW.reason)) = 'other' AND NULLIF(trim(NEW.note), '') IS NULL;
        SELECT RAISE(ABORT, 'Catalogue id is missing: give the catalogue entry (for example t3-02).')
         WHERE NEW.action IN {_PAIR_ACTIONS} AND NULLIF(trim(NEW.catalogue_id), '') IS NULL;
        SELECT RAISE(ABORT, 'No catalogue entry has this id: check it in the catalogue table. Nothing was changed.')
         WHERE NEW.action IN {_PAIR_ACTIONS} AND NOT EXISTS (SELECT 1 FROM catalogue WHERE id = NEW.catalogue_id);
        SELECT RAISE(ABORT, 'A candidate cannot be the same as the catalogue entry it created.')
         WHERE NEW.action IN {_PAIR_ACTIONS}
           AND EXISTS (SELECT 1 FROM catalogue WHERE id = NEW.catalogue_id AND candidate_id = NEW.candidate_id);
        SELECT RAISE(ABORT, 'This pair was already decided (see matches.maintainer_decision); undo that decision first. Nothing was changed.')
         WHERE NEW.action IN {_PAIR_ACTIONS}
           AND EXISTS (SELECT 1 FROM matches WHERE candidate_id = NEW.candidate_id
                         AND catalogue_id = NEW.catalogue_id AND maintainer_decision IS NOT NULL);
        SELECT RAISE(ABORT, 'Decision id to undo is missing: see the decisions table.')
         WHERE NEW.action = 'undo' AND NULLIF(trim(NEW.undoes), '') IS NULL;
        SELECT RAISE(ABORT, 'No decision has this id: check it in the decisions table. Nothing was changed.')
         WHERE NEW.action = 'undo' AND NOT EXISTS (SELECT 1 FROM decisions WHERE id = NEW.undoes);
        SELECT RAISE(ABORT, 'An undo cannot be undone: make the decision again instead.')
         WHERE NEW.action = 'undo' AND (SELECT action FROM decisions WHERE id = NEW.undoes) = 'undo';
        SELECT RAISE(ABORT, 'This decision was already undone (see undone_by). Nothing was changed.')
         WHERE NEW.action = 'undo' AND (SELECT undone_by FROM decisions WHERE id = NEW.undoes) IS NOT NULL;
        SELECT RAISE(ABORT, 'Cannot undo this accept: another candidate was since marked same-as or not-same against the catalogue entry it created; undo that decision first.')
         WHERE NEW.action = 'undo' AND EXISTS (
            SELECT 1 FROM decisions d JOIN matches m ON m.catalogue_id = 'acc-' || d.candidate_id
             WHERE d.id = NEW.undoes AND d.action = 'accept' AND m.maintainer_decision IS NOT NULL);
    END""",
    # Each action trigger first saves the state it replaces, then applies itself, in one
    # body so the order is fixed: SQLite runs separate triggers newest first.
    f"""CREATE TRIGGER decisions_accept AFTER INSERT ON decisions WHEN NEW.action = 'accept' BEGIN
        {_SAVE_CANDIDATE}
        UPDATE candidates SET review_status = 'accepted', reviewed_by = NEW.reviewer,
               reviewed_at = NEW.decided_at, review_note = NULLIF(trim(NEW.note), '')
         WHERE id = NEW.candidate_id;
        -- The new catalogue entry is what tomorrow's crawl matches against.
        INSERT INTO catalogue (id, title, provider, category, region, url, origin, candidate_id, added_at)
        SELECT 'acc-' || id, coalesce(title, canonical_url), provider,
               CASE WHEN EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(awards) THEN awards END)
                                  WHERE value = 'fellowship') THEN 'fellowship'
                    WHEN scope_category = 'core' THEN 'core'
                    ELSE 'related' END,
               region, canonical_url, 'accepted', id, NEW.decided_at
          FROM candidates WHERE id = NEW.candidate_id;
    END""",
    f"""CREATE TRIGGER decisions_reject AFTER INSERT ON decisions WHEN NEW.action = 'reject' BEGIN
        {_SAVE_CANDIDATE}
        UPDATE candidates SET review_status = 'rejected', reviewed_by = NEW.reviewer, reviewed_at = NEW.decided_at,
               review_note = trim(lower(NEW.reason)) || coalesce(': ' || NULLIF(trim(NEW.note), ''), '')
         WHERE id = NEW.candidate_id;
    END""",
    f"""CREATE TRIGGER decisions_pair AFTER INSERT ON decisions WHEN NEW.action IN {_PAIR_ACTIONS} BEGIN
        {_SAVE_CANDIDATE}
        UPDATE decisions SET
               prev_match_existed = EXISTS (SELECT 1 FROM matches WHERE candidate_id = NEW.candidate_id
                                              AND catalogue_id = NEW.catalogue_id),
               (prev_maintainer_decision, prev_decided_by, prev_decided_at) =
               (SELECT maintainer_decision, decided_by, decided_at FROM matches
                 WHERE candidate_id = NEW.candidate_id AND catalogue_id = NEW.catalogue_id)
         WHERE id = NEW.id;
        INSERT OR IGNORE INTO matches (candidate_id, catalogue_id) VALUES (NEW.candidate_id, NEW.catalogue_id);
        UPDATE matches SET maintainer_decision = CASE NEW.action WHEN 'same-as' THEN 'same' ELSE 'not-same' END,
               decided_by = NEW.reviewer, decided_at = NEW.decided_at
         WHERE candidate_id = NEW.candidate_id AND catalogue_id = NEW.catalogue_id;
        UPDATE candidates SET review_status = 'duplicate', reviewed_by = NEW.reviewer, reviewed_at = NEW.decided_at,
               review_note = 'same as ' || NEW.catalogue_id || coalesce(': ' || NULLIF(trim(NEW.note), ''), '')
         WHERE id = NEW.candidate_id AND NEW.action = 'same-as';
        -- Not the same: the matcher's link to that entry goes, so the candidate is back in
        -- pending_review at once instead of hidden as a duplicate until a re-extraction (issue 13).
        UPDATE candidates SET match_catalogue_id = NULL, match_score = NULL, match_decision = NULL
         WHERE id = NEW.candidate_id AND NEW.action = 'not-same' AND match_catalogue_id = NEW.catalogue_id;
    END""",
    """CREATE TRIGGER decisions_undo AFTER INSERT ON decisions WHEN NEW.action = 'undo' BEGIN
        UPDATE decisions SET (candidate_id, catalogue_id) =
               (SELECT candidate_id, catalogue_id FROM decisions WHERE id = NEW.undoes)
         WHERE id = NEW.id;
        UPDATE candidates SET (review_status, reviewed_by, reviewed_at, review_note) =
               (SELECT prev_review_status, prev_reviewed_by, prev_reviewed_at, prev_review_note
                  FROM decisions WHERE id = NEW.undoes)
         WHERE id = (SELECT candidate_id FROM decisions
                      WHERE id = NEW.undoes AND action IN ('accept', 'reject', 'same-as'));
        -- Pairs the matcher made against an accepted entry go with it; the next crawl re-matches.
        DELETE FROM matches WHERE catalogue_id =
               (SELECT 'acc-' || candidate_id FROM decisions WHERE id = NEW.undoes AND action = 'accept');
        DELETE FROM catalogue WHERE origin = 'accepted' AND id =
               (SELECT 'acc-' || candidate_id FROM decisions WHERE id = NEW.undoes AND action = 'accept');
        DELETE FROM matches WHERE (candidate_id, catalogue_id) =
               (SELECT candidate_id, catalogue_id FROM decisions
                 WHERE id = NEW.undoes AND action IN ('same-as', 'not-same') AND prev_match_existed = 0);
        UPDATE matches SET (maintainer_decision, decided_by, decided_at) =
               (SELECT prev_maintainer_decision, prev_decided_by, prev_decided_at FROM decisions WHERE id = NEW.undoes)
         WHERE (candidate_id, catalogue_id) =
               (SELECT candidate_id, catalogue_id FROM decisions
                 WHERE id = NEW.undoes AND action IN ('same-as', 'not-same') AND prev_match_existed = 1);
        -- Undoing a not-same gives the candidate back the matcher's link to that entry, if it had one.
        UPDATE candidates SET (match_catalogue_id, match_score, match_decision) =
               (SELECT m.catalogue_id, m.score, m.decision FROM matches m JOIN decisions d ON d.id = NEW.undoes
                 WHERE m.candidate_id = d.candidate_id AND m.catalogue_id = d.catalogue_id)
         WHERE id = (SELECT candidate_id FROM decisions WHERE id = NEW.undoes AND action = 'not-same')
           AND match_catalogue_id IS NULL
           AND EXISTS (SELECT 1 FROM matches m JOIN decisions d ON d.id = NEW.undoes
                        WHERE m.candidate_id = d.candidate_id AND m.catalogue_id = d.catalogue_id
                          AND m.decision IS NOT NULL);
        UPDATE decisions SET undone_by = NEW.id WHERE id = NEW.undoes;
    END""",
    # A decision is history: it is reversed by an undo, never edited or deleted.
    """CREATE TRIGGER decisions_keep BEFORE DELETE ON decisions BEGIN
        SELECT RAISE(ABORT, 'Decisions are the audit trail: reverse one with an undo decision instead of deleting it.');
    END""",
    # The facts history behind changed_since_last_run. Written only when the hash moves,
    # so a crawl that sees the same page again adds nothing.
    """CREATE TRIGGER candidates_facts_history AFTER UPDATE OF facts_hash ON candidates
        WHEN OLD.facts_hash IS NOT NULL AND OLD.facts_hash IS NOT NEW.facts_hash BEGIN
        INSERT INTO candidate_history (candidate_id, run_id, changed_at, changed_fields, old_facts, new_facts)
        VALUES (NEW.id, NEW.last_run, NEW.last_seen,
                (SELECT json_group_array(key) FROM (
                    SELECT key FROM json_each(CASE WHEN json_valid(NEW.facts) THEN NEW.facts END)
                    UNION SELECT key FROM json_each(CASE WHEN json_valid(OLD.facts) THEN OLD.facts END)
                    ORDER BY key)
                  WHERE json_extract(CASE WHEN json_valid(NEW.facts) THEN NEW.facts END, '$."' || key || '"')
                     IS NOT json_extract(CASE WHEN json_valid(OLD.facts) THEN OLD.facts END, '$."' || key || '"')),
                OLD.facts, NEW.facts);
    END""",
]


def _list_text(column: str) -> str:
    """SQL turning a JSON list column into 'a, b, c' for people reading the views."""
    return f"(SELECT group_concat(value, ', ') FROM json_each(CASE WHEN json_valid({column}) THEN {column} END))"


# Views are dropped and recreated by the migration, so their columns can be read here.
VIEWS = {
    "pending_review": f"""
        SELECT c.id AS decide, c.id, c.title, c.provider, c.region, c.scope_category,
               round(c.scope_score, 2) AS scope_score,
               (SELECT group_concat(json_extract(r.value, '$.rule') || ': ' || coalesce(json_extract(r.value, '$.phrase'), '')
                                    || ' (' || coalesce(json_extract(r.value, '$.where'), '') || ')', '; ')
                  FROM json_each(CASE WHEN json_valid(c.scope_reasons) THEN c.scope_reasons END) r) AS scope_reasons,
               {_list_text('c.awards')} AS awards, {_list_text('c.modes')} AS modes, c.duration, c.fees,
               c.match_catalogue_id, round(c.match_score, 1) AS match_score, c.match_decision,
               CASE WHEN c.page_type_sure THEN 'sure' ELSE 'unsure' END AS page_type,
               c.first_seen, c.last_seen, c.canonical_url
          FROM candidates c
         WHERE c.review_status = 'pending' AND c.scope_category IN ('core', 'related')
           -- A matcher duplicate is already linked to its catalogue entry: a maintainer only
           -- sees what may be new (issue 5). likely_duplicates still lists it for a check.
           AND coalesce(c.match_decision, 'new') != 'duplicate'
         -- Pages the crawl was unsure are courses come after the sure ones (issue 12).
         ORDER BY c.page_type_sure DESC, c.first_seen DESC, c.id DESC""",
    # Every page judged and not kept as a candidate, with its type, the evidence for it and why
    # it was dropped, so a maintainer can audit what the crawl threw away (issue 12).
    "dropped_pages": """
        SELECT p.url, p.site, p.run_id, p.fetched_at, p.page_kind,
               CASE WHEN p.page_kind_sure THEN 'sure' WHEN p.page_kind_sure IS NULL THEN NULL ELSE 'unsure' END AS page_kind_certainty,
               p.scope_category, p.judgement,
               (SELECT group_concat(value, '; ') FROM json_each(CASE WHEN json_valid(p.kind_evidence) THEN p.kind_evidence END)) AS kind_evidence,
               p.status, p.error
          FROM pages p
         WHERE p.candidate_id IS NULL
         ORDER BY p.page_kind_sure, p.site, p.url""",
    # The candidate and up to three of its best undecided catalogue entries, side by side.
    "likely_duplicates": """
        SELECT * FROM (
            SELECT m.candidate_id AS decide, m.candidate_id, c.title AS candidate_title,
                   c.provider AS candidate_provider, round(m.score, 1) AS score, m.decision AS matcher_decision,
                   m.catalogue_id, k.title AS catalogue_title, k.provider AS catalogue_provider,
                   k.category AS catalogue_category, k.source_table AS catalogue_source,
                   c.canonical_url AS candidate_url, k.url AS catalogue_url,
                   row_number() OVER (PARTITION BY m.candidate_id ORDER BY m.score DESC, m.catalogue_id) AS rank
              FROM matches m
              JOIN candidates c ON c.id = m.candidate_id
              JOIN catalogue k ON k.id = m.catalogue_id
             WHERE m.maintainer_decision IS NULL AND c.review_status = 'pending')
         WHERE rank <= 3
         ORDER BY score DESC, candidate_id, rank""",
    # Changes recorded by the latest run (IS, so a database without runs still lists changes).
    "changed_since_last_run": f"""
        SELECT h.candidate_id, c.title, c.provider, {_list_text('h.changed_fields')} AS changed_fields,
               h.changed_at, h.run_id, c.review_status, c.canonical_url, h.old_facts, h.new_facts
          FROM candidate_history h JOIN candidates c ON c.id = h.candidate_id
         WHERE h.run_id IS (SELECT max(id) FROM runs)
         ORDER BY h.changed_at DESC, h.id DESC""",
    # Every catalogue entry with the candidate whose facts describe it: the accepted
    # candidate, else one a maintainer called the same, else the matcher's best duplicate.
    "catalogue_courses": """
        SELECT k.*, (
            SELECT e.candidate_id FROM (
                SELECT k.candidate_id AS candidate_id, 0 AS rank, NULL AS score WHERE k.candidate_id IS NOT NULL
                UNION ALL
                SELECT m.candidate_id, CASE WHEN m.maintainer_decision = 'same' THEN 1 ELSE 2 END, m.score
                  FROM matches m JOIN candidates c ON c.id = m.candidate_id
                 WHERE m.catalogue_id = k.id AND c.review_status IS NOT 'rejected'
                   AND (m.maintainer_decision = 'same'
                        OR (m.maintainer_decision IS NULL AND m.decision = 'duplicate'))
            ) e ORDER BY e.rank, e.score DESC LIMIT 1) AS fact_candidate_id
          FROM catalogue k""",
    "possibly_discontinued": f"""
        SELECT * FROM (
            -- Only runs that crawled the course's site count as missing it (a run with
            -- --only elsewhere says nothing); a course the crawl never found is not listed.
            SELECT s.*, (SELECT count(*) FROM runs r WHERE r.status = 'finished'
                          AND r.id > s.last_seen_run
                          AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(r.sites) THEN r.sites END) j
                                       WHERE j.value = s.site)
                          -- ... and fetched pages from it: a site that could not be reached, or an
                          -- archive with nothing for it, says nothing about its courses (issue 13).
                          AND NOT EXISTS (SELECT 1 FROM run_sites rs WHERE rs.run_id = r.id AND rs.site = s.site
                                             AND rs.pages_fetched = 0)) AS runs_missed
              FROM (
                SELECT k.id, k.title, k.provider, k.category, k.origin, coalesce(a.site, max(mc.site)) AS site,
                       -- A pair a maintainer confirmed is seen whenever its page is; a matcher
                       -- pair only when that run matched it again.
                       NULLIF(max(coalesce(max(CASE WHEN m.maintainer_decision = 'same' THEN mc.last_run
                                                    ELSE m.run_id END), 0),
                                  coalesce(a.last_run, 0)), 0) AS last_seen_run,
                       NULLIF(max(coalesce(max(mc.last_seen), ''), coalesce(a.last_seen, '')), '') AS last_seen
                  FROM catalogue k
                  LEFT JOIN matches m ON m.catalogue_id = k.id
                        AND (m.maintainer_decision = 'same' OR (m.maintainer_decision IS NULL AND m.decision = 'duplicate'))
                  LEFT JOIN candidates mc ON mc.id = m.candidate_id
                  LEFT JOIN candidates a ON a.id = k.candidate_id
                 GROUP BY k.id) s)
         WHERE last_seen_run IS NOT NULL AND runs_missed >= {DISCONTINUED_AFTER_RUNS}
         ORDER BY runs_missed DESC, provider, title""",
    "provider_counts": """
        WITH names AS (SELECT provider FROM candidates WHERE NULLIF(provider, '') IS NOT NULL
                       UNION SELECT provider FROM catalogue WHERE NULLIF(provider, '') IS NOT NULL)
        SELECT n.provider,
               count(c.id) AS candidates,
               count(CASE WHEN c.scope_category = 'core' THEN 1 END) AS core,
               count(CASE WHEN c.scope_category = 'related' THEN 1 END) AS related,
               count(CASE WHEN c.scope_category IN ('core', 'related') AND c.review_status = 'pending' THEN 1 END) AS pending,
               count(CASE WHEN c.review_status = 'accepted' THEN 1 END) AS accepted,
               count(CASE WHEN c.review_status = 'rejected' THEN 1 END) AS rejected,
               count(CASE WHEN c.review_status = 'duplicate' THEN 1 END) AS duplicate,
               (SELECT count(*) FROM catalogue k WHERE k.provider = n.provider) AS catalogue_courses
          FROM names n LEFT JOIN candidates c ON c.provider = n.provider
         GROUP BY n.provider
         ORDER BY n.provider""",
}

FTS_COLUMNS = {"candidates": ["title", "summary", "topics"], "catalogue": ["title", "provider"]}


# Triggers an earlier version of this module created.
_RETIRED_TRIGGERS = ("decisions_save_candidate",)


def trigger_names() -> list[str]:
    return [re.search(r"CREATE TRIGGER (\w+)", statement).group(1) for statement in TRIGGERS]


def migrate_review(db: sqlite_utils.Database) -> None:
    """Schema for review: decisions with their triggers, facts history, views and full-text search."""
    for statement in TABLES:
        db.execute(statement)
    db.conn.executemany("INSERT OR IGNORE INTO reject_reasons (reason, description) VALUES (?, ?)", REJECT_REASONS)
    # Triggers and views are dropped and recreated, so rerunning this migration updates them.
    for name in (*_RETIRED_TRIGGERS, *trigger_names()):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in TRIGGERS:
        db.execute(statement)
    for name, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS {name}")
        db.execute(f"CREATE VIEW {name} AS {sql}")
    # enable_fts uses executescript, which commits; replace=True makes a rerun a no-op.
    for table, columns in FTS_COLUMNS.items():
        db[table].enable_fts(columns, create_triggers=True, tokenize="porter", replace=True)
        narrow_fts_update_trigger(db, table, columns)


def narrow_fts_update_trigger(db: sqlite_utils.Database, table: str, columns: list[str]) -> None:
    """Re-index a row only when an indexed column is written.

    sqlite_utils' trigger re-indexes on every UPDATE: each unchanged page of a night marks its
    candidate seen (last_run, last_seen), and re-indexing made that ten times dearer. The
    index only holds these columns, so an update that does not set them leaves it as it was.
    """
    listed = ", ".join(f'"{c}"' for c in columns)
    old = ", ".join(f'old."{c}"' for c in columns)
    new = ", ".join(f'new."{c}"' for c in columns)
    db.execute(f'DROP TRIGGER IF EXISTS "{table}_au"')
    db.execute(f"""CREATE TRIGGER "{table}_au" AFTER UPDATE OF {listed} ON "{table}" BEGIN
  INSERT INTO "{table}_fts" ("{table}_fts", rowid, {listed}) VALUES('delete', old.rowid, {old});
  INSERT INTO "{table}_fts" (rowid, {listed}) VALUES (new.rowid, {new});
END""")
