"""`scrapy review`: the review server, Datasette on the crawl database (docs/review.md)."""

from __future__ import annotations

import getpass
import os
import re
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.operations.database_file import DatabaseFileError, check_database_file
from crawler.review import DEFAULT_ARCHIVE_DIRS, DEFAULT_HOST, DEFAULT_PORT, serve_review

EXIT_CONFIG = 2


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self):
        return "[options]"

    def short_desc(self):
        return "Start the review server (Datasette) on the crawl database"

    def long_desc(self):
        return ("Serves the crawl database with Datasette for maintainers to review candidates. Anyone can read; "
                "decisions need a signed-in reviewer: one account per REVIEW_PASSWORD_HASH_<NAME> environment "
                "variable (make one with --hash-password NAME), or --root for a single maintainer. "
                "See docs/review.md.")

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--db", default="", metavar="PATH", help="SQLite database (default: setting DATABASE)")
        parser.add_argument("--host", default=DEFAULT_HOST,
                            help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
        parser.add_argument("--root", action="store_true",
                            help="print a sign-in link for the single maintainer account 'root'")
        parser.add_argument("--archives", action="append", default=[], metavar="DIR",
                            help="another folder of WARC files for the desk's archived pages (default: setting "
                                 "ARCHIVE_DIR and data/snapshot)")
        parser.add_argument("--hash-password", default="", metavar="NAME",
                            help="ask for a reviewer's password and print the environment variable to set; "
                                 "NAME is ASCII letters, digits and underscores, starting with a letter")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if opts.db:
            self.settings.set("DATABASE", opts.db, priority="cmdline")

    def run(self, args, opts):
        if args:
            raise UsageError("review takes no positional arguments; use --db PATH")
        if opts.hash_password:
            problem = reviewer_name_problem(opts.hash_password)
            if problem:  # before asking for a password
                print(f"review: {problem}", file=sys.stderr)
                self.exitcode = EXIT_CONFIG
                return
            print(hash_password_line(opts.hash_password, getpass.getpass("Password: ")))
            return
        try:
            path = check_database_file(self.settings.get("DATABASE"))
        except DatabaseFileError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        archive_dirs = [self.settings.get("ARCHIVE_DIR"), *DEFAULT_ARCHIVE_DIRS[1:], *opts.archives]
        self.exitcode = serve_review(path, os.environ, opts.host, opts.port, opts.root, archive_dirs,
                                     self.settings.get("SITES_FILE"))


# A reviewer name becomes part of an environment variable name (REVIEW_PASSWORD_HASH_<NAME>),
# which a shell only accepts in ASCII: "josé" made an export line bash refused.
REVIEWER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
REVIEWER_NAME_RULE = ("reviewer names start with a letter and have only ASCII letters, digits and underscores, "
                      "at most 40 (they are not case-sensitive)")


def reviewer_name_problem(name: str) -> str | None:
    if REVIEWER_NAME.fullmatch(name):
        return None
    return f"{name!r} cannot be a reviewer name: {REVIEWER_NAME_RULE}"


def hash_password_line(name: str, password: str) -> str:
    """The `export` line that gives reviewer `name` an account."""
    from datasette_auth_passwords.utils import hash_password

    problem = reviewer_name_problem(name)
    if problem:
        raise UsageError(problem)
    if not password:
        raise UsageError("empty password")
    return f"export REVIEW_PASSWORD_HASH_{name.upper()}='{hash_password(password)}'"
