"""The SQLite catalogue: schema, migrations and the writes a crawl makes.

A crawl writes only the columns it owns. Review columns (review_status,
reviewed_by, reviewed_at, review_note) belong to maintainers and are never
written here after a candidate is first inserted.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from crawler.paths import project_path
from crawler.alerts import migrate_alerts
from crawler.review_schema import migrate_review

# How long a writer waits for another to finish before "database is locked".
BUSY_TIMEOUT_MS = 30_000

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    mode TEXT NOT NULL,               -- live | replay
    sites TEXT NOT NULL,              -- JSON list of site keys
    status TEXT NOT NULL,             -- running | finished | failed
    summary TEXT                      -- JSON: per-site figures
);
CREATE TABLE IF NOT EXISTS run_sites (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    site TEXT NOT NULL,
    finish_reason TEXT,
    pages_fetched INTEGER DEFAULT 0,
    course_pages INTEGER DEFAULT 0,
    candidates_in_scope INTEGER DEFAULT 0,
    errors INTEGER DEFAULT 0,
    bytes INTEGER DEFAULT 0,
    stats TEXT,                       -- JSON: the crawl's own counters
    PRIMARY KEY (run_id, site)
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    fetched_at TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    content_hash TEXT,
    archive_record TEXT,
    page_kind TEXT,
    is_course INTEGER,
    candidate_id INTEGER REFERENCES candidates(id),
    error TEXT
);
CREATE TABLE IF NOT EXISTS candidates (
    id INTEGER PRIMARY KEY,
    canonical_url TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL,
    provider TEXT,
    region TEXT,
    title TEXT,
    awards TEXT,                      -- JSON list
    fheq_level INTEGER,
    credits INTEGER,
    modes TEXT,                       -- JSON list
    duration TEXT,
    months_full_time REAL,
    months_part_time REAL,
    fees TEXT,
    entry_requirements TEXT,
    requires_registration INTEGER,
    regulators TEXT,                  -- JSON list
    topics TEXT,                      -- JSON list
    start_dates TEXT,                 -- JSON list
    summary TEXT,
    search_terms TEXT,                -- JSON list
    urls TEXT,                        -- JSON list: every URL this course was found at
    facts TEXT,                       -- JSON: everything the extractor said
    facts_hash TEXT,
    scope_category TEXT,              -- core | related | out
    scope_score REAL,
    scope_reasons TEXT,               -- JSON list
    match_catalogue_id TEXT,
    match_score REAL,
    match_decision TEXT,              -- duplicate | review | new
    first_run INTEGER,
    last_run INTEGER,
    first_seen TEXT,
    last_seen TEXT,
    review_status TEXT NOT NULL DEFAULT 'pending',
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_note TEXT
);
CREATE INDEX IF NOT EXISTS candidates_site ON candidates(site);
CREATE INDEX IF NOT EXISTS candidates_review ON candidates(review_status, scope_category);
CREATE TABLE IF NOT EXISTS catalogue (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    provider TEXT,
    category TEXT,                    -- core | related | short course | fellowship
    source_table TEXT,
    unverified INTEGER DEFAULT 0,
    region TEXT,
    url TEXT,
    origin TEXT NOT NULL DEFAULT 'report',  -- report | accepted
    candidate_id INTEGER REFERENCES candidates(id),
    added_at TEXT
);
CREATE TABLE IF NOT EXISTS matches (
    candidate_id INTEGER NOT NULL REFERENCES candidates(id),
    catalogue_id TEXT NOT NULL REFERENCES catalogue(id),
    score REAL,
    decision TEXT,                    -- duplicate | review
    signals TEXT,                     -- JSON
    run_id INTEGER,
    maintainer_decision TEXT,         -- same | not-same, set by a reviewer only
    decided_by TEXT,
    decided_at TEXT,
    PRIMARY KEY (candidate_id, catalogue_id)
);
"""

INGESTED_PAGES = """
CREATE TABLE IF NOT EXISTS ingested_pages (
    run_id INTEGER NOT NULL, url TEXT NOT NULL, ingested_at TEXT NOT NULL, PRIMARY KEY (run_id, url));
"""

