"""`python -m crawler.review --db PATH`: the review server without Scrapy's command loader (used by the tests)."""

import argparse
import os
import sys
from pathlib import Path

from crawler.review import DEFAULT_ARCHIVE_DIRS, DEFAULT_HOST, DEFAULT_PORT, serve_review


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.review", description="Same as `scrapy review`.")
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--root", action="store_true")
    parser.add_argument("--archives", action="append", default=[], metavar="DIR")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"database {args.db} not found")
    return serve_review(args.db.resolve(), os.environ, args.host, args.port, args.root,
                        [*DEFAULT_ARCHIVE_DIRS, *args.archives])


if __name__ == "__main__":
    sys.exit(main())
