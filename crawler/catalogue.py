"""The existing catalogue: the report's courses, loaded into the database on every run."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

from crawler.paths import project_path
from crawler.configfile import ConfigError, read_text
from crawler.storage import now_iso

logger = logging.getLogger(__name__)

DEFAULT_CATALOGUE_FILE = "data/catalogue.csv"
REQUIRED_COLUMNS = ("id", "title", "provider", "category", "source_table")
CATEGORIES = ("core", "related", "short course", "fellowship")


class CatalogueError(ConfigError):
    """data/catalogue.csv is invalid; the message names file, row and problem."""


def read_catalogue(path: str | Path | None = None) -> list[dict]:
    path = project_path(path or DEFAULT_CATALOGUE_FILE)
    text = read_text(path, CatalogueError).removeprefix("\ufeff")  # spreadsheets save UTF-8 with a BOM
    try:
        with io.StringIO(text, newline="") as stream:
            reader = csv.DictReader(stream)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CatalogueError(path, "header", f"missing column(s) {', '.join(missing)}")
            rows, seen = [], set()
            for line, raw in enumerate(reader, start=2):
                row = {k: (v or "").strip() for k, v in raw.items() if k}
                if not row["id"] or not row["title"]:
                    raise CatalogueError(path, f"line {line}", "id and title are required")
                if row["id"] in seen:
                    raise CatalogueError(path, f"line {line}", f"duplicate id {row['id']!r}")
                if row["category"] not in CATEGORIES:
                    raise CatalogueError(path, f"line {line}",
                                         f"category {row['category']!r} is not one of {', '.join(CATEGORIES)}")
                seen.add(row["id"])
                rows.append(row)
            return rows
    except csv.Error as exc:
        raise CatalogueError(path, f"line {reader.line_num}", f"not valid CSV: {exc}") from None


def load_catalogue(db, path: str | Path | None = None) -> int:
    """Upsert the report's catalogue rows by id; rows maintainers accepted are left alone."""
    rows = read_catalogue(path)
    with db.atomic():
        for row in rows:
            db.execute(
                """INSERT INTO catalogue (id, title, provider, category, source_table, unverified, region, url,
                                          origin, added_at)
                   VALUES (:id, :title, :provider, :category, :source_table, :unverified, :region, :url,
                           'report', :added_at)
                   ON CONFLICT(id) DO UPDATE SET
                     title = excluded.title, provider = excluded.provider, category = excluded.category,
                     source_table = excluded.source_table, unverified = excluded.unverified,
                     region = excluded.region, url = excluded.url
                   WHERE catalogue.origin = 'report'""",
                {
                    "id": row["id"], "title": row["title"], "provider": row["provider"],
                    "category": row["category"], "source_table": row["source_table"],
                    "unverified": 1 if row.get("unverified") in ("1", "true", "yes") else 0,
                    "region": row.get("region") or None, "url": row.get("url") or None,
                    "added_at": now_iso(),
                },
            )
    return len(rows)