PAGE_JUDGEMENTS = """
ALTER TABLE candidates ADD COLUMN page_type_sure INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pages ADD COLUMN page_kind_sure INTEGER;
ALTER TABLE pages ADD COLUMN kind_evidence TEXT;   -- JSON list: "+2 course: address /courses/", ...
ALTER TABLE pages ADD COLUMN scope_category TEXT;  -- core | related | out, for every page judged
ALTER TABLE pages ADD COLUMN judgement TEXT;       -- why the page is, or is not, a candidate
"""

# Each migration takes the schema from version N-1 to N; append, never edit.
UNLINK_NOT_SAME = """
UPDATE candidates SET match_catalogue_id = NULL, match_score = NULL, match_decision = NULL
 WHERE EXISTS (SELECT 1 FROM matches m WHERE m.candidate_id = candidates.id
                 AND m.catalogue_id = candidates.match_catalogue_id AND m.maintainer_decision = 'not-same')"""


def unlink_not_same(db: sqlite_utils.Database) -> None:
    """The migration of issue 13 (see MIGRATIONS)."""
    migrate_review(db)
    db.execute(UNLINK_NOT_SAME)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    lambda db: db.executescript(SCHEMA_V1),
    migrate_review,
    migrate_alerts,
    # The page's visible text, so scope rules can be re-run without crawling (scrapy rescore).
    lambda db: db.execute("ALTER TABLE candidates ADD COLUMN text TEXT"),
    # pending_review leaves out matcher duplicates; migrate_review recreates its views.
    migrate_review,
    # The distributed writer's record of what it stored, so a page is stored once a run.
    lambda db: db.executescript(INGESTED_PAGES),
    # Which process runs a run, so a new run marks only dead ones interrupted.
    lambda db: db.executescript("ALTER TABLE runs ADD COLUMN host TEXT; ALTER TABLE runs ADD COLUMN pid INTEGER;"),
    # possibly_discontinued counts only runs that crawled the course's site.
    migrate_review,
    # Page types can be unsure (issue 12): unsure candidates rank last; every page keeps its
    # type, the evidence for it and the scope verdict, so a dropped page can be audited.
    lambda db: db.executescript(PAGE_JUDGEMENTS),
    migrate_review,
    # "Not same" takes back the matcher's link (issue 13): new triggers, and the candidates
    # already hidden by an earlier not-same brought back.
    unlink_not_same,
    # Each page's links (crawler/fetch/page_links.py), so a page unchanged the next night is not parsed again.
    lambda db: db.execute("ALTER TABLE pages ADD COLUMN links TEXT"),
    # The search index is updated only when an indexed column is (review_schema.narrow_fts_update_trigger).
    migrate_review,
]
SCHEMA_VERSION = len(MIGRATIONS)

# Crawl-owned candidate columns, updated on every sighting. Review columns are absent on purpose.
CRAWL_COLUMNS = (
    "site", "provider", "region", "title", "awards", "fheq_level", "credits", "modes", "duration",
    "months_full_time", "months_part_time", "fees", "entry_requirements", "requires_registration",
    "regulators", "topics", "start_dates", "summary", "search_terms", "facts", "facts_hash",
    "scope_category", "scope_score", "scope_reasons", "match_catalogue_id", "match_score",
    "match_decision", "last_run", "last_seen", "text", "page_type_sure",
)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def open_db(path: str | Path | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the database in WAL mode with a busy timeout, schema up to date."""
    if path is None:
        path = "data/courses.db"
    if str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
    else:
        path = project_path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        # WAL lets the review browser read while a crawl writes.
        db.enable_wal()
    db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.conn.execute("PRAGMA foreign_keys = ON")
    db.conn.execute("PRAGMA synchronous = NORMAL")
    ensure_schema(db)
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    if "meta" not in db.table_names():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def ensure_schema(db: sqlite_utils.Database) -> None:
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise RuntimeError(f"database schema version {current} is newer than this code ({SCHEMA_VERSION})")
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [str(version)])


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# -- runs ----------------------------------------------------------------

def start_run(db, sites: list[str], mode: str) -> int:
    cursor = db.execute(
        "INSERT INTO runs (started_at, mode, sites, status, host, pid) VALUES (?, ?, ?, 'running', ?, ?)",
        [now_iso(), mode, _json(sites), socket.gethostname(), os.getpid()],
    )
    return cursor.lastrowid


def close_stale_runs(db) -> int:
    """Mark runs left 'running' by a killed process as 'interrupted'; their pages and candidates stay.

    Only runs whose process is gone from this machine: a crawl still running beside this
    one (say `scrapy crawl kcl` during the nightly job) keeps its status.
    """
    host = socket.gethostname()
    stale = [
        run_id for run_id, run_host, pid in db.execute("SELECT id, host, pid FROM runs WHERE status = 'running'")
        if run_host in (None, host) and not _process_alive(pid)
    ]
    for run_id in stale:
        db.execute("UPDATE runs SET status = 'interrupted', finished_at = ? WHERE id = ?", [now_iso(), run_id])
    return len(stale)


def _process_alive(pid: int | None) -> bool:
    if not pid or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish_run(db, run_id: int, status: str, summary: dict) -> None:
    db.execute(
        "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
        [now_iso(), status, _json(summary), run_id],
    )


def record_site_result(db, run_id: int, site: str, figures: dict, stats: dict) -> None:
    db.execute(
        """INSERT OR REPLACE INTO run_sites
           (run_id, site, finish_reason, pages_fetched, course_pages, candidates_in_scope, errors, bytes, stats)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [run_id, site, figures.get("finish_reason"), figures.get("pages_fetched", 0),
         figures.get("course_pages", 0), figures.get("candidates_in_scope", 0), figures.get("errors", 0),
         figures.get("bytes", 0), _json(stats)],
    )


