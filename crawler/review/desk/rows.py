"""Small helpers shared by the desk's modules: rows as dicts, JSON list columns as Python lists."""

from __future__ import annotations

import json
import sqlite3


def fetch_all(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def fetch_one(conn: sqlite3.Connection, sql: str, params=()) -> dict | None:
    found = fetch_all(conn, sql, params)
    return found[0] if found else None


def json_list(value) -> list:
    """A JSON list column as a list; anything else (NULL, bad JSON, a scalar) as []."""
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return []
    return parsed if isinstance(parsed, list) else []
