"""The HTTP cache in one SQLite file per site, instead of Scrapy's seven files per response.

Scrapy's FilesystemCacheStorage writes meta, pickled_meta, headers, body, extra data and the
request's headers and body, each gzipped at level 9, into a directory per response, and
writes them all again when a 304 revalidates the response. On a crawl that was several
seconds of kernel time per thousand pages. Here a response is one row; a revalidated
response whose body is the one stored rewrites its headers and time only.

Drop-in for HTTPCACHE_STORAGE: the same lookups by request fingerprint, the same
HTTPCACHE_EXPIRATION_SECS and HTTPCACHE_GZIP (zlib, at a fast level), the same responses.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sqlite3
import zlib
from pathlib import Path
from time import time

from scrapy.utils.project import data_path
from scrapy.utils.response import response_from_dict
from w3lib.http import headers_dict_to_raw, headers_raw_to_dict

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    fingerprint BLOB PRIMARY KEY,     -- Scrapy's request fingerprint
    status INTEGER NOT NULL,
    url TEXT NOT NULL,                -- the response's URL (after redirects are followed, the request's)
    headers BLOB NOT NULL,            -- raw header lines
    body BLOB NOT NULL,               -- zlib-compressed when compressed = 1
    compressed INTEGER NOT NULL,
    body_digest BLOB NOT NULL,        -- of the uncompressed body: a revalidation need not rewrite it
    extra BLOB NOT NULL,              -- pickled: the rest of Response.to_dict() (class, flags, ...)
    stored_at REAL NOT NULL
) WITHOUT ROWID;
"""
# HTML compresses 4-6x at level 1; level 9 (gzip.open's default) costs several times the CPU for a few % more.
COMPRESS_LEVEL = 1
# Another process may share the cache directory (docs/distributed.md); wait for it rather than fail.
BUSY_TIMEOUT_MS = 30_000
# Response.to_dict() keys kept in their own columns.
OWN_COLUMNS = {"url", "status", "headers", "body"}


class SqliteCacheStorage:
    def __init__(self, settings):
        self.cachedir = data_path(settings["HTTPCACHE_DIR"], createdir=True)
        self.expiration_secs = settings.getint("HTTPCACHE_EXPIRATION_SECS")
        self.compress = settings.getbool("HTTPCACHE_GZIP")
        self.conn: sqlite3.Connection | None = None

    def open_spider(self, spider) -> None:
        path = Path(self.cachedir, f"{spider.name}.sqlite3")
        # Autocommit: each stored response is its own short write, as a file was.
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        # WAL with NORMAL waits for the disk only at checkpoints; a row lost to a power cut is fetched again.
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.executescript(SCHEMA)
        self._fingerprinter = spider.crawler.request_fingerprinter
        logger.debug("Using SQLite cache storage in %s", path, extra={"spider": spider})

    def close_spider(self, spider) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def retrieve_response(self, spider, request):
        """The cached response to the request, or None when there is none or it has expired."""
        row = self.conn.execute(
            "SELECT status, url, headers, body, compressed, extra, stored_at FROM responses WHERE fingerprint = ?",
            [self._fingerprinter.fingerprint(request)]).fetchone()
        if row is None:
            return None
        status, url, headers, body, compressed, extra, stored_at = row
        if 0 < self.expiration_secs < time() - stored_at:
            return None
        data = pickle.loads(extra)  # noqa: S301 - written by this class only, as Scrapy's own storages do
        data.update(url=url, status=status, headers=headers_raw_to_dict(headers),
                    body=zlib.decompress(body) if compressed else body)
        request.meta["cache_timestamp"] = stored_at
        return response_from_dict(data)

    def store_response(self, spider, request, response) -> None:
        fingerprint = self._fingerprinter.fingerprint(request)
        body = response.body
        digest = hashlib.sha1(body).digest()
        extra = pickle.dumps({k: v for k, v in response.to_dict().items() if k not in OWN_COLUMNS}, protocol=4)
        headers = headers_dict_to_raw(response.headers)
        now = time()
        # A 304 stores the cached response again with fresh headers: the body is the one stored.
        updated = self.conn.execute(
            """UPDATE responses SET status = ?, url = ?, headers = ?, extra = ?, stored_at = ?
               WHERE fingerprint = ? AND body_digest = ?""",
            [response.status, response.url, headers, extra, now, fingerprint, digest]).rowcount
        if updated:
            return
        stored_body = zlib.compress(body, COMPRESS_LEVEL) if self.compress else body
        self.conn.execute(
            """INSERT OR REPLACE INTO responses
               (fingerprint, status, url, headers, body, compressed, body_digest, extra, stored_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [fingerprint, response.status, response.url, headers, stored_body, 1 if self.compress else 0,
             digest, extra, now])