# -- pages and candidates -------------------------------------------------

def record_page(db, page: dict) -> None:
    db.execute(
        """INSERT INTO pages (url, site, run_id, fetched_at, status, content_type, content_hash,
                              archive_record, page_kind, is_course, candidate_id, error,
                              page_kind_sure, kind_evidence, scope_category, judgement, links)
           VALUES (:url, :site, :run_id, :fetched_at, :status, :content_type, :content_hash,
                   :archive_record, :page_kind, :is_course, :candidate_id, :error,
                   :page_kind_sure, :kind_evidence, :scope_category, :judgement, :links)
           ON CONFLICT(url) DO UPDATE SET
             site = excluded.site, run_id = excluded.run_id, fetched_at = excluded.fetched_at,
             status = excluded.status, content_type = excluded.content_type,
             content_hash = excluded.content_hash, archive_record = excluded.archive_record,
             page_kind = excluded.page_kind, is_course = excluded.is_course,
             candidate_id = excluded.candidate_id, error = excluded.error,
             page_kind_sure = excluded.page_kind_sure, kind_evidence = excluded.kind_evidence,
             scope_category = excluded.scope_category, judgement = excluded.judgement, links = excluded.links""",
        {"candidate_id": None, "error": None, "archive_record": None, "page_kind_sure": None,
         "kind_evidence": None, "scope_category": None, "judgement": None, "links": None, **page},
    )


def upsert_candidate(db, row: dict, run_id: int | None, seen_at: str | None = None) -> int:
    """Insert or refresh a candidate by canonical URL; review columns are left as the maintainer set them."""
    seen_at = seen_at or now_iso()
    values = {column: row.get(column) for column in CRAWL_COLUMNS}
    for column in ("awards", "modes", "regulators", "topics", "start_dates", "search_terms", "scope_reasons"):
        if values[column] is not None and not isinstance(values[column], str):
            values[column] = _json(values[column])
    if values["facts"] is not None and not isinstance(values["facts"], str):
        values["facts"] = _json(values["facts"])
    values["facts_hash"] = values["facts_hash"] or (
        hashlib.sha256(values["facts"].encode()).hexdigest() if values["facts"] else None
    )
    values.update(last_run=run_id, last_seen=seen_at)
    if values["page_type_sure"] is None:
        values["page_type_sure"] = 1  # rows from before page types could be unsure
    urls = list(dict.fromkeys(row.get("urls") or [row["canonical_url"]]))
    columns = ", ".join(CRAWL_COLUMNS)
    placeholders = ", ".join(f":{c}" for c in CRAWL_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in CRAWL_COLUMNS)
    db.execute(
        f"""INSERT INTO candidates (canonical_url, urls, first_run, first_seen, {columns})
            VALUES (:canonical_url, :urls, :run_id, :seen_at, {placeholders})
            ON CONFLICT(canonical_url) DO UPDATE SET {updates}""",
        {**values, "canonical_url": row["canonical_url"], "urls": _json(urls), "run_id": run_id, "seen_at": seen_at},
    )
    candidate_id, known_urls = db.execute(
        "SELECT id, urls FROM candidates WHERE canonical_url = ?", [row["canonical_url"]]
    ).fetchone()
    merged = list(dict.fromkeys([*json.loads(known_urls or "[]"), *urls]))
    if len(merged) != len(json.loads(known_urls or "[]")):
        db.execute("UPDATE candidates SET urls = ? WHERE id = ?", [_json(merged), candidate_id])
    return candidate_id


