"""The review server: Datasette on the crawl database with this directory's metadata and plugin.

`scrapy review` (crawler/commands/review.py) is the documented way in; these helpers
build what it passes to Datasette so they can be tested without starting a server.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml
from markupsafe import escape

from crawler.paths import project_path
from crawler.storage import open_db

REVIEW_DIR = Path(__file__).resolve().parent
METADATA_FILE = REVIEW_DIR / "metadata.yml"
PLUGINS_DIR = REVIEW_DIR / "plugins"
# The database key used in metadata.yml: the stem of the default data/courses.db.
METADATA_DATABASE = "courses"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
# Where the desk looks for the WARC file a page's archive_record names: the nightly
# archives (`crawlall --archive`, setting ARCHIVE_DIR) and the bundled snapshot.
DEFAULT_ARCHIVE_DIRS = ("data/archive", "data/snapshot")
# The review desk's address (crawler/review/desk/views.py), linked from the front page.
DESK_PATH = "/-/desk"

# One environment variable per reviewer holds their password hash (never the password).
REVIEWER_ENV = re.compile(r"^REVIEW_PASSWORD_HASH_([A-Z0-9_]+)$")


def reviewer_accounts(environ: Mapping[str, str]) -> dict[str, str]:
    """Reviewer name -> the environment variable holding their password hash."""
    return {
        match.group(1).lower(): name
        for name in sorted(environ)
        if (match := REVIEWER_ENV.match(name)) and environ[name].strip()
    }


def review_metadata(database_name: str, environ: Mapping[str, str],
                    archive_dirs: Sequence[str | Path] = DEFAULT_ARCHIVE_DIRS, sites_file: str | None = None) -> dict:
    """metadata.yml for a database named `database_name`, with one sign-in account per reviewer variable,
    the desk's settings, and a link to the desk on the front page."""
    metadata = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    metadata["description_html"] = (
        f'<p><a href="{DESK_PATH}"><strong>Open the review desk</strong></a>: the queue of candidates, '
        f'one card each, decided with a key.</p><p>{escape(metadata.get("description", ""))}</p>')
    metadata.setdefault("plugins", {})["review-desk"] = {
        "archive_dirs": [str(project_path(directory)) for directory in archive_dirs],
        "sites_file": str(project_path(sites_file)) if sites_file else None,
    }
    databases = metadata["databases"]
    if database_name != METADATA_DATABASE:
        databases[database_name] = databases.pop(METADATA_DATABASE)
    accounts = {f"{name}_password_hash": {"$env": variable}
                for name, variable in reviewer_accounts(environ).items()}
    metadata.setdefault("plugins", {})["datasette-auth-passwords"] = accounts
    return metadata


def datasette_args(db_path: Path, metadata_path: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                   root: bool = False) -> list[str]:
    """Arguments for `datasette serve` on the crawl database."""
    args = ["serve", str(db_path), "--metadata", str(metadata_path), "--plugins-dir", str(PLUGINS_DIR),
            "--host", host, "--port", str(port),
            # Reviewers search and facet the whole candidates table.
            "--setting", "facet_time_limit_ms", "1000", "--setting", "sql_time_limit_ms", "3000"]
    if root:
        args.append("--root")
    return args


def serve_review(db_path: Path, environ: Mapping[str, str], host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 root: bool = False, archive_dirs: Sequence[str | Path] = DEFAULT_ARCHIVE_DIRS,
                 sites_file: str | None = None) -> int:
    """Bring the database's schema up to date, then run Datasette on it until stopped; returns an exit status."""
    # Migrating adds the views, triggers and search index, and leaves the file in WAL
    # mode so a crawl and the server can write at the same time.
    open_db(db_path).conn.close()
    if not reviewer_accounts(environ) and not root:
        print("note: no reviewer accounts (REVIEW_PASSWORD_HASH_<NAME>) and no --root: read-only for everyone",
              file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="review-") as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        metadata = review_metadata(db_path.stem, environ, archive_dirs, sites_file)
        metadata_path.write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        return _run_datasette(datasette_args(db_path, metadata_path, host, port, root))


def _run_datasette(args: list[str]) -> int:
    from datasette.cli import cli

    try:
        cli.main(args=args, prog_name="datasette", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
