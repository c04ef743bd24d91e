"""One night of `scrapy crawlall` over one local site, into a database of its own."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from crawler.paths import PROJECT_ROOT
from tests.support.local_site import LocalSite


def crawl_local_site(tmp_path: Path, name: str, site: LocalSite, key: str, *extra: str,
                     sitemaps: tuple[str, ...] = (), timeout: float = 300) -> tuple[dict, Path]:
    """Crawl ``site`` (its /courses/ listing, and the paths in ``sitemaps``) into tmp_path/name/courses.db;
    the night's stats of the site and the database's path. ``extra`` arguments go to crawlall (-s SETTING=value)."""
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text(yaml.safe_dump({"sites": [{
        "key": key, "name": key.replace("_", " ").title(), "region": "south", "kind": "university",
        "home": f"{site.origin}/courses/", "allowed_domains": ["127.0.0.1"],
        "listings": [f"{site.origin}/courses/"], "follow": ["/courses/"],
        "sitemaps": [f"{site.origin}{path}" for path in sitemaps]}]}))
    db_path = tmp_path / name / "courses.db"
    db_path.parent.mkdir(exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawlall", "--db", str(db_path), "-s", f"SITES_FILE={sites_file}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", *extra],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(db_path) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM run_sites ORDER BY run_id DESC LIMIT 1").fetchone()[0])
    return stats, db_path


def stored_rows(db_path: Path) -> dict:
    """What a night leaves in the database, without its clocks, and candidates named by URL, not
    by id (pages arrive in a different order in each crawl)."""
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row

        def table(sql):
            return [{k: row[k] for k in row.keys() if k not in ("fetched_at", "first_seen", "last_seen", "changed_at", "id", "candidate_id")}
                    for row in conn.execute(sql)]
        return {"pages": table("SELECT p.*, c.canonical_url AS candidate_url FROM pages p"
                               " LEFT JOIN candidates c ON c.id = p.candidate_id ORDER BY url"),
                "candidates": table("SELECT * FROM candidates ORDER BY canonical_url"),
                "run_sites": table("SELECT run_id, site, finish_reason, pages_fetched, course_pages,"
                                   " candidates_in_scope, errors, bytes FROM run_sites ORDER BY run_id"),
                "history": table("SELECT h.*, c.canonical_url AS candidate_url FROM candidate_history h"
                                 " JOIN candidates c ON c.id = h.candidate_id ORDER BY c.canonical_url")}
