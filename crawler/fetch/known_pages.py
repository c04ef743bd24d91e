"""Last night's links of a page whose body has not changed, so the spider need not parse it again.

The pipeline stores each page's links (crawler/fetch/page_links.py) in `pages.links` with
its content hash and Content-Type. A page revalidated by a 304, or fetched again with the
same bytes, is the same document: its links are the stored ones, and the pipeline will
only mark it seen (CoursePipeline.skip_if_unchanged compares the same hash). The spider
reads them through its own connection; the pipeline stays the only writer.
"""

from __future__ import annotations

import hashlib
import sqlite3

from crawler.fetch.page_links import PageLinks
from crawler.paths import project_path


class KnownPages:
    def __init__(self, database: str):
        self.path = project_path(database)
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def for_settings(cls, settings) -> KnownPages | None:
        """None where the spider cannot read what the pipeline stores (a database in memory)."""
        database = settings.get("DATABASE")
        if not database or str(database) == ":memory:":
            return None
        return cls(database)

    def _connection(self) -> sqlite3.Connection | None:
        # Opened on the first page, once the pipeline has created or migrated the database.
        if self._conn is None:
            if not self.path.exists():
                return None
            self._conn = sqlite3.connect(self.path)
            # Only read: the WAL file needs write access to the directory, so not "mode=ro".
            self._conn.execute("PRAGMA query_only = 1")
        return self._conn

    def links_if_unchanged(self, url: str, body: bytes, content_type: str) -> PageLinks | None:
        """The page's stored links if its stored row has this very body and Content-Type, else None."""
        conn = self._connection()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT content_hash, content_type, links FROM pages WHERE url = ?", [url]).fetchone()
        except sqlite3.OperationalError:  # a database from before pages.links: read the page
            return None
        if row is None or not row[2] or row[1] != content_type:
            return None
        if row[0] != hashlib.sha256(body).hexdigest():
            return None
        return PageLinks.from_json(row[2])

    def last_fetch(self, url: str) -> tuple[str, PageLinks] | None:
        """When a page was last fetched whole and fine (status 200), and the links it had; None when
        it never was or its links were not stored (crawler/fetch/revisits.py)."""
        conn = self._connection()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT fetched_at, status, links FROM pages WHERE url = ?", [url]).fetchone()
        except sqlite3.OperationalError:  # a database from before pages.links
            return None
        if row is None or row[1] != 200 or not row[2]:
            return None
        links = PageLinks.from_json(row[2])
        return (row[0], links) if links is not None and links.links is not None else None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