def mark_page_seen(db, url: str, candidate_id: int | None, run_id: int | None, seen_at: str,
                   links: str | None = None) -> None:
    """An unchanged page seen again; its links are stored when the spider read them (none stored yet, or in an older format)."""
    db.execute("UPDATE pages SET run_id = ?, fetched_at = ?, links = coalesce(?, links) WHERE url = ?",
               [run_id, seen_at, links, url])
    _mark_candidate_seen(db, candidate_id, run_id, seen_at)


def mark_page_seen_unfetched(db, url: str, candidate_id: int | None, run_id: int | None, seen_at: str) -> None:
    """A page seen in the run without being fetched (its sitemap says it is unchanged): its
    fetched_at stays the time of its last fetch, which says when it must be fetched again."""
    db.execute("UPDATE pages SET run_id = ? WHERE url = ?", [run_id, url])
    _mark_candidate_seen(db, candidate_id, run_id, seen_at)


def _mark_candidate_seen(db, candidate_id: int | None, run_id: int | None, seen_at: str) -> None:
    if candidate_id is not None:
        db.execute("UPDATE candidates SET last_run = ?, last_seen = ? WHERE id = ?", [run_id, seen_at, candidate_id])


def add_candidate_urls(db, canonical_url: str, urls: list[str]) -> int | None:
    """Add URLs (old addresses that redirect here) to a candidate; its id, or None if there is no such candidate."""
    row = db.execute("SELECT id, urls FROM candidates WHERE canonical_url = ?", [canonical_url]).fetchone()
    if row is None:
        return None
    known = json.loads(row[1] or "[]")
    merged = list(dict.fromkeys([*known, *urls]))
    if merged != known:
        db.execute("UPDATE candidates SET urls = ? WHERE id = ?", [_json(merged), row[0]])
    return row[0]


def record_match(db, candidate_id: int, match: dict, run_id: int | None, signals: dict | None = None) -> None:
    """Store a matcher's pair; a maintainer's same/not-same verdict on it is kept."""
    db.execute(
        """INSERT INTO matches (candidate_id, catalogue_id, score, decision, signals, run_id)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(candidate_id, catalogue_id) DO UPDATE SET
             score = excluded.score, decision = excluded.decision,
             signals = excluded.signals, run_id = excluded.run_id""",
        [candidate_id, match["catalogue_id"], match.get("score"), match.get("decision"),
         _json(signals or {}), run_id],
    )


def forbidden_pairs(db) -> set[tuple[str, str]]:
    """(candidate canonical URL, catalogue id) pairs a maintainer said are not the same course."""
    rows = db.execute(
        """SELECT c.canonical_url, m.catalogue_id FROM matches m JOIN candidates c ON c.id = m.candidate_id
           WHERE m.maintainer_decision = 'not-same'"""
    ).fetchall()
    return {(url, catalogue_id) for url, catalogue_id in rows}


def catalogue_rows(db) -> list[dict]:
    return list(db.query("SELECT id, title, provider, category, url FROM catalogue ORDER BY id"))


def read_only_catalogue_rows(path: str | Path) -> list[dict]:
    """catalogue_rows of a database file, read through a read-only connection (the file is not touched)."""
    import sqlite3

    conn = sqlite3.connect(f"{project_path(path).as_uri()}?mode=ro", uri=True)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'catalogue'").fetchone():
            return []
        return catalogue_rows(sqlite_utils.Database(conn))
    finally:
        conn.close()
