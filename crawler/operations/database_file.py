"""Check a database file before a command opens it, so a typo or a damaged file is one clear line.

sqlite3 creates a missing file, and fails with a traceback on a file that is not SQLite, on a
read-only one and on a truncated one; every command that reads the crawl database checks it
here first, and leaves the file as it found it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from crawler.configfile import ConfigError
from crawler.paths import project_path

SQLITE_HEADER = b"SQLite format 3\0"
# SQLite's names for a private database in memory; sqlite3 also takes the URI forms.
IN_MEMORY_NAMES = (":memory:", "file::memory:")
HEADER_SIZE = 100


class DatabaseFileError(ConfigError):
    """The database file is missing, not SQLite, damaged or read-only; the message names it."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(path, "database", problem)


def check_database_file(path: str | Path, must_exist: bool = True) -> Path:
    """The resolved path of a usable database; raises DatabaseFileError saying what is wrong with it.

    `must_exist=False` (crawlall, ingest) lets a missing file be created, in a writable directory.
    """
    if str(path).startswith(IN_MEMORY_NAMES):
        # Each part of a crawl (pipeline, run log, summary) opens the database on its own, so
        # each would get an empty database of its own; and nothing would be kept for review.
        raise DatabaseFileError(path, "is SQLite's in-memory database, which keeps nothing between the parts "
                                      "of a command; give a file path (e.g. /tmp/try.db)")
    path = project_path(path)
    if not path.exists():
        if must_exist:
            raise DatabaseFileError(path, "not found (run `scrapy crawlall` first, or give --db PATH)")
        directory = path.parent if path.parent.exists() else next(p for p in path.parents if p.exists())
        if not os.access(directory, os.W_OK | os.X_OK):
            raise DatabaseFileError(path, f"cannot be created: {directory} is read-only")
        return path
    if path.is_dir():
        raise DatabaseFileError(path, "is a directory, not a database file")
    try:
        with path.open("rb") as stream:
            header = stream.read(HEADER_SIZE)
    except OSError as exc:
        raise DatabaseFileError(path, f"cannot be read: {exc.strerror or exc}") from None
    size = path.stat().st_size
    if size == 0:
        raise DatabaseFileError(path, "is empty (0 bytes), not a crawl database; remove it to start a new one")
    if not header.startswith(SQLITE_HEADER):
        raise DatabaseFileError(path, "is not an SQLite database")
    if len(header) < HEADER_SIZE:
        raise DatabaseFileError(path, f"is truncated: {size} bytes, less than an SQLite header")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if pages and size < page_size * pages:
        raise DatabaseFileError(path, f"is truncated: {size} bytes of the {page_size * pages} its header gives")
    # Read-only: sqlite3 would open it and fail at the first write, half way through a command.
    # (os.access also sees an immutable file as read-only for root.)
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseFileError(path, "is read-only (the file or its directory); commands need to write to it")
    problem = _read_problem(path)
    if problem:
        raise DatabaseFileError(path, problem)
    return path


def _read_problem(path: Path) -> str | None:
    """What SQLite says on reading the schema, through a read-only connection that changes nothing."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"cannot be opened: {exc}"
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            return "is an SQLite database, but not a crawl database (no meta table)"
    except sqlite3.DatabaseError as exc:
        return f"is damaged or not a database: {exc}"
    finally:
        conn.close()
    return None
